package analysis

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// TestReadersListEachSystemOnce: the systems that read a binding or a set
// of a module they all import are listed once each, in the order of the
// systems, though one system may read a binding twice (microvm.guest.enable
// is an option's definition and the guest switch).
func TestReadersListEachSystemOnce(t *testing.T) {
	var flake strings.Builder
	flake.WriteString("{\n  outputs = { nixpkgs, microvm, ... }: {\n")
	for i := range 5 {
		fmt.Fprintf(&flake, "    nixosConfigurations.h%d = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host ./shared.nix ./h%d.nix ]; };\n", i, i)
	}
	flake.WriteString("  };\n}\n")
	files := map[string]*nixast.File{
		"/ws/flake.nix":  nixast.Parse("/ws/flake.nix", []byte(flake.String())),
		"/ws/shared.nix": nixast.Parse("/ws/shared.nix", []byte("{ lib, ... }: {\n  services.a = { enable = true; port = 1; };\n  microvm = { vms.x.config = { }; autostart = [ \"x\" ]; guest.enable = false; };\n  networking.hostName = lib.mkDefault \"h\";\n}\n")),
	}
	for i := range 5 {
		p := fmt.Sprintf("/ws/h%d.nix", i)
		files[p] = nixast.Parse(p, []byte("{ networking.firewall.enable = false; }\n"))
	}
	g := buildGraph(&Workspace{Files: files}, nil)
	if len(g.systems) < 5 {
		t.Fatalf("%d systems, want 5 at least", len(g.systems))
	}
	r := buildReaders(g.systems)
	// What a look through the whole list for each system finds.
	want := map[any][]*System{}
	add := func(k any, s *System) {
		if !slices.Contains(want[k], s) {
			want[k] = append(want[k], s)
		}
	}
	for _, s := range g.systems {
		for set := range s.modSets {
			add(set, s)
		}
		for _, m := range s.MicrovmSets {
			add(m.Set, s)
		}
		for _, d := range s.Defs {
			add(d.Binding, s)
		}
		for _, d := range s.GuestEnable {
			add(d.Binding, s)
		}
	}
	shared := 0
	for k, list := range r.binds {
		if !slices.Equal(list, want[k]) {
			t.Errorf("binding at %d: %d readers, want %d", k.Pos(), len(list), len(want[k]))
		}
		if len(list) >= 5 {
			shared++
		}
	}
	for k, list := range r.sets {
		if !slices.Equal(list, want[k]) {
			t.Errorf("set at %d: %d readers, want %d", k.Pos(), len(list), len(want[k]))
		}
	}
	if shared < 3 {
		t.Errorf("%d bindings read by every system, want 3 at least: the test reads too little", shared)
	}
}
