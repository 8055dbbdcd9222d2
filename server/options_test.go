package server

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nix-community/go-nix/pkg/nar"
	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// A small source tree in microvm.nix's layout, written for this test: its
// options differ from the real ones so that the test tells which index
// answered.
var fixtureSource = map[string]string{
	"flake.nix": `{ outputs = { self }: { nixosModules.microvm = ./nixos-modules/microvm; nixosModules.host = ./nixos-modules/host; }; }`,
	"nixos-modules/microvm/default.nix": `{ lib, ... }:
{
  imports = [ (lib.mkRenamedOptionModule [ "microvm" "ramSize" ] [ "microvm" "mem" ]) ];
  options.microvm = {
    hypervisor = lib.mkOption {
      type = lib.types.enum [ "qemu" "cloud-hypervisor" ];
      default = "qemu";
      description = "Which program runs the test machine.";
    };
    mem = lib.mkOption {
      type = lib.types.ints.positive;
      default = 256;
      description = "Test machine memory in megabytes.";
    };
    testOnlyFlag = lib.mkEnableOption "a switch only this fixture declares";
  };
}
`,
	"nixos-modules/host/default.nix": `{ lib, ... }:
{
  options.microvm.stateDir = lib.mkOption { type = lib.types.path; default = "/var/lib/microvms"; description = "State."; };
}
`,
}

