package nixast

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Limits that keep parsing bounded on hostile input.
const (
	// MaxFileSize is the largest source Parse accepts, in bytes.
	MaxFileSize = 64 << 20
	// MaxErrors bounds the errors kept per file: a binary file would
	// otherwise have one per byte.
	MaxErrors = 100
	// MaxDepth bounds the parser's recursion: about MaxDepth/2 nested
	// brackets, or MaxDepth operators in a right-associative chain.
	MaxDepth = 4000
)

// streamThreshold is the size from which Parse scans and parses at once.
const streamThreshold = 256 << 10

// parseMode says how parse uses a second core; tests force each mode.
type parseMode uint8

const (
	parsePlain  parseMode = iota // scan, then parse
	parseStream                  // scan on another core while parsing, which may split
	parseSplit                   // as parseStream, and the parser always waits for a split
)

// mergeErrors puts the scanner's errors with the parser's, at most
// MaxErrors, dropping a parser error at the position of a scanner error: the
// scanner's says what is wrong there.
func mergeErrors(lex, parse []Error) []Error {
	at := make(map[int]bool, len(lex))
	for _, e := range lex {
		at[e.Pos] = true
	}
	out := make([]Error, 0, len(lex)+len(parse))
	out = append(out, lex...)
	for _, e := range parse {
		if !at[e.Pos] {
			out = append(out, e)
		}
	}
	if len(out) > MaxErrors {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Pos < out[j].Pos })
		out = out[:MaxErrors]
	}
	return out
}

// ParseWithoutTokens is Parse for files kept in memory in large numbers (a
// workspace index): the File keeps no tokens, which are a tenth of its size;
// File.AllTokens scans them again when needed.
//
// A file parsed on one core scans into a token slice from a pool, which it
// gives back: the index parses thousands of files, and every one's tokens
// were fresh memory, allocated and cleared, for the length of one parse.
func ParseWithoutTokens(name string, src []byte) *File {
	mode := modeFor(src)
	if mode != parsePlain || len(src) > MaxFileSize {
		// A second core may still read the tokens after parse returns.
		f := parse(name, src, mode)
		f.tokens = nil
		return f
	}
	sc := scratchPool.Get().(*scratch)
	f := parseWith(nil, sc, name, src, mode)
	scratchPool.Put(sc)
	return f
}

// scratch is memory that a parse uses only while it runs, for the next
// parse to use again: the tokens, when the File keeps none, and the brace
// matches.
type scratch struct {
	toks  []Token
	match []int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// AllTokens returns the file's tokens, trivia included: their texts
// concatenate to Src. The File keeps only the significant tokens; the
// trivia are the gaps between them.
func (f *File) AllTokens() []Token {
	if len(f.Src) > MaxFileSize {
		return tooLargeTokens(len(f.Src))
	}
	if f.tokens == nil {
		toks, _ := Scan(f.Src)
		return toks
	}
	out := make([]Token, 0, 2*len(f.tokens))
	prev := 0
	for _, t := range f.tokens {
		if int(t.pos) > prev {
			out = appendTrivia(out, f.Src, prev, int(t.pos))
		}
		out = append(out, t)
		prev = int(t.end)
	}
	return out
}

// tooLargeTokens covers a file above MaxFileSize with one ILLEGAL token.
func tooLargeTokens(n int) []Token {
	return []Token{{Kind: ILLEGAL, pos: 0, end: int32(n)}, {Kind: EOF, pos: int32(n), end: int32(n)}}
}

// Parse parses a Nix file. It never fails: the returned File always has a
// tree, and syntax errors are listed in File.Errors.
func Parse(name string, src []byte) *File {
	return parse(name, src, modeFor(src))
}

// modeFor returns how Parse parses src: a large file on two cores.
func modeFor(src []byte) parseMode {
	if len(src) >= streamThreshold && runtime.GOMAXPROCS(0) > 1 {
		return parseStream
	}
	return parsePlain
}

func parse(name string, src []byte, mode parseMode) *File {
	return parseWith(nil, nil, name, src, mode)
}

// parseWith parses src, with the memory of c when not nil (see Checker),
// and the scratch memory sc (c's own with a Checker), which makes a File
// without tokens. sc needs mode parsePlain.
func parseWith(c *Checker, sc *scratch, name string, src []byte, mode parseMode) *File {
	var f *File
	if c != nil {
		f = &c.file
		*f = File{Name: name, Src: src}
	} else {
		f = &File{Name: name, Src: src}
	}
	if len(src) > MaxFileSize {
		f.Lines = NewLineIndex(src)
		f.tokens = tooLargeTokens(len(src))
		f.Root = &BadExpr{From: 0, To: len(src)}
		f.Errors = []Error{{Pos: 0, End: 0, Msg: fmt.Sprintf("file is too large to parse: %d bytes (the limit is %d MiB)", len(src), MaxFileSize>>20), Related: -1}}
		return f
	}
	// Names and texts are substrings of src seen as a string, without a copy:
	// src must not change after Parse (as for the File that keeps it).
	str := ""
	if len(src) > 0 {
		str = unsafe.String(&src[0], len(src))
	}
	var p *parser
	if c != nil {
		p = c.start(src, str)
		sc = &c.scratch
	} else {
		p = &parser{src: src, str: str, lines: NewLineIndex(src)}
	}
	p.scratch = sc
	var lexErrs []Error
	if mode != parsePlain {
		// A large file is scanned on another core while it is parsed; that
		// core then parses the rest of the file's largest set from a split
		// point it chose while scanning (see splice).
		st := &tokenStream{done: make(chan struct{}), split: &splitState{parsed: make(chan struct{}), wait: mode == parseSplit}}
		p.stream = st
		go func() {
			toks, _ := scan(src, false, st)
			close(st.done)
			if sp := st.split.at.Load(); sp != nil && st.split.state.CompareAndSwap(splitIdle, splitRunning) {
				st.split.result = parseFrom(src, str, toks, p.lines, *sp, &st.split.state)
				close(st.split.parsed)
			}
		}()
	} else {
		var buf []Token
		if sc != nil {
			buf = sc.toks
		}
		p.toks, lexErrs = scanInto(buf, src, false, nil)
		p.presize(p.toks)
	}
	p.ti = -1
	p.next()
	f.Root = p.parseExpr()
	if p.tok.Kind != EOF {
		p.errorf(p.tok.Pos(), p.tok.End(), "unexpected %s after the end of the expression: a Nix file holds exactly one expression", p.describe(p.tok))
		// Parse what follows anyway, so that its bindings stay visible.
		p.quiet = true
		for p.tok.Kind != EOF {
			start := p.ti
			if p.startsSimple(p.tok, 0) || p.tok.Kind == LET || p.tok.Kind == WITH || p.tok.Kind == ASSERT || p.tok.Kind == IF || p.tok.Kind == NOT || p.tok.Kind == MINUS {
				f.Trailing = append(f.Trailing, p.parseExpr())
			}
			if p.ti == start {
				p.next()
			}
		}
	}
	if p.stream != nil {
		// A second parser not yet done is of no more use.
		if !p.stream.split.state.CompareAndSwap(splitIdle, splitDropped) {
			p.stream.split.state.CompareAndSwap(splitRunning, splitDropped)
		}
		<-p.stream.done
		p.toks = *p.stream.published.Load()
		lexErrs = p.stream.errs
	}
	f.tokens = p.toks
	f.Lines = p.lines
	p.errs = mergeErrors(lexErrs, p.errs)
	// The attribute trees served the duplicate checks; the File keeps none.
	for _, set := range p.withAttrs {
		set.attrs = nil
	}
	sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Pos < p.errs[j].Pos })
	f.Errors = p.errs
	f.NewSyntax = p.newSyntax
	sort.Ints(p.nonPlain)
	f.nonPlain = p.nonPlain
	if sc != nil {
		if cap(p.toks) > cap(sc.toks) {
			sc.toks = p.toks[:0]
		}
		f.tokens = nil
	}
	if c != nil {
		c.finish()
	}
	return f
}

