package analysis

import (
	"path"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/modsys"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// The abstract evaluator: just enough of Nix to tell what a module list
// element refers to. Anything it cannot resolve is unknown, never guessed.

// evaluator holds the workspace and caches.
type evaluator struct {
	ws        *Workspace
	fileRoots map[string]*thunk     // also: every file the evaluation read
	flakes    map[string]*flakeInfo // per flake.nix file
	steps     int
	depth     int
	// paths memoizes the static paths of bindings, by their list: a module
	// imported by many systems is read once per system, the same each time.
	paths map[*nixast.Binding][]staticPath
	// idx, when set, is the module graph's index of the workspace's paths
	// (the same as ws.Files').
	idx *pathIndex
}

type staticPath struct {
	names  []string // nil unless static
	static bool
}

// staticPaths returns the StaticNames of each binding's attribute path
// (none for an inherit), computed once per evaluator. The names are shared:
// callers must not modify them.
func (ev *evaluator) staticPaths(binds []nixast.Binding) []staticPath {
	if len(binds) == 0 {
		return nil
	}
	key := &binds[0]
	if sp, ok := ev.paths[key]; ok {
		return sp
	}
	sp := make([]staticPath, len(binds))
	n := 0
	for _, b := range binds {
		if a, ok := b.(*nixast.AttrAssign); ok {
			n += len(a.Path.Names)
		}
	}
	all := make([]string, 0, n) // every path's names, in one slice
	for i, b := range binds {
		if a, ok := b.(*nixast.AttrAssign); ok {
			from := len(all)
			var static bool
			if all, static = a.Path.AppendStaticNames(all); static {
				// A full slice expression: an append by a caller copies.
				sp[i] = staticPath{names: all[from:len(all):len(all)], static: true}
			}
		}
	}
	if ev.paths == nil {
		ev.paths = map[*nixast.Binding][]staticPath{}
	}
	ev.paths[key] = sp
	return sp
}

const maxSteps = 200000
const maxDepth = 150

// spend counts work the evaluator is about to do against the step budget,
// and reports whether the budget allows it. Steps count expressions, and a
// list or string that doubles at each of 40 bindings (a1 = a0 ++ a0; ...)
// is 40 expressions and 2^40 elements: a file of a few lines took all
// memory and never finished. So each copy into a new list or string spends
// what it copies (an element, or 64 bytes of text); past the budget the
// value is unknown, as any the budget cuts short.
func (ev *evaluator) spend(n int) bool {
	ev.steps += n
	return ev.steps <= maxSteps
}

// condCost is what copying elements that carry conditions costs: one step
// each, and their conditions' text, which grows with every if around them.
func condCost(elems []elem, cond string) int {
	n := len(elems)
	for _, el := range elems {
		n += (len(el.Cond) + len(cond)) / 64
	}
	return n
}

// filesWithPrefix returns the paths of the workspace that start with
// prefix, in no particular order.
func (ev *evaluator) filesWithPrefix(prefix string) []string {
	if ev.idx != nil {
		return ev.idx.withPrefix(prefix)
	}
	var out []string
	for f := range ev.ws.All() {
		if strings.HasPrefix(f, prefix) {
			out = append(out, f)
		}
	}
	return out
}

func newEvaluator(ws *Workspace) *evaluator {
	return &evaluator{ws: ws, fileRoots: map[string]*thunk{}, flakes: map[string]*flakeInfo{}}
}

func (ev *evaluator) force(t *thunk) Value {
	if t == nil {
		return unknown
	}
	switch t.state {
	case 2:
		return t.val
	case 1:
		return unknown // a cycle
	}
	t.state = 1
	var v Value
	if t.fn != nil {
		v = t.fn()
	} else {
		v = ev.eval(t.expr, t.env, t.file)
	}
	t.val, t.state = v, 2
	return v
}

func (ev *evaluator) mk(x nixast.Expr, e *env, file string) *thunk {
	return &thunk{expr: x, env: e, file: file}
}

// lookup resolves a variable: lexical bindings first, then with scopes.
func (ev *evaluator) lookup(name string, e *env) (*thunk, bool) {
	for s := e; s != nil; s = s.parent {
		if s.vars != nil {
			if t, ok := s.vars[name]; ok {
				return t, true
			}
		}
	}
	for s := e; s != nil; s = s.parent {
		if s.with != nil {
			v := ev.force(s.with)
			a, ok := v.(*attrsV)
			if !ok {
				if mv, ok := v.(*modulesV); ok {
					switch name {
					case ModHost, ModMicrovm, ModOptions:
						return valThunk(&modRefV{Which: name, Fork: mv.Fork}), true
					}
				}
				return nil, false
			}
			if t, ok := a.Attrs[name]; ok {
				return t, true
			}
			if !a.Complete {
				return nil, false
			}
		}
	}
	return nil, false
}

// knownFuncs are the functions the evaluator knows by name: the module
// system's definition wrappers (package modsys) and these.
var knownFuncs = withWrappers(map[string]bool{
	"optional": true, "optionals": true, "nixosSystem": true, "import": true, "optionalAttrs": true,
	// attribute set and list functions that build system maps
	"readDir": true, "mapAttrs": true, "attrNames": true, "attrValues": true, "filterAttrs": true,
	"genAttrs": true, "listToAttrs": true, "map": true, "removeSuffix": true, "hasSuffix": true,
	"nameValuePair": true, "pathExists": true, "imap0": true, "imap1": true, "flatten": true, "concatLists": true, "importHosts": true,
	// string functions that turn directory names into system names
	"mapAttrs'": true, "splitString": true, "concatMapStrings": true, "concatStrings": true,
	"concatStringsSep": true, "toLower": true, "toUpper": true, "substring": true, "stringLength": true,
	"mkFlake": true,
})

var funcArity = withWrapperArity(map[string]int{
	"optional": 2, "optionals": 2, "nixosSystem": 1, "import": 1, "optionalAttrs": 2,
	"readDir": 1, "mapAttrs": 2, "attrNames": 1, "attrValues": 1, "filterAttrs": 2, "genAttrs": 2, "listToAttrs": 1,
	"map": 2, "removeSuffix": 2, "hasSuffix": 2, "nameValuePair": 2, "pathExists": 1, "imap0": 2, "imap1": 2,
	"flatten": 1, "concatLists": 1, "importHosts": 1,
	"mapAttrs'": 2, "splitString": 2, "concatMapStrings": 2, "concatStrings": 1, "concatStringsSep": 2,
	"toLower": 1, "toUpper": 1, "substring": 3, "stringLength": 1,
	"haumeaLoad": 1,
	"mkFlake":    2, // flake-parts' (snowfall's and digga's take one argument: frameworkCall reads them)
})

func withWrappers(m map[string]bool) map[string]bool {
	for _, f := range modsys.Funcs() {
		if f.Wraps() {
			m[f.Name] = true
		}
	}
	return m
}

func withWrapperArity(m map[string]int) map[string]int {
	for _, f := range modsys.Funcs() {
		if f.Wraps() {
			m[f.Name] = f.Arity
		}
	}
	return m
}

func (ev *evaluator) eval(x nixast.Expr, e *env, file string) (res Value) {
	if x == nil {
		return unknown
	}
	ev.steps++
	if ev.steps > maxSteps || ev.depth > maxDepth {
		return unknown
	}
	ev.depth++
	defer func() { ev.depth-- }()
	switch x := x.(type) {
	case *nixast.Paren:
		return ev.eval(x.X, e, file)
	case *nixast.Ident:
		if t, ok := ev.lookup(x.Name, e); ok {
			return ev.force(t)
		}
		switch x.Name {
		case "import":
			return &builtinV{Name: "import", File: file}
		case "true", "false", "null":
			return &strV{S: "\x00" + x.Name}
		}
		if knownFuncs[x.Name] && x.Name != "import" {
			if !ev.lexicallyBound(x.Name, e) {
				return &builtinV{Name: x.Name, File: file}
			}
		}
		return unknown
	case *nixast.Select:
		v := ev.eval(x.X, e, file)
		for _, n := range x.Path.Names {
			name, ok := n.StaticName()
			if !ok {
				name, ok = ev.dynamicName(n, e, file)
			}
			if !ok {
				if x.Default != nil {
					return unknown
				}
				// x.${unknown}.lib.nixosSystem is still some nixosSystem
				v = unknown
				continue
			}
			v = ev.selectAttr(v, name, file)
			if v == nil {
				return ev.orDefault(x, e, file)
			}
		}
		return v
	case *nixast.StringLit:
		return ev.evalString(x.Parts, e, file)
	case *nixast.PathLit:
		return ev.evalPath(x, e, file)
	case *nixast.SearchPath:
		return &foreignV{}
	case *nixast.List:
		l := &listV{}
		for _, el := range x.Elems {
			l.Elems = append(l.Elems, elem{File: file, Node: el, th: ev.mk(el, e, file)})
		}
		return l
	case *nixast.AttrSet:
		return ev.evalAttrSet(x, e, file)
	case *nixast.Let:
		return ev.eval(x.Body, ev.bindLet(x.Bindings, e, file), file)
	case *nixast.With:
		return ev.eval(x.Body, &env{parent: e, with: ev.mk(x.X, e, file)}, file)
	case *nixast.Assert:
		return ev.eval(x.Body, e, file)
	case *nixast.Lambda:
		return &lambdaV{L: x, Env: e, File: file}
	case *nixast.If:
		// A branch that throws gives no value: the other is the result
		// (`if valid then x else throw "…"`).
		switch {
		case isThrow(x.Else):
			return ev.eval(x.Then, e, file)
		case isThrow(x.Then):
			return ev.eval(x.Else, e, file)
		}
		cond := condText(ev.ws, file, x.Cond)
		tv := ev.eval(x.Then, e, file)
		fv := ev.eval(x.Else, e, file)
		tl, ok1 := tv.(*listV)
		fl, ok2 := fv.(*listV)
		if ok1 != ok2 {
			// one branch is a list: keep it, the other is one unknown element
			if !ok1 {
				tl = &listV{Elems: []elem{unknownElem(x.Then, file)}}
			} else {
				fl = &listV{Elems: []elem{unknownElem(x.Else, file)}}
			}
			ok1, ok2 = true, true
		}
		if ok1 && ok2 {
			if !ev.spend(condCost(tl.Elems, cond) + condCost(fl.Elems, cond)) {
				return unknown
			}
			out := &listV{}
			for _, el := range tl.Elems {
				el.Cond = joinCond(cond, el.Cond)
				out.Elems = append(out.Elems, el)
			}
			for _, el := range fl.Elems {
				el.Cond = joinCond("not ("+cond+")", el.Cond)
				out.Elems = append(out.Elems, el)
			}
			return out
		}
		return unknown
	case *nixast.IntLit:
		return &intV{N: x.Value}
	case *nixast.Unary:
		if n, ok := ev.eval(x.X, e, file).(*intV); ok && x.Op == nixast.MINUS {
			return &intV{N: -n.N}
		}
		if x.Op == nixast.NOT {
			if b, ok := boolOf(ev.eval(x.X, e, file)); ok {
				return boolV(!b)
			}
		}
		return unknown
	case *nixast.Binary:
		switch x.Op {
		case nixast.EQ, nixast.NEQ:
			a, ok1 := ev.eval(x.X, e, file).(*strV)
			b, ok2 := ev.eval(x.Y, e, file).(*strV)
			if !ok1 || !ok2 || strings.Contains(a.S+b.S, "\x00") && !isBoolText(a.S) && !isBoolText(b.S) {
				return unknown
			}
			return boolV((a.S == b.S) == (x.Op == nixast.EQ))
		case nixast.AND, nixast.OR:
			a, ok1 := boolOf(ev.eval(x.X, e, file))
			if ok1 && a == (x.Op == nixast.OR) {
				return boolV(a) // short circuit
			}
			b, ok2 := boolOf(ev.eval(x.Y, e, file))
			if ok1 && ok2 {
				return boolV(b)
			}
			return unknown
		case nixast.CONCAT:
			// A side that is not a known list stays one unknown element:
			// `[ host ] ++ extra` still imports host.
			a := ev.listOrUnknown(x.X, e, file)
			b := ev.listOrUnknown(x.Y, e, file)
			if a == nil && b == nil {
				return unknown
			}
			as, bs := ev.elemsOf(a, x.X, file), ev.elemsOf(b, x.Y, file)
			if !ev.spend(len(as) + len(bs)) {
				return unknown
			}
			out := &listV{Elems: make([]elem, 0, len(as)+len(bs))}
			out.Elems = append(append(out.Elems, as...), bs...)
			return out
		case nixast.UPDATE:
			a, ok1 := ev.eval(x.X, e, file).(*attrsV)
			b, ok2 := ev.eval(x.Y, e, file).(*attrsV)
			if !ok1 && !ok2 {
				return unknown
			}
			// One side unknown: what the other holds is known, but not
			// all of it (an unknown right side may override any of it).
			if !ok1 {
				a = &attrsV{Attrs: map[string]*thunk{}}
			}
			if !ok2 {
				b = &attrsV{Attrs: map[string]*thunk{}}
			}
			out := &attrsV{Attrs: map[string]*thunk{}, Complete: a.Complete && b.Complete}
			for k, v := range a.Attrs {
				out.Attrs[k] = v
			}
			for k, v := range b.Attrs {
				out.Attrs[k] = v
			}
			return out
		case nixast.PLUS:
			a := ev.eval(x.X, e, file)
			b := ev.eval(x.Y, e, file)
			if f, ok := a.(*foreignV); ok {
				if f.Absent {
					return unknown // a file of a source that is not there
				}
				if s, ok := b.(*strV); ok && f.Dir != "" {
					if p := ev.sourcePath(f.Dir + s.S); p != nil {
						return p
					}
				}
				return &foreignV{}
			}
			if p, ok := a.(*pathV); ok && !strings.Contains(p.Text, "\x00") {
				if s, ok := b.(*strV); ok && !strings.Contains(s.S, "\x00") {
					if p.Abs != "" && !strings.Contains(p.Abs, "\x00") {
						// the path's own directory, not that of the
						// file doing the addition (a helper's)
						return ev.absPath(path.Clean(p.Abs + s.S))
					}
					return ev.evalPathText(p.Text+s.S, file)
				}
			}
			if !ev.spend((len(textOf(a)) + len(textOf(b))) / 64) {
				return unknown
			}
			return classifyText(textOf(a)+textOf(b), "")
		}
		return unknown
	case *nixast.Apply:
		fn := ev.eval(x.Fn, e, file)
		return ev.apply(fn, ev.mk(x.Arg, e, file), x, file)
	}
	return unknown
}

// isThrow reports whether x is a call of throw or abort (builtins' or
// bare), which never gives a value.
func isThrow(x nixast.Expr) bool {
	a, ok := nixast.Unparen(x).(*nixast.Apply)
	if !ok {
		return false
	}
	fn := nixast.Unparen(a.Fn)
	if sel, ok := fn.(*nixast.Select); ok && len(sel.Path.Names) == 1 {
		if id, ok := sel.X.(*nixast.Ident); ok && id.Name == "builtins" {
			n, _ := sel.Path.Names[0].StaticName()
			return n == "throw" || n == "abort"
		}
	}
	id, ok := fn.(*nixast.Ident)
	return ok && (id.Name == "throw" || id.Name == "abort")
}

// lexicallyBound reports whether name has a lexical binding or a with scope
// that may bind it (then a function name is not assumed to be lib's).
func (ev *evaluator) lexicallyBound(name string, e *env) bool {
	for s := e; s != nil; s = s.parent {
		if s.vars != nil {
			if _, ok := s.vars[name]; ok {
				return true
			}
		}
	}
	return false
}

// listOrUnknown evaluates x; nil when it is not a known list.
func (ev *evaluator) listOrUnknown(x nixast.Expr, e *env, file string) *listV {
	l, _ := ev.eval(x, e, file).(*listV)
	return l
}

// elemsOf returns l's elements, or one unknown element written at x.
func (ev *evaluator) elemsOf(l *listV, x nixast.Expr, file string) []elem {
	if l != nil {
		return l.Elems
	}
	return []elem{unknownElem(x, file)}
}

// unknownElem is a list element (or run of elements) that is not known.
func unknownElem(x nixast.Expr, file string) elem {
	return elem{File: file, Node: x, th: unknownThunk}
}

func (ev *evaluator) orDefault(x *nixast.Select, e *env, file string) Value {
	if x.Default != nil {
		return ev.eval(x.Default, e, file)
	}
	return unknown
}

func textOf(v Value) string {
	switch v := v.(type) {
	case *strV:
		return v.S
	case *pathV:
		return v.Text
	case *flakeV:
		return "\x00microvm"
	case *foreignV:
		if v.Dir != "" {
			return v.Dir
		}
		if v.Absent {
			return "\x00" // some file of a source that is not there
		}
		return "\x00foreign"
	case *modRefV:
		return "\x00" + modPaths[v.Which]
	}
	return "\x00"
}

func joinCond(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + " && " + b
}

func condText(ws *Workspace, file string, n nixast.Node) string {
	f := ws.At(file)
	if f == nil || n == nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(f.Src[n.Pos():n.End()])), " ")
}

