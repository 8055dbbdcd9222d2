package analysis

import (
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/optindex"
	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
	"github.com/nix-community/go-nix/pkg/nar"
	"golang.org/x/tools/txtar"
)

// storeInput prefixes the files of a fixture that are the source of a flake
// input in the Nix store: store-input/<input>/<path>. The comment line
// "absent-source: NAME..." names inputs that flake.lock pins but whose
// source is not in the store.
const storeInput = "store-input/"

// fixtureSources puts the fixture's input sources into a store under a
// temporary root, at the store paths their NAR hashes give, writes the
// flake.lock that pins them (and the absent ones) and reads it back as
// the CLI and the server do. Nil when the fixture has no input source.
func fixtureSources(t *testing.T, ar *txtar.Archive) *Sources {
	t.Helper()
	trees := map[string]map[string][]byte{}
	for _, f := range ar.Files {
		rest, ok := strings.CutPrefix(f.Name, storeInput)
		if !ok {
			continue
		}
		input, file, _ := strings.Cut(rest, "/")
		if trees[input] == nil {
			trees[input] = map[string][]byte{}
		}
		trees[input][file] = f.Data
	}
	var absent []string
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if rest, ok := strings.CutPrefix(line, "absent-source:"); ok {
			absent = append(absent, strings.Fields(rest)...)
		}
	}
	if len(trees) == 0 && len(absent) == 0 {
		return nil
	}
	store := nixstore.Store{Dir: "/nix/store", Root: t.TempDir()}
	locked := map[string]string{}
	for input, files := range trees {
		tree := t.TempDir()
		writeFiles(t, tree, files)
		h := sha256.New()
		if err := nar.DumpPath(h, tree); err != nil {
			t.Fatal(err)
		}
		hash := "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
		p, err := store.SourcePath(hash, "source")
		if err != nil {
			t.Fatal(err)
		}
		writeFiles(t, store.Physical(p), files)
		locked[input] = hash
	}
	for _, input := range absent {
		sum := sha256.Sum256([]byte(input)) // a hash no source in the store has
		locked[input] = "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	}
	names := make([]string, 0, len(locked))
	for n := range locked {
		names = append(names, n)
	}
	sort.Strings(names)
	var nodes, root []string
	for _, n := range names {
		nodes = append(nodes, `"`+n+`": {"locked": {"type": "github", "owner": "someone", "repo": "`+n+`", "rev": "0123", "narHash": "`+locked[n]+`"}, "original": {"type": "github", "owner": "someone", "repo": "`+n+`"}}`)
		root = append(root, `"`+n+`": "`+n+`"`)
	}
	dir := t.TempDir()
	lock := `{"version": 7, "root": "root", "nodes": {` + strings.Join(nodes, ", ") + `, "root": {"inputs": {` + strings.Join(root, ", ") + `}}}}`
	writeFiles(t, dir, map[string][]byte{"flake.lock": []byte(lock)})
	present, gone := optindex.ModuleInputs(dir, store)
	return &Sources{
		Dirs:   map[string]map[string]string{"/ws/flake.nix": present},
		Absent: map[string][]string{"/ws/flake.nix": gone},
		Read:   func(p string) ([]byte, error) { return os.ReadFile(filepath.FromSlash(p)) },
	}
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCacheSeesNewInputSources: the same files analysed again with input
// sources (a flake.lock now pinned, its sources fetched) give the systems
// a fresh analysis gives, not those of the graph built without them.
func TestCacheSeesNewInputSources(t *testing.T) {
	full, _ := loadFixture(t, filepath.Join("..", "testdata", "analysis", "wiring-input-modules.txtar"))
	if full.Sources == nil {
		t.Fatal("the fixture has no input sources")
	}
	c := NewCache()
	without := &Workspace{Files: full.Files}
	before := encode(c.Systems(without))
	with := &Workspace{Files: full.Files, Sources: full.Sources}
	after, want := encode(c.Systems(with)), encode(Systems(with))
	if after != want {
		t.Errorf("with sources, the cache gives\n %s\nwant\n %s", after, want)
	}
	if before == after {
		t.Errorf("the sources change no system: the test compares nothing")
	}
}
