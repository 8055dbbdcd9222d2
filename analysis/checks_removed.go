package analysis

import (
	"fmt"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// RemovedOption reports definitions of microvm.* options that no longer exist.
var RemovedOption = &Analyzer{
	Name: CodeRemovedOption,
	Doc: "A microvm.* option that microvm.nix has removed is defined (the removed options and what replaced " +
		"them are microvm.nix's history, package microvm). Evaluation fails with \"The option … does not exist\" " +
		"or a removal message. Fixes: balloonMem = <int> becomes balloon = true or false; an option without a " +
		"successor is removed. Options that the pinned nixpkgs, home-manager or nix-darwin removed " +
		"(mkRemovedOptionModule) are reported alike, with the source's message, under the conditions of unknown-option.",
	Codes:    []Code{{Name: CodeRemovedOption, Short: "An option that its source has removed is defined."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runRemovedOption),
}

// DeprecatedModulePath reports imports of the old host module file.
var DeprecatedModulePath = &Analyzer{
	Name: CodeDeprecatedModulePath,
	Doc: "The host module is imported by the path nixos-modules/host.nix, which moved to the directory " +
		"nixos-modules/host in 2024-04; the old file only forwards and warns. The fix rewrites the path.",
	Codes:    []Code{{Name: CodeDeprecatedModulePath, Short: "The host module is imported by its old path, nixos-modules/host.nix."}},
	RunGraph: check(runDeprecatedModulePath),
}

// isRemovedOption reports whether path is, or is below, a removed option.
func isRemovedOption(path []string) bool { return microvm.RemovalOf(path) != nil }

// removalText says when an option was removed and what replaces it.
func removalText(r *microvm.Removal) string {
	t := "was removed in " + r.When + " (" + r.Commit + ")"
	if r.Advice != "" {
		t += "; " + r.Advice
	}
	return t
}

func runRemovedOption(p *GraphPass) {
	runRemovedOptionSets(p)
	for _, s := range p.Systems {
		if s.Fork {
			continue // a fork of microvm.nix may keep the option
		}
		v := p.view(s)
		for _, d := range v.vals {
			if d.Binding == nil {
				continue
			}
			for _, r := range microvm.Removals() {
				if !pathHasPrefix(d.Path, r.Path) || d.Base >= len(r.Path) {
					continue
				}
				msg := fmt.Sprintf("microvm option `%s` %s", strings.Join(r.Path[1:], "."), removalText(r))
				f := Finding{File: d.File, Pos: d.Binding.Path.Pos(), End: d.Binding.Path.End(), Severity: SeverityWarning,
					Code: CodeRemovedOption, Message: msg, Tags: []Tag{TagDeprecated}}
				switch {
				case r.Removable:
					f.Fixes = append(f.Fixes, Fix{Title: "Remove the definition of " + optPath(r.Path...),
						Edits: []TextEdit{deleteRange(p.Workspace, d.File, d.Binding.Pos(), d.Binding.End())}})
				case r.Name() == "microvm.balloonMem" && v.facts.Option("microvm.balloon") != nil:
					// a balloon size becomes the switch that replaced it
					if l, ok := literalOf(d.X); ok && l.Kind == "int" && len(d.Path) == len(r.Path) {
						last := d.Binding.Path.Names[len(d.Binding.Path.Names)-1]
						val := "true"
						if l.I == 0 {
							val = "false"
						}
						f.Fixes = append(f.Fixes, Fix{Title: "Replace with balloon = " + val, Preferred: true, Edits: []TextEdit{
							{File: d.File, Pos: last.Pos(), End: last.End(), NewText: "balloon"},
							{File: d.File, Pos: d.X.Pos(), End: d.X.End(), NewText: val},
						}})
					}
				}
				p.Report(f)
			}
		}
	}
}

var oldHostPath = strings.TrimPrefix(microvm.DeprecatedHostPath, "/")

func runDeprecatedModulePath(p *GraphPass) {
	for _, s := range p.Systems {
		for _, e := range s.Elems {
			if e.Which != ModHost || e.Implicit || e.Node == nil {
				continue
			}
			var part *nixast.TextPart
			nixast.Inspect(e.Node, func(n nixast.Node) bool {
				if tp, ok := n.(*nixast.TextPart); ok && strings.HasSuffix(strings.TrimRight(tp.Value, "/"), oldHostPath) {
					part = tp
				}
				return part == nil
			})
			if part == nil {
				continue
			}
			msg := fmt.Sprintf("the host module moved from %s to the directory %s (%s); the old path only forwards and warns",
				oldHostPath, strings.TrimPrefix(microvm.ModulePath(ModHost), "/"), microvm.DeprecatedHostPathSince)
			f := Finding{File: e.File, Pos: e.Pos, End: e.End, Severity: SeverityWarning, Code: CodeDeprecatedModulePath, Message: msg, Tags: []Tag{TagDeprecated}}
			if i := strings.LastIndex(p.text(e.File, part.Pos(), part.End()), oldHostPath); i >= 0 {
				at := part.Pos() + i + len(oldHostPath) - len("host.nix")
				f.Fixes = append(f.Fixes, Fix{Title: "Import nixos-modules/host", Preferred: true,
					Edits: []TextEdit{{File: e.File, Pos: at, End: at + len("host.nix"), NewText: "host"}}})
			}
			p.Report(f)
		}
	}
}
