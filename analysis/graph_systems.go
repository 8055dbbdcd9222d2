// Finding systems: the roots of the workspace, the attribute paths that declare systems, and the nixosSystem calls that make them.

package analysis

import (
	"path"
	"sync/atomic"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// partial marks s's closure as partial because of the expression at
// file:pos..end, which could not be followed.
func (s *System) partial(file string, pos, end int) {
	s.Unknown = true
	for _, h := range s.UnknownAt {
		if h.File == file && h.Pos == pos {
			return
		}
	}
	if len(s.UnknownAt) < 64 {
		s.UnknownAt = append(s.UnknownAt, Hop{File: file, Pos: pos, End: end})
	}
}

// partialExpr is partial for an expression (nil: the system's declaration).
func (s *System) partialExpr(file string, x nixast.Node) {
	if x == nil {
		s.partial(s.File, s.Pos, s.Pos)
		return
	}
	s.partial(file, x.Pos(), x.End())
}

// systemIDs numbers the systems of every graph.
var systemIDs atomic.Uint64

func (g *graph) newSystem(name, kind, file string, pos int) *System {
	s := &System{Name: name, Kind: kind, File: file, Pos: pos, visited: map[string]bool{}, Wiring: kind, id: systemIDs.Add(1)}
	if topLevelKind(kind) {
		s.Wiring = wiringOfKind(kind)
	}
	g.systems = append(g.systems, s)
	return s
}

func systemName(names []string) string {
	for i, n := range names {
		if configurationsAttrs[n] && i+1 < len(names) {
			return names[i+1]
		}
	}
	if len(names) > 0 {
		return names[len(names)-1]
	}
	return "?"
}

// scanRoot scans a file that may declare systems. A file that is a
// function taking inputs or self (a flake-parts module, a host map called
// from flake.nix) gets the inputs of the flake it belongs to: the nearest
// flake.nix above it.
func (g *graph) scanRoot(file string) {
	root := g.ws.File(file).Root
	l, ok := nixast.Unparen(root).(*nixast.Lambda)
	if !ok || path.Base(file) == "flake.nix" {
		g.scan(root, nil, file, nil, true)
		return
	}
	args := g.flakeArgsFor(file)
	if args == nil {
		g.scan(root, nil, file, nil, true)
		return
	}
	g.scan(l.Body, g.ev.bindLambda(&lambdaV{L: l, File: file}, valThunk(args)), file, nil, false)
}

// flakeArgsFor returns the module arguments a flake gives the files below
// it: inputs, self, and each input by name (as specialArgs usually do);
// nil when no flake.nix holds the file.
func (g *graph) flakeArgsFor(file string) *attrsV {
	for dir := path.Dir(file); ; dir = path.Dir(dir) {
		fl := path.Join(dir, "flake.nix")
		if g.ws.At(fl) != nil {
			g.ev.force(g.ev.fileRoot(fl))
			info := g.ev.flakes[fl]
			if info == nil || info.args == nil {
				return nil
			}
			a := &attrsV{Attrs: map[string]*thunk{}, Complete: false}
			for k, v := range info.args.Attrs {
				a.Attrs[k] = v
			}
			a.Attrs["inputs"] = valThunk(info.args)
			return a
		}
		if dir == "/" || dir == "." || dir == "" {
			return nil
		}
	}
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
			nn := append(append([]string{}, names...), g.attrPathNames(as.Path, inner, file)...)
			if root && info != nil && len(nn) == 1 && nn[0] == "outputs" {
				if l, ok := nixast.Unparen(as.Value).(*nixast.Lambda); ok {
					env2 := ev.bindLambda(&lambdaV{L: l, Env: inner, File: file}, valThunk(info.args))
					g.scan(l.Body, env2, file, nn, false)
					continue
				}
			}
			if g.frameworkAttr(nn, as.Value, inner, file) {
				continue
			}
			g.scan(as.Value, inner, file, nn, false)
		}
	case *nixast.Let:
		e2 := ev.bindLet(x.Bindings, e, file)
		for _, b := range x.Bindings {
			if as, ok := b.(*nixast.AttrAssign); ok {
				path := appendAttrPathStrings(append(make([]string, 0, len(names)+len(as.Path.Names)), names...), as.Path)
				g.scan(as.Value, e2, file, path, false)
			}
		}
		g.scan(x.Body, e2, file, names, false)
	case *nixast.With:
		g.scan(x.Body, &env{parent: e, with: ev.mk(x.X, e, file)}, file, names, false)
	case *nixast.Assert:
		g.scan(x.Body, e, file, names, false)
	case *nixast.Lambda:
		// Systems found in a function's body are templates: the
		// applications of the function make the real ones.
		// A flake-parts `flake = { config, lib, ... }: { … }` is a module
		// the framework evaluates once, not a template.
		module := len(names) > 0 && names[len(names)-1] == "flake"
		if !module {
			g.template++
		}
		g.scan(x.Body, ev.bindLambda(&lambdaV{L: x, Env: e, File: file}, unknownThunk), file, names, false)
		if !module {
			g.template--
		}
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
	case *nixast.Ident, *nixast.Select:
		if underConfigurations(names) {
			g.systemMap(ev.eval(x, e, file), names)
		}
	case *nixast.Apply:
		v := ev.eval(x, e, file)
		if underConfigurations(names) && g.systemMap(v, names) {
			return
		}
		if g.frameworkCall(x, e, file) {
			return
		}
		if sv, ok := v.(*systemV); ok {
			s := g.addNixosSystem(sv, systemName(names))
			s.template = g.template > 0
			for i, n := range names {
				if configurationsAttrs[n] {
					s.named = true
					if i > 0 && names[i-1] == "flake" {
						s.Wiring = "flake-parts"
					}
				}
			}
			return
		}
		g.scan(x.Fn, e, file, names, false)
		g.scan(x.Arg, e, file, names, false)
	}
}

