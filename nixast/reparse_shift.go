package nixast

import (
	"sort"
	"sync"
)

// shiftPositions moves the positions at or after at by d.
func shiftPositions(out, ps []int, at, d int) []int {
	for _, p := range ps {
		if p >= at {
			p += d
		}
		out = append(out, p)
	}
	return out
}

// shiftPositionsAround drops the positions in [from, to), moves those after
// by d and adds more.
func shiftPositionsAround(ps []int, from, to, d int, more []int) []int {
	var out []int
	for _, p := range ps {
		switch {
		case p < from:
			out = append(out, p)
		case p >= to:
			out = append(out, p+d)
		}
	}
	out = append(out, more...)
	sort.Ints(out)
	return out
}

func hasPos(sorted []int, p int) bool {
	i := sort.SearchInts(sorted, p)
	return i < len(sorted) && sorted[i] == p
}

// shifter copies the nodes of a tree that end after at, moving their
// positions at or after at by d; nodes that end before are shared. A run
// of bindings of one list may be replaced.
// parallelCopy is the number of bindings after a run from which two
// cores copy them.
const parallelCopy = 1024

type shifter struct {
	at, d int
	all   bool // no node is kept: those that start after at, or every one (compactAfter)
	// A run of bindings replaced: runIn's bindings lo..hi-1 by runNew.
	runIn  Node
	lo, hi int
	runNew []Binding
	runDoc *Comment // the doc comment of the binding after the run
	slabs           // the copies come from chunks, as the parser's nodes do
}

func (s *shifter) pos(p int) int {
	if p >= s.at {
		return p + s.d
	}
	return p
}

// pos32 is pos for the positions nodes keep in 32 bits.
func (s *shifter) pos32(p int32) int32 { return int32(s.pos(int(p))) }

func (s *shifter) keep(n Node) bool {
	if s.all {
		return n == nil
	}
	return n == nil || n.End() <= s.at
}

func (s *shifter) expr(x Expr) Expr {
	if x == nil || s.keep(x) {
		return x
	}
	switch x := x.(type) {
	case *Ident:
		return s.ident(x)
	case *IntLit:
		c := put(&s.ints, *x)
		c.ValuePos = s.pos(c.ValuePos)
		return c
	case *FloatLit:
		c := *x
		c.ValuePos = s.pos(c.ValuePos)
		return &c
	case *URILit:
		c := *x
		c.ValuePos = s.pos(c.ValuePos)
		return &c
	case *SearchPath:
		c := *x
		c.ValuePos = s.pos(c.ValuePos)
		return &c
	case *StringLit:
		return s.str(x)
	case *PathLit:
		c := put(&s.pathLits, *x)
		c.Parts = s.parts(x.Parts)
		return c
	case *Paren:
		c := *x
		c.Lparen, c.Rparen, c.Stop = s.pos(c.Lparen), s.pos(c.Rparen), s.pos(c.Stop)
		c.X = s.expr(x.X)
		return &c
	case *List:
		c := put(&s.lists, *x)
		c.Lbrack, c.Rbrack, c.Stop = s.pos32(c.Lbrack), s.pos32(c.Rbrack), s.pos32(c.Stop)
		if len(x.Elems) > 0 {
			c.Elems = grab(&s.exprs, len(x.Elems))
			for i, e := range x.Elems {
				c.Elems[i] = s.expr(e)
			}
		}
		return c
	case *AttrSet:
		c := put(&s.attrSets, *x)
		c.Rec, c.Lbrace, c.Rbrace, c.Stop = s.pos32(c.Rec), s.pos32(c.Lbrace), s.pos32(c.Rbrace), s.pos32(c.Stop)
		c.Bindings = s.listOf(x, x.Bindings)
		c.attrs = nil
		return c
	case *LegacyLet:
		c := *x
		c.Let, c.Lbrace, c.Rbrace, c.Stop = s.pos(c.Let), s.pos(c.Lbrace), s.pos(c.Rbrace), s.pos(c.Stop)
		c.Bindings = s.listOf(x, x.Bindings)
		return &c
	case *Select:
		c := put(&s.selects, *x)
		c.X = s.expr(x.X)
		c.Dot, c.OrPos = s.pos32(c.Dot), s.pos32(c.OrPos)
		c.Path = s.path(x.Path)
		c.Default = s.expr(x.Default)
		return c
	case *HasAttr:
		c := *x
		c.X = s.expr(x.X)
		c.Question, c.Start = s.pos(c.Question), s.pos32(c.Start)
		c.Path = s.path(x.Path)
		return &c
	case *Apply:
		return put(&s.applies, Apply{Fn: s.expr(x.Fn), Arg: s.expr(x.Arg), Start: s.pos32(x.Start)})
	case *Unary:
		c := *x
		c.OpPos = s.pos(c.OpPos)
		c.X = s.expr(x.X)
		return &c
	case *Binary:
		c := put(&s.binaries, *x)
		c.X = s.expr(x.X)
		c.OpPos, c.Start, c.Stop = s.pos32(c.OpPos), s.pos32(c.Start), s.pos32(c.Stop)
		c.Y = s.expr(x.Y)
		return c
	case *If:
		c := put(&s.ifs, *x)
		c.IfPos, c.ThenPos, c.ElsePos = s.pos(c.IfPos), s.pos(c.ThenPos), s.pos(c.ElsePos)
		c.Cond, c.Then, c.Else = s.expr(x.Cond), s.expr(x.Then), s.expr(x.Else)
		return c
	case *Lambda:
		c := put(&s.lambdas, *x)
		if x.Param != nil && !s.keep(x.Param) {
			c.Param = s.ident(x.Param)
		}
		if x.Formals != nil && !s.keep(x.Formals) {
			c.Formals = s.formals(x.Formals)
		}
		c.At, c.Colon = s.pos(c.At), s.pos(c.Colon)
		c.Body = s.expr(x.Body)
		c.Doc = s.comment(x.Doc)
		return c
	case *Let:
		c := *x
		c.LetPos, c.InPos = s.pos(c.LetPos), s.pos(c.InPos)
		c.Bindings = s.listOf(x, x.Bindings)
		c.Body = s.expr(x.Body)
		return &c
	case *With:
		c := *x
		c.WithPos, c.Semi = s.pos(c.WithPos), s.pos(c.Semi)
		c.X, c.Body = s.expr(x.X), s.expr(x.Body)
		return &c
	case *Assert:
		c := *x
		c.AssertPos, c.Semi = s.pos(c.AssertPos), s.pos(c.Semi)
		c.Cond, c.Body = s.expr(x.Cond), s.expr(x.Body)
		return &c
	case *BadExpr:
		return &BadExpr{From: s.pos(x.From), To: s.pos(x.To)}
	}
	panic("nixast: Reparse meets an unknown node")
}

