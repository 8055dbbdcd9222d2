package analysis

import (
	"fmt"
	"path"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// UndefinedVariable reports names that no binding, global or with provides.
var UndefinedVariable = &Analyzer{
	Name: CodeUndefinedVariable,
	Doc: "A variable is not bound by any let, rec set, function parameter or inherit around it, is not one " +
		"of Nix's global names (builtins, true, false, null, import, map, toString, throw, abort, baseNameOf, " +
		"dirOf, derivation, isNull, removeAttrs, fetchTarball, fetchGit, placeholder, scopedImport, every " +
		"__-prefixed builtin…), and is not under a with (which may bind anything). Evaluation fails with " +
		"\"undefined variable\".",
	Run:     runUndefinedVariable,
	PerFile: true,
}

// UnusedBinding reports bindings nothing refers to.
var UnusedBinding = &Analyzer{
	Name: CodeUnusedBinding,
	Doc: "A let binding, a formal parameter ({ a, b }:) or an @ name is never used. Names starting with _ " +
		"are skipped, and so are the formals of NixOS module functions ({ config, lib, pkgs, ... }:) and of " +
		"a flake's outputs, which the module system and flakes pass by name. The formals of a function that " +
		"also has an @ name are only hinted at: callers may rely on them being accepted. The fix removes an " +
		"unused let binding.",
	Run:     runUnusedBinding,
	PerFile: true,
}

func runUndefinedVariable(p *Pass) {
	for _, file := range sortedFiles(p.Workspace) {
		sc := p.resolve(file)
		for _, id := range sc.Undefined {
			p.Report(Finding{File: file, Pos: id.Pos(), End: id.End(), Severity: SeverityError, Code: CodeUndefinedVariable,
				Message: fmt.Sprintf("undefined variable `%s`", id.Name)})
		}
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
	return func(l *nixast.Lambda) bool {
		if l == root || outputs[l] {
			return true
		}
		if l.Formals != nil {
			for _, fo := range l.Formals.List {
				if fo.Name != nil && moduleArgNames[fo.Name.Name] {
					return true
				}
			}
		}
		return false
	}
}

func runUnusedBinding(p *Pass) {
	for _, file := range sortedFiles(p.Workspace) {
		f := p.Workspace.File(file)
		sc := p.resolve(file)
		byName := passedByName(f)
		for _, d := range sc.defList {
			id, n, owner := d.id, d.n, d.owner
			if n.Def != id || n.uses > 0 || strings.HasPrefix(id.Name, "_") {
				continue
			}
			fd := Finding{File: file, Pos: id.Pos(), End: id.End(), Severity: SeverityWarning, Code: CodeUnusedBinding, Tags: []Tag{TagUnnecessary}}
			switch n.Kind {
			case BindLet:
				fd.Message = fmt.Sprintf("let binding `%s` is never used", id.Name)
				if fx, ok := removeLetBindingFix(p.Workspace, file, owner, id); ok {
					fd.Fixes = append(fd.Fixes, fx)
				}
			case BindFormal:
				l := owner.lambda
				if l == nil || byName(l) {
					continue
				}
				fd.Message = fmt.Sprintf("function argument `%s` is never used", id.Name)
				if l.Param != nil {
					fd.Severity = SeverityHint
					fd.Message += fmt.Sprintf(" (the function also takes it as part of `%s`)", l.Param.Name)
				}
			case BindParam:
				l := owner.lambda
				if l == nil || l.Formals == nil || byName(l) {
					continue // x: … parameters are often unused on purpose
				}
				fd.Message = fmt.Sprintf("`%s` (the whole argument set) is never used", id.Name)
			default:
				continue
			}
			p.Report(fd)
		}
	}
}

// removeLetBindingFix deletes an unused let binding (or its name from an
// inherit with several names).
func removeLetBindingFix(ws *Workspace, file string, owner *scope, id *nixast.Ident) (Fix, bool) {
	if owner == nil || owner.letNode == nil {
		return Fix{}, false
	}
	count := 0
	for _, b := range owner.letNode.Bindings {
		if a, ok := b.(*nixast.AttrAssign); ok && len(a.Path.Names) > 0 && a.Path.Names[0].Ident != nil && a.Path.Names[0].Ident.Name == id.Name {
			count++
		}
	}
	title := fmt.Sprintf("Remove the unused binding `%s`", id.Name)
	switch b := owner.bindings[id].(type) {
	case *nixast.AttrAssign:
		if count != 1 {
			return Fix{}, false
		}
		return Fix{Title: title, Preferred: true, Edits: []TextEdit{deleteRange(ws, file, b.Pos(), b.End())}}, true
	case *nixast.Inherit:
		if len(b.Names) == 1 {
			return Fix{Title: title, Preferred: true, Edits: []TextEdit{deleteRange(ws, file, b.Pos(), b.End())}}, true
		}
		for i, n := range b.Names {
			if n.Ident != id {
				continue
			}
			if i > 0 {
				return Fix{Title: title, Preferred: true, Edits: []TextEdit{{File: file, Pos: b.Names[i-1].End(), End: id.End()}}}, true
			}
			return Fix{Title: title, Preferred: true, Edits: []TextEdit{{File: file, Pos: id.Pos(), End: b.Names[1].Pos()}}}, true
		}
	}
	return Fix{}, false
}
