package analysis

import (
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Name resolution of one file: which binding each variable refers to, with
// let, rec, lambda parameters (formals and `@` names), inherit and with.

// Globals are the names Nix binds in every file without builtins.: they are
// never undefined. Every name starting with "__" is a global too.
var Globals = map[string]bool{
	"builtins": true, "true": true, "false": true, "null": true, "import": true, "map": true,
	"toString": true, "throw": true, "abort": true, "baseNameOf": true, "dirOf": true,
	"derivation": true, "derivationStrict": true, "isNull": true, "removeAttrs": true,
	"fetchTarball": true, "fetchGit": true, "fetchurl": true, "fetchMercurial": true, "fetchTree": true,
	"fromTOML": true, "placeholder": true, "scopedImport": true, "break": true,
}

// IsGlobal reports whether name is bound in every Nix file.
func IsGlobal(name string) bool { return Globals[name] || strings.HasPrefix(name, "__") }

// Binding kinds of ScopeName.Kind.
const (
	BindLet     = "let"
	BindRec     = "rec"
	BindFormal  = "formal"
	BindParam   = "param" // x: … and the name before or after @
	BindInherit = "inherit"
)

// ScopeName is a name visible at some place of a file.
type ScopeName struct {
	Name string
	Kind string
	Def  *nixast.Ident // where the name is bound
	uses int32         // references to it
}

type scope struct {
	parent   *scope
	pos, end int
	// Most scopes bind a few names: they are kept in a slice, and a map
	// is built only for large ones (a package set binds thousands).
	list     []*ScopeName
	names    map[string]*ScopeName
	with     bool // a with scope: binds names that are not known statically
	lambda   *nixast.Lambda
	letNode  *nixast.Let
	bindings map[*nixast.Ident]nixast.Binding // the let binding of each let name
}

// Scopes is the resolved name structure of one file.
type Scopes struct {
	file   *nixast.File
	scopes []*scope
	// Resolution records into slices, which is several times cheaper than
	// map inserts per identifier; the maps for lookups by identifier are
	// built on first use (navigation asks; the diagnostics never do).
	useList []scopeUse
	defList []scopeDef
	uses    map[*nixast.Ident]*ScopeName // a reference and what it refers to
	defs    map[*nixast.Ident]*ScopeName // a binding occurrence
	refs    map[*nixast.Ident][]*nixast.Ident
	// Undefined lists the references that resolve to nothing: not bound, not
	// global, and not under a with.
	Undefined []*nixast.Ident
}

type scopeUse struct {
	id *nixast.Ident
	n  *ScopeName
}

// scopeDef is a binding occurrence; owner is the scope it opened the name
// in (nil for a later occurrence of the same name, as in a.b = 1; a.c = 2;).
type scopeDef struct {
	id    *nixast.Ident
	n     *ScopeName
	owner *scope
}

// index builds the lookup maps from the recorded lists.
func (s *Scopes) index() {
	if s.uses != nil {
		return
	}
	s.uses = make(map[*nixast.Ident]*ScopeName, len(s.useList))
	for _, u := range s.useList {
		s.uses[u.id] = u.n
	}
	s.defs = make(map[*nixast.Ident]*ScopeName, len(s.defList))
	for _, d := range s.defList {
		s.defs[d.id] = d.n
	}
}

// Resolve builds the scopes of a file.
func Resolve(f *nixast.File) *Scopes {
	// Sized from the token count: growing these maps was most of the cost.
	n := len(f.Src) / 24
	s := &Scopes{file: f, useList: make([]scopeUse, 0, n), defList: make([]scopeDef, 0, n/2)}
	root := &scope{pos: 0, end: len(f.Src) + 1}
	s.scopes = append(s.scopes, root)
	s.expr(f.Root, root)
	for _, t := range f.Trailing {
		s.expr(t, root)
	}
	return s
}

func (s *Scopes) newScope(parent *scope, pos, end int) *scope {
	sc := &scope{parent: parent, pos: pos, end: end}
	s.scopes = append(s.scopes, sc)
	return sc
}

// lookup returns the name bound in this scope, or nil.
func (sc *scope) lookup(name string) *ScopeName {
	if sc.names != nil {
		return sc.names[name]
	}
	for _, n := range sc.list {
		if n.Name == name {
			return n
		}
	}
	return nil
}

func (sc *scope) add(n *ScopeName) {
	sc.list = append(sc.list, n)
	if sc.names != nil {
		sc.names[n.Name] = n
	} else if len(sc.list) > 8 {
		sc.names = make(map[string]*ScopeName, 2*len(sc.list))
		for _, x := range sc.list {
			sc.names[x.Name] = x
		}
	}
}

func (s *Scopes) bind(sc *scope, id *nixast.Ident, kind string) *ScopeName {
	if old := sc.lookup(id.Name); old != nil {
		s.defList = append(s.defList, scopeDef{id: id, n: old}) // a.b = 1; a.c = 2;: the first names the binding
		return old
	}
	n := &ScopeName{Name: id.Name, Kind: kind, Def: id}
	sc.add(n)
	s.defList = append(s.defList, scopeDef{id: id, n: n, owner: sc})
	return n
}

func (s *Scopes) use(id *nixast.Ident, sc *scope) {
	underWith := false
	for c := sc; c != nil; c = c.parent {
		if c.with {
			underWith = true
			continue
		}
		if n := c.lookup(id.Name); n != nil {
			s.useList = append(s.useList, scopeUse{id: id, n: n})
			n.uses++
			return
		}
	}
	if underWith || IsGlobal(id.Name) {
		return
	}
	s.Undefined = append(s.Undefined, id)
}

func (s *Scopes) attrPath(p *nixast.AttrPath, sc *scope) {
	if p == nil {
		return
	}
	for _, n := range p.Names {
		s.attrName(n, sc)
	}
}

func (s *Scopes) attrName(n *nixast.AttrName, sc *scope) {
	switch {
	case n.Interp != nil:
		s.expr(n.Interp.X, sc)
	case n.String != nil:
		s.expr(n.String, sc)
	}
}

// bindingNames binds the first names of a set's or let's bindings in sc.
func (s *Scopes) bindingNames(binds []nixast.Binding, sc *scope, kind string) {
	for _, b := range binds {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			if len(b.Path.Names) > 0 && b.Path.Names[0].Ident != nil {
				s.bind(sc, b.Path.Names[0].Ident, kind)
				if sc.bindings != nil {
					sc.bindings[b.Path.Names[0].Ident] = b
				}
			}
		case *nixast.Inherit:
			for _, n := range b.Names {
				if n.Ident != nil {
					s.bind(sc, n.Ident, kind)
					if sc.bindings != nil {
						sc.bindings[n.Ident] = b
					}
				}
			}
		}
	}
}

