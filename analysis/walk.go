package analysis

import "github.com/microvm-lsp/microvm-lsp/nixast"

// walk calls fn for every node under n, n included, in the order of
// nixast.Inspect (without its nil calls after children). A package set has
// half a million nodes: the kinds most files are made of are walked here
// directly, without Inspect's indirect calls per child, the rest through
// nixast.EachChild. TestWalkMatchesInspect keeps the two equal.
func walk(n nixast.Node, fn func(nixast.Node)) {
	w := walker{fn: fn}
	w.each = w.node
	w.node(n)
}

type walker struct {
	fn   func(nixast.Node)
	each func(nixast.Node) // w.node, made once: a method value allocates
}

// child visits a child as EachChild does: unless it is a nil interface.
func (w *walker) child(n nixast.Node) {
	if n != nil {
		w.node(n)
	}
}

func (w *walker) node(n nixast.Node) {
	w.fn(n)
	switch x := n.(type) {
	case *nixast.Ident, *nixast.IntLit, *nixast.FloatLit, *nixast.TextPart:
	case *nixast.AttrSet:
		for _, b := range x.Bindings {
			w.child(b)
		}
	case *nixast.AttrAssign:
		if x.Path != nil {
			w.child(x.Path)
		}
		w.child(x.Value)
	case *nixast.AttrPath:
		for _, a := range x.Names {
			w.child(a)
		}
	case *nixast.AttrName:
		switch {
		case x.Ident != nil:
			w.child(x.Ident)
		case x.String != nil:
			w.child(x.String)
		case x.Interp != nil:
			w.child(x.Interp)
		}
	case *nixast.Interp:
		w.child(x.X)
	case *nixast.StringLit:
		for _, p := range x.Parts {
			w.child(p)
		}
	case *nixast.PathLit:
		for _, p := range x.Parts {
			w.child(p)
		}
	case *nixast.Apply:
		w.child(x.Fn)
		w.child(x.Arg)
	case *nixast.Select:
		w.child(x.X)
		if x.Path != nil {
			w.child(x.Path)
		}
		w.child(x.Default)
	case *nixast.List:
		for _, e := range x.Elems {
			w.child(e)
		}
	case *nixast.Paren:
		w.child(x.X)
	case *nixast.Binary:
		w.child(x.X)
		w.child(x.Y)
	default:
		nixast.EachChild(n, w.each)
	}
}
