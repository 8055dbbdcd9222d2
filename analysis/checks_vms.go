package analysis

import (
	"fmt"
	"sort"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// VMConfigAndFlake reports declarative VMs that set config together with flake or updateFlake.
var VMConfigAndFlake = &Analyzer{
	Name: CodeVMConfigAndFlake,
	Doc: "microvm.vms.<name> sets config (a fully declarative VM) together with flake or updateFlake. The host " +
		"module asserts against both: \"Fully-declarative VMs cannot also set a flake!\" and \"… cannot set a " +
		"updateFlake!\". Keep config, or remove it and keep flake.",
	Codes:    []Code{{Name: CodeVMConfigAndFlake, Short: "A declarative MicroVM sets config together with flake or updateFlake."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runVMConfigAndFlake),
}

// VMWithoutSource reports declarative VMs that have nothing to run.
var VMWithoutSource = &Analyzer{
	Name: CodeVMWithoutSource,
	Doc: "A literal microvm.vms.<name> attribute set, whose attributes are all known, sets none of config, " +
		"flake and evaluatedConfig. The host module then reads null.config and evaluation fails. Add config " +
		"(a NixOS module for the VM) or flake (a flake with nixosConfigurations.<name>).",
	Codes:    []Code{{Name: CodeVMWithoutSource, Short: "A declarative MicroVM sets none of config, flake and evaluatedConfig."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runVMWithoutSource),
}

// vmNames returns the names of the VMs a view defines, sorted.
func vmNames(v *optView) []string {
	var seen map[string]bool // made for the first VM: most systems define none
	var out []string
	for _, d := range v.vals {
		if len(d.Path) >= 3 && d.Path[0] == "microvm" && d.Path[1] == "vms" && !seen[d.Path[2]] {
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[d.Path[2]] = true
			out = append(out, d.Path[2])
		}
	}
	sort.Strings(out)
	return out
}

// setNonNull returns the definitions of path whose value may be non-null.
func setNonNull(v *optView, path ...string) []*optVal {
	var out []*optVal
	for _, d := range v.get(path...) {
		if l, ok := literalOf(d.X); ok && d.X != nil && l.Kind == "null" {
			continue
		}
		out = append(out, d)
	}
	return out
}

// attrAnchor is the range naming a definition: its binding's attribute
// path, or the inherited name.
func attrAnchor(d *optVal) (int, int) {
	if d.Binding != nil {
		return d.Binding.Path.Pos(), d.Binding.Path.End()
	}
	if d.Inherit != nil {
		for _, n := range d.Inherit.Names {
			if s, _ := n.StaticName(); s == d.Path[len(d.Path)-1] {
				return n.Pos(), n.End()
			}
		}
		return d.Inherit.Pos(), d.Inherit.End()
	}
	return 0, 0
}

func runVMConfigAndFlake(p *GraphPass) {
	for _, s := range p.Systems {
		v := p.view(s)
		for _, n := range vmNames(v) {
			configs := setNonNull(v, "microvm", "vms", n, "config")
			if len(configs) == 0 {
				continue
			}
			for _, attr := range []string{"flake", "updateFlake"} {
				for _, d := range setNonNull(v, "microvm", "vms", n, attr) {
					pos, end := attrAnchor(d)
					msg := fmt.Sprintf("microvm.vms.%s sets both config and %s: the host module asserts that a fully declarative VM cannot also set %s", n, attr, attr)
					f := Finding{File: d.File, Pos: pos, End: end, Severity: SeverityError, Code: CodeVMConfigAndFlake, Message: msg}
					if c := configs[0]; c.Binding != nil {
						f.Related = append(f.Related, Related{File: c.File, Pos: c.Binding.Path.Pos(), End: c.Binding.Path.End(), Message: "config is set here"})
					}
					if d.Binding != nil && len(d.Path) == d.Base+len(d.Binding.Path.Names) {
						f.Fixes = append(f.Fixes, Fix{Title: "Remove " + attr, Edits: []TextEdit{deleteRange(p.Workspace, d.File, d.Binding.Pos(), d.Binding.End())}})
					}
					p.Report(f)
				}
			}
		}
	}
}

func runVMWithoutSource(p *GraphPass) {
	for _, s := range p.Systems {
		v := p.view(s)
		for _, n := range vmNames(v) {
			path := []string{"microvm", "vms", n}
			if v.hidden(path...) {
				continue
			}
			known := true
			var first *optVal
			for _, d := range v.underVM(n) {
				if first == nil && d.Binding != nil {
					first = d
				}
				if d.Binding == nil && d.Inherit == nil {
					known = false // a dynamic attribute name
				}
				if len(d.Path) == len(path) {
					if _, ok := d.X.(*nixast.AttrSet); !ok {
						known = false
					}
				}
			}
			if !known || first == nil {
				continue
			}
			if setsSource(v, n) {
				continue
			}
			for _, d := range v.get(path...) {
				if d.Binding != nil {
					first = d
					break
				}
			}
			msg := fmt.Sprintf("microvm.vms.%s sets none of config, flake and evaluatedConfig: the host module would read null.config; add config (the VM's NixOS module) or flake", n)
			p.Report(Finding{File: first.File, Pos: first.Binding.Path.Pos(), End: first.Binding.Path.End(), Severity: SeverityError, Code: CodeVMWithoutSource, Message: msg})
		}
	}
}

// setsSource reports whether microvm.vms.<name> gets config, flake or
// evaluatedConfig: a definition of the attribute itself (not null), or of
// anything below it (`config.imports = [ … ]` sets config).
func setsSource(v *optView, name string) bool {
	for _, attr := range []string{"config", "flake", "evaluatedConfig"} {
		if len(setNonNull(v, "microvm", "vms", name, attr)) > 0 {
			return true
		}
	}
	for _, d := range v.underVM(name) {
		if len(d.Path) > 4 {
			switch d.Path[3] {
			case "config", "flake", "evaluatedConfig":
				return true
			}
		}
	}
	return false
}