// bindingValues walks the values of bindings: values in inner, inherit
// without from in outer, inherit (from) in inner.
func (s *Scopes) bindingValues(binds []nixast.Binding, outer, inner *scope) {
	for _, b := range binds {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			// the first name of a recursive binding is a definition; dynamic
			// names are evaluated in the scope around
			for i, n := range b.Path.Names {
				if i == 0 && n.Ident != nil {
					continue
				}
				s.attrName(n, inner)
			}
			s.expr(b.Value, inner)
		case *nixast.Inherit:
			if b.From != nil {
				s.expr(b.From, inner)
				continue
			}
			for _, n := range b.Names {
				if n.Ident != nil {
					s.use(n.Ident, outer)
				}
			}
		}
	}
}

func (s *Scopes) expr(x nixast.Expr, sc *scope) {
	switch x := x.(type) {
	case nil:
		return
	case *nixast.Ident:
		s.use(x, sc)
	case *nixast.Select:
		s.expr(x.X, sc)
		s.attrPath(x.Path, sc)
		s.expr(x.Default, sc)
	case *nixast.HasAttr:
		s.expr(x.X, sc)
		s.attrPath(x.Path, sc)
	case *nixast.AttrSet:
		if x.Rec >= 0 {
			inner := s.newScope(sc, x.Pos(), x.End())
			s.bindingNames(x.Bindings, inner, BindRec)
			s.bindingValues(x.Bindings, sc, inner)
			return
		}
		for _, b := range x.Bindings {
			switch b := b.(type) {
			case *nixast.AttrAssign:
				s.attrPath(b.Path, sc)
				s.expr(b.Value, sc)
			case *nixast.Inherit:
				if b.From != nil {
					s.expr(b.From, sc)
					continue
				}
				for _, n := range b.Names {
					if n.Ident != nil {
						s.use(n.Ident, sc)
					}
				}
			}
		}
	case *nixast.LegacyLet:
		inner := s.newScope(sc, x.Pos(), x.End())
		s.bindingNames(x.Bindings, inner, BindRec)
		s.bindingValues(x.Bindings, sc, inner)
	case *nixast.Let:
		inner := s.newScope(sc, x.Pos(), x.End())
		inner.letNode = x
		inner.bindings = map[*nixast.Ident]nixast.Binding{}
		s.bindingNames(x.Bindings, inner, BindLet)
		s.bindingValues(x.Bindings, sc, inner)
		s.expr(x.Body, inner)
	case *nixast.Lambda:
		inner := s.newScope(sc, x.Pos(), x.End())
		inner.lambda = x
		if x.Param != nil {
			s.bind(inner, x.Param, BindParam)
		}
		if x.Formals != nil {
			for _, fo := range x.Formals.List {
				if fo.Name != nil {
					s.bind(inner, fo.Name, BindFormal)
				}
			}
			for _, fo := range x.Formals.List {
				s.expr(fo.Default, inner)
			}
		}
		s.expr(x.Body, inner)
	case *nixast.With:
		s.expr(x.X, sc)
		inner := s.newScope(sc, x.Body.Pos(), x.End())
		inner.with = true
		s.expr(x.Body, inner)
	// The commonest nodes are walked here rather than through EachChild,
	// whose callback costs a closure and two indirect calls per child; the
	// order is EachChild's.
	case *nixast.Apply:
		s.expr(x.Fn, sc)
		s.expr(x.Arg, sc)
	case *nixast.Paren:
		s.expr(x.X, sc)
	case *nixast.List:
		for _, e := range x.Elems {
			s.expr(e, sc)
		}
	case *nixast.Binary:
		s.expr(x.X, sc)
		s.expr(x.Y, sc)
	case *nixast.StringLit:
		s.parts(x.Parts, sc)
	case *nixast.PathLit:
		s.parts(x.Parts, sc)
	default:
		nixast.EachChild(x, func(c nixast.Node) {
			if e, ok := c.(nixast.Expr); ok {
				s.expr(e, sc)
			} else if ip, ok := c.(*nixast.Interp); ok {
				s.expr(ip.X, sc)
			}
		})
	}
}

