package scope

import (
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Resolve resolves the names of a file. It never fails: a broken file gets
// the names its tree shows.
func Resolve(f *nixast.File) *Scopes {
	// Sized from the source: growing these slices was most of the cost.
	// Real files hold about one use per 100 bytes and one binding per
	// 370 (13,115 files of 14 repositories; a generated package set, one
	// per 44): room for one per 24 bytes was four times too much, and
	// then copied to its length.
	n := len(f.Src) / 96
	return ResolveSized(f, n, n/4)
}

// ResolveSized is Resolve with room made for refs uses and defs bindings:
// about those of the file's last version, when it is edited. The estimate
// from the size alone may miss by half, and the slices are then copied to
// their length.
func ResolveSized(f *nixast.File, refs, defs int) *Scopes {
	s := &Scopes{Refs: make([]Ref, 0, refs), Defs: make([]*Def, 0, defs)}
	resolveIn(f, s, nil)
	// The result is kept with the file version: give back what the
	// estimate over-allocated.
	if cap(s.Refs)-len(s.Refs) > len(s.Refs)/8 {
		s.Refs = append(make([]Ref, 0, len(s.Refs)), s.Refs...)
	}
	if cap(s.Defs)-len(s.Defs) > len(s.Defs)/8 {
		s.Defs = append(make([]*Def, 0, len(s.Defs)), s.Defs...)
	}
	return s
}

// A Scratch lends the memory of one resolution to the next (ResolveInto):
// indexing a workspace resolves every file once to check it and keeps none
// of the results, and their slices, bindings and scopes were a quarter of
// all it allocated. A Scratch serves one goroutine at a time; its zero
// value is ready.
type Scratch struct {
	refs   []Ref
	defs   []*Def
	scopes []*Scope
	binds  chunked[Def] // the bindings' memory
	spare  []*Scope     // every scope made in this scratch, reused in turn
	// How many spare scopes the last resolution used (Reset).
	usedScopes int
}

// The most a Scratch keeps for the next resolution: about what a file of
// 2 MB needs. A larger file's resolution leaves the rest to the collector.
const (
	scratchRefs   = 1 << 15
	scratchChunks = 128 // of up to 64 bindings
	scratchScopes = 4096
)

// ResolveInto is Resolve in the memory of sc. The result, and every Def,
// Ref and Scope it holds, is valid until sc is used again or Reset.
func ResolveInto(f *nixast.File, sc *Scratch) *Scopes {
	sc.Reset()
	s := &Scopes{Refs: sc.refs[:0], Defs: sc.defs[:0], scopes: sc.scopes[:0]}
	r := resolveIn(f, s, sc)
	sc.refs, sc.defs, sc.scopes = s.Refs, s.Defs, s.scopes
	sc.usedScopes = r.nextScope
	return s
}

// Reset clears what the last resolution left in sc: it points into that
// file's tree, which it would keep alive while sc waits for its next use.
// Memory beyond what a file of a few MB needs is let go.
func (sc *Scratch) Reset() {
	clear(sc.refs)
	clear(sc.defs)
	clear(sc.scopes)
	sc.refs, sc.defs, sc.scopes = sc.refs[:0], sc.defs[:0], sc.scopes[:0]
	sc.binds.reset(scratchChunks)
	for _, s := range sc.spare[:sc.usedScopes] {
		clear(s.defs)
		*s = Scope{defs: s.defs[:0]}
	}
	sc.usedScopes = 0
	if cap(sc.refs) > scratchRefs {
		sc.refs = nil
	}
	if cap(sc.defs) > scratchRefs {
		sc.defs = nil
	}
	if cap(sc.scopes) > scratchScopes {
		sc.scopes = nil
	}
	if len(sc.spare) > scratchScopes {
		clear(sc.spare[scratchScopes:])
		sc.spare = sc.spare[:scratchScopes]
	}
}

func resolveIn(f *nixast.File, s *Scopes, scratch *Scratch) *resolver {
	r := &resolver{s: s, f: f, srcLen: len(f.Src), scratch: scratch, binds: &chunked[Def]{}}
	if scratch != nil {
		r.binds = &scratch.binds
	}
	s.root = r.scope(nil, nil, 0, len(f.Src))
	r.expr(f.Root, s.root)
	for _, t := range f.Trailing {
		r.expr(t, s.root)
	}
	r.release()
	return r
}

type resolver struct {
	s      *Scopes
	f      *nixast.File
	srcLen int
	binds  *chunked[Def]            // the bindings' memory: the scratch's, or the result's own
	froms  map[*nixast.Inherit]bool // inherit (from) whose from was walked
	sets   *setMem                  // what build makes (newAttrs)
	// With a scratch: its next spare scope.
	scratch   *Scratch
	nextScope int
}

func (r *resolver) newDef() *Def { return r.binds.next() }

// newScope opens a scope for node; open is set when the construct is
// still being typed (its names then reach to the end of the file).
func (r *resolver) newScope(node nixast.Node, parent *Scope, pos, end int, open bool) *Scope {
	if open || end < pos {
		end = r.srcLen
	}
	sc := r.scope(node, parent, pos, end)
	r.s.scopes = append(r.s.scopes, sc)
	return sc
}

// scope makes a scope: a new one, or the scratch's next spare, whose list
// of names keeps its room.
func (r *resolver) scope(node nixast.Node, parent *Scope, pos, end int) *Scope {
	sc := r.scratch
	if sc == nil {
		return &Scope{Node: node, Parent: parent, Pos: pos, End: end}
	}
	if r.nextScope == len(sc.spare) {
		sc.spare = append(sc.spare, &Scope{})
	}
	s := sc.spare[r.nextScope]
	r.nextScope++
	*s = Scope{Node: node, Parent: parent, Pos: pos, End: end, defs: s.defs[:0]}
	return s
}

func isBad(x nixast.Expr) bool {
	if x == nil {
		return true
	}
	_, bad := x.(*nixast.BadExpr)
	return bad
}

// use records a use of the name *name (a name in the tree) at pos to end.
func (r *resolver) use(name *string, pos, end int, sc *Scope, inherit bool) {
	ref := Ref{name: name, Pos: int32(pos), End: int32(end), Inherit: inherit}
	for c := sc; c != nil; c = c.Parent {
		if c.With {
			ref.InWith = true
			continue
		}
		if d := c.Lookup(*name); d != nil {
			ref.Def, ref.InWith = d, false
			d.Uses++
			break
		}
	}
	if ref.Def == nil && !ref.InWith && IsGlobal(*name) {
		ref.Global = true
	}
	r.s.Refs = append(r.s.Refs, ref)
}

// namePtr returns a pointer to name, the static name of n: the
// identifier's own (StaticName is its Name), or for a quoted name a copy.
func namePtr(n *nixast.AttrName, name string) *string {
	if id := n.Ident(); id != nil {
		return &id.Name
	}
	p := new(string) // only here: &name would move every call's name to the heap
	*p = name
	return p
}

func (r *resolver) expr(x nixast.Expr, sc *Scope) {
	switch x := x.(type) {
	case nil:
	case *nixast.Ident:
		if x.Name == "__curPos" {
			return // Nix's parser makes it a position, not a variable
		}
		r.use(&x.Name, x.Pos(), x.End(), sc, false)
	case *nixast.Select:
		r.expr(x.X, sc)
		r.attrPath(x.Path, sc)
		r.expr(x.Default, sc)
	case *nixast.HasAttr:
		r.expr(x.X, sc)
		r.attrPath(x.Path, sc)
	case *nixast.AttrSet:
		r.bindings(x.Bindings, x.Rec >= 0, x, sc)
	case *nixast.LegacyLet:
		r.bindings(x.Bindings, true, x, sc)
	case *nixast.Let:
		inner := r.bindings(x.Bindings, true, x, sc)
		r.expr(x.Body, inner)
	case *nixast.Lambda:
		inner := r.newScope(x, sc, x.Pos(), x.End(), isBad(x.Body))
		if x.Param != nil {
			r.define(inner, &Def{Name: x.Param.Name, Kind: Param, Pos: int32(x.Param.Pos()), End: int32(x.Param.End()), Node: x})
		}
		if x.Formals != nil {
			for _, fo := range x.Formals.List {
				if fo.Name != nil {
					r.define(inner, &Def{Name: fo.Name.Name, Kind: Formal, Pos: int32(fo.Name.Pos()), End: int32(fo.Name.End()), Node: fo})
				}
			}
			for _, fo := range x.Formals.List {
				r.expr(fo.Default, inner)
			}
		}
		r.expr(x.Body, inner)
	case *nixast.With:
		r.expr(x.X, sc)
		start := x.Semi + 1
		if x.Semi < 0 && x.Body != nil {
			start = x.Body.Pos()
		}
		end := start
		if x.Body != nil {
			end = x.Body.End()
		}
		w := r.newScope(x, sc, start, end, isBad(x.Body))
		w.With = true
		r.expr(x.Body, w)
	// The commonest nodes are walked here rather than through EachChild,
	// whose callback costs a closure per child; the order is EachChild's.
	case *nixast.Apply:
		r.expr(x.Fn, sc)
		r.expr(x.Arg, sc)
	case *nixast.Paren:
		r.expr(x.X, sc)
	case *nixast.List:
		for _, e := range x.Elems {
			r.expr(e, sc)
		}
	case *nixast.Binary:
		r.expr(x.X, sc)
		r.expr(x.Y, sc)
	case *nixast.StringLit:
		r.parts(x.Parts, sc)
	case *nixast.PathLit:
		r.parts(x.Parts, sc)
	case *nixast.If:
		r.expr(x.Cond, sc)
		r.expr(x.Then, sc)
		r.expr(x.Else, sc)
	case *nixast.Unary:
		r.expr(x.X, sc)
	case *nixast.Assert:
		r.expr(x.Cond, sc)
		r.expr(x.Body, sc)
	case *nixast.IntLit, *nixast.FloatLit, *nixast.URILit, *nixast.SearchPath, *nixast.BadExpr:
		// no names
	default:
		nixast.EachChild(x, func(c nixast.Node) {
			if e, ok := c.(nixast.Expr); ok {
				r.expr(e, sc)
			} else if ip, ok := c.(*nixast.Interp); ok {
				r.expr(ip.X, sc)
			}
		})
	}
}

func (r *resolver) parts(parts []nixast.StringPart, sc *Scope) {
	for _, p := range parts {
		if ip, ok := p.(*nixast.Interp); ok {
			r.expr(ip.X, sc)
		}
	}
}

// attrPath walks the dynamic names of a selection's path.
func (r *resolver) attrPath(p *nixast.AttrPath, sc *Scope) {
	if p == nil {
		return
	}
	for _, n := range p.Names {
		r.attrName(n, sc)
	}
}

func (r *resolver) attrName(n *nixast.AttrName, sc *Scope) {
	switch x := n.Node().(type) {
	case *nixast.Interp:
		r.expr(x.X, sc)
	case *nixast.StringLit:
		r.expr(x, sc)
	}
}

func (r *resolver) define(sc *Scope, d *Def) *Def {
	nd := r.newDef()
	*nd = *d
	nd.Scope = sc
	if !sc.add(nd) {
		// A name bound twice is a syntax error; the first binding wins.
		return nil
	}
	r.s.Defs = append(r.s.Defs, nd)
	return nd
}

// attrs is a set of bindings as Nix's parser builds it (its ExprAttrs):
// attribute paths make nested sets, and a later binding of a name whose
// value is a set adds to that set.
type attrs struct {
	rec  bool
	node nixast.Node // *AttrSet, *Let or *LegacyLet; nil for a set made by a path
	ents []*entry
	idx  map[string]*entry
	dyn  []dynEntry
	// What a binding that clashes with another (a syntax error) holds is
	// still resolved, with the set's other values.
	extraSets   []*attrs
	extraValues []nixast.Expr
}

// entry is one static attribute of an attrs.
type entry struct {
	name      string
	at        *nixast.AttrName // where the name is first written
	bind      nixast.Binding   // the binding that wrote it first
	More      []nixast.Node    // later names that add to it (a.b = 1; a.c = 2;)
	value     nixast.Expr      // the value (nil for a set made by paths, and inherits)
	nested    *attrs           // a set: made by paths, or a literal set value
	inherited bool             // inherit x;: a use of x in the scope around
	from      *nixast.Inherit  // inherit (from) x;
	path      bool             // made by an attribute path
}

type dynEntry struct {
	name   *nixast.AttrName
	value  nixast.Expr
	nested *attrs
}

func (a *attrs) get(name string) *entry {
	if a.idx != nil {
		return a.idx[name]
	}
	for _, e := range a.ents {
		if e.name == name {
			return e
		}
	}
	return nil
}

func (a *attrs) put(e *entry) {
	a.ents = append(a.ents, e)
	if a.idx != nil {
		a.idx[e.name] = e
	} else if len(a.ents) > 8 {
		a.idx = make(map[string]*entry, 2*len(a.ents))
		for _, x := range a.ents {
			a.idx[x.name] = x
		}
	}
}

// literalSet returns the attribute set x is, through parentheses (which
// Nix's tree does not have).
func literalSet(x nixast.Expr) *nixast.AttrSet {
	s, _ := nixast.Unparen(x).(*nixast.AttrSet)
	return s
}

// build makes the attrs of a list of bindings, as Nix's parser does.
func (r *resolver) build(binds []nixast.Binding, rec bool, node nixast.Node) *attrs {
	a := r.newAttrs()
	a.rec, a.node = rec, node
	for _, b := range binds {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			if b.Path == nil || len(b.Path.Names) == 0 {
				a.extraValues = append(a.extraValues, b.Value)
				continue
			}
			r.addPath(a, b, b.Value)
		case *nixast.Inherit:
			// inherit (from) without names: Nix drops from unread.
			for _, n := range b.Names {
				name, ok := n.StaticName()
				if !ok {
					// A syntax error; its expression is still read.
					switch x := n.Node().(type) {
					case *nixast.Interp:
						a.extraValues = append(a.extraValues, x.X)
					case *nixast.StringLit:
						a.extraValues = append(a.extraValues, x)
					}
					continue
				}
				if a.get(name) != nil {
					continue // a duplicate: a syntax error
				}
				e := r.newEntry()
				*e = entry{name: name, at: n, bind: b}
				if b.From != nil {
					e.from = b
				} else {
					e.inherited = true
				}
				a.put(e)
			}
		}
	}
	return a
}