// selectAttr returns v.name, nil when v certainly has no such attribute (or
// unknown when it may).
func (ev *evaluator) selectAttr(v Value, name, file string) Value {
	switch v := v.(type) {
	case *attrsV:
		if t, ok := v.Attrs[name]; ok {
			return ev.force(t)
		}
		if v.Complete {
			return nil
		}
		return ev.unknownSelect(name, file)
	case *flakeV:
		if name == "nixosModules" {
			return &modulesV{Fork: v.Fork}
		}
		return unknown
	case *modulesV:
		switch name {
		case ModHost, ModMicrovm, ModOptions:
			return &modRefV{Which: name, Fork: v.Fork}
		}
		return unknown
	case *unknownV:
		return ev.unknownSelect(name, file)
	case *foreignV:
		if v.Dir != "" || v.Absent {
			if r := ev.selectSource(v, name, file); r != nil {
				return r
			}
		}
		if name == "lib" {
			if strings.Contains(v.Input, "haumea") {
				return &attrsV{Attrs: map[string]*thunk{"load": valThunk(&builtinV{Name: "haumeaLoad", File: file})}}
			}
			return unknown
		}
		return &foreignV{}
	case *builtinV:
		return unknown
	case *libNSV:
		return ev.selectLibNS(v, name, file)
	}
	return unknown
}

