package ide

import (
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

const elementsFlake = `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm, ... }@inputs: let
    common = ./modules/common.nix;
  in {
    nixosModules.foo = ./modules/foo.nix;
    nixosModules.inline = { services.x.enable = true; };
    nixosConfigurations.a = nixpkgs.lib.nixosSystem {
      specialArgs = { inherit inputs; };
      modules = [
        self.nixosModules.foo
        common
        self.nixosModules.inline
        ./hosts/a.nix
      ];
    };
  };
}
`

// elementsWorkspace is a flake whose modules are reached through self,
// inputs.self, a let alias and a path.
func elementsWorkspace() *Workspace {
	files := map[string]*nixast.File{}
	for p, s := range map[string]string{
		"/ws/flake.nix":          elementsFlake,
		"/ws/modules/foo.nix":    "{ ... }: { }\n",
		"/ws/modules/common.nix": "{ }\n",
		"/ws/hosts/a.nix":        "{ inputs, ... }: {\n  imports = [ inputs.self.nixosModules.foo ];\n}\n",
	} {
		files[p] = nixast.Parse(p, []byte(s))
	}
	aws := &analysis.Workspace{Files: files}
	return &Workspace{Files: files, Systems: analysis.Systems(aws), Elements: analysis.ElementTargets(aws)}
}

func TestDefinitionOfModuleElement(t *testing.T) {
	ws := elementsWorkspace()
	tests := []struct {
		file, at, want string // want: file, or file:text of the target range
		n              int
	}{
		{"/ws/flake.nix", "self.nixosModules.f|oo\n", "/ws/modules/foo.nix", 1},
		{"/ws/flake.nix", "se|lf.nixosModules.foo\n", "/ws/modules/foo.nix", 1},
		{"/ws/flake.nix", "com|mon\n        self", "/ws/modules/common.nix", 2},
		{"/ws/flake.nix", "self.nixosModules.inl|ine\n", "/ws/flake.nix:{ services.x.enable = true; }", 1},
		{"/ws/flake.nix", "./hosts/|a.nix", "/ws/hosts/a.nix", 1},
		{"/ws/hosts/a.nix", "inputs.self.nixosModules.|foo", "/ws/modules/foo.nix", 1},
	}
	for _, tt := range tests {
		f := ws.Files[tt.file]
		at := strings.Replace(tt.at, "|", "", 1)
		i := strings.Index(string(f.Src), at)
		if i < 0 {
			t.Fatalf("%q not in %s", at, tt.file)
		}
		off := i + strings.Index(tt.at, "|")
		locs := Definition(ws, f, off)
		if len(locs) != tt.n {
			t.Errorf("%s: %d locations %v, want %d", tt.at, len(locs), locs, tt.n)
			continue
		}
		l := locs[len(locs)-1]
		got := l.File
		if l.End > 0 {
			got += ":" + string(ws.Files[l.File].Src[l.Pos:l.End])
		}
		if got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.at, got, tt.want)
		}
	}
	// without the graph, a variable still leads to its binding
	f := ws.Files["/ws/flake.nix"]
	off := strings.Index(string(f.Src), "self.nixosModules.foo\n")
	if locs := Definition(&Workspace{Files: ws.Files}, f, off); len(locs) != 1 || locs[0].File != "/ws/flake.nix" {
		t.Errorf("without elements: %v", locs)
	}
}

func TestCompletionRoleNote(t *testing.T) {
	files := map[string]*nixast.File{}
	for p, s := range map[string]string{
		"/ws/flake.nix": `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem {
      modules = [ microvm.nixosModules.host ./box.nix ];
    };
    nixosConfigurations.vm = nixpkgs.lib.nixosSystem {
      modules = [ microvm.nixosModules.microvm ./vm.nix ];
    };
  };
}
`,
		"/ws/box.nix": "{ microvm. }\n",
		"/ws/vm.nix":  "{ microvm. }\n",
	} {
		files[p] = nixast.Parse(p, []byte(s))
	}
	ws := &Workspace{Files: files, Systems: analysis.Systems(&analysis.Workspace{Files: files})}
	detail := func(file, label string) string {
		f := files[file]
		for _, it := range Complete(ws, f, strings.Index(string(f.Src), ".")+1) {
			if it.Label == label {
				return it.Detail
			}
		}
		t.Fatalf("%s: no %s", file, label)
		return ""
	}
	if d := detail("/ws/box.nix", "hypervisor"); !strings.Contains(d, "guest option (system `box` imports microvm.nixosModules.host only)") {
		t.Errorf("guest option on a host: %q", d)
	}
	if d := detail("/ws/box.nix", "vms"); strings.Contains(d, "option (") {
		t.Errorf("host option on a host: %q", d)
	}
	if d := detail("/ws/vm.nix", "hypervisor"); strings.Contains(d, "option (") {
		t.Errorf("guest option on a guest: %q", d)
	}
	if d := detail("/ws/vm.nix", "vms"); !strings.Contains(d, "host option (system `vm` imports the guest module only)") {
		t.Errorf("host option on a guest: %q", d)
	}
}
