package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"golang.org/x/tools/txtar"

	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// TestRolesFromInputSources: a host module that comes from a flake input
// is followed into the input's source in the store under storeRoot, so
// the role lens of a system built with it says host.
func TestRolesFromInputSources(t *testing.T) {
	ar, err := txtar.ParseFile(filepath.Join("..", "testdata", "analysis", "wiring-input-modules.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	ws, forge := map[string]string{}, map[string]string{}
	for _, f := range ar.Files {
		if rest, ok := strings.CutPrefix(f.Name, "store-input/forge/"); ok {
			forge[rest] = string(f.Data)
		} else {
			ws[f.Name] = string(f.Data)
		}
	}
	tree := t.TempDir()
	writeTree(t, tree, forge)
	hash := narHash(t, tree)
	root := t.TempDir()
	store := nixstore.Store{Dir: "/nix/store", Root: root}
	sp, err := store.SourcePath(hash, "source")
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, store.Physical(sp), forge)
	ws["flake.lock"] = `{"version": 7, "root": "root", "nodes": {
  "root": {"inputs": {"forge": "forge"}},
  "forge": {"locked": {"type": "github", "owner": "someone", "repo": "forge", "rev": "1", "narHash": "` + hash + `"}, "original": {"type": "github", "owner": "someone", "repo": "forge"}}}}`
	dir := t.TempDir()
	writeTree(t, dir, ws)

	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(dir), initOptions: map[string]any{"storeRoot": root}})
	u := pathToURI(filepath.Join(dir, "flake.nix"))
	src, _ := os.ReadFile(filepath.Join(dir, "flake.nix"))
	c.open(u, string(src))
	c.waitDiagnostics(u, "the first analysis", func(publishDiagnosticsParams) bool { return true })
	var lenses []protocol.CodeLens
	c.call("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": u}}, &lenses)
	hosts := 0
	var titles []string
	for _, l := range lenses {
		titles = append(titles, l.Command.Title)
		if strings.Contains(l.Command.Title, "host") {
			hosts++
		}
	}
	if hosts != 3 {
		t.Errorf("lenses %q: want anvil, bellows and crucible as hosts", titles)
	}
}
