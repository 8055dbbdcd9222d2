package ide

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// The options of NixOS, home-manager and nix-darwin come from the indexes of
// the sources the workspace pins (Workspace.Options). Which class a module
// body belongs to is read from where it stands: the file's class (a file
// imported as a home-manager module is one), then the path inside it
// (home-manager.users.<name> holds home-manager modules, as the index's type
// says; microvm.vms.<name>.config is a NixOS system).

// classCalls are the functions whose modules argument holds modules of a
// class.
var classCalls = map[string]optindex.Class{
	"nixosSystem":              optindex.NixOS,
	"homeManagerConfiguration": optindex.HomeManager,
	"darwinSystem":             optindex.Darwin,
}

// scopeStep advances the class and option path of a module body by one
// attribute name: module lists start a module again, a module's config is
// its body, and an option made of another class's modules (as the index
// types it) switches class. name is appended to cur: a caller that
// extends one prefix in several ways passes it with no room to grow
// (prefix[:len(prefix):len(prefix)]), and the first append copies it. A
// copy at every step made a path of a million names cost a trillion.
func scopeStep(sets *optindex.Sets, class optindex.Class, cur []string, name string) (optindex.Class, []string) {
	switch name {
	case "imports", "modules", "extraModules":
		return class, nil
	case "sharedModules":
		if len(cur) == 2 && cur[0] == "home-manager" {
			return optindex.HomeManager, nil
		}
	case "config":
		if len(cur) == 0 {
			return class, nil
		}
	}
	cur = append(cur, name)
	if class == optindex.NixOS && len(cur) == 4 && cur[0] == "microvm" && cur[1] == "vms" && cur[3] == "config" {
		return optindex.NixOS, nil
	}
	if len(cur) >= 2 {
		if v := sets.Walk(class, cur); v.Mount != "" && len(cur) == v.MountAt {
			return v.Mount, nil
		}
	}
	return class, cur
}

// optionScope returns the class and option path of an attribute path
// written in file (names of the enclosing bindings, outermost first).
func optionScope(ws *Workspace, file string, attrPath []string) (optindex.Class, []string) {
	class := ws.fileClass(file)
	var cur []string
	for _, n := range attrPath {
		class, cur = scopeStep(ws.sets(file), class, cur, n)
	}
	return class, cur
}

// sets returns the option indexes of the folder holding file.
func (ws *Workspace) sets(file string) *optindex.Sets {
	if ws == nil {
		return nil
	}
	return ws.Options.For(file)
}

// fileClass is the class of the modules a file holds: home-manager or
// nix-darwin when some module of that class imports it, or when only
// nix-darwin systems or home-manager configurations read it (a framework's
// darwin host, found by the module graph); NixOS otherwise. The imports
// are followed only when the file has option indexes to tell the classes
// apart with: that reads every file of the workspace.
func (ws *Workspace) fileClass(file string) optindex.Class {
	if ws == nil {
		return optindex.NixOS
	}
	if ws.sets(file) != nil {
		ws.classOnce.Do(func() {
			if ws.Classes != nil {
				ws.classes = ws.Classes()
			} else {
				ws.classes = FileClasses(ws)
			}
		})
		if c, ok := ws.classes[file]; ok {
			return c
		}
	}
	return systemsClass(ws.Systems, file)
}

// systemsClass is the class of the systems whose closures hold file, when
// they are all of one class other than NixOS.
func systemsClass(systems []*analysis.SystemInfo, file string) optindex.Class {
	var class optindex.Class
	for _, s := range systems {
		c := optindex.NixOS
		switch s.Kind {
		case analysis.KindDarwin:
			c = optindex.Darwin
		case analysis.KindHome:
			c = optindex.HomeManager
		}
		for _, f := range s.Files {
			if f != file {
				continue
			}
			if c == optindex.NixOS || class != "" && class != c {
				return optindex.NixOS
			}
			class = c
		}
	}
	if class == "" {
		return optindex.NixOS
	}
	return class
}

// FileClasses finds the files imported as modules of a class other than
// NixOS: path literals in module position under a home-manager mount, in
// home-manager.sharedModules, in the modules of homeManagerConfiguration or
// darwinSystem, and what those files import in turn.
func FileClasses(ws *Workspace) map[string]optindex.Class {
	var from []string
	for name, f := range ws.All() {
		if NamesClassModules(f.Src) {
			from = append(from, name)
		}
	}
	return FileClassesFrom(ws, from)
}

// NamesClassModules reports whether a source may import modules of a class
// other than NixOS: the files FileClasses starts from.
func NamesClassModules(src []byte) bool {
	return bytes.Contains(src, []byte("home-manager")) || bytes.Contains(src, []byte("homeManagerConfiguration")) ||
		bytes.Contains(src, []byte("darwinSystem"))
}