// splitState coordinates the second parser of a streamed file with the
// first: whichever comes first to the split point claims it.
type splitState struct {
	at     atomic.Pointer[splitPoint] // published by the scanner
	state  atomic.Int32
	parsed chan struct{} // closed when result is set
	result *splitResult
	wait   bool // the first parser waits for the second to start (parseSplit)
}

const (
	splitIdle    = iota // the second parser has not started
	splitRunning        // it runs; the first parser waits for it at the split point
	splitDropped        // the first parser goes on alone
)

// splitResult is what the second parser found from the split point to the
// end of the set: used only if it met no error.
type splitResult struct {
	ok        bool
	binds     []Binding
	keys      []string
	ti        int
	tok       Token
	prevEndAt int
	maxDepth  int
	newSyntax bool
	withAttrs []*AttrSet
	nonPlain  []int
}

// parseFrom parses the bindings from sp to the end of their set, as the
// first parser would, on the scanner's core.
func parseFrom(src []byte, str string, toks []Token, lines *LineIndex, sp splitPoint, state *atomic.Int32) *splitResult {
	q := &parser{src: src, str: str, toks: toks, lines: lines, abort: state}
	q.ti, q.tok = sp.start-1, toks[sp.start-1]
	q.next()
	q.pushCloser(RBRACE)
	q.bindingList(RBRACE, false)
	return &splitResult{
		ok:    len(q.errs) == 0 && !q.tooDeep && state.Load() == splitRunning,
		binds: q.bindStack, keys: q.keyStack,
		ti: q.ti, tok: q.tok, prevEndAt: q.prevEndAt,
		maxDepth: q.maxDepth, newSyntax: q.newSyntax, withAttrs: q.withAttrs, nonPlain: q.nonPlain,
	}
}

// splice takes the second parser's bindings when the first parser reaches
// the split point inside the set whose '{' is token lbrace. It reports
// whether it moved the parser to the end of the set.
func (p *parser) splice(lbrace int) bool {
	sp := p.stream.split.at.Load()
	if sp == nil || sp.start != p.ti || sp.lbrace != lbrace {
		return false
	}
	st := p.stream.split
	for st.wait && st.state.Load() == splitIdle {
		runtime.Gosched()
	}
	if st.state.CompareAndSwap(splitIdle, splitDropped) {
		return false // the second parser has not started: go on alone
	}
	<-st.parsed
	r := st.result
	// Deeper here than the second parser was, its input may be too deep.
	if !r.ok || p.depth+r.maxDepth > MaxDepth {
		return false
	}
	p.bindStack = append(p.bindStack, r.binds...)
	p.keyStack = append(p.keyStack, r.keys...)
	p.withAttrs = append(p.withAttrs, r.withAttrs...)
	p.nonPlain = append(p.nonPlain, r.nonPlain...)
	p.newSyntax = p.newSyntax || r.newSyntax
	p.maxDepth = max(p.maxDepth, p.depth+r.maxDepth)
	p.ti, p.tok, p.prevEndAt = r.ti, r.tok, r.prevEndAt
	splices.Add(1)
	return true
}

// splices counts the splices made, for tests.
var splices atomic.Int64

type parser struct {
	src       []byte
	toks      []Token // the significant tokens: no whitespace or comments
	str       string  // src, converted once: names and texts are substrings of it
	base      int     // the offset in src of str (Reparse parses one binding's copy)
	stopAt    int     // Reparse: the token where the run of bindings it parses ends (0: none)
	ti        int     // index in toks of the current token
	prevEndAt int     // end of the previous significant token
	tok       Token
	lines     *LineIndex
	errs      []Error
	depth     int
	maxDepth  int
	tooDeep   bool
	closers   []Kind // closing tokens that enclosing constructs wait for
	newSyntax bool
	quiet     bool       // after the first unrecoverable error at the top level
	match     []int32    // for a '{' at sig index i, the sig index of its '}'; built on first need
	withAttrs []*AttrSet // sets whose attribute tree was built, to forget after parsing
	// sideAttrs, when not nil, holds the attribute trees instead of the
	// sets: Reparse checks sets again that other Files share.
	sideAttrs map[*AttrSet]*attrEntries
	nonPlain  []int // where sets and lets start whose bindings share a first name
	stream    *tokenStream
	abort     *atomic.Int32 // for a second parser: stop when no longer splitRunning
	scratch   *scratch      // memory to use for the tokens and brace matches, if any
	slabs
}

// text returns a token's source text without copying.
func (p *parser) text(t Token) string {
	i, j := int(t.pos)-p.base, int(t.end)-p.base
	if i < 0 || j > len(p.str) {
		// Reparse's parser read past the binding it parses again: the
		// result is dropped, any text does.
		return string(p.src[t.pos:t.end])
	}
	return p.str[i:j]
}

// has reports whether token i exists, waiting for the scanner when the
// tokens are still coming.
func (p *parser) has(i int) bool {
	return i < len(p.toks) || p.wait(i)
}

// wait is has's slow path.
func (p *parser) wait(i int) bool {
	if p.stream == nil {
		return false
	}
	for spins := 0; ; spins++ {
		if t := p.stream.published.Load(); t != nil && len(*t) > len(p.toks) {
			p.toks = *t
			if i < len(p.toks) {
				return true
			}
		}
		select {
		case <-p.stream.done:
			p.toks = *p.stream.published.Load()
			return i < len(p.toks)
		default:
		}
		if spins > 64 {
			runtime.Gosched()
		}
	}
}

// next moves to the next significant token; at EOF it stays.
func (p *parser) next() {
	i := p.ti + 1
	if !p.has(i) {
		return
	}
	if p.ti >= 0 {
		p.prevEndAt = int(p.tok.end)
	}
	p.ti, p.tok = i, p.toks[i]
}

// peek returns the n-th significant token after the current one (EOF past
// the end).
func (p *parser) peek(n int) Token {
	i := p.ti + n
	if !p.has(i) {
		return p.toks[len(p.toks)-1]
	}
	return p.toks[i]
}

// prevEnd returns the end of the previous significant token.
func (p *parser) prevEnd() int { return p.prevEndAt }

func (p *parser) errorf(pos, end int, format string, args ...any) {
	if p.quiet || len(p.errs) >= MaxErrors {
		return
	}
	// One error per position keeps a cascade from burying the first cause.
	if n := len(p.errs); n > 0 && p.errs[n-1].Pos == pos {
		return
	}
	p.errs = append(p.errs, Error{Pos: pos, End: end, Msg: fmt.Sprintf(format, args...), Related: -1})
}