// addPath adds the binding path = value to a, following Nix's addAttr.
func (r *resolver) addPath(a *attrs, b *nixast.AttrAssign, value nixast.Expr) {
	names := b.Path.Names
	cur := a
	for _, n := range names[:len(names)-1] {
		name, ok := n.StaticName()
		if !ok {
			nested := r.newAttrs()
			cur.dyn = append(cur.dyn, dynEntry{name: n, nested: nested})
			cur = nested
			continue
		}
		e := cur.get(name)
		switch {
		case e == nil:
			nested, ne := r.newAttrs(), r.newEntry()
			*ne = entry{name: name, at: n, bind: b, nested: nested, path: true}
			cur.put(ne)
			cur = nested
		case e.nested != nil:
			e.More = append(e.More, n)
			cur = e.nested
		default:
			nested := r.newAttrs()
			cur.extraSets = append(cur.extraSets, nested)
			cur = nested
		}
	}
	last := names[len(names)-1]
	name, ok := last.StaticName()
	if !ok {
		cur.dyn = append(cur.dyn, dynEntry{name: last, value: value})
		return
	}
	lit := literalSet(value)
	e := cur.get(name)
	switch {
	case e == nil:
		ne := r.newEntry()
		*ne = entry{name: name, at: last, bind: b, value: value, path: len(names) > 1}
		if lit != nil {
			ne.nested = r.build(lit.Bindings, lit.Rec >= 0, lit)
		}
		cur.put(ne)
	case e.nested != nil && lit != nil:
		// Nix merges the attributes of the second set into the first: they
		// are bound as the first set's (its recursion or not), and the
		// second's recursion and dynamic attributes are dropped.
		second := r.build(lit.Bindings, lit.Rec >= 0, lit)
		e.More = append(e.More, last)
		for _, se := range second.ents {
			if e.nested.get(se.name) != nil {
				e.nested.extraValues = append(e.nested.extraValues, se.value)
				continue
			}
			e.nested.put(se)
		}
		e.nested.extraSets = append(e.nested.extraSets, second.extraSets...)
		e.nested.extraValues = append(e.nested.extraValues, second.extraValues...)
	default:
		cur.extraValues = append(cur.extraValues, value)
	}
}

