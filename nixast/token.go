package nixast

import "strconv"

// Kind is the kind of a token.
type Kind uint8

// Token kinds. Trivia (whitespace and comments) are tokens too, so that the
// token list of a file spells the file out byte for byte.
const (
	ILLEGAL Kind = iota // a byte sequence that is no token
	EOF

	WHITESPACE
	COMMENT // # ... or /* ... */ (including /** ... */ doc comments)

	IDENT
	INT
	FLOAT
	URI
	PATH      // the first segment of a path literal: ./a/b, a/b, /a, ./a/ (before ${)
	HPATH     // a home path: ~/a
	SPATH     // a search path: <nixpkgs>
	PATH_TEXT // a later literal piece of an interpolated path
	PATH_END  // zero-width: the end of a path literal

	STRING_OPEN     // "
	STRING_CLOSE    // "
	STRING_TEXT     // literal text inside "...", escapes still raw
	IND_STRING_OPEN // '' plus the spaces and newline it swallows
	IND_STRING_CLOSE
	IND_STRING_TEXT   // literal text inside ''...'' that takes part in indentation stripping
	IND_STRING_ESCAPE // ''$ ''' ''\x, a lone $ or ': text that ends a line's indentation
	DOLLAR_CURLY      // ${

	// Keywords.
	IF
	THEN
	ELSE
	ASSERT
	WITH
	LET
	IN
	REC
	INHERIT
	OR_KW

	// Operators and punctuation.
	ELLIPSIS  // ...
	EQ        // ==
	NEQ       // !=
	LEQ       // <=
	GEQ       // >=
	AND       // &&
	OR        // ||
	IMPL      // ->
	UPDATE    // //
	CONCAT    // ++
	PIPE_INTO // |>
	PIPE_FROM // <|
	ASSIGN    // =
	SEMI      // ;
	COLON     // :
	COMMA     // ,
	DOT       // .
	QUESTION  // ?
	AT        // @
	NOT       // !
	PLUS      // +
	MINUS     // -
	STAR      // *
	SLASH     // /
	LT        // <
	GT        // >
	LPAREN    // (
	RPAREN    // )
	LBRACK    // [
	RBRACK    // ]
	LBRACE    // {
	RBRACE    // }
)

var kindNames = [...]string{
	ILLEGAL: "illegal character", EOF: "end of file",
	WHITESPACE: "whitespace", COMMENT: "comment",
	IDENT: "identifier", INT: "integer", FLOAT: "float", URI: "URI",
	PATH: "path", HPATH: "path", SPATH: "search path", PATH_TEXT: "path", PATH_END: "end of path",
	STRING_OPEN: `'"'`, STRING_CLOSE: `'"'`, STRING_TEXT: "string", IND_STRING_OPEN: "''",
	IND_STRING_CLOSE: "''", IND_STRING_TEXT: "string", IND_STRING_ESCAPE: "string", DOLLAR_CURLY: "'${'",
	IF: "'if'", THEN: "'then'", ELSE: "'else'", ASSERT: "'assert'", WITH: "'with'", LET: "'let'",
	IN: "'in'", REC: "'rec'", INHERIT: "'inherit'", OR_KW: "'or'",
	ELLIPSIS: "'...'", EQ: "'=='", NEQ: "'!='", LEQ: "'<='", GEQ: "'>='", AND: "'&&'", OR: "'||'",
	IMPL: "'->'", UPDATE: "'//'", CONCAT: "'++'", PIPE_INTO: "'|>'", PIPE_FROM: "'<|'",
	ASSIGN: "'='", SEMI: "';'", COLON: "':'", COMMA: "','", DOT: "'.'", QUESTION: "'?'", AT: "'@'",
	NOT: "'!'", PLUS: "'+'", MINUS: "'-'", STAR: "'*'", SLASH: "'/'", LT: "'<'", GT: "'>'",
	LPAREN: "'('", RPAREN: "')'", LBRACK: "'['", RBRACK: "']'", LBRACE: "'{'", RBRACE: "'}'",
}

// String returns a human-readable name for the kind, as used in error messages.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// IsTrivia reports whether tokens of this kind carry no meaning (whitespace, comments).
func (k Kind) IsTrivia() bool { return k == WHITESPACE || k == COMMENT }

// IsKeyword reports whether the kind is a keyword.
func (k Kind) IsKeyword() bool { return k >= IF && k <= OR_KW }

// Token is one lexical token: its kind and its byte range [Pos, End) in the
// source. Offsets are 32-bit (files are at most MaxFileSize bytes): a large
// file has millions of tokens, and their size is most of the scanner's memory.
type Token struct {
	Kind Kind
	pos  int32
	end  int32
}

// Pos returns the offset of the token's first byte.
func (t Token) Pos() int { return int(t.pos) }

// End returns the offset just past the token's last byte.
func (t Token) End() int { return int(t.end) }

// Text returns the token's source text.
func (t Token) Text(src []byte) string { return string(src[t.pos:t.end]) }
