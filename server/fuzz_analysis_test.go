package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// analysisBound is how long one analysis of a fuzzed workspace may take.
// Real workspaces take milliseconds; this only catches runaway recursion
// and loops.
const analysisBound = 10 * time.Second

// FuzzAnalyze runs the whole analysis (parse, evaluation, module graph,
// checks, fixes) on a workspace of one to three fuzzed files that import
// each other by name. It must not panic and must end within analysisBound;
// every finding must lie within its file. The seeds are the analysis
// fixtures (testdata/analysis/*.txtar, first three files of each) and a few
// hand-written import cycles.
func FuzzAnalyze(f *testing.F) {
	f.Add("{ imports = [ ./a.nix ]; }", "{ imports = [ ./b.nix ./flake.nix ]; }", "import ./a.nix", uint8(3))
	f.Add("{ inputs, ... }: { outputs = { self, microvm, nixpkgs }: { nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host microvm.nixosModules.microvm ./a.nix ]; }; }; }",
		"{ microvm.vms.x.config = import ./b.nix; microvm.guest.enable = false; }", "{ config, ... }: { microvm.hypervisor = \"qemu\"; microvm.shares = [ { proto = \"9p\"; } ]; }", uint8(3))
	f.Add("let x = x; in x", "rec { a = a; b = { inherit a; }; }", "", uint8(2))
	f.Add("{ imports = [ (import ./a.nix) ] ++ lib.optionals true [ ./a.nix ]; }", "{ ... }@args: args // { imports = [ ./flake.nix ]; }", "", uint8(2))
	if matches, _ := filepath.Glob("../testdata/analysis/*.txtar"); len(matches) > 0 {
		for _, m := range matches {
			src, err := os.ReadFile(m)
			if err != nil {
				f.Fatal(err)
			}
			ar := txtar.Parse(src)
			var texts [3]string
			for i := 0; i < len(ar.Files) && i < 3; i++ {
				texts[i] = string(ar.Files[i].Data)
			}
			f.Add(texts[0], texts[1], texts[2], uint8(min(len(ar.Files), 3)))
		}
	}
	names := []string{"/w/flake.nix", "/w/a.nix", "/w/b.nix"}
	f.Fuzz(func(t *testing.T, a, b, c string, n uint8) {
		texts := []string{a, b, c}
		ws := &analysis.Workspace{Files: map[string]*nixast.File{}}
		for i := 0; i < 1+int(n%3); i++ {
			if len(texts[i]) > 1<<14 {
				return
			}
			ws.Files[names[i]] = nixast.Parse(names[i], []byte(texts[i]))
		}
		done := make(chan []analysis.Finding, 1)
		go func() {
			done <- analysis.Analyze(ws, analysis.Config{})
		}()
		select {
		case findings := <-done:
			for _, fd := range findings {
				file := ws.Files[fd.File]
				if file == nil {
					t.Fatalf("finding in a file not in the workspace: %+v", fd)
				}
				if fd.Pos < 0 || fd.End < fd.Pos || fd.End > len(file.Src) {
					t.Fatalf("finding outside its file (%d bytes): %+v", len(file.Src), fd)
				}
				for _, fix := range fd.Fixes {
					for _, e := range fix.Edits {
						if ef := ws.Files[e.File]; ef == nil || e.Pos < 0 || e.End < e.Pos || e.End > len(ef.Src) {
							t.Fatalf("fix edit outside its file: %+v", e)
						}
					}
				}
			}
		case <-time.After(analysisBound):
			t.Fatalf("analysis did not end within %v on %q", analysisBound, strings.Join(texts, "\n----\n"))
		}
	})
}
