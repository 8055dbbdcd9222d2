package analysis

import (
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// parentList finds the list literal in file that holds an element at [pos, end).
func parentList(ws *Workspace, file string, pos, end int) (*nixast.List, int) {
	f := ws.File(file)
	if f == nil {
		return nil, -1
	}
	var found *nixast.List
	idx := -1
	nixast.Inspect(f.Root, func(n nixast.Node) bool {
		if found != nil || n == nil {
			return false
		}
		if n.Pos() > pos || n.End() < end {
			return false
		}
		if l, ok := n.(*nixast.List); ok {
			for i, el := range l.Elems {
				if el.Pos() == pos && el.End() == end {
					found, idx = l, i
					return false
				}
			}
		}
		return true
	})
	return found, idx
}

func lineStart(src []byte, pos int) int {
	for pos > 0 && src[pos-1] != '\n' {
		pos--
	}
	return pos
}

// restOfLine returns the end of the line after pos when only blanks and a
// comment follow pos on it (the offset of the '\n', or len(src)); ok is false
// when something else follows.
func restOfLine(src []byte, pos int) (int, bool) {
	i := pos
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r') {
		i++
	}
	if i < len(src) && src[i] == '#' {
		for i < len(src) && src[i] != '\n' {
			i++
		}
	}
	if i >= len(src) || src[i] == '\n' {
		return i, true
	}
	return i, false
}

func blankBefore(src []byte, pos int) bool {
	return strings.TrimSpace(string(src[lineStart(src, pos):pos])) == ""
}

func indentOf(src []byte, pos int) string {
	ls := lineStart(src, pos)
	i := ls
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return string(src[ls:i])
}

// deleteRange removes [pos, end): whole lines when the range stands alone on
// its lines (with a trailing comment), else with the blanks after it.
func deleteRange(ws *Workspace, file string, pos, end int) TextEdit {
	src := ws.Files[file].Src
	if eol, ok := restOfLine(src, end); ok && blankBefore(src, pos) {
		stop := eol
		if stop < len(src) {
			stop++
		}
		return TextEdit{File: file, Pos: lineStart(src, pos), End: stop}
	}
	i := end
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i < len(src) && (src[i] == ']' || src[i] == '}' || src[i] == '\n') {
		// the last thing on its line: take the blanks before instead
		j := pos
		for j > 0 && (src[j-1] == ' ' || src[j-1] == '\t') {
			j--
		}
		if j > 0 && src[j-1] != '[' && src[j-1] != '{' {
			return TextEdit{File: file, Pos: j, End: end}
		}
		return TextEdit{File: file, Pos: pos, End: i}
	}
	return TextEdit{File: file, Pos: pos, End: i}
}

func removeElemFix(p *Pass, e *ModElem, title string) (Fix, bool) {
	if e.Implicit {
		return Fix{}, false
	}
	l, _ := parentList(p.Workspace, e.File, e.Pos, e.End)
	if l == nil {
		if ed, ok := removeOptionalOperand(p.Workspace, e.File, e.Pos, e.End); ok {
			return Fix{Title: title, Edits: []TextEdit{ed}}, true
		}
		return Fix{}, false
	}
	return Fix{Title: title, Edits: []TextEdit{deleteRange(p.Workspace, e.File, e.Pos, e.End)}}, true
}

// removeOptionalOperand handles `xs ++ lib.optional c x` where x is the
// element: it removes the `++ lib.optional c x` operand.
func removeOptionalOperand(ws *Workspace, file string, pos, end int) (TextEdit, bool) {
	f := ws.File(file)
	var ed TextEdit
	ok := false
	isOpt := func(x nixast.Expr) bool {
		app, isApp := nixast.Unparen(x).(*nixast.Apply)
		if !isApp || app.Arg.Pos() != pos || app.Arg.End() != end {
			return false
		}
		fn, args := splitApply(app)
		if len(args) != 2 {
			return false
		}
		name := ""
		switch fn := fn.(type) {
		case *nixast.Ident:
			name = fn.Name
		case *nixast.Select:
			name, _ = fn.Path.Names[len(fn.Path.Names)-1].StaticName()
		}
		return name == "optional"
	}
	nixast.Inspect(f.Root, func(n nixast.Node) bool {
		if ok || n == nil {
			return false
		}
		b, isBin := n.(*nixast.Binary)
		if isBin && b.Op == nixast.CONCAT {
			if isOpt(b.Y) {
				ed, ok = TextEdit{File: file, Pos: b.X.End(), End: b.Y.End()}, true
				return false
			}
			if isOpt(b.X) {
				ed, ok = TextEdit{File: file, Pos: b.X.Pos(), End: b.Y.Pos()}, true
				return false
			}
		}
		return true
	})
	return ed, ok
}

func removeBindingFix(p *Pass, d *OptDef, title string) Fix {
	return Fix{Title: title, Edits: []TextEdit{deleteRange(p.Workspace, d.File, d.Binding.Pos(), d.Binding.End())}}
}

var modPaths = map[string]string{
	ModHost:    "/nixos-modules/host",
	ModMicrovm: "/nixos-modules/microvm",
	ModOptions: "/nixos-modules/microvm/options.nix",
}

