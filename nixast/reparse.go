package nixast

import (
	"bytes"
	"slices"
	"sort"
	"sync"
)

// Reparse parses src, the text of old after an edit. When the edit only
// changes whitespace between tokens, or touches a run of bindings of a set
// or let (one binding edited inside, bindings added, removed or rewritten
// between two that stay), only that run is parsed again: the nodes before
// it are shared with old, the nodes after it are copied with their
// positions moved, and the duplicate checks that reported errors in old run
// again. Old errors must be duplicates, or lie in the text parsed again.
// The File is the one Parse would return (tests compare the two); any
// other edit is parsed from scratch.
//
// Names in shared and copied nodes keep pointing into the source they were
// parsed from; a run parsed again takes its names from a copy of its own
// text, so that a long run of edits keeps at most that text alive, not
// every version of the file.
func Reparse(old *File, name string, src []byte) *File {
	if f := reparse(old, name, src, reparseMin); f != nil {
		return f
	}
	return Parse(name, src)
}

// reparseMin is the size below which Reparse just parses: a small file
// parses in well under a millisecond.
const reparseMin = 64 << 10

func reparse(old *File, name string, src []byte, minSize int) *File {
	if old == nil || old.tokens == nil || old.NewSyntax || len(old.Trailing) > 0 ||
		len(src) < minSize || len(src) > MaxFileSize || len(old.Src) > MaxFileSize || len(src) == 0 ||
		len(old.Errors) >= MaxErrors/2 {
		return nil
	}
	// The edit: old.Src[a:b] became src[a:b+d].
	a := commonPrefix(old.Src, src)
	s := commonSuffix(old.Src[a:], src[a:])
	b := len(old.Src) - s
	d := len(src) - len(old.Src)
	if f := reparseGap(old, name, src, a, b, d); f != nil {
		return f
	}
	return reparseRun(old, name, src, a, b, d)
}

// reparseRun parses again the bindings an edit touches in the innermost
// set or let that holds it: one binding edited inside, or bindings added,
// removed or rewritten between two that stay. The run's text, from the
// binding before it to the one after, is scanned and parsed again. When
// that is not possible there, the lists around are tried, outwards.
func reparseRun(old *File, name string, src []byte, a, b, d int) *File {
	lists := listPath(old.Root, a, b)
	// A list whose bindings share a first name reads their values in its
	// duplicate check: a list below it is not parsed again alone (it is
	// checked again itself).
	plain := 0
	for plain < len(lists) && !hasPos(old.nonPlain, listPos(lists[plain].container)) {
		plain++
	}
	for i := min(plain, len(lists)-1); i >= 0; i-- {
		if f := replaceRun(old, name, src, a, b, d, lists[i], 0); f != nil {
			return f
		}
	}
	return nil
}

// listCtx is a set or let on the way from the root to an edit.
type listCtx struct {
	list      []Binding
	container Node // *AttrSet, *Let or *LegacyLet
	isLet     bool
	depth     int // nodes above it
}

// listPath lists the sets and lets whose bindings' region holds [a, b),
// outermost first.
func listPath(root Node, a, b int) []listCtx {
	var out []listCtx
	for n, depth := root, 0; n != nil; n, depth = childAround(n, a, b), depth+1 {
		if list, ok := bindingsOf(n); ok {
			if start, end := listRegion(n); start >= 0 && start <= a && b <= end {
				_, isLet := n.(*Let)
				out = append(out, listCtx{list: list, container: n, isLet: isLet, depth: depth})
			}
		}
	}
	return out
}

// childAround returns the child of n whose range holds [from, to], or nil.
func childAround(n Node, from, to int) Node {
	if list, ok := bindingsOf(n); ok {
		// Bindings are in source order: the last one starting by from.
		j := sort.Search(len(list), func(i int) bool { return list[i].Pos() > from }) - 1
		if j >= 0 && to <= list[j].End() {
			return list[j]
		}
	}
	var next Node
	EachChild(n, func(c Node) {
		if next == nil && c.Pos() <= from && to <= c.End() {
			next = c
		}
	})
	return next
}