// narHash returns the SRI sha256 of a tree's NAR serialisation.
func narHash(t *testing.T, dir string) string {
	h := sha256.New()
	if err := nar.DumpPath(h, dir); err != nil {
		t.Fatal(err)
	}
	return "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const optionsFlake = `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.vm = nixpkgs.lib.nixosSystem {
      modules = [
        microvm.nixosModules.microvm
        {
          microvm.hypervisor = "qemu";
          microvm.mem = "lots";
          microvm.testOnlyFlg = true;
          microvm.ramSize = 512;
        }
      ];
    };
  };
}
`

// optionsWorkspace writes a workspace whose flake.lock pins the fixture
// source; with present, the source is in a store under the returned root.
func optionsWorkspace(t *testing.T, present bool) (ws, root string) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the index cache stays in the test
	src := t.TempDir()
	writeTree(t, src, fixtureSource)
	hash := narHash(t, src)
	root = t.TempDir()
	if present {
		sp, err := nixstore.Default(root).SourcePath(hash, "source")
		if err != nil {
			t.Fatal(err)
		}
		writeTree(t, filepath.Join(root, sp), fixtureSource)
	}
	ws = t.TempDir()
	lock := fmt.Sprintf(`{"version": 7, "root": "root", "nodes": {
  "root": {"inputs": {"microvm": "microvm"}},
  "microvm": {"locked": {"type": "github", "owner": "microvm-nix", "repo": "microvm.nix", "rev": "0123456789abcdef0123456789abcdef01234567", "narHash": %q, "lastModified": 1}, "original": {"type": "github", "owner": "microvm-nix", "repo": "microvm.nix"}}
}}`, hash)
	writeTree(t, ws, map[string]string{"flake.nix": optionsFlake, "flake.lock": lock})
	return ws, root
}

func codes(ds []protocol.Diagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%v:%d", d.Code, d.Range.Start.Line))
	}
	return strings.Join(out, " ")
}

// TestOptionsFromStoreSource: with the pinned source in the store under
// storeRoot, checks, hover, completion and definition read its index.
func TestOptionsFromStoreSource(t *testing.T) {
	ws, root := optionsWorkspace(t, true)
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(ws), initOptions: map[string]any{"storeRoot": root}})
	u := pathToURI(filepath.Join(ws, "flake.nix"))
	c.open(u, optionsFlake)
	p := c.waitDiagnostics(u, "option findings", func(p publishDiagnosticsParams) bool {
		return strings.Contains(codes(p.Diagnostics), "deprecated-option")
	})
	got := codes(p.Diagnostics)
	for _, want := range []string{"option-type-mismatch:8", "unknown-option:9", "deprecated-option:10"} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics %s lack %s", got, want)
		}
	}
	for _, d := range p.Diagnostics {
		if fmt.Sprint(d.Code) == "unknown-option" && !strings.Contains(d.Message, "testOnlyFlag") {
			t.Errorf("unknown-option does not suggest the fixture's option: %s", d.Message)
		}
	}
	var h protocol.Hover
	c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": u}, "position": map[string]any{"line": 8, "character": 20}}, &h)
	if !strings.Contains(h.Contents.Value, "Test machine memory") || !strings.Contains(h.Contents.Value, "input microvm (0123456)") {
		t.Errorf("hover: %q", h.Contents.Value)
	}
	var list protocol.CompletionList
	c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": u}, "position": map[string]any{"line": 9, "character": 18}}, &list)
	labels := map[string]protocol.CompletionItem{}
	for _, it := range list.Items {
		labels[it.Label] = it
	}
	if it, ok := labels["testOnlyFlag"]; !ok || !strings.Contains(it.Detail, "boolean") {
		t.Errorf("completion lacks the fixture's testOnlyFlag: %+v", list.Items)
	}
	if _, ok := labels["vcpu"]; ok {
		t.Errorf("completion offers vcpu, which only the built-in index has")
	}
	var locs []protocol.Location
	c.call("textDocument/definition", map[string]any{"textDocument": map[string]any{"uri": u}, "position": map[string]any{"line": 8, "character": 20}}, &locs)
	found := false
	for _, l := range locs {
		if strings.HasSuffix(string(l.URI), "nixos-modules/microvm/default.nix") && strings.HasPrefix(uriToPath(l.URI), root) && l.Range.Start.Line == 9 {
			found = true
		}
	}
	if !found {
		t.Errorf("definition: %+v", locs)
	}
}

// TestOptionsWithoutStoreSource: the pinned source is absent, so the
// server says so once and checks against the built-in index.
func TestOptionsWithoutStoreSource(t *testing.T) {
	ws, root := optionsWorkspace(t, false)
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(ws), initOptions: map[string]any{"storeRoot": root}})
	u := pathToURI(filepath.Join(ws, "flake.nix"))
	c.open(u, optionsFlake)
	p := c.waitDiagnostics(u, "option findings", func(p publishDiagnosticsParams) bool {
		return strings.Contains(codes(p.Diagnostics), "unknown-option")
	})
	for _, d := range p.Diagnostics {
		if fmt.Sprint(d.Code) == "unknown-option" && !strings.Contains(d.Message, "(built in)") {
			t.Errorf("unknown-option does not name the built-in index: %s", d.Message)
		}
	}
	// ramSize is no option of the real microvm.nix: unknown, not deprecated
	if got := codes(p.Diagnostics); !strings.Contains(got, "unknown-option:10") || !strings.Contains(got, "option-type-mismatch:8") {
		t.Errorf("diagnostics: %s", got)
	}
	var list protocol.CompletionList
	c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": u}, "position": map[string]any{"line": 9, "character": 18}}, &list)
	var hv *protocol.CompletionItem
	for i, it := range list.Items {
		if it.Label == "hypervisor" {
			hv = &list.Items[i]
		}
	}
	if hv == nil || !strings.Contains(hv.Detail, `one of "qemu"`) || !strings.Contains(hv.Detail, `= "qemu"`) {
		t.Errorf("completion from the built-in index: %+v", hv)
	}
	if got := codes(p.Diagnostics); !strings.Contains(got, "pinned-source-absent:1") {
		t.Errorf("no hint on the microvm input: %s", got)
	}
	c.waitFor("showMessage", func() bool {
		n := 0
		for _, r := range c.requests {
			if strings.HasPrefix(r, "window/showMessage") && strings.Contains(r, "nix flake archive") {
				n++
			}
		}
		return n == 1
	})
}