func (ev *evaluator) unknownSelect(name, file string) Value {
	if knownFuncs[name] && name != "import" {
		return &builtinV{Name: name, File: file}
	}
	if libNamespaces[name] {
		return &libNSV{Name: name}
	}
	return unknown
}

func (ev *evaluator) evalAttrSet(x *nixast.AttrSet, e *env, file string) Value {
	a := &attrsV{Attrs: map[string]*thunk{}, Complete: true, Node: x, Env: e, File: file}
	inner := e
	if x.Rec >= 0 {
		inner = e.extend(a.Attrs)
	}
	ev.addBindings(a, x.Bindings, e, inner, file)
	if ev.isFlake(file, x) {
		ev.setupFlake(a, x, file)
	}
	return a
}

// addBindings fills a with bindings; values are evaluated in inner, inherit
// (from) expressions in outer.
func (ev *evaluator) addBindings(a *attrsV, binds []nixast.Binding, outer, inner *env, file string) {
	for _, b := range binds {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			ev.addPath(a, b.Path.Names, ev.mk(b.Value, inner, file), inner, file)
		case *nixast.Inherit:
			for _, n := range b.Names {
				name, ok := n.StaticName()
				if !ok {
					a.Complete = false
					continue
				}
				if b.From != nil {
					from := ev.mk(b.From, inner, file)
					nm := name
					a.Attrs[name] = &thunk{expr: &nixast.Select{X: b.From, Path: &nixast.AttrPath{Names: []*nixast.AttrName{nixast.IdentName(&nixast.Ident{NamePos: n.Pos(), Name: nm})}}, OrPos: -1}, env: from.env, file: file}
				} else {
					nm := name
					a.Attrs[name] = &thunk{expr: &nixast.Ident{NamePos: n.Pos(), Name: nm}, env: outer, file: file}
				}
			}
		}
	}
}