// replaceRun parses again the run of ctx's bindings that [a, b) touches,
// and grow more after it, and builds the new File around it, or returns
// nil.
func replaceRun(old *File, name string, src []byte, a, b, d int, ctx listCtx, grow int) *File {
	list := ctx.list
	lo := sort.Search(len(list), func(i int) bool { return list[i].End() >= a })
	hi := sort.Search(len(list), func(i int) bool { return list[i].Pos() > b })
	if hi < lo {
		hi = lo
	}
	hi = min(hi+grow, len(list))
	toks := old.tokens
	var from, to, i0 int
	// The parser reports some errors of a run at the first token after it
	// (which it found unexpected), and some of the binding before it at the
	// run's first token: the run then takes in the binding on that side.
	start, end := listRegion(ctx.container)
	for tries := 0; ; tries++ {
		from, to = start, end
		if lo > 0 {
			from = list[lo-1].End()
		}
		if hi < len(list) {
			to = list[hi].Pos()
		}
		i0 = sort.Search(len(toks), func(i int) bool { return int(toks[i].pos) >= from })
		if i0 >= len(toks) {
			return nil
		}
		first := int(toks[i0].pos)
		e, outside := errorOutside(old, first, to)
		switch {
		case !outside:
		case tries == 2:
			return nil
		case e.Pos >= to && hi < len(list) && e.End <= list[hi].End():
			hi++
			continue
		case e.Pos <= first && e.End <= to && lo > 0 && e.Pos >= list[lo-1].Pos():
			lo--
			continue
		default:
			return nil
		}
		break
	}
	newTo := to + d
	if from > a || to < b || newTo < from || newTo > len(src) {
		return nil
	}
	// The run's text must not lex into the token before it: that is a ';'
	// or an opening brace, or the text starts with a space. (Its end is
	// checked by scanBetween.)
	i1 := sort.Search(len(toks), func(i int) bool { return int(toks[i].pos) >= to })
	if i0 == 0 || i1 >= len(toks) || i1 < i0 {
		return nil
	}
	// Emptied, it joins the tokens around it, which may then lex as one.
	if prev := toks[i0-1].Kind; prev != SEMI && prev != LBRACE {
		if newTo > from && charClass[src[from]]&clSpace == 0 || newTo == from && to > from {
			return nil
		}
	}
	sub, lexErrs := scanBetween(src, from, newTo)
	if sub == nil {
		return nil
	}
	newToks := make([]Token, 0, len(toks)-(i1-i0)+len(sub))
	newToks = append(newToks, toks[:i0]...)
	newToks = append(newToks, sub...)
	newToks = shiftTokens(newToks, toks, i1, d)
	if lo == 0 && !staysSet(ctx.container, newToks) {
		return nil
	}
	base := int(newToks[i0-1].end)
	q := &parser{src: src, str: string(src[base:newTo]), base: base, toks: newToks, lines: NewLineIndex(src), stopAt: i0 + len(sub)}
	q.ti, q.tok = i0, newToks[i0]
	q.prevEndAt = int(newToks[i0-1].end)
	closer := RBRACE
	if ctx.isLet {
		closer = IN
	}
	q.closers = append(closersFor(old.Root, ctx.container), closer)
	q.bindingList(closer, ctx.isLet)
	if q.ti > i0+len(sub) && grow < 2 && hi < len(list) {
		// The run's last binding read on into the next one (a value typed
		// up to a '.' takes the next binding's name): take that one in.
		return replaceRun(old, name, src, a, b, d, ctx, grow+1)
	}
	if q.newSyntax || q.ti != i0+len(sub) || q.maxDepth+8*(ctx.depth+1) > MaxDepth {
		return nil
	}
	// The binding after the run takes its doc comment from the run's end.
	var doc *Comment
	if hi < len(list) {
		doc = q.docBefore()
	}
	runNew := append([]Binding(nil), q.bindStack...)
	for _, set := range q.withAttrs {
		set.attrs = nil
	}
	sh := &shifter{at: to, d: d, runIn: ctx.container, lo: lo, hi: hi, runNew: runNew, runDoc: doc}
	f := &File{
		Name:     name,
		Src:      src,
		tokens:   newToks,
		Root:     sh.expr(old.Root),
		Lines:    q.lines,
		nonPlain: shiftPositionsAround(old.nonPlain, from, to, d, q.nonPlain),
	}
	moved := func(p int) int {
		switch {
		case p >= to:
			return p + d
		case p >= from:
			return -1
		}
		return p
	}
	// The list is checked again unless the run's first names are the same
	// and its check did not read them (no other binding of the list, in
	// the run or outside, shares one).
	cpos := listPos(ctx.container)
	var oldNames, newNames []string
	for _, b := range list[lo:hi] {
		oldNames = firstNames(b, oldNames)
	}
	for _, b := range runNew {
		newNames = firstNames(b, newNames)
	}
	same := slices.Equal(oldNames, newNames) &&
		(!hasPos(old.nonPlain, cpos) || !sharesFirstName(list, lo, hi) && !repeats(oldNames))
	var more []int
	if !same {
		more = append(more, cpos)
	}
	return recheck(f, old, moved, from, func(owner int) bool { return owner != cpos || same }, more, q.errs, lexErrs)
}

