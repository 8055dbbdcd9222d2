package nixast

import (
	"bytes"
	"sync/atomic"
)

// The scanner follows the lexer of Nix (src/libexpr/lexer.l): a stack of modes
// driven by braces and quotes, and flex's rule of the longest match (ties go to
// the rule listed first). It never fails: bytes that form no token become
// ILLEGAL tokens with an error, and every byte of the input lands in exactly
// one token.

type lexMode uint8

const (
	modeDefault lexMode = iota
	modeString
	modeIndString
	modeInPath      // after a path piece that does not end in '/'
	modeInPathSlash // after a path piece that ends in '/': only ${ or more path may follow
)

type scanner struct {
	src   []byte
	pos   int
	limit int // whitespace ends a step here (Reparse scans a range); len(src) otherwise
	// underflow is set by a '}' with no mode to close: in a range that
	// Reparse scans, it closes a mode the range did not open.
	underflow bool
	trivia    bool      // emit whitespace and comments too (the parser needs none)
	modes     []lexMode // modes[0] is the bottom; '}' never pops it
	toks      []Token
	errs      []Error
	// Below these offsets no path or URI can start: a run of path (or
	// scheme) characters not followed by what a path (or URI) needs rules
	// out every suffix of the run too. Without this, "------" is quadratic.
	noPathUntil int
	noURIUntil  int
	// Where the bytes that end a run of string text are next: searched
	// for with IndexByte, each byte of the file read once per kind.
	quote, backslash, dollar, apos byteSearch

	stream *tokenStream // nil unless a parser reads the tokens as they come

	// For a second parser (see splitPoint): the token index of what opened
	// each mode (-1 at the bottom), and the search for a split point.
	opens     []int32
	splitFrom int // byte offset from which ';' tokens are candidates; 0 when not searching
	cands     int
	pending   splitPoint // the last candidate, whose next token was not yet known
	pendDepth int
	best      splitPoint
	bestDepth int
}

// splitPoint is where a second parser can take over the bindings of a large
// attribute set: start is the token after a ';' directly inside the set
// whose '{' is token lbrace, and starts a binding.
type splitPoint struct{ start, lbrace int }

const (
	// splitFraction is how far into a streamed file the split is looked
	// for: the scanner's core scans the whole file first, then parses the
	// rest, while the other core parses from the start.
	splitFraction = 0.6
	// splitCandidates is how many ';' the scanner weighs: it keeps the one
	// least deep in braces, most likely in the file's largest set.
	splitCandidates = 64
)

// Scan splits src into tokens, trivia included, ending with an EOF token.
// The concatenated text of the tokens is src.
func Scan(src []byte) ([]Token, []Error) {
	return scan(src, true, nil)
}

// tokenStream hands tokens from a scanner goroutine to the parser while both
// run: the scanner publishes a prefix of its token slice now and then (a
// realloc leaves the published prefix intact in the old array), and the
// parser waits only when it catches up.
type tokenStream struct {
	published atomic.Pointer[[]Token]
	done      chan struct{} // closed by the scanning goroutine after the last publication
	errs      []Error       // the scanner's, readable after done
	split     *splitState   // nil: no second parser
}

// publishEvery is how many tokens the scanner emits between publications.
const publishEvery = 1024

// grow makes room for the rest of the tokens, estimated from the tokens per
// byte so far: a file denser than the first estimate (a 10 MB line of
// numbers) grew by append's quarters, copying the tokens again and again.
func (s *scanner) grow() {
	n := len(s.toks)
	est := n
	if s.pos > 0 {
		est = int(int64(n) * int64(s.limit) / int64(s.pos))
	}
	t := make([]Token, n, max(est+est/8, n+n/4)+16)
	copy(t, s.toks)
	s.toks = t
}

// scan scans src; without trivia, the tokens are the significant ones only,
// whose gaps hold only whitespace and comments (see appendTrivia).
func scan(src []byte, trivia bool, stream *tokenStream) ([]Token, []Error) {
	return scanInto(nil, src, trivia, stream)
}

// scanInto is scan appending to buf, when it has room for the tokens
// expected (a Checker's, from the file before).
func scanInto(buf []Token, src []byte, trivia bool, stream *tokenStream) ([]Token, []Error) {
	est := len(src)/5 + 16
	if trivia {
		est = len(src)/3 + 16
	}
	return scanSized(buf, est, src, trivia, stream)
}