// markLast classifies the error just reported at pos (if it was kept).
func (p *parser) markLast(kind ErrorKind, related int) {
	if n := len(p.errs); n > 0 {
		p.errs[n-1].Kind = kind
		p.errs[n-1].Related = related
	}
}

// at formats a position as LINE:COL for messages.
func (p *parser) at(off int) string {
	l, c := p.lines.Position(off)
	return fmt.Sprintf("%d:%d", l+1, c+1)
}

func (p *parser) describe(t Token) string {
	switch t.Kind {
	case EOF:
		return "end of file"
	case IDENT:
		return "identifier `" + p.text(t) + "`"
	case INT, FLOAT:
		return "number " + p.text(t)
	case PATH, HPATH, SPATH, PATH_TEXT:
		return "path " + p.text(t)
	case URI:
		return "URI " + p.text(t)
	case STRING_OPEN:
		return "string"
	case IND_STRING_OPEN:
		return "indented string"
	case ILLEGAL:
		return "character " + quoteChar(p.src[t.Pos():t.End()])
	}
	return t.Kind.String()
}

// expect consumes a token of kind k and returns its position, or reports
// what is missing and returns -1.
func (p *parser) expect(k Kind, context string) int {
	if p.tok.Kind == k {
		pos := p.tok.Pos()
		p.next()
		return pos
	}
	p.errorf(p.tok.Pos(), p.tok.End(), "expected %s %s, found %s", k, context, p.describe(p.tok))
	return -1
}

func (p *parser) pushCloser(k Kind) { p.closers = append(p.closers, k) }
func (p *parser) popCloser()        { p.closers = p.closers[:len(p.closers)-1] }

// depthOfSet returns how many enclosing constructs wait for '}'.
func (p *parser) depthOfSet() int {
	n := 0
	for _, k := range p.closers {
		if k == RBRACE {
			n++
		}
	}
	return n
}

// awaited reports whether an enclosing construct waits for a token of kind k.
func (p *parser) awaited(k Kind) bool {
	for i := len(p.closers) - 1; i >= 0; i-- {
		if p.closers[i] == k {
			return true
		}
	}
	return false
}

// skipTo skips tokens, keeping brackets balanced, until a token in stop, an
// awaited closer, or the end of the file.
func (p *parser) skipTo(stop ...Kind) {
	depth := 0
	for p.tok.Kind != EOF {
		k := p.tok.Kind
		if depth == 0 {
			for _, s := range stop {
				if k == s {
					return
				}
			}
			if (k == RBRACE || k == RBRACK || k == RPAREN || k == IN) && p.awaited(k) {
				return
			}
		}
		switch k {
		case LBRACE, LBRACK, LPAREN, DOLLAR_CURLY:
			depth++
		case RBRACE, RBRACK, RPAREN:
			if depth > 0 {
				depth--
			}
		}
		p.next()
	}
}