// listRegion returns where the bindings of a set or let may stand: from the
// end of its opening token to its closing one (-1, -1 when unknown).
func listRegion(n Node) (start, end int) {
	switch x := n.(type) {
	case *AttrSet:
		if x.Rbrace >= 0 {
			return x.Lbrace + 1, x.Rbrace
		}
	case *LegacyLet:
		if x.Rbrace >= 0 {
			return x.Lbrace + 1, x.Rbrace
		}
	case *Let:
		if x.InPos >= 0 {
			return x.LetPos + len("let"), x.InPos
		}
	}
	return -1, -1
}

// scanBetween scans src[from:to], text between bindings: its significant
// tokens (none for whitespace and comments) and errors, or nil tokens if a
// token or comment runs past to, or it ends inside a string, path or brace.
func scanBetween(src []byte, from, to int) ([]Token, []Error) {
	s := &scanner{src: src, limit: to, pos: from, modes: []lexMode{modeDefault}, opens: []int32{-1}}
	s.toks = make([]Token, 0, (to-from)/4+4)
	s.runTo(to)
	if s.pos != to || len(s.modes) != 1 || s.underflow {
		return nil, nil
	}
	if len(s.toks) == 0 {
		return []Token{}, s.errs
	}
	return s.toks, s.errs
}

// staysSet reports whether the parser still reads the '{' of container as
// an attribute set, not formal parameters, with toks (its first bindings
// changed): the tokens after it must say so at once (see looksLikeFormals).
func staysSet(container Node, toks []Token) bool {
	set, ok := container.(*AttrSet)
	if !ok || set.Rec >= 0 {
		return true // a let, or 'rec {': no formals there
	}
	i := sort.Search(len(toks), func(i int) bool { return int(toks[i].pos) >= set.Lbrace })
	if i+2 >= len(toks) {
		return false
	}
	switch toks[i+1].Kind {
	case INHERIT:
		return true
	case IDENT:
		k := toks[i+2].Kind
		return k == ASSIGN || k == DOT
	}
	return false
}

// errorOutside returns an error of f that is no duplicate attribute
// (those are checked again) and does not lie in the text parsed again:
// after its first token at first and before to. (An error at the first
// token may come from what came before, which found it unexpected.)
func errorOutside(f *File, first, to int) (Error, bool) {
	for _, e := range f.Errors {
		if e.owner == 0 && !(first < e.Pos && e.Pos < to && e.End <= to) {
			return e, true
		}
	}
	return Error{}, false
}

// closersFor returns the closing tokens the parser waits for when it
// parses the bindings of target, as it pushes them on the way down.
func closersFor(root, target Node) []Kind {
	var out []Kind
	pos, end := target.Pos(), target.End()
	for n := root; n != nil && n != target; {
		next := childAround(n, pos, end)
		switch x := n.(type) {
		case *AttrSet, *LegacyLet, *Formals:
			out = append(out, RBRACE)
		case *Let:
			if _, ok := next.(Binding); ok {
				out = append(out, IN)
			}
		case *AttrAssign:
			if next == Node(x.Value) {
				out = append(out, SEMI)
			}
		case *Inherit:
			if x.From != nil && next == Node(x.From) {
				out = append(out, RPAREN)
			}
		case *Paren:
			out = append(out, RPAREN)
		case *List:
			out = append(out, RBRACK)
		case *Interp:
			out = append(out, RBRACE)
		case *If:
			if next == Node(x.Cond) {
				out = append(out, THEN)
			} else if next == Node(x.Then) {
				out = append(out, ELSE)
			}
		case *With:
			if next == Node(x.X) {
				out = append(out, SEMI)
			}
		case *Assert:
			if next == Node(x.Cond) {
				out = append(out, SEMI)
			}
		case *Formal:
			if x.Default != nil && next == Node(x.Default) {
				out = append(out, COMMA)
			}
		}
		n = next
	}
	return out
}