// scanSized is scanInto with room made for est tokens, unless buf has it.
func scanSized(buf []Token, est int, src []byte, trivia bool, stream *tokenStream) ([]Token, []Error) {
	s := &scanner{src: src, limit: len(src), modes: []lexMode{modeDefault}, opens: []int32{-1}, stream: stream, trivia: trivia}
	if stream != nil && stream.split != nil {
		s.splitFrom = max(1, int(float64(len(src))*splitFraction))
	}
	if cap(buf) >= est {
		s.toks = buf[:0]
	} else {
		s.toks = make([]Token, 0, est)
	}
	s.run()
	if m := s.modes[len(s.modes)-1]; m == modeInPath || m == modeInPathSlash {
		s.endPath(m)
	}
	s.emit(EOF, s.pos)
	if s.splitFrom > 0 {
		s.publishSplit()
	}
	if stream != nil {
		all := s.toks
		stream.errs = s.errs
		stream.published.Store(&all)
	}
	return s.toks, s.errs
}

// run scans to the end of s.src.
func (s *scanner) run() { s.runTo(len(s.src)) }

// runTo scans until s.pos reaches to (or passes it, within a token).
func (s *scanner) runTo(to int) {
	for s.pos < to {
		switch s.modes[len(s.modes)-1] {
		case modeString:
			s.scanString()
		case modeIndString:
			s.scanIndString()
		case modeInPath, modeInPathSlash:
			s.scanInPath()
		default:
			s.scanDefault()
		}
	}
}

func (s *scanner) emit(k Kind, end int) {
	if len(s.toks) == cap(s.toks) {
		s.grow()
	}
	s.toks = append(s.toks, Token{Kind: k, pos: int32(s.pos), end: int32(end)})
	s.pos = end
	if s.stream != nil && len(s.toks)%publishEvery == 0 {
		prefix := s.toks
		s.stream.published.Store(&prefix)
	}
}

// skip passes over trivia, emitting it only when asked to.
func (s *scanner) skip(k Kind, end int) {
	if s.trivia {
		s.emit(k, end)
	} else {
		s.pos = end
	}
}

// appendTrivia appends the whitespace and comment tokens of src[from:to],
// a gap between significant tokens, to toks.
func appendTrivia(toks []Token, src []byte, from, to int) []Token {
	for p := from; p < to; {
		i := p + 1
		k := COMMENT
		switch c := src[p]; {
		case charClass[c]&clSpace != 0:
			for i < to && charClass[src[i]]&clSpace != 0 {
				i++
			}
			k = WHITESPACE
		case c == '#':
			for i < to && src[i] != '\n' && src[i] != '\r' {
				i++
			}
		default: // '/*', closed within the gap or running to its end
			i = to
			if j := bytes.Index(src[min(p+2, to):to], []byte("*/")); j >= 0 {
				i = p + 2 + j + 2
			}
		}
		toks = append(toks, Token{Kind: k, pos: int32(p), end: int32(i)})
		p = i
	}
	return toks
}

// push enters mode m, opened by the token just emitted.
func (s *scanner) push(m lexMode) {
	s.modes = append(s.modes, m)
	s.opens = append(s.opens, int32(len(s.toks)-1))
}

func (s *scanner) pop() {
	if len(s.modes) > 1 {
		s.modes = s.modes[:len(s.modes)-1]
		s.opens = s.opens[:len(s.opens)-1]
	} else {
		s.underflow = true
	}
}

// splitCandidate weighs the ';' just emitted as a split point.
func (s *scanner) splitCandidate() {
	s.weighPending()
	top := len(s.modes) - 1
	if top == 0 || s.modes[top] != modeDefault || s.toks[s.opens[top]].Kind != LBRACE {
		return
	}
	s.pending, s.pendDepth = splitPoint{start: len(s.toks), lbrace: int(s.opens[top])}, top
	s.cands++
	if s.cands == splitCandidates {
		s.publishSplit()
	}
}

