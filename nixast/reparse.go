package nixast

import (
	"bytes"
	"slices"
	"sort"
)

// Reparse parses src, the text of old after an edit. When the edit only
// changes whitespace between tokens, or touches a run of bindings of a set
// or let (one binding edited inside, bindings added, removed or rewritten
// between two that stay), only that run is parsed again: the nodes before
// it are shared with old, the nodes after it are copied with their
// positions moved, and the duplicate checks that reported errors in old run
// again. Old errors must be duplicates, lie in the text parsed again, or
// lie before the binding next to it.
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
	mode := modeFor(src)
	if mode != parsePlain || old == nil || old.tokens.len() == 0 {
		return parse(name, src, mode)
	}
	// As many tokens per byte as old, and a little room: the estimate from
	// the size alone fell short for most modules, whose tokens were then
	// copied into a slice half again as large, on every keystroke.
	n := int(int64(old.tokens.len()) * int64(len(src)) / int64(max(1, len(old.Src))))
	return parseWith(nil, nil, name, src, mode, n+n/16+16)
}

// reparseMin is the size below which Reparse just parses. A keystroke in
// the middle of an 11 KB module reparses in 47 us and 90 KB, against 280 us
// and 282 KB for a parse: the edits of modules, the most common, were a
// tenth parsing.
const reparseMin = 4 << 10

// compactAfter is how many versions may share nodes that Reparse copied
// for the version before them, before one is copied whole. Such a shared
// node keeps alive the chunk it was copied into, whose other nodes, copied
// again since, still point into their own chunks, and so on: a file edited
// from top to bottom kept every version's copy (a 300 KB package set after
// 40 edits: 65 MB instead of the 3.3 MB of a fresh parse; a 1.5 MB one after
// 300 edits at random places: 60 MB instead of 15), all of it for the
// collector to mark. Typing in one place shares no copied node (each
// keystroke parses the same binding again) and copies no more than before.
const compactAfter = 4

// shifterFor returns the shifter of the version after old, whose nodes
// that end before sharedEnd are shared, with the version's copied and pins
// (see File).
func shifterFor(old *File, at, d, sharedEnd int) (sh *shifter, copied, pins int) {
	pins = old.pins
	if old.copied > 0 && old.copied-1 < sharedEnd {
		pins++
	}
	if pins < compactAfter {
		return &shifter{at: at, d: d}, at + d + 1, pins
	}
	return &shifter{at: at, d: d, all: true}, 1, 0
}

