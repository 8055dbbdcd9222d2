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
	// Wiring says how the system is built (nixosSystem, snowfall, …).
	Wiring string `json:"wiring,omitempty"`
	// Imports is which microvm.nix modules the closure holds: host,
	// guest, both or none, whatever the enable toggles say.
	Imports string `json:"imports,omitempty"`
	// Toggles are the literal microvm.guest.enable / host.enable values.
	Toggles []string `json:"toggles,omitempty"`
	// Unknown lists, as file:line, what could not be followed: why the
	// closure is partial.
	Unknown []string `json:"unknown,omitempty"`
	// Guests are the system's microvm.vms.<name>: "name (source): role".
	Guests []string `json:"guests,omitempty"`
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
		d := RoleDetails{System: s.Name, Role: s.Role, Wiring: s.Wiring, Imports: s.Imports}
		if s.GuestEnable != nil {
			d.Toggles = append(d.Toggles, fmt.Sprintf("microvm.guest.enable = %t", *s.GuestEnable))
		}
		if s.HostEnable != nil {
			d.Toggles = append(d.Toggles, fmt.Sprintf("microvm.host.enable = %t", *s.HostEnable))
		}
		for _, h := range s.UnknownAt {
			d.Unknown = append(d.Unknown, placeOf(ws, h.File, h.Pos))
		}
		for _, g := range s.Guests {
			role := g.Imports
			if role == "" {
				role = "not known"
			}
			d.Guests = append(d.Guests, fmt.Sprintf("%s (%s): %s", g.Name, g.Source, role))
		}
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

// placeOf names a position as file:line (1-based).
func placeOf(ws *Workspace, file string, pos int) string {
	line := 0
	if f := ws.At(file); f != nil {
		line = f.Lines.Line(pos)
	}
	return fmt.Sprintf("%s:%d", file, line+1)
}

// Text renders role details for people.
func (d RoleDetails) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "system %s: %s\n", d.System, d.Role)
	if d.Wiring != "" {
		fmt.Fprintf(&b, "  built by %s; imports microvm.nix modules: %s\n", d.Wiring, d.Imports)
	}
	for _, t := range d.Toggles {
		fmt.Fprintf(&b, "  %s\n", t)
	}
	if len(d.Unknown) > 0 {
		b.WriteString("  closure partial: could not follow\n")
		for _, u := range d.Unknown {
			fmt.Fprintf(&b, "    %s\n", u)
		}
	}
	for _, g := range d.Guests {
		fmt.Fprintf(&b, "  guest %s\n", g)
	}
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