// weighPending keeps the pending candidate if a binding follows its ';'
// and it is the least deep so far.
func (s *scanner) weighPending() {
	c := s.pending
	if c.start == 0 || c.start >= len(s.toks) {
		return
	}
	s.pending = splitPoint{}
	switch s.toks[c.start].Kind {
	case IDENT, OR_KW, STRING_OPEN, INHERIT:
	default:
		return
	}
	if s.best.start == 0 || s.pendDepth < s.bestDepth {
		s.best, s.bestDepth = c, s.pendDepth
	}
}

// publishSplit hands the best split point to the parser, once.
func (s *scanner) publishSplit() {
	s.weighPending()
	s.splitFrom = 0
	if s.best.start > 0 {
		best := s.best
		s.stream.split.at.Store(&best)
	}
}

func (s *scanner) setTop(m lexMode) { s.modes[len(s.modes)-1] = m }

func (s *scanner) at(i int) byte {
	if i < len(s.src) {
		return s.src[i]
	}
	return 0
}

// Character classes, one table lookup per byte: the scanner's inner loops
// run over every byte of a file.
const (
	clSpace      = 1 << iota // ' ', \t, \r, \n
	clIdentStart             // [a-zA-Z_]
	clIdent                  // [a-zA-Z0-9_'-]
	clPath                   // PATH_CHAR: [a-zA-Z0-9._+-]
	clScheme                 // [a-zA-Z0-9+.-], after a URI's first letter
	clDigit                  // [0-9]
	clURI                    // a URI's characters after the ':'
	clLonger                 // '.', '+', '/', ':': after an identifier, a path or URI may go on
)

var charClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		letter := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
		digit := b >= '0' && b <= '9'
		var k uint8
		if b == ' ' || b == '\t' || b == '\r' || b == '\n' {
			k |= clSpace
		}
		if letter || b == '_' {
			k |= clIdentStart
		}
		if letter || digit || b == '_' || b == '\'' || b == '-' {
			k |= clIdent
		}
		if letter || digit || b == '.' || b == '_' || b == '-' || b == '+' {
			k |= clPath
		}
		if letter || digit || b == '+' || b == '-' || b == '.' {
			k |= clScheme
		}
		if digit {
			k |= clDigit
		}
		if letter || digit {
			k |= clURI
		}
		switch b {
		case '%', '/', '?', ':', '@', '&', '=', '+', '$', ',', '-', '_', '.', '!', '~', '*', '\'':
			k |= clURI
		}
		switch b {
		case '.', '+', '/', ':':
			k |= clLonger
		}
		t[c] = k
	}
	return t
}()

func isPathChar(c byte) bool   { return charClass[c]&clPath != 0 }
func isIdentStart(c byte) bool { return charClass[c]&clIdentStart != 0 }
func isIdentChar(c byte) bool  { return charClass[c]&clIdent != 0 }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isURIChar(c byte) bool    { return charClass[c]&clURI != 0 }

