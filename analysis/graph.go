package analysis

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Hop is one step of an import chain: the element that brought a module in.
type Hop struct {
	File string
	Pos  int
	End  int
}

// ModElem is one element of a module list in a system's closure.
type ModElem struct {
	File     string
	Node     nixast.Expr
	Pos, End int
	Cond     string // the condition text when conditional
	Which    string // ModHost, ModMicrovm, ModOptions, or "" for other modules
	Unknown  bool   // could not be resolved
	Implicit bool   // the guest module a host injects into microvm.vms.<n>.config
	Via      []Hop  // the elements that brought in the module holding this one
}

// OptDef is a definition of a microvm.* option in a module of a system.
type OptDef struct {
	Path    []string // full attribute path, starting with "microvm"
	File    string
	Binding *nixast.AttrAssign
	Pos     int // range of the binding's attribute path
	End     int
	Via     []Hop
}

// setRef is an attribute set literal in a file.
type setRef struct {
	File string
	Set  *nixast.AttrSet
}

// System is one NixOS system and what its module closure holds.
type System struct {
	Name          string
	Kind          string // "nixos", "vm", "container", "configuration"
	File          string
	Pos           int
	Elems         []*ModElem
	Defs          []*OptDef
	Unknown       bool // some module could not be resolved
	Opaque        bool // a config or microvm value is not a literal: any microvm.* option may be set
	GuestDisabled bool
	BareMetal     bool
	MicrovmSets   []setRef  // `microvm = { ... }` sets in its modules
	GuestEnable   []*OptDef // definitions of microvm.guest.enable
	FirstSet      *setRef   // the first attribute-set module
	Parent        *System
	named         bool // named by nixosConfigurations.<name>

	visited  map[string]bool
	args     *attrsV
	children []*childPart

	// The system's optView, built on first use. A system is kept from one
	// graph to the next while its root reads no changed file, and so is its
	// view: an edit to one host does not make the others' views again.
	viewOnce sync.Once
	view     *optView
}

type childPart struct {
	kind, name string
	config     *thunkExpr
	extra      *thunkExpr
	special    *thunkExpr
	via        []Hop
	file       string
	pos        int
}

type thunkExpr struct {
	x    nixast.Expr
	env  *env
	file string
}

// Has reports whether the closure holds the module which.
func (s *System) Has(which string) bool {
	for _, e := range s.Elems {
		if e.Which == which {
			return true
		}
	}
	return false
}

type graph struct {
	ev      *evaluator
	ws      *Workspace
	systems []*System
	root    string // directory holding every file, for short names in messages

	roots     map[string]*rootScan // by "scan:"+file or "config:"+file
	rescanned int                  // roots scanned rather than reused
}

// buildGraph finds the systems of the workspace and their module closures.
// memos (may be nil) holds per-file facts: only files that mention
// nixosSystem or nixosConfigurations are scanned for systems; the evaluation
// still follows imports and helper functions into any file.
func buildGraph(ws *Workspace, memos map[string]*fileMemo) *graph {
	return rebuildGraph(ws, memos, nil, nil)
}

// rootScan is what scanning one root (a file that declares systems, or a
// lone configuration.nix) produced, and every file that scan read.
type rootScan struct {
	systems []*System
	reads   map[string]bool
}

