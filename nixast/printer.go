package nixast

import (
	"sort"
	"strconv"
	"strings"
)

// PrintConfig tells the printer what `nix-instantiate --parse` would know:
// the directory of the file (relative paths become absolute) and $HOME.
type PrintConfig struct {
	BaseDir string
	HomeDir string
}

// Print writes x in the normal form that `nix-instantiate --parse` of Nix 2.8
// prints: operators desugared (a - b is (__sub a b)), everything
// parenthesized, attribute sets sorted by name with nested attribute paths
// merged, strings and paths with interpolation shown as concatenations,
// indented strings with their indentation stripped, paths made absolute.
//
// Two things differ by design: let bindings and formal parameters come out in
// source order (Nix 2.8 orders them by the address of their interned names,
// which no other program can reproduce), and an expression that failed to
// parse prints as <error>.
func Print(x Expr, cfg PrintConfig) string {
	pr := &printer{cfg: cfg}
	pr.expr(x)
	return pr.b.String()
}

type printer struct {
	cfg PrintConfig
	b   strings.Builder
}

func (pr *printer) s(s string) { pr.b.WriteString(s) }

func (pr *printer) expr(x Expr) {
	switch x := x.(type) {
	case nil:
		pr.s("<error>")
	case *Ident:
		if x.Name == "__curPos" {
			pr.s("__curPos")
		} else {
			pr.s(showID(x.Name))
		}
	case *IntLit:
		pr.s(strconv.FormatInt(x.Value, 10))
	case *FloatLit:
		pr.s(formatFloat(x.Value))
	case *URILit:
		pr.s(showString(x.Raw))
	case *StringLit:
		parts := x.Parts
		if x.Indented {
			parts = StripIndentation(parts)
		}
		pr.stringParts(parts)
	case *PathLit:
		pr.path(x)
	case *SearchPath:
		pr.s("(__findFile __nixPath " + showString(x.Raw[1:len(x.Raw)-1]) + ")")
	case *Paren:
		pr.expr(x.X)
	case *List:
		pr.s("[ ")
		for _, e := range x.Elems {
			pr.s("(")
			pr.expr(e)
			pr.s(") ")
		}
		pr.s("]")
	case *AttrSet:
		pr.attrs(pr.buildAttrs(x.Bindings, x.Rec >= 0))
	case *LegacyLet:
		pr.s("(")
		pr.attrs(pr.buildAttrs(x.Bindings, true))
		pr.s(").body")
	case *Select:
		pr.s("(")
		pr.expr(x.X)
		pr.s(").")
		pr.attrPath(x.Path)
		if x.Default != nil {
			pr.s(" or (")
			pr.expr(x.Default)
			pr.s(")")
		}
	case *HasAttr:
		pr.s("((")
		pr.expr(x.X)
		pr.s(") ? ")
		pr.attrPath(x.Path)
		pr.s(")")
	case *Apply:
		pr.call(x)
	case *Unary:
		if x.Op == NOT {
			pr.s("(! ")
			pr.expr(x.X)
			pr.s(")")
		} else {
			pr.call(x)
		}
	case *Binary:
		pr.binary(x)
	case *If:
		pr.s("(if ")
		pr.expr(x.Cond)
		pr.s(" then ")
		pr.expr(x.Then)
		pr.s(" else ")
		pr.expr(x.Else)
		pr.s(")")
	case *Lambda:
		pr.lambda(x)
	case *Let:
		pr.s("(let ")
		set := pr.buildAttrs(x.Bindings, false)
		for _, name := range set.order {
			a := set.byName[name]
			if a.inherited {
				pr.s("inherit " + showID(name) + "; ")
				continue
			}
			pr.s(showID(name) + " = ")
			pr.attrValue(a)
			pr.s("; ")
		}
		pr.s("in ")
		pr.expr(x.Body)
		pr.s(")")
	case *With:
		pr.s("(with ")
		pr.expr(x.X)
		pr.s("; ")
		pr.expr(x.Body)
		pr.s(")")
	case *Assert:
		pr.s("assert ")
		pr.expr(x.Cond)
		pr.s("; ")
		pr.expr(x.Body)
	default:
		pr.s("<error>")
	}
}

func (pr *printer) stringParts(parts []StringPart) {
	if len(parts) == 0 {
		pr.s(`""`)
		return
	}
	if t, ok := parts[0].(*TextPart); ok && len(parts) == 1 {
		pr.s(showString(t.Value))
		return
	}
	pr.s("(")
	for i, p := range parts {
		if i > 0 {
			pr.s(" + ")
		}
		switch p := p.(type) {
		case *TextPart:
			pr.s(showString(p.Value))
		case *Interp:
			pr.expr(p.X)
		}
	}
	pr.s(")")
}

