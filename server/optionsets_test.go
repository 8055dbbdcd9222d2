package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// A stand-in for nixpkgs written for these tests: the files that mark a
// NixOS module tree and a few modules of invented options.
var fakeNixpkgs = map[string]string{
	"lib/modules.nix": "{ }\n",
	"nixos/modules/module-list.nix": `[
  ./services/lantern.nix
  ./misc/greeting.nix
]
`,
	"nixos/modules/services/lantern.nix": `{ lib, ... }:
{
  imports = [ (lib.mkRenamedOptionModule [ "services" "lantern" "level" ] [ "services" "lantern" "brightness" ]) ];
  options.services.lantern = {
    enable = lib.mkEnableOption "the lantern daemon";
    brightness = lib.mkOption {
      type = lib.types.ints.between 0 100;
      default = 50;
      description = "How brightly the lantern glows.";
    };
    lamps = lib.mkOption {
      type = lib.types.listOf (lib.types.submodule { options.color = lib.mkOption { type = lib.types.str; description = "The lamp's colour."; }; });
      default = [ ];
      description = "Lamps to light.";
    };
    settings = lib.mkOption {
      type = lib.types.attrsOf lib.types.anything;
      default = { };
      description = "Free-form lantern settings.";
    };
  };
}
`,
	"nixos/modules/misc/greeting.nix": `{ lib, ... }:
{
  options.greeting = {
    text = lib.mkOption { type = lib.types.str; default = "hello"; description = "Words printed at login."; };
    users = lib.mkOption {
      type = lib.types.attrsOf (lib.types.submodule {
        options.loud = lib.mkOption { type = lib.types.bool; default = false; description = "Shout the greeting."; };
      });
      default = { };
      description = "Per-user greetings.";
    };
  };
}
`,
}

// A stand-in for home-manager: its module list and the NixOS module that
// mounts home-manager modules under home-manager.users.
var fakeHomeManager = map[string]string{
	"modules/modules.nix": `[ ./home-environment.nix ./programs/kite.nix ]
`,
	"modules/home-environment.nix": `{ lib, ... }:
{
  options.home.username = lib.mkOption { type = lib.types.str; description = "The account's login name."; };
}
`,
	"modules/programs/kite.nix": `{ lib, ... }:
{
  options.programs.kite = {
    enable = lib.mkEnableOption "the kite flyer";
    height = lib.mkOption { type = lib.types.int; default = 3; description = "Metres of string to let out."; };
  };
}
`,
	"nixos/default.nix": `{ lib, ... }:
let
  hmModule = lib.types.submoduleWith { description = "Home Manager module"; modules = [ ]; };
in
{
  options.home-manager.users = lib.mkOption {
    type = lib.types.attrsOf hmModule;
    default = { };
    description = "Per-user home configurations.";
  };
}
`,
}

