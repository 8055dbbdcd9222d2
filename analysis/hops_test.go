package analysis

import (
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// A chain extended twice from one prefix leaves the prefix and the other
// extension as they were; Slice, Up and upOnce read them in their orders.
func TestHopsShareTheirStart(t *testing.T) {
	h := func(i int) Hop { return Hop{File: fmt.Sprint(i), Pos: i, End: i + 1} }
	var root Hops
	ab := root.With(h(1)).With(h(2))
	abc, abd := ab.With(h(3)), ab.With(h(4))
	if root.Len() != 0 || len(root.Slice()) != 0 || ab.Len() != 2 || abc.Len() != 3 {
		t.Fatalf("lengths %d %d %d", root.Len(), ab.Len(), abc.Len())
	}
	if got := abc.Slice(); !slices.Equal(got, []Hop{h(1), h(2), h(3)}) {
		t.Errorf("abc %v", got)
	}
	if got := abd.Slice(); !slices.Equal(got, []Hop{h(1), h(2), h(4)}) {
		t.Errorf("abd %v", got)
	}
	if got := slices.Collect(abd.Up()); !slices.Equal(got, []Hop{h(4), h(2), h(1)}) {
		t.Errorf("abd up %v", got)
	}
	// upOnce: each hop of chains that share their start, once.
	seen := map[*hopLink]bool{}
	var once []Hop
	for _, c := range []Hops{abc, abd, ab, root} {
		once = append(once, slices.Collect(c.upOnce(seen))...)
	}
	if !slices.Equal(once, []Hop{h(3), h(2), h(1), h(4)}) {
		t.Errorf("once %v", once)
	}
}

// A chain of imports thousands deep: each module held a copy of the chain
// above it, and the files of each chain were read again for each module:
// memory and time that grew with the square of the depth (10,000 deep:
// 1.66 GB, 3.5 s). Four times the depth now takes about four times the
// memory.
func TestDeepImportChainIsLinear(t *testing.T) {
	alloc := func(depth int) uint64 {
		ws := &Workspace{Files: map[string]*nixast.File{}}
		add := func(path, src string) { ws.Files[path] = nixast.Parse(path, []byte(src)) }
		add("/ws/flake.nix", "{ outputs = { self, nixpkgs }: { nixosConfigurations.vm = nixpkgs.lib.nixosSystem { modules = [ ./m0.nix ]; }; }; }\n")
		for i := range depth {
			next := fmt.Sprintf("./m%d.nix", i+1)
			if i == depth-1 {
				next = ""
			}
			add(fmt.Sprintf("/ws/m%d.nix", i), "{ ... }: { imports = [ "+next+" ]; }\n")
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		systems := Systems(ws)
		Analyze(ws, Config{})
		runtime.ReadMemStats(&after)
		if len(systems) != 1 || len(systems[0].Files) < depth {
			t.Fatalf("depth %d: %d systems", depth, len(systems))
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := alloc(500), alloc(2000)
	if large > 8*small {
		t.Errorf("4 times the depth, %.1f times the memory (%d -> %d bytes)", float64(large)/float64(small), small, large)
	}
}