// rebuildGraph builds the graph of ws. Roots of old whose scan read none of
// the changed files keep their systems; the others are scanned again. Each
// root is evaluated on its own, so that what it read is known exactly.
func rebuildGraph(ws *Workspace, memos map[string]*fileMemo, old *graph, changed map[string]bool) *graph {
	if memos == nil {
		memos = map[string]*fileMemo{}
		for p, f := range ws.Files {
			m := &fileMemo{path: p}
			m.scan(f)
			memos[p] = m
		}
	}
	g := &graph{ev: newEvaluator(ws), ws: ws, roots: map[string]*rootScan{}}
	paths := make([]string, 0, len(ws.Files))
	for p := range ws.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	// flake.nix files first
	sort.SliceStable(paths, func(i, j int) bool {
		return path.Base(paths[i]) == "flake.nix" && path.Base(paths[j]) != "flake.nix"
	})
	root := func(key, file string, scan func()) {
		if old != nil {
			if rs := old.roots[key]; rs != nil && !readsAny(rs.reads, changed) {
				g.systems = append(g.systems, rs.systems...)
				g.roots[key] = rs
				return
			}
		}
		g.ev = newEvaluator(ws)
		start := len(g.systems)
		scan()
		rs := &rootScan{systems: append([]*System(nil), g.systems[start:]...), reads: map[string]bool{file: true}}
		for p := range g.ev.fileRoots {
			rs.reads[p] = true
		}
		for _, s := range rs.systems {
			for p := range s.visited {
				rs.reads[p] = true
			}
		}
		g.roots[key] = rs
		g.rescanned++
	}
	for _, p := range paths {
		if !memos[p].hasRoots {
			continue
		}
		p := p
		root("scan:"+p, p, func() { g.scan(ws.File(p).Root, nil, p, nil, true) })
	}
	// lone configuration.nix files
	refd := g.referencedFiles(memos)
	for _, p := range paths {
		if path.Base(p) == "configuration.nix" && !refd[p] {
			p := p
			root("config:"+p, p, func() {
				s := g.newSystem(strings.TrimSuffix(path.Dir(p), "/"), "configuration", p, 0)
				if s.Name == "." || s.Name == "/ws" || s.Name == "" {
					s.Name = "configuration"
				}
				s.visited[p] = true
				g.module(s, g.ev.force(g.ev.fileRoot(p)), nil)
				g.finish(s)
			})
		}
	}
	// named nixosConfigurations first
	rank := func(s *System) int {
		switch {
		case s.Kind == "nixos" && s.named:
			return 0
		case s.Kind == "nixos":
			return 1
		}
		return 2
	}
	sort.SliceStable(g.systems, func(i, j int) bool { return rank(g.systems[i]) < rank(g.systems[j]) })
	return g
}

func readsAny(reads, changed map[string]bool) bool {
	for p := range changed {
		if reads[p] {
			return true
		}
	}
	return false
}

func (g *graph) referencedFiles(memos map[string]*fileMemo) map[string]bool {
	out := map[string]bool{}
	for p, m := range memos {
		for _, rel := range m.relPaths {
			if r := g.ev.resolvePath(p, rel); r != "" && r != p {
				out[r] = true
			}
		}
	}
	return out
}

func (g *graph) newSystem(name, kind, file string, pos int) *System {
	s := &System{Name: name, Kind: kind, File: file, Pos: pos, visited: map[string]bool{}}
	g.systems = append(g.systems, s)
	return s
}

func systemName(names []string) string {
	for i, n := range names {
		if n == "nixosConfigurations" && i+1 < len(names) {
			return names[i+1]
		}
	}
	if len(names) > 0 {
		return names[len(names)-1]
	}
	return "?"
}

// scan walks a file's tree looking for nixosSystem calls.
func (g *graph) scan(x nixast.Expr, e *env, file string, names []string, root bool) {
	ev := g.ev
	if ev.steps > maxSteps {
		return
	}
	switch x := x.(type) {
	case *nixast.Paren:
		g.scan(x.X, e, file, names, root)
	case *nixast.AttrSet:
		inner := e
		a, _ := ev.eval(x, e, file).(*attrsV)
		if x.Rec >= 0 && a != nil {
			inner = e.extend(a.Attrs)
		}
		info := ev.flakes[file]
		for _, b := range x.Bindings {
			as, ok := b.(*nixast.AttrAssign)
			if !ok {
				continue
			}
			nn := append(append([]string{}, names...), attrPathStrings(as.Path)...)
			if root && info != nil && len(nn) == 1 && nn[0] == "outputs" {
				if l, ok := nixast.Unparen(as.Value).(*nixast.Lambda); ok {
					env2 := ev.bindLambda(&lambdaV{L: l, Env: inner, File: file}, valThunk(info.args))
					g.scan(l.Body, env2, file, nn, false)
					continue
				}
			}
			g.scan(as.Value, inner, file, nn, false)
		}
	case *nixast.Let:
		e2 := ev.bindLet(x.Bindings, e, file)
		for _, b := range x.Bindings {
			if as, ok := b.(*nixast.AttrAssign); ok {
				g.scan(as.Value, e2, file, append(append([]string{}, names...), attrPathStrings(as.Path)...), false)
			}
		}
		g.scan(x.Body, e2, file, names, false)
	case *nixast.With:
		g.scan(x.Body, &env{parent: e, with: ev.mk(x.X, e, file)}, file, names, false)
	case *nixast.Assert:
		g.scan(x.Body, e, file, names, false)
	case *nixast.Lambda:
		g.scan(x.Body, ev.bindLambda(&lambdaV{L: x, Env: e, File: file}, valThunk(unknown)), file, names, false)
	case *nixast.If:
		g.scan(x.Then, e, file, names, false)
		g.scan(x.Else, e, file, names, false)
	case *nixast.List:
		for _, el := range x.Elems {
			g.scan(el, e, file, names, false)
		}
	case *nixast.Binary:
		g.scan(x.X, e, file, names, false)
		g.scan(x.Y, e, file, names, false)
	case *nixast.Apply:
		v := ev.eval(x, e, file)
		if sv, ok := v.(*systemV); ok {
			s := g.addNixosSystem(sv, systemName(names))
			for _, n := range names {
				if n == "nixosConfigurations" {
					s.named = true
				}
			}
			return
		}
		g.scan(x.Fn, e, file, names, false)
		g.scan(x.Arg, e, file, names, false)
	}
}