// refFor rewrites the text of a reference to module from into one to module to.
func refFor(text, from, to string) (string, bool) {
	if strings.HasSuffix(text, from) {
		head := text[:len(text)-len(from)]
		if head == "" || strings.HasSuffix(head, ".") {
			return head + to, true
		}
	}
	for _, suf := range []string{modPaths[from] + ".nix", modPaths[from] + "/default.nix", modPaths[from]} {
		if from == ModOptions {
			suf = modPaths[from]
		}
		if i := strings.LastIndex(text, suf); i >= 0 {
			rest := text[i+len(suf):]
			if rest == "" || rest[0] == '"' || rest[0] == ')' || rest[0] == '/' {
				rest = strings.TrimPrefix(rest, "/")
				return text[:i] + modPaths[to] + rest, true
			}
		}
	}
	return "", false
}

// addNextToFix inserts a reference to module which after the element e.
func addNextToFix(p *Pass, e *ModElem, which string) (Fix, bool) {
	l, _ := parentList(p.Workspace, e.File, e.Pos, e.End)
	if l == nil {
		return Fix{}, false
	}
	nt, ok := refFor(p.text(e.File, e.Pos, e.End), e.Which, which)
	if !ok {
		return Fix{}, false
	}
	src := p.Workspace.Files[e.File].Src
	var ed TextEdit
	if eol, ok := restOfLine(src, e.End); ok && blankBefore(src, e.Pos) {
		ed = TextEdit{File: e.File, Pos: eol, End: eol, NewText: "\n" + indentOf(src, e.Pos) + nt}
	} else {
		ed = TextEdit{File: e.File, Pos: e.End, End: e.End, NewText: " " + nt}
	}
	return Fix{Title: "Import " + modName(which), Edits: []TextEdit{ed}}, true
}

// insertBinding adds a binding to an attribute set literal.
func insertBinding(ws *Workspace, file string, set *nixast.AttrSet, text string) (TextEdit, bool) {
	src := ws.Files[file].Src
	if len(set.Bindings) == 0 {
		if set.Rbrace < 0 {
			return TextEdit{}, false
		}
		return TextEdit{File: file, Pos: set.Lbrace + 1, End: set.Rbrace, NewText: " " + text + " "}, true
	}
	last := set.Bindings[len(set.Bindings)-1]
	first := set.Bindings[0]
	f := ws.Files[file]
	if f.Lines.Line(last.End()) == f.Lines.Line(set.Lbrace) {
		return TextEdit{File: file, Pos: last.End(), End: last.End(), NewText: " " + text}, true
	}
	eol, ok := restOfLine(src, last.End())
	if !ok {
		return TextEdit{File: file, Pos: last.End(), End: last.End(), NewText: " " + text}, true
	}
	indent := indentOf(src, last.Pos())
	if !blankBefore(src, last.Pos()) {
		indent = indentOf(src, first.Pos())
	}
	return TextEdit{File: file, Pos: eol, End: eol, NewText: "\n" + indent + text}, true
}

func roleConflictFixes(p *Pass, s *System, e *ModElem) []Fix {
	var out []Fix
	if fx, ok := removeElemFix(p, e, "Remove the import of "+modName(ModMicrovm)); ok {
		fx.Preferred = true
		out = append(out, fx)
	}
	// (2) set microvm.guest.enable = false
	const title = "Set microvm.guest.enable = false"
	switch {
	case len(s.GuestEnable) > 0:
		d := s.GuestEnable[0]
		v := d.Binding.Value
		out = append(out, Fix{Title: title, Edits: []TextEdit{{File: d.File, Pos: v.Pos(), End: v.End(), NewText: "false"}}})
	case len(s.MicrovmSets) > 0:
		m := s.MicrovmSets[0]
		if ed, ok := insertBinding(p.Workspace, m.File, m.Set, "guest.enable = false;"); ok {
			out = append(out, Fix{Title: title, Edits: []TextEdit{ed}})
		}
	case s.FirstSet != nil && !hasMicrovmBinding(s.FirstSet.Set):
		if ed, ok := insertBinding(p.Workspace, s.FirstSet.File, s.FirstSet.Set, "microvm.guest.enable = false;"); ok {
			out = append(out, Fix{Title: title, Edits: []TextEdit{ed}})
		}
	default:
		if l, _ := parentList(p.Workspace, e.File, e.Pos, e.End); l != nil && len(l.Elems) > 0 {
			last := l.Elems[len(l.Elems)-1]
			src := p.Workspace.Files[e.File].Src
			nt := "{ microvm.guest.enable = false; }"
			var ed TextEdit
			if eol, ok := restOfLine(src, last.End()); ok && blankBefore(src, last.Pos()) {
				ed = TextEdit{File: e.File, Pos: eol, End: eol, NewText: "\n" + indentOf(src, last.Pos()) + nt}
			} else {
				ed = TextEdit{File: e.File, Pos: last.End(), End: last.End(), NewText: " " + nt}
			}
			out = append(out, Fix{Title: title, Edits: []TextEdit{ed}})
		}
	}
	// (3) replace with microvm-options
	if nt, ok := refFor(p.text(e.File, e.Pos, e.End), ModMicrovm, ModOptions); ok {
		out = append(out, Fix{Title: "Replace with " + modName(ModOptions), Edits: []TextEdit{{File: e.File, Pos: e.Pos, End: e.End, NewText: nt}}})
	}
	return out
}

func hasMicrovmBinding(set *nixast.AttrSet) bool {
	for _, b := range set.Bindings {
		if a, ok := b.(*nixast.AttrAssign); ok {
			names := attrPathStrings(a.Path)
			if names[0] == "microvm" && (len(names) == 1 || names[1] == "guest") {
				return true
			}
		}
	}
	return false
}