func (s *scanner) scanDefault() {
	p := s.pos
	src := s.src
	c := src[p]
	cl := charClass[c]
	if cl&clSpace != 0 {
		// Whitespace, then what follows it in the same call.
		i := p + 1
		for i < len(src) && charClass[src[i]]&clSpace != 0 {
			i++
		}
		s.skip(WHITESPACE, i)
		if i == len(src) || i >= s.limit {
			return
		}
		p, c = i, src[i]
		cl = charClass[c]
	}
	switch {
	case cl&clIdentStart != 0:
		i := p + 1
		for i < len(src) && charClass[src[i]]&clIdent != 0 {
			i++
		}
		// An identifier unless a path or URI can take more: both need a
		// '.', '+', '/' or ':' right after the run (see the hints below).
		if i == len(src) || charClass[src[i]]&clLonger == 0 || (p < s.noPathUntil && p < s.noURIUntil) {
			s.emit(keywordKind(src[p:i]), i)
			return
		}
	case c == '#':
		i := p + 1
		for i < len(src) && src[i] != '\n' && src[i] != '\r' {
			i++
		}
		s.skip(COMMENT, i)
		return
	case c == '/' && s.at(p+1) == '*':
		for i := p + 2; i+1 < len(src); i++ {
			if src[i] == '*' && src[i+1] == '/' {
				s.skip(COMMENT, i+2)
				return
			}
		}
		s.errs = append(s.errs, Error{Pos: p, End: p + 2, Msg: "unterminated comment: '/*' is never closed by '*/'", Related: -1})
		s.skip(COMMENT, len(src))
		return
	}
	switch c {
	case ';':
		s.emit(SEMI, p+1)
		if s.splitFrom > 0 && p >= s.splitFrom {
			s.splitCandidate()
		}
		return
	case '(', ')', '[', ']', ',', '?', '@':
		s.emit(singleChar(c), p+1)
		return
	case '{':
		s.emit(LBRACE, p+1)
		s.push(modeDefault)
		return
	case '}':
		s.emit(RBRACE, p+1)
		s.pop()
		return
	case '=':
		if s.at(p+1) == '=' {
			s.emit(EQ, p+2)
		} else {
			s.emit(ASSIGN, p+1)
		}
		return
	case ':':
		s.emit(COLON, p+1)
		return
	case '"':
		s.emit(STRING_OPEN, p+1)
		s.push(modeString)
		return
	case '*':
		s.emit(STAR, p+1)
		return
	case '+', '-':
		// Alone, or as ++ or ->, unless a path goes on: +/a, -a/b, ++/a.
		n := 1
		if d := s.at(p + 1); c == '+' && d == '+' {
			n = 2
		} else if c == '-' && d == '>' {
			s.emit(IMPL, p+2)
			return
		}
		if d := s.at(p + n); d != '/' && charClass[d]&clPath == 0 {
			if n == 2 {
				s.emit(CONCAT, p+2)
			} else {
				s.emit(singleChar(c), p+1)
			}
			return
		}
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		// An integer unless a float, path or identifier-like run goes on.
		i := p + 1
		for i < len(src) && charClass[src[i]]&clDigit != 0 {
			i++
		}
		if d := s.at(i); d != '/' && charClass[d]&clPath == 0 {
			s.emit(INT, i)
			return
		}
	}

	s.updatePathHints(p)
	if p < s.noPathUntil && p < s.noURIUntil {
		// Neither a path nor a URI can start here: the common cases are
		// decided without trying every rule.
		switch {
		case cl&clIdentStart != 0:
			l := s.identLen(p)
			s.emit(keywordKind(src[p:p+l]), p+l)
			return
		case c == '.' && s.at(p+1) != '.' && !isDigit(s.at(p+1)):
			s.emit(DOT, p+1)
			return
		}
	}
	// A path segment directly followed by an interpolation: a/${x}, ./${x}, ~/${x}.
	if n := s.pathSegDollar(p); n > 0 {
		k := PATH
		if c == '~' {
			k = HPATH
		}
		s.emit(k, p+n)
		s.push(modeInPathSlash)
		return
	}

	// Longest match; on a tie the rule listed first in Nix's lexer wins.
	kind, n := ILLEGAL, 1
	try := func(k Kind, l int) {
		if l > n || (l == n && kind == ILLEGAL && l > 0) {
			kind, n = k, l
		}
	}
	if l := s.identLen(p); l > 0 {
		try(keywordKind(s.src[p:p+l]), l)
	}
	if k, l := s.operator(p); l > 0 {
		try(k, l)
	}
	if l := s.intLen(p); l > 0 {
		try(INT, l)
	}
	if l := s.floatLen(p); l > 0 {
		try(FLOAT, l)
	}
	switch c {
	case '$':
		if s.at(p+1) == '{' {
			try(DOLLAR_CURLY, 2)
		}
	case '"':
		try(STRING_OPEN, 1)
	case '\'':
		if s.at(p+1) == '\'' {
			l := 2
			i := p + 2
			for i < len(s.src) && s.src[i] == ' ' {
				i++
			}
			if i < len(s.src) && s.src[i] == '\n' {
				l = i + 1 - p
			}
			try(IND_STRING_OPEN, l)
		}
	}
	if l := s.pathLen(p); l > 0 {
		try(PATH, l)
	}
	if c == '~' {
		if l := s.pathLen(p + 1); l > 0 && s.at(p+1) == '/' {
			try(HPATH, l+1)
		}
	}
	if l := s.searchPathLen(p); l > 0 {
		try(SPATH, l)
	}
	if l := s.uriLen(p); l > 0 {
		try(URI, l)
	}
	if kind == ILLEGAL {
		kind = singleChar(c)
	}

	if kind == ILLEGAL {
		// One UTF-8 character at a time, so that the message names it whole.
		l := utf8Len(s.src[p:])
		s.errs = append(s.errs, Error{Pos: p, End: p + l, Msg: "unexpected character " + quoteChar(s.src[p:p+l]), Related: -1})
		s.emit(ILLEGAL, p+l)
		return
	}
	s.emit(kind, p+n)
	switch kind {
	case LBRACE, DOLLAR_CURLY:
		s.push(modeDefault)
	case RBRACE:
		s.pop()
	case STRING_OPEN:
		s.push(modeString)
	case IND_STRING_OPEN:
		s.push(modeIndString)
	case PATH, HPATH:
		if s.src[p+n-1] == '/' {
			s.push(modeInPathSlash)
		} else {
			s.push(modeInPath)
		}
	}
}

