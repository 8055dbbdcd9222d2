package analysis

import (
	"slices"
	"sync"
)

// compChunk is how many components a chunk of a compSet holds.
const compChunk = 128

// compSet are a graph's components with their keys (componentKey), in
// chunks of compChunk. A set derived after an edit (derivableComps.derive)
// shares every chunk that holds none of the components the edit changed:
// in a workspace of thousands of components a keystroke copied them all,
// twice (the components and their keys), and the pages of the copies were
// new to the process.
type compSet struct {
	n      int
	chunks []*compChunkOf
	// parent is the set this one was derived from with the components at
	// changed replaced, every other one the same at the same place (nil:
	// found anew).
	parent  *compSet
	changed []int // sorted
	// where finds a system's component: base holds a set's systems, built
	// on first need and shared with the sets derived from it; over the
	// systems that derivations put in since, which base does not hold.
	baseOnce *sync.Once
	base     *map[*System]int
	over     map[*System]int
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
	cs := &compSet{n: len(comps), baseOnce: &sync.Once{}, base: new(map[*System]int)}
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
	if i, ok := cs.over[s]; ok {
		return i, true
	}
	cs.baseOnce.Do(func() {
		m := make(map[*System]int, cs.n)
		for i := 0; i < cs.n; i++ {
			for _, s := range cs.comp(i) {
				m[s] = i
			}
		}
		*cs.base = m
	})
	i, ok := (*cs.base)[s]
	return i, ok
}

// replaced returns cs with the systems of sub replaced, each by its
// replacement, in the components that hold them: those components and
// their chunks are new, the others shared.
func (cs *compSet) replaced(sub map[*System]*System) *compSet {
	at := map[int]bool{}
	for o := range sub {
		if i, ok := cs.locate(o); ok {
			at[i] = true
		}
	}
	out := &compSet{n: cs.n, chunks: slices.Clone(cs.chunks), parent: cs, baseOnce: cs.baseOnce, base: cs.base}
	out.over = make(map[*System]int, len(cs.over)+len(sub))
	for s, i := range cs.over {
		if sub[s] == nil {
			out.over[s] = i
		}
	}
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
				out.over[n] = i
			}
		}
		ch := out.chunks[k]
		ch.comps[i%compChunk], ch.keys[i%compChunk] = c, componentKey(c)
		out.changed = append(out.changed, i)
	}
	slices.Sort(out.changed)
	return out
}

// placeIndex finds a system's place in a graph's systems: base holds the
// places of a graph whose systems were found anew, built on first need and
// shared with the graphs built in place from it (rebuildInPlace), which
// keep every system at its place; over holds the systems those put in.
type placeIndex struct {
	once *sync.Once
	base *map[*System]int
	over map[*System]int
}

func newPlaceIndex() *placeIndex {
	return &placeIndex{once: &sync.Once{}, base: new(map[*System]int)}
}

// locate returns the place of s in systems, the systems x indexes.
func (x *placeIndex) locate(s *System, systems []*System) (int, bool) {
	i, ok := x.over[s]
	if !ok {
		x.once.Do(func() {
			m := make(map[*System]int, len(systems))
			for i, s := range systems {
				m[s] = i
			}
			*x.base = m
		})
		i, ok = (*x.base)[s]
	}
	return i, ok && i < len(systems) && systems[i] == s
}

// replaced returns systems, which x indexes, with the systems of sub
// replaced, and the index of the result; ok is false if one of sub's
// systems is not in systems.
func (x *placeIndex) replaced(systems []*System, sub map[*System]*System) ([]*System, *placeIndex, bool) {
	out := slices.Clone(systems)
	y := &placeIndex{once: x.once, base: x.base, over: make(map[*System]int, len(x.over)+len(sub))}
	for s, i := range x.over {
		if sub[s] == nil {
			y.over[s] = i
		}
	}
	for o, n := range sub {
		i, ok := x.locate(o, systems)
		if !ok {
			return nil, nil, false
		}
		out[i], y.over[n] = n, i
	}
	return out, y, true
}