// reparseGap handles an edit that changes only whitespace between two
// tokens: the tokens and the tree stay, moved.
func reparseGap(old *File, name string, src []byte, a, b, d int) *File {
	if !errorsFromChecks(old) {
		return nil
	}
	toks := old.tokens
	k := sort.Search(len(toks), func(i int) bool { return int(toks[i].pos) >= b })
	if k == 0 || k == len(toks) {
		return nil
	}
	from, to := int(toks[k-1].end), int(toks[k].pos)
	// Both gaps non-empty: two tokens that touch could lex as one.
	if from > a || from == to || !allSpace(old.Src[from:to]) || from == to+d || !allSpace(src[from:to+d]) {
		return nil
	}
	sh := &shifter{at: to, d: d}
	f := &File{
		Name:     name,
		Src:      src,
		tokens:   shiftTokens(nil, toks, k, d),
		Root:     sh.expr(old.Root),
		Lines:    NewLineIndex(src),
		nonPlain: shiftPositions(nil, old.nonPlain, to, d),
	}
	moved := func(p int) int {
		if p >= to {
			return p + d
		}
		return p
	}
	// No name changed: every check finds what it found, moved.
	return recheck(f, old, moved, to, func(int) bool { return true }, nil, nil, nil)
}

// sharesFirstName reports whether a binding outside list[lo:hi] starts
// with a first name of one inside.
func sharesFirstName(list []Binding, lo, hi int) bool {
	var names []string
	for _, b := range list[lo:hi] {
		names = firstNames(b, names)
	}
	if len(names) == 0 {
		return false
	}
	for i, o := range list {
		if i >= lo && i < hi {
			continue
		}
		switch o := o.(type) {
		case *AttrAssign:
			if name, ok := o.Path.Names[0].StaticName(); ok && slices.Contains(names, name) {
				return true
			}
		case *Inherit:
			for _, n := range o.Names {
				if name, ok := n.StaticName(); ok && slices.Contains(names, name) {
					return true
				}
			}
		}
	}
	return false
}

// errorsFromChecks reports whether every error of f came from the
// duplicate check of a set or let: Reparse runs those checks again.
func errorsFromChecks(f *File) bool {
	for _, e := range f.Errors {
		if e.owner == 0 {
			return false
		}
	}
	return true
}

