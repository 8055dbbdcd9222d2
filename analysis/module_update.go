package analysis

import "github.com/microvm-lsp/microvm-lsp/nixast"

// moduleUpdate reads a module written as `set // set`, the right side
// usually `lib.optionalAttrs cond { … }`: the definitions of both sides
// are read (the right one wins a top-level name both define, which the
// reading does not model). False when a side is not understood.
func (g *graph) moduleUpdate(s *System, x *nixast.Binary, e *env, file string, via Hops) bool {
	ok := true
	for _, side := range []nixast.Expr{x.X, x.Y} {
		side = nixast.Unparen(side)
		if a, isApply := side.(*nixast.Apply); isApply {
			if fn, args := nixast.SplitApply(a); len(args) == 2 {
				if b, isFn := g.ev.eval(fn, e, file).(*builtinV); isFn && b.Name == "optionalAttrs" && len(b.Args) == 0 {
					side = args[1]
				}
			}
		}
		if _, isSet := nixast.Unparen(side).(*nixast.AttrSet); !isSet {
			if _, isUpd := nixast.Unparen(side).(*nixast.Binary); !isUpd {
				ok = g.module(s, g.ev.eval(side, e, file), via) && ok
				continue
			}
		}
		ok = g.moduleExpr(s, side, e, file, via) && ok
	}
	return ok
}