// underConfigurations reports whether an attribute path ends in
// nixosConfigurations (or darwinConfigurations, homeConfigurations): its
// value is a map of systems.
func underConfigurations(names []string) bool {
	return len(names) > 0 && configurationsAttrs[names[len(names)-1]]
}

// systemMap adds the systems of an attribute set of nixosSystem results
// (`mapAttrs (name: _: nixosSystem { … }) (readDir ./hosts)`); false when v
// is not an attribute set.
func (g *graph) systemMap(v Value, names []string) bool {
	set, ok := v.(*attrsV)
	if !ok {
		return false
	}
	for _, k := range sortedKeys(set) {
		if sv, ok := g.ev.force(set.Attrs[k]).(*systemV); ok {
			s := g.addNixosSystem(sv, k)
			s.named = true
			s.template = g.template > 0
			if sv.mapped != "" {
				s.Wiring = sv.mapped
			} else if len(names) > 1 && names[len(names)-2] == "flake" {
				s.Wiring = "flake-parts"
			}
		}
	}
	return true
}

// attrPathNames is attrPathStrings with dynamic names evaluated where they
// are known (`nixosConfigurations."${name}"` with name bound by a let).
func (g *graph) attrPathNames(p *nixast.AttrPath, e *env, file string) []string {
	out := attrPathStrings(p)
	for i, n := range p.Names {
		if out[i] != "?" {
			continue
		}
		var v Value
		switch x := n.Node().(type) {
		case *nixast.StringLit:
			v = g.ev.evalString(x.Parts, e, file)
		case *nixast.Interp:
			v = g.ev.eval(x.X, e, file)
		}
		if s, ok := knownString(v); ok {
			out[i] = s
		}
	}
	return out
}

func attrPathStrings(p *nixast.AttrPath) []string {
	return appendAttrPathStrings(make([]string, 0, len(p.Names)), p)
}

// appendAttrPathStrings is attrPathStrings appended to out.
func appendAttrPathStrings(out []string, p *nixast.AttrPath) []string {
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
	kind := sv.kind
	if kind == "" {
		kind = "nixos"
	}
	s := g.newSystem(name, kind, sv.File, pos)
	arg, ok := ev.force(sv.Arg).(*attrsV)
	if !ok {
		s.partialExpr(sv.File, sv.Arg.expr)
		return s
	}
	if sa, ok := arg.Attrs[specialArgsAttr(kind)]; ok {
		if a, ok := ev.force(sa).(*attrsV); ok {
			s.args = a
		}
	}
	mt, ok := arg.Attrs["modules"]
	if !ok {
		if !arg.Complete {
			s.partialExpr(sv.File, sv.Arg.expr)
		}
		g.finish(s)
		return s
	}
	l, ok := ev.force(mt).(*listV)
	if !ok {
		s.partialExpr(mt.file, mt.expr)
		g.finish(s)
		return s
	}
	for _, el := range l.Elems {
		g.addElem(s, el, Hops{})
	}
	g.finish(s)
	return s
}

// maxNesting is how deep systems nest in systems (a VM in a VM in a
// host...) before the graph stops building them.
const maxNesting = 8

// finish builds the systems nested in s (microvm.vms.<n>.config, containers).
func (g *graph) finish(s *System) {
	ev := g.ev
	if otherClass(s) {
		s.children = nil // microvm.vms and containers are NixOS options
	}
	depth := 0
	for p := s.Parent; p != nil; p = p.Parent {
		depth++
	}
	if depth >= maxNesting {
		// A VM whose config declares itself again nests without end, as
		// Nix would build it; the systems below stay unknown.
		for _, c := range s.children {
			s.partial(c.file, c.pos, c.pos)
		}
		s.children = nil
	}
	for _, c := range s.children {
		cs := g.newSystem(c.name, c.kind, c.file, c.pos)
		cs.Parent = s
		cs.Fork = s.Fork
		if c.kind == "vm" {
			cs.Elems = append(cs.Elems, &ModElem{File: c.file, Pos: c.pos, End: c.pos, Which: ModMicrovm, Implicit: true})
		}
		if c.special != nil {
			if a, ok := ev.eval(c.special.x, c.special.env, c.special.file).(*attrsV); ok {
				cs.args = a
			}
		}
		if c.config != nil {
			if !g.moduleExpr(cs, c.config.x, c.config.env, c.config.file, c.via) {
				cs.partialExpr(c.config.file, c.config.x)
			}
		}
		for _, part := range c.parts {
			g.moduleSet(cs, part.set, part.env, part.file, c.via, "")
		}
		if c.extra != nil {
			l, ok := ev.eval(c.extra.x, c.extra.env, c.extra.file).(*listV)
			if !ok {
				cs.partialExpr(c.extra.file, c.extra.x)
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
