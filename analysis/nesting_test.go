package analysis

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A VM whose config is the module that declares it nests without end; the
// graph stops at maxNesting and says the deepest system is partial.
func TestSelfNestedVMStops(t *testing.T) {
	fx := filepath.Join(t.TempDir(), "self-nested.txtar")
	src := `-- flake.nix --
{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { nixpkgs, microvm, ... }: {
    nixosConfigurations.burrow = nixpkgs.lib.nixosSystem {
      modules = [ microvm.nixosModules.host ./burrow.nix ];
    };
  };
}
-- burrow.nix --
{
  microvm.vms.tunnel.config = import ./burrow.nix;
}
`
	if err := os.WriteFile(fx, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ws, _ := loadFixture(t, fx)
	done := make(chan []*SystemInfo, 1)
	go func() { done <- Systems(ws) }()
	var systems []*SystemInfo
	select {
	case systems = <-done:
	case <-time.After(time.Minute):
		t.Fatal("building the systems of a self-nested VM does not end")
	}
	depth := map[string]int{}
	deepest, unknown := 0, false
	for _, s := range systems {
		if s.Parent != "" {
			depth[s.Name] = depth[s.Parent] + 1
		}
		if depth[s.Name] >= deepest {
			deepest, unknown = depth[s.Name], s.Unknown
		}
	}
	if deepest == 0 || deepest > maxNesting {
		t.Errorf("systems nest %d deep, want 1 to %d: %+v", deepest, maxNesting, systems)
	}
	if !unknown {
		t.Errorf("the deepest system (depth %d) is not partial", deepest)
	}
}
