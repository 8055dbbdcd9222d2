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

func (a *attrEntries) add(e *attrEntry) {
	a.list = append(a.list, e)
	if a.byName != nil {
		a.byName[e.name] = e
	} else if len(a.list) > attrMapThreshold {
		a.byName = make(map[string]*attrEntry, 2*len(a.list))
		for _, x := range a.list {
			a.byName[x.name] = x
		}
	}
}

func (p *parser) entry(name string, pos int, isAttrs bool, set *AttrSet, children *attrEntries) *attrEntry {
	e := alloc(&p.entries)
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
	root := alloc(&p.sets)
	root.list = make([]*attrEntry, 0, len(binds))
	if len(binds) > attrMapThreshold {
		root.byName = make(map[string]*attrEntry, len(binds))
	}
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
				root.add(p.entry(name, n.Pos(), false, nil, nil))
			}
		case *AttrAssign:
			p.addAttrPath(root, b)
		}
	}
	return root
}

func (p *parser) addAttrPath(cur *attrEntries, b *AttrAssign) {
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
				e = p.entry(name, b.Path.Pos(), true, nil, &attrEntries{})
				cur.add(e)
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
				cur.add(p.entry(name, n.Pos(), true, set, p.attrsOf(set)))
			} else {
				cur.add(p.entry(name, n.Pos(), false, nil, nil))
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
			dst.add(se)
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