const setsFlake = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.home-manager.url = "github:nix-community/home-manager";
  outputs = { self, nixpkgs, home-manager }: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem {
      modules = [
        ./configuration.nix
        ./myapp.nix
        home-manager.nixosModules.home-manager
      ];
    };
  };
}
`

const setsConfiguration = `{ lib, ... }:
{
  services.lantern.enable = true;
  services.lantern.brightnes = 10;
  services.lantern.settings.anyName = 1;
  services.lantern.level = 3;
  greeting.users.alice.loud = true;
  greeting.users.bob.lod = true;
  myapp.port = 8080;
  home-manager.users.alice = {
    programs.kite.enable = true;
    programs.kit.enable = true;
  };
  home-manager.users.bob = import ./bob.nix;
  home-manager.users.cy.imports = [ ./cy.nix ];
  services.lantern = {
    brightness = 20;
  };
  services.lantern.lamps = [ { color = "red"; } { colour = "blue"; } ];
  greeting.users.dan.loud = "yes";
  greeting.text = 5;
}
`

const setsMyapp = `{ lib, ... }:
{
  options.myapp.port = lib.mkOption { type = lib.types.port; };
}
`

// setsWorkspace writes a workspace whose flake.lock pins the stand-in
// nixpkgs and home-manager; with present, both are in a store under root.
func setsWorkspace(t *testing.T, present bool) (ws, root string) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root = t.TempDir()
	hashes := map[string]string{}
	for name, tree := range map[string]map[string]string{"nixpkgs": fakeNixpkgs, "home-manager": fakeHomeManager} {
		src := t.TempDir()
		writeTree(t, src, tree)
		hashes[name] = narHash(t, src)
		if present {
			sp, err := nixstore.Default(root).SourcePath(hashes[name], "source")
			if err != nil {
				t.Fatal(err)
			}
			writeTree(t, filepath.Join(root, sp), tree)
		}
	}
	ws = t.TempDir()
	writeTree(t, ws, map[string]string{"flake.nix": setsFlake, "flake.lock": setsLock(hashes), "configuration.nix": setsConfiguration, "myapp.nix": setsMyapp,
		"bob.nix": "{ config, ... }:\n{\n  programs.kite.hieght = 4;\n}\n", "cy.nix": "{\n  home.usrname = \"cy\";\n}\n"})
	return ws, root
}

func setsLock(hashes map[string]string) string {
	return fmt.Sprintf(`{"version": 7, "root": "root", "nodes": {
  "root": {"inputs": {"nixpkgs": "nixpkgs", "home-manager": "home-manager"}},
  "nixpkgs": {"locked": {"type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "1111111111111111111111111111111111111111", "narHash": %q, "lastModified": 1}, "original": {"type": "github", "owner": "NixOS", "repo": "nixpkgs"}},
  "home-manager": {"locked": {"type": "github", "owner": "nix-community", "repo": "home-manager", "rev": "2222222222222222222222222222222222222222", "narHash": %q, "lastModified": 1}, "original": {"type": "github", "owner": "nix-community", "repo": "home-manager"}}
}}`, hashes["nixpkgs"], hashes["home-manager"])
}

func completionLabels(c *testClient, u protocol.DocumentURI, line, char int) map[string]protocol.CompletionItem {
	var list protocol.CompletionList
	c.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": u}, "position": map[string]any{"line": line, "character": char}}, &list)
	out := map[string]protocol.CompletionItem{}
	for _, it := range list.Items {
		out[it.Label] = it
	}
	return out
}

func hoverText(c *testClient, u protocol.DocumentURI, line, char int) string {
	var h *protocol.Hover
	c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": u}, "position": map[string]any{"line": line, "character": char}}, &h)
	if h == nil {
		return ""
	}
	return h.Contents.Value
}

// TestOptionSetsFromStore: with nixpkgs and home-manager in the store under
// storeRoot, NixOS and home-manager options complete, hover, lead to their
// declarations, and unknown names under them are reported, never under a
// freeform option nor for options the workspace declares.
func TestOptionSetsFromStore(t *testing.T) {
	ws, root := setsWorkspace(t, true)
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(ws), initOptions: map[string]any{"storeRoot": root}})
	// myapp.port is declared by myapp.nix: an analysis while the workspace
	// is still being indexed may not have read it yet.
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	u := pathToURI(filepath.Join(ws, "configuration.nix"))
	c.open(u, setsConfiguration)
	p := c.waitDiagnostics(u, "option findings", func(p publishDiagnosticsParams) bool {
		return strings.Count(codes(p.Diagnostics), "unknown-option") >= 4 && strings.Contains(codes(p.Diagnostics), "deprecated-option")
	})
	got := codes(p.Diagnostics)
	for _, want := range []string{"unknown-option:3", "deprecated-option:5", "unknown-option:7", "unknown-option:11", "unknown-option:18", "option-type-mismatch:19", "option-type-mismatch:20"} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics %s lack %s", got, want)
		}
	}
	for _, not := range []string{"unknown-option:4", "unknown-option:8", "unknown-option:6", "unknown-option:10", "unknown-option:9"} {
		if strings.Contains(got+" ", not+" ") {
			t.Errorf("diagnostics %s hold %s", got, not)
		}
	}
	for _, d := range p.Diagnostics {
		switch {
		case fmt.Sprint(d.Code) == "unknown-option" && d.Range.Start.Line == 3:
			if !strings.Contains(d.Message, "brightness") || !strings.Contains(d.Message, "input nixpkgs (1111111)") {
				t.Errorf("unknown-option message: %s", d.Message)
			}
		case fmt.Sprint(d.Code) == "unknown-option" && d.Range.Start.Line == 11:
			if !strings.Contains(d.Message, "`kite`") || !strings.Contains(d.Message, "input home-manager") {
				t.Errorf("home-manager unknown-option message: %s", d.Message)
			}
		case fmt.Sprint(d.Code) == "unknown-option" && d.Range.Start.Line == 18:
			if !strings.Contains(d.Message, "`color`") || d.Range.Start.Character != 50 {
				t.Errorf("list element unknown-option: %s at %v", d.Message, d.Range.Start)
			}
		case fmt.Sprint(d.Code) == "option-type-mismatch" && d.Range.Start.Line == 19:
			if !strings.Contains(d.Message, "greeting.users.<name>.loud") || !strings.Contains(d.Message, "boolean") {
				t.Errorf("option-type-mismatch message: %s", d.Message)
			}
		case fmt.Sprint(d.Code) == "deprecated-option":
			if !strings.Contains(d.Message, "services.lantern.brightness") {
				t.Errorf("deprecated-option message: %s", d.Message)
			}
		}
	}

	// home modules in files of their own, by import and by imports
	for file, want := range map[string]string{"bob.nix": "height|2", "cy.nix": "username|1"} {
		want, line, _ := strings.Cut(want, "|")
		fu := pathToURI(filepath.Join(ws, file))
		text, err := os.ReadFile(filepath.Join(ws, file))
		if err != nil {
			t.Fatal(err)
		}
		c.open(fu, string(text))
		fp := c.waitDiagnostics(fu, file+"'s findings", func(p publishDiagnosticsParams) bool {
			return strings.Contains(codes(p.Diagnostics), "unknown-option:"+line)
		})
		if len(fp.Diagnostics) != 1 || !strings.Contains(fp.Diagnostics[0].Message, want) {
			t.Errorf("%s: %+v", file, fp.Diagnostics)
		}
	}

	// completion in a nested set of a NixOS module body
	labels := completionLabels(c, u, 16, 4)
	if it, ok := labels["brightness"]; !ok || !strings.Contains(it.Detail, "between 0 and 100") || !strings.Contains(it.Detail, "= 50") {
		t.Errorf("completion under services.lantern: %v", labels)
	}
	// at a module's top level: NixOS options, and microvm
	labels = completionLabels(c, u, 2, 2)
	for _, want := range []string{"services", "greeting", "microvm"} {
		if _, ok := labels[want]; !ok {
			t.Errorf("top-level completion lacks %s: %v", want, labels)
		}
	}
	// in home-manager.users.alice: home-manager's options, not NixOS'
	labels = completionLabels(c, u, 10, 4)
	if _, ok := labels["programs"]; !ok {
		t.Errorf("completion in home-manager.users.alice lacks programs: %v", labels)
	}
	if _, ok := labels["greeting"]; ok {
		t.Errorf("completion in home-manager.users.alice offers NixOS' greeting")
	}

	h := hoverText(c, u, 2, 20)
	for _, want := range []string{"services.lantern.enable", "boolean", "lantern daemon", "input nixpkgs (1111111)", "nixos/modules/services/lantern.nix"} {
		if !strings.Contains(h, want) {
			t.Errorf("hover lacks %q: %q", want, h)
		}
	}
	h = hoverText(c, u, 10, 19)
	if !strings.Contains(h, "Whether to enable the kite flyer") || !strings.Contains(h, "input home-manager (2222222)") {
		t.Errorf("home-manager hover: %q", h)
	}

	var locs []protocol.Location
	c.call("textDocument/definition", map[string]any{"textDocument": map[string]any{"uri": u}, "position": map[string]any{"line": 2, "character": 20}}, &locs)
	found := false
	for _, l := range locs {
		if strings.HasSuffix(string(l.URI), "nixos/modules/services/lantern.nix") && strings.HasPrefix(uriToPath(l.URI), root) && l.Range.Start.Line == 4 {
			found = true
		}
	}
	if !found {
		t.Errorf("definition: %+v", locs)
	}
}

// TestOptionSetsWithoutStore: nothing is pinned in the store, so no NixOS or
// home-manager name is called unknown; the server says so once and hints
// at the inputs in flake.nix.
func TestOptionSetsWithoutStore(t *testing.T) {
	ws, root := setsWorkspace(t, false)
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(ws), initOptions: map[string]any{"storeRoot": root}})
	fu := pathToURI(filepath.Join(ws, "flake.nix"))
	c.open(fu, setsFlake)
	p := c.waitDiagnostics(fu, "hints on absent inputs", func(p publishDiagnosticsParams) bool {
		return strings.Count(codes(p.Diagnostics), "pinned-source-absent") == 2
	})
	if got := codes(p.Diagnostics); !strings.Contains(got, "pinned-source-absent:1") || !strings.Contains(got, "pinned-source-absent:2") {
		t.Errorf("hints: %s", got)
	}
	u := pathToURI(filepath.Join(ws, "configuration.nix"))
	c.open(u, setsConfiguration)
	p = c.waitDiagnostics(u, "configuration's findings", func(publishDiagnosticsParams) bool { return true })
	for _, d := range p.Diagnostics {
		if code := fmt.Sprint(d.Code); code == "unknown-option" || code == "deprecated-option" || code == "option-type-mismatch" {
			t.Errorf("finding without the source: %v %s", d.Code, d.Message)
		}
	}
	if h := hoverText(c, u, 2, 20); strings.Contains(h, "lantern daemon") {
		t.Errorf("hover without the source: %q", h)
	}
	c.waitFor("showMessage", func() bool {
		n := 0
		for _, r := range c.requests {
			if strings.HasPrefix(r, "window/showMessage") && strings.Contains(r, "nix flake archive") {
				n++
			}
		}
		return n == 2 // one per absent input, once
	})
}

// TestOptionSetsFollowFlakeLock: a flake.lock that comes to pin a source in
// the store is read again, without a restart.
func TestOptionSetsFollowFlakeLock(t *testing.T) {
	ws, root := setsWorkspace(t, true)
	lock, err := os.ReadFile(filepath.Join(ws, "flake.lock"))
	if err != nil {
		t.Fatal(err)
	}
	// first pin a revision whose source is absent
	broken := strings.Replace(string(lock), `"narHash": "sha256-`, `"narHash": "sha256-A`, 1)
	writeTree(t, ws, map[string]string{"flake.lock": broken})
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(ws), initOptions: map[string]any{"storeRoot": root}})
	u := pathToURI(filepath.Join(ws, "configuration.nix"))
	c.open(u, setsConfiguration)
	c.waitDiagnostics(u, "first findings", func(publishDiagnosticsParams) bool { return true })
	if h := hoverText(c, u, 2, 20); strings.Contains(h, "lantern daemon") {
		t.Fatalf("hover from an absent source: %q", h)
	}
	later := time.Now().Add(2 * time.Second)
	writeTree(t, ws, map[string]string{"flake.lock": string(lock)})
	if err := os.Chtimes(filepath.Join(ws, "flake.lock"), later, later); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": pathToURI(filepath.Join(ws, "flake.lock")), "type": 2}}})
	c.waitDiagnostics(u, "findings of the new pins", func(p publishDiagnosticsParams) bool {
		return strings.Contains(codes(p.Diagnostics), "unknown-option:3")
	})
	if h := hoverText(c, u, 2, 20); !strings.Contains(h, "lantern daemon") {
		t.Errorf("hover after the lock changed: %q", h)
	}
}

// TestOptionSetsFromNixPath: without a flake.lock, <nixpkgs> in NIX_PATH is
// the NixOS source.
func TestOptionSetsFromNixPath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	pkgs := t.TempDir()
	writeTree(t, pkgs, fakeNixpkgs)
	t.Setenv("NIX_PATH", "nixpkgs="+pkgs)
	ws := t.TempDir()
	writeTree(t, ws, map[string]string{"configuration.nix": setsConfiguration, "myapp.nix": setsMyapp})
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(ws)})
	u := pathToURI(filepath.Join(ws, "configuration.nix"))
	c.open(u, setsConfiguration)
	c.waitDiagnostics(u, "findings", func(publishDiagnosticsParams) bool { return true })
	if h := hoverText(c, u, 2, 20); !strings.Contains(h, "lantern daemon") || !strings.Contains(h, "from <nixpkgs>") {
		t.Errorf("hover from <nixpkgs>: %q", h)
	}
}

// TestOptionSetsPerFolder: each workspace folder has the options its own
// flake.lock pins.
func TestOptionSetsPerFolder(t *testing.T) {
	ws, root := setsWorkspace(t, true)
	other := t.TempDir() // pins nothing
	writeTree(t, other, map[string]string{"configuration.nix": setsConfiguration, "myapp.nix": setsMyapp})
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(ws), initOptions: map[string]any{"storeRoot": root}})
	c.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{
		"added": []map[string]any{{"uri": pathToURI(other), "name": "other"}}, "removed": []any{}}})
	u := pathToURI(filepath.Join(ws, "configuration.nix"))
	c.open(u, setsConfiguration)
	c.waitDiagnostics(u, "option findings", func(p publishDiagnosticsParams) bool {
		return strings.Contains(codes(p.Diagnostics), "unknown-option:3")
	})
	ou := pathToURI(filepath.Join(other, "configuration.nix"))
	c.open(ou, setsConfiguration)
	p := c.waitDiagnostics(ou, "the other folder's findings", func(publishDiagnosticsParams) bool { return true })
	for _, d := range p.Diagnostics {
		if fmt.Sprint(d.Code) == "unknown-option" {
			t.Errorf("unknown-option in a folder that pins no nixpkgs: %s", d.Message)
		}
	}
	if h := hoverText(c, u, 2, 20); !strings.Contains(h, "lantern daemon") {
		t.Errorf("hover in the pinning folder: %q", h)
	}
	if h := hoverText(c, ou, 2, 20); strings.Contains(h, "lantern daemon") {
		t.Errorf("hover in the other folder: %q", h)
	}
}
