package ide

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Location is a range in a file of the workspace.
type Location struct {
	File string
	Range
}

// ResolvePath resolves a path literal's text written in file: a directory
// means its default.nix. It returns "" when nothing exists there.
func ResolvePath(ws *Workspace, file, text string) string {
	p, ok := literalTarget(file, text)
	if !ok {
		return ""
	}
	exists := func(q string) bool {
		if ws == nil {
			return false
		}
		if ws.At(q) != nil {
			return true
		}
		return ws.Exists != nil && ws.Exists(q)
	}
	if d := path.Join(p, "default.nix"); exists(d) {
		return d
	}
	if exists(p) {
		return p
	}
	return ""
}

// literalTarget returns the path a path literal's text written in file
// names, before a directory's default.nix is looked for; false for a path
// in the home directory.
func literalTarget(file, text string) (string, bool) {
	switch {
	case strings.HasPrefix(text, "/"):
		return path.Clean(text), true
	case strings.HasPrefix(text, "~"):
		return "", false
	}
	return path.Join(path.Dir(file), text), true
}

// staticPath returns the text of a path literal without interpolation.
func staticPath(pl *nixast.PathLit) (string, bool) {
	if len(pl.Parts) != 1 {
		return "", false
	}
	t, ok := pl.Parts[0].(*nixast.TextPart)
	if !ok {
		return "", false
	}
	return t.Value, true
}

func pathLitAt(anc []nixast.Node) *nixast.PathLit {
	for i := len(anc) - 1; i >= 0; i-- {
		if pl, ok := anc[i].(*nixast.PathLit); ok {
			return pl
		}
	}
	return nil
}

// Definition returns where the name or path at off is defined: the binding
// of a variable, or the file a path literal names.
func Definition(ws *Workspace, f *nixast.File, off int) []Location {
	anc := Enclosing(f, off)
	if loc, ok := elementDefinition(ws, f, off); ok {
		out := []Location{loc}
		// an alias of a module (let m = ...; in [ m ]): its binding too
		if _, d, _, ok := varAt(ws, f, off); ok && d != nil {
			if id, isID := anc[len(anc)-1].(*nixast.Ident); isID && elementIs(ws, f, id) {
				out = append([]Location{{File: f.Name, Range: defRange(d)}}, out...)
			}
		}
		return out
	}
	if pl := pathLitAt(anc); pl != nil {
		if text, ok := staticPath(pl); ok {
			if target := ResolvePath(ws, f.Name, text); target != "" {
				return []Location{{File: target}}
			}
		}
		return nil
	}
	_, d, _, ok := varAt(ws, f, off)
	if !ok || d == nil {
		return nil
	}
	loc := Location{File: f.Name, Range: defRange(d)}
	// a variable bound to a path: the definition of the binding is enough,
	// but a binding to ./file also leads to that file
	out := []Location{loc}
	if pl, ok := d.Value().(*nixast.PathLit); ok {
		if text, ok := staticPath(pl); ok {
			if target := ResolvePath(ws, f.Name, text); target != "" {
				out = append(out, Location{File: target})
			}
		}
	}
	return out
}

// elementDefinition returns the module that the narrowest module element
// holding off resolves to through the module graph.
func elementDefinition(ws *Workspace, f *nixast.File, off int) (Location, bool) {
	if ws == nil {
		return Location{}, false
	}
	var best *analysis.ElementTarget
	for i, t := range ws.Elements[f.Name] {
		if t.Pos <= off && off <= t.End && (best == nil || t.End-t.Pos < best.End-best.Pos) {
			best = &ws.Elements[f.Name][i]
		}
	}
	if best == nil {
		return Location{}, false
	}
	return Location{File: best.File, Range: Range{best.TargetPos, best.TargetEnd}}, true
}

// InList reports whether off is inside an element of a list: only there
// can it be on a module element, so only there does Definition need the
// workspace's Elements.
func InList(f *nixast.File, off int) bool {
	anc := Enclosing(f, off)
	for i := len(anc) - 2; i >= 0; i-- {
		if _, ok := anc[i].(*nixast.List); ok {
			return true
		}
	}
	return false
}

// elementIs reports whether the identifier is a whole module element.
func elementIs(ws *Workspace, f *nixast.File, id *nixast.Ident) bool {
	for _, t := range ws.Elements[f.Name] {
		if t.Pos == id.Pos() && t.End == id.End() {
			return true
		}
	}
	return false
}

