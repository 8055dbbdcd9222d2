package analysis

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// TestCacheMatchesFreshAnalysis edits every file of every fixture, one at a
// time, in ways that keep or break what the graph sees, and checks that an
// analysis through a warm Cache equals a fresh one.
func TestCacheMatchesFreshAnalysis(t *testing.T) {
	fixtures, _ := filepath.Glob("../testdata/analysis/*.txtar")
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	edits := []func([]byte) []byte{
		func(src []byte) []byte { return append(append([]byte(nil), src...), "\n# edited\n"...) },
		func(src []byte) []byte { return []byte("{ }\n") },
		func(src []byte) []byte {
			return []byte("{ nixpkgs, microvm, ... }: { nixosConfigurations.extra = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host microvm.nixosModules.microvm ]; }; }\n")
		},
	}
	for _, fx := range fixtures {
		ws, _ := loadFixture(t, fx)
		c := NewCache()
		c.Analyze(ws, Config{})
		c.Systems(ws)
		paths := make([]string, 0, len(ws.Files))
		for p := range ws.Files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			for i, edit := range edits {
				files := map[string]*nixast.File{}
				for k, v := range ws.Files {
					files[k] = v
				}
				files[p] = nixast.Parse(p, edit(ws.Files[p].Src))
				next := &Workspace{Files: files}
				got := encode(c.Analyze(next, Config{}))
				want := encode(Analyze(next, Config{}))
				if got != want {
					t.Errorf("%s: edit %d of %s: cached analysis differs from a fresh one:\n got  %s\n want %s", filepath.Base(fx), i, p, got, want)
				}
				if gs, ws := encode(c.Systems(next)), encode(Systems(next)); gs != ws {
					t.Errorf("%s: edit %d of %s: cached systems differ:\n got  %s\n want %s", filepath.Base(fx), i, p, gs, ws)
				}
				// Back to the original, through the same cache.
				c.Analyze(ws, Config{})
			}
		}
	}
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestGraphRescansOnlyAffectedRoots: an edit to a module that one of two
// flakes imports scans that flake again and reuses the other.
func TestGraphRescansOnlyAffectedRoots(t *testing.T) {
	flake := func(mod string) string {
		return `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { nixpkgs, microvm, ... }: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host ./` + mod + ` ]; };
  };
}
`
	}
	src := map[string]string{
		"/ws/a/flake.nix": flake("m.nix"), "/ws/a/m.nix": "{ boot.loader.grub.device = \"/dev/sda\"; }\n",
		"/ws/b/flake.nix": flake("n.nix"), "/ws/b/n.nix": "{ networking.hostName = \"b\"; }\n",
	}
	ws := &Workspace{Files: map[string]*nixast.File{}}
	for p, s := range src {
		ws.Files[p] = nixast.Parse(p, []byte(s))
	}
	c := NewCache()
	c.Analyze(ws, Config{})
	if c.graph.rescanned != 2 {
		t.Fatalf("first analysis scanned %d roots, want 2", c.graph.rescanned)
	}
	files := map[string]*nixast.File{}
	for k, v := range ws.Files {
		files[k] = v
	}
	files["/ws/a/m.nix"] = nixast.Parse("/ws/a/m.nix", []byte("{ imports = [ microvm.nixosModules.microvm ]; boot.loader.grub.device = \"/dev/sda\"; }\n"))
	next := &Workspace{Files: files}
	got := encode(c.Analyze(next, Config{}))
	if c.graph.rescanned != 1 {
		t.Errorf("an edit of a/m.nix scanned %d roots, want 1", c.graph.rescanned)
	}
	if want := encode(Analyze(next, Config{})); got != want {
		t.Errorf("incremental analysis differs:\n got  %s\n want %s", got, want)
	}
}
