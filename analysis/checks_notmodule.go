package analysis

import (
	"fmt"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// NotAModule reports module list elements whose value cannot be a module.
var NotAModule = &Analyzer{
	Name: CodeNotAModule,
	Doc: "An element of a system's modules (or of an imports list) is a value the module system cannot take as " +
		"a module: the microvm.nix flake itself (microvm rather than microvm.nixosModules.microvm), a list (module " +
		"lists do not nest), a number or a relative path written as a string. Evaluation fails on it.",
	Run: runNotAModule,
}

// notModule tells what a module element (its value, and the expression
// written) is when it cannot be a module, "" otherwise (or when it is not
// known).
func notModule(v Value, x nixast.Expr) string {
	switch nixast.Unparen(x).(type) {
	case *nixast.IntLit, *nixast.FloatLit:
		return "a number"
	}
	switch v := v.(type) {
	case *flakeV:
		return "the microvm.nix flake itself"
	case *listV:
		return "a list (module lists do not nest)"
	case *strV:
		if v.S != "" && !strings.ContainsRune(v.S, 0) && !strings.HasPrefix(v.S, "/") {
			return "a string that is no absolute path"
		}
	}
	return ""
}

func runNotAModule(p *Pass) {
	for _, s := range p.Systems {
		for _, e := range s.Elems {
			if e.NotModule == "" || e.Implicit {
				continue
			}
			text := p.text(e.File, e.Pos, e.End)
			msg := fmt.Sprintf("`%s` is %s, not a NixOS module: system `%s` fails to evaluate", text, e.NotModule, s.Name)
			if strings.HasPrefix(e.NotModule, "the microvm.nix flake") {
				msg += "; " + flakeIntent(p.Workspace.Microvm.OrEmbedded(), s, text)
			}
			p.Report(Finding{File: e.File, Pos: e.Pos, End: e.End, Severity: SeverityError, Code: CodeNotAModule, Message: msg})
		}
	}
}

// flakeIntent names the module that a system which lists the flake itself
// most likely means, from the microvm options it sets.
func flakeIntent(facts *microvm.Facts, s *System, text string) string {
	guest, host := false, false
	for _, d := range s.Defs {
		if len(d.Path) < 2 {
			continue
		}
		if hostOption(facts, d.Path[1]) {
			host = true
		} else if !isRemovedOption(d.Path) {
			guest = true
		}
	}
	switch {
	case guest && !host:
		return fmt.Sprintf("did you mean %s.nixosModules.microvm? (the system sets guest options)", text)
	case host && !guest:
		return fmt.Sprintf("did you mean %s.nixosModules.host? (the system sets host options)", text)
	}
	return fmt.Sprintf("did you mean %s.nixosModules.host (a host) or %s.nixosModules.microvm (a guest)?", text, text)
}
