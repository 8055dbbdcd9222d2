package analysis

import (
	"context"
	"sort"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// ElementTarget is a module element (an entry of imports or of a
// nixosSystem's modules) and the workspace module it resolves to through
// the module graph: `self.nixosModules.foo`, `inputs.self.nixosModules.foo`,
// a let alias of a path, `import ./x.nix`...
type ElementTarget struct {
	Pos, End int    // the element, in the file it is written in
	File     string // the workspace file holding the module
	// TargetPos, TargetEnd: the module's expression in File; both 0 when
	// the module is the whole file.
	TargetPos, TargetEnd int
}

// ElementTargets returns, per file, the module elements of the systems'
// closures that resolve to a module of the workspace, in source order.
// Elements of microvm.nix itself, unknown ones and modules written inline
// in the element are left out.
func ElementTargets(ws *Workspace) map[string][]ElementTarget {
	return elementTargets(ws, nil, "")
}

// ElementTargetsIn returns the module elements written in file that
// resolve to a module of the workspace, in source order.
func ElementTargetsIn(ws *Workspace, file string) []ElementTarget {
	return elementTargets(ws, nil, file)[file]
}

// ElementTargetsIn is ElementTargetsIn with the per-file facts of the cache
// (a fresh graph is still built: forcing the cached graph's values here
// could race with an analysis). It gives up with ctx's error once ctx ends.
func (c *Cache) ElementTargetsIn(ctx context.Context, ws *Workspace, file string) ([]ElementTarget, error) {
	ws = c.bind(ws)
	memos, err := c.memos(ctx, ws)
	if err != nil {
		return nil, err
	}
	g, err := rebuildGraph(ctx, ws, memos, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return elementTargetsOf(g, ws, file)[file], nil
}

// elementTargets resolves the elements of every file, or of only (when
// not ""); memos may be nil.
func elementTargets(ws *Workspace, memos *memoSet, only string) map[string][]ElementTarget {
	return elementTargetsOf(buildGraph(ws, memos), ws, only)
}

// elementTargetsOf is elementTargets with the graph built.
func elementTargetsOf(g *graph, ws *Workspace, only string) map[string][]ElementTarget {
	out := map[string][]ElementTarget{}
	type key struct {
		file     string
		pos, end int
	}
	done := map[key]bool{}
	for _, s := range g.systems {
		var ev *evaluator // one per system: its module arguments
		for _, e := range s.Elems {
			if e.Node == nil || e.Implicit || e.Which != "" || only != "" && e.File != only {
				continue
			}
			k := key{e.File, e.Pos, e.End}
			if done[k] {
				continue
			}
			if ev == nil {
				ev = newEvaluator(ws)
			}
			t, ok := g.elementTarget(ev, s, e)
			if !ok {
				continue
			}
			done[k] = true
			out[e.File] = append(out[e.File], t)
		}
	}
	for _, ts := range out {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Pos < ts[j].Pos })
	}
	return out
}

// elementTarget evaluates a module element again, in the scope it is written
// in, and tells which workspace module it is.
func (g *graph) elementTarget(ev *evaluator, s *System, e *ModElem) (ElementTarget, bool) {
	f := g.ws.File(e.File)
	if f == nil {
		return ElementTarget{}, false
	}
	env, ok := g.envAt(ev, s, f, e.File, e.Node)
	if !ok {
		return ElementTarget{}, false
	}
	t := ElementTarget{Pos: e.Pos, End: e.End}
	var node nixast.Node
	switch v := ev.eval(e.Node, env, e.File).(type) {
	case *pathV:
		if v.File == "" || g.ws.At(v.File) == nil {
			return ElementTarget{}, false
		}
		t.File = v.File
		return t, true
	case *lambdaV:
		t.File, node = v.File, v.L
	case *attrsV:
		if v.Node == nil {
			return ElementTarget{}, false
		}
		t.File, node = v.File, v.Node
	default:
		return ElementTarget{}, false
	}
	if g.ws.At(t.File) == nil {
		return ElementTarget{}, false // a module of an input's source
	}
	tf := g.ws.File(t.File)
	if t.File == e.File && e.Pos <= node.Pos() && node.End() <= e.End {
		return ElementTarget{}, false // written inline
	}
	if nixast.Unparen(tf.Root) != node {
		t.TargetPos, t.TargetEnd = node.Pos(), node.End()
	}
	return t, true
}

// envAt returns the scope of target in file, binding on the way down: let
// and rec bindings, with, a flake's outputs function (to the flake's
// inputs and self), a module function at the root of the file (to the
// module arguments of s), other functions to unknown arguments.
func (g *graph) envAt(ev *evaluator, s *System, f *nixast.File, file string, target nixast.Node) (*env, bool) {
	var e *env
	root := nixast.Unparen(f.Root)
	var outputs *nixast.Lambda
	if x, ok := root.(*nixast.AttrSet); ok && ev.isFlake(file, x) {
		ev.force(ev.fileRoot(file))
		for _, b := range x.Bindings {
			if as, ok := b.(*nixast.AttrAssign); ok && len(as.Path.Names) == 1 {
				if n, _ := as.Path.Names[0].StaticName(); n == "outputs" {
					outputs, _ = nixast.Unparen(as.Value).(*nixast.Lambda)
				}
			}
		}
	}
	contains := func(n nixast.Node) bool {
		return n != nil && n.Pos() <= target.Pos() && target.End() <= n.End()
	}
	var n nixast.Node = f.Root
	for depth := 0; n != nil && depth < 1000; depth++ {
		if n == target {
			return e, true
		}
		switch x := n.(type) {
		case *nixast.Let:
			e = ev.bindLet(x.Bindings, e, file)
		case *nixast.AttrSet:
			if x.Rec >= 0 {
				if a, ok := ev.eval(x, e, file).(*attrsV); ok {
					e = e.extend(a.Attrs)
				}
			}
		case *nixast.LegacyLet:
			return nil, false
		case *nixast.With:
			if contains(x.Body) {
				e = &env{parent: e, with: ev.mk(x.X, e, file)}
			}
		case *nixast.Lambda:
			arg := unknownThunk
			switch {
			case x == outputs && ev.flakes[file] != nil && ev.flakes[file].args != nil:
				arg = valThunk(ev.flakes[file].args)
			case nixast.Expr(x) == root && s != nil:
				arg = g.moduleArgs(s)
			}
			e = ev.bindLambda(&lambdaV{L: x, Env: e, File: file}, arg)
		}
		var next nixast.Node
		nixast.EachChild(n, func(c nixast.Node) {
			if next == nil && contains(c) {
				next = c
			}
		})
		n = next
	}
	return nil, false
}
