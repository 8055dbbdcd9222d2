package nixast

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestRepeats holds repeats to a plain map over lists short and long,
// with a repeat anywhere or none, one after the other as the pool hands
// the same table out again (a stale slot from a longer list would report
// a repeat that is not there).
func TestRepeats(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	want := func(names []string) bool {
		seen := map[string]bool{}
		for _, n := range names {
			if seen[n] {
				return true
			}
			seen[n] = true
		}
		return false
	}
	for _, n := range []int{0, 1, 2, attrMapThreshold, attrMapThreshold + 1, 100, 5000, 26000, 40, 3} {
		for trial := 0; trial < 6; trial++ {
			names := make([]string, n)
			for i := range names {
				names[i] = fmt.Sprintf("pkg%d", i)
			}
			rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
			if trial%2 == 1 && n > 1 {
				i, j := rng.Intn(n), rng.Intn(n)
				if i == j {
					j = (i + 1) % n
				}
				names[j] = names[i]
			}
			if got, w := repeats(names), want(names); got != w {
				t.Errorf("repeats of %d names (trial %d) = %v, want %v", n, trial, got, w)
			}
		}
	}
}

// TestAttrScratchReuse parses sets of every size whose bindings share a
// first name (x.nK = …), so that each builds an attribute tree, one after
// the other and on four goroutines at once: the pool hands each parse the
// memory of parses before, and a stale entry, list slot or map key would
// report a duplicate that is not there, or hide one.
func TestAttrScratchReuse(t *testing.T) {
	gen := func(rng *rand.Rand, n int) (string, int) {
		var b strings.Builder
		b.WriteString("{\n")
		seen := map[int]bool{}
		dups := 0
		for i := 0; i < n; i++ {
			k := i
			if dups < MaxErrors/4 && rng.Intn(8) == 0 {
				k = rng.Intn(i + 1) // a name again, or (k == i) a new one
			}
			if seen[k] {
				dups++
			}
			seen[k] = true
			fmt.Fprintf(&b, "  x.n%d = %d;\n", k, i)
		}
		b.WriteString("  y = { a = 1; };\n  y = { b = 2; };\n}\n")
		return b.String(), dups
	}
	sizes := []int{0, 3, attrMapThreshold + 1, 200, 3000, 2, attrMapThreshold, 40}
	check := func(t *testing.T, rng *rand.Rand) {
		for round := 0; round < 3; round++ {
			for _, n := range sizes {
				src, dups := gen(rng, n)
				f := Parse("d.nix", []byte(src))
				if len(f.Errors) != dups {
					t.Errorf("%d bindings: %d errors, want %d duplicates: %v", n, len(f.Errors), dups, f.Errors)
				}
			}
		}
	}
	check(t, rand.New(rand.NewSource(1)))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			check(t, rand.New(rand.NewSource(seed)))
		}(int64(g + 2))
	}
	wg.Wait()
}

// TestAttrScratchCleared: memory given back to the pool holds no pointer
// into the trees it served (it would keep a file's nodes alive), and no
// map key.
func TestAttrScratchCleared(t *testing.T) {
	src := "{\n  x.a = 1;\n  x.b = { c = 1; };\n  x.b = { d = 1; };\n"
	for i := 0; i < 40; i++ {
		src += fmt.Sprintf("  x.m%d = %d;\n", i, i)
	}
	src += "}\n"
	f := Parse("c.nix", []byte(src))
	set := f.Root.(*AttrSet)
	p := &parser{src: f.Src, lines: f.Lines, sideAttrs: map[*AttrSet]*attrEntries{}}
	p.checkBindings(set, set.Bindings, false)
	s := p.attrs
	if s == nil || len(s.maps) == 0 {
		t.Fatalf("the check built no tree with a map: %+v", s)
	}
	p.releaseAttrs()
	if p.attrs != nil {
		t.Fatal("the parser kept its memory after giving it back")
	}
	// The chunks of each kind made ready for the next parse: some, and
	// every item of them cleared.
	freed := [3]int{
		freedCleared(t, "an entry", s.entries.rec, func(e attrEntry) bool { return e != attrEntry{} }),
		freedCleared(t, "a list slot", s.lists.rec, func(e *attrEntry) bool { return e != nil }),
		freedCleared(t, "a set", s.sets.rec, func(a attrEntries) bool { return a.list != nil || a.byName != nil }),
	}
	if slices.Contains(freed[:], 0) {
		t.Fatalf("chunks of entries, list slots and sets freed for the next parse: %v, want some of each", freed)
	}
	if len(s.maps) != 0 || len(s.freeMaps) == 0 {
		t.Fatalf("maps in use %d, free %d: want none in use and the map freed", len(s.maps), len(s.freeMaps))
	}
	for _, m := range s.freeMaps {
		if len(m) != 0 {
			t.Fatalf("a map given back holds %d keys", len(m))
		}
	}
}

// freedCleared returns how many chunks r holds free, failing t when an
// item of one still holds something.
func freedCleared[T any](t *testing.T, what string, r *recycled[T], holds func(T) bool) int {
	t.Helper()
	n := 0
	for _, bucket := range r.free {
		n += len(bucket)
		for _, c := range bucket {
			for _, x := range c[:cap(c)] {
				if holds(x) {
					t.Fatalf("%s given back still holds %+v", what, x)
				}
			}
		}
	}
	return n
}
