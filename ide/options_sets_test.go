package ide

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// homeTree is a stand-in home-manager written for this test: two home
// options and the NixOS module that mounts home modules under
// home-manager.users.
var homeTree = map[string]string{
	"modules/modules.nix":          "[ ./home-environment.nix ]\n",
	"modules/home-environment.nix": "{ lib, ... }: { options.home.shell = lib.mkOption { type = lib.types.str; default = \"sh\"; description = \"Login shell of the home.\"; }; options.home.quiet = lib.mkEnableOption \"quiet logins\"; options.home.mode = lib.mkOption { type = lib.types.enum [ \"day\" \"night\" ]; default = \"day\"; }; }\n",
	"nixos/default.nix": `{ lib, ... }: {
  options.home-manager.users = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submoduleWith { description = "Home Manager module"; modules = [ ]; });
    default = { };
  };
}
`,
}

// homeSets indexes homeTree as the pinned home-manager of /ws.
func homeSets(t *testing.T) *optindex.Folders {
	t.Helper()
	dir := t.TempDir()
	for name, text := range homeTree {
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
	if len(sets.Indexed) != 2 {
		t.Fatalf("module trees of the stand-in home-manager: %d", len(sets.Indexed))
	}
	return &optindex.Folders{Dirs: []string{"/ws"}, Sets: []*optindex.Sets{sets}}
}

// TestHomeModuleFiles: a file imported as a home-manager module, directly
// or through another, completes and hovers home-manager's options; a NixOS
// module does not.
func TestHomeModuleFiles(t *testing.T) {
	files := map[string]string{
		"/ws/configuration.nix": `{ home-manager.users.ann = import ./home.nix; home-manager.users.bob.imports = [ ./bob.nix ]; }`,
		"/ws/home.nix":          `{ imports = [ ./shell.nix ]; }`,
		"/ws/shell.nix":         `{ home.sh|ell = "zsh"; }`,
		"/ws/bob.nix":           `{ home. }`,
	}
	ws := &Workspace{Files: map[string]*nixast.File{}, Options: homeSets(t)}
	offs := map[string]int{}
	for name, src := range files {
		if i := strings.Index(src, "|"); i >= 0 {
			src = src[:i] + src[i+1:]
			offs[name] = i
		}
		ws.Files[name] = nixast.Parse(name, []byte(src))
	}
	for name, want := range map[string]optindex.Class{"/ws/home.nix": optindex.HomeManager, "/ws/shell.nix": optindex.HomeManager,
		"/ws/bob.nix": optindex.HomeManager, "/ws/configuration.nix": optindex.NixOS} {
		if got := ws.fileClass(name); got != want {
			t.Errorf("class of %s = %s, want %s", name, got, want)
		}
	}
	h := Hover(ws, ws.Files["/ws/shell.nix"], offs["/ws/shell.nix"])
	if h == nil || !strings.Contains(h.Markdown, "Login shell of the home") || !strings.Contains(h.Markdown, "input home-manager (abcdef0)") {
		t.Errorf("hover in a home module: %+v", h)
	}
	bob := ws.Files["/ws/bob.nix"]
	items := Complete(ws, bob, strings.Index(string(bob.Src), ". ")+1)
	var labels []string
	for _, it := range items {
		labels = append(labels, it.Label)
	}
	if got := strings.Join(labels, " "); !strings.Contains(got, "quiet") || !strings.Contains(got, "shell") {
		t.Errorf("completion after home. in a home module: %s", got)
	}
	// in the NixOS module, the users' bodies are home modules too
	cfg := nixast.Parse("/ws/cfg.nix", []byte(`{ home-manager.users.cy = { home.q }; }`))
	ws.Files["/ws/cfg.nix"] = cfg
	items = Complete(ws, cfg, strings.Index(string(cfg.Src), "q }")+1)
	if len(items) != 1 || items[0].Label != "quiet" || !strings.Contains(items[0].Detail, "boolean") {
		t.Errorf("completion in home-manager.users.cy: %+v", items)
	}
	// a declarative MicroVM's config is a NixOS system
	vm := nixast.Parse("/ws/vm.nix", []byte(`{ microvm.vms.v.config = { home-manager.u }; }`))
	ws.Files["/ws/vm.nix"] = vm
	items = Complete(ws, vm, strings.Index(string(vm.Src), "u }")+1)
	if len(items) != 1 || items[0].Label != "users" {
		t.Errorf("completion in microvm.vms.v.config: %+v", items)
	}
	// an enum's values in its string
	en := nixast.Parse("/ws/en.nix", []byte(`{ home-manager.users.cy = { home.mode = "n"; }; }`))
	ws.Files["/ws/en.nix"] = en
	items = Complete(ws, en, strings.Index(string(en.Src), `n"`)+1)
	if len(items) != 2 || items[1].Label != "night" {
		t.Errorf("enum completion in a home module: %+v", items)
	}
}

// TestSystemsClass: a file that only nix-darwin systems read (a framework's
// darwin host, which no darwinSystem call names) holds nix-darwin modules;
// one that a NixOS system reads too stays NixOS.
func TestSystemsClass(t *testing.T) {
	systems := []*analysis.SystemInfo{
		{Name: "forge", Kind: analysis.KindDarwin, Files: []string{"/ws/systems/aarch64-darwin/forge/default.nix", "/ws/shared.nix"}},
		{Name: "smith", Kind: analysis.KindHome, Files: []string{"/ws/homes/x86_64-linux/smith/default.nix"}},
		{Name: "anvil", Kind: "nixos", Files: []string{"/ws/systems/x86_64-linux/anvil/default.nix", "/ws/shared.nix"}},
	}
	for file, want := range map[string]optindex.Class{
		"/ws/systems/aarch64-darwin/forge/default.nix": optindex.Darwin,
		"/ws/homes/x86_64-linux/smith/default.nix":     optindex.HomeManager,
		"/ws/shared.nix": optindex.NixOS,
		"/ws/systems/x86_64-linux/anvil/default.nix": optindex.NixOS,
		"/ws/unread.nix": optindex.NixOS,
	} {
		ws := &Workspace{Files: map[string]*nixast.File{}, Systems: systems}
		if got := ws.fileClass(file); got != want {
			t.Errorf("class of %s = %s, want %s", file, got, want)
		}
	}
}