func attrPathStrings(p *nixast.AttrPath) []string {
	var out []string
	for _, n := range p.Names {
		s, ok := n.StaticName()
		if !ok {
			s = "?"
		}
		out = append(out, s)
	}
	return out
}

func (g *graph) addNixosSystem(sv *systemV, name string) *System {
	ev := g.ev
	pos := 0
	if sv.Call != nil {
		pos = sv.Call.Pos()
	}
	s := g.newSystem(name, "nixos", sv.File, pos)
	arg, ok := ev.force(sv.Arg).(*attrsV)
	if !ok {
		s.Unknown = true
		return s
	}
	if sa, ok := arg.Attrs["specialArgs"]; ok {
		if a, ok := ev.force(sa).(*attrsV); ok {
			s.args = a
		}
	}
	mt, ok := arg.Attrs["modules"]
	if !ok {
		s.Unknown = !arg.Complete
		g.finish(s)
		return s
	}
	l, ok := ev.force(mt).(*listV)
	if !ok {
		s.Unknown = true
		g.finish(s)
		return s
	}
	for _, el := range l.Elems {
		g.addElem(s, el, nil)
	}
	g.finish(s)
	return s
}

// finish builds the systems nested in s (microvm.vms.<n>.config, containers).
func (g *graph) finish(s *System) {
	ev := g.ev
	for _, c := range s.children {
		cs := g.newSystem(c.name, c.kind, c.file, c.pos)
		cs.Parent = s
		if c.kind == "vm" {
			cs.Elems = append(cs.Elems, &ModElem{File: c.file, Pos: c.pos, End: c.pos, Which: ModMicrovm, Implicit: true})
		}
		if c.special != nil {
			if a, ok := ev.eval(c.special.x, c.special.env, c.special.file).(*attrsV); ok {
				cs.args = a
			}
		}
		if c.config != nil {
			g.moduleExpr(cs, c.config.x, c.config.env, c.config.file, c.via)
		}
		if c.extra != nil {
			l, ok := ev.eval(c.extra.x, c.extra.env, c.extra.file).(*listV)
			if !ok {
				cs.Unknown = true
			} else {
				for _, el := range l.Elems {
					g.addElem(cs, el, c.via)
				}
			}
		}
		g.finish(cs)
	}
	s.children = nil
}

func (g *graph) addElem(s *System, el elem, via []Hop) {
	ev := g.ev
	me := &ModElem{File: el.File, Node: el.Node, Cond: el.Cond, Via: via}
	if el.Node != nil {
		me.Pos, me.End = el.Node.Pos(), el.Node.End()
	}
	v := ev.force(el.th)
	s.Elems = append(s.Elems, me)
	hop := Hop{File: me.File, Pos: me.Pos, End: me.End}
	via2 := append(append([]Hop{}, via...), hop)
	switch v := v.(type) {
	case *modRefV:
		me.Which = v.Which
		return
	case *pathV:
		if path.Base(v.Text) == "hardware-configuration.nix" {
			s.BareMetal = true
		}
		if v.File == "" {
			if path.Base(v.Text) == "hardware-configuration.nix" {
				return // generated by nixos-generate-config: never microvm's
			}
			me.Unknown = true
			s.Unknown = true
			return
		}
		if path.Base(v.File) == "hardware-configuration.nix" {
			s.BareMetal = true
		}
		if s.visited[v.File] {
			return
		}
		s.visited[v.File] = true
		if !g.module(s, ev.force(ev.fileRoot(v.File)), via2) {
			me.Unknown = true
		}
	default:
		if !g.module(s, v, via2) {
			me.Unknown = true
		}
	}
}

func (g *graph) moduleArgs(s *System) *thunk {
	a := &attrsV{Attrs: map[string]*thunk{"modulesPath": valThunk(&foreignV{})}, Complete: false}
	if s.args != nil {
		for k, v := range s.args.Attrs {
			a.Attrs[k] = v
		}
	}
	return valThunk(a)
}

