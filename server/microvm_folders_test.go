package server

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// A second microvm.nix tree in the fixture's layout, another revision of
// fixtureSource's: it runs firecracker and has secondFlag where the
// first has testOnlyFlag.
var fixtureSourceB = func() map[string]string {
	out := map[string]string{}
	for k, v := range fixtureSource {
		v = strings.ReplaceAll(v, `[ "qemu" "cloud-hypervisor" ]`, `[ "qemu" "firecracker" ]`)
		out[k] = strings.ReplaceAll(v, "testOnlyFlag", "secondFlag")
	}
	return out
}()

const foldersFlake = `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.vm = nixpkgs.lib.nixosSystem {
      modules = [
        microvm.nixosModules.microvm
        {
          microvm.hypervisor = "firecracker";
          microvm.testOnlyFlag = true;
        }
      ];
    };
  };
}
`

// pinnedFolder writes a workspace folder whose flake.lock pins tree, and
// puts tree in the store under root.
func pinnedFolder(t *testing.T, root, rev string, tree map[string]string) string {
	src := t.TempDir()
	writeTree(t, src, tree)
	hash := narHash(t, src)
	sp, err := nixstore.Default(root).SourcePath(hash, "source")
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, filepath.Join(root, sp), tree)
	dir := t.TempDir()
	lock := fmt.Sprintf(`{"version": 7, "root": "root", "nodes": {
  "root": {"inputs": {"microvm": "microvm"}},
  "microvm": {"locked": {"type": "github", "owner": "microvm-nix", "repo": "microvm.nix", "rev": %q, "narHash": %q, "lastModified": 1}, "original": {"type": "github", "owner": "microvm-nix", "repo": "microvm.nix"}}
}}`, rev, hash)
	writeTree(t, dir, map[string]string{"flake.nix": foldersFlake, "flake.lock": lock})
	return dir
}

// TestMicrovmFactsPerFolder: two workspace folders pin two microvm.nix
// trees; each folder's systems are checked against its own, not the first
// folder's: firecracker is no hypervisor of the first, testOnlyFlag no
// option of the second.
func TestMicrovmFactsPerFolder(t *testing.T) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root := t.TempDir()
	a := pinnedFolder(t, root, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", fixtureSource)
	b := pinnedFolder(t, root, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", fixtureSourceB)
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(a), initOptions: map[string]any{"storeRoot": root}})
	c.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{
		"added": []map[string]any{{"uri": pathToURI(b), "name": "b"}}, "removed": []any{}}})

	ua := pathToURI(filepath.Join(a, "flake.nix"))
	c.open(ua, foldersFlake)
	pa := c.waitDiagnostics(ua, "the first folder's findings", func(p publishDiagnosticsParams) bool {
		return strings.Contains(codes(p.Diagnostics), ":7")
	})
	ub := pathToURI(filepath.Join(b, "flake.nix"))
	c.open(ub, foldersFlake)
	pb := c.waitDiagnostics(ub, "the second folder's findings", func(p publishDiagnosticsParams) bool {
		return strings.Contains(codes(p.Diagnostics), "unknown-option:8")
	})
	if got := codes(pa.Diagnostics); strings.Contains(got, ":8") {
		t.Errorf("first folder: testOnlyFlag is an option of its microvm.nix: %s", got)
	}
	if got := codes(pb.Diagnostics); strings.Contains(got, ":7") {
		t.Errorf("second folder: firecracker is a hypervisor of its microvm.nix: %s", got)
	}
	for _, d := range pa.Diagnostics {
		if d.Range.Start.Line == 7 && !strings.Contains(d.Message, "cloud-hypervisor") {
			t.Errorf("first folder's hypervisor finding does not name its values: %s", d.Message)
		}
	}
	for _, d := range pb.Diagnostics {
		if d.Range.Start.Line == 8 && !strings.Contains(d.Message, "(bbbbbbb)") {
			t.Errorf("second folder's unknown-option does not name its revision: %s", d.Message)
		}
	}
}