// bindings resolves the bindings of a set, let or legacy let in sc and
// returns the scope their values see. Most binding lists write each first
// name once: nothing can merge, and they are walked as written; the others
// are built as Nix's parser builds them first.
func (r *resolver) bindings(binds []nixast.Binding, rec bool, node nixast.Node, sc *Scope) *Scope {
	if r.merges(binds, node) {
		return r.bind(r.build(binds, rec, node), sc)
	}
	inner, kind := sc, Rec
	if rec {
		inner, kind = r.open(node, sc)
		inner.reserve(len(binds))
		for _, b := range binds {
			switch b := b.(type) {
			case *nixast.AttrAssign:
				if b.Path == nil || len(b.Path.Names) == 0 {
					continue
				}
				n := b.Path.Names[0]
				name, ok := n.StaticName()
				if !ok {
					continue
				}
				if d := inner.Lookup(name); d != nil {
					if d.Path && len(b.Path.Names) > 1 {
						d.addMore(n) // a.b = 1; a.c = 2;
					}
					continue
				}
				r.define(inner, &Def{Name: name, Kind: kind, Pos: int32(n.Pos()), End: int32(n.End()), Node: b, Path: len(b.Path.Names) > 1})
			case *nixast.Inherit:
				if b.From != nil && len(b.Names) == 0 {
					continue
				}
				for _, n := range b.Names {
					if name, ok := n.StaticName(); ok {
						r.define(inner, &Def{Name: name, Kind: kind, Pos: int32(n.Pos()), End: int32(n.End()), Node: b, Inherit: true})
					}
				}
			}
		}
	}
	for _, b := range binds {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			if b.Path != nil {
				r.attrPath(b.Path, inner)
			}
			r.expr(b.Value, inner)
		case *nixast.Inherit:
			if b.From != nil {
				if len(b.Names) > 0 {
					r.expr(b.From, inner) // Nix drops a from without names
				}
				for _, n := range b.Names {
					if _, ok := n.StaticName(); !ok {
						r.attrName(n, inner)
					}
				}
				continue
			}
			for _, n := range b.Names {
				if name, ok := n.StaticName(); ok {
					r.use(namePtr(n, name), n.Pos(), n.End(), sc, true)
				} else {
					r.attrName(n, sc)
				}
			}
		}
	}
	return inner
}

