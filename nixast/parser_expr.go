package nixast

import (
	"math"
	"strconv"
	"strings"
)

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
	if p.partial && len(stack) > 0 {
		// A brace whose match may lie past the window.
		p.sawWindowEnd = true
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
		p.newSyntax = append(p.newSyntax, p.tok.Pos())
		for p.tok.Kind == PIPE_INTO || p.tok.Kind == PIPE_FROM {
			if p.tok.Kind == PIPE_FROM {
				p.errorf(p.tok.Pos(), p.tok.End(), "'<|' cannot follow '|>' without parentheses")
			}
			op, pos := p.tok.Kind, p.tok.Pos()
			p.next()
			p.chainOps++
			x = newBinary(&p.binaries, x, pos, op, p.parseOp(0))
		}
	case PIPE_FROM:
		p.newSyntax = append(p.newSyntax, p.tok.Pos())
		operands := []Expr{x}
		var ops []Token
		for p.tok.Kind == PIPE_FROM || p.tok.Kind == PIPE_INTO {
			if p.tok.Kind == PIPE_INTO {
				p.errorf(p.tok.Pos(), p.tok.End(), "'|>' cannot follow '<|' without parentheses")
			}
			ops = append(ops, p.tok)
			p.next()
			p.chainOps++
			operands = append(operands, p.parseOp(0))
		}
		x = operands[len(operands)-1]
		for i := len(ops) - 1; i >= 0; i-- {
			x = newBinary(&p.binaries, operands[i], ops[i].Pos(), ops[i].Kind, x)
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
		p.chainOps++
		if op.Kind == QUESTION {
			x = &HasAttr{X: x, Question: op.Pos(), Path: p.parseAttrPath("after '?'"), Start: int32(x.Pos())}
		} else {
			var y Expr
			if as == assocRight {
				y = p.parseOp(prec)
			} else {
				y = p.parseOp(prec + 1)
			}
			x = newBinary(&p.binaries, x, op.Pos(), op.Kind, y)
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

// newBinary stores X op Y with its span.
func newBinary(b *slab[Binary], x Expr, pos int, op Kind, y Expr) *Binary {
	return put(b, Binary{X: x, OpPos: int32(pos), Op: op, Y: y, Start: int32(x.Pos()), Stop: int32(y.End())})
}

func (p *parser) parseApp() Expr {
	x := p.parseSelect()
	for p.startsSimple(p.tok, 0) {
		if p.bindingAhead() {
			break
		}
		p.chainOps++
		x = put(&p.applies, Apply{Fn: x, Arg: p.parseSelect(), Start: int32(x.Pos())})
	}
	return x
}

func (p *parser) parseSelect() Expr {
	x := p.parseSimple()
	switch p.tok.Kind {
	case DOT:
		dot := p.tok.Pos()
		p.next()
		s := put(&p.selects, Select{X: x, Dot: int32(dot), Path: p.parseAttrPath("after '.'"), OrPos: -1})
		if p.tok.Kind == OR_KW {
			s.OrPos = int32(p.tok.Pos())
			p.next()
			switch {
			case !p.startsSimple(p.tok, 0):
				p.errorf(p.tok.Pos(), p.tok.End(), "expected a default value after 'or', found %s", p.describe(p.tok))
				s.Default = p.bad()
			case !p.enter():
				// x.a or y.b or ... nests each default in the one
				// before: a level, as any nesting, or the tree's readers
				// recurse as deep as the chain is long.
				s.Default = p.skipNested()
			default:
				s.Default = p.parseSelect()
				p.leave()
			}
		}
		return s
	case OR_KW:
		// The "cursed or": f or applies f to a variable named or.
		or := put(&p.idents, Ident{NamePos: p.tok.Pos(), Name: "or"})
		p.next()
		return put(&p.applies, Apply{Fn: x, Arg: or, Start: int32(x.Pos())})
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
		s.Rec = int32(t.Pos())
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
			if r, ok := p.closeBrace(lbrace, "'let {'"); ok {
				x.Rbrace = r
			}
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

func (p *parser) closeBrace(lbrace int, what string) (rbrace int, ok bool) {
	if p.tok.Kind == RBRACE {
		rbrace = p.tok.Pos()
		p.next()
		return rbrace, true
	}
	p.errorf(p.tok.Pos(), p.tok.End(), "expected '}' to close the %s at %s, found %s", what, p.at(lbrace), p.describe(p.tok))
	return -1, false
}

func (p *parser) parseList() Expr {
	x := put(&p.lists, List{Lbrack: int32(p.tok.Pos()), Rbrack: -1})
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
			x.Rbrack = int32(p.tok.Pos())
			p.next()
			x.Stop = int32(p.prevEnd())
			return x
		case p.bindingAhead() || p.tok.Kind == INHERIT:
			p.errorf(int(x.Lbrack), int(x.Lbrack)+1, "this '[' is never closed: expected ']' before the binding at %s", p.at(p.tok.Pos()))
			x.Stop = int32(p.prevEnd())
			return x
		case p.startsSimple(p.tok, 0):
			add(p.parseSelect())
		case p.tok.Kind == EOF || p.awaited(p.tok.Kind) || p.tok.Kind == SEMI:
			p.errorf(p.tok.Pos(), p.tok.End(), "expected ']' to close the list at %s, found %s", p.at(int(x.Lbrack)), p.describe(p.tok))
			x.Stop = int32(p.prevEnd())
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