func (ev *evaluator) addPath(a *attrsV, names []*nixast.AttrName, t *thunk, e *env, file string) {
	name, ok := names[0].StaticName()
	if !ok {
		// a dynamic name known from the scope (`"${name}" = …` with name
		// bound by a let) names the attribute; other dynamic names make
		// the set incomplete
		if name, ok = ev.dynamicName(names[0], e, file); !ok {
			a.Complete = false
			return
		}
	}
	if len(names) == 1 {
		if old, ok := a.Attrs[name]; ok {
			// a.b = {..}; a = {..}: merge when both are attribute sets
			ov, ok1 := ev.force(old).(*attrsV)
			nv, ok2 := ev.force(t).(*attrsV)
			if ok1 && ok2 {
				m := &attrsV{Attrs: map[string]*thunk{}, Complete: ov.Complete && nv.Complete}
				for k, v := range ov.Attrs {
					m.Attrs[k] = v
				}
				for k, v := range nv.Attrs {
					m.Attrs[k] = v
				}
				a.Attrs[name] = valThunk(m)
				return
			}
		}
		a.Attrs[name] = t
		return
	}
	var sub *attrsV
	if old, ok := a.Attrs[name]; ok {
		if s, ok := ev.force(old).(*attrsV); ok && !s.shared {
			sub = s
		}
	}
	if sub == nil {
		sub = &attrsV{Attrs: map[string]*thunk{}, Complete: true}
		a.Attrs[name] = valThunk(sub)
	}
	ev.addPath(sub, names[1:], t, e, file)
}

