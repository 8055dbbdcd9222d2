package server

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// A stand-in for nix-darwin: the files that mark its module tree and one
// module of invented options.
var fakeNixDarwin = map[string]string{
	"modules/module-list.nix": "[ ./system/activation-scripts.nix ./services/beacon.nix ]\n",
	"modules/system/activation-scripts.nix": `{ lib, ... }:
{
  options.system.activationScripts = lib.mkOption { type = lib.types.attrsOf lib.types.anything; default = { }; description = "Scripts."; };
}
`,
	"modules/services/beacon.nix": `{ lib, ... }:
{
  options.services.beacon = {
    enable = lib.mkEnableOption "the beacon agent";
    interval = lib.mkOption { type = lib.types.int; default = 60; description = "Seconds between pulses."; };
  };
}
`,
}

// home-manager's stand-in with its nix-darwin module, which mounts
// home-manager modules under home-manager.users.
var fakeHomeManagerDarwin = func() map[string]string {
	out := map[string]string{}
	for k, v := range fakeHomeManager {
		out[k] = v
	}
	out["nix-darwin/default.nix"] = fakeHomeManager["nixos/default.nix"]
	return out
}()

const darwinFlake = `{
  inputs.mac.url = "github:nix-darwin/nix-darwin";
  inputs.home-manager.url = "github:nix-community/home-manager";
  outputs = { self, mac, home-manager }: {
    darwinConfigurations.desk = mac.lib.darwinSystem {
      modules = [ ./desk.nix home-manager.darwinModules.home-manager ];
    };
  };
}
`

const darwinDesk = `{
  services.beacon.enable = true;
  services.beacon.intervall = 30;
  services.beacon.interval = "often";
  home-manager.users.sam.programs.kit.enable = true;
}
`

// TestOptionSetsDarwin: a nix-darwin system's modules are checked against
// the pinned nix-darwin source in the store, and its home-manager bodies
// against home-manager's; not against NixOS', which nothing pins here.
func TestOptionSetsDarwin(t *testing.T) {
	t.Setenv("NIX_STORE_DIR", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root := t.TempDir()
	hashes := map[string]string{}
	for name, tree := range map[string]map[string]string{"mac": fakeNixDarwin, "home-manager": fakeHomeManagerDarwin} {
		src := t.TempDir()
		writeTree(t, src, tree)
		hashes[name] = narHash(t, src)
		sp, err := nixstore.Default(root).SourcePath(hashes[name], "source")
		if err != nil {
			t.Fatal(err)
		}
		writeTree(t, filepath.Join(root, sp), tree)
	}
	ws := t.TempDir()
	lock := fmt.Sprintf(`{"version": 7, "root": "root", "nodes": {
  "root": {"inputs": {"mac": "mac", "home-manager": "home-manager"}},
  "mac": {"locked": {"type": "github", "owner": "nix-darwin", "repo": "nix-darwin", "rev": "3333333333333333333333333333333333333333", "narHash": %q, "lastModified": 1}, "original": {"type": "github", "owner": "nix-darwin", "repo": "nix-darwin"}},
  "home-manager": {"locked": {"type": "github", "owner": "nix-community", "repo": "home-manager", "rev": "2222222222222222222222222222222222222222", "narHash": %q, "lastModified": 1}, "original": {"type": "github", "owner": "nix-community", "repo": "home-manager"}}
}}`, hashes["mac"], hashes["home-manager"])
	writeTree(t, ws, map[string]string{"flake.nix": darwinFlake, "flake.lock": lock, "desk.nix": darwinDesk})
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: pathToURI(ws), initOptions: map[string]any{"storeRoot": root}})
	u := pathToURI(filepath.Join(ws, "desk.nix"))
	c.open(u, darwinDesk)
	p := c.waitDiagnostics(u, "the Mac's option findings", func(p publishDiagnosticsParams) bool {
		return strings.Count(codes(p.Diagnostics), "unknown-option") >= 2
	})
	got := codes(p.Diagnostics)
	for _, want := range []string{"unknown-option:2", "option-type-mismatch:3", "unknown-option:4"} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics %s lack %s", got, want)
		}
	}
	for _, d := range p.Diagnostics {
		switch d.Range.Start.Line {
		case 2:
			if !strings.Contains(d.Message, "input mac (3333333)") || !strings.Contains(d.Message, "`interval`") {
				t.Errorf("nix-darwin unknown-option message: %s", d.Message)
			}
		case 4:
			if !strings.Contains(d.Message, "input home-manager (2222222)") || !strings.Contains(d.Message, "`kite`") {
				t.Errorf("home-manager unknown-option message: %s", d.Message)
			}
		}
	}
}
