package optindex

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
	"github.com/nix-community/go-nix/pkg/nar"
)

// writeTree writes files (slash-separated names) below dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
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

// narHash is the SRI NAR hash of a tree, as flake.lock records it.
func narHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	if err := nar.DumpPath(h, dir); err != nil {
		t.Fatal(err)
	}
	return "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
}

var lampSource = map[string]string{
	"flake.nix": `{ outputs = { self }: { nixosModules.default = import ./modules/lamp.nix; }; }`,
	"modules/lamp.nix": `{ lib, ... }: {
  options.lamp.watts = lib.mkOption { type = lib.types.int; description = "Power drawn."; };
}`,
	"sub/flake.nix": `{ outputs = { self }: { nixosModules.shade = { lib, ... }: { options.shade.colour = lib.mkOption { }; }; }; }`,
}

// storeWith makes a store below a root directory holding the tree as Nix
// would after fetching it, and returns the store and the tree's NAR hash.
func storeWith(t *testing.T, files map[string]string) (nixstore.Store, string) {
	t.Helper()
	tree := t.TempDir()
	writeTree(t, tree, files)
	hash := narHash(t, tree)
	store := nixstore.Store{Dir: "/nix/store", Root: t.TempDir()}
	p, err := store.SourcePath(hash, "source")
	if err != nil {
		t.Fatal(err)
	}
	writeTree(t, store.Physical(p), files)
	return store, hash
}

func writeLock(t *testing.T, dir string, inputs map[string]string) {
	t.Helper()
	var nodes, root []string
	for name, locked := range inputs {
		nodes = append(nodes, `"`+name+`": {"locked": `+locked+`, "original": {"type": "github", "owner": "o", "repo": "`+name+`"}}`)
		root = append(root, `"`+name+`": "`+name+`"`)
	}
	text := `{"version": 7, "root": "root", "nodes": {` + strings.Join(nodes, ", ") +
		`, "root": {"inputs": {` + strings.Join(root, ", ") + `}}}}`
	writeTree(t, dir, map[string]string{"flake.lock": text})
}

func TestLocateFlakeInputs(t *testing.T) {
	store, hash := storeWith(t, lampSource)
	ws := t.TempDir()
	writeTree(t, ws, map[string]string{"vendor/shade/default.nix": "{ }"})
	writeLock(t, ws, map[string]string{
		"lamp":   `{"type": "github", "owner": "o", "repo": "lamp", "rev": "abc", "narHash": "` + hash + `"}`,
		"shade":  `{"type": "github", "owner": "o", "repo": "lamp", "rev": "abc", "narHash": "` + hash + `", "dir": "sub"}`,
		"gone":   `{"type": "github", "owner": "o", "repo": "gone", "rev": "def", "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`,
		"local":  `{"type": "path", "path": "./vendor/shade"}`,
		"nohash": `{"type": "github", "owner": "o", "repo": "x", "rev": "1"}`,
	})
	srcs, err := Locate(ws, store, "")
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Source{}
	for _, s := range srcs {
		by[s.Input] = s
	}
	want, _ := store.SourcePath(hash, "source")
	if s := by["lamp"]; !s.Present() || s.StorePath != want || s.Dir != store.Physical(want) || s.Rev != "abc" {
		t.Errorf("lamp: %+v (want store path %s)", s, want)
	}
	if s := by["shade"]; !s.Present() || s.Dir != filepath.Join(store.Physical(want), "sub") {
		t.Errorf("shade (dir=sub): %+v", s)
	}
	if s := by["gone"]; s.Present() || !errors.Is(s.Absent, ErrAbsent) || !strings.Contains(s.Absent.Error(), "gone") {
		t.Errorf("gone: %+v", s)
	}
	if s := by["local"]; !s.Present() || s.Dir != filepath.Join(ws, "vendor/shade") || s.StorePath != "" {
		t.Errorf("local path input: %+v", s)
	}
	if s := by["nohash"]; s.Present() {
		t.Errorf("an input without narHash is present: %+v", s)
	}

	ix, err := NewCache("").Index(&srcs[0], nil)
	if srcs[0].Input != "gone" || err == nil || ix != nil {
		t.Errorf("an absent source was indexed: %v, %v", ix, err)
	}
}