// merges reports whether Nix's parser merges a literal set of binds with
// another binding: a set written at a path that another binding of the
// list also writes or extends (a = { … }; a.b = …;). Paths that only share
// their first names (systemd.services.a = …; systemd.services.b = …;) make
// plain nested sets, which bind nothing.
func (r *resolver) merges(binds []nixast.Binding, node nixast.Node) bool {
	// The parser knows the lists whose bindings share a first name: looking
	// through a package set's 13,000 names again on every keystroke was a
	// third of its resolution.
	if !r.f.SharesFirstName(node) {
		return false
	}
	// Paths are compared by a hash of their names: a collision only takes
	// the slower, exact way.
	var sets map[uint64]int // static paths whose value is a literal set
	for _, b := range binds {
		if a, ok := b.(*nixast.AttrAssign); ok && a.Path != nil && literalSet(a.Value) != nil {
			h, static := uint64(offset64), true
			for _, n := range a.Path.Names {
				name, ok := n.StaticName()
				if !ok {
					static = false
					break
				}
				h = hashName(h, name)
			}
			if static {
				if sets == nil {
					sets = map[uint64]int{}
				}
				sets[h]++
			}
		}
	}
	if sets == nil {
		return false
	}
	for _, b := range binds {
		a, ok := b.(*nixast.AttrAssign)
		if !ok || a.Path == nil {
			continue
		}
		literal := literalSet(a.Value) != nil
		h := uint64(offset64)
		for i, n := range a.Path.Names {
			name, ok := n.StaticName()
			if !ok {
				break
			}
			h = hashName(h, name)
			c := sets[h]
			if i < len(a.Path.Names)-1 && c > 0 || i == len(a.Path.Names)-1 && (c > 1 || c == 1 && !literal) {
				return true
			}
		}
	}
	return false
}

