package optindex

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/internal/readfile"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// The extractor is a small lazy evaluator over the part of Nix that module
// sources use to declare options: attribute sets, lists, lets, withs,
// functions, imports of files, and lib's functions (implemented natively, so
// that lib itself is not needed). What it cannot know (pkgs, config, the
// result of a builtin it does not implement) is unknown, and an unknown value
// never makes an option appear.

// value is one of the types below.
type value any

type unknownT struct{}

// unknown is the value of everything the evaluator cannot know.
var unknown value = unknownT{}

type (
	vStr   string
	vInt   int64
	vBool  bool
	vNull  struct{}
	vPath  string // an absolute file system path
	vFloat float64
)

// vAttrs is an attribute set. partial is set when some names could not be
// computed (a ${} of an unknown value).
type vAttrs struct {
	m       map[string]*attrEntry
	partial bool
}

type attrEntry struct {
	t    *thunk
	file *fileCtx // where the name is written, if it is written in source
	pos  int
}

type vList struct {
	elems   []*thunk
	partial bool
}

// vClosure is a Nix function.
type vClosure struct {
	lam  *nixast.Lambda
	env  *env
	file *fileCtx
}

// vBuiltin is a native function, possibly partially applied.
type vBuiltin struct {
	name  string
	arity int
	args  []*thunk
	fn    func(b *builder, args []*thunk) value
}

// vNative is a native attribute set whose names are looked up lazily: lib,
// lib.types, builtins.
type vNative struct {
	name string
	get  func(b *builder, name string) value
}

// vIf is mkIf's result; vMerge is mkMerge's.
type vIf struct{ cond, content *thunk }
type vMerge struct{ list *thunk }

// vOption is an option declaration: mkOption's argument set, or the options
// mkEnableOption and mkPackageOption make.
type vOption struct {
	args   *vAttrs
	kind   string // "mkOption", "mkEnableOption", "mkPackageOption"
	file   *fileCtx
	pos    int
	desc   string // preset description (mkEnableOption, mkPackageOption)
	typ    *vType // preset type
	deflt  string // preset default text
	plain  bool   // mkPackageOption's nullable etc. are folded into typ
	absent bool
}

// vLiteral is literalExpression/literalMD text.
type vLiteral struct{ text string }

// vRenameModule is the module one of lib's rename functions returns.
type vRenameModule struct {
	kind    RenameKind
	from    []string
	to      []string
	message string
	file    *fileCtx
	pos     int
}

// thunk is a delayed expression, evaluated at most once.
type thunk struct {
	x     nixast.Expr
	env   *env
	file  *fileCtx
	v     value
	state uint8 // 0 new, 1 evaluating, 2 done
	// lazy computes the value instead of x, for values the evaluator
	// builds (map's elements).
	lazy func(b *builder) value
}

func ready(v value) *thunk { return &thunk{v: v, state: 2} }

// env is a scope: lexical names, or (names == nil) a with's set.
type env struct {
	parent *env
	names  map[string]*thunk
	with   *thunk
}

func (e *env) lookup(b *builder, name string) value {
	for s := e; s != nil; s = s.parent {
		if s.names != nil {
			if t, ok := s.names[name]; ok {
				return b.force(t)
			}
		}
	}
	// Nix's globals are lexical names of the outermost scope: a with
	// never shadows them.
	if globalNames[name] {
		return b.global(name)
	}
	for s := e; s != nil; s = s.parent {
		if s.with != nil {
			switch w := b.force(s.with).(type) {
			case *vAttrs:
				if a, ok := w.m[name]; ok {
					return b.force(a.t)
				}
			case *vNative:
				if v := w.get(b, name); v != nil {
					return v
				}
			}
		}
	}
	return b.global(name)
}

// fileCtx is a parsed source file.
type fileCtx struct {
	abs   string
	rel   string
	f     *nixast.File
	val   *thunk // the file's value, for import
	lines *nixast.LineIndex
}

const maxDepth = 400

