package ide

import (
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// attrCtx is where the cursor stands in terms of attribute paths: Path holds
// the names of the enclosing bindings (outermost first), up to but not
// including the name under the cursor; Name is that name (nil when the
// cursor is between bindings), Value the binding whose value holds the
// cursor when it is not in a name.
type attrCtx struct {
	Path  []string
	Name  *nixast.AttrName
	Value *nixast.AttrAssign
}

// attrContext computes the attribute context of off from its ancestry.
func attrContext(anc []nixast.Node, off int) attrCtx {
	var c attrCtx
	for i, n := range anc {
		switch n := n.(type) {
		case *nixast.AttrAssign:
			if i > 0 {
				if _, ok := anc[i-1].(*nixast.Let); ok {
					c.Path = nil
				}
			}
			if n.Path != nil && n.Path.Pos() <= off && off <= n.Path.End() && (n.Eq < 0 || off <= int(n.Eq)) {
				for _, name := range n.Path.Names {
					if name.Pos() <= off && off <= name.End() {
						c.Name = name
						return c
					}
					c.Path = append(c.Path, staticOr(name))
				}
				return c
			}
			if n.Path != nil {
				for _, name := range n.Path.Names {
					c.Path = append(c.Path, staticOr(name))
				}
			}
			c.Value = n
		case *nixast.Inherit:
			return c
		case *nixast.AttrSet, *nixast.List, *nixast.Apply, *nixast.Paren, *nixast.Lambda, *nixast.With, *nixast.If, *nixast.Binary:
			c.Value = nil
		default:
			_ = n
		}
	}
	return c
}

func staticOr(n *nixast.AttrName) string {
	if s, ok := n.StaticName(); ok {
		return s
	}
	return "?"
}

// modulePath turns a full attribute path into the path of a NixOS option,
// starting at the innermost module: after modules/imports lists and the
// config of a declarative MicroVM, without a leading "config".
func modulePath(path []string) []string {
	start := 0
	for k := 1; k <= len(path); k++ {
		switch path[k-1] {
		case "modules", "imports", "extraModules":
			start = k
		case "config":
			if k >= 3 && path[k-3] == "vms" {
				start = k
			}
		}
	}
	out := path[start:]
	if len(out) > 0 && out[0] == "config" {
		out = out[1:]
	}
	return out
}

// optionPath returns the option path (starting with "microvm") of a full
// attribute path, and whether it is one of an indexed source.
func optionPath(path []string) ([]string, bool) {
	p := modulePath(path)
	if len(p) == 0 || p[0] != "microvm" {
		return nil, false
	}
	return p, true
}

// selectNames returns the static names of a select expression x.a.b up to
// the name holding off, with the variable's name first.
func selectNames(s *nixast.Select, off int) (names []string, cur *nixast.AttrName) {
	if id, ok := nixast.Unparen(s.X).(*nixast.Ident); ok {
		names = append(names, id.Name)
	} else if inner, ok := nixast.Unparen(s.X).(*nixast.Select); ok {
		names, _ = selectNames(inner, inner.End())
		if names == nil {
			return nil, nil
		}
	} else {
		return nil, nil
	}
	for _, n := range s.Path.Names {
		if n.Pos() <= off && off <= n.End() {
			return names, n
		}
		names = append(names, staticOr(n))
	}
	return names, nil
}

func joinPath(p []string) string { return strings.Join(p, ".") }