// keywordKind returns the keyword kind of an identifier, or IDENT.
func keywordKind(b []byte) Kind {
	switch string(b) {
	case "if":
		return IF
	case "then":
		return THEN
	case "else":
		return ELSE
	case "assert":
		return ASSERT
	case "with":
		return WITH
	case "let":
		return LET
	case "in":
		return IN
	case "rec":
		return REC
	case "inherit":
		return INHERIT
	case "or":
		return OR_KW
	}
	return IDENT
}

func singleChar(c byte) Kind {
	switch c {
	case '=':
		return ASSIGN
	case ';':
		return SEMI
	case ':':
		return COLON
	case ',':
		return COMMA
	case '.':
		return DOT
	case '?':
		return QUESTION
	case '@':
		return AT
	case '!':
		return NOT
	case '+':
		return PLUS
	case '-':
		return MINUS
	case '*':
		return STAR
	case '/':
		return SLASH
	case '<':
		return LT
	case '>':
		return GT
	case '(':
		return LPAREN
	case ')':
		return RPAREN
	case '[':
		return LBRACK
	case ']':
		return RBRACK
	case '{':
		return LBRACE
	case '}':
		return RBRACE
	}
	return ILLEGAL
}

func (s *scanner) operator(p int) (Kind, int) {
	if s.at(p) == '.' && s.at(p+1) == '.' && s.at(p+2) == '.' {
		return ELLIPSIS, 3
	}
	a, b := s.at(p), s.at(p+1)
	switch {
	case a == '=' && b == '=':
		return EQ, 2
	case a == '!' && b == '=':
		return NEQ, 2
	case a == '<' && b == '=':
		return LEQ, 2
	case a == '>' && b == '=':
		return GEQ, 2
	case a == '&' && b == '&':
		return AND, 2
	case a == '|' && b == '|':
		return OR, 2
	case a == '-' && b == '>':
		return IMPL, 2
	case a == '/' && b == '/':
		return UPDATE, 2
	case a == '+' && b == '+':
		return CONCAT, 2
	case a == '|' && b == '>':
		return PIPE_INTO, 2
	case a == '<' && b == '|':
		return PIPE_FROM, 2
	}
	return ILLEGAL, 0
}

func (s *scanner) identLen(p int) int {
	if !isIdentStart(s.at(p)) {
		return 0
	}
	i := p + 1
	for i < len(s.src) && isIdentChar(s.src[i]) {
		i++
	}
	return i - p
}

func (s *scanner) intLen(p int) int {
	i := p
	for i < len(s.src) && isDigit(s.src[i]) {
		i++
	}
	return i - p
}

// floatLen matches (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?.
func (s *scanner) floatLen(p int) int {
	i := p
	switch c := s.at(i); {
	case c >= '1' && c <= '9':
		for isDigit(s.at(i)) {
			i++
		}
		if s.at(i) != '.' {
			return 0
		}
		i++
		for isDigit(s.at(i)) {
			i++
		}
	case c == '0' || c == '.':
		if c == '0' {
			i++
		}
		if s.at(i) != '.' || !isDigit(s.at(i+1)) {
			return 0
		}
		i++
		for isDigit(s.at(i)) {
			i++
		}
	default:
		return 0
	}
	if e := s.at(i); e == 'e' || e == 'E' {
		j := i + 1
		if s.at(j) == '+' || s.at(j) == '-' {
			j++
		}
		if isDigit(s.at(j)) {
			for isDigit(s.at(j)) {
				j++
			}
			i = j
		}
	}
	return i - p
}

func isSchemeChar(c byte) bool { return charClass[c]&clScheme != 0 }