func (pr *printer) path(x *PathLit) {
	first := x.Parts[0].(*TextPart).Value // a path's text is its value
	var s string
	switch x.Kind {
	case PathHome:
		s = pr.cfg.HomeDir + first[1:]
	case PathAbsolute:
		s = canonPath(first)
	default:
		s = canonPath(pr.cfg.BaseDir + "/" + first)
	}
	if x.Kind != PathHome && len(first) > 1 && strings.HasSuffix(first, "/") {
		s += "/"
	}
	if len(x.Parts) == 1 {
		pr.s(s)
		return
	}
	pr.s("(" + s)
	for _, p := range x.Parts[1:] {
		pr.s(" + ")
		switch p := p.(type) {
		case *TextPart:
			pr.s(showString(p.Value))
		case *Interp:
			pr.expr(p.X)
		}
	}
	pr.s(")")
}

// canonPath resolves ".", ".." and repeated slashes lexically, as Nix's canonPath.
func canonPath(p string) string {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}

// callParts returns x as Nix 2.8 represents it when x is a function call
// (ExprCall): applications, and the operators desugared into calls. Nix
// merges the arguments of a call applied again, even through parentheses:
// (f a) b is (f a b), and so is (a - b) c.
func (pr *printer) callParts(x Expr) (fn string, args []string, ok bool) {
	x = Unparen(x)
	show := func(e Expr) string {
		sub := &printer{cfg: pr.cfg}
		sub.expr(e)
		return sub.b.String()
	}
	switch x := x.(type) {
	case *Apply:
		if f, a, ok := pr.callParts(x.Fn); ok {
			return f, append(a, show(x.Arg)), true
		}
		return show(x.Fn), []string{show(x.Arg)}, true
	case *Unary:
		if x.Op == MINUS {
			return "__sub", []string{"0", show(x.X)}, true
		}
	case *Binary:
		switch x.Op {
		case MINUS:
			return "__sub", []string{show(x.X), show(x.Y)}, true
		case STAR:
			return "__mul", []string{show(x.X), show(x.Y)}, true
		case SLASH:
			return "__div", []string{show(x.X), show(x.Y)}, true
		case LT:
			return "__lessThan", []string{show(x.X), show(x.Y)}, true
		case GT:
			return "__lessThan", []string{show(x.Y), show(x.X)}, true
		case PIPE_INTO:
			if f, a, ok := pr.callParts(x.Y); ok {
				return f, append(a, show(x.X)), true
			}
			return show(x.Y), []string{show(x.X)}, true
		case PIPE_FROM:
			if f, a, ok := pr.callParts(x.X); ok {
				return f, append(a, show(x.Y)), true
			}
			return show(x.X), []string{show(x.Y)}, true
		}
	case *SearchPath:
		return "__findFile", []string{"__nixPath", showString(x.Raw[1 : len(x.Raw)-1])}, true
	}
	return "", nil, false
}

func (pr *printer) call(x Expr) {
	fn, args, _ := pr.callParts(x)
	pr.s("(" + fn)
	for _, a := range args {
		pr.s(" " + a)
	}
	pr.s(")")
}

func (pr *printer) binary(x *Binary) {
	var op string
	switch x.Op {
	case EQ:
		op = "=="
	case NEQ:
		op = "!="
	case AND:
		op = "&&"
	case OR:
		op = "||"
	case IMPL:
		op = "->"
	case UPDATE:
		op = "//"
	case CONCAT:
		op = "++"
	case PLUS:
		op = "+"
	case LEQ:
		pr.s("(! (__lessThan ")
		pr.expr(x.Y)
		pr.s(" ")
		pr.expr(x.X)
		pr.s("))")
		return
	case GEQ:
		pr.s("(! (__lessThan ")
		pr.expr(x.X)
		pr.s(" ")
		pr.expr(x.Y)
		pr.s("))")
		return
	default:
		pr.call(x)
		return
	}
	pr.s("(")
	pr.expr(x.X)
	pr.s(" " + op + " ")
	pr.expr(x.Y)
	pr.s(")")
}

func (pr *printer) lambda(x *Lambda) {
	pr.s("(")
	if x.Formals != nil {
		pr.s("{ ")
		list := x.Formals.List
		for i, f := range list {
			if i > 0 {
				pr.s(", ")
			}
			pr.s(showID(f.Name.Name))
			if f.Default != nil {
				pr.s(" ? ")
				pr.expr(f.Default)
			}
		}
		if x.Formals.Ellipsis >= 0 {
			if len(list) > 0 {
				pr.s(", ")
			}
			pr.s("...")
		}
		pr.s(" }")
		if x.Param != nil {
			pr.s(" @ ")
		}
	}
	if x.Param != nil {
		pr.s(showID(x.Param.Name))
	}
	pr.s(": ")
	pr.expr(x.Body)
	pr.s(")")
}