// parts walks the interpolations of a string or path.
func (s *Scopes) parts(parts []nixast.StringPart, sc *scope) {
	for _, p := range parts {
		if ip, ok := p.(*nixast.Interp); ok {
			s.expr(ip.X, sc)
		}
	}
}

// identAt returns the identifier (a reference or a binding occurrence) at offset.
func (s *Scopes) identAt(offset int) *nixast.Ident {
	s.index()
	var best *nixast.Ident
	for id := range s.uses {
		if id.Pos() <= offset && offset <= id.End() && (best == nil || id.Pos() > best.Pos()) {
			best = id
		}
	}
	for id := range s.defs {
		if id.Pos() <= offset && offset <= id.End() && (best == nil || id.Pos() > best.Pos()) {
			best = id
		}
	}
	return best
}

// Definition returns the binding occurrence of the name at offset, which may
// be a reference or the binding itself; ok is false for a global, a name
// bound by with, or no name.
func (s *Scopes) Definition(offset int) (def nixast.Node, ok bool) {
	id := s.identAt(offset)
	if id == nil {
		return nil, false
	}
	if n, ok := s.uses[id]; ok {
		return n.Def, true
	}
	if n, ok := s.defs[id]; ok {
		return n.Def, true
	}
	return nil, false
}

// References returns the references to the binding def (as returned by
// Definition), in source order.
func (s *Scopes) References(def nixast.Node) []*nixast.Ident {
	id, ok := def.(*nixast.Ident)
	if !ok {
		return nil
	}
	s.index()
	if s.refs == nil {
		s.refs = make(map[*nixast.Ident][]*nixast.Ident, len(s.defs))
		for use, n := range s.uses {
			s.refs[n.Def] = append(s.refs[n.Def], use)
		}
	}
	out := append([]*nixast.Ident{}, s.refs[id]...)
	sort.Slice(out, func(i, j int) bool { return out[i].Pos() < out[j].Pos() })
	return out
}

// Bindings returns the names lexically visible at offset, innermost first
// (a shadowed name appears once). Names that a with may bind are not known
// and not listed; globals are not listed either.
func (s *Scopes) Bindings(offset int) []ScopeName {
	var inner *scope
	for _, sc := range s.scopes {
		if sc.pos <= offset && offset <= sc.end && (inner == nil || sc.end-sc.pos <= inner.end-inner.pos) {
			inner = sc
		}
	}
	var out []ScopeName
	seen := map[string]bool{}
	for c := inner; c != nil; c = c.parent {
		list := append([]*ScopeName(nil), c.list...)
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		for _, n := range list {
			if !seen[n.Name] {
				seen[n.Name] = true
				out = append(out, *n)
			}
		}
	}
	return out
}
