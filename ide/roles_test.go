package ide

import (
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

const rolesFlake = `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.host = nixpkgs.lib.nixosSystem {
      modules = [
        microvm.nixosModules.host
        ./hardware-configuration.nix
        { microvm.vms.web.config = { microvm.mem = 1024; }; }
      ];
    };
    nixosConfigurations.bad = nixpkgs.lib.nixosSystem {
      modules = [ microvm.nixosModules.host microvm.nixosModules.microvm ./hardware-configuration.nix ];
    };
    nixosConfigurations.guest = nixpkgs.lib.nixosSystem {
      modules = [ microvm.nixosModules.microvm ];
    };
  };
}
`

func rolesWorkspace() *Workspace {
	files := map[string]*nixast.File{"/ws/flake.nix": nixast.Parse("/ws/flake.nix", []byte(rolesFlake))}
	return &Workspace{Files: files, Systems: analysis.Systems(&analysis.Workspace{Files: files})}
}

func TestRoleLenses(t *testing.T) {
	ws := rolesWorkspace()
	got := map[string]RoleLens{}
	for _, l := range RoleLenses(ws, "/ws/flake.nix") {
		got[l.Details.System] = l
	}
	for name, role := range map[string]string{"host": "host", "bad": "conflict", "guest": "guest", "web": "guest"} {
		l, ok := got[name]
		if !ok {
			t.Errorf("no lens for %s: %v", name, got)
			continue
		}
		if l.Details.Role != role || !strings.HasSuffix(l.Title, role) {
			t.Errorf("%s: role %q title %q, want %s", name, l.Details.Role, l.Title, role)
		}
	}
	text := got["bad"].Details.Text()
	for _, w := range []string{"system bad: conflict", "microvm.nixosModules.host via flake.nix:12", "microvm.nixosModules.microvm via flake.nix:12"} {
		if !strings.Contains(text, w) {
			t.Errorf("details lack %q:\n%s", w, text)
		}
	}
	if !strings.Contains(got["web"].Details.Text(), "added by the host module") {
		t.Errorf("web: %s", got["web"].Details.Text())
	}
}

func TestHoverModuleWithAnalysis(t *testing.T) {
	ws := rolesWorkspace()
	f := ws.Files["/ws/flake.nix"]
	off := strings.Index(rolesFlake, "microvm.nixosModules.microvm ./hard") + 25
	h := Hover(ws, f, off)
	if h == nil || !strings.Contains(h.Markdown, "`bad` (conflict)") || !strings.Contains(h.Markdown, "system.switch.enable") {
		t.Fatalf("hover: %+v", h)
	}
	// an option defined in a system that lacks its module
	off = strings.Index(rolesFlake, "microvm.mem") + 9
	h = Hover(ws, f, off)
	if h == nil || !strings.Contains(h.Markdown, "microvm.mem") {
		t.Fatalf("hover: %+v", h)
	}
}

func TestRoleDetailsPartialAndGuests(t *testing.T) {
	src := `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.dock = nixpkgs.lib.nixosSystem {
      modules = [ microvm.nixosModules.host { microvm.vms.crane.config = { }; microvm.host.enable = false; } ] ++ extra;
    };
  };
}
`
	files := map[string]*nixast.File{"/ws/flake.nix": nixast.Parse("/ws/flake.nix", []byte(src))}
	ws := &Workspace{Files: files, Systems: analysis.Systems(&analysis.Workspace{Files: files})}
	var text string
	for _, l := range RoleLenses(ws, "/ws/flake.nix") {
		if l.Details.System == "dock" {
			text = l.Details.Text()
		}
	}
	for _, want := range []string{"built by nixosSystem; imports microvm.nix modules: host", "microvm.host.enable = false",
		"closure partial: could not follow", "/ws/flake.nix:5", "guest crane (config): guest"} {
		if !strings.Contains(text, want) {
			t.Errorf("details of dock lack %q:\n%s", want, text)
		}
	}
}