// References returns the uses of the variable at off (and its binding when
// includeDecl), all in f. Off anywhere else: the places in the workspace
// where f itself is imported. It reads every file of the workspace then,
// and stops with ctx's error once ctx ends.
func References(ctx context.Context, ws *Workspace, f *nixast.File, off int, includeDecl bool) ([]Location, error) {
	if sc, d, _, ok := varAt(ws, f, off); ok {
		if d == nil {
			return nil, nil
		}
		var out []Location
		if includeDecl {
			out = append(out, Location{File: f.Name, Range: defRange(d)})
		}
		for _, r := range sc.RefsOf(d) {
			out = append(out, Location{File: f.Name, Range: refRange(r)})
		}
		return out, nil
	}
	return FileReferences(ctx, ws, f.Name)
}

// FileReferences returns the path literals of the workspace that name
// file; ctx's error once ctx ends.
func FileReferences(ctx context.Context, ws *Workspace, file string) ([]Location, error) {
	if ws == nil {
		return nil, nil
	}
	var out []Location
	err := ws.eachFileFacts(ctx, func(p string, ff *fileFacts) {
		ff.eachPath(func(text string, r Range) {
			// Only a literal that names file or its directory can resolve
			// to it, and only those are looked for on disk: a file of a
			// million paths took a million stats.
			if q, ok := literalTarget(p, text); !ok || q != file && path.Join(q, "default.nix") != file {
				return
			}
			if ResolvePath(ws, p, text) == file {
				out = append(out, Location{File: p, Range: r})
			}
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Highlight is a use or the binding of a variable in one file.
type Highlight struct {
	Range
	Write bool // the binding
}

// Highlights returns the binding and uses of the variable at off.
func Highlights(ws *Workspace, f *nixast.File, off int) []Highlight {
	sc, d, _, ok := varAt(ws, f, off)
	if !ok || d == nil {
		return nil
	}
	out := []Highlight{{Range: defRange(d), Write: true}}
	for _, r := range sc.RefsOf(d) {
		out = append(out, Highlight{Range: refRange(r)})
	}
	return out
}

func refRange(r *scope.Ref) Range { return Range{int(r.Pos), int(r.End)} }

// defRange is where d's name is bound.
func defRange(d *scope.Def) Range { return Range{int(d.Pos), int(d.End)} }

// varAt returns the variable at off: the binding whose name is there, or
// the binding of the use there. ok is false when off is on no variable name
// (an attribute name, a literal).
func varAt(ws *Workspace, f *nixast.File, off int) (sc *scope.Scopes, d *scope.Def, ref *scope.Ref, ok bool) {
	anc := Enclosing(f, off)
	if len(anc) == 0 {
		return nil, nil, nil, false
	}
	quoted := false
	switch anc[len(anc)-1].(type) {
	case *nixast.Ident:
	case *nixast.TextPart, *nixast.StringLit:
		// a quoted key that binds a name: let "a" = 1; in a
		quoted = isAttrName(anc)
	}
	if _, isID := anc[len(anc)-1].(*nixast.Ident); !isID && !quoted {
		return nil, nil, nil, false
	}
	sc = scopesOf(ws, f)
	d, ref = sc.DefAt(off)
	if (quoted || inAttrName(anc)) && (d == nil || ref != nil || !d.Holds(off)) {
		return nil, nil, nil, false
	}
	return sc, d, ref, true
}

// isAttrName reports whether the innermost of anc is (in) an attribute name.
func isAttrName(anc []nixast.Node) bool {
	for i := len(anc) - 1; i >= 0; i-- {
		switch anc[i].(type) {
		case *nixast.AttrName:
			return true
		case *nixast.StringLit, *nixast.TextPart:
			continue
		}
		return false
	}
	return false
}

// renameTarget finds the binding a rename at off would change.
func renameTarget(ws *Workspace, f *nixast.File, off int) (*scope.Scopes, *scope.Def, error) {
	sc, d, ref, ok := varAt(ws, f, off)
	if !ok {
		return nil, nil, fmt.Errorf("no variable here: only let, rec and function parameters can be renamed")
	}
	if d == nil {
		if ref != nil && ref.InWith {
			return nil, nil, fmt.Errorf("this name comes from a with; it cannot be renamed here")
		}
		return nil, nil, fmt.Errorf("this name is not bound in this file")
	}
	if d.Inherit {
		from := ""
		if in, ok := d.Node.(*nixast.Inherit); ok && in.From != nil {
			from = "(" + string(f.Src[in.From.Pos():in.From.End()]) + ") "
		}
		return nil, nil, fmt.Errorf("`%s` is bound by `inherit %s%s;`, whose name is also the attribute it takes: rename it by hand (write `newname = %s%s;`)", d.Name, from, d.Name, strings.TrimSuffix(strings.TrimPrefix(from, "("), ") ")+dotIf(from), d.Name)
	}
	if d.Kind == scope.Rec {
		return nil, nil, fmt.Errorf("`%s` is an attribute of a rec set: its name is also an attribute name of the set, which renaming would change", d.Name)
	}
	if d.Path || len(d.More()) > 0 {
		return nil, nil, fmt.Errorf("`%s` is bound through an attribute path; rename it by hand", d.Name)
	}
	// A formal's name is the name callers pass: renaming it changes the
	// function's interface, which is still what people ask for; allowed.
	return sc, d, nil
}

// PrepareRename returns the range of the name that a rename at off changes.
func PrepareRename(ws *Workspace, f *nixast.File, off int) (Range, error) {
	sc, d, err := renameTarget(ws, f, off)
	if err != nil {
		return Range{}, err
	}
	for _, r := range sc.RefsOf(d) {
		if int(r.Pos) <= off && off <= int(r.End) {
			return refRange(r), nil
		}
	}
	return defRange(d), nil
}

// Edit replaces Range with New.
type Edit struct {
	Range
	New string
}

// Rename returns the edits renaming the variable at off to name, refusing
// keywords, invalid names and names that would clash with or capture
// another binding.
func Rename(ws *Workspace, f *nixast.File, off int, name string) ([]Edit, error) {
	sc, d, err := renameTarget(ws, f, off)
	if err != nil {
		return nil, err
	}
	if IsKeyword(name) {
		return nil, fmt.Errorf("`%s` is a keyword", name)
	}
	if !IsIdent(name) {
		return nil, fmt.Errorf("`%s` is not a valid Nix identifier", name)
	}
	if name == d.Name {
		return nil, nil
	}
	if other := d.Scope.Lookup(name); other != nil {
		return nil, fmt.Errorf("`%s` is already bound in the same scope (line %d)", name, f.Lines.Line(int(other.Pos))+1)
	}
	refs := sc.RefsOf(d)
	// a use of d would find a nearer binding of name
	for _, r := range refs {
		for s := sc.ScopeAt(int(r.Pos)); s != nil && s != d.Scope; s = s.Parent {
			if other := s.Lookup(name); other != nil {
				return nil, fmt.Errorf("the use at line %d would refer to `%s` bound at line %d", f.Lines.Line(int(r.Pos))+1, name, f.Lines.Line(int(other.Pos))+1)
			}
		}
	}
	// a use of an outer name would be captured by d
	for i := range sc.Refs {
		r := &sc.Refs[i]
		if r.Name() != name || !d.Scope.Holds(int(r.Pos)) {
			continue
		}
		if r.Def == nil || !r.Def.Scope.Inside(d.Scope) {
			return nil, fmt.Errorf("`%s` is used at line %d and would then refer to the renamed binding", name, f.Lines.Line(int(r.Pos))+1)
		}
	}
	edits := []Edit{{Range: defRange(d), New: name}}
	for _, r := range refs {
		if r.Inherit {
			// inherit x; also names an attribute: it becomes x = name;
			edits = append(edits, inheritEdits(f, r, name)...)
			continue
		}
		edits = append(edits, Edit{Range: refRange(r), New: name})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].Pos < edits[j].Pos })
	return edits, nil
}

func dotIf(from string) string {
	if from == "" {
		return ""
	}
	return "."
}

// inheritEdits rewrites the name id of a plain `inherit ... id ...;` into
// `id = name;`, keeping the attribute's name: the inherit itself when id is
// its only name, else id leaves it and the binding follows it.
func inheritEdits(f *nixast.File, r *scope.Ref, name string) []Edit {
	var in *nixast.Inherit
	for _, n := range Enclosing(f, int(r.Pos)) {
		if x, ok := n.(*nixast.Inherit); ok {
			in = x
		}
	}
	bind := attrKey(r.Name()) + " = " + name + ";"
	if in == nil || in.Semi < 0 {
		return []Edit{{Range: refRange(r), New: bind}}
	}
	if len(in.Names) == 1 {
		return []Edit{{Range: Range{in.Pos(), in.End()}, New: bind}}
	}
	// drop the name with the blanks before it, add the binding after the inherit
	pos := int(r.Pos)
	for pos > 0 && (f.Src[pos-1] == ' ' || f.Src[pos-1] == '\t') {
		pos--
	}
	return []Edit{{Range: Range{pos, int(r.End)}}, {Range: Range{in.End(), in.End()}, New: " " + bind}}
}

// attrKey writes an attribute name: quoted unless it is an identifier.
func attrKey(name string) string {
	if IsIdent(name) {
		return name
	}
	return strconv.Quote(name)
}
