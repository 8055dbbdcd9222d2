// Package scope is the one name resolver of microvm-lsp: which binding each
// variable of a Nix file refers to, which names are free, and which names
// are visible at a place. Diagnostics (undefined-variable, unused-binding),
// completion, hover, navigation, rename and refactorings all read it.
//
// It follows Nix's own parser (Nix 2.8's bindVars): let, rec sets, legacy
// let { }, lambda parameters and formals, plain inherit (from the scope
// around) and inherit (from) (from the scope inside). A with binds names
// only dynamically and never shadows a lexical binding, however far out
// that binding is. The global names are Nix's own (Globals, generated from
// the installed Nix). Static attribute names include quoted keys ("a" = …)
// and interpolations of plain strings (${"a"} = …), and the parser's merge
// of `a = rec { … }; a.c = …;` is followed: the later a.c joins the rec
// set's scope when the set comes first, and a rec set that comes second
// loses its recursion (and its dynamic attributes).
//
// scope imports only nixast and the standard library.
package scope

import (
	"slices"
	"sort"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Kind tells how a name is bound.
type Kind uint8

const (
	Let    Kind = iota // let x = …; (or an inherit in a let)
	Rec                // rec { x = …; } and legacy let { x = …; }
	Formal             // { x, … }: …
	Param              // x: … and the name of an @ pattern
)

func (k Kind) String() string {
	switch k {
	case Let:
		return "let binding"
	case Rec:
		return "rec attribute"
	case Formal:
		return "formal parameter"
	}
	return "lambda parameter"
}

// Def is a name bound in the file. A package set binds tens of thousands of
// names, resolved again on every keystroke: what can be read from Node is
// not kept twice (Value), positions are 32 bits as the tree's, and the
// rare later names that add to a binding sit behind a pointer (More).
type Def struct {
	Name  string
	Node  nixast.Node // *AttrAssign, *Inherit, *Formal or *Lambda
	Scope *Scope
	more  *[]nixast.Node
	// The name where it is bound (an identifier or a quoted key).
	Pos, End int32
	// Uses counts the references to the name.
	Uses int32
	Kind Kind
	// Inherit is set for a name bound by inherit or inherit (from): the
	// name is also the attribute it takes.
	Inherit bool
	// Path is set when the name begins an attribute path (a.b = …;): the
	// binding is a set made of all such paths.
	Path bool
}

// Value returns the bound expression of `name = value;` and a formal's
// default; nil for parameters, inherits and attribute paths.
func (d *Def) Value() nixast.Expr {
	if d.Path || d.Inherit {
		return nil
	}
	switch n := d.Node.(type) {
	case *nixast.AttrAssign:
		return n.Value
	case *nixast.Formal:
		return n.Default
	}
	return nil
}

// More returns the names of later bindings that add to this one
// (a.b = 1; a.c = 2;).
func (d *Def) More() []nixast.Node {
	if d.more == nil {
		return nil
	}
	return *d.more
}

func (d *Def) addMore(n ...nixast.Node) {
	if len(n) == 0 {
		return
	}
	if d.more == nil {
		d.more = new([]nixast.Node)
	}
	*d.more = append(*d.more, n...)
}

// Doc returns the /** */ comment of the binding, if any.
func (d *Def) Doc() *nixast.Comment {
	switch n := d.Node.(type) {
	case *nixast.AttrAssign:
		return n.Doc
	case *nixast.Lambda:
		return n.Doc
	case *nixast.Formal:
		if l, ok := d.Scope.Node.(*nixast.Lambda); ok {
			return l.Doc
		}
	}
	return nil
}

// Holds reports whether off is on the name of the binding, or on a later
// name that adds to it.
func (d *Def) Holds(off int) bool {
	if int(d.Pos) <= off && off <= int(d.End) {
		return true
	}
	for _, n := range d.More() {
		if n.Pos() <= off && off <= n.End() {
			return true
		}
	}
	return false
}

// Ref is a use of a variable: an identifier in an expression, or a name of
// a plain inherit.
type Ref struct {
	Def *Def // nil: a global, a name from a with, or undefined
	// name points at the identifier's own name in the tree: a package
	// set has tens of thousands of uses, resolved again on every
	// keystroke, and a pointer is half a string.
	name     *string
	Pos, End int32
	// InWith is set when no lexical binding has the name and a with is
	// around it: the with's set may bind it.
	InWith bool
	// Global is set when the name is one of Nix's globals and nothing else
	// binds it.
	Global bool
	// Inherit is set for a name of a plain inherit.
	Inherit bool
}

// Name returns the name used.
func (r *Ref) Name() string {
	if r.name == nil {
		return ""
	}
	return *r.name
}

// Undefined reports whether nothing binds the name: Nix rejects the file.
func (r *Ref) Undefined() bool { return r.Def == nil && !r.InWith && !r.Global }

// Scope is a region where names are bound: a let, a rec set (or legacy
// let), a lambda, or the body of a with (which binds nothing statically).
type Scope struct {
	Node   nixast.Node // *Let, *AttrSet, *LegacyLet, *Lambda, *With; nil for the file
	Parent *Scope
	With   bool
	// The region where the names are visible: Pos to End (inclusive, so
	// that a cursor right after the last name is in), and extra regions
	// for values written outside it that Nix binds here (a.c = … after
	// a = rec { … };). A construct still being typed reaches to the end of
	// the file.
	Pos, End int
	extra    [][2]int
	defs     []*Def
	names    map[string]*Def // built once a scope binds many names
}

// Holds reports whether the names of s are visible at off.
func (s *Scope) Holds(off int) bool {
	if s.Pos <= off && off <= s.End {
		return true
	}
	for _, r := range s.extra {
		if r[0] <= off && off <= r[1] {
			return true
		}
	}
	return false
}

// Lookup returns the definition of name in s itself, or nil.
func (s *Scope) Lookup(name string) *Def {
	if s.names != nil {
		return s.names[name]
	}
	for _, d := range s.defs {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// Defs returns the names s binds, in the order they are bound.
func (s *Scope) Defs() []*Def { return s.defs }

// Inside reports whether s is outer or nested in it.
func (s *Scope) Inside(outer *Scope) bool {
	for ; s != nil; s = s.Parent {
		if s == outer {
			return true
		}
	}
	return false
}

// reserve makes room for n more names: a package set binds thousands, and
// a map grown one doubling at a time rehashes each of them several times.
func (s *Scope) reserve(n int) {
	if n <= 8 || s.names != nil {
		return
	}
	s.defs = slices.Grow(s.defs, n)
	s.names = make(map[string]*Def, len(s.defs)+n)
	for _, x := range s.defs {
		s.names[x.Name] = x
	}
}

func (s *Scope) add(d *Def) bool {
	if s.Lookup(d.Name) != nil {
		return false
	}
	s.defs = append(s.defs, d)
	if s.names != nil {
		s.names[d.Name] = d
	} else if len(s.defs) > 8 {
		// A package set binds thousands of names.
		s.names = make(map[string]*Def, 2*len(s.defs))
		for _, x := range s.defs {
			s.names[x.Name] = x
		}
	}
	return true
}

// Scopes is the resolved names of one file version. It never changes once
// built, and may be read by several goroutines at once.
type Scopes struct {
	// Defs are the bindings, in the order the resolver met them.
	Defs []*Def
	// Refs are the uses, in the order the resolver met them.
	Refs   []Ref
	root   *Scope
	scopes []*Scope

	indexOnce sync.Once
	byPos     []int32         // indices of Refs, by position
	refsOf    map[*Def][]*Ref // the uses of each binding, by position
	defsByPos []*Def          // Defs by position
}

// Undefined returns the uses that nothing binds, in source order: exactly
// the names for which Nix reports "undefined variable".
func (s *Scopes) Undefined() []*Ref {
	var out []*Ref
	for i := range s.Refs {
		if s.Refs[i].Undefined() {
			out = append(out, &s.Refs[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos < out[j].Pos })
	return out
}

// index builds the lookups by position, once.
func (s *Scopes) index() {
	s.indexOnce.Do(func() {
		s.byPos = make([]int32, len(s.Refs))
		for i := range s.byPos {
			s.byPos[i] = int32(i)
		}
		sort.Slice(s.byPos, func(i, j int) bool { return s.Refs[s.byPos[i]].Pos < s.Refs[s.byPos[j]].Pos })
		s.refsOf = map[*Def][]*Ref{}
		for _, i := range s.byPos {
			r := &s.Refs[i]
			if r.Def != nil {
				s.refsOf[r.Def] = append(s.refsOf[r.Def], r)
			}
		}
		s.defsByPos = append([]*Def(nil), s.Defs...)
		sort.SliceStable(s.defsByPos, func(i, j int) bool { return s.defsByPos[i].Pos < s.defsByPos[j].Pos })
	})
}

// RefsOf returns the uses of d, in source order.
func (s *Scopes) RefsOf(d *Def) []*Ref {
	s.index()
	return s.refsOf[d]
}

// SortedDefs returns the bindings in source order.
func (s *Scopes) SortedDefs() []*Def {
	s.index()
	return s.defsByPos
}

// RefAt returns the use whose name holds off (its end included), or nil.
func (s *Scopes) RefAt(off int) *Ref {
	s.index()
	i := sort.Search(len(s.byPos), func(i int) bool { return int(s.Refs[s.byPos[i]].End) >= off })
	for ; i < len(s.byPos); i++ {
		r := &s.Refs[s.byPos[i]]
		if int(r.Pos) > off {
			break
		}
		if int(r.Pos) <= off && off <= int(r.End) {
			return r
		}
	}
	return nil
}

// DefAt returns the binding whose name is at off, or the binding of the
// use at off, with that use. A name of `inherit x;` in a let or rec set is
// both: the binding is returned with the use, whose Def is the outer x.
func (s *Scopes) DefAt(off int) (*Def, *Ref) {
	r := s.RefAt(off)
	for _, d := range s.Defs {
		if d.Holds(off) {
			if r != nil && r.Inherit && d.Inherit {
				return d, r
			}
			return d, nil
		}
	}
	if r != nil {
		return r.Def, r
	}
	return nil, nil
}

// ScopeAt returns the innermost scope whose names are visible at off (the
// file's own scope, which binds nothing, when no other is).
func (s *Scopes) ScopeAt(off int) *Scope {
	inner := s.root
	for _, sc := range s.scopes {
		if sc.Holds(off) && (inner == s.root || sc.Pos >= inner.Pos) {
			inner = sc
		}
	}
	return inner
}

// Visible returns the names lexically visible at off, innermost first, each
// once. Names a with may bind are not known; globals are not listed.
func (s *Scopes) Visible(off int) []*Def {
	seen := map[string]bool{}
	var out []*Def
	for sc := s.ScopeAt(off); sc != nil; sc = sc.Parent {
		for _, d := range sc.defs {
			if !seen[d.Name] {
				seen[d.Name] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// InWith reports whether off is in the body of a with.
func (s *Scopes) InWith(off int) bool {
	for sc := s.ScopeAt(off); sc != nil; sc = sc.Parent {
		if sc.With {
			return true
		}
	}
	return false
}
