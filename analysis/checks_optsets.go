package analysis

import (
	"fmt"
	"path"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// The option checks against the indexes of the NixOS, home-manager and
// nix-darwin sources a workspace pins (Workspace.Options). A name is
// unknown only where nothing else could declare it: the system's module
// list is fully known and holds no module of a source that is not indexed,
// every source of the class is indexed, the workspace's own modules declare
// nothing there, and no freeform type or renamed option lies above it.

// moduleKeys are the attributes of a module that are no option definitions.
var moduleKeys = map[string]bool{
	"imports": true, "options": true, "config": true, "_file": true, "key": true, "disabledModules": true,
	"freeformType": true, "_class": true, "require": true, "_module": true,
}

// declaredOptionPaths returns the option paths the workspace's own modules
// declare (options.a.b = ..., options = { a.b = ...; }), whatever the
// prefix: only a file that calls one of lib's option makers declares any.
func (p *GraphPass) declaredOptionPaths() [][]string {
	return p.wfacts.declaredOptionPaths()
}

// foreignElem reports whether a module element of a system of a class may
// be a module of a source the analysis does not read
// (inputs.x.nixosModules.y, a function argument): a workspace file, an
// inline module, nixpkgs' own modulesPath or a module of an input indexed
// for the class is not.
func foreignElem(e *ModElem, class optindex.Class, sets *optindex.Sets) bool {
	if e.Which != "" {
		return false
	}
	switch x := nixast.Unparen(e.Node).(type) {
	case *nixast.PathLit, *nixast.AttrSet, *nixast.Lambda:
		return false
	case *nixast.Binary:
		if id, ok := nixast.Unparen(x.X).(*nixast.Ident); ok && id.Name == "modulesPath" {
			return false
		}
	case *nixast.Apply:
		if id, ok := nixast.Unparen(x.Fn).(*nixast.Ident); ok && id.Name == "import" {
			if _, ok := nixast.Unparen(x.Arg).(*nixast.PathLit); ok {
				return false
			}
		}
	case *nixast.Select:
		names, _ := x.Path.StaticNames()
		if id, ok := nixast.Unparen(x.X).(*nixast.Ident); ok {
			names = append([]string{id.Name}, names...)
		}
		for _, ix := range sets.Of(class) {
			for _, n := range names {
				if n == ix.Input {
					return false
				}
			}
		}
	}
	return true
}

// plainWirings are the ways of building a system that add no module of
// their own: the frameworks not listed add theirs (snowfall-lib's
// snowfallorg.*, colmena's deployment.*, clan-core's clan.*, digga's and
// flake-utils-plus' defaults, home-manager's module where ez-configs or
// easy-hosts wire users), whose options are not indexed.
var plainWirings = map[string]bool{
	"nixosSystem": true, "darwinSystem": true, "homeManagerConfiguration": true, "flake-parts": true,
	"readDir": true, "haumea": true, "configuration": true, "vm": true, "container": true, "file": true,
}

// checkableSystem reports whether every module of a system is known, so
// that a name no known module of an indexed class declares is unknown.
func checkableSystem(s *System, sets *optindex.Sets) bool {
	if s.Unknown || s.template || sets == nil || !plainWirings[s.Wiring] {
		return false
	}
	for _, e := range s.Elems {
		if e.Unknown || foreignElem(e, classOf(s), sets) {
			return false
		}
	}
	return true
}

// optionDefs returns the definitions a module's top-level set makes, with
// paths from the module's root (config. removed).
func optionDefs(set *nixast.AttrSet, file string) []*optVal {
	v := &optView{}
	hasConfig := false
	for _, b := range set.Bindings {
		if a, ok := b.(*nixast.AttrAssign); ok && a.Path != nil {
			if n, ok := a.Path.Names[0].StaticName(); ok && (n == "config" || n == "options") {
				hasConfig = true
			}
		}
	}
	v.addSet(nil, set, file, false, 100)
	var out []*optVal
	for _, d := range v.vals {
		if d.Binding == nil || len(d.Path) == 0 {
			continue
		}
		if hasConfig {
			if d.Path[0] != "config" || len(d.Path) < 2 {
				continue
			}
			d2 := *d
			d2.Path, d2.Base = d.Path[1:], d.Base-1
			out = append(out, &d2)
			continue
		}
		if moduleKeys[d.Path[0]] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// setFinding is one verdict on a definition, for both checks.
type setFinding struct {
	d      *optVal
	class  optindex.Class
	path   []string // in the class's terms
	offset int      // elements of d.Path before path
	v      optindex.Verdict
}

// walkSets yields, for each definition in a checkable system's modules,
// what the indexes say of it: NixOS systems' with the NixOS indexes,
// nix-darwin systems' and home-manager configurations' with their class's
// (wiring_classes.go).
func walkSets(p *GraphPass, fn func(sf setFinding, sets *optindex.Sets)) {
	folders := p.Workspace.Options
	if folders == nil {
		return
	}
	foreignHM := p.wfacts.foreignHome
	visited := map[string]bool{}
	for _, s := range p.allSystems() {
		if s.Kind == "container" {
			continue // a container's config is checked as its own system
		}
		base := classOf(s)
		for set, read := range s.modSets {
			sets := folders.For(read.file)
			if !checkableSystem(s, sets) {
				break
			}
			for _, d := range optionDefs(set, read.file) {
				if d.Path[0] == "microvm" && base == optindex.NixOS {
					continue // microvm.nix's own checks
				}
				class, path, off := base, d.Path, 0
				v := sets.Walk(class, path)
				for v.Mount != "" && len(path) > v.MountAt {
					if !sets.Complete(v.Mount) || v.Mount == optindex.HomeManager && foreignHM {
						v = optindex.Verdict{Unknown: -1}
						break
					}
					off += v.MountAt
					class, path = v.Mount, path[v.MountAt:]
					if path[0] == "config" && len(path) > 1 {
						off++
						path = path[1:]
					}
					if moduleKeys[path[0]] {
						if len(path) == 1 && path[0] == "imports" && !(class == optindex.HomeManager && foreignHM) {
							if l, ok := d.X.(*nixast.List); ok {
								for _, el := range l.Elems {
									mountedFiles(p.Workspace, d.File, el, class, sets, visited, fn)
								}
							}
						}
						v = optindex.Verdict{Unknown: -1}
						break
					}
					v = sets.Walk(class, path)
				}
				if v.Mount != "" && len(path) == v.MountAt && sets.Complete(v.Mount) &&
					!(v.Mount == optindex.HomeManager && foreignHM) {
					// users.<name> = import ./home.nix: the file's module, of the mounted class
					mountedFiles(p.Workspace, d.File, d.X, v.Mount, sets, visited, fn)
				}
				if class == base && !sets.Complete(base) {
					continue // the system's own class is not indexed: only mounted classes are checked
				}
				fn(setFinding{d: d, class: class, path: path, offset: off, v: v}, sets)
				listElements(sets, class, path, d, v, fn)
			}
		}
	}
}

// runUnknownOptionSets reports names that the indexed sources of their
// class do not declare.
func runUnknownOptionSets(p *GraphPass) {
	var declared [][]string
	declaredOnce := false
	walkSets(p, func(sf setFinding, sets *optindex.Sets) {
		u := sf.v.Unknown
		if u < 0 || sf.v.Open {
			return
		}
		d := sf.d
		abs := sf.offset + u
		if abs < d.Base || abs-d.Base >= len(d.Binding.Path.Names) {
			return // the name is written by an enclosing binding: reported there
		}
		if !declaredOnce {
			declared, declaredOnce = p.declaredOptionPaths(), true
		}
		if underPrefix(sf.path, declared) || underPrefix(d.Path, declared) {
			return
		}
		name := d.Binding.Path.Names[abs-d.Base]
		bad := sf.path[u]
		parent := sf.path[:u]
		origin := originOf(sets, sf.class, parent)
		var msg string
		if u == 0 {
			msg = fmt.Sprintf("`%s` is not an option: no module of the system declares it (%s indexed)", bad, origin)
		} else {
			msg = fmt.Sprintf("`%s` is not an option: %s declares nothing named %q under `%s`",
				optindex.ShowOption(sf.path[:u+1]), origin, bad, optindex.ShowOption(parent))
		}
		f := Finding{File: d.File, Pos: name.Pos(), End: name.End(), Severity: SeverityWarning, Code: CodeUnknownOption, Message: msg}
		var names []string
		for _, c := range sets.Children(sf.class, parent) {
			if c.Name != "<name>" && c.Name != "*" && c.Name != "_module" {
				names = append(names, c.Name)
			}
		}
		if best, ok := closest(bad, names); ok {
			f.Message += fmt.Sprintf(" (did you mean `%s`?)", best)
			f.Fixes = append(f.Fixes, Fix{Title: fmt.Sprintf("Change to %s", best), Preferred: true,
				Edits: []TextEdit{{File: d.File, Pos: name.Pos(), End: name.End(), NewText: attrName(best)}}})
		}
		p.Report(f)
	})
}

// runDeprecatedOptionSets reports definitions of options the indexed
// sources record as renamed or aliased.
func runDeprecatedOptionSets(p *GraphPass) {
	walkSets(p, func(sf setFinding, sets *optindex.Sets) {
		r := sf.v.Rename
		if r == nil || r.Kind == optindex.Removed || len(r.To) == 0 {
			return
		}
		d := sf.d
		last := sf.offset + len(r.From) - 1 // the element of d.Path ending the old path
		if last < d.Base || last-d.Base >= len(d.Binding.Path.Names) || len(sf.path) < len(r.From) {
			return
		}
		names := d.Binding.Path.Names
		kind := map[optindex.RenameKind]string{optindex.Renamed: "renamed to", optindex.Aliased: "an alias of",
			optindex.Changed: "changed to", optindex.Merged: "merged into"}[r.Kind]
		msg := fmt.Sprintf("`%s` is %s `%s` (%s)", r.FromName(), kind, r.ToName(), originOf(sets, sf.class, r.To))
		first := sf.offset
		if first < d.Base {
			first = d.Base
		}
		f := Finding{File: d.File, Pos: names[first-d.Base].Pos(), End: names[last-d.Base].End(), Severity: SeverityWarning,
			Code: CodeDeprecatedOption, Message: msg, Tags: []Tag{TagDeprecated}}
		// the fix rewrites the old path when this binding writes all of it
		if sf.offset >= d.Base && r.Kind != optindex.Changed && r.Kind != optindex.Merged {
			f.Fixes = append(f.Fixes, Fix{Title: "Use " + r.ToName(), Preferred: true,
				Edits: []TextEdit{{File: d.File, Pos: names[sf.offset-d.Base].Pos(), End: names[last-d.Base].End(), NewText: optindex.ShowOption(r.To)}}})
		}
		p.Report(f)
	})
}

// runRemovedOptionSets reports definitions of options the indexed sources
// record as removed (mkRemovedOptionModule): their assertion fails the
// build with the removal's message.
func runRemovedOptionSets(p *GraphPass) {
	walkSets(p, func(sf setFinding, sets *optindex.Sets) {
		r := sf.v.Rename
		if r == nil || r.Kind != optindex.Removed {
			return
		}
		d := sf.d
		last := sf.offset + len(r.From) - 1 // the element of d.Path ending the removed path
		if last < d.Base || last-d.Base >= len(d.Binding.Path.Names) || len(sf.path) < len(r.From) {
			return
		}
		first := sf.offset
		if first < d.Base {
			first = d.Base
		}
		names := d.Binding.Path.Names
		msg := fmt.Sprintf("`%s` was removed (%s)", r.FromName(), originOf(sets, sf.class, r.From))
		if m := strings.Join(strings.Fields(r.Message), " "); m != "" {
			msg += ": " + m
		}
		f := Finding{File: d.File, Pos: names[first-d.Base].Pos(), End: names[last-d.Base].End(), Severity: SeverityWarning,
			Code: CodeRemovedOption, Message: msg, Tags: []Tag{TagDeprecated}}
		if len(sf.path) == len(r.From) {
			// the binding defines the removed option itself
			f.Fixes = append(f.Fixes, Fix{Title: "Remove the definition of " + r.FromName(),
				Edits: []TextEdit{deleteRange(p.Workspace, d.File, d.Binding.Pos(), d.Binding.End())}})
		}
		p.Report(f)
	})
}

// originOf names, for messages, the indexed sources of a class that declare
// options under prefix (all of them for the top level).
func originOf(sets *optindex.Sets, c optindex.Class, prefix []string) string {
	var names, all []string
	for _, x := range sets.Of(c) {
		all = append(all, x.Origin())
		if len(prefix) > 0 && x.Index.HasPrefix(prefix) {
			names = append(names, x.Origin())
		}
	}
	if len(names) == 0 {
		names = all
	}
	return strings.Join(names, " and ")
}

// listElements checks the attribute sets written as elements of a list of
// submodules (fileSystems-like lists of entries), element by element, "*"
// standing for the element in paths.
func listElements(sets *optindex.Sets, class optindex.Class, path []string, d *optVal, v optindex.Verdict, fn func(setFinding, *optindex.Sets)) {
	if v.Option == nil || v.Unknown >= 0 || v.Open || !microvm.IsListOfSubmodules(v.Option.Type) {
		return
	}
	l, ok := d.X.(*nixast.List)
	if !ok {
		return
	}
	prefix := append(append([]string{}, path...), "*")
	for _, el := range l.Elems {
		set, ok := unwrapSet(el)
		if !ok {
			continue
		}
		ev := &optView{}
		ev.addSet(prefix, set, d.File, false, 100)
		for _, e := range ev.vals {
			if e.Binding == nil {
				continue
			}
			w := sets.Walk(class, e.Path)
			fn(setFinding{d: e, class: class, path: e.Path, v: w}, sets)
		}
	}
}

// mountedFiles checks the module files that a mounted option's value
// names (import ./home.nix, ./home.nix) and the files their imports name,
// in the mounted class; each file once.
func mountedFiles(ws *Workspace, from string, x nixast.Expr, class optindex.Class, sets *optindex.Sets, visited map[string]bool, fn func(setFinding, *optindex.Sets)) {
	var text string
	switch x := nixast.Unparen(x).(type) {
	case *nixast.PathLit:
		text, _ = pathLitText(x)
	case *nixast.Apply:
		if id, ok := nixast.Unparen(x.Fn).(*nixast.Ident); ok && id.Name == "import" {
			if pl, ok := nixast.Unparen(x.Arg).(*nixast.PathLit); ok {
				text, _ = pathLitText(pl)
			}
		}
	}
	if text == "" || strings.HasPrefix(text, "<") || strings.HasPrefix(text, "~") {
		return
	}
	target := path.Join(path.Dir(from), text)
	if !strings.HasPrefix(text, "/") && !strings.HasPrefix(target, "/") {
		return
	}
	if ws.At(target) == nil {
		target = path.Join(target, "default.nix")
	}
	if ws.At(target) == nil || visited[target] {
		return
	}
	visited[target] = true
	root := nixast.Unparen(ws.File(target).Root)
	if l, ok := root.(*nixast.Lambda); ok {
		root = nixast.Unparen(l.Body)
	}
	set, ok := root.(*nixast.AttrSet)
	if !ok {
		return
	}
	for _, b := range set.Bindings {
		a, ok := b.(*nixast.AttrAssign)
		if !ok || a.Path == nil {
			continue
		}
		if n, _ := a.Path.FirstName(); len(a.Path.Names) == 1 && n == "imports" {
			if l, ok := nixast.Unparen(a.Value).(*nixast.List); ok {
				for _, el := range l.Elems {
					mountedFiles(ws, target, el, class, sets, visited, fn)
				}
			}
		}
	}
	for _, d := range optionDefs(set, target) {
		v := sets.Walk(class, d.Path)
		fn(setFinding{d: d, class: class, path: d.Path, v: v}, sets)
		listElements(sets, class, d.Path, d, v, fn)
	}
}

// pathLitText is a path literal's text when it has no interpolation.
func pathLitText(pl *nixast.PathLit) (string, bool) {
	if len(pl.Parts) != 1 {
		return "", false
	}
	t, ok := pl.Parts[0].(*nixast.TextPart)
	if !ok {
		return "", false
	}
	return t.Value, true
}

// runOptionTypeMismatchSets reports literal values that the declared type
// of an indexed NixOS or home-manager option rejects.
func runOptionTypeMismatchSets(p *GraphPass) {
	walkSets(p, func(sf setFinding, sets *optindex.Sets) {
		o, d := sf.v.Option, sf.d
		if o == nil || sf.v.Unknown >= 0 || sf.v.Open || d.X == nil || len(sf.path) != len(o.Loc) {
			return
		}
		val, ok := valueOf(d.X)
		if !ok {
			return
		}
		bad := false
		if len(o.Enum) > 0 {
			bad = val.kind == "string" && val.text != "a string" && !contains(o.Enum, val.text) && strings.HasPrefix(o.Type, "one of ")
		} else {
			bad = accepts(o.Type, val) == rejected
		}
		if !bad {
			return
		}
		msg := fmt.Sprintf("%s cannot be a value of `%s`, whose type is %s (%s)", val.text, o.Name, o.Type, originOf(sets, sf.class, o.Loc))
		p.Report(Finding{File: d.File, Pos: d.X.Pos(), End: d.X.End(), Severity: SeverityError, Code: CodeOptionTypeMismatch, Message: msg})
	})
}