// module processes a module value; false when it is not understood.
func (g *graph) module(s *System, v Value, via []Hop) bool {
	switch v := v.(type) {
	case *lambdaV:
		e := g.ev.bindLambda(v, g.moduleArgs(s))
		return g.moduleExpr(s, v.L.Body, e, v.File, via)
	case *attrsV:
		if v.Node == nil {
			s.Unknown = true
			return false
		}
		e := v.Env
		if v.Node.Rec >= 0 {
			e = e.extend(v.Attrs)
		}
		g.moduleSet(s, v.Node, e, v.File, via, "")
		return true
	case *modRefV, *foreignV:
		return true
	}
	s.Unknown = true
	return false
}

func (g *graph) moduleExpr(s *System, x nixast.Expr, e *env, file string, via []Hop) bool {
	ev := g.ev
	switch x := x.(type) {
	case *nixast.Paren:
		return g.moduleExpr(s, x.X, e, file, via)
	case *nixast.Let:
		return g.moduleExpr(s, x.Body, ev.bindLet(x.Bindings, e, file), file, via)
	case *nixast.With:
		return g.moduleExpr(s, x.Body, &env{parent: e, with: ev.mk(x.X, e, file)}, file, via)
	case *nixast.Assert:
		return g.moduleExpr(s, x.Body, e, file, via)
	case *nixast.AttrSet:
		if x.Rec >= 0 {
			if a, ok := ev.eval(x, e, file).(*attrsV); ok {
				e = e.extend(a.Attrs)
			}
		}
		g.moduleSet(s, x, e, file, via, "")
		return true
	}
	return g.module(s, ev.eval(x, e, file), via)
}

// unwrapMk strips lib.mkIf c / mkDefault / mkForce / mkOverride n / mkMerge
// [x] (single element) and parentheses.
func (g *graph) unwrapMk(x nixast.Expr, e *env, file string) (nixast.Expr, string) {
	cond := ""
	for i := 0; i < 10; i++ {
		x = nixast.Unparen(x)
		app, ok := x.(*nixast.Apply)
		if !ok {
			return x, cond
		}
		fn, args := splitApply(app)
		bv, ok := g.ev.eval(fn, e, file).(*builtinV)
		if !ok {
			return x, cond
		}
		switch {
		case bv.Name == "mkIf" && len(args) == 2:
			cond = joinCond(cond, condText(g.ws, file, args[0]))
			x = args[1]
		case (bv.Name == "mkDefault" || bv.Name == "mkForce" || bv.Name == "mkMerge") && len(args) == 1:
			x = args[0]
			if l, ok := nixast.Unparen(x).(*nixast.List); ok && bv.Name == "mkMerge" {
				if len(l.Elems) != 1 {
					return l, cond
				}
				x = l.Elems[0]
			}
		case bv.Name == "mkOverride" && len(args) == 2:
			x = args[1]
		default:
			return x, cond
		}
	}
	return x, cond
}

func splitApply(a *nixast.Apply) (nixast.Expr, []nixast.Expr) {
	var args []nixast.Expr
	var x nixast.Expr = a
	for {
		ap, ok := x.(*nixast.Apply)
		if !ok {
			break
		}
		args = append([]nixast.Expr{ap.Arg}, args...)
		x = nixast.Unparen(ap.Fn)
	}
	return x, args
}

// moduleSet reads a module's attribute set: imports, microvm.* definitions,
// bare-metal signs, nested systems.
func (g *graph) moduleSet(s *System, set *nixast.AttrSet, e *env, file string, via []Hop, cond string) {
	if s.FirstSet == nil {
		s.FirstSet = &setRef{File: file, Set: set}
	}
	g.defs(s, set.Bindings, nil, e, file, via, true)
}

