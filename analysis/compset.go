package analysis

import (
	"slices"
	"sync"
	"sync/atomic"
)

// compChunk is how many components a chunk of a compSet holds.
const compChunk = 128

// compSetIDs numbers compSets.
var compSetIDs atomic.Uint64

// compSet are a graph's components with their keys (componentKey), in
// chunks of compChunk. A set derived after an edit (derivableComps.derive)
// shares every chunk that holds none of the components the edit changed:
// in a workspace of thousands of components a keystroke copied them all,
// twice (the components and their keys), and the pages of the copies were
// new to the process.
type compSet struct {
	n      int
	chunks []*compChunkOf
	// id is the set's number, never another's; parent is the number of
	// the set it was derived from with the components at changed
	// replaced, every other one the same at the same place (0: found
	// anew). A number, not a pointer: each set would hold every set
	// before it, and their components.
	id, parent uint64
	changed    []int    // sorted
	where      sysIndex // the place of each system's component
}

type compChunkOf struct {
	comps [][]*System
	keys  []string
}

// newCompSet keys comps.
func newCompSet(comps [][]*System) *compSet {
	keys := make([]string, len(comps))
	for i, c := range comps {
		keys[i] = componentKey(c)
	}
	return newKeyedCompSet(comps, keys)
}

// newKeyedCompSet is the set of comps keyed by keys (which it keeps, as
// it keeps comps).
func newKeyedCompSet(comps [][]*System, keys []string) *compSet {
	cs := &compSet{n: len(comps), id: compSetIDs.Add(1), where: newSysIndex()}
	for lo := 0; lo < len(comps); lo += compChunk {
		hi := min(lo+compChunk, len(comps))
		cs.chunks = append(cs.chunks, &compChunkOf{comps: comps[lo:hi:hi], keys: keys[lo:hi:hi]})
	}
	return cs
}

// len returns the number of components.
func (cs *compSet) len() int { return cs.n }

// comp returns the i-th component.
func (cs *compSet) comp(i int) []*System { return cs.chunks[i/compChunk].comps[i%compChunk] }

// key returns the i-th component's key.
func (cs *compSet) key(i int) string { return cs.chunks[i/compChunk].keys[i%compChunk] }

// all returns the components and their keys as slices of their own.
func (cs *compSet) all() ([][]*System, []string) {
	comps, keys := make([][]*System, 0, cs.n), make([]string, 0, cs.n)
	for _, ch := range cs.chunks {
		comps, keys = append(comps, ch.comps...), append(keys, ch.keys...)
	}
	return comps, keys
}

// locate returns the place of the component that holds s.
func (cs *compSet) locate(s *System) (int, bool) {
	return cs.where.find(s, func() map[*System]int {
		m := make(map[*System]int, cs.n)
		for i := 0; i < cs.n; i++ {
			for _, s := range cs.comp(i) {
				m[s] = i
			}
		}
		return m
	})
}

// replaced returns cs with the systems of sub replaced, each by its
// replacement, in the components that hold them: those components and
// their chunks are new, the others shared.
func (cs *compSet) replaced(sub map[*System]*System) *compSet {
	at := map[int]bool{}
	places := make(map[*System]int, len(sub)) // of the new systems
	for o, n := range sub {
		if i, ok := cs.locate(o); ok {
			at[i], places[n] = true, i
		}
	}
	out := &compSet{n: cs.n, chunks: slices.Clone(cs.chunks), id: compSetIDs.Add(1), parent: cs.id, where: cs.where.replacing(sub, places)}
	copied := map[int]bool{}
	for i := range at {
		k := i / compChunk
		if !copied[k] {
			ch := cs.chunks[k]
			out.chunks[k] = &compChunkOf{comps: slices.Clone(ch.comps), keys: slices.Clone(ch.keys)}
			copied[k] = true
		}
		c := slices.Clone(cs.comp(i))
		for j, s := range c {
			if n := sub[s]; n != nil {
				c[j] = n
			}
		}
		ch := out.chunks[k]
		ch.comps[i%compChunk], ch.keys[i%compChunk] = c, componentKey(c)
		out.changed = append(out.changed, i)
	}
	slices.Sort(out.changed)
	return out
}

// sysIndex finds a system's place: in a graph's systems (placeIndex), or
// among its components (compSet.where). base holds the places of a graph
// found anew, built on first need and shared with the graphs derived from
// it, which keep every system at its place; over holds the systems those
// put in since, which base does not hold.
type sysIndex struct {
	once *sync.Once
	base *map[*System]int
	over map[*System]int
}

func newSysIndex() sysIndex { return sysIndex{once: &sync.Once{}, base: new(map[*System]int)} }

// find returns the place of s, building base with build on first need.
func (x sysIndex) find(s *System, build func() map[*System]int) (int, bool) {
	if i, ok := x.over[s]; ok {
		return i, true
	}
	x.once.Do(func() { *x.base = build() })
	i, ok := (*x.base)[s]
	return i, ok
}

// replacing returns the index of a derived set in which sub's systems
// were replaced, the new ones at places: base shared, over x's but for
// the systems replaced, with the new ones.
func (x sysIndex) replacing(sub map[*System]*System, places map[*System]int) sysIndex {
	y := sysIndex{once: x.once, base: x.base, over: make(map[*System]int, len(x.over)+len(places))}
	for s, i := range x.over {
		if sub[s] == nil {
			y.over[s] = i
		}
	}
	for n, i := range places {
		y.over[n] = i
	}
	return y
}

// placeIndex finds a system's place in a graph's systems.
type placeIndex struct{ sysIndex }

func newPlaceIndex() *placeIndex { return &placeIndex{newSysIndex()} }

// locate returns the place of s in systems, the systems x indexes.
func (x *placeIndex) locate(s *System, systems []*System) (int, bool) {
	i, ok := x.find(s, func() map[*System]int {
		m := make(map[*System]int, len(systems))
		for i, s := range systems {
			m[s] = i
		}
		return m
	})
	return i, ok && i < len(systems) && systems[i] == s
}

// replaced returns systems, which x indexes, with the systems of sub
// replaced, and the index of the result; ok is false if one of sub's
// systems is not in systems.
func (x *placeIndex) replaced(systems []*System, sub map[*System]*System) ([]*System, *placeIndex, bool) {
	out := slices.Clone(systems)
	places := make(map[*System]int, len(sub))
	for o, n := range sub {
		i, ok := x.locate(o, systems)
		if !ok {
			return nil, nil, false
		}
		out[i], places[n] = n, i
	}
	return out, &placeIndex{x.replacing(sub, places)}, true
}
