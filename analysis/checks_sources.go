package analysis

import (
	"fmt"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// PinnedSourceAbsent hints at flake inputs whose pinned source is not in the
// Nix store, so that their options are not known from the source itself.
var PinnedSourceAbsent = &Analyzer{
	Name: CodePinnedSourceAbsent,
	Doc: "The source that flake.lock pins for this input is not in the Nix store (not fetched yet, garbage " +
		"collected, or lazy trees), so its options are read from the index built into microvm-lsp, or not at " +
		"all. `nix flake archive` fetches every pinned input into the store.",
	Codes:    []Code{{Name: CodePinnedSourceAbsent, Short: "The source that flake.lock pins for an input is not in the Nix store."}},
	RunGraph: check(runPinnedSourceAbsent),
}

func runPinnedSourceAbsent(p *GraphPass) {
	if len(p.Workspace.AbsentInputs) == 0 {
		return
	}
	absent := map[string]bool{}
	for _, in := range p.Workspace.AbsentInputs {
		absent[in] = true
	}
	for _, name := range p.graph.idx.named("flake.nix") {
		f := p.Workspace.File(name)
		root, ok := nixast.Unparen(f.Root).(*nixast.AttrSet)
		if !ok {
			continue
		}
		seen := map[string]bool{}
		report := func(input string, at nixast.Node) {
			if !absent[input] || seen[input] {
				return
			}
			seen[input] = true
			p.Report(Finding{File: name, Pos: at.Pos(), End: at.End(), Severity: SeverityHint, Code: CodePinnedSourceAbsent,
				Message: fmt.Sprintf("the source flake.lock pins for input %s is not in the Nix store; run `nix flake archive` so that its options are read from it", input)})
		}
		for _, b := range root.Bindings {
			a, ok := b.(*nixast.AttrAssign)
			if !ok || a.Path == nil {
				continue
			}
			if first, _ := a.Path.FirstName(); first != "inputs" {
				continue
			}
			names, _ := a.Path.StaticNames()
			if len(names) == 0 || names[0] != "inputs" {
				continue
			}
			if len(names) >= 2 {
				report(names[1], a.Path.Names[1])
				continue
			}
			if set, ok := nixast.Unparen(a.Value).(*nixast.AttrSet); ok {
				for _, ib := range set.Bindings {
					if ia, ok := ib.(*nixast.AttrAssign); ok && ia.Path != nil {
						if ns, _ := ia.Path.StaticNames(); len(ns) > 0 {
							report(ns[0], ia.Path.Names[0])
						}
					}
				}
			}
		}
	}
}

// CodePinnedSourceAbsent is the code of PinnedSourceAbsent.
const CodePinnedSourceAbsent = "pinned-source-absent"