// recheck sets f's errors and nonPlain: old's errors from lists whose
// check finds the same (unchanged), moved, if what they name lies before
// cut; the duplicate checks of the other lists that reported errors in old
// (at positions moved by moved, -1 when gone) and of the lists at more run
// again on f's tree; found are the parser's errors of the run parsed again,
// lexErrs the scanner's, merged last as Parse merges them (an error the
// parser made there, later dropped, still hides one at its position).
func recheck(f, old *File, moved func(int) int, cut int, unchanged func(int) bool, more []int, found, lexErrs []Error) *File {
	at := append([]int(nil), more...)
	// When every list that reported errors finds the same, and they name
	// places before the edit, the errors just move. Otherwise all checks
	// run again: a list checked again merges the lists inside it, whose
	// trees must then be there (see attrsOf).
	keep := len(more) == 0
	for _, e := range old.Errors {
		if p := e.owner - 1; moved(p) >= 0 && !(unchanged(p) && e.Related < cut) {
			keep = false
		}
	}
	var kept []Error
	for _, e := range old.Errors {
		np := moved(e.owner - 1)
		switch {
		case np < 0:
		case keep:
			e.Pos, e.End, e.owner = moved(e.Pos), moved(e.End), np+1
			kept = append(kept, e)
		default:
			at = append(at, np)
		}
	}
	if len(at) == 0 && len(found) == 0 && len(lexErrs) == 0 && len(kept) == len(old.Errors) {
		if len(kept) > 0 {
			f.Errors = kept
		}
		return f
	}
	if sharesPosition(kept, found, lexErrs) {
		return nil
	}
	var lists []Node
	for _, p := range slices.Compact(slices.Sorted(slices.Values(at))) {
		c := containerAt(f.Root, p)
		if c == nil {
			return nil
		}
		lists = append(lists, c)
	}
	// In the order the parser checks them: inner lists first. The trees
	// go to a map: some lists are shared with old.
	sort.SliceStable(lists, func(i, j int) bool { return lists[i].End() < lists[j].End() })
	q := &parser{src: f.Src, lines: f.Lines, sideAttrs: map[*AttrSet]*attrEntries{}}
	// With lists to check, kept is empty (see keep). The checks run on
	// their own; a file where one reports at the position of a syntax error
	// is parsed from scratch (see sharesPosition). Other check errors follow
	// the run's errors, as lists before the run report at smaller positions.
	q.errs = kept
	for _, c := range lists {
		binds, _ := bindingsOf(c)
		var keys []string
		for _, b := range binds {
			keys = firstNames(b, keys)
		}
		plain := !repeats(keys)
		q.checkBindings(c, binds, plain)
		p := listPos(c)
		i := sort.SearchInts(f.nonPlain, p)
		switch in := i < len(f.nonPlain) && f.nonPlain[i] == p; {
		case plain && in:
			f.nonPlain = append(f.nonPlain[:i:i], f.nonPlain[i+1:]...)
		case !plain && !in:
			f.nonPlain = append(f.nonPlain[:i:i], append([]int{p}, f.nonPlain[i:]...)...)
		}
	}
	if len(found)+len(q.errs)+len(lexErrs) >= MaxErrors/2 {
		return nil // near the limit, which errors are kept depends on order
	}
	if sharesPosition(q.errs, found, lexErrs) {
		return nil
	}
	q.errs = append(found, q.errs...)
	q.errs = mergeErrors(lexErrs, q.errs)
	sort.SliceStable(q.errs, func(i, j int) bool { return q.errs[i].Pos < q.errs[j].Pos })
	if len(q.errs) > 0 {
		f.Errors = q.errs
	}
	f.NewSyntax = q.newSyntax
	return f
}

// sharesPosition reports whether an error of errs (from a duplicate check)
// stands at the position of one of the run's syntax errors, the parser's or
// the scanner's. The parser reports one error per position, so which of the
// two Parse keeps depends on the order of the whole parse.
func sharesPosition(errs, found, lexErrs []Error) bool {
	for _, e := range errs {
		at := func(g Error) bool { return g.Pos == e.Pos }
		if slices.ContainsFunc(found, at) || slices.ContainsFunc(lexErrs, at) {
			return true
		}
	}
	return false
}

// bindingsOf returns the bindings of a set or let; ok is false for any
// other node.
func bindingsOf(n Node) (list []Binding, ok bool) {
	switch x := n.(type) {
	case *AttrSet:
		return x.Bindings, true
	case *LegacyLet:
		return x.Bindings, true
	case *Let:
		return x.Bindings, true
	}
	return nil, false
}

// listPos is where a set or let is known by in nonPlain and the owners of
// errors: its '{' (the parser checks a rec set before it knows the 'rec'),
// or its 'let'.
func listPos(n Node) int {
	switch x := n.(type) {
	case *AttrSet:
		return x.Lbrace
	case *LegacyLet:
		return x.Lbrace
	}
	return n.Pos()
}

// containerAt returns the set or let of f's tree at listPos pos.
func containerAt(root Node, pos int) Node {
	for n := root; n != nil; n = childAround(n, pos, pos+1) {
		if _, ok := bindingsOf(n); ok && listPos(n) == pos {
			return n
		}
	}
	return nil
}

// firstNames appends the static first names a binding defines.
func firstNames(b Binding, out []string) []string {
	switch b := b.(type) {
	case *AttrAssign:
		if name, ok := b.Path.Names[0].StaticName(); ok {
			out = append(out, name)
		}
	case *Inherit:
		for _, n := range b.Names {
			if name, ok := n.StaticName(); ok {
				out = append(out, name)
			}
		}
	}
	return out
}

// shiftTokens appends toks[from:] to out, moved by d.
func shiftTokens(out, toks []Token, from, d int) []Token {
	if out == nil {
		out = make([]Token, 0, len(toks))
		out = append(out, toks[:from]...)
	}
	start := len(out)
	out = append(out, toks[from:]...)
	for i := start; i < len(out); i++ {
		out[i].pos += int32(d)
		out[i].end += int32(d)
	}
	return out
}

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