// updatePathHints extends noPathUntil and noURIUntil from p when possible.
// Scheme characters are path characters too: one pass finds both runs.
func (s *scanner) updatePathHints(p int) {
	src := s.src
	c := s.at(p)
	needPath := p >= s.noPathUntil && isPathChar(c)
	needURI := p >= s.noURIUntil && isSchemeChar(c)
	if !needPath && !needURI {
		return
	}
	// The scheme run is a prefix of the path run ('_' is the one path
	// character a scheme lacks): one loop while both go on, one for the rest.
	const both = clPath | clScheme
	i := p
	for i < len(src) && charClass[src[i]]&both == both {
		i++
	}
	k := i
	for i < len(src) && charClass[src[i]]&clPath != 0 {
		i++
	}
	if needPath && s.at(i) != '/' {
		s.noPathUntil = i
	}
	if needURI && s.at(k) != ':' {
		s.noURIUntil = k
	}
}

// pathLen matches PATH: {PATH_CHAR}*(\/{PATH_CHAR}+)+\/?
func (s *scanner) pathLen(p int) int {
	if p < s.noPathUntil {
		return 0
	}
	i := p
	for isPathChar(s.at(i)) {
		i++
	}
	segs := 0
	for s.at(i) == '/' && isPathChar(s.at(i+1)) {
		i++
		for isPathChar(s.at(i)) {
			i++
		}
		segs++
	}
	if segs == 0 {
		return 0
	}
	if s.at(i) == '/' {
		i++
	}
	return i - p
}

// pathSegDollar matches {PATH_SEG}\$\{ or ~/\$\{ and returns the length of the
// segment without the ${.
func (s *scanner) pathSegDollar(p int) int {
	if p < s.noPathUntil {
		return 0
	}
	i := p
	if s.at(i) == '~' {
		i++
		if s.at(i) == '/' && s.at(i+1) == '$' && s.at(i+2) == '{' {
			return 2
		}
		return 0
	}
	for isPathChar(s.at(i)) {
		i++
	}
	if s.at(i) == '/' && s.at(i+1) == '$' && s.at(i+2) == '{' {
		return i + 1 - p
	}
	return 0
}

// searchPathLen matches \<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>
func (s *scanner) searchPathLen(p int) int {
	if s.at(p) != '<' || !isPathChar(s.at(p+1)) {
		return 0
	}
	i := p + 1
	for isPathChar(s.at(i)) {
		i++
	}
	for s.at(i) == '/' && isPathChar(s.at(i+1)) {
		i++
		for isPathChar(s.at(i)) {
			i++
		}
	}
	if s.at(i) != '>' {
		return 0
	}
	return i + 1 - p
}

// uriLen matches [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[uri chars]+
func (s *scanner) uriLen(p int) int {
	if p < s.noURIUntil {
		return 0
	}
	c := s.at(p)
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return 0
	}
	i := p + 1
	for {
		c := s.at(i)
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '+' || c == '-' || c == '.' {
			i++
			continue
		}
		break
	}
	if s.at(i) != ':' || !isURIChar(s.at(i+1)) {
		return 0
	}
	i++
	for i < len(s.src) && isURIChar(s.src[i]) {
		i++
	}
	return i - p
}

func (s *scanner) scanInPath() {
	p := s.pos
	mode := s.modes[len(s.modes)-1]
	if s.at(p) == '$' && s.at(p+1) == '{' {
		s.emit(DOLLAR_CURLY, p+2)
		s.setTop(modeInPath)
		s.push(modeDefault)
		return
	}
	// The longest of {PATH}, {PATH_SEG} and {PATH_CHAR}+.
	i := p
	for isPathChar(s.at(i)) {
		i++
	}
	for s.at(i) == '/' {
		if isPathChar(s.at(i + 1)) {
			i++
			for isPathChar(s.at(i)) {
				i++
			}
			continue
		}
		i++
		break
	}
	if i > p {
		s.emit(PATH_TEXT, i)
		if s.src[i-1] == '/' {
			s.setTop(modeInPathSlash)
		} else {
			s.setTop(modeInPath)
		}
		return
	}
	s.endPath(mode)
}