// FileClassesFrom is FileClasses given the files of ws whose source
// NamesClassModules (in any order): a caller that keeps them per file
// spares reading every source of a large workspace.
func FileClassesFrom(ws *Workspace, from []string) map[string]optindex.Class {
	out := map[string]optindex.Class{}
	var queue []string
	mark := func(from, text string, c optindex.Class) {
		if c == optindex.NixOS {
			return
		}
		target := ResolvePath(ws, from, text)
		if target == "" {
			return
		}
		if ws.At(target) == nil {
			if d := path.Join(target, "default.nix"); ws.At(d) != nil {
				target = d
			} else {
				return
			}
		}
		if _, ok := out[target]; !ok {
			out[target] = c
			queue = append(queue, target)
		}
	}
	for _, name := range from {
		if t := ws.tree(name); t != nil {
			modulePathLits(ws.sets(name), t, optindex.NixOS, func(text string, c optindex.Class) { mark(name, text, c) })
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if t := ws.tree(name); t != nil {
			modulePathLits(ws.sets(name), t, out[name], func(text string, c optindex.Class) { mark(name, text, c) })
		}
	}
	return out
}

// modulePathLits calls fn for each static path literal of f that stands
// where a module goes (cur empty), with the class of that place.
func modulePathLits(sets *optindex.Sets, f *nixast.File, class optindex.Class, fn func(text string, c optindex.Class)) {
	var walk func(n nixast.Node, class optindex.Class, cur []string, depth int)
	walk = func(n nixast.Node, class optindex.Class, cur []string, depth int) {
		if n == nil || depth > 200 {
			return
		}
		switch n := n.(type) {
		case *nixast.PathLit:
			if len(cur) == 0 {
				if text, ok := staticPath(n); ok {
					fn(text, class)
				}
			}
			return
		case *nixast.AttrAssign:
			c, p := class, cur[:len(cur):len(cur)] // shared with the other bindings
			if n.Path != nil {
				for _, name := range n.Path.Names {
					c, p = scopeStep(sets, c, p, staticOr(name))
				}
			}
			walk(n.Value, c, p, depth+1)
			return
		case *nixast.Apply:
			fn0, args := n.Fn, []nixast.Expr{n.Arg}
			for {
				a, ok := fn0.(*nixast.Apply)
				if !ok {
					break
				}
				args = append([]nixast.Expr{a.Arg}, args...)
				fn0 = a.Fn
			}
			name := ""
			switch x := nixast.Unparen(fn0).(type) {
			case *nixast.Ident:
				name = x.Name
			case *nixast.Select:
				name, _ = x.Path.Names[len(x.Path.Names)-1].StaticName()
			}
			if c, ok := classCalls[name]; ok {
				class, cur = c, nil
			}
			for _, a := range args {
				walk(a, class, cur, depth+1)
			}
			return
		case *nixast.Let:
			walk(n.Body, class, cur, depth+1)
			return
		}
		nixast.EachChild(n, func(k nixast.Node) { walk(k, class, cur, depth+1) })
	}
	walk(f.Root, class, nil, 0)
}

// setOption returns the option of a pinned source that an attribute path
// of file names, with its index.
func setOption(ws *Workspace, file string, attrPath []string) (*optindex.Option, *optindex.Indexed, bool) {
	class, cur := optionScope(ws, file, attrPath)
	if len(cur) == 0 || cur[0] == "microvm" && class == optindex.NixOS {
		return nil, nil, false
	}
	o, x := ws.sets(file).Lookup(class, cur)
	return o, x, o != nil
}

// setItems are the completion items of the names that may follow an
// option path of a class, from every index of the class.
func setItems(ws *Workspace, file string, class optindex.Class, cur []string) []Item {
	sets := ws.sets(file)
	var items []Item
	for _, c := range sets.Children(class, cur) {
		if c.Name == "<name>" || c.Name == "*" || c.Name == "_module" {
			continue
		}
		it := Item{Label: c.Name, Kind: KindProperty}
		if c.Option != nil && !c.Option.Hidden {
			_, x := sets.Lookup(class, c.Option.Loc)
			it.Detail = optionDetail(c.Option)
			it.Doc = SetOptionMarkdown(x, c.Option)
		} else {
			it.Detail = strings.Join(append(append([]string{}, cur...), c.Name), ".") + ".*"
		}
		items = append(items, it)
	}
	return items
}

// SetOptionMarkdown describes an option of a pinned source: path,
// description (read from the source), type, default, declaration and which
// input and revision it comes from.
func SetOptionMarkdown(x *optindex.Indexed, o *optindex.Option) string {
	var b strings.Builder
	writeOptionHead(&b, o)
	for _, d := range o.Declarations {
		fmt.Fprintf(&b, "- declared in `%s:%d`\n", d.File, d.Line)
	}
	if x != nil {
		b.WriteString("- from " + x.Origin() + "\n")
	}
	return b.String()
}

// setDeclaration is where an option of a pinned source is declared, on disk.
func setDeclaration(x *optindex.Indexed, o *optindex.Option) (string, int, bool) {
	if x == nil || x.Index.Root == "" || len(o.Declarations) == 0 {
		return "", 0, false
	}
	d := o.Declarations[0]
	return filepath.Join(x.Index.Root, filepath.FromSlash(d.File)), d.Line, true
}

// enumStrings returns the string members of an enum option, unquoted.
func enumStrings(o *optindex.Option) []string {
	var out []string
	for _, v := range o.Enum {
		if s, err := strconv.Unquote(v); err == nil {
			out = append(out, s)
		}
	}
	return out
}