func allSpace(b []byte) bool {
	for _, c := range b {
		if charClass[c]&clSpace == 0 {
			return false
		}
	}
	return true
}

// commonPrefix returns the length of the longest common prefix of x and y.
func commonPrefix(x, y []byte) int {
	n := min(len(x), len(y))
	i := 0
	// Blocks first: bytes.Equal compares them at memory speed.
	for i+64 <= n && bytes.Equal(x[i:i+64], y[i:i+64]) {
		i += 64
	}
	for i < n && x[i] == y[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest common suffix of x and y.
func commonSuffix(x, y []byte) int {
	n := min(len(x), len(y))
	i := 0
	for i+64 <= n && bytes.Equal(x[len(x)-i-64:len(x)-i], y[len(y)-i-64:len(y)-i]) {
		i += 64
	}
	for i < n && x[len(x)-i-1] == y[len(y)-i-1] {
		i++
	}
	return i
}

// shifter copies the nodes of a tree that end after at, moving their
// positions at or after at by d; nodes that end before are shared. A run
// of bindings of one list may be replaced.
// parallelCopy is the number of bindings after a run from which two
// cores copy them.
const parallelCopy = 1024

type shifter struct {
	at, d int
	all   bool // copying nodes that start after at: no node is kept
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
		c.Lbrack, c.Rbrack, c.Stop = s.pos(c.Lbrack), s.pos(c.Rbrack), s.pos(c.Stop)
		if len(x.Elems) > 0 {
			c.Elems = grab(&s.exprs, len(x.Elems))
			for i, e := range x.Elems {
				c.Elems[i] = s.expr(e)
			}
		}
		return c
	case *AttrSet:
		c := put(&s.attrSets, *x)
		c.Rec, c.Lbrace, c.Rbrace, c.Stop = s.pos(c.Rec), s.pos(c.Lbrace), s.pos(c.Rbrace), s.pos(c.Stop)
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
		c.Dot, c.OrPos = s.pos(c.Dot), s.pos(c.OrPos)
		c.Path = s.path(x.Path)
		c.Default = s.expr(x.Default)
		return c
	case *HasAttr:
		c := *x
		c.X = s.expr(x.X)
		c.Question = s.pos(c.Question)
		c.Path = s.path(x.Path)
		return &c
	case *Apply:
		return put(&s.applies, Apply{Fn: s.expr(x.Fn), Arg: s.expr(x.Arg)})
	case *Unary:
		c := *x
		c.OpPos = s.pos(c.OpPos)
		c.X = s.expr(x.X)
		return &c
	case *Binary:
		c := put(&s.binaries, *x)
		c.X = s.expr(x.X)
		c.OpPos = s.pos(c.OpPos)
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
	c.Open, c.Close, c.Stop = s.pos(c.Open), s.pos(c.Close), s.pos(c.Stop)
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
			c.Start, c.Stop = s.pos(c.Start), s.pos(c.Stop)
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
	c.Dollar, c.Rbrace, c.Stop = s.pos(c.Dollar), s.pos(c.Rbrace), s.pos(c.Stop)
	c.X = s.expr(x.X)
	return c
}

func (s *shifter) name(x *AttrName) *AttrName {
	if s.keep(x) {
		return x
	}
	return put(&s.names, AttrName{Ident: s.identOrNil(x.Ident), String: s.str(x.String), Interp: s.interp(x.Interp)})
}

func (s *shifter) identOrNil(x *Ident) *Ident {
	if x == nil {
		return nil
	}
	return s.ident(x)
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
	out = append(out, list[:s.lo]...)
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
		c.Eq, c.Semi, c.Stop = s.pos(c.Eq), s.pos(c.Semi), s.pos(c.Stop)
		c.Value = s.expr(b.Value)
		c.Doc = s.comment(b.Doc)
		return c
	case *Inherit:
		c := put(&s.inherits, *b)
		c.Inherit, c.Lparen, c.Rparen, c.Semi, c.Stop = s.pos(c.Inherit), s.pos(c.Lparen), s.pos(c.Rparen), s.pos(c.Semi), s.pos(c.Stop)
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
