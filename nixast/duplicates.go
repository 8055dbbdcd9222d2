package nixast

import (
	"hash/maphash"
	"math/bits"
	"strings"
	"sync"
)

// Nix rejects duplicate attributes while parsing, merging nested attribute
// paths as it goes: a.b = 1; a.c = 2; builds one set a, and so does
// a = { b = 1; }; a.c = 2;. These checks follow ParserState::addAttr.
//
// In most sets no two bindings start with the same name; the parser sees
// that from the names it collects and builds nothing. The attribute tree of
// a set literal is built only when an enclosing set merges into it.

type attrEntry struct {
	name     string
	pos      int // where the attribute was first defined
	isAttrs  bool
	set      *AttrSet     // the set literal that defines it, if any
	children *attrEntries // its attributes; for a literal built on first need
}

// attrEntries is a set's attributes in definition order. Most sets are
// small, so lookups scan; a map is built only for large sets.
type attrEntries struct {
	list   []*attrEntry
	byName map[string]*attrEntry
}

const attrMapThreshold = 16

func (a *attrEntries) get(name string) *attrEntry {
	if a.byName != nil {
		return a.byName[name]
	}
	for _, e := range a.list {
		if e.name == name {
			return e
		}
	}
	return nil
}

// attrScratch is the memory of the attribute trees that duplicate checks
// build. No File keeps a tree (see checkBindings), so a pool hands the
// memory from parse to parse: a keystroke in a module whose bindings share
// first names built the module's tree again, 50 KB of fresh memory each
// time, when Reparse checked its list again.
type attrScratch struct {
	entries slab[attrEntry]
	sets    slab[attrEntries]
	lists   slab[*attrEntry]
	// maps are the lookup maps of large sets given out, freeMaps those
	// cleared for the next parse.
	maps, freeMaps []map[string]*attrEntry
	items          int // entries, list slots and map keys given out
}

var attrScratches = sync.Pool{New: func() any {
	s := &attrScratch{}
	s.entries.rec, s.sets.rec, s.lists.rec = &recycled[attrEntry]{}, &recycled[attrEntries]{}, &recycled[*attrEntry]{}
	return s
}}

// attrMem returns the parser's attribute tree memory, from the pool on
// first need (most files check no list).
func (p *parser) attrMem() *attrScratch {
	if p.attrs == nil {
		p.attrs = attrScratches.Get().(*attrScratch)
	}
	return p.attrs
}

// releaseAttrs gives the parser's attribute tree memory back to the pool,
// cleared: its trees must be of no more use. A very large one is left to
// the collector (see maxPooled).
func (p *parser) releaseAttrs() {
	s := p.attrs
	if s == nil {
		return
	}
	p.attrs = nil
	for _, m := range s.maps {
		s.items += len(m)
	}
	if s.items > maxPooled {
		return
	}
	s.entries.recycle(false)
	s.sets.recycle(false)
	s.lists.recycle(false)
	for _, m := range s.maps {
		clear(m)
	}
	s.freeMaps = append(s.freeMaps, s.maps...)
	clear(s.maps)
	s.maps, s.items = s.maps[:0], 0
	attrScratches.Put(s)
}

// newSet returns an empty set of attributes with room for n.
func (s *attrScratch) newSet(n int) *attrEntries {
	a := alloc(&s.sets)
	a.list = grab(&s.lists, n)[:0]
	s.items += n
	if n > attrMapThreshold {
		a.byName = s.newMap(n)
	}
	return a
}

func (s *attrScratch) newMap(n int) map[string]*attrEntry {
	var m map[string]*attrEntry
	if k := len(s.freeMaps); k > 0 {
		m = s.freeMaps[k-1]
		s.freeMaps[k-1] = nil
		s.freeMaps = s.freeMaps[:k-1]
	} else {
		m = make(map[string]*attrEntry, n)
	}
	s.maps = append(s.maps, m)
	return m
}

func (s *attrScratch) add(a *attrEntries, e *attrEntry) {
	if len(a.list) == cap(a.list) {
		n := max(4, 2*cap(a.list))
		grown := grab(&s.lists, n)[:len(a.list)]
		copy(grown, a.list)
		a.list = grown
		s.items += n
	}
	a.list = append(a.list, e)
	if a.byName != nil {
		a.byName[e.name] = e
	} else if len(a.list) > attrMapThreshold {
		a.byName = s.newMap(2 * len(a.list))
		for _, x := range a.list {
			a.byName[x.name] = x
		}
	}
}

func (p *parser) entry(name string, pos int, isAttrs bool, set *AttrSet, children *attrEntries) *attrEntry {
	s := p.attrMem()
	s.items++
	e := alloc(&s.entries)
	*e = attrEntry{name: name, pos: pos, isAttrs: isAttrs, set: set, children: children}
	return e
}

// childrenOf returns the attributes of an entry that is a set.
func (p *parser) childrenOf(e *attrEntry) *attrEntries {
	if e.children == nil && e.set != nil {
		e.children = p.buildEntries(e.set.Bindings)
	}
	return e.children
}

// checkBindings reports duplicate attributes among binds; plain is what
// parseBindings found: no two bindings start with the same name.
func (p *parser) checkBindings(node Node, binds []Binding, plain bool) {
	if plain {
		return
	}
	p.nonPlain = append(p.nonPlain, listPos(node))
	n := len(p.errs)
	entries := p.buildEntries(binds)
	if p.merged {
		p.merged = false
		p.newSyntax = append(p.newSyntax, listPos(node))
	}
	for i := n; i < len(p.errs); i++ {
		p.errs[i].owner = listPos(node) + 1
	}
	if set, ok := node.(*AttrSet); ok {
		if p.sideAttrs != nil {
			p.sideAttrs[set] = entries
		} else {
			set.attrs = entries
			p.withAttrs = append(p.withAttrs, set)
		}
	}
}