// printAttr is one attribute of a set being printed: a value, an inherited
// name, or a nested set built from attribute paths.
type printAttr struct {
	value     Expr
	inherited bool
	set       *printSet
}

type printSet struct {
	rec     bool
	byName  map[string]*printAttr
	order   []string
	dynamic []printDynamic
}

type printDynamic struct {
	name  Expr
	value *printAttr
}

func newPrintSet(rec bool) *printSet { return &printSet{rec: rec, byName: map[string]*printAttr{}} }

func (s *printSet) put(name string, a *printAttr) {
	if _, ok := s.byName[name]; !ok {
		s.order = append(s.order, name)
	}
	s.byName[name] = a
}

func dynamicName(n *AttrName) Expr {
	if i, ok := n.x.(*Interp); ok {
		return i.X
	}
	return n.x.(Expr)
}

func (pr *printer) toAttr(v Expr) *printAttr {
	if set, ok := Unparen(v).(*AttrSet); ok {
		return &printAttr{set: pr.buildAttrs(set.Bindings, set.Rec >= 0)}
	}
	return &printAttr{value: v}
}

func (pr *printer) buildAttrs(binds []Binding, rec bool) *printSet {
	root := newPrintSet(rec)
	for _, b := range binds {
		switch b := b.(type) {
		case *Inherit:
			for _, n := range b.Names {
				name, ok := n.StaticName()
				if !ok {
					continue
				}
				if b.From != nil {
					sel := &Select{X: b.From, Path: &AttrPath{Names: []*AttrName{IdentName(&Ident{Name: name})}}, OrPos: -1}
					root.put(name, &printAttr{value: sel})
				} else {
					root.put(name, &printAttr{inherited: true})
				}
			}
		case *AttrAssign:
			cur := root
			names := b.Path.Names
			for _, n := range names[:len(names)-1] {
				name, ok := n.StaticName()
				if !ok {
					nested := newPrintSet(false)
					cur.dynamic = append(cur.dynamic, printDynamic{name: dynamicName(n), value: &printAttr{set: nested}})
					cur = nested
					continue
				}
				a := cur.byName[name]
				if a == nil || a.set == nil {
					a = &printAttr{set: newPrintSet(false)}
					cur.put(name, a)
				}
				cur = a.set
			}
			last := names[len(names)-1]
			val := pr.toAttr(b.Value)
			name, ok := last.StaticName()
			if !ok {
				cur.dynamic = append(cur.dynamic, printDynamic{name: dynamicName(last), value: val})
				continue
			}
			if old := cur.byName[name]; old != nil && old.set != nil && val.set != nil {
				mergePrintSets(old.set, val.set)
				continue
			}
			cur.put(name, val)
		}
	}
	return root
}

func mergePrintSets(dst, src *printSet) {
	for _, name := range src.order {
		a := src.byName[name]
		if old := dst.byName[name]; old != nil && old.set != nil && a.set != nil {
			mergePrintSets(old.set, a.set)
			continue
		}
		dst.put(name, a)
	}
	dst.dynamic = append(dst.dynamic, src.dynamic...)
}

func (pr *printer) attrValue(a *printAttr) {
	if a.set != nil {
		pr.attrs(a.set)
		return
	}
	pr.expr(a.value)
}

func (pr *printer) attrs(s *printSet) {
	if s.rec {
		pr.s("rec ")
	}
	pr.s("{ ")
	names := append([]string(nil), s.order...)
	sort.Strings(names)
	for _, name := range names {
		a := s.byName[name]
		if a.inherited {
			pr.s("inherit " + showID(name) + " ; ")
			continue
		}
		pr.s(showID(name) + " = ")
		pr.attrValue(a)
		pr.s("; ")
	}
	for _, d := range s.dynamic {
		pr.s(`"${`)
		pr.expr(d.name)
		pr.s(`}" = `)
		pr.attrValue(d.value)
		pr.s("; ")
	}
	pr.s("}")
}

func (pr *printer) attrPath(p *AttrPath) {
	for i, n := range p.Names {
		if i > 0 {
			pr.s(".")
		}
		if name, ok := n.StaticName(); ok {
			pr.s(showID(name))
			continue
		}
		pr.s(`"${`)
		pr.expr(dynamicName(n))
		pr.s(`}"`)
	}
}

// showString quotes s as Nix 2.8's printer does.
func showString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// showID prints an attribute or variable name, quoting it when it is not a
// plain identifier (Nix 2.8 quotes only "if" among the keywords).
func showID(s string) string {
	if s == "" {
		return `""`
	}
	if s == "if" {
		return `"if"`
	}
	if !isIdentStart(s[0]) {
		return showString(s)
	}
	for i := 0; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return showString(s)
		}
	}
	return s
}

// formatFloat prints like C++'s default ostream formatting (%g, 6 digits).
func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', 6, 64)
}