func TestLocateNixPath(t *testing.T) {
	store, hash := storeWith(t, lampSource)
	p, _ := store.SourcePath(hash, "source")
	ws := t.TempDir()
	srcs, err := Locate(ws, store, "foo=/nowhere:nixpkgs="+p)
	if err != nil || len(srcs) != 1 || !srcs[0].Present() || srcs[0].Dir != store.Physical(p) || srcs[0].Input != "<nixpkgs>" {
		t.Fatalf("Locate with NIX_PATH = %+v, %v", srcs, err)
	}
	plain := t.TempDir()
	writeTree(t, plain, map[string]string{"nixpkgs/default.nix": "{ }"})
	srcs, _ = Locate(ws, store, plain)
	if len(srcs) != 1 || srcs[0].Dir != filepath.Join(plain, "nixpkgs") || srcs[0].StorePath != "" {
		t.Errorf("a NIX_PATH directory holding nixpkgs/: %+v", srcs)
	}
	if srcs, _ := Locate(ws, store, "nixpkgs=https://example.org/x.tar.gz"); len(srcs) != 0 {
		t.Errorf("a URL in NIX_PATH is never fetched: %+v", srcs)
	}
}

func TestLocatePathInputsWithoutLock(t *testing.T) {
	store, _ := storeWith(t, lampSource)
	ws := t.TempDir()
	writeTree(t, ws, map[string]string{
		"flake.nix": `{
  inputs.shade.url = "path:./vendor/shade";
  inputs = { gone = { url = "path:/nowhere/at/all"; }; remote.url = "github:o/r"; };
  outputs = { self, ... }: { };
}`,
		"vendor/shade/default.nix": "{ }",
	})
	srcs, err := Locate(ws, store, "")
	if err != nil || len(srcs) != 2 {
		t.Fatalf("Locate without flake.lock = %+v, %v", srcs, err)
	}
	if s := srcs[0]; s.Input != "shade" || !s.Present() || s.Dir != filepath.Join(ws, "vendor/shade") {
		t.Errorf("shade: %+v", s)
	}
	if s := srcs[1]; s.Input != "gone" || s.Present() {
		t.Errorf("gone: %+v", s)
	}
}

func TestCacheRoundTrip(t *testing.T) {
	store, hash := storeWith(t, lampSource)
	ws := t.TempDir()
	writeLock(t, ws, map[string]string{
		"lamp": `{"type": "github", "owner": "o", "repo": "lamp", "rev": "abc", "narHash": "` + hash + `"}`,
	})
	srcs, err := Locate(ws, store, "")
	if err != nil || len(srcs) != 1 {
		t.Fatal(srcs, err)
	}
	dir := t.TempDir()
	first, err := NewCache(dir).Index(&srcs[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if o := first.Lookup([]string{"lamp", "watts"}); o == nil || o.Description != "Power drawn." || o.Declarations[0].File != "modules/lamp.nix" {
		t.Fatalf("index of the store source: %+v", first.Options)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	// A second process reads the file: the source is not read again.
	if err := os.RemoveAll(filepath.Join(srcs[0].Dir, "modules")); err != nil {
		t.Fatal(err)
	}
	second, err := NewCache(dir).Index(&srcs[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first.Options, second.Options) || !reflect.DeepEqual(first.Renames, second.Renames) ||
		!reflect.DeepEqual(first.Freeform, second.Freeform) || first.Root != second.Root {
		t.Errorf("the cached index differs:\n%+v\n%+v", first, second)
	}
	// A corrupt cache file is rebuilt from the source, never trusted.
	if err := os.WriteFile(files[0], []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := NewCache(dir).Index(&srcs[0], nil)
	if err != nil || third.Lookup([]string{"lamp", "watts"}) != nil {
		t.Errorf("after a corrupt cache file the (now changed) source was not read again: %v", err)
	}
}
