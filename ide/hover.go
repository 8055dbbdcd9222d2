package ide

import (
	"fmt"
	"iter"
	"strings"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Workspace is what features that look beyond one file know of the
// workspace. Every field may be empty.
type Workspace struct {
	Files map[string]*nixast.File
	// Open, when set, holds files laid over Files (analysis.Workspace's
	// Open): the editor's versions of open documents. Read the files with
	// At, Len and All.
	Open    map[string]*nixast.File
	Systems []*analysis.SystemInfo
	// Microvm holds the option facts of the microvm.nix the workspace
	// pins; nil means the index built into microvm-lsp.
	Microvm *microvm.Facts
	// Exists reports whether a path exists on disk (files that are not
	// Nix, directories); nil means only Files exist.
	Exists func(path string) bool
	// Elements are the module elements (imports, modules) of each file
	// that the module graph resolves to a workspace module; nil when not
	// computed.
	Elements map[string][]analysis.ElementTarget
	// Scopes, if set, returns the names of a file version, resolved once
	// (the analysis' cache); nil means resolve on each request.
	Scopes func(*nixast.File) *scope.Scopes
	// Tree, if set, returns the file at a path with its syntax tree: a
	// file of Files may be a summary without one (analysis.IsSummary).
	Tree func(path string) *nixast.File
	// Options holds the option indexes of the NixOS, home-manager and
	// nix-darwin sources each workspace folder pins that are in the store;
	// nil when none is.
	Options *optindex.Folders
	// Classes, if set, returns FileClasses of this workspace, computed
	// once per workspace state by the caller; nil: computed per view.
	Classes func() map[string]optindex.Class
	// FileCache, if set, keeps what workspace symbols and the references
	// of a file read of each file, for the next such request.
	FileCache *FileCache

	classOnce sync.Once
	classes   map[string]optindex.Class // files holding modules of a class other than NixOS
}

// At returns the file at p (it may be a summary without a tree), nil if
// there is none.
func (ws *Workspace) At(p string) *nixast.File { return analysis.FileAt(ws.Files, ws.Open, p) }

// Len returns the number of files.
func (ws *Workspace) Len() int { return analysis.FileCount(ws.Files, ws.Open) }

// All yields every path and file, in no order.
func (ws *Workspace) All() iter.Seq2[string, *nixast.File] {
	return analysis.AllFiles(ws.Files, ws.Open)
}

// tree returns the file at p with its tree.
func (ws *Workspace) tree(p string) *nixast.File {
	if ws.Tree != nil {
		return ws.Tree(p)
	}
	return ws.At(p)
}

// HoverResult is the text of a hover and the range it is about.
type HoverResult struct {
	Markdown string
	Range
}

// Hover describes what is at off: a microvm module element, a microvm.*
// option, a builtin or a variable.
func Hover(ws *Workspace, f *nixast.File, off int) *HoverResult {
	anc := Enclosing(f, off)
	if len(anc) == 0 {
		return nil
	}
	if h := hoverModule(ws, f, anc, off); h != nil {
		return h
	}
	if h := hoverOption(ws, f, anc, off); h != nil {
		return h
	}
	return hoverName(ws, f, anc, off)
}

// moduleDocs tells what each microvm.nix module brings.
var moduleDocs = map[string]string{}

func init() {
	for _, m := range microvm.ModuleNames {
		moduleDocs[m] = microvm.ModuleDoc(m)
	}
}

func hoverModule(ws *Workspace, f *nixast.File, anc []nixast.Node, off int) *HoverResult {
	if ws != nil {
		// the narrowest module element of a system holding off
		var best *analysis.ModuleInfo
		var systems []string
		for _, s := range ws.Systems {
			for i := range s.Modules {
				m := &s.Modules[i]
				if m.File != f.Name || m.Implicit || !(m.Pos <= off && off < m.End) {
					continue
				}
				if best == nil || m.End-m.Pos < best.End-best.Pos {
					best, systems = m, nil
				}
				if best.Pos == m.Pos && best.End == m.End {
					systems = append(systems, fmt.Sprintf("`%s` (%s): %s", s.Name, s.Role, m.Chain))
				}
			}
		}
		if best != nil {
			md := moduleDocs[best.Which]
			if len(systems) > 0 {
				md += "\n\nImported into: " + strings.Join(systems, "; ")
			}
			if best.Cond != "" {
				md += "\n\nOnly when `" + best.Cond + "`."
			}
			return &HoverResult{Markdown: md, Range: Range{best.Pos, best.End}}
		}
	}
	// Without analysis: the name after nixosModules.
	for i := len(anc) - 1; i >= 0; i-- {
		s, ok := anc[i].(*nixast.Select)
		if !ok {
			continue
		}
		names, cur := selectNames(s, off)
		if cur == nil {
			break
		}
		name, _ := cur.StaticName()
		if len(names) > 0 && names[len(names)-1] == "nixosModules" && moduleDocs[name] != "" {
			return &HoverResult{Markdown: moduleDocs[name], Range: Range{cur.Pos(), cur.End()}}
		}
		break
	}
	return nil
}

func hoverOption(ws *Workspace, f *nixast.File, anc []nixast.Node, off int) *HoverResult {
	o, r, ok := optionAt(ws, anc, off)
	if !ok {
		if o, x, r, ok := setOptionAt(ws, f.Name, anc, off); ok {
			return &HoverResult{Markdown: SetOptionMarkdown(x, o), Range: r}
		}
		return nil
	}
	md := OptionMarkdown(ws, o)
	if ws != nil {
		md += systemsLine(ws, f.Name, o)
	}
	return &HoverResult{Markdown: md, Range: r}
}

// OptionDefinition returns the file on disk and 1-based line declaring the
// option named at off, when the pinned source is in the store.
func OptionDefinition(ws *Workspace, f *nixast.File, off int) (string, int, bool) {
	anc := Enclosing(f, off)
	if len(anc) == 0 {
		return "", 0, false
	}
	o, _, ok := optionAt(ws, anc, off)
	if !ok {
		if o, x, _, ok := setOptionAt(ws, f.Name, anc, off); ok {
			return setDeclaration(x, o)
		}
		return "", 0, false
	}
	return OptionDeclaration(ws, o)
}

// optionAt returns the option whose path holds off: a binding's name or a
// config.microvm.x selection.
func optionAt(ws *Workspace, anc []nixast.Node, off int) (*optindex.Option, Range, bool) {
	var opt []string
	var r Range
	c := attrContext(anc, off)
	if c.Name != nil {
		name, _ := c.Name.StaticName()
		p, ok := optionPath(append(c.Path, name))
		if !ok || len(p) == 0 {
			goto sel
		}
		opt, r = p, Range{c.Name.Pos(), c.Name.End()}
	}
sel:
	if opt == nil {
		for i := len(anc) - 1; i >= 0; i-- {
			s, ok := anc[i].(*nixast.Select)
			if !ok {
				continue
			}
			names, cur := selectNames(s, off)
			if cur == nil {
				break
			}
			name, _ := cur.StaticName()
			names = append(names, name)
			for j, n := range names {
				if n == "microvm" && j+1 < len(names) && (j == 0 || names[j-1] == "config") {
					opt, r = names[j:], Range{cur.Pos(), cur.End()}
				}
			}
			break
		}
	}
	if opt == nil {
		return nil, Range{}, false
	}
	o, ok := LookupOption(ws, opt)
	return o, r, ok
}

// setOptionAt returns the option of a pinned NixOS, home-manager or
// nix-darwin source whose path holds off: a binding's name in a module body,
// or a config.a.b selection.
func setOptionAt(ws *Workspace, file string, anc []nixast.Node, off int) (*optindex.Option, *optindex.Indexed, Range, bool) {
	if ws.sets(file) == nil {
		return nil, nil, Range{}, false
	}
	c := attrContext(anc, off)
	if c.Name != nil {
		name, _ := c.Name.StaticName()
		if o, x, ok := setOption(ws, file, append(append([]string{}, c.Path...), name)); ok {
			return o, x, Range{c.Name.Pos(), c.Name.End()}, true
		}
		return nil, nil, Range{}, false
	}
	for i := len(anc) - 1; i >= 0; i-- {
		s, ok := anc[i].(*nixast.Select)
		if !ok {
			continue
		}
		names, cur := selectNames(s, off)
		if cur == nil || len(names) < 2 || names[0] != "config" {
			break
		}
		name, _ := cur.StaticName()
		loc := append(names[1:], name)
		class := ws.fileClass(file)
		if o, x := ws.sets(file).Lookup(class, loc); o != nil {
			return o, x, Range{cur.Pos(), cur.End()}, true
		}
		break
	}
	return nil, nil, Range{}, false
}

// systemsLine tells, for each system whose modules include file, whether it
// imports the module declaring o.
func systemsLine(ws *Workspace, file string, o *optindex.Option) string {
	isHost := microvm.ModuleOf(o) == microvm.ModHost
	var lines []string
	for _, s := range ws.Systems {
		in := false
		for _, f := range s.Files {
			if f == file {
				in = true
			}
		}
		if !in {
			continue
		}
		has := false
		for _, m := range s.Modules {
			if isHost && m.Which == microvm.ModHost || !isHost && (m.Which == microvm.ModMicrovm || m.Which == microvm.ModOptions) {
				has = true
			}
		}
		mod := "microvm.nixosModules.microvm"
		if isHost {
			mod = "microvm.nixosModules.host"
		}
		switch {
		case has:
			lines = append(lines, fmt.Sprintf("- system `%s` (%s) imports %s", s.Name, s.Role, mod))
		case s.Unknown:
			lines = append(lines, fmt.Sprintf("- system `%s`: not every module could be followed", s.Name))
		default:
			lines = append(lines, fmt.Sprintf("- ⚠ system `%s` does not import %s, which declares this option", s.Name, mod))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n" + strings.Join(lines, "\n") + "\n"
}

func hoverName(ws *Workspace, f *nixast.File, anc []nixast.Node, off int) *HoverResult {
	id, ok := anc[len(anc)-1].(*nixast.Ident)
	if !ok {
		return nil
	}
	r := Range{id.Pos(), id.End()}
	// builtins.name
	for i := len(anc) - 2; i >= 0; i-- {
		if s, ok := anc[i].(*nixast.Select); ok {
			if names, cur := selectNames(s, off); cur != nil && len(names) == 1 && names[0] == "builtins" {
				if b, ok := builtins()[id.Name]; ok {
					return &HoverResult{Markdown: builtinMarkdown(b), Range: r}
				}
			}
			break
		}
		switch anc[i].(type) {
		case *nixast.AttrPath, *nixast.AttrName:
			continue
		}
		break
	}
	if inAttrName(anc) {
		return nil
	}
	sc := scopesOf(ws, f)
	d, ref := sc.DefAt(off)
	if d == nil {
		switch {
		case ref == nil:
		case ref.Global:
			if b, ok := builtinOf(id.Name); ok {
				return &HoverResult{Markdown: builtinMarkdown(b), Range: r}
			}
		case ref.InWith:
			return &HoverResult{Markdown: "```nix\n" + id.Name + "\n```\nfrom an enclosing `with`", Range: r}
		}
		return nil
	}
	line := f.Lines.Line(int(d.Pos)) + 1
	md := "```nix\n" + d.Name + "\n```\n" + d.Kind.String() + fmt.Sprintf(", bound at line %d", line)
	if x := d.Value(); x != nil {
		if v := oneLine(f, x); v != "" {
			md += "\n\n```nix\n" + d.Name + " = " + v + "\n```"
		}
	}
	if doc := d.Doc(); doc != nil {
		md += "\n\n" + docText(doc.Text)
	}
	md += fmt.Sprintf("\n\n%d use(s)", d.Uses)
	return &HoverResult{Markdown: md, Range: r}
}

func inAttrName(anc []nixast.Node) bool {
	if len(anc) < 2 {
		return false
	}
	_, ok := anc[len(anc)-2].(*nixast.AttrName)
	if !ok {
		return false
	}
	// an inherit name is a use
	for i := len(anc) - 3; i >= 0; i-- {
		if _, ok := anc[i].(*nixast.Inherit); ok {
			return false
		}
		if _, ok := anc[i].(*nixast.AttrPath); ok {
			return true
		}
	}
	return false
}

func builtinMarkdown(b Builtin) string {
	return "```nix\nbuiltins." + b.Sig + "\n```\n" + b.Doc
}

// oneLine returns the source of x when it fits on a short line.
func oneLine(f *nixast.File, x nixast.Expr) string {
	if x.End() > len(f.Src) || x.Pos() < 0 || x.End()-x.Pos() > 80 {
		return ""
	}
	s := string(f.Src[x.Pos():x.End()])
	if strings.Contains(s, "\n") {
		return ""
	}
	return s
}

// docText strips the delimiters and common indentation of a /** */ comment.
func docText(c string) string {
	c = strings.TrimPrefix(c, "/**")
	c = strings.TrimSuffix(c, "*/")
	lines := strings.Split(strings.Trim(c, "\n"), "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			lines[i] = l[indent:]
		}
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