func (g *graph) defs(s *System, binds []nixast.Binding, prefix []string, e *env, file string, via []Hop, top bool) {
	ev := g.ev
	var cb func(p []string, b *nixast.AttrAssign, v nixast.Expr) bool
	recurse := func(p []string, v nixast.Expr, onSet func(*nixast.AttrSet)) {
		inner, _ := g.unwrapMk(v, e, file)
		switch x := inner.(type) {
		default:
			q := p
			if top && len(q) > 0 && q[0] == "config" {
				q = q[1:]
			}
			if len(q) == 0 || (len(q) == 1 && q[0] == "microvm") {
				s.Opaque = true
			}
		case *nixast.AttrSet:
			if onSet != nil {
				onSet(x)
			}
			ev.flattenBindings(x.Bindings, p, cb)
		case *nixast.List: // mkMerge [ ... ]
			for _, el := range x.Elems {
				in2, _ := g.unwrapMk(el, e, file)
				if as, ok := in2.(*nixast.AttrSet); ok {
					ev.flattenBindings(as.Bindings, p, cb)
				}
			}
		}
	}
	cb = func(p []string, b *nixast.AttrAssign, v nixast.Expr) bool {
		q := p
		if top && len(q) > 0 && q[0] == "config" {
			q = q[1:]
		}
		if len(q) == 0 {
			recurse(p, v, nil)
			return false
		}
		if top && len(p) == 1 && p[0] == "imports" {
			l, ok := ev.eval(v, e, file).(*listV)
			if !ok {
				s.Unknown = true
				return false
			}
			for _, el := range l.Elems {
				g.addElem(s, el, via)
			}
			return false
		}
		if top && (q[0] == "options" || q[0] == "_module") {
			return false
		}
		switch q[0] {
		case "microvm":
			if len(q) == 1 {
				recurse(p, v, func(as *nixast.AttrSet) {
					s.MicrovmSets = append(s.MicrovmSets, setRef{File: file, Set: as})
				})
				return false
			}
			if len(q)-len(b.Path.Names) < 2 {
				s.Defs = append(s.Defs, &OptDef{Path: append([]string{}, q...), File: file, Binding: b, Pos: b.Path.Pos(), End: b.Path.End(), Via: via})
			}
			switch {
			case len(q) == 2 && (q[1] == "guest" || q[1] == "vms"):
				recurse(p, v, nil)
			case len(q) == 3 && q[1] == "vms":
				recurse(p, v, nil)
			case len(q) == 3 && q[1] == "guest" && q[2] == "enable":
				s.GuestEnable = append(s.GuestEnable, &OptDef{Path: append([]string{}, q...), File: file, Binding: b, Pos: b.Path.Pos(), End: b.Path.End(), Via: via})
				inner, _ := g.unwrapMk(v, e, file)
				// anything but a literal true may be false: not a guess
				if id, ok := inner.(*nixast.Ident); !ok || id.Name != "true" {
					s.GuestDisabled = true
				}
			case len(q) == 4 && q[1] == "vms":
				g.child(s, "vm", q[2], q[3], v, e, file, via, b)
			}
			return false
		case "boot":
			if len(q) >= 2 && q[1] == "loader" {
				s.BareMetal = true
				return false
			}
			if len(q) == 1 {
				recurse(p, v, nil)
			}
			return false
		case "fileSystems":
			if len(q) == 3 && q[1] == "/" && q[2] == "device" {
				s.BareMetal = true
				return false
			}
			if len(q) < 3 && (len(q) == 1 || q[1] == "/") {
				recurse(p, v, nil)
			}
			return false
		case "containers":
			if len(q) < 3 {
				recurse(p, v, nil)
			} else if len(q) == 3 {
				g.child(s, "container", q[1], q[2], v, e, file, via, b)
			}
			return false
		}
		return false
	}
	ev.flattenBindings(binds, prefix, cb)
}

func (g *graph) child(s *System, kind, name, attr string, v nixast.Expr, e *env, file string, via []Hop, b *nixast.AttrAssign) {
	var c *childPart
	for _, x := range s.children {
		if x.kind == kind && x.name == name {
			c = x
		}
	}
	if c == nil {
		hop := Hop{File: file, Pos: b.Pos(), End: b.Path.End()}
		c = &childPart{kind: kind, name: name, file: file, pos: b.Pos(), via: append(append([]Hop{}, via...), hop)}
		s.children = append(s.children, c)
	}
	te := &thunkExpr{x: v, env: e, file: file}
	switch attr {
	case "config":
		c.config = te
	case "extraModules":
		if kind == "vm" {
			c.extra = te
		}
	case "specialArgs":
		c.special = te
	}
}

// line returns "file:line" (1-based) for a position, file relative to /ws/.
func (g *graph) where(file string, pos int) string {
	f := g.ws.Files[file]
	line := 0
	if f != nil {
		line = f.Lines.Line(pos)
	}
	return fmt.Sprintf("%s:%d", g.shortName(file), line+1)
}

// shortName names a file relative to the directory that holds the whole
// workspace, as people see it in their editor.
func (g *graph) shortName(file string) string {
	if g.root == "" {
		g.root = workspaceRoot(g.ws)
	}
	return strings.TrimPrefix(file, g.root)
}

// workspaceRoot returns the longest directory prefix (with its trailing
// slash) shared by every file of the workspace.
func workspaceRoot(ws *Workspace) string {
	root := ""
	first := true
	for name := range ws.Files {
		dir := name[:strings.LastIndexByte(name, '/')+1]
		if first {
			root, first = dir, false
			continue
		}
		for !strings.HasPrefix(dir, root) {
			root = root[:strings.LastIndexByte(root[:len(root)-1], '/')+1]
		}
	}
	return root
}
