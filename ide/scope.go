package ide

import (
	"sort"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// DefKind tells how a name is bound.
type DefKind int

const (
	DefLet     DefKind = iota // let x = ...; (or inherit x; in a let)
	DefRec                    // rec { x = ...; }
	DefFormal                 // { x, ... }: ...
	DefParam                  // x: ...  or  args@{ ... }: ...
	DefBuiltin                // a global builtin (true, map, import...)
)

func (k DefKind) String() string {
	switch k {
	case DefLet:
		return "let binding"
	case DefRec:
		return "rec attribute"
	case DefFormal:
		return "formal parameter"
	case DefParam:
		return "lambda parameter"
	}
	return "builtin"
}

// Def is a name bound by let, rec, a lambda formal or parameter.
type Def struct {
	Name     string
	Kind     DefKind
	Pos, End int         // the binding name
	Node     nixast.Node // *AttrAssign, *Inherit, *Formal, *Lambda
	Value    nixast.Expr // the bound expression, nil for parameters
	Doc      *nixast.Comment
	Scope    *Scope
	Inherit  bool // bound by inherit: renaming it would change an attribute name
	Refs     []*Ref
}

// Ref is a use of a variable.
type Ref struct {
	Ident *nixast.Ident
	Def   *Def // nil when unresolved
	// InWith is set for an unresolved name below a with: it may come from
	// the with's set.
	InWith bool
	// Inherit is set when the use is an inherited name (inherit x;).
	Inherit bool
}

// Scope is a region where names are bound: a let, a rec set, a lambda, a with.
type Scope struct {
	Node   nixast.Node
	Parent *Scope
	Names  map[string]*Def
	Order  []*Def // in source order
	With   bool
	end    int // where the names stop being visible
}

func (s *Scope) holds(off int) bool { return s.Node.Pos() <= off && off <= s.end }

// Scopes is the name resolution of one file.
type Scopes struct {
	Defs   []*Def
	Refs   []*Ref
	scopes []*Scope
	byPos  map[int]*Def // definitions by the position of their name
	refPos map[int]*Ref
	srcLen int
}

// Resolve binds every variable use of f to its definition.
func Resolve(f *nixast.File) *Scopes {
	sc := &Scopes{byPos: map[int]*Def{}, refPos: map[int]*Ref{}, srcLen: len(f.Src)}
	for _, r := range roots(f) {
		sc.expr(r.(nixast.Expr), nil)
	}
	sort.Slice(sc.Refs, func(i, j int) bool { return sc.Refs[i].Ident.Pos() < sc.Refs[j].Ident.Pos() })
	return sc
}

// DefAt returns the definition whose name is at off, or the definition of the
// variable used at off.
func (sc *Scopes) DefAt(off int) (*Def, *Ref) {
	for _, d := range sc.Defs {
		if d.Pos <= off && off <= d.End && d.Kind != DefBuiltin {
			if r := sc.refAt(off); r != nil && r.Inherit && r.Def != nil && d.Inherit {
				// inherit x; in a let both uses the outer x and binds a new one.
				return d, r
			}
			return d, nil
		}
	}
	if r := sc.refAt(off); r != nil {
		return r.Def, r
	}
	return nil, nil
}

func (sc *Scopes) refAt(off int) *Ref {
	for _, r := range sc.Refs {
		if r.Ident.Pos() <= off && off <= r.Ident.End() {
			return r
		}
	}
	return nil
}

// Visible returns the names in scope at off, innermost first, each once.
func (sc *Scopes) Visible(off int) []*Def {
	var inner *Scope
	for _, s := range sc.scopes {
		if s.holds(off) && (inner == nil || s.Node.Pos() >= inner.Node.Pos()) {
			inner = s
		}
	}
	seen := map[string]bool{}
	var out []*Def
	for s := inner; s != nil; s = s.Parent {
		for _, d := range s.Order {
			if !seen[d.Name] {
				seen[d.Name] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// InWith reports whether off is inside the body of a with.
func (sc *Scopes) InWith(off int) bool {
	for _, s := range sc.scopes {
		if s.With && s.holds(off) {
			return true
		}
	}
	return false
}

// ScopeAt returns the innermost scope holding off, or nil at the top.
func (sc *Scopes) ScopeAt(off int) *Scope {
	var inner *Scope
	for _, s := range sc.scopes {
		if s.holds(off) && (inner == nil || s.Node.Pos() >= inner.Node.Pos()) {
			inner = s
		}
	}
	return inner
}

func (sc *Scopes) newScope(n nixast.Node, parent *Scope) *Scope {
	s := &Scope{Node: n, Parent: parent, Names: map[string]*Def{}, end: n.End()}
	var body nixast.Expr
	switch n := n.(type) {
	case *nixast.Let:
		body = n.Body
	case *nixast.Lambda:
		body = n.Body
	case *nixast.With:
		body = n.Body
	}
	if _, bad := body.(*nixast.BadExpr); bad {
		// a body still being typed: the names reach to the end
		s.end = sc.srcLen
	}
	sc.scopes = append(sc.scopes, s)
	return s
}

func (sc *Scopes) define(s *Scope, d *Def) {
	d.Scope = s
	if _, dup := s.Names[d.Name]; dup {
		return // a duplicate is a syntax error; the first wins
	}
	s.Names[d.Name] = d
	s.Order = append(s.Order, d)
	sc.Defs = append(sc.Defs, d)
	sc.byPos[d.Pos] = d
}

func (sc *Scopes) use(id *nixast.Ident, s *Scope, inherit bool) {
	r := &Ref{Ident: id, Inherit: inherit}
	for x := s; x != nil; x = x.Parent {
		if x.With {
			r.InWith = true
			continue
		}
		if d := x.Names[id.Name]; d != nil {
			r.Def = d
			r.InWith = false
			d.Refs = append(d.Refs, r)
			break
		}
	}
	sc.Refs = append(sc.Refs, r)
	sc.refPos[id.Pos()] = r
}

// bindings defines the names of a let or rec set in s.
func (sc *Scopes) bindings(binds []nixast.Binding, s *Scope, kind DefKind) {
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
			d := &Def{Name: name, Kind: kind, Pos: n.Pos(), End: n.End(), Node: b, Doc: b.Doc}
			if len(b.Path.Names) == 1 {
				d.Value = b.Value
			}
			sc.define(s, d)
		case *nixast.Inherit:
			for _, n := range b.Names {
				name, ok := n.StaticName()
				if !ok {
					continue
				}
				sc.define(s, &Def{Name: name, Kind: kind, Pos: n.Pos(), End: n.End(), Node: b, Inherit: true})
			}
		}
	}
}

// values resolves the right-hand sides of bindings: values in inner, the
// names of a plain inherit in outer.
func (sc *Scopes) values(binds []nixast.Binding, inner, outer *Scope) {
	for _, b := range binds {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			if b.Path != nil {
				sc.attrPath(b.Path, inner)
			}
			sc.expr(b.Value, inner)
		case *nixast.Inherit:
			if b.From != nil {
				sc.expr(b.From, inner)
				for _, n := range b.Names {
					if n.Interp != nil {
						sc.expr(n.Interp.X, inner)
					}
				}
				continue
			}
			for _, n := range b.Names {
				if n.Ident != nil {
					sc.use(n.Ident, outer, true)
				}
			}
		}
	}
}

// attrPath resolves the interpolations of an attribute path.
func (sc *Scopes) attrPath(p *nixast.AttrPath, s *Scope) {
	for _, n := range p.Names {
		switch {
		case n.Interp != nil:
			sc.expr(n.Interp.X, s)
		case n.String != nil:
			sc.expr(n.String, s)
		}
	}
}

func (sc *Scopes) expr(x nixast.Expr, s *Scope) {
	switch x := x.(type) {
	case nil:
	case *nixast.Ident:
		if x != nil {
			sc.use(x, s, false)
		}
	case *nixast.Let:
		inner := sc.newScope(x, s)
		sc.bindings(x.Bindings, inner, DefLet)
		sc.values(x.Bindings, inner, s)
		sc.expr(x.Body, inner)
	case *nixast.AttrSet:
		if x.Rec >= 0 {
			inner := sc.newScope(x, s)
			sc.bindings(x.Bindings, inner, DefRec)
			sc.values(x.Bindings, inner, s)
			return
		}
		sc.values(x.Bindings, s, s)
	case *nixast.LegacyLet:
		inner := sc.newScope(x, s)
		sc.bindings(x.Bindings, inner, DefRec)
		sc.values(x.Bindings, inner, s)
	case *nixast.Lambda:
		inner := sc.newScope(x, s)
		if x.Param != nil {
			sc.define(inner, &Def{Name: x.Param.Name, Kind: DefParam, Pos: x.Param.Pos(), End: x.Param.End(), Node: x, Doc: x.Doc})
		}
		if x.Formals != nil {
			for _, fm := range x.Formals.List {
				if fm.Name != nil {
					sc.define(inner, &Def{Name: fm.Name.Name, Kind: DefFormal, Pos: fm.Name.Pos(), End: fm.Name.End(), Node: fm, Value: fm.Default, Doc: x.Doc})
				}
			}
			for _, fm := range x.Formals.List {
				sc.expr(fm.Default, inner)
			}
		}
		sc.expr(x.Body, inner)
	case *nixast.With:
		sc.expr(x.X, s)
		w := sc.newScope(x, s)
		w.With = true
		sc.expr(x.Body, w)
	case *nixast.Select:
		sc.expr(x.X, s)
		if x.Path != nil {
			sc.attrPath(x.Path, s)
		}
		sc.expr(x.Default, s)
	case *nixast.HasAttr:
		sc.expr(x.X, s)
		if x.Path != nil {
			sc.attrPath(x.Path, s)
		}
	default:
		for _, c := range nixast.Children(x) {
			switch c := c.(type) {
			case nixast.Expr:
				sc.expr(c, s)
			case *nixast.Interp:
				sc.expr(c.X, s)
			}
		}
	}
}
