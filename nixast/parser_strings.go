package nixast

import (
	"strings"
)

func (p *parser) parseInterp() *Interp {
	x := put(&p.interps, Interp{Dollar: int32(p.tok.Pos()), Rbrace: -1})
	p.next()
	p.pushCloser(RBRACE)
	x.X = p.parseExpr()
	p.popCloser()
	if p.tok.Kind == RBRACE {
		x.Rbrace = int32(p.tok.Pos())
		p.next()
	} else {
		p.errorf(p.tok.Pos(), p.tok.End(), "expected '}' to close the '${' at %s, found %s", p.at(int(x.Dollar)), p.describe(p.tok))
	}
	x.Stop = int32(p.prevEnd())
	return x
}

func (p *parser) parseString() Expr {
	open := p.tok
	x := put(&p.strs, StringLit{Open: int32(open.Pos()), Indented: open.Kind == IND_STRING_OPEN, Close: -1})
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
			parts = append(parts, put(&p.texts, textPart(t, raw, unescapeString(raw))))
			p.next()
		case IND_STRING_TEXT:
			raw := p.text(t)
			parts = append(parts, put(&p.texts, TextPart{Start: int32(t.Pos()), Stop: int32(t.End()), Value: raw, Indentable: true}))
			p.next()
		case IND_STRING_ESCAPE:
			raw := p.text(t)
			parts = append(parts, put(&p.texts, textPart(t, raw, indEscapeValue(raw))))
			p.next()
		case DOLLAR_CURLY:
			parts = append(parts, p.parseInterp())
		case closeKind:
			x.Close = int32(t.Pos())
			p.next()
			x.Stop = int32(p.prevEnd())
			return x
		default:
			what := `string: the '"'`
			if x.Indented {
				what = "indented string: the ''"
			}
			p.errorf(open.Pos(), open.End(), "unterminated %s at %s is never closed", what, p.at(open.Pos()))
			x.Stop = int32(p.prevEnd())
			if int(x.Stop) < open.End() {
				x.Stop = int32(open.End())
			}
			return x
		}
	}
}

// textPart is the text of token t, raw in the source, whose value is value.
func textPart(t Token, raw, value string) TextPart {
	return TextPart{Start: t.pos, Stop: t.end, Value: value, Escaped: value != raw}
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
	parts = append(parts, put(&p.texts, TextPart{Start: int32(t.Pos()), Stop: int32(t.End()), Value: raw}))
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
			parts = append(parts, put(&p.texts, TextPart{Start: int32(t.Pos()), Stop: int32(t.End()), Value: raw}))
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
