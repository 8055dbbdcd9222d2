package analysis

import (
	"fmt"
	"strconv"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// HypervisorUnsupported reports features the system's hypervisor does not have.
var HypervisorUnsupported = &Analyzer{
	Name: CodeHypervisorUnsupported,
	Doc: "A MicroVM uses a feature its hypervisor's runner does not support, so evaluating the runner throws: " +
		"a share protocol (cloud-hypervisor, stratovirt, alioth and vfkit have only virtiofs, kvmtool only 9p, " +
		"firecracker no shares; a share without proto is 9p), an interface type, a device bus, forwardPorts " +
		"without qemu and a user interface, a qemu-only option (user, cpu, credentialFiles, tap.vhost), " +
		"balloon, hotplugMem or initialBalloonMem where they are not implemented, vsock.cid on vfkit, " +
		"socket = null on firecracker. The hypervisor is the system's literal microvm.hypervisor, or qemu when " +
		"it is not set; nothing is reported when it is not known.",
	Run: runHypervisorUnsupported,
}

var shareProtos = map[string][]string{
	"qemu": {"9p", "virtiofs"}, "cloud-hypervisor": {"virtiofs"}, "firecracker": {}, "crosvm": {"9p", "virtiofs"},
	"kvmtool": {"9p"}, "stratovirt": {"virtiofs"}, "alioth": {"virtiofs"}, "vfkit": {"virtiofs"},
}

var interfaceTypes = map[string][]string{
	"qemu": {"user", "tap", "macvtap", "bridge"}, "cloud-hypervisor": {"tap", "macvtap"}, "firecracker": {"tap"},
	"crosvm": {"tap", "macvtap"}, "kvmtool": {"user", "tap", "macvtap"}, "stratovirt": {"user", "tap", "macvtap", "bridge"},
	"alioth": {"tap"}, "vfkit": {"user"},
}

var deviceBuses = map[string][]string{
	"qemu": {"pci", "usb"}, "cloud-hypervisor": {"pci"}, "firecracker": {}, "crosvm": {"pci"}, "kvmtool": {"pci"},
	"stratovirt": {"pci", "usb"}, "alioth": {}, "vfkit": {},
}

var (
	noBalloon        = []string{"firecracker", "stratovirt", "alioth", "vfkit"}
	noHotplug        = []string{"firecracker", "crosvm", "kvmtool", "stratovirt", "alioth"}
	noInitialBalloon = []string{"qemu", "crosvm", "kvmtool", "firecracker", "stratovirt", "alioth"}
)

// systemHypervisor returns the hypervisor of a guest system when it is known.
func systemHypervisor(s *System, v *optView) (string, bool) {
	if !s.Has(ModMicrovm) || s.GuestDisabled {
		return "", false
	}
	if l, _, ok := v.single("microvm", "hypervisor"); ok {
		if l.Kind == "string" && contains(Hypervisors, l.S) {
			return l.S, true
		}
		return "", false
	}
	if !v.defined("microvm", "hypervisor") && !s.Unknown {
		return "qemu", true
	}
	return "", false
}

func listText(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return quoteAll(xs)
}

func runHypervisorUnsupported(p *Pass) {
	for _, s := range p.Systems {
		if s.Fork {
			continue // a fork of microvm.nix may accept other values
		}
		v := p.view(s)
		hv, ok := systemHypervisor(s, v)
		if !ok {
			continue
		}
		h := &hvCheck{p: p, s: s, v: v, hv: hv}
		h.shares()
		h.interfaces()
		h.devices()
		h.forwardPorts()
		h.scalars()
	}
}

type hvCheck struct {
	p  *Pass
	s  *System
	v  *optView
	hv string
}

func (h *hvCheck) report(file string, n nixast.Node, what string, fixes ...Fix) {
	msg := fmt.Sprintf("%s: hypervisor %q (system `%s`) does not support it, and evaluating the runner throws", what, h.hv, h.s.Name)
	h.p.Report(Finding{File: file, Pos: n.Pos(), End: n.End(), Severity: SeverityError, Code: CodeHypervisorUnsupported, Message: msg, Fixes: fixes})
}

func (h *hvCheck) shares() {
	items, _ := h.v.items("microvm", "shares")
	ok := shareProtos[h.hv]
	for _, it := range items {
		if len(ok) == 0 {
			h.report(it.File, it.Node, "a share (microvm.shares)")
			continue
		}
		proto := ""
		var at nixast.Node
		if l, d, known := it.attr("proto"); known && l.Kind == "string" {
			proto, at = l.S, d.X
		} else if !it.has("proto") {
			proto = "9p"
		} else {
			continue
		}
		if !contains([]string{"9p", "virtiofs"}, proto) {
			continue
		}
		if !contains(ok, proto) {
			var fixes []Fix
			if len(ok) == 1 {
				title := fmt.Sprintf("Use proto %q", ok[0])
				if at != nil {
					fixes = append(fixes, Fix{Title: title, Edits: []TextEdit{{File: it.File, Pos: at.Pos(), End: at.End(), NewText: strconv.Quote(ok[0])}}})
				} else if ed, done := insertBinding(h.p.Workspace, it.File, it.Set, "proto = "+strconv.Quote(ok[0])+";"); done {
					fixes = append(fixes, Fix{Title: title, Edits: []TextEdit{ed}})
				}
			}
			what := fmt.Sprintf("share protocol %q", proto)
			if at == nil {
				what = "a share without proto (so \"9p\")"
				at = it.Node
			}
			h.report(it.File, at, fmt.Sprintf("%s (supported: %s)", what, listText(ok)), fixes...)
			continue
		}
		if proto == "9p" && (h.hv == "crosvm" || h.hv == "kvmtool") {
			if l, _, known := it.attr("readOnly"); known && l.Kind == "bool" && l.B {
				h.report(it.File, it.Node, "a read-only 9p share")
			}
		}
	}
}

func (h *hvCheck) interfaces() {
	items, _ := h.v.items("microvm", "interfaces")
	for _, it := range items {
		if l, d, known := it.attr("type"); known && l.Kind == "string" && contains(interfaceTypes["qemu"], l.S) && !contains(interfaceTypes[h.hv], l.S) {
			h.report(it.File, d.X, fmt.Sprintf("interface type %q (supported: %s)", l.S, listText(interfaceTypes[h.hv])))
		}
		if h.hv != "qemu" {
			if l, d, known := it.attr("tap", "vhost"); known && l.Kind == "bool" && l.B {
				h.report(it.File, d.X, "tap.vhost (vhost-net) is qemu only")
			}
		}
	}
}

func (h *hvCheck) devices() {
	items, _ := h.v.items("microvm", "devices")
	for _, it := range items {
		if l, d, known := it.attr("bus"); known && l.Kind == "string" && contains([]string{"pci", "usb"}, l.S) && !contains(deviceBuses[h.hv], l.S) {
			h.report(it.File, d.X, fmt.Sprintf("device bus %q (supported: %s)", l.S, listText(deviceBuses[h.hv])))
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
		if h.hv != "qemu" {
			h.report(d.File, d.X, "microvm.forwardPorts works only on qemu with a user interface")
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
			h.p.Report(Finding{File: d.File, Pos: d.X.Pos(), End: d.X.End(), Severity: SeverityError, Code: CodeHypervisorUnsupported,
				Message: fmt.Sprintf("microvm.forwardPorts needs an interface of type \"user\" on qemu, and system `%s` has none: the guest assertion fails", h.s.Name)})
		}
	}
}

func (h *hvCheck) scalars() {
	each := func(path []string, f func(l literal) bool, what string) {
		for _, d := range h.v.get(append([]string{"microvm"}, path...)...) {
			if d.X == nil {
				continue
			}
			if l, ok := literalOf(d.X); ok && f(l) {
				h.report(d.File, d.X, what)
			}
		}
	}
	nonNull := func(l literal) bool { return l.Kind != "null" }
	isTrue := func(l literal) bool { return l.Kind == "bool" && l.B }
	nonZero := func(l literal) bool { return l.Kind == "int" && l.I != 0 }
	if h.hv != "qemu" {
		each([]string{"user"}, nonNull, "microvm.user is qemu only")
		each([]string{"cpu"}, nonNull, "microvm.cpu (CPU emulation) is qemu only")
		for _, d := range h.v.get("microvm", "credentialFiles") {
			if set, ok := d.X.(*nixast.AttrSet); ok && len(set.Bindings) > 0 {
				h.report(d.File, d.X, "microvm.credentialFiles is qemu only")
			}
		}
	}
	if contains(noBalloon, h.hv) {
		each([]string{"balloon"}, isTrue, "microvm.balloon")
	}
	hotplug := contains(noHotplug, h.hv)
	if h.hv == "qemu" {
		if l, _, ok := h.v.single("microvm", "qemu", "machine"); ok && l.Kind == "string" && l.S == "microvm" {
			hotplug = true
		}
	}
	if hotplug {
		what := "memory hotplug"
		if h.hv == "qemu" {
			what = "memory hotplug with qemu machine \"microvm\""
		}
		each([]string{"hotplugMem"}, nonZero, what+" (microvm.hotplugMem)")
		each([]string{"hotpluggedMem"}, nonZero, what+" (microvm.hotpluggedMem)")
	}
	if contains(noInitialBalloon, h.hv) {
		each([]string{"initialBalloonMem"}, nonZero, "a non-zero microvm.initialBalloonMem")
	}
	if h.hv == "vfkit" {
		each([]string{"vsock", "cid"}, nonNull, "microvm.vsock.cid")
	}
	if h.hv == "firecracker" {
		each([]string{"socket"}, func(l literal) bool { return l.Kind == "null" }, "microvm.socket = null (firecracker needs its API socket)")
	}
}
