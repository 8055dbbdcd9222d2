package nixast

import (
	"bytes"
	"fmt"
	"iter"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Limits that keep parsing bounded on hostile input.
const (
	// MaxTreeHeight bounds how deep a tree may be: its readers recurse,
	// and a chain of five million additions (a 20 MB file) overflowed the
	// stack of name resolution, a fatal error. The parser's recursion is
	// bounded by MaxDepth; the loops that build left-associative chains
	// (a + b + c, f x y, |>) are counted, and a file with many of their
	// operators has its height measured (checkHeight). Nix 2.8 parses a
	// chain of a million and overflows at two.
	MaxTreeHeight = 100000
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
		f.tokens = tokenList{}
		return f
	}
	sc := scratchPool.Get().(*scratch)
	f := parseWith(nil, sc, name, src, mode, 0)
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
func (f *File) AllTokens() []Token { return f.AppendTokens(nil) }

// AppendTokens is AllTokens into buf's memory when it has room: for a
// caller that reads the tokens of many files, one after another.
func (f *File) AppendTokens(buf []Token) []Token {
	if len(f.Src) > MaxFileSize {
		return append(buf[:0], tooLargeTokens(len(f.Src))...)
	}
	if f.tokens.none() {
		toks, _ := scanInto(buf[:0], f.Src, true, nil)
		return toks
	}
	out := buf[:0]
	if cap(out) < 2*f.tokens.len() {
		out = make([]Token, 0, 2*f.tokens.len())
	}
	for t := range f.Tokens() {
		out = append(out, t)
	}
	return out
}

// Tokens yields the tokens of AllTokens one by one, without making the
// list: a reader that passes over them once (semantic tokens after every
// keystroke in a package set of 1.5 MB: half a million tokens) allocates
// nothing for them.
func (f *File) Tokens() iter.Seq[Token] {
	return func(yield func(Token) bool) {
		if len(f.Src) > MaxFileSize || f.tokens.none() {
			for _, t := range f.AllTokens() {
				if !yield(t) {
					return
				}
			}
			return
		}
		var trivia []Token // of one gap, its memory reused for the next
		prev := 0
		for _, s := range f.tokens.segs {
			for _, t := range s.toks {
				t.pos += s.d
				t.end += s.d
				if int(t.pos) > prev {
					trivia = appendTrivia(trivia[:0], f.Src, prev, int(t.pos))
					for _, tv := range trivia {
						if !yield(tv) {
							return
						}
					}
				}
				if !yield(t) {
					return
				}
				prev = int(t.end)
			}
		}
	}
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
	return parseWith(nil, nil, name, src, mode, 0)
}

// parseWith parses src, with the memory of c when not nil (see Checker),
// and the scratch memory sc (c's own with a Checker), which makes a File
// without tokens. sc needs mode parsePlain. toks, when not 0, is about how
// many tokens src holds (Reparse knows its last version's); else they are
// estimated from its size.
func parseWith(c *Checker, sc *scratch, name string, src []byte, mode parseMode, toks int) *File {
	var f *File
	if c != nil && !c.trees {
		f = &c.file
		*f = File{Name: name, Src: src}
	} else {
		f = &File{Name: name, Src: src}
	}
	if len(src) > MaxFileSize {
		f.Lines = NewLineIndex(src)
		f.tokens = flatTokens(tooLargeTokens(len(src)))
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
		if toks > 0 {
			p.toks, lexErrs = scanSized(buf, toks, src, false, nil)
		} else {
			p.toks, lexErrs = scanInto(buf, src, false, nil)
		}
		if !p.noTree {
			p.presize(p.toks)
		}
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
		// A second parser not yet done is of no more use. One that started
		// stops at its next binding, and is waited for: it reads src, the
		// tokens and the line index, which the caller may reuse for its
		// next file (a Checker, a TreeArena, a reused read buffer) as soon
		// as Parse returns.
		split := p.stream.split
		if !split.state.CompareAndSwap(splitIdle, splitDropped) && split.state.CompareAndSwap(splitRunning, splitDropped) {
			<-split.parsed
		}
		<-p.stream.done
		p.toks = *p.stream.published.Load()
		lexErrs = p.stream.errs
	}
	f.tokens = flatTokens(p.toks)
	f.Lines = p.lines
	f.chainOps = p.chainOps
	checkHeight(f, p)
	p.errs = mergeErrors(lexErrs, p.errs)
	// The attribute trees served the duplicate checks; the File keeps none.
	for _, set := range p.withAttrs {
		set.attrs = nil
	}
	p.releaseAttrs()
	sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Pos < p.errs[j].Pos })
	f.Errors = p.errs
	sort.Ints(p.newSyntax)
	f.setNewSyntax(p.newSyntax)
	sort.Ints(p.nonPlain)
	f.nonPlain = p.nonPlain
	if sc != nil {
		if cap(p.toks) > cap(sc.toks) {
			sc.toks = p.toks[:0]
		}
		f.tokens = tokenList{}
	}
	if c != nil && !c.trees {
		c.finish(false)
	}
	return f
}

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
	// chainOps counts the operators and applications the loops of
	// left-associative chains added: each makes the tree one deeper
	// without the parser recursing (see checkHeight).
	chainOps int
	closers  []Kind // closing tokens that enclosing constructs wait for
	// newSyntax lists where syntax newer than Nix 2.8 is: the first pipe
	// operator of a chain, and the sets and lets whose checks merged two
	// sets (merged: the check running did).
	newSyntax []int
	merged    bool
	quiet     bool       // after the first unrecoverable error at the top level
	match     []int32    // for a '{' at sig index i, the sig index of its '}'; built on first need
	withAttrs []*AttrSet // sets whose attribute tree was built, to forget after parsing
	// sideAttrs, when not nil, holds the attribute trees instead of the
	// sets: Reparse checks sets again that other Files share.
	sideAttrs map[*AttrSet]*attrEntries
	nonPlain  []int        // where sets and lets start whose bindings share a first name
	attrs     *attrScratch // the memory of the attribute trees, from the pool (nil: none yet)
	stream    *tokenStream
	abort     *atomic.Int32 // for a second parser: stop when no longer splitRunning
	scratch   *scratch      // memory to use for the tokens and brace matches, if any
	// partial: toks is a window that ends before the file's tokens do,
	// with an EOF past its length (Reparse); sawWindowEnd: the parser
	// looked past it.
	partial, sawWindowEnd bool
	// noTree: a Checker's parse, whose tree nobody reads and whose memory
	// the next file reuses: no doc comments are looked for (a look at the
	// trivia before each binding), and no chunks sized for the tree to keep.
	noTree bool
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
		if p.partial && !p.sawWindowEnd {
			// The EOF that ends the window, for the parser to stop.
			p.sawWindowEnd = true
			p.toks = p.toks[:len(p.toks)+1]
			return i < len(p.toks)
		}
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

