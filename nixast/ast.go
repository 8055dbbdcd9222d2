// Package nixast owns the syntax of the Nix language: tokens, a lossless,
// error-tolerant parser, the tree it builds, line/column conversion and a
// printer for the normal form of `nix-instantiate --parse`.
//
// Positions are byte offsets into the source. A tree never loses text: the
// File's token list, trivia included, spells the source byte for byte, and
// every node covers the byte range [Pos(), End()).
//
// nixast knows nothing of the analysis, LSP or editors, and imports only the
// standard library.
package nixast

// Node is any node of the tree.
type Node interface {
	Pos() int // offset of the node's first byte
	End() int // offset just past the node's last byte
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Binding is an element of an attribute set or let: an *AttrAssign or an *Inherit.
type Binding interface {
	Node
	bindingNode()
}

// StringPart is a piece of a string or path: a *TextPart or an *Interp.
type StringPart interface {
	Node
	stringPart()
}

// Comment is a comment; Doc comments (/** ... */) are attached to what follows.
type Comment struct {
	Start, Stop int
	Text        string
}

func (c *Comment) Pos() int { return c.Start }
func (c *Comment) End() int { return c.Stop }

// Ident is a variable reference or a bound name.
type Ident struct {
	NamePos int
	Name    string
}

// IntLit is an integer literal.
type IntLit struct {
	ValuePos int
	Raw      string
	Value    int64
}

// FloatLit is a float literal.
type FloatLit struct {
	ValuePos int
	Raw      string
	Value    float64
}

// URILit is a bare URI such as http://example.org (a deprecated string form).
type URILit struct {
	ValuePos int
	Raw      string
}

// TextPart is literal text inside a string or path: the source text
// [Start, Stop), and its Value.
type TextPart struct {
	// Value is the decoded text (escapes resolved, CR/CRLF folded to LF).
	Value       string
	Start, Stop int32
	// Indentable is true for text of an indented string that takes part in
	// indentation stripping; escapes such as ''$ do not.
	Indentable bool
	// Escaped is set when Value is not the source text byte for byte. The
	// source text itself is not kept: a workspace's trees hold millions of
	// parts, and most are their value.
	Escaped bool
}

// Interp is an interpolation ${X}.
type Interp struct {
	X      Expr
	Dollar int32 // position of "${"
	Rbrace int32 // position of "}", or -1 if missing
	Stop   int32
}

// StringLit is "..." or ”...”.
type StringLit struct {
	Parts    []StringPart
	Open     int32
	Close    int32 // position of the closing quote(s), or -1 if missing
	Stop     int32
	Indented bool
}

// PathKind tells the kind of a path literal.
type PathKind uint8

const (
	PathRelative PathKind = iota // ./a, a/b, ../a
	PathAbsolute                 // /a
	PathHome                     // ~/a
)

// PathLit is a path literal, possibly with interpolations: ./a/${b}.nix.
// Parts[0] is the first literal segment.
type PathLit struct {
	Kind  PathKind
	Parts []StringPart
}

// SearchPath is <nixpkgs> or <nixpkgs/lib>.
type SearchPath struct {
	ValuePos int
	Raw      string // including the angle brackets
}

// Paren is a parenthesized expression.
type Paren struct {
	Lparen int
	X      Expr
	Rparen int // -1 if missing
	Stop   int
}

// List is [ elems ].
type List struct {
	Elems  []Expr
	Lbrack int32
	Rbrack int32 // -1 if missing
	Stop   int32
}

// AttrSet is { bindings } or rec { bindings }.
type AttrSet struct {
	Bindings []Binding
	Rec      int32 // position of "rec", or -1
	Lbrace   int32
	Rbrace   int32 // -1 if missing
	Stop     int32

	attrs *attrEntries // the attribute tree, for duplicate checks of enclosing sets
}

// LegacyLet is let { bindings }, which means (rec { bindings }).body.
type LegacyLet struct {
	Let      int
	Lbrace   int
	Bindings []Binding
	Rbrace   int
	Stop     int
}

// AttrName is one element of an attribute path: an identifier (or "or"),
// a string, or an interpolation ${e}. It holds the one it is in a single
// field: a workspace's trees hold millions of names, and a field for each
// kind was a third of their size.
type AttrName struct {
	x Node // *Ident, *StringLit or *Interp
}

// IdentName returns the attribute name made of the identifier id.
func IdentName(id *Ident) *AttrName { return &AttrName{x: id} }

// Node returns what makes the name: an *Ident, *StringLit or *Interp.
func (n *AttrName) Node() Node { return n.x }

// Ident returns the name's identifier, nil if it is not one.
func (n *AttrName) Ident() *Ident { id, _ := n.x.(*Ident); return id }

// AttrPath is a.b."c".${d}.
type AttrPath struct {
	Names []*AttrName
}

// AttrAssign is the binding path = value;.
type AttrAssign struct {
	Path  *AttrPath
	Value Expr
	Doc   *Comment // a /** */ comment right before the binding
	Eq    int32    // -1 if missing
	Semi  int32    // -1 if missing
	Stop  int32
}

// Inherit is inherit names; or inherit (from) names;.
type Inherit struct {
	From    Expr // nil without (from)
	Names   []*AttrName
	Inherit int32
	Lparen  int32 // -1 without (from)
	Rparen  int32
	Semi    int32
	Stop    int32
}

// Select is X.path or X.path or Default.
type Select struct {
	X       Expr
	Default Expr // nil without a default
	Path    *AttrPath
	Dot     int32
	OrPos   int32 // -1 without a default
}

// HasAttr is X ? path.
type HasAttr struct {
	X        Expr
	Question int
	Path     *AttrPath
	Start    int32 // X's Pos (see Binary)
}

// Apply is the application Fn Arg.
type Apply struct {
	Fn    Expr
	Arg   Expr
	Start int32 // Fn's Pos (see Binary)
}

// Unary is !X or -X.
type Unary struct {
	OpPos int
	Op    Kind // NOT or MINUS
	X     Expr
}

// Binary is X op Y.
//
// Start and Stop are X's Pos and Y's End, kept so that Pos and End take a
// step: left-associative operators (and applications, and '?') chain in
// the left operand, '<|' in the right one, tens of thousands deep, and a
// reader that asked each node of such a chain where it starts walked the
// rest of the chain each time.
type Binary struct {
	X     Expr
	Y     Expr
	OpPos int32
	Start int32
	Stop  int32
	Op    Kind
}

// If is if Cond then Then else Else.
type If struct {
	IfPos   int
	Cond    Expr
	ThenPos int // -1 if missing
	Then    Expr
	ElsePos int // -1 if missing
	Else    Expr
}

// Formal is one formal parameter: name or name ? default.
type Formal struct {
	Name     *Ident
	Question int  // -1 without default
	Default  Expr // nil without default
}

// Formals is { a, b ? 1, ... }.
type Formals struct {
	Lbrace   int
	List     []*Formal
	Ellipsis int // -1 without "..."
	Rbrace   int
	Stop     int
}

// Lambda is Param: Body, Formals: Body, or the two joined with '@'.
type Lambda struct {
	Param   *Ident   // nil when there are only formals
	Formals *Formals // nil for a plain parameter
	At      int      // position of '@', or -1
	Colon   int
	Body    Expr
	Doc     *Comment
}

// Let is let bindings in Body.
type Let struct {
	LetPos   int
	Bindings []Binding
	InPos    int // -1 if missing
	Body     Expr
}

// With is with X; Body.
type With struct {
	WithPos int
	X       Expr
	Semi    int
	Body    Expr
}

// Assert is assert Cond; Body.
type Assert struct {
	AssertPos int
	Cond      Expr
	Semi      int
	Body      Expr
}

// BadExpr stands where an expression was expected but none could be parsed.
type BadExpr struct {
	From, To int
}

func (x *Ident) Pos() int      { return x.NamePos }
func (x *Ident) End() int      { return x.NamePos + len(x.Name) }
func (x *IntLit) Pos() int     { return x.ValuePos }
func (x *IntLit) End() int     { return x.ValuePos + len(x.Raw) }
func (x *FloatLit) Pos() int   { return x.ValuePos }
func (x *FloatLit) End() int   { return x.ValuePos + len(x.Raw) }
func (x *URILit) Pos() int     { return x.ValuePos }
func (x *URILit) End() int     { return x.ValuePos + len(x.Raw) }
func (x *TextPart) Pos() int   { return int(x.Start) }
func (x *TextPart) End() int   { return int(x.Stop) }
func (x *Interp) Pos() int     { return int(x.Dollar) }
func (x *Interp) End() int     { return int(x.Stop) }
func (x *StringLit) Pos() int  { return int(x.Open) }
func (x *StringLit) End() int  { return int(x.Stop) }
func (x *PathLit) Pos() int    { return x.Parts[0].Pos() }
func (x *PathLit) End() int    { return x.Parts[len(x.Parts)-1].End() }
func (x *SearchPath) Pos() int { return x.ValuePos }
func (x *SearchPath) End() int { return x.ValuePos + len(x.Raw) }
func (x *Paren) Pos() int      { return x.Lparen }
func (x *Paren) End() int      { return x.Stop }
func (x *List) Pos() int       { return int(x.Lbrack) }
func (x *List) End() int       { return int(x.Stop) }
func (x *AttrSet) Pos() int {
	if x.Rec >= 0 {
		return int(x.Rec)
	}
	return int(x.Lbrace)
}
func (x *AttrSet) End() int    { return int(x.Stop) }
func (x *LegacyLet) Pos() int  { return x.Let }
func (x *LegacyLet) End() int  { return x.Stop }
func (x *AttrName) Pos() int   { return x.x.Pos() }
func (x *AttrName) End() int   { return x.x.End() }
func (x *AttrPath) Pos() int   { return x.Names[0].Pos() }
func (x *AttrPath) End() int   { return x.Names[len(x.Names)-1].End() }
func (x *AttrAssign) Pos() int { return x.Path.Pos() }
func (x *AttrAssign) End() int { return int(x.Stop) }
func (x *Inherit) Pos() int    { return int(x.Inherit) }
func (x *Inherit) End() int    { return int(x.Stop) }
func (x *Select) Pos() int     { return x.X.Pos() }
func (x *Select) End() int {
	if x.Default != nil {
		return x.Default.End()
	}
	if x.OrPos >= 0 {
		return int(x.OrPos) + 2
	}
	return x.Path.End()
}
func (x *HasAttr) Pos() int { return int(x.Start) }
func (x *HasAttr) End() int { return x.Path.End() }
func (x *Apply) Pos() int   { return int(x.Start) }
func (x *Apply) End() int   { return x.Arg.End() }
func (x *Unary) Pos() int   { return x.OpPos }
func (x *Unary) End() int   { return x.X.End() }
func (x *Binary) Pos() int  { return int(x.Start) }
func (x *Binary) End() int  { return int(x.Stop) }
func (x *If) Pos() int      { return x.IfPos }
func (x *If) End() int      { return x.Else.End() }
func (x *Formal) Pos() int  { return x.Name.Pos() }
func (x *Formal) End() int {
	if x.Default != nil {
		return x.Default.End()
	}
	return x.Name.End()
}
func (x *Formals) Pos() int { return x.Lbrace }
func (x *Formals) End() int { return x.Stop }
func (x *Lambda) Pos() int {
	if x.Param != nil && (x.Formals == nil || x.Param.Pos() < x.Formals.Pos()) {
		return x.Param.Pos()
	}
	return x.Formals.Pos()
}
func (x *Lambda) End() int  { return x.Body.End() }
func (x *Let) Pos() int     { return x.LetPos }
func (x *Let) End() int     { return x.Body.End() }
func (x *With) Pos() int    { return x.WithPos }
func (x *With) End() int    { return x.Body.End() }
func (x *Assert) Pos() int  { return x.AssertPos }
func (x *Assert) End() int  { return x.Body.End() }
func (x *BadExpr) Pos() int { return x.From }
func (x *BadExpr) End() int { return x.To }

func (*Ident) exprNode()      {}
func (*IntLit) exprNode()     {}
func (*FloatLit) exprNode()   {}
func (*URILit) exprNode()     {}
func (*StringLit) exprNode()  {}
func (*PathLit) exprNode()    {}
func (*SearchPath) exprNode() {}
func (*Paren) exprNode()      {}
func (*List) exprNode()       {}
func (*AttrSet) exprNode()    {}
func (*LegacyLet) exprNode()  {}
func (*Select) exprNode()     {}
func (*HasAttr) exprNode()    {}
func (*Apply) exprNode()      {}
func (*Unary) exprNode()      {}
func (*Binary) exprNode()     {}
func (*If) exprNode()         {}
func (*Lambda) exprNode()     {}
func (*Let) exprNode()        {}
func (*With) exprNode()       {}
func (*Assert) exprNode()     {}
func (*BadExpr) exprNode()    {}

func (*AttrAssign) bindingNode() {}
func (*Inherit) bindingNode()    {}

func (*TextPart) stringPart() {}
func (*Interp) stringPart()   {}

// StaticName returns the attribute name if it is known without evaluation:
// an identifier, a string without interpolation, or an interpolation of
// such a string (${"a"}), which Nix's parser turns into the name itself, in
// a let and an inherit too.
func (n *AttrName) StaticName() (string, bool) {
	switch x := n.x.(type) {
	case *Ident:
		return x.Name, true
	case *StringLit:
		return x.StaticValue()
	case *Interp:
		if s, ok := Unparen(x.X).(*StringLit); ok {
			return s.plainValue()
		}
	}
	return "", false
}

// plainValue returns the value of a string that Nix's parser reads as one
// constant: a "..." string without interpolation, or an indented one whose
// text is a single piece once its indentation is stripped (an escape such as
// ”$ makes a piece of its own, and then a concatenation).
func (s *StringLit) plainValue() (string, bool) {
	if !s.Indented {
		return s.StaticValue()
	}
	parts := StripIndentation(s.Parts)
	switch len(parts) {
	case 0:
		return "", true
	case 1:
		if t, ok := parts[0].(*TextPart); ok {
			return t.Value, true
		}
	}
	return "", false
}

// StaticNames returns the names of the path when every one is known without
// evaluation (no ${} and no interpolated string).
func (p *AttrPath) StaticNames() ([]string, bool) {
	out, ok := p.AppendStaticNames(make([]string, 0, len(p.Names)))
	if !ok {
		return nil, false
	}
	return out, true
}

// AppendStaticNames is StaticNames appended to dst (dst itself when a name
// is not static): for callers that look at many paths and keep few.
func (p *AttrPath) AppendStaticNames(dst []string) ([]string, bool) {
	n := len(dst)
	for _, a := range p.Names {
		name, ok := a.StaticName()
		if !ok {
			return dst[:n], false
		}
		dst = append(dst, name)
	}
	return dst, true
}

// FirstName returns the path's first name when it is static: what a
// caller that looks for bindings of one name (inputs, options) tests
// before it reads the rest.
func (p *AttrPath) FirstName() (string, bool) {
	if p == nil || len(p.Names) == 0 {
		return "", false
	}
	return p.Names[0].StaticName()
}

// StaticValue returns the string's value if it has no interpolation. For an
// indented string the indentation is stripped.
func (s *StringLit) StaticValue() (string, bool) {
	parts := s.Parts
	if s.Indented {
		parts = StripIndentation(parts)
	}
	out := ""
	for _, p := range parts {
		t, ok := p.(*TextPart)
		if !ok {
			return "", false
		}
		out += t.Value
	}
	return out, true
}

// Unparen returns x without enclosing parentheses.
func Unparen(x Expr) Expr {
	for {
		p, ok := x.(*Paren)
		if !ok || p.X == nil {
			return x
		}
		x = p.X
	}
}

// SplitApply returns the function of nested applications and their
// arguments in order, looking through parentheses around the function:
// (f a) b is f and [a b].
func SplitApply(a *Apply) (Expr, []Expr) {
	var args []Expr
	var x Expr = a
	for {
		ap, ok := x.(*Apply)
		if !ok {
			break
		}
		args = append(args, ap.Arg)
		x = Unparen(ap.Fn)
	}
	for i, j := 0, len(args)-1; i < j; i, j = i+1, j-1 {
		args[i], args[j] = args[j], args[i]
	}
	return x, args
}

// Error is a syntax error: a byte range and a message for people.
type Error struct {
	Pos, End int
	Msg      string
	// Related is where the clashing definition is, for duplicates; -1 otherwise.
	Related int
	Kind    ErrorKind
	// owner is 1 + the position of the set or let whose duplicate check
	// reported the error, 0 for other errors (Reparse checks it again).
	owner int
}

// ErrorKind classifies syntax errors that tools treat apart.
type ErrorKind uint8

const (
	ErrSyntax          ErrorKind = iota // any other syntax error
	ErrDuplicateAttr                    // an attribute defined twice
	ErrDuplicateFormal                  // a formal parameter named twice
)

func (e Error) Error() string { return e.Msg }

// File is a parsed source file. Its strings share memory with Src, which
// must not be modified once parsed.
type File struct {
	Name   string
	Src    []byte
	tokens tokenList // the significant tokens, EOF last (none after ParseWithoutTokens); see AllTokens
	Root   Expr      // never nil; a *BadExpr for an empty file
	// Trailing holds expressions found after the end of Root in a broken
	// file (a file holds one expression), parsed so that they stay visible.
	Trailing []Expr
	Errors   []Error // sorted by position
	Lines    *LineIndex
	// NewSyntax is set when the file uses syntax newer than Nix 2.8
	// (pipe operators, deep merging of attribute sets).
	NewSyntax bool
	// nonPlain lists, sorted, where the sets and lets start whose bindings
	// share a first name: their duplicate checks read the bindings' values,
	// so Reparse does not replace a binding below one of them.
	nonPlain []int
	// newSyntaxAt lists, sorted, where the syntax that sets NewSyntax is:
	// pipe operators, and the sets and lets whose checks merged two sets.
	// Reparse keeps those outside what it parses again.
	newSyntaxAt []int // set with NewSyntax by setNewSyntax
	// copied is 1 + where the nodes that Reparse copied for this version
	// begin (0: none, a parse); pins counts the versions since the tree was
	// last made whole that shared nodes copied for the version before
	// (compactAfter).
	copied, pins int
	// chainOps is the parser's count of chain operators (parser.chainOps);
	// for a version Reparse made, at most that many.
	chainOps int
}

// setNewSyntax sets where f's new syntax is (sorted), and NewSyntax with it.
func (f *File) setNewSyntax(at []int) {
	f.newSyntaxAt, f.NewSyntax = at, len(at) > 0
}