// maxCopied bounds what one build copies into new lists, strings and sets,
// in elements and 16-byte pieces of text (spend). Steps count expressions, and
// a list or string that doubles at each of 40 bindings (a1 = a0 ++ a0; ...)
// is 40 expressions and 2^40 elements: a module of a few lines took all
// memory and never finished. The sources the index reads copy far less
// (home-manager's 7,500 options: 5,475; nix-darwin's and nixvim's: under
// 300); past the bound a value is unknown.
const maxCopied = 1 << 23

// spend counts n copied units against maxCopied, and reports whether the
// copy may be made.
func (b *builder) spend(n int) bool {
	b.copied += n
	return b.copied <= maxCopied
}

func (b *builder) force(t *thunk) value {
	switch t.state {
	case 2:
		return t.v
	case 1:
		return unknown // a cycle: infinite recursion in Nix, unknown here
	}
	if b.depth > maxDepth || b.steps > b.maxSteps {
		return unknown
	}
	t.state = 1
	b.depth++
	b.steps++
	var v value
	if t.lazy != nil {
		v = t.lazy(b)
	} else {
		v = b.eval(t.x, t.env, t.file)
	}
	b.depth--
	t.v, t.state = v, 2
	t.x, t.env, t.lazy = nil, nil, nil
	return v
}

func (b *builder) delay(x nixast.Expr, e *env, f *fileCtx) *thunk {
	switch x := x.(type) {
	case *nixast.IntLit:
		return ready(vInt(x.Value))
	case *nixast.Lambda:
		return ready(&vClosure{lam: x, env: e, file: f})
	}
	return &thunk{x: x, env: e, file: f}
}

func (b *builder) eval(x nixast.Expr, e *env, f *fileCtx) value {
	switch x := x.(type) {
	case nil:
		return unknown
	case *nixast.Ident:
		return e.lookup(b, x.Name)
	case *nixast.IntLit:
		return vInt(x.Value)
	case *nixast.FloatLit:
		return vFloat(x.Value)
	case *nixast.StringLit:
		s, ok := b.stringValue(x, e, f)
		if !ok {
			return unknown
		}
		return vStr(s)
	case *nixast.PathLit:
		return b.pathValue(x, e, f)
	case *nixast.SearchPath:
		if strings.HasSuffix(x.Raw, "/lib>") {
			return b.lib()
		}
		return unknown
	case *nixast.Paren:
		return b.eval(x.X, e, f)
	case *nixast.List:
		l := &vList{elems: make([]*thunk, len(x.Elems))}
		for i, el := range x.Elems {
			l.elems[i] = b.delay(el, e, f)
		}
		return l
	case *nixast.AttrSet:
		if x.Rec >= 0 {
			inner := &env{parent: e, names: map[string]*thunk{}}
			a := b.attrs(x.Bindings, inner, f, e)
			for k, v := range a.m {
				inner.names[k] = v.t
			}
			return a
		}
		return b.attrs(x.Bindings, e, f, e)
	case *nixast.Select:
		v := b.eval(x.X, e, f)
		for _, n := range x.Path.Names {
			name, ok := b.attrName(n, e, f)
			if !ok {
				return unknown
			}
			nv, found := b.selectOne(v, name)
			if !found {
				if x.Default != nil {
					return b.eval(x.Default, e, f)
				}
				return unknown
			}
			v = nv
		}
		return v
	case *nixast.HasAttr:
		v := b.eval(x.X, e, f)
		for i, n := range x.Path.Names {
			name, ok := b.attrName(n, e, f)
			a, isAttrs := v.(*vAttrs)
			if !ok || !isAttrs {
				return unknown
			}
			ent, has := a.m[name]
			if !has {
				if a.partial {
					return unknown
				}
				return vBool(false)
			}
			if i == len(x.Path.Names)-1 {
				return vBool(true)
			}
			v = b.force(ent.t)
		}
		return unknown
	case *nixast.Apply:
		return b.apply(b.eval(x.Fn, e, f), b.delay(x.Arg, e, f))
	case *nixast.Unary:
		v := b.eval(x.X, e, f)
		switch v := v.(type) {
		case vBool:
			if x.Op == nixast.NOT {
				return !v
			}
		case vInt:
			if x.Op == nixast.MINUS {
				return -v
			}
		}
		return unknown
	case *nixast.Binary:
		return b.binary(x, e, f)
	case *nixast.If:
		switch c := b.eval(x.Cond, e, f).(type) {
		case vBool:
			if c {
				return b.eval(x.Then, e, f)
			}
			return b.eval(x.Else, e, f)
		}
		// An unknown condition: a module list or an option set that is the
		// same on both sides is still known.
		return bothWays(b, b.eval(x.Then, e, f), b.eval(x.Else, e, f))
	case *nixast.Lambda:
		return &vClosure{lam: x, env: e, file: f}
	case *nixast.Let:
		inner := &env{parent: e, names: map[string]*thunk{}}
		a := b.attrs(x.Bindings, inner, f, e)
		for k, v := range a.m {
			inner.names[k] = v.t
		}
		return b.eval(x.Body, inner, f)
	case *nixast.With:
		return b.eval(x.Body, &env{parent: e, with: b.delay(x.X, e, f)}, f)
	case *nixast.Assert:
		return b.eval(x.Body, e, f)
	}
	return unknown
}