// docOpen opens a doc comment.
var docOpen = []byte("/**")

// docBefore returns the /** */ comment that directly precedes the current
// token, with only whitespace between.
func (p *parser) docBefore() *Comment {
	if p.noTree {
		return nil
	}
	from, to := 0, int(p.tok.pos)
	if p.ti > 0 {
		from = int(p.toks[p.ti-1].end)
	}
	// Most gaps are whitespace and line comments: one without "/**" ends
	// with no doc comment, and is not read token by token.
	if from == to || bytes.Index(p.src[from:to], docOpen) < 0 {
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

// chainsMeasured is the count of chain operators from which a tree may be
// higher than MaxTreeHeight: each level of the parser's recursion adds at
// most 8 nodes to a path (Reparse assumes the same), and each chain
// operator one.
const chainsMeasured = MaxTreeHeight - 8*MaxDepth

// checkHeight replaces the tree of f by one BadExpr, with an error, when
// it is deeper than MaxTreeHeight: its readers could not walk it. Only the
// trees of files with more than chainsMeasured chain operators are measured.
func checkHeight(f *File, p *parser) {
	if p.chainOps <= chainsMeasured {
		return
	}
	h := 0
	for _, x := range append([]Expr{f.Root}, f.Trailing...) {
		h = max(h, height(x))
	}
	if h <= MaxTreeHeight {
		return
	}
	f.Root, f.Trailing = &BadExpr{From: 0, To: len(f.Src)}, nil
	p.errs = append(p.errs, Error{Pos: 0, End: 0, Related: -1,
		Msg: fmt.Sprintf("expression nested too deeply: a chain of operators or function applications %d levels deep (the limit is %d); the file is not parsed", h, MaxTreeHeight)})
}

// height returns the number of nodes on the longest path down from n,
// without recursion.
func height(n Node) int {
	type entry struct {
		n Node
		d int
	}
	h := 0
	stack := []entry{{n, 1}}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		h = max(h, e.d)
		EachChild(e.n, func(c Node) { stack = append(stack, entry{c, e.d + 1}) })
	}
	return h
}