func (s *scanner) endPath(mode lexMode) {
	if mode == modeInPathSlash {
		end := s.pos
		start := end - 1
		if start < 0 {
			start = 0
		}
		s.errs = append(s.errs, Error{Pos: start, End: end, Msg: "path has a trailing slash: remove the '/' at its end", Related: -1})
	}
	s.emit(PATH_END, s.pos)
	s.pop()
}

func (s *scanner) scanString() {
	p := s.pos
	switch {
	case s.src[p] == '"':
		s.emit(STRING_CLOSE, p+1)
		s.pop()
		return
	case s.src[p] == '$' && s.at(p+1) == '{':
		s.emit(DOLLAR_CURLY, p+2)
		s.push(modeDefault)
		return
	}
	i := p
	src := s.src
loop:
	for i < len(src) {
		// The text runs on to the next '"', '\\' or '$'.
		if i = min(s.quote.next(src, '"', i), s.backslash.next(src, '\\', i), s.dollar.next(src, '$', i)); i == len(src) {
			break
		}
		switch src[i] {
		case '"':
			break loop
		case '\\':
			i += 2
		case '$':
			switch s.at(i + 1) {
			case '{':
				break loop
			case '"':
				i++
				break loop
			case '\\':
				i += 3
			default:
				i += 2
			}
		}
	}
	if i > len(s.src) {
		i = len(s.src)
	}
	s.emit(STRING_TEXT, i)
}

func (s *scanner) scanIndString() {
	p := s.pos
	c := s.src[p]
	if c == '\'' && s.at(p+1) == '\'' {
		switch s.at(p + 2) {
		case '\'', '$':
			s.emit(IND_STRING_ESCAPE, p+3)
			return
		case '\\':
			if p+3 < len(s.src) {
				s.emit(IND_STRING_ESCAPE, p+3+utf8Len(s.src[p+3:]))
				return
			}
		}
		s.emit(IND_STRING_CLOSE, p+2)
		s.pop()
		return
	}
	if c == '$' && s.at(p+1) == '{' {
		s.emit(DOLLAR_CURLY, p+2)
		s.push(modeDefault)
		return
	}
	i := p
	src := s.src
loop:
	for i < len(src) {
		// Likewise to the next '$' or '\''.
		if i = min(s.dollar.next(src, '$', i), s.apos.next(src, '\'', i)); i == len(src) {
			break
		}
		switch src[i] {
		case '$':
			if n := s.at(i + 1); i+1 >= len(s.src) || n == '{' || n == '\'' {
				break loop
			}
			i += 2
		case '\'':
			if n := s.at(i + 1); i+1 >= len(s.src) || n == '\'' || n == '$' {
				break loop
			}
			i += 2
		}
	}
	if i > p {
		s.emit(IND_STRING_TEXT, i)
		return
	}
	// A lone '$' or '\'' that the run could not take.
	s.emit(IND_STRING_ESCAPE, p+1)
}

// A byteSearch finds the next occurrence of a byte for a scanner, whose
// positions only grow: it remembers the last one found, so that the search
// from each string does not read the rest of the file again when the byte
// is far away.
type byteSearch struct {
	end int // one past the occurrence found last; 0: none searched yet
}

// next returns the index of the first c in src at or after i, or len(src).
func (b *byteSearch) next(src []byte, c byte, i int) int {
	if b.end <= i {
		if k := bytes.IndexByte(src[i:], c); k >= 0 {
			b.end = i + k + 1
		} else {
			b.end = len(src) + 1
		}
	}
	return b.end - 1
}

// utf8Len returns the length of the UTF-8 sequence at the start of b, or 1
// for an invalid one.
func utf8Len(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	c := b[0]
	n := 1
	switch {
	case c >= 0xF0 && c < 0xF8:
		n = 4
	case c >= 0xE0:
		n = 3
	case c >= 0xC0:
		n = 2
	}
	if n > len(b) {
		return 1
	}
	for i := 1; i < n; i++ {
		if b[i]&0xC0 != 0x80 {
			return 1
		}
	}
	return n
}

func quoteChar(b []byte) string {
	if len(b) == 1 && (b[0] < 0x20 || b[0] >= 0x7f) {
		const hex = "0123456789abcdef"
		return "'\\x" + string([]byte{hex[b[0]>>4], hex[b[0]&15]}) + "'"
	}
	return "'" + string(b) + "'"
}