const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

// hashName adds a name to an FNV-1a hash of a path, with a separator.
func hashName(h uint64, name string) uint64 {
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * prime64
	}
	return (h ^ 0xff) * prime64
}

// open opens the scope of a rec set, let or legacy let.
func (r *resolver) open(node nixast.Node, sc *Scope) (*Scope, Kind) {
	kind := Rec
	pos, end, open := 0, r.srcLen, true
	switch n := node.(type) {
	case *nixast.Let:
		kind = Let
		pos, end, open = n.Pos(), n.End(), n.InPos < 0 || isBad(n.Body)
	case *nixast.AttrSet:
		pos, end, open = n.Pos(), n.End(), n.Rbrace < 0
	case *nixast.LegacyLet:
		pos, end, open = n.Pos(), n.End(), n.Rbrace < 0
	}
	return r.newScope(node, sc, pos, end, open), kind
}

// bind binds an attrs in the scope sc: a rec set or let opens a scope of
// its static names; the result is the scope its values see.
func (r *resolver) bind(a *attrs, sc *Scope) *Scope {
	if !a.rec {
		for _, e := range a.ents {
			r.value(e, sc)
		}
		r.rest(a, sc)
		return sc
	}
	inner, kind := r.open(a.node, sc)
	inner.reserve(len(a.ents))
	for _, e := range a.ents {
		d := r.define(inner, &Def{Name: e.name, Kind: kind, Pos: int32(e.at.Pos()), End: int32(e.at.End()), Node: e.bind,
			Inherit: e.inherited || e.from != nil, Path: e.path})
		if d != nil {
			d.addMore(e.More...)
		}
		if b := e.bind; b != nil && (b.Pos() < inner.Pos || b.End() > inner.End) {
			// a.c = … after a = rec { … };: the value sees the rec set.
			inner.extra = append(inner.extra, [2]int{b.Pos(), b.End()})
		}
	}
	for _, e := range a.ents {
		if e.inherited {
			r.value(e, sc)
		} else {
			r.value(e, inner)
		}
	}
	r.rest(a, inner)
	return inner
}

// value resolves the value of one attribute in sc.
func (r *resolver) value(e *entry, sc *Scope) {
	switch {
	case e.inherited:
		r.use(namePtr(e.at, e.name), e.at.Pos(), e.at.End(), sc, true)
	case e.from != nil:
		if r.froms == nil {
			r.froms = map[*nixast.Inherit]bool{}
		}
		if !r.froms[e.from] {
			r.froms[e.from] = true
			r.expr(e.from.From, sc)
		}
	case e.nested != nil:
		r.bind(e.nested, sc)
	default:
		r.expr(e.value, sc)
	}
}

// rest resolves the dynamic attributes of a (names and values) and what
// clashing bindings hold, in sc.
func (r *resolver) rest(a *attrs, sc *Scope) {
	for _, d := range a.dyn {
		r.attrName(d.name, sc)
		if d.nested != nil {
			r.bind(d.nested, sc)
		} else {
			r.expr(d.value, sc)
		}
	}
	for _, x := range a.extraSets {
		r.bind(x, sc)
	}
	for _, v := range a.extraValues {
		r.expr(v, sc)
	}
}
