package analysis

import (
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"testing"
	"weak"
)

// TestCompSetReplaced: a set derived with some systems replaced holds the
// components a set made anew from the replaced components holds, keyed
// alike; it shares every chunk that holds no changed component with the
// set it was derived from, and names the changed places. Derived again
// and again, each finds every one of its systems.
func TestCompSetReplaced(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	id := uint64(0)
	sys := func() *System { id++; return &System{Name: fmt.Sprint("s", id), id: id} }
	comps := make([][]*System, 1000)
	for i := range comps {
		for range 1 + rng.Intn(3) {
			comps[i] = append(comps[i], sys())
		}
	}
	cs := newCompSet(comps)
	for step := range 50 {
		// Replace the systems of a few components, one or all of each.
		sub := map[*System]*System{}
		want := map[int]bool{}
		all, _ := cs.all()
		for range 1 + rng.Intn(3) {
			i := rng.Intn(len(all))
			want[i] = true
			for j, s := range all[i] {
				if j == 0 || rng.Intn(2) == 0 {
					sub[s] = sys()
				}
			}
		}
		next := cs.replaced(sub)
		gotComps, gotKeys := next.all()
		for i, c := range all {
			w := slices.Clone(c)
			for j, s := range w {
				if n := sub[s]; n != nil {
					w[j] = n
				}
			}
			if !slices.Equal(gotComps[i], w) || gotKeys[i] != componentKey(w) {
				t.Fatalf("step %d: component %d is %v keyed %q, want %v keyed %q", step, i, gotComps[i], gotKeys[i], w, componentKey(w))
			}
			for _, s := range w {
				if at, ok := next.locate(s); !ok || at != i {
					t.Fatalf("step %d: %s located at %d (%v), want %d", step, s.Name, at, ok, i)
				}
			}
		}
		var changed []int
		for i := range want {
			changed = append(changed, i)
		}
		slices.Sort(changed)
		if !slices.Equal(next.changed, changed) || next.parent != cs.id || next.id == cs.id {
			t.Fatalf("step %d: changed %v, want %v", step, next.changed, changed)
		}
		for k, ch := range next.chunks {
			holds := slices.ContainsFunc(changed, func(i int) bool { return i/compChunk == k })
			if shared := ch == cs.chunks[k]; shared == holds {
				t.Fatalf("step %d: chunk %d shared %v, holding a changed component %v", step, k, shared, holds)
			}
		}
		cs = next
	}
}

// TestPlaceIndexReplaced: systems with some replaced keep the others at
// their places, and the index of the result finds every system, derived
// again and again; a system the systems do not hold is not found.
func TestPlaceIndexReplaced(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var systems []*System
	for i := range 500 {
		systems = append(systems, &System{Name: fmt.Sprint("s", i)})
	}
	x := newPlaceIndex()
	for step := range 50 {
		sub := map[*System]*System{}
		for range 1 + rng.Intn(20) {
			s := systems[rng.Intn(len(systems))]
			sub[s] = &System{Name: s.Name + "'"}
		}
		out, y, ok := x.replaced(systems, sub)
		if !ok {
			t.Fatalf("step %d: a system was not found", step)
		}
		for i, s := range systems {
			want := s
			if n := sub[s]; n != nil {
				want = n
			}
			if out[i] != want {
				t.Fatalf("step %d: place %d holds %s, want %s", step, i, out[i].Name, want.Name)
			}
			if at, ok := y.locate(want, out); !ok || at != i {
				t.Fatalf("step %d: %s located at %d (%v), want %d", step, want.Name, at, ok, i)
			}
		}
		systems, x = out, y
	}
	if _, _, ok := x.replaced(systems, map[*System]*System{{Name: "stranger"}: {}}); ok {
		t.Error("a system the systems do not hold was replaced")
	}
}

// TestCompSetForgetsItsParent: a derived set keeps no set it derives from
// alive (a keystroke's set held every set before it, and their
// components, for as long as the session lasted).
func TestCompSetForgetsItsParent(t *testing.T) {
	var comps [][]*System
	for i := range 300 {
		comps = append(comps, []*System{{Name: fmt.Sprint("s", i), id: uint64(i + 1)}})
	}
	cs := newCompSet(comps)
	first := weak.Make(cs)
	for i := range 20 {
		o := cs.comp(i)[0]
		cs = cs.replaced(map[*System]*System{o: {Name: o.Name + "'", id: uint64(1000 + i)}})
	}
	runtime.GC()
	if first.Value() != nil {
		t.Error("the first set is still reachable from the twentieth derived from it")
	}
	if cs.len() != 300 {
		t.Fatal(cs.len())
	}
}
