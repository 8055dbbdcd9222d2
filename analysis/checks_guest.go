package analysis

import (
	"fmt"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// GuestAssertion reports literal values that fail an assertion or warning of the guest module.
var GuestAssertion = &Analyzer{
	Name: CodeGuestAssertion,
	Doc: "A MicroVM's literal settings fail one of the guest module's assertions (errors) or trigger one of " +
		"its warnings: an interface id, share tag or volume image used twice, an interface id longer than 15 " +
		"characters (Linux IFNAMSIZ), a bridge interface without bridge or bridge set on another type, a " +
		"virtiofs share with socket = null, a reserved vsock CID (0, 1, 2), vsock.ssh.enable without " +
		"vsock.cid; mem below 32 MB and mem = 2048 on qemu (it hangs, #171) are warnings.",
	Codes:    []Code{{Name: CodeGuestAssertion, Short: "A MicroVM's literal settings fail an assertion or warning of microvm.nix's guest module."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runGuestAssertion),
}

func runGuestAssertion(p *GraphPass) {
	for _, s := range p.Systems {
		if s.Fork {
			continue // a fork of microvm.nix may accept other values
		}
		if !s.Has(ModMicrovm) || s.GuestDisabled {
			continue
		}
		v := p.view(s)
		g := &guestCheck{p: p, s: s}
		g.unique(v, "interfaces", "id", "interface id")
		g.unique(v, "shares", "tag", "share tag")
		g.unique(v, "volumes", "image", "volume image")
		g.interfaces(v)
		g.shares(v)
		g.scalars(v)
	}
}

type guestCheck struct {
	p *GraphPass
	s *System
}

func (g *guestCheck) report(file string, n nixast.Node, sev Severity, msg string, rel ...Related) {
	// a module shared by several MicroVMs gets one finding naming them all
	g.p.reportAbout([]string{g.s.Name}, Finding{File: file, Pos: n.Pos(), End: n.End(), Severity: sev, Code: CodeGuestAssertion, Related: rel},
		func(names []string) string { return fmt.Sprintf("%s: %s", systemsNoun("MicroVM", names), msg) })
}

func (g *guestCheck) unique(v *optView, list, attr, what string) {
	items, _ := v.items("microvm", list)
	first := map[string]*optVal{}
	for _, it := range items {
		l, d, ok := it.attr(attr)
		if !ok || l.Kind != "string" || d.X == nil {
			continue
		}
		f, dup := first[l.S]
		if !dup {
			first[l.S] = d
			continue
		}
		g.report(d.File, d.X, SeverityError, fmt.Sprintf("%s %q is used more than once (microvm.%s.*.%s must be unique)", what, l.S, list, attr),
			Related{File: f.File, Pos: f.X.Pos(), End: f.X.End(), Message: "first used here"})
	}
}

func (g *guestCheck) interfaces(v *optView) {
	items, _ := v.items("microvm", "interfaces")
	for _, it := range items {
		if l, d, ok := it.attr("id"); ok && l.Kind == "string" && len(l.S) > 15 {
			g.report(d.File, d.X, SeverityError, fmt.Sprintf("interface id %q is %d characters long; Linux interface names have at most 15", l.S, len(l.S)))
		}
		tl, td, ok := it.attr("type")
		if !ok || tl.Kind != "string" || !contains(v.facts.EnumValues("microvm.interfaces.*.type"), tl.S) {
			continue
		}
		bl, bd, bok := it.attr("bridge")
		switch {
		case tl.S == "bridge" && ((bok && bl.Kind == "null") || (it.Whole && !it.has("bridge"))):
			g.report(td.File, td.X, SeverityError, "an interface of type \"bridge\" needs bridge (the name of the host bridge to attach to)")
		case tl.S != "bridge" && bok && bl.Kind == "string":
			g.report(bd.File, bd.X, SeverityError, fmt.Sprintf("bridge is set on an interface of type %q; only type \"bridge\" interfaces take a bridge", tl.S))
		}
	}
}

func (g *guestCheck) shares(v *optView) {
	items, _ := v.items("microvm", "shares")
	for _, it := range items {
		if l, _, ok := it.attr("proto"); !ok || l.Kind != "string" || l.S != "virtiofs" {
			continue
		}
		if l, d, ok := it.attr("socket"); ok && l.Kind == "null" {
			g.report(d.File, d.X, SeverityError, "a virtiofs share needs a socket for virtiofsd; remove socket = null to use the default")
		}
	}
}

func (g *guestCheck) scalars(v *optView) {
	for _, d := range v.get("microvm", "mem") {
		if l, ok := literalOf(d.X); ok && d.X != nil && l.Kind == "int" && l.I < 32 {
			g.report(d.File, d.X, SeverityWarning, fmt.Sprintf("mem = %d MB is uncomfortably narrow (the guest module warns below 32)", l.I))
		}
	}
	if hv, ok := systemHypervisor(g.s, v); ok && hv == "qemu" {
		for _, d := range v.get("microvm", "mem") {
			if l, ok := literalOf(d.X); ok && d.X != nil && l.Kind == "int" && l.I == 2048 {
				g.report(d.File, d.X, SeverityWarning, "qemu hangs with mem = 2048 (microvm.nix issue #171); use 2047 or 2049")
			}
		}
	}
	for _, d := range v.get("microvm", "vsock", "cid") {
		if l, ok := literalOf(d.X); ok && d.X != nil && l.Kind == "int" && l.I >= 0 && l.I <= 2 {
			g.report(d.File, d.X, SeverityError, fmt.Sprintf("vsock CID %d is reserved (0: hypervisor, 1: loopback, 2: host); use 3 or more", l.I))
		}
	}
	cidSet := v.defined("microvm", "vsock", "cid")
	if l, _, ok := v.single("microvm", "vsock", "cid"); ok && l.Kind == "null" {
		cidSet = false
	}
	if !cidSet {
		for _, d := range v.get("microvm", "vsock", "ssh", "enable") {
			if l, ok := literalOf(d.X); ok && d.X != nil && l.Kind == "bool" && l.B {
				g.report(d.File, d.X, SeverityError, "vsock.ssh.enable needs microvm.vsock.cid to be set")
			}
		}
	}
}
