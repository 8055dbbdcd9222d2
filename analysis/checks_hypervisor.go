package analysis

import (
	"fmt"
	"strconv"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// HypervisorUnsupported reports features the system's hypervisor does not have.
var HypervisorUnsupported = &Analyzer{
	Name: CodeHypervisorUnsupported,
	Doc: "A MicroVM uses a feature its hypervisor's runner does not support (the runner throws, an error) or " +
		"never reads (a warning: the setting has no effect): a share protocol (a share without proto is 9p), " +
		"an interface type, a device bus, forwardPorts, balloon, memory hotplug, initialBalloonMem, user, cpu, " +
		"credentialFiles, tap.vhost, vsock.cid, socket = null. What each runner supports is microvm.nix's " +
		"capability matrix (package microvm, read from lib/runners/<name>.nix). The hypervisor is the " +
		"system's literal microvm.hypervisor (or the value the module graph's evaluator computes for it), or qemu " +
		"when it is not set; nothing is reported when it is not known.",
	Codes:    []Code{{Name: CodeHypervisorUnsupported, Short: "A MicroVM uses a feature that its hypervisor's runner does not support or ignores."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runHypervisorUnsupported),
}

// systemHypervisor returns the hypervisor of a guest system when it is known.
func systemHypervisor(s *System, v *optView) (string, bool) {
	if !s.Has(ModMicrovm) || s.GuestDisabled {
		return "", false
	}
	if l, _, ok := v.single("microvm", "hypervisor"); ok {
		if l.Kind == "string" && contains(v.facts.Hypervisors(), l.S) {
			return l.S, true
		}
		return "", false
	}
	if !v.defined("microvm", "hypervisor") && !s.Unknown {
		return v.facts.DefaultString("microvm.hypervisor")
	}
	return "", false
}

func listText(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return quoteAll(xs)
}

func runHypervisorUnsupported(p *GraphPass) {
	for _, s := range p.Systems {
		if s.Fork {
			continue // a fork of microvm.nix may accept other values
		}
		v := p.view(s)
		hv, ok := systemHypervisor(s, v)
		if !ok {
			continue
		}
		r, ok := microvm.RunnerOf(hv)
		if !ok {
			continue // a hypervisor of a newer microvm.nix than the matrix
		}
		h := &hvCheck{p: p, s: s, v: v, r: r}
		h.shares()
		h.interfaces()
		h.devices()
		h.forwardPorts()
		h.scalars()
	}
}

type hvCheck struct {
	p *GraphPass
	s *System
	v *optView
	r *microvm.Runner
}

// report reports a feature the runner throws on (an error) or ignores (a
// warning), once for every system that shares the place.
func (h *hvCheck) report(file string, n nixast.Node, what string, sup microvm.Support, fixes ...Fix) {
	sev := SeverityError
	if sup == microvm.Ignored {
		sev = SeverityWarning
	}
	h.p.reportAbout([]string{h.s.Name}, Finding{File: file, Pos: n.Pos(), End: n.End(), Severity: sev, Code: CodeHypervisorUnsupported, Fixes: fixes},
		func(names []string) string {
			msg := fmt.Sprintf("%s: hypervisor %q (%s) does not support it, and evaluating the runner throws", what, h.r.Hypervisor, systemsNoun("system", names))
			if sup == microvm.Ignored {
				msg = fmt.Sprintf("%s: the runner of hypervisor %q (%s) ignores it, so it has no effect", what, h.r.Hypervisor, systemsNoun("system", names))
			}
			return msg + " (" + h.r.File + ")"
		})
}

// check reports n when the runner does not support the feature.
func (h *hvCheck) check(f microvm.Feature, file string, n nixast.Node, what string) {
	if sup := h.r.SupportOf(f); sup != microvm.Supported {
		h.report(file, n, what, sup)
	}
}

func (h *hvCheck) shares() {
	items, _ := h.v.items("microvm", "shares")
	supported := h.r.Shares
	protos := h.v.facts.EnumValues("microvm.shares.*.proto")
	for _, it := range items {
		if len(supported) == 0 {
			h.report(it.File, it.Node, "a share (microvm.shares)", microvm.Unsupported)
			continue
		}
		proto, ok := "", false
		var at nixast.Node
		if l, d, known := it.attr("proto"); known && l.Kind == "string" {
			proto, at = l.S, d.X
		} else if !it.has("proto") {
			if proto, ok = h.v.facts.DefaultString("microvm.shares.*.proto"); !ok {
				continue
			}
		} else {
			continue
		}
		if !contains(protos, proto) {
			continue
		}
		if !contains(supported, proto) {
			var fixes []Fix
			if len(supported) == 1 {
				title := fmt.Sprintf("Use proto %q", supported[0])
				if at != nil {
					fixes = append(fixes, Fix{Title: title, Edits: []TextEdit{{File: it.File, Pos: at.Pos(), End: at.End(), NewText: strconv.Quote(supported[0])}}})
				} else if ed, done := insertBinding(h.p.Workspace, it.File, it.Set, "proto = "+strconv.Quote(supported[0])+";"); done {
					fixes = append(fixes, Fix{Title: title, Edits: []TextEdit{ed}})
				}
			}
			what := fmt.Sprintf("share protocol %q", proto)
			if at == nil {
				what = fmt.Sprintf("a share without proto (so %q)", proto)
				at = it.Node
			}
			h.report(it.File, at, fmt.Sprintf("%s (supported: %s)", what, listText(supported)), microvm.Unsupported, fixes...)
			continue
		}
		if proto == "9p" {
			if l, _, known := it.attr("readOnly"); known && l.Kind == "bool" && l.B {
				h.check(microvm.FeatReadOnly9p, it.File, it.Node, "a read-only 9p share")
			}
		}
	}
}

func (h *hvCheck) interfaces() {
	items, _ := h.v.items("microvm", "interfaces")
	types := h.v.facts.EnumValues("microvm.interfaces.*.type")
	for _, it := range items {
		if l, d, known := it.attr("type"); known && l.Kind == "string" && contains(types, l.S) {
			if sup := h.r.SupportOf(microvm.Interface(l.S)); sup != microvm.Supported {
				h.report(it.File, d.X, fmt.Sprintf("interface type %q (supported: %s)", l.S, listText(h.r.Interfaces)), sup)
			}
		}
		if l, d, known := it.attr("tap", "vhost"); known && l.Kind == "bool" && l.B {
			h.check(microvm.FeatTapVhost, it.File, d.X, "tap.vhost (vhost-net)")
		}
	}
}

func (h *hvCheck) devices() {
	items, _ := h.v.items("microvm", "devices")
	buses := h.v.facts.EnumValues("microvm.devices.*.bus")
	for _, it := range items {
		if l, d, known := it.attr("bus"); known && l.Kind == "string" && contains(buses, l.S) {
			if sup := h.r.SupportOf(microvm.Bus(l.S)); sup != microvm.Supported {
				h.report(it.File, d.X, fmt.Sprintf("device bus %q (supported: %s)", l.S, listText(h.r.Buses)), sup)
			}
		}
	}
}

func emptyList(x nixast.Expr) bool {
	l, ok := nixast.Unparen(x).(*nixast.List)
	return ok && len(l.Elems) == 0
}

func (h *hvCheck) forwardPorts() {
	for _, d := range h.v.get("microvm", "forwardPorts") {
		if d.X == nil || emptyList(d.X) {
			continue
		}
		if h.r.SupportOf(microvm.FeatForwardPorts) != microvm.Supported {
			// the guest module's assertion, whatever the runner does
			h.report(d.File, d.X, "microvm.forwardPorts works only on qemu with a user interface", microvm.Unsupported)
			continue
		}
		items, complete := h.v.items("microvm", "interfaces")
		if !complete {
			continue
		}
		user := false
		for _, it := range items {
			l, _, known := it.attr("type")
			if !known || it.Cond {
				user = true // not known: no finding
				break
			}
			if l.Kind == "string" && l.S == "user" {
				user = true
			}
		}
		if !user {
			h.p.reportAbout([]string{h.s.Name}, Finding{File: d.File, Pos: d.X.Pos(), End: d.X.End(), Severity: SeverityError, Code: CodeHypervisorUnsupported},
				func(names []string) string {
					return fmt.Sprintf("microvm.forwardPorts needs an interface of type \"user\" on %s, but %s has none: the guest assertion fails", h.r.Hypervisor, systemsNoun("system", names))
				})
		}
	}
}

func (h *hvCheck) scalars() {
	each := func(path []string, f func(l literal) bool, feat microvm.Feature, what string) {
		sup := h.r.SupportOf(feat)
		if sup == microvm.Supported {
			return
		}
		for _, d := range h.v.get(append([]string{"microvm"}, path...)...) {
			if d.X == nil {
				continue
			}
			if l, ok := literalOf(d.X); ok && f(l) {
				h.report(d.File, d.X, what, sup)
			}
		}
	}
	nonNull := func(l literal) bool { return l.Kind != "null" }
	isTrue := func(l literal) bool { return l.Kind == "bool" && l.B }
	nonZero := func(l literal) bool { return l.Kind == "int" && l.I != 0 }
	isNull := func(l literal) bool { return l.Kind == "null" }
	each([]string{"user"}, nonNull, microvm.FeatUser, "microvm.user")
	each([]string{"cpu"}, nonNull, microvm.FeatCPU, "microvm.cpu (CPU emulation)")
	if sup := h.r.SupportOf(microvm.FeatCredentialFiles); sup != microvm.Supported {
		for _, d := range h.v.get("microvm", "credentialFiles") {
			if set, ok := d.X.(*nixast.AttrSet); ok && len(set.Bindings) > 0 {
				h.report(d.File, d.X, "microvm.credentialFiles", sup)
			}
		}
	}
	each([]string{"balloon"}, isTrue, microvm.FeatBalloon, "microvm.balloon")
	what := "memory hotplug"
	if h.r.SupportOf(microvm.FeatHotplug) == microvm.Supported && h.r.Hypervisor == "qemu" {
		// qemu's machine "microvm" has no virtio-mem (a condition of the runner)
		if l, _, ok := h.v.single("microvm", "qemu", "machine"); ok && l.Kind == "string" && l.S == "microvm" {
			for _, p := range [][]string{{"hotplugMem"}, {"hotpluggedMem"}} {
				for _, d := range h.v.get(append([]string{"microvm"}, p...)...) {
					if l, ok := literalOf(d.X); ok && d.X != nil && nonZero(l) {
						h.report(d.File, d.X, "memory hotplug with qemu machine \"microvm\" (microvm."+p[0]+")", microvm.Unsupported)
					}
				}
			}
		}
	}
	each([]string{"hotplugMem"}, nonZero, microvm.FeatHotplug, what+" (microvm.hotplugMem)")
	each([]string{"hotpluggedMem"}, nonZero, microvm.FeatHotplug, what+" (microvm.hotpluggedMem)")
	each([]string{"initialBalloonMem"}, nonZero, microvm.FeatInitialBalloon, "a non-zero microvm.initialBalloonMem")
	each([]string{"vsock", "cid"}, nonNull, microvm.FeatVsock, "microvm.vsock.cid")
	if h.r.SupportOf(microvm.FeatNoSocket) == microvm.Unsupported {
		each([]string{"socket"}, isNull, microvm.FeatNoSocket, "microvm.socket = null ("+h.r.Hypervisor+" needs its API socket)")
	}
}
