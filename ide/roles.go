package ide

import (
	"fmt"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// RoleLens is the role of one system, shown above its declaration.
type RoleLens struct {
	Range
	Title   string // "microvm: host"
	Details RoleDetails
}

// RoleDetails is what a role lens's command shows: the modules that give a
// system its role and how each was reached.
type RoleDetails struct {
	System  string         `json:"system"`
	Role    string         `json:"role"`
	Modules []RoleModuleAt `json:"modules"`
}

// RoleModuleAt is one microvm module of a system and its import chain.
type RoleModuleAt struct {
	Module string `json:"module"`
	Chain  string `json:"chain"`
	When   string `json:"when,omitempty"`
}

// RoleLenses returns a lens for each system declared in file.
func RoleLenses(ws *Workspace, file string) []RoleLens {
	var out []RoleLens
	for _, s := range ws.Systems {
		if s.File != file || s.Kind == "container" {
			continue
		}
		title := "microvm role: " + s.Role
		if s.Unknown && s.Role != analysis.RoleTextConflict {
			title += " (some modules not followed)"
		}
		d := RoleDetails{System: s.Name, Role: s.Role}
		for _, m := range s.Modules {
			chain := m.Chain
			if m.Implicit {
				chain = "added by the host module to microvm.vms." + s.Name + ".config"
			}
			d.Modules = append(d.Modules, RoleModuleAt{Module: "microvm.nixosModules." + m.Which, Chain: chain, When: m.Cond})
		}
		out = append(out, RoleLens{Range: Range{s.Pos, s.End}, Title: title, Details: d})
	}
	return out
}

// Text renders role details for people.
func (d RoleDetails) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "system %s: %s\n", d.System, d.Role)
	if len(d.Modules) == 0 {
		b.WriteString("  no microvm.nix module is imported\n")
	}
	for _, m := range d.Modules {
		fmt.Fprintf(&b, "  %s via %s", m.Module, m.Chain)
		if m.When != "" {
			fmt.Fprintf(&b, " when %s", m.When)
		}
		b.WriteString("\n")
	}
	return b.String()
}
