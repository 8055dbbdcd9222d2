package nixast

import "strings"

// Nix rejects duplicate attributes while parsing, merging nested attribute
// paths as it goes: a.b = 1; a.c = 2; builds one set a, and so does
// a = { b = 1; }; a.c = 2;. These checks follow ParserState::addAttr.

type attrEntry struct {
	pos      int // where the attribute was first defined
	isAttrs  bool
	children *attrEntries
}

type attrEntries struct {
	byName map[string]*attrEntry
	order  []string
}

func newAttrEntries() *attrEntries { return &attrEntries{byName: map[string]*attrEntry{}} }

func (a *attrEntries) get(name string) *attrEntry { return a.byName[name] }

func (a *attrEntries) put(name string, e *attrEntry) {
	if _, ok := a.byName[name]; !ok {
		a.order = append(a.order, name)
	}
	a.byName[name] = e
}

// checkBindings reports duplicate attributes among binds and remembers the
// attribute tree of node for the enclosing sets that merge it.
func (p *parser) checkBindings(node Node, binds []Binding, isLet bool) {
	root := newAttrEntries()
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
				root.put(name, &attrEntry{pos: n.Pos()})
			}
		case *AttrAssign:
			p.addAttrPath(root, b)
		}
	}
	p.attrSets[node] = root
}

func (p *parser) addAttrPath(cur *attrEntries, b *AttrAssign) {
	names := b.Path.Names
	var path []string
	for i, n := range names {
		name, ok := n.StaticName()
		if !ok {
			// A dynamic name makes a fresh set: nothing below can clash.
			return
		}
		path = append(path, name)
		e := cur.get(name)
		if i < len(names)-1 {
			if e == nil {
				e = &attrEntry{pos: b.Path.Pos(), isAttrs: true, children: newAttrEntries()}
				cur.put(name, e)
			} else if !e.isAttrs {
				p.dupError(n, path, e.pos)
				return
			}
			cur = e.children
			continue
		}
		set, isSet := Unparen(b.Value).(*AttrSet)
		var children *attrEntries
		if isSet {
			children = p.attrSets[set]
		}
		if e == nil {
			cur.put(name, &attrEntry{pos: n.Pos(), isAttrs: isSet && children != nil, children: children})
			return
		}
		if isSet && children != nil && e.isAttrs {
			p.mergeAttrs(e.children, children, path, n)
			return
		}
		p.dupError(n, path, e.pos)
	}
}

// mergeAttrs merges the attributes of a set literal into an existing set.
func (p *parser) mergeAttrs(dst, src *attrEntries, path []string, at Node) {
	for _, name := range src.order {
		se := src.byName[name]
		de := dst.get(name)
		if de == nil {
			dst.put(name, se)
			continue
		}
		sub := append(append([]string(nil), path...), name)
		if se.isAttrs && de.isAttrs {
			// Nix 2.8 rejected this; newer Nix merges recursively.
			p.newSyntax = true
			p.mergeAttrs(de.children, se.children, sub, at)
			continue
		}
		p.errorf(se.pos, se.pos+len(name), "attribute `%s` is already defined at %s", strings.Join(sub, "."), p.at(de.pos))
		p.markLast(ErrDuplicateAttr, de.pos)
	}
}

func (p *parser) dupError(n *AttrName, path []string, prev int) {
	p.errorf(n.Pos(), n.End(), "attribute `%s` is already defined at %s", strings.Join(path, "."), p.at(prev))
	p.markLast(ErrDuplicateAttr, prev)
}
