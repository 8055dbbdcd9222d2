package server

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// TestFileClassesFollowTyping: the classes of files (which are home-manager
// modules) are kept while an open document that imports no module of
// another class changes, and found again when one that does, or one such
// module, changes.
func TestFileClassesFollowTyping(t *testing.T) {
	s := New(Options{Logger: nopLogger()})
	for p, src := range map[string]string{
		"/ws/configuration.nix": `{ home-manager.users.bob.imports = [ ./bob.nix ]; }`,
		"/ws/bob.nix":           `{ imports = [ ./shell.nix ]; }`,
		"/ws/shell.nix":         `{ }`,
	} {
		s.index.putEvent(p, nixast.Parse(p, []byte(src)))
	}
	s.docs.open("file:///ws/other.nix", 1, "{ a = 1; }")
	s.docs.open("file:///ws/bob.nix", 1, "{ imports = [ ./shell.nix ]; }")
	s.changed()
	sets := homeManagerSets(t)
	classes := func() map[string]optindex.Class {
		snap := s.snapshot()
		ws := s.fileWorkspace(snap)
		ws.Options = sets
		return s.fileClasses(snap, ws)()
	}
	first := classes()
	want := map[string]optindex.Class{"/ws/bob.nix": optindex.HomeManager, "/ws/shell.nix": optindex.HomeManager}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("classes = %v, want %v", first, want)
	}
	s.docs.change("file:///ws/other.nix", 2, []contentChange{{Text: "{ a = 2; }"}}, encUTF16)
	s.changed()
	if got := classes(); reflect.ValueOf(got).UnsafePointer() != reflect.ValueOf(first).UnsafePointer() {
		t.Errorf("typing in a file of no other class found the classes again: %v", got)
	}
	// bob.nix is a home-manager module: what it imports may change.
	s.docs.change("file:///ws/bob.nix", 2, []contentChange{{Text: "{ }"}}, encUTF16)
	s.changed()
	if got, want := classes(), map[string]optindex.Class{"/ws/bob.nix": optindex.HomeManager}; !reflect.DeepEqual(got, want) {
		t.Errorf("after bob.nix stops importing shell.nix: %v, want %v", got, want)
	}
	// other.nix comes to import a home-manager module.
	s.docs.change("file:///ws/other.nix", 3, []contentChange{{Text: "{ home-manager.users.cy.imports = [ ./shell.nix ]; }"}}, encUTF16)
	s.changed()
	if got, want := classes(), map[string]optindex.Class{"/ws/bob.nix": optindex.HomeManager, "/ws/shell.nix": optindex.HomeManager}; !reflect.DeepEqual(got, want) {
		t.Errorf("after other.nix imports shell.nix as a home module: %v, want %v", got, want)
	}
}

// homeManagerSets indexes a stand-in home-manager, written for this test,
// whose NixOS module mounts home modules under home-manager.users, as the
// pinned home-manager of /ws.
func homeManagerSets(t *testing.T) *optindex.Folders {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"modules/modules.nix":          "[ ./home-environment.nix ]\n",
		"modules/home-environment.nix": "{ lib, ... }: { options.home.shell = lib.mkOption { type = lib.types.str; default = \"sh\"; description = \"The login shell.\"; }; }\n",
		"nixos/default.nix": `{ lib, ... }: {
  options.home-manager.users = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submoduleWith { description = "Home Manager module"; modules = [ ]; });
    default = { };
  };
}
`,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sets := &optindex.Sets{}
	for _, tr := range optindex.ModuleTrees(dir) {
		ix, err := optindex.Build(dir, tr.Entries)
		if err != nil {
			t.Fatal(err)
		}
		sets.Indexed = append(sets.Indexed, &optindex.Indexed{Class: tr.Class, Input: "home-manager", Rev: "abcdef0123", Index: ix})
	}
	return &optindex.Folders{Dirs: []string{"/ws"}, Sets: []*optindex.Sets{sets}}
}
