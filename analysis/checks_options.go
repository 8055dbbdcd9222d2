package analysis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// UnknownOption reports definitions of option paths that the indexed source
// owning the prefix does not declare.
var UnknownOption = &Analyzer{
	Name: CodeUnknownOption,
	Doc: "A microvm.* path is defined that microvm.nix's option index does not declare (a typo, or an " +
		"option of another version). Only paths under a prefix the index owns completely are checked: " +
		"nothing below an option whose value is not made of options (freeform settings, attribute sets of " +
		"anything), nothing the workspace's own modules declare under microvm, nothing in a system whose " +
		"module list is not fully known. The message names the index's source and revision and suggests " +
		"the closest declared name; the fix renames the path. NixOS, home-manager and nix-darwin paths are " +
		"checked alike against the pinned nixpkgs, home-manager and nix-darwin sources when they are in the " +
		"store, in systems whose every module is known: a NixOS system's against NixOS' options, a nix-darwin " +
		"system's against nix-darwin's, a standalone home-manager configuration's against home-manager's.",
	Codes:    []Code{{Name: CodeUnknownOption, Short: "An option path is defined that no indexed source declares."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runUnknownOption),
}

// OptionTypeMismatch reports literal values that cannot have their option's type.
var OptionTypeMismatch = &Analyzer{
	Name: CodeOptionTypeMismatch,
	Doc: "A microvm.* option is set to a literal that its declared type rejects: a string for a boolean, " +
		"an integer out of an integer type's range (a port, a positive or unsigned integer), a list for a " +
		"string, a relative string for a path... Evaluation fails with \"is not of type\". Enum options " +
		"are invalid-option-value's.",
	Codes:    []Code{{Name: CodeOptionTypeMismatch, Short: "A microvm.* option is set to a literal that its declared type rejects."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runOptionTypeMismatch),
}

// DeprecatedOption reports definitions of renamed or aliased options.
var DeprecatedOption = &Analyzer{
	Name: CodeDeprecatedOption,
	Doc: "An option is defined by a path the option index records as renamed, aliased or changed " +
		"(mkRenamedOptionModule, mkAliasOptionModule, mkChangedOptionModule): it still works, with a " +
		"warning for a rename. The fix writes the new path.",
	Codes:    []Code{{Name: CodeDeprecatedOption, Short: "An option is defined by a path that was renamed, aliased or changed."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runDeprecatedOption),
}

// declaredPrefixes returns the microvm.* paths that the workspace's own
// modules declare options under (options.microvm.x = ...): only a file
// that names microvm can declare options below it (with lib's option
// makers or a helper of its own).
func (p *GraphPass) declaredPrefixes() [][]string {
	return p.wfacts.declaredPrefixes()
}

// optionDeclarations returns the option paths that a file declares
// (options.a.b = ..., options = { a.b = ...; }).
func optionDeclarations(f *nixast.File) [][]string {
	var out [][]string
	nixast.Inspect(f.Root, func(n nixast.Node) bool {
		a, ok := n.(*nixast.AttrAssign)
		if !ok || a.Path == nil {
			return true
		}
		if first, _ := a.Path.FirstName(); first != "options" {
			return true // most bindings: no slice of their names
		}
		names, _ := a.Path.StaticNames()
		if len(names) == 0 || names[0] != "options" {
			return true
		}
		if len(names) >= 2 {
			out = append(out, names[1:])
			return true
		}
		if set, ok := nixast.Unparen(a.Value).(*nixast.AttrSet); ok {
			for _, b := range set.Bindings {
				if inner, ok := b.(*nixast.AttrAssign); ok && inner.Path != nil {
					if ns, _ := inner.Path.StaticNames(); len(ns) > 0 {
						out = append(out, ns)
					}
				}
			}
		}
		return true
	})
	return out
}

func underPrefix(path []string, prefixes [][]string) bool {
	for _, p := range prefixes {
		if pathHasPrefix(path, p) || pathHasPrefix(p, path) {
			return true
		}
	}
	return false
}

func runUnknownOption(p *GraphPass) {
	runUnknownOptionSets(p)
	declared := p.declaredPrefixes()
	for _, s := range p.Systems {
		if s.Unknown || !(s.Has(ModMicrovm) || s.Has(ModOptions) || s.Has(ModHost)) {
			continue
		}
		v := p.view(s)
		facts := p.facts(s)
		for _, d := range v.vals {
			if d.Binding == nil || len(d.Path) < 2 || d.Path[0] != "microvm" || underPrefix(d.Path, declared) {
				continue
			}
			w := facts.Walk(d.Path)
			if w.Unknown < 0 || w.Unknown < d.Base || w.Unknown-d.Base >= len(d.Binding.Path.Names) {
				continue
			}
			name := d.Binding.Path.Names[w.Unknown-d.Base]
			bad := d.Path[w.Unknown]
			parent := d.Path[:w.Unknown]
			msg := fmt.Sprintf("`%s` is not an option: %s declares nothing named %q under `%s`",
				strings.Join(d.Path[:w.Unknown+1], "."), facts.Origin(), bad, strings.Join(parent, "."))
			f := Finding{File: d.File, Pos: name.Pos(), End: name.End(), Severity: SeverityWarning, Code: CodeUnknownOption, Message: msg}
			var names []string
			for _, c := range facts.Children(parent) {
				if c.Name != "<name>" && c.Name != "*" {
					names = append(names, c.Name)
				}
			}
			if best, ok := closest(bad, names); ok {
				f.Message += fmt.Sprintf(" (did you mean `%s`?)", best)
				f.Fixes = append(f.Fixes, Fix{Title: fmt.Sprintf("Change to %s", best), Preferred: true,
					Edits: []TextEdit{{File: d.File, Pos: name.Pos(), End: name.End(), NewText: attrName(best)}}})
			}
			p.Report(f)
		}
	}
}

// attrName writes a name as an attribute name, quoted when it has to be.
func attrName(s string) string { return optindex.ShowOption([]string{s}) }

func runDeprecatedOption(p *GraphPass) {
	runDeprecatedOptionSets(p)
	for _, s := range p.Systems {
		if s.Unknown {
			continue
		}
		v := p.view(s)
		facts := p.facts(s)
		for _, d := range v.vals {
			if d.Binding == nil {
				continue
			}
			r := facts.Index.Rename(d.Path)
			if r == nil || r.Kind == optindex.Removed || len(r.To) == 0 || len(d.Path) != len(r.From) && d.Base >= len(r.From) {
				continue
			}
			// the binding that writes the last element of the old path
			last := len(r.From) - 1
			if last < d.Base || last-d.Base >= len(d.Binding.Path.Names) {
				continue
			}
			names := d.Binding.Path.Names
			msg := fmt.Sprintf("`%s` is %s to `%s` (%s)", r.FromName(), map[optindex.RenameKind]string{
				optindex.Renamed: "renamed", optindex.Aliased: "an alias", optindex.Changed: "changed", optindex.Merged: "merged",
			}[r.Kind], r.ToName(), facts.Origin())
			if r.Kind == optindex.Aliased {
				msg = fmt.Sprintf("`%s` is an alias of `%s` (%s)", r.FromName(), r.ToName(), facts.Origin())
			}
			f := Finding{File: d.File, Pos: names[0].Pos(), End: names[last-d.Base].End(), Severity: SeverityWarning,
				Code: CodeDeprecatedOption, Message: msg, Tags: []Tag{TagDeprecated}}
			// the fix rewrites the old path when this binding writes all of it
			if d.Base == 0 && r.Kind != optindex.Changed && r.Kind != optindex.Merged {
				f.Fixes = append(f.Fixes, Fix{Title: "Use " + r.ToName(), Preferred: true,
					Edits: []TextEdit{{File: d.File, Pos: names[0].Pos(), End: names[last].End(), NewText: optindex.ShowOption(r.To)}}})
			}
			p.Report(f)
		}
	}
}

func runOptionTypeMismatch(p *GraphPass) {
	runOptionTypeMismatchSets(p)
	// The options of list items, looked for once per facts rather than once
	// per system: a component of 200 hosts shares one.
	itemOpts := map[*microvm.Facts][]*optindex.Option{}
	for _, s := range p.Systems {
		v := p.view(s)
		facts := p.facts(s)
		for _, d := range v.vals {
			if d.X == nil || d.Binding == nil || len(d.Path) < 2 || d.Path[0] != "microvm" {
				continue
			}
			w := facts.Walk(d.Path)
			if w.Option == nil || w.Open || len(w.Option.Enum) > 0 {
				continue
			}
			checkValueType(p, facts, w.Option, d.File, d.X)
		}
		// literal lists of submodules: their elements' options
		opts, ok := itemOpts[facts]
		if !ok {
			opts = typedItemOptions(facts)
			itemOpts[facts] = opts
		}
		for _, o := range opts {
			items, _ := v.items("microvm", o.Loc[1])
			for _, it := range items {
				for _, d := range it.vals.get(o.Loc[3:]...) {
					if d.X != nil {
						checkValueType(p, facts, o, d.File, d.X)
					}
				}
			}
		}
	}
}

// typedItemOptions returns the options of the facts' lists of submodules
// (microvm.<list>.*.<path>) whose values checkValueType reads: no enums
// (runInvalidOptionValue's) and no deeper lists or attribute sets.
func typedItemOptions(f *microvm.Facts) []*optindex.Option {
	var out []*optindex.Option
	for i := range f.Index.Options {
		o := &f.Index.Options[i]
		if len(o.Loc) >= 4 && o.Loc[0] == "microvm" && o.Loc[2] == "*" && len(o.Enum) == 0 && !containsAny(o.Loc[3:], "*", "<name>") {
			out = append(out, o)
		}
	}
	return out
}

func checkValueType(p *GraphPass, facts *microvm.Facts, o *optindex.Option, file string, x nixast.Expr) {
	v, ok := valueOf(x)
	if !ok {
		return
	}
	if accepts(o.Type, v) != rejected {
		return
	}
	msg := fmt.Sprintf("%s cannot be a value of `%s`, whose type is %s (%s)", v.text, o.Name, o.Type, facts.Origin())
	p.Report(Finding{File: file, Pos: x.Pos(), End: x.End(), Severity: SeverityError, Code: CodeOptionTypeMismatch, Message: msg})
}

func containsAny(xs []string, ys ...string) bool {
	for _, y := range ys {
		if contains(xs, y) {
			return true
		}
	}
	return false
}

// typedValue is a literal value, as far as its type goes.
type typedValue struct {
	kind string // "string", "int", "float", "bool", "null", "path", "list", "set"
	i    int64
	s    string // a string's value, when static
	text string // for messages
}

func valueOf(x nixast.Expr) (typedValue, bool) {
	switch x := nixast.Unparen(x).(type) {
	case *nixast.StringLit:
		s, static := x.StaticValue()
		if !static {
			return typedValue{kind: "string", text: "a string"}, true
		}
		return typedValue{kind: "string", s: s, text: strconv.Quote(s)}, true
	case *nixast.IntLit:
		return typedValue{kind: "int", i: x.Value, text: strconv.FormatInt(x.Value, 10)}, true
	case *nixast.FloatLit:
		return typedValue{kind: "float", text: "a float"}, true
	case *nixast.PathLit:
		return typedValue{kind: "path", text: "a path"}, true
	case *nixast.List:
		return typedValue{kind: "list", text: "a list"}, true
	case *nixast.AttrSet:
		return typedValue{kind: "set", text: "an attribute set"}, true
	}
	if l, ok := literalOf(x); ok {
		switch l.Kind {
		case "int":
			return typedValue{kind: "int", i: l.I, text: strconv.FormatInt(l.I, 10)}, true
		case "bool":
			return typedValue{kind: "bool", text: strconv.FormatBool(l.B)}, true
		case "null":
			return typedValue{kind: "null", text: "null"}, true
		}
	}
	return typedValue{}, false
}

// verdict is whether a type accepts a value: a type description we cannot
// read decides nothing.
type verdict int

const (
	undecided verdict = iota
	accepted
	rejected
)

// accepts tells whether a type (lib's description of it) accepts a value.
func accepts(typ string, v typedValue) verdict {
	typ = strings.TrimSpace(typ)
	if alts := splitOr(typ); len(alts) > 1 {
		out := rejected
		for _, a := range alts {
			switch accepts(a, v) {
			case accepted:
				return accepted
			case undecided:
				out = undecided
			}
		}
		return out
	}
	if strings.HasPrefix(typ, "(") && strings.HasSuffix(typ, ")") {
		return accepts(typ[1:len(typ)-1], v)
	}
	is := func(ok bool) verdict {
		if ok {
			return accepted
		}
		return rejected
	}
	switch {
	case typ == "null":
		return is(v.kind == "null")
	case typ == "boolean":
		return is(v.kind == "bool")
	case strings.Contains(typ, "integer"):
		if v.kind != "int" {
			return is(false)
		}
		return is(intInRange(typ, v.i))
	case typ == "string" || typ == "non-empty string" || typ == "single-line string" || strings.HasPrefix(typ, "strings concatenated with"):
		if v.kind == "path" {
			return undecided // coerced in some string types, not in others
		}
		if v.kind != "string" {
			return is(false)
		}
		if typ == "non-empty string" && v.text != "a string" {
			return is(strings.TrimSpace(v.s) != "")
		}
		return accepted
	case strings.HasPrefix(typ, "string matching the pattern "):
		// whether a string matches is Nix's regular expressions' to say
		if v.kind == "string" || v.kind == "path" {
			return undecided
		}
		return is(false)
	case typ == "path" || typ == "absolute path":
		if v.kind == "path" {
			return accepted
		}
		if v.kind == "string" && v.text != "a string" {
			return is(strings.HasPrefix(v.s, "/"))
		}
		return is(v.kind == "string")
	case strings.HasPrefix(typ, "list of "):
		return is(v.kind == "list")
	case strings.HasPrefix(typ, "attribute set of ") || strings.HasPrefix(typ, "lazy attribute set of ") || typ == "attribute set":
		return is(v.kind == "set")
	case typ == "submodule":
		if v.kind == "path" {
			return undecided // a module file
		}
		return is(v.kind == "set")
	}
	return undecided
}

// splitOr splits "A or B" at the top level of parentheses.
func splitOr(typ string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(typ); i++ {
		switch typ[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ' ':
			if depth == 0 && strings.HasPrefix(typ[i:], " or ") {
				out = append(out, typ[start:i])
				start = i + 4
				i += 3
			}
		}
	}
	return append(out, typ[start:])
}

// intInRange checks an integer against the bounds an integer type's
// description states.
func intInRange(typ string, i int64) bool {
	switch {
	case strings.Contains(typ, "meaning >0"):
		return i > 0
	case strings.Contains(typ, "meaning >=0"):
		return i >= 0
	}
	if k := strings.Index(typ, "between "); k >= 0 {
		var lo, hi int64
		if n, _ := fmt.Sscanf(typ[k:], "between %d and %d", &lo, &hi); n == 2 {
			return lo <= i && i <= hi
		}
	}
	return true
}

// Finding codes of the option index checks.
const (
	CodeUnknownOption      = "unknown-option"
	CodeOptionTypeMismatch = "option-type-mismatch"
	CodeDeprecatedOption   = "deprecated-option"
)
