package ide

import (
	"strconv"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Refactor is a rewrite offered at a place in a file.
type Refactor struct {
	Title string
	Edits []Edit
}

// Refactors returns the rewrites that apply to the range [from, to):
// x = x; to inherit x;, removing an unused let binding or formal, adding an undefined
// name to the formals of the enclosing function, and quoting or unquoting
// an attribute name.
func Refactors(ws *Workspace, f *nixast.File, from, to int) []Refactor {
	anc := Enclosing(f, from)
	sc := scopesOf(ws, f)
	var out []Refactor
	if r, ok := toInherit(f, anc); ok {
		out = append(out, r)
	}
	if r, ok := removeUnused(f, sc, from); ok {
		out = append(out, r)
	}
	if r, ok := addFormal(sc, anc, from); ok {
		out = append(out, r)
	}
	if r, ok := quoteAttr(f, anc); ok {
		out = append(out, r)
	}
	return out
}

// toInherit rewrites `x = x;` (in a set that is not rec) and `x = s.x;`.
func toInherit(f *nixast.File, anc []nixast.Node) (Refactor, bool) {
	for i := len(anc) - 1; i > 0; i-- {
		b, ok := anc[i].(*nixast.AttrAssign)
		if !ok {
			continue
		}
		set, ok := anc[i-1].(*nixast.AttrSet)
		if !ok || b.Semi < 0 || len(b.Path.Names) != 1 || b.Path.Names[0].Ident() == nil {
			return Refactor{}, false
		}
		name := b.Path.Names[0].Ident().Name
		switch v := nixast.Unparen(b.Value).(type) {
		case *nixast.Ident:
			if v.Name != name || set.Rec >= 0 {
				return Refactor{}, false
			}
			return Refactor{Title: "Convert to `inherit " + name + ";`", Edits: []Edit{{Range: Range{b.Pos(), b.End()}, New: "inherit " + name + ";"}}}, true
		case *nixast.Select:
			if v.Default != nil || v.OrPos >= 0 || len(v.Path.Names) == 0 {
				return Refactor{}, false
			}
			last := v.Path.Names[len(v.Path.Names)-1]
			if n, ok := last.StaticName(); !ok || n != name || last.Ident() == nil {
				return Refactor{}, false
			}
			from := string(f.Src[v.X.Pos():last.Pos()])
			from = strings.TrimSuffix(strings.TrimSpace(from), ".")
			if _, ok := v.X.(*nixast.Ident); !ok && len(v.Path.Names) == 1 {
				return Refactor{}, false
			}
			if strings.ContainsAny(from, " \n\t()") {
				return Refactor{}, false
			}
			return Refactor{Title: "Convert to `inherit (" + from + ") " + name + ";`", Edits: []Edit{{Range: Range{b.Pos(), b.End()}, New: "inherit (" + from + ") " + name + ";"}}}, true
		}
		return Refactor{}, false
	}
	return Refactor{}, false
}

// removeUnused deletes a let binding nobody uses, with its line when it is
// alone on it.
func removeUnused(f *nixast.File, sc *scope.Scopes, off int) (Refactor, bool) {
	for _, d := range sc.Defs {
		if d.Kind == scope.Formal && d.Uses == 0 && !strings.HasPrefix(d.Name, "_") && d.Holds(off) {
			return removeFormal(f, d)
		}
		if d.Kind != scope.Let || d.Inherit || d.Path || len(d.More()) > 0 || d.Uses > 0 || strings.HasPrefix(d.Name, "_") || !d.Holds(off) {
			continue
		}
		b, ok := d.Node.(*nixast.AttrAssign)
		if !ok || b.Semi < 0 {
			return Refactor{}, false
		}
		pos, end := b.Pos(), b.End()
		if b.Doc != nil {
			pos = b.Doc.Pos()
		}
		// widen to the whole line when nothing else is on it
		ls := pos
		for ls > 0 && (f.Src[ls-1] == ' ' || f.Src[ls-1] == '\t') {
			ls--
		}
		le := end
		for le < len(f.Src) && (f.Src[le] == ' ' || f.Src[le] == '\t') {
			le++
		}
		if (ls == 0 || f.Src[ls-1] == '\n') && (le == len(f.Src) || f.Src[le] == '\n') {
			pos, end = ls, min(le+1, len(f.Src))
		} else if le > end {
			end = le
		}
		return Refactor{Title: "Remove unused binding `" + d.Name + "`", Edits: []Edit{{Range: Range{pos, end}}}}, true
	}
	return Refactor{}, false
}

// moduleArgs are the formals that mark a NixOS module function, whose
// unused formals are the module system's business.
var moduleArgs = map[string]bool{"config": true, "lib": true, "pkgs": true, "options": true, "modulesPath": true, "specialArgs": true}

// removeFormal deletes an unused formal with its comma, keeping the layout
// of the others. Module functions and a flake's outputs function keep
// theirs: they name what they are given, used or not.
func removeFormal(f *nixast.File, d *scope.Def) (Refactor, bool) {
	l, ok := d.Scope.Node.(*nixast.Lambda)
	if !ok || l.Formals == nil {
		return Refactor{}, false
	}
	fs := l.Formals
	idx := -1
	for i, fm := range fs.List {
		if fm.Name != nil && moduleArgs[fm.Name.Name] {
			return Refactor{}, false
		}
		if fm == d.Node {
			idx = i
		}
	}
	if idx < 0 || isOutputs(f, l) {
		return Refactor{}, false
	}
	fm := fs.List[idx]
	var r Range
	switch {
	case idx+1 < len(fs.List):
		r = Range{fm.Pos(), fs.List[idx+1].Pos()}
	case fs.Ellipsis >= 0:
		r = Range{fm.Pos(), fs.Ellipsis}
	case idx > 0:
		r = Range{fs.List[idx-1].End(), fm.End()}
	default:
		r = Range{fs.Lbrace + 1, fs.Rbrace}
		return Refactor{Title: "Remove unused formal `" + d.Name + "`", Edits: []Edit{{Range: r, New: " "}}}, true
	}
	return Refactor{Title: "Remove unused formal `" + d.Name + "`", Edits: []Edit{{Range: r}}}, true
}

// isOutputs reports whether l is the value of an outputs attribute.
func isOutputs(f *nixast.File, l *nixast.Lambda) bool {
	anc := Enclosing(f, l.Pos())
	for i := len(anc) - 1; i > 0; i-- {
		if anc[i] != nixast.Node(l) {
			continue
		}
		j := i - 1
		for j > 0 {
			if _, ok := anc[j].(*nixast.Paren); !ok {
				break
			}
			j--
		}
		if as, ok := anc[j].(*nixast.AttrAssign); ok && len(as.Path.Names) > 0 {
			n, _ := as.Path.Names[len(as.Path.Names)-1].StaticName()
			return n == "outputs"
		}
		return false
	}
	return false
}

// addFormal adds an undefined name to the formals of the innermost
// function with formals around it.
func addFormal(sc *scope.Scopes, anc []nixast.Node, off int) (Refactor, bool) {
	r := sc.RefAt(off)
	if r == nil || !r.Undefined() || r.Inherit {
		return Refactor{}, false
	}
	for i := len(anc) - 1; i >= 0; i-- {
		l, ok := anc[i].(*nixast.Lambda)
		if !ok || l.Formals == nil {
			continue
		}
		fs := l.Formals
		name := r.Name()
		var e Edit
		switch {
		case len(fs.List) > 0:
			last := fs.List[len(fs.List)-1]
			e = Edit{Range: Range{last.End(), last.End()}, New: ", " + name}
		case fs.Ellipsis >= 0:
			e = Edit{Range: Range{fs.Ellipsis, fs.Ellipsis}, New: name + ", "}
		default:
			e = Edit{Range: Range{fs.Lbrace + 1, fs.Lbrace + 1}, New: " " + name + " "}
		}
		return Refactor{Title: "Add `" + name + "` to the function's formals", Edits: []Edit{e}}, true
	}
	return Refactor{}, false
}

// quoteAttr quotes an identifier attribute name, or unquotes a string one
// that is a valid identifier.
func quoteAttr(f *nixast.File, anc []nixast.Node) (Refactor, bool) {
	for i := len(anc) - 1; i > 0; i-- {
		n, ok := anc[i].(*nixast.AttrName)
		if !ok {
			continue
		}
		if _, ok := anc[i-1].(*nixast.AttrPath); !ok {
			return Refactor{}, false
		}
		switch x := n.Node().(type) {
		case *nixast.Ident:
			return Refactor{Title: "Quote attribute name", Edits: []Edit{{Range: Range{n.Pos(), n.End()}, New: strconv.Quote(x.Name)}}}, true
		case *nixast.StringLit:
			if v, ok := x.StaticValue(); ok && !x.Indented && IsIdent(v) {
				return Refactor{Title: "Unquote attribute name", Edits: []Edit{{Range: Range{n.Pos(), n.End()}, New: v}}}, true
			}
		}
		return Refactor{}, false
	}
	return Refactor{}, false
}
