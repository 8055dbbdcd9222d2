package analysis

import (
	"context"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestElementTargets(t *testing.T) {
	srcs := map[string]string{
		"/ws/flake.nix": `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm, ... }@inputs: let
    common = ./modules/common.nix;
  in {
    nixosModules.foo = ./modules/foo.nix;
    nixosModules.bar = import ./modules/bar.nix;
    nixosModules.inline = { services.x.enable = true; };
    nixosConfigurations.a = nixpkgs.lib.nixosSystem {
      specialArgs = { inherit inputs; };
      modules = [
        self.nixosModules.foo
        inputs.self.nixosModules.bar
        common
        (import ./modules/common.nix)
        self.nixosModules.inline
        microvm.nixosModules.host
        ./hosts/a.nix
        { networking.hostName = "a"; }
      ];
    };
  };
}
`,
		"/ws/modules/foo.nix":    "{ ... }: { }\n",
		"/ws/modules/bar.nix":    "{ config, ... }: { }\n",
		"/ws/modules/common.nix": "{ }\n",
		"/ws/hosts/a.nix":        "{ inputs, ... }: { imports = [ inputs.self.nixosModules.foo ]; }\n",
	}
	ws := &Workspace{Files: map[string]*nixast.File{}}
	for p, s := range srcs {
		ws.Files[p] = nixast.Parse(p, []byte(s))
	}
	got := map[string]string{}
	for file, ts := range ElementTargets(ws) {
		src := srcs[file]
		for _, tg := range ts {
			to := tg.File
			if tg.TargetEnd > 0 {
				to += ":" + srcs[tg.File][tg.TargetPos:tg.TargetEnd]
			}
			got[src[tg.Pos:tg.End]] = to
		}
	}
	want := map[string]string{
		"self.nixosModules.foo":         "/ws/modules/foo.nix",
		"inputs.self.nixosModules.bar":  "/ws/modules/bar.nix",
		"common":                        "/ws/modules/common.nix",
		"(import ./modules/common.nix)": "/ws/modules/common.nix",
		"self.nixosModules.inline":      "/ws/flake.nix:{ services.x.enable = true; }",
		"./hosts/a.nix":                 "/ws/hosts/a.nix",
		"inputs.self.nixosModules.foo":  "/ws/modules/foo.nix",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected element %q → %s", k, got[k])
		}
		if strings.Contains(k, "networking") || strings.Contains(k, "microvm.") {
			t.Errorf("inline or microvm module given a target: %q", k)
		}
	}
}

func BenchmarkElementTargets1000Files(b *testing.B) {
	ws := loadCorpus(b, 1000, 0)
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		for _, ts := range ElementTargets(ws) {
			n += len(ts)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "elements")
}

// The module arguments of systems given no special arguments are one set
// for all of them (noModuleArgs): a module that writes below its own
// arguments, broken as it is while being typed, gets a set of its own.
func TestSharedModuleArgsAreNotWritten(t *testing.T) {
	ws := &Workspace{Files: map[string]*nixast.File{}}
	add := func(p, src string) { ws.Files[p] = nixast.Parse(p, []byte(src)) }
	add("/ws/flake.nix", `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = { self, nixpkgs }: {
    nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./m.nix ]; };
    nixosConfigurations.b = nixpkgs.lib.nixosSystem { modules = [ ./m.nix ]; };
  };
}
`)
	add("/ws/m.nix", "args: let s = { a = args; a.b = ./x.nix; }; in { imports = [ s.a.b ]; }\n")
	add("/ws/x.nix", "{ networking.hostName = \"x\"; }\n")
	c := NewCache()
	if _, err := c.AnalyzeFiles(context.Background(), ws, Config{}); err != nil {
		t.Fatal(err)
	}
	if n := len(c.Systems(ws)); n != 2 {
		t.Fatalf("%d systems, want 2", n)
	}
	set := noModuleArgs.val.(*attrsV)
	if len(set.Attrs) != 1 || set.Attrs["modulesPath"] == nil {
		var names []string
		for k := range set.Attrs {
			names = append(names, k)
		}
		t.Errorf("the shared module arguments hold %v, want modulesPath alone", names)
	}
}