func (s *shifter) ident(x *Ident) *Ident {
	if s.keep(x) {
		return x
	}
	return put(&s.idents, Ident{NamePos: s.pos(x.NamePos), Name: x.Name})
}

func (s *shifter) comment(x *Comment) *Comment {
	if x == nil || s.keep(x) {
		return x
	}
	return put(&s.comments, Comment{Start: s.pos(x.Start), Stop: s.pos(x.Stop), Text: x.Text})
}

func (s *shifter) str(x *StringLit) *StringLit {
	if x == nil || s.keep(x) {
		return x
	}
	c := put(&s.strs, *x)
	c.Open, c.Close, c.Stop = s.pos32(c.Open), s.pos32(c.Close), s.pos32(c.Stop)
	c.Parts = s.parts(x.Parts)
	return c
}

func (s *shifter) parts(parts []StringPart) []StringPart {
	if len(parts) == 0 {
		return parts
	}
	out := grab(&s.slabs.parts, len(parts))
	for i, p := range parts {
		switch p := p.(type) {
		case *TextPart:
			if s.keep(p) {
				out[i] = p
				continue
			}
			c := put(&s.texts, *p)
			c.Start, c.Stop = s.pos32(c.Start), s.pos32(c.Stop)
			out[i] = c
		case *Interp:
			out[i] = s.interp(p)
		}
	}
	return out
}

func (s *shifter) interp(x *Interp) *Interp {
	if x == nil || s.keep(x) {
		return x
	}
	c := put(&s.interps, *x)
	c.Dollar, c.Rbrace, c.Stop = s.pos32(c.Dollar), s.pos32(c.Rbrace), s.pos32(c.Stop)
	c.X = s.expr(x.X)
	return c
}

func (s *shifter) name(x *AttrName) *AttrName {
	if s.keep(x) {
		return x
	}
	var c Node
	switch x := x.x.(type) {
	case *Ident:
		c = s.ident(x)
	case *StringLit:
		c = s.str(x)
	case *Interp:
		c = s.interp(x)
	}
	return put(&s.names, AttrName{x: c})
}