// bothWays is the value of an if whose condition is unknown: lists are
// joined (a module list's two branches are both possible), an empty side
// gives way to the other (optionalAttrs-like), anything else is unknown.
func bothWays(b *builder, x, y value) value {
	switch x := x.(type) {
	case *vList:
		if y, ok := y.(*vList); ok {
			return &vList{elems: append(append([]*thunk{}, x.elems...), y.elems...), partial: x.partial || y.partial}
		}
	case *vAttrs:
		if y, ok := y.(*vAttrs); ok {
			if len(y.m) == 0 {
				return x
			}
			if len(x.m) == 0 {
				return y
			}
		}
	}
	return unknown
}

// attrName is a binding or selection name, evaluated if it is a ${}.
func (b *builder) attrName(n *nixast.AttrName, e *env, f *fileCtx) (string, bool) {
	switch x := n.Node().(type) {
	case *nixast.Ident:
		return x.Name, true
	case *nixast.StringLit:
		return b.stringValue(x, e, f)
	case *nixast.Interp:
		if s, ok := b.eval(x.X, e, f).(vStr); ok {
			return string(s), true
		}
	}
	return "", false
}

func (b *builder) stringValue(s *nixast.StringLit, e *env, f *fileCtx) (string, bool) {
	parts := s.Parts
	if s.Indented {
		parts = nixast.StripIndentation(parts)
	}
	var out strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case *nixast.TextPart:
			out.WriteString(p.Value)
		case *nixast.Interp:
			str, ok := toStr(b.eval(p.X, e, f))
			if !ok || !b.spend(len(str)/16) {
				return "", false
			}
			out.WriteString(str)
		}
	}
	return out.String(), true
}

// toStr is what "${v}" gives for a value, if known.
func toStr(v value) (string, bool) {
	switch v := v.(type) {
	case vStr:
		return string(v), true
	case vPath:
		return string(v), true
	case vInt:
		return strconv.FormatInt(int64(v), 10), true
	}
	return "", false
}

func (b *builder) pathValue(p *nixast.PathLit, e *env, f *fileCtx) value {
	var s strings.Builder
	for _, part := range p.Parts {
		switch part := part.(type) {
		case *nixast.TextPart:
			s.WriteString(part.Value)
		case *nixast.Interp:
			str, ok := toStr(b.eval(part.X, e, f))
			if !ok || !b.spend(len(str)/16) {
				return unknown
			}
			s.WriteString(str)
		}
	}
	text := s.String()
	switch p.Kind {
	case nixast.PathAbsolute:
		return vPath(filepath.Clean(text))
	case nixast.PathHome:
		return unknown
	}
	return vPath(filepath.Join(filepath.Dir(f.abs), text))
}