func reparse(old *File, name string, src []byte, minSize int) *File {
	if old == nil || old.tokens.none() || len(old.Trailing) > 0 ||
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
		if 8*(lists[i].depth+1) > MaxDepth {
			continue // too deep to hold any run (see replaceRun)
		}
		f, tooDeep := replaceRun(old, name, src, a, b, d, lists[i], 0)
		if f != nil {
			return f
		}
		if tooDeep {
			// The lists around it hold this nesting too, each in a
			// larger run: the file is parsed whole. Trying each of
			// 4,000 nested sets outwards took a second per keystroke
			// in a 24 KB file.
			return nil
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
// nil (tooDeep: the run is nested too deeply to be parsed again alone).
func replaceRun(old *File, name string, src []byte, a, b, d int, ctx listCtx, grow int) (f *File, tooDeep bool) {
	list := ctx.list
	lo := sort.Search(len(list), func(i int) bool { return list[i].End() >= a })
	hi := sort.Search(len(list), func(i int) bool { return list[i].Pos() > b })
	if hi < lo {
		hi = lo
	}
	hi = min(hi+grow, len(list))
	toks := old.tokens
	var from, to, i0 int
	var far []Error
	// The parser reports some errors of a run at the first token after it
	// (which it found unexpected), and some of the binding before it at the
	// run's first token: the run then takes in the binding on that side.
	// An error before the binding on the run's left (a binding left
	// broken above) is the one Parse reports there: the tokens up to the
	// run are the same. One after the run may name a place that moved
	// (… of the 'if' at 2470:12): the run is not parsed again alone.
	start, end := listRegion(ctx.container)
	for tries := 0; ; tries++ {
		from, to = start, end
		if lo > 0 {
			from = list[lo-1].End()
		}
		if hi < len(list) {
			to = list[hi].Pos()
		}
		i0 = toks.search(from)
		if i0 >= toks.len() {
			return nil, false
		}
		first := toks.at(i0).Pos()
		// Before the binding next to the run, or the list itself.
		before := listPos(ctx.container)
		if lo > 0 {
			before = list[lo-1].Pos()
		}
		far = far[:0]
		e, outside := errorOutside(old, first, to, func(e Error) bool {
			if e.End < before {
				far = append(far, e)
				return true
			}
			return false
		})
		switch {
		case !outside:
		case tries == 2:
			return nil, false
		case e.Pos >= to && hi < len(list) && e.End <= list[hi].End():
			hi++
			continue
		case e.Pos <= first && e.End <= to && lo > 0 && e.Pos >= list[lo-1].Pos():
			lo--
			continue
		default:
			return nil, false
		}
		break
	}
	newTo := to + d
	if from > a || to < b || newTo < from || newTo > len(src) {
		return nil, false
	}
	// The run's text must not lex into the token before it: that is a ';'
	// or an opening brace, or the text starts with a space. (Its end is
	// checked by scanBetween.)
	i1 := toks.search(to)
	if i0 == 0 || i1 >= toks.len() || i1 < i0 {
		return nil, false
	}
	// Emptied, it joins the tokens around it, which may then lex as one.
	if prev := toks.at(i0 - 1).Kind; prev != SEMI && prev != LBRACE {
		if newTo > from && charClass[src[from]]&clSpace == 0 || newTo == from && to > from {
			return nil, false
		}
	}
	sub, lexErrs := scanBetween(src, from, newTo)
	if sub == nil {
		return nil, false
	}
	newToks := toks.splice(i0, i1, sub, d)
	if lo == 0 && !staysSet(ctx.container, newToks) {
		return nil, false
	}
	base := int(newToks.at(i0 - 1).end)
	lines := old.Lines.Edited(src, a, b, d)
	q, ti := parseRun(src, base, newTo, newToks, lines, old.Root, ctx, i0, len(sub), runWindow)
	if q.sawWindowEnd {
		// The run read past the tokens it was given: again with all of
		// them, as Parse sees them.
		q.releaseAttrs()
		q, ti = parseRun(src, base, newTo, newToks, lines, old.Root, ctx, i0, len(sub), newToks.len())
	}
	// The run's attribute trees serve recheck, and no File keeps them.
	defer q.releaseAttrs()
	if ti > i0+len(sub) && grow < 2 && hi < len(list) {
		// The run's last binding read on into the next one (a value typed
		// up to a '.' takes the next binding's name): take that one in.
		return replaceRun(old, name, src, a, b, d, ctx, grow+1)
	}
	// A version whose chains may be too deep is parsed whole, which
	// measures them (checkHeight); the count of a Reparse is an upper bound.
	if q.maxDepth+8*(ctx.depth+1) > MaxDepth {
		return nil, true
	}
	if ti != i0+len(sub) || old.chainOps+q.chainOps > chainsMeasured {
		return nil, false
	}
	// The binding after the run takes its doc comment from the run's end.
	var doc *Comment
	if hi < len(list) {
		doc = q.docBefore()
	}
	runNew := append([]Binding(nil), q.bindStack...)
	// The attribute trees of the sets the run's parser checked go to
	// recheck, not into the tree: a list checked again that merges one of
	// them (a.b = 1; a = { … };) reads its tree as Parse does, rather
	// than building it again and reporting its duplicates twice.
	var runAttrs map[*AttrSet]*attrEntries
	if len(q.withAttrs) > 0 {
		runAttrs = make(map[*AttrSet]*attrEntries, len(q.withAttrs))
	}
	for _, set := range q.withAttrs {
		runAttrs[set] = set.attrs
		set.attrs = nil
	}
	sh, copied, pins := shifterFor(old, to, d, from)
	sh.runIn, sh.lo, sh.hi, sh.runNew, sh.runDoc = ctx.container, lo, hi, runNew, doc
	f = &File{
		Name:     name,
		Src:      src,
		tokens:   newToks,
		Root:     sh.expr(old.Root),
		Lines:    q.lines,
		nonPlain: shiftPositionsAround(old.nonPlain, from, to, d, q.nonPlain),
		copied:   copied,
		pins:     pins,
		chainOps: old.chainOps + q.chainOps,
	}
	f.setNewSyntax(shiftPositionsAround(old.newSyntaxAt, from, to, d, q.newSyntax))
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
	found := q.errs
	for _, e := range far {
		// Which of two errors at one place Parse keeps depends on the
		// order of the whole parse.
		if slices.ContainsFunc(old.Errors, func(o Error) bool { return o.Pos == e.Pos && o != e }) {
			return nil, false
		}
	}
	if len(far) > 0 {
		// The errors before the run, then the run's, as Parse reports them.
		found = append(slices.Clip(far), q.errs...)
	}
	return recheck(f, old, moved, from, newTo, func(owner int) bool { return owner != cpos || same }, more, found, lexErrs, runAttrs), false
}

// runWindow is how many tokens after a run Reparse gives the parser: a
// run that parses reads a token or two past its end; one that reads on
// (a value typed up to a '.' takes the next binding's name) is parsed
// again with every token when it reaches the window's end.
const runWindow = 256

// parseRun parses the bindings of a run, tokens i0 to i0+n-1 of toks, with
// the parser's tokens a window of toks: from the token before the run to
// after tokens past it (sawWindowEnd: the parser read past them). It
// returns the parser and the index in toks where it stopped.
func parseRun(src []byte, base, newTo int, toks tokenList, lines *LineIndex, root Node, ctx listCtx, i0, n, after int) (*parser, int) {
	w0, w1 := i0-1, min(toks.len(), i0+n+after)
	win := toks.appendRange(make([]Token, 0, w1-w0+1), w0, w1)
	partial := w1 < toks.len()
	if partial {
		end := win[len(win)-1].end
		win = append(win, Token{Kind: EOF, pos: end, end: end})[:len(win)]
	}
	q := &parser{src: src, str: string(src[base:newTo]), base: base, toks: win, lines: lines, stopAt: 1 + n, partial: partial}
	q.ti, q.tok = 1, win[1]
	q.prevEndAt = int(win[0].end)
	closer := RBRACE
	if ctx.isLet {
		closer = IN
	}
	q.closers = append(closersFor(root, ctx.container), closer)
	q.bindingList(closer, ctx.isLet)
	return q, w0 + q.ti
}

// listRegion returns where the bindings of a set or let may stand: from the
// end of its opening token to its closing one (-1, -1 when unknown).
func listRegion(n Node) (start, end int) {
	switch x := n.(type) {
	case *AttrSet:
		if x.Rbrace >= 0 {
			return int(x.Lbrace) + 1, int(x.Rbrace)
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
func staysSet(container Node, toks tokenList) bool {
	set, ok := container.(*AttrSet)
	if !ok || set.Rec >= 0 {
		return true // a let, or 'rec {': no formals there
	}
	i := toks.search(int(set.Lbrace))
	if i+2 >= toks.len() {
		return false
	}
	switch toks.at(i + 1).Kind {
	case INHERIT:
		return true
	case IDENT:
		k := toks.at(i + 2).Kind
		return k == ASSIGN || k == DOT
	}
	return false
}

// errorOutside returns an error of f that is no duplicate attribute
// (those are checked again), does not lie in the text parsed again (after
// its first token at first and before to; an error at the first token may
// come from what came before, which found it unexpected), and that keep
// does not take.
func errorOutside(f *File, first, to int, keep func(Error) bool) (Error, bool) {
	for _, e := range f.Errors {
		if e.owner == 0 && !(first < e.Pos && e.Pos < to && e.End <= to) && !keep(e) {
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
	k := toks.search(b)
	if k == 0 || k == toks.len() {
		return nil
	}
	from, to := int(toks.at(k-1).end), toks.at(k).Pos()
	// Both gaps non-empty: two tokens that touch could lex as one.
	if from > a || from == to || !allSpace(old.Src[from:to]) || from == to+d || !allSpace(src[from:to+d]) {
		return nil
	}
	sh, copied, pins := shifterFor(old, to, d, to)
	f := &File{
		Name:     name,
		Src:      src,
		tokens:   toks.splice(k, k, nil, d),
		Root:     sh.expr(old.Root),
		Lines:    old.Lines.Edited(src, a, b, d),
		nonPlain: shiftPositions(nil, old.nonPlain, to, d),
		copied:   copied,
		pins:     pins,
		chainOps: old.chainOps,
	}
	f.setNewSyntax(shiftPositions(nil, old.newSyntaxAt, to, d))
	moved := func(p int) int {
		if p >= to {
			return p + d
		}
		return p
	}
	// No name changed: every check finds what it found, moved.
	return recheck(f, old, moved, to, to+d, func(int) bool { return true }, nil, nil, nil, nil)
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
