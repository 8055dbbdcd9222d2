package analysis

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// UndefinedVariable reports names that no binding, global or with provides.
var UndefinedVariable = &Analyzer{
	Name: CodeUndefinedVariable,
	Doc: "A variable is not bound by any let, rec set, function parameter or inherit around it, is not one " +
		"of Nix's global names (builtins, true, false, null, import, map, toString, throw, abort, baseNameOf, " +
		"dirOf, derivation, isNull, removeAttrs, fetchTarball, fetchGit, placeholder, scopedImport, __add and " +
		"the other __-prefixed builtins; not fetchurl, which is builtins.fetchurl only), and is not under a " +
		"with (which may bind anything). Nix rejects the file with \"undefined variable\" before evaluating it.",
	Codes:   []Code{{Name: CodeUndefinedVariable, Short: "A variable is bound by no let, function, rec set or with around it, nor globally."}},
	RunFile: check(runUndefinedVariable),
}

// UnusedBinding reports bindings nothing refers to.
var UnusedBinding = &Analyzer{
	Name: CodeUnusedBinding,
	Doc: "A let binding, a formal parameter ({ a, b }:) or an @ name is never used. Names starting with _ " +
		"are skipped, and so are the formals of NixOS module functions ({ config, lib, pkgs, ... }:) and of " +
		"a flake's outputs, which the module system and flakes pass by name. The formals of a function that " +
		"also has an @ name are only hinted at: callers may rely on them being accepted. The fix removes an " +
		"unused let binding.",
	Codes:   []Code{{Name: CodeUnusedBinding, Short: "A let binding, function argument or @ name is never used."}},
	RunFile: check(runUnusedBinding),
}

func runUndefinedVariable(p *FilePass) {
	for _, r := range p.Names().Undefined() {
		p.Report(Finding{File: p.Path, Pos: int(r.Pos), End: int(r.End), Severity: SeverityError, Code: CodeUndefinedVariable,
			Message: fmt.Sprintf("undefined variable `%s`", r.Name())})
	}
}

var moduleArgNames = map[string]bool{"config": true, "lib": true, "pkgs": true, "options": true, "modulesPath": true, "specialArgs": true}

// passedByName returns a test for lambdas whose formals are filled by name
// by the module system or by flakes: a file's top function with "...", a
// function taking module arguments (config, lib, pkgs...), and a flake's
// outputs. Only flake.nix files are walked; the rest is a look at the lambda.
func passedByName(f *nixast.File) func(*nixast.Lambda) bool {
	var root *nixast.Lambda
	if l, ok := nixast.Unparen(f.Root).(*nixast.Lambda); ok && l.Formals != nil && l.Formals.Ellipsis >= 0 {
		root = l
	}
	outputs := map[*nixast.Lambda]bool{}
	if path.Base(f.Name) == "flake.nix" {
		nixast.Inspect(f.Root, func(n nixast.Node) bool {
			if as, ok := n.(*nixast.AttrAssign); ok && len(as.Path.Names) == 1 {
				if name, _ := as.Path.Names[0].StaticName(); name == "outputs" {
					if l, ok := nixast.Unparen(as.Value).(*nixast.Lambda); ok {
						outputs[l] = true
					}
				}
			}
			return true
		})
	}
	// Found once per function: each of its unused formals asks, and a set
	// of 20,000 formals read all of them for each (4 s).
	seen := map[*nixast.Lambda]bool{}
	return func(l *nixast.Lambda) bool {
		if l == root || outputs[l] {
			return true
		}
		by, ok := seen[l]
		if !ok && l.Formals != nil {
			for _, fo := range l.Formals.List {
				if fo.Name != nil && moduleArgNames[fo.Name.Name] {
					by = true
					break
				}
			}
		}
		seen[l] = by
		return by
	}
}