// attrs builds an attribute set from bindings evaluated in e (for rec and
// let, e holds the set's own names, and outer is the scope that inherit
// without a source reads).
func (b *builder) attrs(bindings []nixast.Binding, e *env, f *fileCtx, outer *env) *vAttrs {
	a := &vAttrs{m: make(map[string]*attrEntry, len(bindings))}
	for _, bd := range bindings {
		switch bd := bd.(type) {
		case *nixast.AttrAssign:
			b.assign(a, bd.Path.Names, bd.Value, e, f)
		case *nixast.Inherit:
			for _, n := range bd.Names {
				name, ok := n.StaticName()
				if !ok {
					a.partial = true
					continue
				}
				var t *thunk
				if bd.From != nil {
					t = &thunk{x: &nixast.Select{X: bd.From, Path: &nixast.AttrPath{Names: []*nixast.AttrName{n}}, OrPos: -1}, env: e, file: f}
				} else {
					t = &thunk{x: &nixast.Ident{NamePos: n.Pos(), Name: name}, env: outer, file: f}
				}
				a.m[name] = &attrEntry{t: t, file: f, pos: n.Pos()}
			}
		}
	}
	return a
}

// assign binds path = value in a, merging nested sets as Nix does for
// a.b = 1; a.c = 2;.
func (b *builder) assign(a *vAttrs, names []*nixast.AttrName, x nixast.Expr, e *env, f *fileCtx) {
	name, ok := b.attrName(names[0], e, f)
	if !ok {
		a.partial = true
		return
	}
	pos := names[0].Pos()
	if len(names) == 1 {
		if old, exists := a.m[name]; exists {
			// { a.b = 1; a = { c = 2; }; }: both are sets, merged.
			nv := b.eval(x, e, f)
			if na, ok := nv.(*vAttrs); ok {
				if oa, ok := b.force(old.t).(*vAttrs); ok {
					old.t = ready(mergeAttrs(oa, na))
					return
				}
			}
		}
		a.m[name] = &attrEntry{t: b.delay(x, e, f), file: f, pos: pos}
		return
	}
	var sub *vAttrs
	if old, exists := a.m[name]; exists {
		if oa, ok := b.force(old.t).(*vAttrs); ok {
			sub = oa
		}
	}
	if sub == nil {
		sub = &vAttrs{m: map[string]*attrEntry{}}
		a.m[name] = &attrEntry{t: ready(sub), file: f, pos: pos}
	}
	b.assign(sub, names[1:], x, e, f)
}

// mergeAttrs is a recursive union of two sets written in source (a.b = 1
// beside a = { c = 2; }).
func mergeAttrs(x, y *vAttrs) *vAttrs {
	out := &vAttrs{m: make(map[string]*attrEntry, len(x.m)+len(y.m)), partial: x.partial || y.partial}
	for k, v := range x.m {
		out.m[k] = v
	}
	for k, v := range y.m {
		out.m[k] = v
	}
	return out
}

func (b *builder) selectOne(v value, name string) (value, bool) {
	switch v := v.(type) {
	case *vAttrs:
		if ent, ok := v.m[name]; ok {
			return b.force(ent.t), true
		}
		if v.partial {
			return unknown, true
		}
		return nil, false
	case *vNative:
		if r := v.get(b, name); r != nil {
			return r, true
		}
		return unknown, true
	case *vOption:
		if ent, ok := v.args.m[name]; ok {
			return b.force(ent.t), true
		}
		return unknown, true
	case *vType:
		return v.attr(b, name), true
	}
	return unknown, true
}

