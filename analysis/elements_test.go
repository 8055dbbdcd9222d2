package analysis

import (
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
