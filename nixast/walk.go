package nixast

// Inspect traverses the tree rooted at n in depth-first order, calling f for
// each node; if f returns false, the node's children are skipped. After the
// children of a node, f is called with nil (as go/ast.Inspect does).
func Inspect(n Node, f func(Node) bool) {
	inspector(f).visit(n)
}

// inspector walks without allocating per node: a func value is
// pointer-shaped, so it becomes a childVisitor for free.
type inspector func(Node) bool

func (f inspector) visit(n Node) {
	if n == nil || !f(n) {
		return
	}
	eachChild(n, f)
	f(nil)
}

// Preorder calls f for n and every node below it, parents before children
// in source order: Inspect without the nil calls and the way to stop, for
// walks over every node of large files (a third faster on a package set).
func Preorder(n Node, f func(Node)) {
	if n != nil {
		preorder(f).visit(n)
	}
}

type preorder func(Node)

func (f preorder) visit(n Node) {
	f(n)
	eachChild(n, f)
}

type childVisitor interface{ visit(Node) }

type funcVisitor func(Node)

func (f funcVisitor) visit(n Node) { f(n) }

// Children returns the direct children of n in source order.
func Children(n Node) []Node {
	var out []Node
	EachChild(n, func(c Node) { out = append(out, c) })
	return out
}

// EachChild calls fn for each direct child of n, in source order. It never
// passes nil or a typed nil pointer (TestChildrenAreNeverNil).
func EachChild(n Node, fn func(Node)) { eachChild(n, funcVisitor(fn)) }

func eachChild(n Node, v childVisitor) {
	add := func(c Node) {
		if c != nil {
			v.visit(c)
		}
	}
	addPath := func(p *AttrPath) {
		if p != nil {
			add(p)
		}
	}
	switch n := n.(type) {
	case *StringLit:
		for _, p := range n.Parts {
			add(p)
		}
	case *PathLit:
		for _, p := range n.Parts {
			add(p)
		}
	case *Interp:
		add(n.X)
	case *Paren:
		add(n.X)
	case *List:
		for _, e := range n.Elems {
			add(e)
		}
	case *AttrSet:
		for _, b := range n.Bindings {
			add(b)
		}
	case *LegacyLet:
		for _, b := range n.Bindings {
			add(b)
		}
	case *AttrPath:
		for _, a := range n.Names {
			add(a)
		}
	case *AttrName:
		add(n.x)
	case *AttrAssign:
		addPath(n.Path)
		add(n.Value)
	case *Inherit:
		add(n.From)
		for _, a := range n.Names {
			add(a)
		}
	case *Select:
		add(n.X)
		addPath(n.Path)
		add(n.Default)
	case *HasAttr:
		add(n.X)
		addPath(n.Path)
	case *Apply:
		add(n.Fn)
		add(n.Arg)
	case *Unary:
		add(n.X)
	case *Binary:
		add(n.X)
		add(n.Y)
	case *If:
		add(n.Cond)
		add(n.Then)
		add(n.Else)
	case *Formals:
		for _, f := range n.List {
			add(f)
		}
	case *Formal:
		add(n.Name)
		add(n.Default)
	case *Lambda:
		if n.Param != nil && (n.Formals == nil || n.Param.Pos() < n.Formals.Pos()) {
			add(n.Param)
			if n.Formals != nil {
				add(n.Formals)
			}
		} else {
			if n.Formals != nil {
				add(n.Formals)
			}
			if n.Param != nil {
				add(n.Param)
			}
		}
		add(n.Body)
	case *Let:
		for _, b := range n.Bindings {
			add(b)
		}
		add(n.Body)
	case *With:
		add(n.X)
		add(n.Body)
	case *Assert:
		add(n.Cond)
		add(n.Body)
	}
}
