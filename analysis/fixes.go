package analysis

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/modsys"
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
	src := ws.At(file).Src
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

// deleteBinding is deleteRange for a binding that stands on its own lines,
// which also takes the comment lines right above it: they describe it.
func deleteBinding(ws *Workspace, file string, pos, end int) TextEdit {
	e := deleteRange(ws, file, pos, end)
	if e.Pos != lineStart(ws.At(file).Src, pos) {
		return e
	}
	src := ws.At(file).Src
	for e.Pos > 0 {
		prev := lineStart(src, e.Pos-1)
		if line := strings.TrimSpace(string(src[prev : e.Pos-1])); !strings.HasPrefix(line, "#") {
			break
		}
		e.Pos = prev
	}
	return e
}

func removeElemFix(p *GraphPass, e *ModElem, title string) (Fix, bool) {
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
		fn, args := nixast.SplitApply(app)
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

func removeBindingFix(p *GraphPass, d *OptDef, title string) Fix {
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

// insertBinding adds a binding to an attribute set literal.
func insertBinding(ws *Workspace, file string, set *nixast.AttrSet, text string) (TextEdit, bool) {
	src := ws.At(file).Src
	if len(set.Bindings) == 0 {
		if set.Rbrace < 0 {
			return TextEdit{}, false
		}
		return TextEdit{File: file, Pos: int(set.Lbrace) + 1, End: int(set.Rbrace), NewText: " " + text + " "}, true
	}
	last := set.Bindings[len(set.Bindings)-1]
	first := set.Bindings[0]
	f := ws.At(file)
	if f.Lines.Line(last.End()) == f.Lines.Line(int(set.Lbrace)) {
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

// setsGuestOption reports whether s may define a guest option: one that
// only the guest module (or microvm-options) declares.
func setsGuestOption(facts *microvm.Facts, s *System) bool {
	if s.Opaque {
		return true
	}
	for _, d := range s.Defs {
		if !hostOption(facts, d.Path[1]) && !isRemovedOption(d.Path) {
			return true
		}
	}
	return false
}

// setsOptionOutsideOptionsModule reports whether s may define a guest
// option that microvm-options does not declare.
func setsOptionOutsideOptionsModule(facts *microvm.Facts, s *System) bool {
	if s.Opaque {
		return true
	}
	for _, d := range s.Defs {
		if !facts.DeclaredWithoutGuestModule(d.Path) {
			return true
		}
	}
	return false
}

// fixTitle adds the files other than the finding's that a fix edits.
func (p *GraphPass) fixTitle(title, findingFile string, edits []TextEdit) string {
	var others []string
	for _, e := range edits {
		if e.File != findingFile {
			n := p.graph.shortName(e.File)
			if !contains(others, n) {
				others = append(others, n)
			}
		}
	}
	if len(others) == 0 {
		return title
	}
	if len(others) == 1 {
		return title + " in " + others[0]
	}
	return title + " in " + strings.Join(others[:len(others)-1], ", ") + " and " + others[len(others)-1]
}

// addEdit appends ed unless the same edit is there.
func addEdit(list []TextEdit, ed TextEdit) []TextEdit {
	for _, o := range list {
		if o == ed {
			return list
		}
	}
	return append(list, ed)
}

// roleConflictFixes returns the fixes of one conflicting guest element:
// keep it and set microvm.guest.enable = false, swap it for
// microvm-options, or remove it. Each edits only places that the
// conflicting systems alone read; the first keeps the most of the
// configuration and is preferred.
func roleConflictFixes(p *GraphPass, g *conflictGroup) []Fix {
	e := g.elems[0]
	var out []Fix
	if fx, ok := guestEnableFix(p, g.systems, e); ok {
		out = append(out, fx)
	}
	readers := p.readers().elems[elemKey(e)]
	if p.onlyRead(readers, g.systems) {
		swap, remove := true, true
		for _, s := range readers {
			keeps := false // another guest or options element stays
			for _, x := range s.Elems {
				if (x.Which == ModMicrovm || x.Which == ModOptions) && !x.Implicit && elemKey(x) != elemKey(e) {
					keeps = true
				}
			}
			if !keeps && setsGuestOption(p.facts(s), s) {
				remove = false
			}
			if !keeps && setsOptionOutsideOptionsModule(p.facts(s), s) {
				swap = false
			}
		}
		if swap {
			if text, extra, ok := p.moduleRefAt(readers, e, ModOptions); ok {
				edits := append(extra, TextEdit{File: e.File, Pos: e.Pos, End: e.End, NewText: text})
				out = append(out, Fix{Title: p.fixTitle("Replace with "+modName(ModOptions), e.File, edits), Edits: edits})
			}
		}
		if remove {
			if fx, ok := removeElemFix(p, e, "Remove the import of "+modName(ModMicrovm)); ok {
				out = append(out, fx)
			}
		}
	}
	if len(out) > 0 {
		out[0].Preferred = true
	}
	return out
}

// overridable reports whether a definition has a priority below a plain
// one (lib.mkDefault, mkOptionDefault, mkOverride 1000): a plain `false`
// elsewhere wins over it.
func overridable(d *OptDef) bool {
	f, args, ok := modsys.Call(d.Binding.Value)
	if !ok || f.Role != modsys.Priority {
		return false
	}
	prio, known := f.PriorityOf(args)
	return known && prio > modsys.DefaultPriority
}

// directPath returns the attribute path from set to target (an attribute
// set or a binding) through bindings whose values are set literals, and
// false when target is not reached that way (behind mkIf, a function...).
func directPath(set *nixast.AttrSet, target nixast.Node) ([]string, bool) {
	for _, b := range set.Bindings {
		a, ok := b.(*nixast.AttrAssign)
		if !ok {
			continue
		}
		// On the stack: a slice of its own only for the path returned.
		var buf [8]string
		names, static := a.Path.AppendStaticNames(buf[:0])
		if !static {
			continue
		}
		if nixast.Node(a) == target {
			return slices.Clone(names), true
		}
		if inner, ok := nixast.Unparen(a.Value).(*nixast.AttrSet); ok {
			if nixast.Node(inner) == target {
				return slices.Clone(names), true
			}
			if rest, ok := directPath(inner, target); ok {
				return append(append([]string{}, names...), rest...), true
			}
		}
	}
	return nil, false
}

// alwaysIn reports whether s always evaluates target (a binding or a set)
// as part of one of its modules, at the attribute path want (nil: any);
// a leading config is ignored.
func (p *GraphPass) alwaysIn(s *System, target nixast.Node, want []string) bool {
	for m, mr := range s.modSets {
		path, ok := directPath(m, target)
		if nixast.Node(m) == target {
			path, ok = nil, true
		}
		if !ok || !p.unconditional(s, mr.via) {
			continue
		}
		if len(path) > 0 && path[0] == "config" {
			path = path[1:]
		}
		if want == nil || slices.Equal(path, want) {
			return true
		}
	}
	return false
}

// guestEnableFix disables the guest module in every system of C: it turns
// their microvm.guest.enable definitions to false where only C reads them,
// and otherwise writes the option into a microvm set, a module or a module
// list that only systems of C read.
func guestEnableFix(p *GraphPass, C []*System, e *ModElem) (Fix, bool) {
	rd := p.readers()
	var edits []TextEdit
	covered := map[*System]bool{}
	for _, s := range C {
		edited := false
		for _, d := range s.GuestEnable {
			if p.onlyRead(rd.binds[d.Binding], C) && p.alwaysIn(s, d.Binding, nil) {
				v := d.Binding.Value
				edits = addEdit(edits, TextEdit{File: d.File, Pos: v.Pos(), End: v.End(), NewText: "false"})
				edited = true
				continue
			}
			if !overridable(d) {
				return Fix{}, false // a plain true that others read: false beside it would conflict
			}
		}
		if edited {
			covered[s] = true
		}
	}
	for _, s := range C {
		if covered[s] {
			continue
		}
		ed, got, ok := p.guestEnablePlace(s, C)
		if !ok {
			return Fix{}, false
		}
		edits = addEdit(edits, ed)
		for _, r := range got {
			covered[r] = true
		}
	}
	if len(edits) == 0 {
		return Fix{}, false
	}
	return Fix{Title: p.fixTitle("Set microvm.guest.enable = false", e.File, edits), Edits: edits}, true
}

// guestEnablePlace finds where to write microvm.guest.enable = false for s:
// an existing microvm = { ... } set, then a module, then a module list,
// each read by systems of C alone and always evaluated by s. got are the
// systems the edit disables.
func (p *GraphPass) guestEnablePlace(s *System, C []*System) (TextEdit, []*System, bool) {
	rd := p.readers()
	always := func(readers []*System, target nixast.Node, want []string) []*System {
		var out []*System
		for _, r := range readers {
			if p.alwaysIn(r, target, want) {
				out = append(out, r)
			}
		}
		return out
	}
	for _, m := range s.MicrovmSets {
		rs := rd.sets[m.Set]
		if m.Set.Rec >= 0 || hasBindingUnder(m.Set, "guest") || !p.onlyRead(rs, C) || !p.alwaysIn(s, m.Set, []string{"microvm"}) {
			continue
		}
		if ed, ok := insertBinding(p.Workspace, m.File, m.Set, "guest.enable = false;"); ok {
			return ed, always(rs, m.Set, []string{"microvm"}), true
		}
	}
	// modules, the nearest to the system's own list first
	type modSet struct {
		set *nixast.AttrSet
		modRead
	}
	var mods []modSet
	for m, mr := range s.modSets {
		mods = append(mods, modSet{m, mr})
	}
	sort.Slice(mods, func(i, j int) bool {
		if mods[i].via.Len() != mods[j].via.Len() {
			return mods[i].via.Len() < mods[j].via.Len()
		}
		if mods[i].file != mods[j].file {
			return mods[i].file < mods[j].file
		}
		return mods[i].set.Pos() < mods[j].set.Pos()
	})
	for _, m := range mods {
		rs := rd.sets[m.set]
		if m.set.Rec >= 0 || hasModuleStructure(m.set) || hasMicrovmBinding(m.set) || !p.onlyRead(rs, C) || !p.unconditional(s, m.via) {
			continue
		}
		if ed, ok := insertBinding(p.Workspace, m.file, m.set, "microvm.guest.enable = false;"); ok {
			return ed, always(rs, m.set, nil), true
		}
	}
	// an inline module in a module list, the system's own list first
	for _, own := range []bool{true, false} {
		for _, x := range s.Elems {
			if x.Implicit || x.Node == nil || (x.Via.Len() == 0) != own || x.Cond != "" || !p.unconditional(s, x.Via) {
				continue
			}
			l, _ := parentList(p.Workspace, x.File, x.Pos, x.End)
			if l == nil || len(l.Elems) == 0 {
				continue
			}
			rs := p.listReaders(x.File, l)
			if !p.onlyRead(rs, C) {
				continue
			}
			var got []*System
			for _, r := range rs {
				if y := r.elemsByPlace()[elemKey(x)]; y != nil && y.Cond == "" && p.unconditional(r, y.Via) {
					got = append(got, r)
				}
			}
			return appendToList(p.Workspace, x.File, l, "{ microvm.guest.enable = false; }"), got, true
		}
	}
	return TextEdit{}, nil, false
}

// appendToList adds text as the last element of l.
func appendToList(ws *Workspace, file string, l *nixast.List, text string) TextEdit {
	last := l.Elems[len(l.Elems)-1]
	src := ws.At(file).Src
	if eol, ok := restOfLine(src, last.End()); ok && blankBefore(src, last.Pos()) {
		return TextEdit{File: file, Pos: eol, End: eol, NewText: "\n" + indentOf(src, last.Pos()) + text}
	}
	return TextEdit{File: file, Pos: last.End(), End: last.End(), NewText: " " + text}
}

// insertAfter adds text as a list element right after the element e.
func insertAfter(ws *Workspace, e *ModElem, text string) TextEdit {
	src := ws.At(e.File).Src
	if eol, ok := restOfLine(src, e.End); ok && blankBefore(src, e.Pos) {
		return TextEdit{File: e.File, Pos: eol, End: eol, NewText: "\n" + indentOf(src, e.Pos) + text}
	}
	return TextEdit{File: e.File, Pos: e.End, End: e.End, NewText: " " + text}
}

// hasModuleStructure reports whether a module set spells out config or
// options: then other option definitions may not stand beside them.
func hasModuleStructure(set *nixast.AttrSet) bool {
	for _, b := range set.Bindings {
		if a, ok := b.(*nixast.AttrAssign); ok {
			if n, ok := a.Path.Names[0].StaticName(); !ok || n == "config" || n == "options" {
				return true
			}
		}
	}
	return false
}

// hasBindingUnder reports whether set binds name (alone or as a prefix).
func hasBindingUnder(set *nixast.AttrSet, name string) bool {
	for _, b := range set.Bindings {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			if n, ok := b.Path.Names[0].StaticName(); !ok || n == name {
				return true
			}
		case *nixast.Inherit:
			for _, n := range b.Names {
				if s, ok := n.StaticName(); !ok || s == name {
					return true
				}
			}
		}
	}
	return false
}

// definitionFixes returns the fixes of an option definition that no module
// of the systems in g declares: import the module add next to the element
// anchor picks in each system, or remove the definition. Importing keeps
// the definition and is preferred.
func definitionFixes(p *GraphPass, g *defGroup, anchor func(s *System) *ModElem, add string) []Fix {
	d := g.def
	var out []Fix
	ok := add != ModOptions || p.Workspace.MicrovmFor(d.File).OrEmbedded().DeclaredWithoutGuestModule(d.Path)
	var edits []TextEdit
	covered := map[*System]bool{}
	for _, s := range g.systems {
		if !ok || covered[s] {
			continue
		}
		a := anchor(s)
		if a == nil || a.Node == nil || a.Cond != "" || !p.unconditional(s, a.Via) || p.Workspace.At(a.File) == nil {
			// (a file of an input's source is not ours to edit)
			ok = false
			break
		}
		l, _ := parentList(p.Workspace, a.File, a.Pos, a.End)
		if l == nil {
			ok = false
			break
		}
		rs := p.listReaders(a.File, l)
		if !p.onlyRead(rs, g.systems) {
			ok = false
			break
		}
		text, extra, found := p.moduleRefAt(rs, a, add)
		if !found {
			ok = false
			break
		}
		for _, ed := range extra {
			edits = addEdit(edits, ed)
		}
		edits = addEdit(edits, insertAfter(p.Workspace, a, text))
		for _, r := range rs {
			if y := r.elemsByPlace()[elemKey(a)]; y != nil && y.Cond == "" && p.unconditional(r, y.Via) {
				covered[r] = true
			}
		}
		if !covered[s] {
			ok = false
		}
	}
	if ok && len(edits) > 0 {
		out = append(out, Fix{Title: p.fixTitle("Import "+modName(add), d.File, edits), Edits: edits})
	}
	if p.onlyRead(p.readers().binds[d.Binding], g.systems) {
		out = append(out, removeBindingFix(p, d, fmt.Sprintf("Remove the definition of %s", strings.Join(d.Path, "."))))
	}
	if len(out) > 0 {
		out[0].Preferred = true
	}
	return out
}

// hasMicrovmBinding reports whether set binds microvm or microvm.guest as a
// whole: microvm.guest.enable cannot be added beside them.
func hasMicrovmBinding(set *nixast.AttrSet) bool {
	for _, b := range set.Bindings {
		// The first two names are read in place: this runs over a module's
		// bindings for every system on each edit.
		if a, ok := b.(*nixast.AttrAssign); ok {
			if first, _ := a.Path.Names[0].StaticName(); first == "microvm" {
				if len(a.Path.Names) == 1 {
					return true
				}
				if second, _ := a.Path.Names[1].StaticName(); second == "guest" {
					return true
				}
			}
		}
	}
	return false
}