func (b *builder) binary(x *nixast.Binary, e *env, f *fileCtx) value {
	switch x.Op {
	case nixast.PIPE_INTO:
		return b.apply(b.eval(x.Y, e, f), b.delay(x.X, e, f))
	case nixast.PIPE_FROM:
		return b.apply(b.eval(x.X, e, f), b.delay(x.Y, e, f))
	case nixast.AND, nixast.OR, nixast.IMPL:
		l, lok := b.eval(x.X, e, f).(vBool)
		if lok {
			switch {
			case x.Op == nixast.AND && !bool(l):
				return vBool(false)
			case x.Op == nixast.OR && bool(l):
				return vBool(true)
			case x.Op == nixast.IMPL && !bool(l):
				return vBool(true)
			}
		}
		r, rok := b.eval(x.Y, e, f).(vBool)
		if !lok || !rok {
			if rok && (x.Op == nixast.AND && !bool(r) || x.Op == nixast.OR && bool(r)) {
				return r
			}
			return unknown
		}
		switch x.Op {
		case nixast.AND:
			return l && r
		case nixast.OR:
			return l || r
		}
		return !l || r
	}
	l := b.eval(x.X, e, f)
	r := b.eval(x.Y, e, f)
	switch x.Op {
	case nixast.UPDATE:
		if lo, ok := l.(*vOption); ok {
			// mkEnableOption "..." // { default = true; }
			n := *lo
			if ra, ok := r.(*vAttrs); ok {
				n.args = mergeAttrs(lo.args, ra)
				if _, ok := ra.m["type"]; ok {
					n.typ = nil
				}
			}
			return &n
		}
		la, lok := l.(*vAttrs)
		ra, rok := r.(*vAttrs)
		switch {
		case rok && len(ra.m) == 0 && !ra.partial:
			return l
		case lok && len(la.m) == 0 && !la.partial:
			return r
		case lok && rok:
			out := &vAttrs{m: make(map[string]*attrEntry, len(la.m)+len(ra.m)), partial: la.partial || ra.partial}
			for k, v := range la.m {
				out.m[k] = v
			}
			for k, v := range ra.m {
				out.m[k] = v
			}
			return out
		case lok:
			return &vAttrs{m: la.m, partial: true}
		case rok:
			return &vAttrs{m: ra.m, partial: true}
		}
		return unknown
	case nixast.CONCAT:
		ll, lok := l.(*vList)
		rl, rok := r.(*vList)
		if lok && !b.spend(len(ll.elems)) || rok && !b.spend(len(rl.elems)) {
			return unknown
		}
		out := &vList{}
		if lok {
			out.elems = append(out.elems, ll.elems...)
			out.partial = ll.partial
		} else {
			out.partial = true
		}
		if rok {
			out.elems = append(out.elems, rl.elems...)
			out.partial = out.partial || rl.partial
		} else {
			out.partial = true
		}
		return out
	case nixast.PLUS:
		switch lv := l.(type) {
		case vPath:
			if s, ok := toStr(r); ok && b.spend((len(lv)+len(s))/16) {
				return vPath(filepath.Clean(string(lv) + s))
			}
		case vStr:
			if s, ok := toStr(r); ok && b.spend((len(lv)+len(s))/16) {
				return vStr(string(lv) + s)
			}
		case vInt:
			if rv, ok := r.(vInt); ok {
				return lv + rv
			}
		}
		return unknown
	case nixast.MINUS:
		if lv, ok := l.(vInt); ok {
			if rv, ok := r.(vInt); ok {
				return lv - rv
			}
		}
		return unknown
	case nixast.EQ, nixast.NEQ:
		eq, ok := equal(l, r)
		if !ok {
			return unknown
		}
		return vBool(eq == (x.Op == nixast.EQ))
	case nixast.LT, nixast.GT, nixast.LEQ, nixast.GEQ:
		li, lok := l.(vInt)
		ri, rok := r.(vInt)
		if !lok || !rok {
			return unknown
		}
		switch x.Op {
		case nixast.LT:
			return vBool(li < ri)
		case nixast.GT:
			return vBool(li > ri)
		case nixast.LEQ:
			return vBool(li <= ri)
		}
		return vBool(li >= ri)
	}
	return unknown
}