// enter guards recursion; callers must call leave when it returns true.
func (p *parser) enter() bool {
	p.depth++
	p.maxDepth = max(p.maxDepth, p.depth)
	if p.depth > MaxDepth {
		p.depth--
		if !p.tooDeep {
			p.tooDeep = true
			p.errorf(p.tok.Pos(), p.tok.End(), "expression nested too deeply (more than %d levels); the rest of this part is not parsed", MaxDepth/2)
		}
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// skipNested skips the rest of a too-deep region: until a closer that no
// skipped opener matches.
func (p *parser) skipNested() Expr {
	from := p.tok.Pos()
	depth := 0
	for p.tok.Kind != EOF {
		switch p.tok.Kind {
		case LBRACE, LBRACK, LPAREN, DOLLAR_CURLY, LET:
			depth++
		case RBRACE, RBRACK, RPAREN, IN:
			if depth == 0 {
				return &BadExpr{From: from, To: p.prevEnd()}
			}
			depth--
		case SEMI:
			if depth == 0 {
				return &BadExpr{From: from, To: p.prevEnd()}
			}
		}
		p.next()
	}
	return &BadExpr{From: from, To: p.prevEnd()}
}

// bad stands for a missing expression, placed right after the last token
// read so that it stays inside the construct that misses it.
func (p *parser) bad() Expr {
	return &BadExpr{From: p.prevEnd(), To: p.prevEnd()}
}

// docBefore returns the /** */ comment that directly precedes the current
// token, with only whitespace between.
func (p *parser) docBefore() *Comment {
	from, to := 0, int(p.tok.pos)
	if p.ti > 0 {
		from = int(p.toks[p.ti-1].end)
	}
	if from == to {
		return nil
	}
	var buf [8]Token
	gap := appendTrivia(buf[:0], p.src, from, to)
	t := gap[len(gap)-1]
	if t.Kind == WHITESPACE && len(gap) > 1 {
		t = gap[len(gap)-2]
	}
	if t.Kind != COMMENT {
		return nil
	}
	text := p.text(t)
	if strings.HasPrefix(text, "/**") && text != "/**/" {
		return put(&p.comments, Comment{Start: t.Pos(), Stop: t.End(), Text: text})
	}
	return nil
}

// parseExpr parses expr_function: lambdas, let, with, assert, then if and
// operators.
func (p *parser) parseExpr() Expr {
	// Not deferred: leave runs on every return, and defer showed in profiles.
	if !p.enter() {
		return p.skipNested()
	}
	x := p.parseExprInner()
	p.leave()
	return x
}

func (p *parser) parseExprInner() Expr {
	if p.bindingAhead() {
		// `name = ...` never starts an expression: the previous binding
		// lacks its value or its ';'. Leave the binding to the caller.
		p.errorf(p.tok.Pos(), p.tok.End(), "expected an expression, found the binding of `%s`", p.text(p.tok))
		return p.bad()
	}
	switch p.tok.Kind {
	case IDENT:
		switch p.peek(1).Kind {
		case COLON:
			doc := p.docBefore()
			param := p.ident()
			colon := p.tok.Pos()
			p.next()
			return put(&p.lambdas, Lambda{Param: param, At: -1, Colon: colon, Body: p.parseExpr(), Doc: doc})
		case AT:
			doc := p.docBefore()
			param := p.ident()
			at := p.tok.Pos()
			p.next()
			if p.tok.Kind == IDENT && p.peek(1).Kind == AT {
				p.errorf(p.tok.Pos(), p.peek(1).End(), "a function takes one '@' name, not two")
				p.next()
				p.next()
			}
			if p.tok.Kind != LBRACE {
				p.errorf(p.tok.Pos(), p.tok.End(), "expected '{' after '@' to start the formal parameters, found %s", p.describe(p.tok))
				return put(&p.lambdas, Lambda{Param: param, At: at, Colon: -1, Body: p.bad(), Doc: doc})
			}
			formals := p.parseFormals()
			return p.finishLambda(param, formals, at, doc)
		}
	case LBRACE:
		if p.looksLikeFormals() {
			doc := p.docBefore()
			formals := p.parseFormals()
			at := -1
			var param *Ident
			if p.tok.Kind == AT {
				at = p.tok.Pos()
				p.next()
				if p.tok.Kind == IDENT {
					param = p.ident()
				} else {
					p.errorf(p.tok.Pos(), p.tok.End(), "expected a name after '@', found %s", p.describe(p.tok))
				}
			}
			return p.finishLambda(param, formals, at, doc)
		}
	case ASSERT:
		pos := p.tok.Pos()
		p.next()
		p.pushCloser(SEMI)
		cond := p.parseExpr()
		p.popCloser()
		semi := p.expect(SEMI, "after the condition of 'assert'")
		return put(&p.asserts, Assert{AssertPos: pos, Cond: cond, Semi: semi, Body: p.parseExpr()})
	case WITH:
		pos := p.tok.Pos()
		p.next()
		p.pushCloser(SEMI)
		x := p.parseExpr()
		p.popCloser()
		semi := p.expect(SEMI, "after the expression of 'with'")
		return put(&p.withs, With{WithPos: pos, X: x, Semi: semi, Body: p.parseExpr()})
	case LET:
		if p.peek(1).Kind != LBRACE {
			pos := p.tok.Pos()
			p.next()
			p.pushCloser(IN)
			binds, plain := p.parseBindings(IN, true)
			p.popCloser()
			in := -1
			if p.tok.Kind == IN {
				in = p.tok.Pos()
				p.next()
			} else {
				p.errorf(p.tok.Pos(), p.tok.End(), "expected 'in' to end the 'let' at %s, found %s", p.at(pos), p.describe(p.tok))
			}
			x := put(&p.lets, Let{LetPos: pos, Bindings: binds, InPos: in})
			p.checkBindings(x, binds, plain)
			x.Body = p.parseExpr()
			return x
		}
	}
	return p.parseIf()
}

func (p *parser) finishLambda(param *Ident, formals *Formals, at int, doc *Comment) Expr {
	p.checkFormals(param, formals)
	colon := -1
	if p.tok.Kind == AT && p.peek(1).Kind == IDENT {
		p.errorf(p.tok.Pos(), p.peek(1).End(), "a function takes one '@' name, not two")
		p.next()
		p.next()
	}
	if p.tok.Kind == COLON {
		colon = p.tok.Pos()
		p.next()
	} else {
		p.errorf(p.tok.Pos(), p.tok.End(), "expected ':' after the function's parameters, found %s", p.describe(p.tok))
	}
	return put(&p.lambdas, Lambda{Param: param, Formals: formals, At: at, Colon: colon, Body: p.parseExpr(), Doc: doc})
}

// looksLikeFormals decides, at '{', between formal parameters and an attribute set.
func (p *parser) looksLikeFormals() bool {
	t1 := p.peek(1)
	switch t1.Kind {
	case ELLIPSIS:
		return true
	case RBRACE:
		k := p.peek(2).Kind
		return k == COLON || k == AT
	case INHERIT:
		return false
	case IDENT:
		switch p.peek(2).Kind {
		case COMMA, QUESTION:
			return true
		case ASSIGN, DOT:
			return false
		}
	}
	// Otherwise: formals when the matching '}' is followed by ':' or '@'.
	if p.match == nil {
		p.matchBraces()
	}
	m := int(p.match[p.ti])
	if m <= 0 {
		return false
	}
	save := p.ti
	p.ti = m
	k := p.peek(1).Kind
	p.ti = save
	return k == COLON || k == AT
}

// matchBraces pairs each '{' and '${' (by token index) with its '}'.
func (p *parser) matchBraces() {
	if p.stream != nil {
		<-p.stream.done // needs every token
		p.toks = *p.stream.published.Load()
	}
	if sc := p.scratch; sc != nil && cap(sc.match) >= len(p.toks) {
		p.match = sc.match[:len(p.toks)]
		clear(p.match)
	} else {
		p.match = make([]int32, len(p.toks))
		if sc != nil {
			sc.match = p.match
		}
	}
	var stack []int
	for i, t := range p.toks {
		switch t.Kind {
		case LBRACE, DOLLAR_CURLY:
			stack = append(stack, i)
		case RBRACE:
			if n := len(stack); n > 0 {
				p.match[stack[n-1]] = int32(i)
				stack = stack[:n-1]
			}
		}
	}
}

func (p *parser) ident() *Ident {
	id := put(&p.idents, Ident{NamePos: p.tok.Pos(), Name: p.text(p.tok)})
	p.next()
	return id
}

func (p *parser) parseFormals() *Formals {
	f := &Formals{Lbrace: p.tok.Pos(), Ellipsis: -1, Rbrace: -1}
	p.next()
	p.pushCloser(RBRACE)
	defer p.popCloser()
	for {
		switch p.tok.Kind {
		case RBRACE:
			f.Rbrace = p.tok.Pos()
			f.Stop = p.tok.End()
			p.next()
			return f
		case ELLIPSIS:
			if f.Ellipsis >= 0 {
				p.errorf(p.tok.Pos(), p.tok.End(), "'...' appears twice in the formal parameters")
			}
			f.Ellipsis = p.tok.Pos()
			p.next()
			if p.tok.Kind != RBRACE {
				p.errorf(p.tok.Pos(), p.tok.End(), "'...' must be the last of the formal parameters")
				if p.tok.Kind == COMMA {
					p.next()
				}
			}
		case IDENT:
			if f.Ellipsis >= 0 {
				p.errorf(p.tok.Pos(), p.tok.End(), "'...' must be the last of the formal parameters")
			}
			fm := &Formal{Name: p.ident(), Question: -1}
			if p.tok.Kind == QUESTION {
				fm.Question = p.tok.Pos()
				p.next()
				p.pushCloser(COMMA)
				fm.Default = p.parseExpr()
				p.popCloser()
			}
			f.List = append(f.List, fm)
			switch p.tok.Kind {
			case COMMA:
				p.next()
			case RBRACE:
			case SEMI:
				p.errorf(p.tok.Pos(), p.tok.End(), "formal parameters are separated by ',', not ';'")
				p.next()
			default:
				p.errorf(p.tok.Pos(), p.tok.End(), "expected ',' or '}' after the formal parameter `%s`, found %s", fm.Name.Name, p.describe(p.tok))
				if p.tok.Kind != IDENT {
					p.skipTo(COMMA, RBRACE, COLON)
					if p.tok.Kind == COMMA {
						p.next()
					}
				}
			}
		default:
			p.errorf(p.tok.Pos(), p.tok.End(), "expected a formal parameter name or '}', found %s", p.describe(p.tok))
			start := p.ti
			p.skipTo(COMMA, RBRACE, COLON)
			switch p.tok.Kind {
			case COMMA:
				p.next()
				continue
			case RBRACE:
				continue
			}
			if p.ti == start && p.tok.Kind != COLON && p.tok.Kind != EOF {
				p.next()
				continue
			}
			f.Stop = p.prevEnd()
			return f
		}
	}
}

func (p *parser) checkFormals(param *Ident, f *Formals) {
	seen := map[string]bool{}
	for _, fm := range f.List {
		if seen[fm.Name.Name] {
			p.errorf(fm.Name.Pos(), fm.Name.End(), "duplicate formal function argument `%s`", fm.Name.Name)
			p.markLast(ErrDuplicateFormal, -1)
		}
		seen[fm.Name.Name] = true
	}
	if param != nil && seen[param.Name] {
		p.errorf(param.Pos(), param.End(), "duplicate formal function argument `%s`: it is both the '@' name and a formal parameter", param.Name)
		p.markLast(ErrDuplicateFormal, -1)
	}
}

func (p *parser) parseIf() Expr {
	if p.tok.Kind != IF {
		return p.parsePipe()
	}
	x := put(&p.ifs, If{IfPos: p.tok.Pos(), ThenPos: -1, ElsePos: -1})
	p.next()
	p.pushCloser(THEN)
	x.Cond = p.parseExpr()
	p.popCloser()
	if p.tok.Kind == THEN {
		x.ThenPos = p.tok.Pos()
		p.next()
	} else {
		p.errorf(p.tok.Pos(), p.tok.End(), "expected 'then' after the condition of the 'if' at %s, found %s", p.at(x.IfPos), p.describe(p.tok))
	}
	p.pushCloser(ELSE)
	x.Then = p.parseExpr()
	p.popCloser()
	if p.tok.Kind == ELSE {
		x.ElsePos = p.tok.Pos()
		p.next()
		x.Else = p.parseExpr()
	} else {
		p.errorf(p.tok.Pos(), p.tok.End(), "expected 'else' after 'then' of the 'if' at %s (Nix has no 'if' without 'else'), found %s", p.at(x.IfPos), p.describe(p.tok))
		x.Else = &BadExpr{From: p.prevEnd(), To: p.prevEnd()}
	}
	return x
}

// parsePipe parses a |> b |> c (left) and f <| g <| a (right); the two do
// not mix without parentheses.
func (p *parser) parsePipe() Expr {
	x := p.parseOp(0)
	switch p.tok.Kind {
	case PIPE_INTO:
		p.newSyntax = true
		for p.tok.Kind == PIPE_INTO || p.tok.Kind == PIPE_FROM {
			if p.tok.Kind == PIPE_FROM {
				p.errorf(p.tok.Pos(), p.tok.End(), "'<|' cannot follow '|>' without parentheses")
			}
			op, pos := p.tok.Kind, p.tok.Pos()
			p.next()
			x = put(&p.binaries, Binary{X: x, OpPos: pos, Op: op, Y: p.parseOp(0)})
		}
	case PIPE_FROM:
		p.newSyntax = true
		operands := []Expr{x}
		var ops []Token
		for p.tok.Kind == PIPE_FROM || p.tok.Kind == PIPE_INTO {
			if p.tok.Kind == PIPE_INTO {
				p.errorf(p.tok.Pos(), p.tok.End(), "'|>' cannot follow '<|' without parentheses")
			}
			ops = append(ops, p.tok)
			p.next()
			operands = append(operands, p.parseOp(0))
		}
		x = operands[len(operands)-1]
		for i := len(ops) - 1; i >= 0; i-- {
			x = put(&p.binaries, Binary{X: operands[i], OpPos: ops[i].Pos(), Op: ops[i].Kind, Y: x})
		}
	}
	return x
}

type assoc uint8

const (
	assocLeft assoc = iota
	assocRight
	assocNone
)

// Binding strength of the binary operators, from parser.y's declarations.
const (
	precImpl   = 1
	precOr     = 2
	precAnd    = 3
	precEq     = 4
	precCmp    = 5
	precUpdate = 6
	precNot    = 7
	precAdd    = 8
	precMul    = 9
	precConcat = 10
	precHas    = 11
	precNeg    = 12
)

func binaryPrec(k Kind) (int, assoc) {
	switch k {
	case IMPL:
		return precImpl, assocRight
	case OR:
		return precOr, assocLeft
	case AND:
		return precAnd, assocLeft
	case EQ, NEQ:
		return precEq, assocNone
	case LT, GT, LEQ, GEQ:
		return precCmp, assocNone
	case UPDATE:
		return precUpdate, assocRight
	case PLUS, MINUS:
		return precAdd, assocLeft
	case STAR, SLASH:
		return precMul, assocLeft
	case CONCAT:
		return precConcat, assocRight
	case QUESTION:
		// The right side is an attribute path, so a ? b ? c chains to the left.
		return precHas, assocLeft
	}
	return 0, assocLeft
}

// parseOp parses operators binding at least as tightly as min.
func (p *parser) parseOp(min int) Expr {
	// Not deferred: leave runs on every return, and defer showed in profiles.
	if !p.enter() {
		return p.skipNested()
	}
	x := p.parseOpInner(min)
	p.leave()
	return x
}

func (p *parser) parseOpInner(min int) Expr {
	var x Expr
	switch p.tok.Kind {
	case NOT:
		pos := p.tok.Pos()
		p.next()
		x = &Unary{OpPos: pos, Op: NOT, X: p.parseOp(precNot + 1)}
	case MINUS:
		pos := p.tok.Pos()
		p.next()
		x = &Unary{OpPos: pos, Op: MINUS, X: p.parseOp(precNeg + 1)}
	default:
		x = p.parseApp()
	}
	lastNonAssoc := 0
	for {
		op := p.tok
		prec, as := binaryPrec(op.Kind)
		if prec == 0 || prec < min {
			return x
		}
		if as == assocNone && prec == lastNonAssoc {
			p.errorf(op.Pos(), op.End(), "%s cannot be chained: add parentheses to say which comparison comes first", op.Kind)
		}
		p.next()
		if op.Kind == QUESTION {
			x = &HasAttr{X: x, Question: op.Pos(), Path: p.parseAttrPath("after '?'")}
		} else {
			var y Expr
			if as == assocRight {
				y = p.parseOp(prec)
			} else {
				y = p.parseOp(prec + 1)
			}
			x = put(&p.binaries, Binary{X: x, OpPos: op.Pos(), Op: op.Kind, Y: y})
		}
		if as == assocNone {
			lastNonAssoc = prec
		} else {
			lastNonAssoc = 0
		}
	}
}

// startsSimple reports whether t can begin an expr_simple.
func (p *parser) startsSimple(t Token, i int) bool {
	switch t.Kind {
	case IDENT, INT, FLOAT, STRING_OPEN, IND_STRING_OPEN, PATH, HPATH, SPATH, URI,
		LPAREN, LBRACE, LBRACK, REC:
		return true
	case LET:
		return p.peek(i+1).Kind == LBRACE
	}
	return false
}

// bindingAhead reports whether the tokens from the current one on read as
// the start of a binding (attrpath followed by '='). In valid Nix an argument
// is never followed by '=', so stopping an application there only changes
// how broken code is understood: a missing ';' does not swallow the next line.
func (p *parser) bindingAhead() bool {
	// Walks token indices once (this runs before every expression).
	i := p.ti
	kind := func() Kind { return p.toks[i].Kind }
	advance := func() bool {
		i++
		return p.has(i)
	}
	for {
		switch kind() {
		case IDENT, OR_KW:
			if !advance() {
				return false
			}
		case STRING_OPEN:
			if !advance() {
				return false
			}
			for kind() == STRING_TEXT {
				if !advance() {
					return false
				}
			}
			if kind() != STRING_CLOSE || !advance() {
				return false
			}
		default:
			return false
		}
		switch kind() {
		case ASSIGN:
			return true
		case DOT:
			if !advance() {
				return false
			}
		default:
			return false
		}
	}
}

func (p *parser) parseApp() Expr {
	x := p.parseSelect()
	for p.startsSimple(p.tok, 0) {
		if p.bindingAhead() {
			break
		}
		x = put(&p.applies, Apply{Fn: x, Arg: p.parseSelect()})
	}
	return x
}

func (p *parser) parseSelect() Expr {
	x := p.parseSimple()
	switch p.tok.Kind {
	case DOT:
		dot := p.tok.Pos()
		p.next()
		s := put(&p.selects, Select{X: x, Dot: dot, Path: p.parseAttrPath("after '.'"), OrPos: -1})
		if p.tok.Kind == OR_KW {
			s.OrPos = p.tok.Pos()
			p.next()
			if p.startsSimple(p.tok, 0) {
				s.Default = p.parseSelect()
			} else {
				p.errorf(p.tok.Pos(), p.tok.End(), "expected a default value after 'or', found %s", p.describe(p.tok))
				s.Default = p.bad()
			}
		}
		return s
	case OR_KW:
		// The "cursed or": f or applies f to a variable named or.
		or := put(&p.idents, Ident{NamePos: p.tok.Pos(), Name: "or"})
		p.next()
		return put(&p.applies, Apply{Fn: x, Arg: or})
	}
	return x
}

func (p *parser) parseSimple() Expr {
	// Not deferred: leave runs on every return, and defer showed in profiles.
	if !p.enter() {
		return p.skipNested()
	}
	x := p.parseSimpleInner()
	p.leave()
	return x
}

func (p *parser) parseSimpleInner() Expr {
	t := p.tok
	switch t.Kind {
	case IDENT:
		return p.ident()
	case INT:
		p.next()
		raw := p.text(t)
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			p.errorf(t.Pos(), t.End(), "integer %s is too large: the largest is %d", raw, int64(math.MaxInt64))
		}
		return put(&p.ints, IntLit{ValuePos: t.Pos(), Raw: raw, Value: v})
	case FLOAT:
		p.next()
		raw := p.text(t)
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || (v != 0 && math.Abs(v) < 0x1p-1022) || (v == 0 && strings.ContainsAny(strings.SplitN(strings.ToLower(raw), "e", 2)[0], "123456789")) {
			p.errorf(t.Pos(), t.End(), "float %s is out of range", raw)
		}
		return &FloatLit{ValuePos: t.Pos(), Raw: raw, Value: v}
	case URI:
		p.next()
		return &URILit{ValuePos: t.Pos(), Raw: p.text(t)}
	case SPATH:
		p.next()
		return &SearchPath{ValuePos: t.Pos(), Raw: p.text(t)}
	case STRING_OPEN, IND_STRING_OPEN:
		return p.parseString()
	case PATH, HPATH:
		return p.parsePath()
	case LPAREN:
		p.next()
		x := put(&p.parens, Paren{Lparen: t.Pos(), Rparen: -1})
		p.pushCloser(RPAREN)
		x.X = p.parseExpr()
		p.popCloser()
		if p.tok.Kind == RPAREN {
			x.Rparen = p.tok.Pos()
			p.next()
		} else {
			p.errorf(p.tok.Pos(), p.tok.End(), "expected ')' to close the '(' at %s, found %s", p.at(t.Pos()), p.describe(p.tok))
		}
		x.Stop = p.prevEnd()
		return x
	case LBRACK:
		return p.parseList()
	case REC:
		p.next()
		if p.tok.Kind != LBRACE {
			p.errorf(p.tok.Pos(), p.tok.End(), "expected '{' after 'rec', found %s", p.describe(p.tok))
			return &BadExpr{From: t.Pos(), To: t.End()}
		}
		s := p.parseAttrSet()
		s.Rec = t.Pos()
		return s
	case LBRACE:
		return p.parseAttrSet()
	case DOLLAR_CURLY:
		in := p.parseInterp()
		p.errorf(in.Pos(), in.End(), "'${' outside a string: write \"${...}\" to make a string, or drop the ${ }")
		return &BadExpr{From: in.Pos(), To: in.End()}
	case LET:
		if p.peek(1).Kind == LBRACE {
			p.next()
			lbrace := p.tok.Pos()
			p.next()
			x := &LegacyLet{Let: t.Pos(), Lbrace: lbrace, Rbrace: -1}
			p.pushCloser(RBRACE)
			var plain bool
			x.Bindings, plain = p.parseBindings(RBRACE, false)
			p.popCloser()
			p.closeBrace(&x.Rbrace, lbrace, "'let {'")
			x.Stop = p.prevEnd()
			p.checkBindings(x, x.Bindings, plain)
			return x
		}
	}
	p.errorf(t.Pos(), t.End(), "expected an expression, found %s", p.describe(t))
	if t.Kind == ILLEGAL || t.Kind == PATH_END || t.Kind == DOLLAR_CURLY {
		p.next()
		return &BadExpr{From: t.Pos(), To: t.End()}
	}
	return p.bad()
}

func (p *parser) closeBrace(rbrace *int, lbrace int, what string) {
	if p.tok.Kind == RBRACE {
		*rbrace = p.tok.Pos()
		p.next()
		return
	}
	p.errorf(p.tok.Pos(), p.tok.End(), "expected '}' to close the %s at %s, found %s", what, p.at(lbrace), p.describe(p.tok))
}

func (p *parser) parseList() Expr {
	x := put(&p.lists, List{Lbrack: p.tok.Pos(), Rbrack: -1})
	p.next()
	p.pushCloser(RBRACK)
	// The first elements stay on the stack; a longer list goes on in
	// chunks that double and are copied once, at the end (append copied a
	// list of millions of elements again at each growth).
	var buf [16]Expr
	elems := buf[:0]
	var more chunks[Expr]
	add := func(e Expr) {
		if len(elems) < cap(elems) {
			elems = append(elems, e)
		} else {
			more.add(e)
		}
	}
	defer func() {
		p.popCloser()
		if more.n == 0 {
			x.Elems = carve(&p.exprs, elems)
			return
		}
		x.Elems = grab(&p.exprs, len(elems)+more.n)
		i := copy(x.Elems, elems)
		for _, c := range more.full {
			i += copy(x.Elems[i:], c)
		}
		copy(x.Elems[i:], more.cur)
	}()
	for {
		switch {
		case p.tok.Kind == RBRACK:
			x.Rbrack = p.tok.Pos()
			p.next()
			x.Stop = p.prevEnd()
			return x
		case p.bindingAhead() || p.tok.Kind == INHERIT:
			p.errorf(x.Lbrack, x.Lbrack+1, "this '[' is never closed: expected ']' before the binding at %s", p.at(p.tok.Pos()))
			x.Stop = p.prevEnd()
			return x
		case p.startsSimple(p.tok, 0):
			add(p.parseSelect())
		case p.tok.Kind == EOF || p.awaited(p.tok.Kind) || p.tok.Kind == SEMI:
			p.errorf(p.tok.Pos(), p.tok.End(), "expected ']' to close the list at %s, found %s", p.at(x.Lbrack), p.describe(p.tok))
			x.Stop = p.prevEnd()
			return x
		case p.tok.Kind == MINUS:
			p.errorf(p.tok.Pos(), p.tok.End(), "a list element cannot start with '-': write a negative number or a subtraction in parentheses, as in [ (-1) ]")
			e := p.parseOp(0)
			add(e)
		case p.tok.Kind == COMMA:
			p.errorf(p.tok.Pos(), p.tok.End(), "unexpected ',' in a list: list elements are separated by spaces only")
			p.next()
		default:
			p.errorf(p.tok.Pos(), p.tok.End(), "unexpected %s in a list: an element that is not a name, literal or bracketed expression needs parentheses", p.describe(p.tok))
			e := p.parseExpr()
			if p.ti == 0 || e.End() == e.Pos() && p.tok.Kind != RBRACK {
				p.next()
			}
			add(e)
		}
	}
}

func (p *parser) parseAttrSet() *AttrSet {
	x := put(&p.attrSets, AttrSet{Rec: -1, Lbrace: p.tok.Pos(), Rbrace: -1})
	p.next()
	p.pushCloser(RBRACE)
	var plain bool
	x.Bindings, plain = p.parseBindings(RBRACE, false)
	// "}; name = ..." where no binding awaits a ';' means this '}' is one
	// too many: report it and keep the set open.
	for p.tok.Kind == RBRACE && p.peek(1).Kind == SEMI && p.peek(2).Kind != EOF && !p.awaited(SEMI) && p.depthOfSet() == 1 {
		p.errorf(p.tok.Pos(), p.tok.End(), "unexpected '}' followed by ';': the attribute set at %s goes on after it", p.at(x.Lbrace))
		p.next()
		p.next()
		more, _ := p.parseBindings(RBRACE, false)
		x.Bindings = append(x.Bindings, more...)
		// The names of both parts together decide, as Reparse decides.
		var keys []string
		for _, b := range x.Bindings {
			keys = firstNames(b, keys)
		}
		plain = !repeats(keys)
	}
	p.popCloser()
	p.closeBrace(&x.Rbrace, x.Lbrace, "attribute set")
	x.Stop = p.prevEnd()
	p.checkBindings(x, x.Bindings, plain)
	return x
}

// parseBindings parses bindings until end ('}' or 'in'). plain is true
// when no two bindings start with the same name: then no attribute can be
// a duplicate or merge (see checkBindings).
func (p *parser) parseBindings(end Kind, isLet bool) (binds []Binding, plain bool) {
	// Bindings collect on a stack shared by nested sets, then move to a
	// slice of their own exact size. Their first names collect likewise
	// while they are fresh in the cache, for the duplicate check.
	base, kbase := len(p.bindStack), len(p.keyStack)
	p.bindingList(end, isLet)
	binds = carve(&p.bindings, p.bindStack[base:])
	clear(p.bindStack[base:])
	p.bindStack = p.bindStack[:base]
	plain = !repeats(p.keyStack[kbase:])
	clear(p.keyStack[kbase:])
	p.keyStack = p.keyStack[:kbase]
	return binds, plain
}

// bindingList parses bindings until end onto bindStack, and their first
// static names onto keyStack.
func (p *parser) bindingList(end Kind, isLet bool) {
	lbrace := p.ti - 1
	// Reparse's stop holds for its own list only, not for those nested in
	// its bindings.
	stop := p.stopAt
	p.stopAt = 0
	for {
		k := p.tok.Kind
		if k == end || k == EOF || p.ti == stop {
			return
		}
		if (k == RBRACE || k == RPAREN || k == RBRACK || k == IN) && p.awaited(k) {
			return
		}
		if p.stream != nil && end == RBRACE && p.splice(lbrace) {
			continue
		}
		if p.abort != nil && p.abort.Load() != splitRunning {
			return
		}
		switch k {
		case INHERIT:
			b := p.parseInherit().(*Inherit)
			push(&p.bindStack, Binding(b))
			for _, a := range b.Names {
				if name, ok := a.StaticName(); ok {
					push(&p.keyStack, name)
				}
			}
		case IDENT, OR_KW, STRING_OPEN, DOLLAR_CURLY:
			b := p.parseAssign(isLet)
			push(&p.bindStack, Binding(b))
			// Only bindings that share a first name can clash or merge
			// (a dynamic name makes a fresh set).
			if name, ok := b.Path.Names[0].StaticName(); ok {
				push(&p.keyStack, name)
			}
		default:
			p.errorf(p.tok.Pos(), p.tok.End(), "expected a binding such as `name = value;`, found %s", p.describe(p.tok))
			start := p.ti
			p.skipTo(SEMI, end)
			if p.tok.Kind == SEMI {
				p.next()
			} else if p.ti == start {
				p.next()
			}
		}
	}
}

func (p *parser) parseAssign(isLet bool) *AttrAssign {
	doc := p.docBefore()
	path := p.parseAttrPath("")
	b := put(&p.assigns, AttrAssign{Path: path, Eq: -1, Semi: -1, Doc: doc})
	if isLet {
		if _, ok := path.Names[0].StaticName(); !ok {
			n := path.Names[0]
			p.errorf(n.Pos(), n.End(), "dynamic attributes are not allowed in 'let': a let binding needs a fixed name")
		}
	}
	if p.tok.Kind == ASSIGN {
		b.Eq = p.tok.Pos()
		p.next()
	} else {
		p.errorf(p.tok.Pos(), p.tok.End(), "expected '=' after `%s`, found %s", p.pathString(path), p.describe(p.tok))
		if k := p.tok.Kind; k == SEMI || k == RBRACE || k == IN || k == EOF {
			b.Value = &BadExpr{From: p.prevEnd(), To: p.prevEnd()}
			if k == SEMI {
				b.Semi = p.tok.Pos()
				p.next()
			}
			b.Stop = p.prevEnd()
			return b
		}
	}
	p.pushCloser(SEMI)
	b.Value = p.parseExpr()
	p.popCloser()
	if p.tok.Kind == SEMI {
		b.Semi = p.tok.Pos()
		p.next()
	} else {
		end := b.Value.End()
		if end < b.Eq {
			end = p.prevEnd()
		}
		p.errorf(end, end, "expected ';' after the binding of `%s`", p.pathString(path))
		if !p.bindingAhead() && p.tok.Kind != INHERIT && p.tok.Kind != RBRACE && p.tok.Kind != IN && p.tok.Kind != EOF {
			p.skipTo(SEMI, RBRACE, IN)
			if p.tok.Kind == SEMI {
				b.Semi = p.tok.Pos()
				p.next()
			}
		}
	}
	b.Stop = p.prevEnd()
	return b
}

// pathString renders an attribute path for messages.
func (p *parser) pathString(path *AttrPath) string {
	var parts []string
	for _, n := range path.Names {
		if s, ok := n.StaticName(); ok {
			parts = append(parts, s)
		} else {
			parts = append(parts, string(p.src[n.Pos():n.End()]))
		}
	}
	return strings.Join(parts, ".")
}

func (p *parser) parseInherit() Binding {
	x := put(&p.inherits, Inherit{Inherit: p.tok.Pos(), Lparen: -1, Rparen: -1, Semi: -1})
	p.next()
	if p.tok.Kind == LPAREN {
		x.Lparen = p.tok.Pos()
		p.next()
		p.pushCloser(RPAREN)
		x.From = p.parseExpr()
		p.popCloser()
		if p.tok.Kind == RPAREN {
			x.Rparen = p.tok.Pos()
			p.next()
		} else {
			p.errorf(p.tok.Pos(), p.tok.End(), "expected ')' to close the '(' of 'inherit' at %s, found %s", p.at(x.Lparen), p.describe(p.tok))
		}
	}
	var buf [16]*AttrName
	names := buf[:0]
	defer func() { x.Names = carve(&p.namePtrs, names) }()
	for {
		switch p.tok.Kind {
		case IDENT, OR_KW:
			names = append(names, put(&p.names, AttrName{Ident: p.ident()}))
			continue
		case STRING_OPEN:
			s := p.parseString().(*StringLit)
			if _, ok := s.StaticValue(); !ok {
				p.errorf(s.Pos(), s.End(), "dynamic attributes are not allowed in 'inherit'")
			}
			names = append(names, put(&p.names, AttrName{String: s}))
			continue
		case DOLLAR_CURLY:
			n := put(&p.names, AttrName{Interp: p.parseInterp()})
			if _, ok := n.StaticName(); !ok {
				p.errorf(n.Pos(), n.End(), "dynamic attributes are not allowed in 'inherit'")
			}
			names = append(names, n)
			continue
		case SEMI:
			x.Semi = p.tok.Pos()
			p.next()
		default:
			p.errorf(p.prevEnd(), p.prevEnd(), "expected ';' after 'inherit', found %s", p.describe(p.tok))
			if !p.bindingAhead() && p.tok.Kind != RBRACE && p.tok.Kind != IN && p.tok.Kind != INHERIT {
				p.skipTo(SEMI, RBRACE, IN)
				if p.tok.Kind == SEMI {
					x.Semi = p.tok.Pos()
					p.next()
				}
			}
		}
		x.Stop = p.prevEnd()
		return x
	}
}

// parseAttrPath parses a.b."c".${d}. It always returns at least one name.
func (p *parser) parseAttrPath(context string) *AttrPath {
	path := put(&p.paths, AttrPath{})
	// Most paths have one name: carve the slice out of a shared array.
	var buf [8]*AttrName
	names := buf[:0]
	for {
		var n *AttrName
		switch p.tok.Kind {
		case IDENT, OR_KW:
			n = put(&p.names, AttrName{Ident: p.ident()})
		case STRING_OPEN:
			n = put(&p.names, AttrName{String: p.parseString().(*StringLit)})
		case DOLLAR_CURLY:
			n = put(&p.names, AttrName{Interp: p.parseInterp()})
		default:
			msg := "expected an attribute name"
			if context != "" {
				msg += " " + context
			}
			p.errorf(p.tok.Pos(), p.tok.End(), "%s, found %s", msg, p.describe(p.tok))
			pos := p.prevEnd()
			if len(names) == 0 && p.ti == 0 {
				pos = p.tok.Pos()
			}
			names = append(names, put(&p.names, AttrName{Ident: put(&p.idents, Ident{NamePos: pos, Name: ""})}))
			path.Names = carve(&p.namePtrs, names)
			return path
		}
		names = append(names, n)
		if p.tok.Kind != DOT {
			path.Names = carve(&p.namePtrs, names)
			return path
		}
		p.next()
	}
}

func (p *parser) parseInterp() *Interp {
	x := put(&p.interps, Interp{Dollar: p.tok.Pos(), Rbrace: -1})
	p.next()
	p.pushCloser(RBRACE)
	x.X = p.parseExpr()
	p.popCloser()
	if p.tok.Kind == RBRACE {
		x.Rbrace = p.tok.Pos()
		p.next()
	} else {
		p.errorf(p.tok.Pos(), p.tok.End(), "expected '}' to close the '${' at %s, found %s", p.at(x.Dollar), p.describe(p.tok))
	}
	x.Stop = p.prevEnd()
	return x
}

func (p *parser) parseString() Expr {
	open := p.tok
	x := put(&p.strs, StringLit{Open: open.Pos(), Indented: open.Kind == IND_STRING_OPEN, Close: -1})
	p.next()
	closeKind := STRING_CLOSE
	if x.Indented {
		closeKind = IND_STRING_CLOSE
	}
	// Most strings have a part or two: carve them out of a shared array.
	var buf [8]StringPart
	parts := buf[:0]
	defer func() { x.Parts = carve(&p.parts, parts) }()
	for {
		t := p.tok
		switch t.Kind {
		case STRING_TEXT:
			raw := p.text(t)
			parts = append(parts, put(&p.texts, TextPart{Start: t.Pos(), Stop: t.End(), Raw: raw, Value: unescapeString(raw)}))
			p.next()
		case IND_STRING_TEXT:
			raw := p.text(t)
			parts = append(parts, put(&p.texts, TextPart{Start: t.Pos(), Stop: t.End(), Raw: raw, Value: raw, Indentable: true}))
			p.next()
		case IND_STRING_ESCAPE:
			raw := p.text(t)
			parts = append(parts, put(&p.texts, TextPart{Start: t.Pos(), Stop: t.End(), Raw: raw, Value: indEscapeValue(raw)}))
			p.next()
		case DOLLAR_CURLY:
			parts = append(parts, p.parseInterp())
		case closeKind:
			x.Close = t.Pos()
			p.next()
			x.Stop = p.prevEnd()
			return x
		default:
			what := `string: the '"'`
			if x.Indented {
				what = "indented string: the ''"
			}
			p.errorf(open.Pos(), open.End(), "unterminated %s at %s is never closed", what, p.at(open.Pos()))
			x.Stop = p.prevEnd()
			if x.Stop < open.End() {
				x.Stop = open.End()
			}
			return x
		}
	}
}

func (p *parser) parsePath() Expr {
	t := p.tok
	x := put(&p.pathLits, PathLit{Kind: PathRelative})
	var buf [8]StringPart
	parts := buf[:0]
	defer func() { x.Parts = carve(&p.parts, parts) }()
	raw := p.text(t)
	switch {
	case t.Kind == HPATH:
		x.Kind = PathHome
	case strings.HasPrefix(raw, "/"):
		x.Kind = PathAbsolute
	}
	parts = append(parts, put(&p.texts, TextPart{Start: t.Pos(), Stop: t.End(), Raw: raw, Value: raw}))
	p.next()
	// Nix's grammar wants an interpolation among the pieces after the first:
	// ./a//b lexes as ./a/ and /b, which no rule accepts.
	if p.tok.Kind == PATH_TEXT && p.peek(1).Kind != DOLLAR_CURLY {
		p.errorf(t.Pos(), p.tok.End(), "path %s%s has a doubled slash", raw, p.text(p.tok))
	}
	for {
		t := p.tok
		switch t.Kind {
		case PATH_TEXT:
			raw := p.text(t)
			parts = append(parts, put(&p.texts, TextPart{Start: t.Pos(), Stop: t.End(), Raw: raw, Value: raw}))
			p.next()
		case DOLLAR_CURLY:
			parts = append(parts, p.parseInterp())
		case PATH_END:
			p.next()
			return x
		default:
			// The scanner ends every path with PATH_END; a broken
			// interpolation can leave us elsewhere.
			return x
		}
	}
}