func (ev *evaluator) bindLet(binds []nixast.Binding, e *env, file string) *env {
	vars := map[string]*thunk{}
	inner := e.extend(vars)
	a := &attrsV{Attrs: vars, Complete: true}
	ev.addBindings(a, binds, inner, inner, file)
	// inherit without from in a let refers to the outer scope
	for _, b := range binds {
		if in, ok := b.(*nixast.Inherit); ok && in.From == nil {
			for _, n := range in.Names {
				if name, ok := n.StaticName(); ok {
					vars[name] = &thunk{expr: &nixast.Ident{NamePos: n.Pos(), Name: name}, env: e, file: file}
				}
			}
		}
	}
	return inner
}

// apply applies fn to arg.
func (ev *evaluator) apply(fn Value, arg *thunk, call *nixast.Apply, file string) Value {
	switch f := fn.(type) {
	case *lambdaV:
		return ev.eval(f.L.Body, ev.bindLambda(f, arg), f.File)
	case *builtinV:
		nf := &builtinV{Name: f.Name, File: f.File, Args: append(append([]*thunk{}, f.Args...), arg)}
		nf.Arg0 = append(append([]nixast.Expr{}, f.Arg0...), arg.expr)
		if len(nf.Args) < funcArity[f.Name] {
			return nf
		}
		return ev.callBuiltin(nf, call, file)
	case *foreignV:
		if strings.Contains(f.Input, "import-tree") {
			return ev.importTree(ev.force(arg), call, file)
		}
	}
	return unknown
}