func equal(l, r value) (bool, bool) {
	switch lv := l.(type) {
	case vStr, vInt, vBool, vPath:
		switch r.(type) {
		case vStr, vInt, vBool, vPath, vNull:
			return l == r, true
		}
	case vNull:
		switch r.(type) {
		case vStr, vInt, vBool, vPath, vNull, *vAttrs, *vList:
			return r == l, true
		}
	case *vAttrs, *vList:
		if _, ok := r.(vNull); ok {
			return false, true
		}
		_ = lv
	}
	return false, false
}

// apply calls a function value.
func (b *builder) apply(fn value, arg *thunk) value {
	switch fn := fn.(type) {
	case *vClosure:
		return b.call(fn, arg)
	case *vBuiltin:
		args := make([]*thunk, len(fn.args)+1)
		copy(args, fn.args)
		args[len(fn.args)] = arg
		if len(args) < fn.arity {
			return &vBuiltin{name: fn.name, arity: fn.arity, args: args, fn: fn.fn}
		}
		if b.depth > maxDepth {
			return unknown
		}
		b.depth++
		v := fn.fn(b, args)
		b.depth--
		return v
	case *vAttrs:
		if ent, ok := fn.m["__functor"]; ok {
			return b.apply(b.apply(b.force(ent.t), ready(fn)), arg)
		}
	case *vType:
		return unknown
	}
	return unknown
}

func (b *builder) call(c *vClosure, arg *thunk) value {
	lam := c.lam
	e := &env{parent: c.env, names: map[string]*thunk{}}
	if lam.Param != nil {
		e.names[lam.Param.Name] = arg
	}
	if lam.Formals != nil {
		av := b.force(arg)
		a, _ := av.(*vAttrs)
		for _, fm := range lam.Formals.List {
			if fm.Name == nil {
				continue
			}
			if a != nil {
				if ent, ok := a.m[fm.Name.Name]; ok {
					e.names[fm.Name.Name] = ent.t
					continue
				}
			}
			if fm.Default != nil && (a == nil || !a.partial) {
				e.names[fm.Name.Name] = b.delay(fm.Default, e, c.file)
				continue
			}
			if fm.Default != nil && a != nil && a.partial {
				e.names[fm.Name.Name] = b.delay(fm.Default, e, c.file)
				continue
			}
			e.names[fm.Name.Name] = ready(unknown)
		}
	}
	if b.depth > maxDepth {
		return unknown
	}
	b.depth++
	v := b.eval(lam.Body, e, c.file)
	b.depth--
	return v
}

// importFile is import path: the file's value, evaluated once.
func (b *builder) importFile(p string) value {
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		p = filepath.Join(p, "default.nix")
	}
	fc := b.file(p)
	if fc == nil {
		return unknown
	}
	return b.force(fc.val)
}

// file parses a file once; nil when it cannot be read.
func (b *builder) file(p string) *fileCtx {
	if fc, ok := b.files[p]; ok {
		return fc
	}
	// Only a regular file, and no larger than the parser reads: a module
	// may import any path, and /dev/zero or a FIFO was read until memory
	// ran out, or forever.
	src, err := readfile.Regular(p, nil, nixast.MaxFileSize)
	if err != nil {
		b.files[p] = nil
		b.partial("cannot read " + b.rel(p))
		return nil
	}
	f := nixast.ParseWithoutTokens(p, src)
	fc := &fileCtx{abs: p, rel: b.rel(p), f: f}
	if len(f.Errors) > 0 {
		b.partial(fc.rel + ": " + f.Errors[0].Msg)
	}
	fc.val = &thunk{x: f.Root, env: b.top, file: fc}
	b.files[p] = fc
	return fc
}

func (b *builder) rel(p string) string {
	if r, err := filepath.Rel(b.root, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(p)
}

// position returns the 1-based line and column of an offset in a file.
func (fc *fileCtx) position(off int) (int, int) {
	if fc.lines == nil {
		fc.lines = nixast.NewLineIndex(fc.f.Src)
	}
	l, c := fc.lines.Position(off)
	return l + 1, c + 1
}