func (s *shifter) nameList(names []*AttrName) []*AttrName {
	if len(names) == 0 {
		return names
	}
	out := grab(&s.namePtrs, len(names))
	for i, n := range names {
		out[i] = s.name(n)
	}
	return out
}

func (s *shifter) path(x *AttrPath) *AttrPath {
	if x == nil || s.keep(x) {
		return x
	}
	return put(&s.paths, AttrPath{Names: s.nameList(x.Names)})
}

func (s *shifter) bindings(list []Binding) []Binding {
	// Bindings before the edit are shared, so only the first to change is
	// looked for with a search.
	j := sort.Search(len(list), func(i int) bool { return !s.keep(list[i]) })
	if j == len(list) {
		return list
	}
	out := grab(&s.slabs.bindings, len(list))
	copy(out, list[:j])
	out[j] = s.binding(list[j])
	// The bindings after the one that holds the edit start after it.
	all := s.all
	s.all = true
	s.copyAll(out[j+1:], list[j+1:])
	s.all = all
	return out
}

// copyAll copies bindings that start after the edit into out. A long list
// (an edit near the top of a package set) is copied on two cores: the
// second half by a shifter with its own chunks.
func (s *shifter) copyAll(out, list []Binding) {
	if len(list) >= parallelCopy {
		s.copyOnTwo(out, list)
		return
	}
	for i, b := range list {
		out[i] = s.binding(b)
	}
}

func (s *shifter) copyOnTwo(out, list []Binding) {
	half := len(list) / 2
	other := &shifter{at: s.at, d: s.d, all: true}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, b := range list[half:] {
			out[half+i] = other.binding(b)
		}
	}()
	for i, b := range list[:half] {
		out[i] = s.binding(b)
	}
	wg.Wait()
}

// listOf copies the bindings of the set or let n, replacing the run.
func (s *shifter) listOf(n Node, list []Binding) []Binding {
	if n != s.runIn || s.runIn == nil {
		return s.bindings(list)
	}
	out := make([]Binding, 0, len(list)-(s.hi-s.lo)+len(s.runNew))
	if s.all {
		for _, b := range list[:s.lo] {
			out = append(out, s.binding(b)) // a whole copy (compactAfter)
		}
	} else {
		out = append(out, list[:s.lo]...)
	}
	out = append(out, s.runNew...)
	all := s.all
	s.all = true // the bindings after the run start after at
	tail := list[s.hi:]
	start := len(out)
	out = out[:start+len(tail)]
	s.copyAll(out[start:], tail)
	s.all = all
	if s.hi < len(list) {
		if a, ok := out[s.lo+len(s.runNew)].(*AttrAssign); ok {
			a.Doc = s.runDoc // a copy: its doc is in the text parsed again
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (s *shifter) binding(b Binding) Binding {
	if s.keep(b) {
		return b
	}
	switch b := b.(type) {
	case *AttrAssign:
		c := put(&s.assigns, *b)
		c.Path = s.path(b.Path)
		c.Eq, c.Semi, c.Stop = s.pos32(c.Eq), s.pos32(c.Semi), s.pos32(c.Stop)
		c.Value = s.expr(b.Value)
		c.Doc = s.comment(b.Doc)
		return c
	case *Inherit:
		c := put(&s.inherits, *b)
		c.Inherit, c.Lparen, c.Rparen, c.Semi, c.Stop = s.pos32(c.Inherit), s.pos32(c.Lparen), s.pos32(c.Rparen), s.pos32(c.Semi), s.pos32(c.Stop)
		c.From = s.expr(b.From)
		c.Names = s.nameList(b.Names)
		return c
	}
	panic("nixast: Reparse meets an unknown binding")
}

func (s *shifter) formals(x *Formals) *Formals {
	c := *x
	c.Lbrace, c.Ellipsis, c.Rbrace, c.Stop = s.pos(c.Lbrace), s.pos(c.Ellipsis), s.pos(c.Rbrace), s.pos(c.Stop)
	if len(x.List) == 0 {
		return &c
	}
	c.List = make([]*Formal, len(x.List))
	for i, f := range x.List {
		if s.keep(f) {
			c.List[i] = f
			continue
		}
		c.List[i] = &Formal{Name: s.ident(f.Name), Question: s.pos(f.Question), Default: s.expr(f.Default)}
	}
	return &c
}
