package analysis

import (
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// A fix may only edit places that the systems it repairs alone read: a
// module list, a module or a binding that another system evaluates too
// would change that system as well. readerIndex answers, from the module
// graph, which systems read a place.

// modRead is where a system read a module set: its file, and the
// elements that brought it in.
type modRead struct {
	file string
	via  Hops
}

// placeKey is a range of a file.
type placeKey struct {
	file     string
	pos, end int
}

type readerIndex struct {
	elems map[placeKey][]*System           // module-list elements
	sets  map[*nixast.AttrSet][]*System    // module sets and microvm = { ... } sets
	binds map[*nixast.AttrAssign][]*System // microvm.* definitions
}

// readers returns the index of the pass' systems (the fact readersFact).
func (p *GraphPass) readers() *readerIndex {
	return result[*readerIndex](p.ResultOf, readersFact, p.Analyzer)
}

// buildReaders indexes which systems read each place.
func buildReaders(systems []*System) *readerIndex {
	// Sized for the usual case, a place per element and a system per place:
	// growing the map step by step cost as much as filling it.
	n := 0
	for _, s := range systems {
		n += len(s.Elems)
	}
	r := &readerIndex{elems: make(map[placeKey][]*System, n), sets: map[*nixast.AttrSet][]*System{},
		binds: map[*nixast.AttrAssign][]*System{}}
	for _, s := range systems {
		for k := range s.elemsByPlace() {
			r.elems[k] = append(r.elems[k], s)
		}
		for set := range s.modSets {
			r.sets[set] = appendInTurn(r.sets[set], s)
		}
		for _, m := range s.MicrovmSets {
			r.sets[m.Set] = appendInTurn(r.sets[m.Set], s)
		}
		for _, d := range s.Defs {
			r.binds[d.Binding] = appendInTurn(r.binds[d.Binding], s)
		}
		for _, d := range s.GuestEnable {
			r.binds[d.Binding] = appendInTurn(r.binds[d.Binding], s)
		}
	}
	return r
}

func appendSystem(list []*System, s *System) []*System {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// appendInTurn is appendSystem for lists filled one system after another
// (each system's places are added together): s can only be the last.
// Looking through the whole list cost 200 x 200 comparisons for each
// binding of a module that 200 systems import, on every keystroke there.
func appendInTurn(list []*System, s *System) []*System {
	if n := len(list); n > 0 && list[n-1] == s {
		return list
	}
	return append(list, s)
}

// onlyRead reports whether every reader is one of systems (and there is one).
func (p *GraphPass) onlyRead(readers, systems []*System) bool {
	if len(readers) == 0 {
		return false
	}
	for _, r := range readers {
		found := false
		for _, s := range systems {
			if sameDeclaration(r, s) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// listReaders returns the systems that read the list literal l of file.
func (p *GraphPass) listReaders(file string, l *nixast.List) []*System {
	var out []*System
	for _, el := range l.Elems {
		for _, s := range p.readers().elems[placeKey{file, el.Pos(), el.End()}] {
			out = appendSystem(out, s)
		}
	}
	return out
}

// elemsByPlace returns the system's module-list elements by place, found
// once: a system is kept from graph to graph while its root reads no
// changed file, and every graph check of its component reads them.
func (s *System) elemsByPlace() map[placeKey]*ModElem {
	s.byPlaceOnce.Do(func() {
		s.byPlace = make(map[placeKey]*ModElem, len(s.Elems)) // grown, it was most of the map
		for _, e := range s.Elems {
			if e.Implicit {
				continue
			}
			k := elemKey(e)
			if old, ok := s.byPlace[k]; !ok || old.Cond != "" && e.Cond == "" {
				s.byPlace[k] = e // an unconditional occurrence says more
			}
		}
	})
	return s.byPlace
}

// unconditional reports whether s reaches a module through via without a
// condition (lib.optional, if): what is written there applies always.
func (p *GraphPass) unconditional(s *System, via Hops) bool {
	byPlace := s.elemsByPlace()
	for h := range via.Up() {
		e := byPlace[placeKey{h.File, h.Pos, h.End}]
		if e == nil || e.Cond != "" {
			return false
		}
	}
	return true
}

// sameDeclaration reports whether a reader is the system s: itself, or
// the nameless system that scanning the file of s's nixosSystem call on its
// own finds at the same call (the call seen without its arguments). Two
// named systems from one helper's call are different systems.
func sameDeclaration(r, s *System) bool {
	return r == s || r.Name == "?" && r.File == s.File && r.Pos == s.Pos && r.Kind == s.Kind && r.Kind == "nixos"
}