func runUnusedBinding(p *FilePass) {
	file, f, ws := p.Path, p.File, p.workspace()
	sc := p.Names()
	byName := passedByName(f)
	// once per file: a package set has thousands of unused names
	pragmas := bytes.Contains(f.Src, []byte(deadnixSkip))
	var toks []nixast.Token // the file's, listed once for every binding's pragma
	for _, d := range sc.Defs {
		if d.Uses > 0 || strings.HasPrefix(d.Name, "_") {
			continue
		}
		if pragmas && toks == nil {
			toks = f.AllTokens()
		}
		if pragmas && skipPragma(f, toks, d) {
			continue
		}
		fd := Finding{File: file, Pos: int(d.Pos), End: int(d.End), Severity: SeverityWarning, Code: CodeUnusedBinding, Tags: []Tag{TagUnnecessary}}
		l, _ := d.Scope.Node.(*nixast.Lambda)
		switch d.Kind {
		case scope.Let:
			fd.Message = fmt.Sprintf("let binding `%s` is never used", d.Name)
			if fx, ok := removeLetBindingFix(ws, file, d); ok {
				fd.Fixes = append(fd.Fixes, fx)
			}
		case scope.Formal:
			if l == nil || byName(l) {
				continue
			}
			fd.Message = fmt.Sprintf("function argument `%s` is never used", d.Name)
			if l.Param != nil {
				fd.Severity = SeverityHint
				fd.Message += fmt.Sprintf(" (the function also takes it as part of `%s`)", l.Param.Name)
			}
		case scope.Param:
			if l == nil || l.Formals == nil || byName(l) {
				continue // x: … parameters are often unused on purpose
			}
			fd.Message = fmt.Sprintf("`%s` (the whole argument set) is never used", d.Name)
		default:
			continue
		}
		p.Report(fd)
	}
}

// deadnixSkip is the comment deadnix reads as "do not report this binding".
const deadnixSkip = "deadnix: skip"

// skipPragma reports whether a comment holding "deadnix: skip" stands before
// the binding of d, on its line or the line above, as deadnix reads it: the
// tokens before the binding are read back until two line breaks are
// crossed. Callers test first that the file holds the comment at all, and
// list its tokens (toks) once: a file of thousands of unused bindings
// listed them again for each.
func skipPragma(f *nixast.File, toks []nixast.Token, d *scope.Def) bool {
	start := int(d.Pos)
	if a, ok := d.Node.(*nixast.AttrAssign); ok && !d.Inherit {
		start = a.Pos()
	}
	i := sort.Search(len(toks), func(i int) bool { return toks[i].Pos() >= start })
	breaks := 0
	for i--; i >= 0 && breaks < 2; i-- {
		t := toks[i]
		switch t.Kind {
		case nixast.WHITESPACE:
			breaks += bytes.Count(f.Src[t.Pos():t.End()], []byte("\n"))
		case nixast.COMMENT:
			if bytes.Contains(f.Src[t.Pos():t.End()], []byte(deadnixSkip)) {
				return true
			}
		}
	}
	return false
}

// removeLetBindingFix deletes an unused let binding (or its name from an
// inherit with several names).
func removeLetBindingFix(ws *Workspace, file string, d *scope.Def) (Fix, bool) {
	if len(d.More()) > 0 {
		return Fix{}, false // a.b = …; a.c = …;: several bindings make it
	}
	title := fmt.Sprintf("Remove the unused binding `%s`", d.Name)
	remove := func(b nixast.Binding) TextEdit {
		if l, ok := d.Scope.Node.(*nixast.Let); ok && len(l.Bindings) == 1 && l.InPos >= 0 && l.Body != nil {
			// The last binding: `let in body` would remain, so the let
			// goes, and the comments inside it with its binding. What
			// follows `in` (a comment on the body) stays.
			src := ws.At(file).Src
			end := l.InPos + len("in")
			for end < len(src) && end < l.Body.Pos() && strings.ContainsRune(" \t\r\n", rune(src[end])) {
				end++
			}
			return TextEdit{File: file, Pos: l.LetPos, End: end}
		}
		return deleteBinding(ws, file, b.Pos(), b.End())
	}
	switch b := d.Node.(type) {
	case *nixast.AttrAssign:
		return Fix{Title: title, Preferred: true, Edits: []TextEdit{remove(b)}}, true
	case *nixast.Inherit:
		if len(b.Names) == 1 {
			return Fix{Title: title, Preferred: true, Edits: []TextEdit{remove(b)}}, true
		}
		// The names are in source order: found by a search, not a walk
		// from the first for each of them (an inherit of 40,000 unused
		// names took 2 s).
		i := sort.Search(len(b.Names), func(i int) bool { return b.Names[i].Pos() >= int(d.Pos) })
		if i == len(b.Names) || b.Names[i].Pos() != int(d.Pos) {
			break
		}
		n := b.Names[i]
		if i > 0 {
			return Fix{Title: title, Preferred: true, Edits: []TextEdit{{File: file, Pos: b.Names[i-1].End(), End: n.End()}}}, true
		}
		return Fix{Title: title, Preferred: true, Edits: []TextEdit{{File: file, Pos: n.Pos(), End: b.Names[1].Pos()}}}, true
	}
	return Fix{}, false
}
