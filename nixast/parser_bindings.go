package nixast

import (
	"strings"
)

func (p *parser) parseAttrSet() *AttrSet {
	x := put(&p.attrSets, AttrSet{Rec: -1, Lbrace: int32(p.tok.Pos()), Rbrace: -1})
	p.next()
	p.pushCloser(RBRACE)
	var plain bool
	x.Bindings, plain = p.parseBindings(RBRACE, false)
	// "}; name = ..." where no binding awaits a ';' means this '}' is one
	// too many: report it and keep the set open.
	for p.tok.Kind == RBRACE && p.peek(1).Kind == SEMI && p.peek(2).Kind != EOF && !p.awaited(SEMI) && p.depthOfSet() == 1 {
		p.errorf(p.tok.Pos(), p.tok.End(), "unexpected '}' followed by ';': the attribute set at %s goes on after it", p.at(int(x.Lbrace)))
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
	if r, ok := p.closeBrace(int(x.Lbrace), "attribute set"); ok {
		x.Rbrace = int32(r)
	}
	x.Stop = int32(p.prevEnd())
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
		b.Eq = int32(p.tok.Pos())
		p.next()
	} else {
		p.errorf(p.tok.Pos(), p.tok.End(), "expected '=' after `%s`, found %s", p.pathString(path), p.describe(p.tok))
		if k := p.tok.Kind; k == SEMI || k == RBRACE || k == IN || k == EOF {
			b.Value = &BadExpr{From: p.prevEnd(), To: p.prevEnd()}
			if k == SEMI {
				b.Semi = int32(p.tok.Pos())
				p.next()
			}
			b.Stop = int32(p.prevEnd())
			return b
		}
	}
	p.pushCloser(SEMI)
	b.Value = p.parseExpr()
	p.popCloser()
	if p.tok.Kind == SEMI {
		b.Semi = int32(p.tok.Pos())
		p.next()
	} else {
		end := b.Value.End()
		if end < int(b.Eq) {
			end = p.prevEnd()
		}
		p.errorf(end, end, "expected ';' after the binding of `%s`", p.pathString(path))
		if !p.bindingAhead() && p.tok.Kind != INHERIT && p.tok.Kind != RBRACE && p.tok.Kind != IN && p.tok.Kind != EOF {
			p.skipTo(SEMI, RBRACE, IN)
			if p.tok.Kind == SEMI {
				b.Semi = int32(p.tok.Pos())
				p.next()
			}
		}
	}
	b.Stop = int32(p.prevEnd())
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
	x := put(&p.inherits, Inherit{Inherit: int32(p.tok.Pos()), Lparen: -1, Rparen: -1, Semi: -1})
	p.next()
	if p.tok.Kind == LPAREN {
		x.Lparen = int32(p.tok.Pos())
		p.next()
		p.pushCloser(RPAREN)
		x.From = p.parseExpr()
		p.popCloser()
		if p.tok.Kind == RPAREN {
			x.Rparen = int32(p.tok.Pos())
			p.next()
		} else {
			p.errorf(p.tok.Pos(), p.tok.End(), "expected ')' to close the '(' of 'inherit' at %s, found %s", p.at(int(x.Lparen)), p.describe(p.tok))
		}
	}
	var buf [16]*AttrName
	names := buf[:0]
	defer func() { x.Names = carve(&p.namePtrs, names) }()
	for {
		switch p.tok.Kind {
		case IDENT, OR_KW:
			names = append(names, put(&p.names, AttrName{x: p.ident()}))
			continue
		case STRING_OPEN:
			s := p.parseString().(*StringLit)
			if _, ok := s.StaticValue(); !ok {
				p.errorf(s.Pos(), s.End(), "dynamic attributes are not allowed in 'inherit'")
			}
			names = append(names, put(&p.names, AttrName{x: s}))
			continue
		case DOLLAR_CURLY:
			n := put(&p.names, AttrName{x: p.parseInterp()})
			if _, ok := n.StaticName(); !ok {
				p.errorf(n.Pos(), n.End(), "dynamic attributes are not allowed in 'inherit'")
			}
			names = append(names, n)
			continue
		case SEMI:
			x.Semi = int32(p.tok.Pos())
			p.next()
		default:
			p.errorf(p.prevEnd(), p.prevEnd(), "expected ';' after 'inherit', found %s", p.describe(p.tok))
			if !p.bindingAhead() && p.tok.Kind != RBRACE && p.tok.Kind != IN && p.tok.Kind != INHERIT {
				p.skipTo(SEMI, RBRACE, IN)
				if p.tok.Kind == SEMI {
					x.Semi = int32(p.tok.Pos())
					p.next()
				}
			}
		}
		x.Stop = int32(p.prevEnd())
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
			n = put(&p.names, AttrName{x: p.ident()})
		case STRING_OPEN:
			n = put(&p.names, AttrName{x: p.parseString().(*StringLit)})
		case DOLLAR_CURLY:
			n = put(&p.names, AttrName{x: p.parseInterp()})
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
			names = append(names, put(&p.names, AttrName{x: put(&p.idents, Ident{NamePos: pos, Name: ""})}))
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