func (ev *evaluator) bindLambda(f *lambdaV, arg *thunk) *env {
	vars := map[string]*thunk{}
	e := f.Env.extend(vars)
	if f.L.Param != nil {
		vars[f.L.Param.Name] = arg
	}
	if f.L.Formals != nil {
		var av *attrsV
		if a, ok := ev.force(arg).(*attrsV); ok {
			av = a
		}
		for _, fo := range f.L.Formals.List {
			name := fo.Name.Name
			if av != nil {
				if t, ok := av.Attrs[name]; ok {
					vars[name] = t
					continue
				}
			}
			if fo.Default != nil && (av == nil || av.Complete) {
				vars[name] = ev.mk(fo.Default, e, f.File)
				continue
			}
			vars[name] = unknownThunk
		}
	}
	return e
}

func (ev *evaluator) callBuiltin(f *builtinV, call *nixast.Apply, file string) Value {
	switch f.Name {
	case "import":
		p, ok := ev.force(f.Args[0]).(*pathV)
		if ok && p.File != "" {
			return ev.force(ev.fileRoot(p.File))
		}
		if m, ok := ev.force(f.Args[0]).(*modRefV); ok {
			return m
		}
		return unknown
	case "optional", "optionals":
		if b, ok := boolOf(ev.force(f.Args[0])); ok && !b {
			return &listV{} // a condition known to be false: nothing
		}
		cond := condText(ev.ws, f.Args[0].file, f.Arg0[0])
		if f.Name == "optional" {
			x := f.Args[1]
			return &listV{Elems: []elem{{File: x.file, Node: x.expr, Cond: cond, th: x}}}
		}
		l, ok := ev.force(f.Args[1]).(*listV)
		if !ok {
			x := f.Args[1]
			return &listV{Elems: []elem{{File: x.file, Node: x.expr, Cond: cond, th: unknownThunk}}}
		}
		if !ev.spend(condCost(l.Elems, cond)) {
			return unknown
		}
		out := &listV{}
		for _, el := range l.Elems {
			el.Cond = joinCond(cond, el.Cond)
			out.Elems = append(out.Elems, el)
		}
		return out
	case "nixosSystem", "darwinSystem", "homeManagerConfiguration":
		return &systemV{Call: call, File: file, Arg: f.Args[0], kind: classCalls[f.Name]}
	}
	if mf, ok := modsys.Lookup(f.Name); ok && (mf.Role == modsys.Priority || mf.Role == modsys.Order) {
		return ev.force(f.Args[mf.Value]) // the value, whatever its priority
	}
	return ev.callLib(f, call, file)
}