// attrsOf returns the attribute tree of a set literal checked before.
func (p *parser) attrsOf(set *AttrSet) *attrEntries {
	if p.sideAttrs != nil {
		return p.sideAttrs[set]
	}
	return set.attrs
}

// repeats reports whether a name occurs twice in names.
func repeats(names []string) bool {
	if len(names) <= attrMapThreshold {
		for i, a := range names {
			for _, b := range names[:i] {
				if a == b {
					return true
				}
			}
		}
		return false
	}
	t := nameTables.Get().(*nameTable)
	defer t.release()
	return t.repeats(names)
}

// nameTable is an open-addressing set of the indexes of names, kept for
// the next long list: a package set's 26,000 names made a map of more than
// a megabyte on every keystroke that changed one of them (Reparse checks
// the list again).
type nameTable struct {
	slots []int32 // an index into names plus one; 0 is empty
}

var (
	nameTables = sync.Pool{New: func() any { return new(nameTable) }}
	nameSeed   = maphash.MakeSeed()
)

// maxPooled bounds what a pool keeps (a table's slots, a slice's names):
// a list of a million names leaves its memory to the collector.
const maxPooled = 1 << 20

func (t *nameTable) repeats(names []string) bool {
	size := 1 << bits.Len(uint(2*len(names))) // at most half full
	if cap(t.slots) < size {
		t.slots = make([]int32, size)
	} else {
		t.slots = t.slots[:size]
		clear(t.slots)
	}
	mask := uint64(size - 1)
	for i, name := range names {
		for j := maphash.String(nameSeed, name) & mask; ; j = (j + 1) & mask {
			k := t.slots[j]
			if k == 0 {
				t.slots[j] = int32(i + 1)
				break
			}
			if names[k-1] == name {
				return true
			}
		}
	}
	return false
}

func (t *nameTable) release() {
	if cap(t.slots) > maxPooled {
		t.slots = nil
	}
	nameTables.Put(t)
}

// buildEntries builds the attribute tree of binds, reporting duplicates.
func (p *parser) buildEntries(binds []Binding) *attrEntries {
	s := p.attrMem()
	root := s.newSet(len(binds))
	for _, b := range binds {
		switch b := b.(type) {
		case *Inherit:
			for _, n := range b.Names {
				name, ok := n.StaticName()
				if !ok {
					continue
				}
				if e := root.get(name); e != nil {
					p.dupError(n, []string{name}, e.pos)
					continue
				}
				s.add(root, p.entry(name, n.Pos(), false, nil, nil))
			}
		case *AttrAssign:
			p.addAttrPath(root, b)
		}
	}
	return root
}

func (p *parser) addAttrPath(cur *attrEntries, b *AttrAssign) {
	s := p.attrMem()
	names := b.Path.Names
	for i, n := range names {
		name, ok := n.StaticName()
		if !ok {
			// A dynamic name makes a fresh set: nothing below can clash.
			return
		}
		e := cur.get(name)
		if i < len(names)-1 {
			if e == nil {
				e = p.entry(name, b.Path.Pos(), true, nil, s.newSet(0))
				s.add(cur, e)
			} else if !e.isAttrs {
				p.dupError(n, staticPath(names[:i+1]), e.pos)
				return
			}
			cur = p.childrenOf(e)
			continue
		}
		set, isSet := Unparen(b.Value).(*AttrSet)
		if e == nil {
			if isSet {
				s.add(cur, p.entry(name, n.Pos(), true, set, p.attrsOf(set)))
			} else {
				s.add(cur, p.entry(name, n.Pos(), false, nil, nil))
			}
			return
		}
		if isSet && e.isAttrs {
			src := p.attrsOf(set)
			if src == nil {
				src = p.buildEntries(set.Bindings)
			}
			p.mergeAttrs(p.childrenOf(e), src, staticPath(names), n)
			return
		}
		p.dupError(n, staticPath(names), e.pos)
	}
}

func staticPath(names []*AttrName) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i], _ = n.StaticName()
	}
	return out
}

// mergeAttrs merges the attributes of a set literal into an existing set.
func (p *parser) mergeAttrs(dst, src *attrEntries, path []string, at Node) {
	for _, se := range src.list {
		de := dst.get(se.name)
		if de == nil {
			p.attrMem().add(dst, se)
			continue
		}
		sub := append(append([]string(nil), path...), se.name)
		if se.isAttrs && de.isAttrs {
			// Nix 2.8 rejected this; newer Nix merges recursively.
			p.merged = true
			p.mergeAttrs(p.childrenOf(de), p.childrenOf(se), sub, at)
			continue
		}
		p.errorf(se.pos, se.pos+len(se.name), "attribute `%s` is already defined at %s", strings.Join(sub, "."), p.at(de.pos))
		p.markLast(ErrDuplicateAttr, de.pos)
	}
}

func (p *parser) dupError(n *AttrName, path []string, prev int) {
	p.errorf(n.Pos(), n.End(), "attribute `%s` is already defined at %s", strings.Join(path, "."), p.at(prev))
	p.markLast(ErrDuplicateAttr, prev)
}
