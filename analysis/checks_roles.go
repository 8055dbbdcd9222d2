package analysis

import (
	"fmt"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
)

// The role checks. A module that several systems share holds one finding
// for all of them: the findings are grouped by the place they are about,
// name every affected system once, and their fixes are computed for the
// whole group (fixes.go).

// quoteNames writes names as "`a`", "`a` and `b`", "`a`, `b` and `c`".
func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// systemsNoun is "system `a`" or "systems `a` and `b`" (noun "MicroVM": "MicroVMs").
func systemsNoun(noun string, names []string) string {
	if len(names) == 1 {
		return noun + " " + quoteNames(names)
	}
	return noun + "s " + quoteNames(names)
}

// namesOf returns the names of systems, each once, in order.
func namesOf(systems []*System) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range systems {
		if !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s.Name)
		}
	}
	return out
}

// reportAbout reports a finding about the named systems. render writes the
// message for a list of system names; a finding with the same code, range
// and message from another system is merged into the first: it names both,
// and its related places are added once.
func (p *GraphPass) reportAbout(names []string, f Finding, render func(names []string) string) {
	key := fmt.Sprintf("%s|%s|%d|%d|%s", f.Code, f.File, f.Pos, f.End, render([]string{"\x00"}))
	if p.about == nil {
		p.about = map[string]int{}
	}
	if i, ok := p.about[key]; ok {
		old := &p.findings[i]
		for _, n := range names {
			if !contains(old.Systems, n) {
				old.Systems = append(old.Systems, n)
			}
		}
		old.Message = render(old.Systems)
		old.Related = addRelated(old.Related, f.Related...)
		return
	}
	f.Systems = append([]string(nil), names...)
	f.Message = render(f.Systems)
	f.Related = addRelated(nil, f.Related...)
	p.about[key] = len(p.findings)
	p.findings = append(p.findings, withPreferred(f))
}

// addRelated appends the related places not yet in list.
func addRelated(list []Related, add ...Related) []Related {
	for _, r := range add {
		dup := false
		for _, o := range list {
			if o == r {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, r)
		}
	}
	return list
}

// elemKey is the place of a module element.
func elemKey(e *ModElem) placeKey { return placeKey{e.File, e.Pos, e.End} }

// conflictGroup is one guest-module element that conflicts in one or more systems.
type conflictGroup struct {
	systems []*System
	elems   []*ModElem // the element as each system reached it
}

func runRoleConflict(p *GraphPass) {
	var order []placeKey
	groups := map[placeKey]*conflictGroup{}
	for _, s := range p.Systems {
		if s.Kind == "vm" || s.GuestDisabled || s.Unknown || !s.Has(ModHost) || nestedMicroVM(s) || hostMayBeDisabled(p.view(s)) {
			continue
		}
		for _, e := range s.Elems {
			if e.Which != ModMicrovm || e.Implicit {
				continue
			}
			k := elemKey(e)
			g := groups[k]
			if g == nil {
				g = &conflictGroup{}
				groups[k] = g
				order = append(order, k)
			}
			if len(g.systems) == 0 || g.systems[len(g.systems)-1] != s {
				g.systems = append(g.systems, s)
				g.elems = append(g.elems, e)
			}
		}
	}
	for _, k := range order {
		g := groups[k]
		p.reportConflict(g)
	}
}

// hostMayBeDisabled reports whether some module sets microvm.host.enable
// to anything but a literal true (false, under a condition or not): the
// system then declares the host options to be a guest, as the guest module
// with guest.enable = false is a host.
func hostMayBeDisabled(v *optView) bool {
	if v == nil {
		return false
	}
	for _, d := range v.get("microvm", "host", "enable") {
		if l, ok := literalOf(d.X); d.X == nil || !ok || l.Kind != "bool" || !l.B {
			return true
		}
	}
	return false
}

// nestedMicroVM reports whether s configures itself as a MicroVM (it sets
// the hypervisor, memory, vCPUs, interfaces, shares or volumes of its own
// VM) and nothing looks like real hardware: a MicroVM that runs MicroVMs
// imports both modules on purpose, and setting guest.enable = false would
// stop it being one.
func nestedMicroVM(s *System) bool {
	if s.BareMetal {
		return false
	}
	for _, d := range s.Defs {
		if len(d.Path) >= 2 && d.Path[0] == "microvm" && microvm.DescribesVM(d.Path[1]) {
			return true
		}
	}
	return false
}

func (p *GraphPass) reportConflict(g *conflictGroup) {
	e, s := g.elems[0], g.systems[0]
	bare, allBare := false, true
	for _, s := range g.systems {
		bare = bare || s.BareMetal
		allBare = allBare && s.BareMetal
	}
	sev := SeverityWarning
	if bare {
		sev = SeverityError
	}
	names := namesOf(g.systems)
	var msg string
	if len(names) == 1 {
		host := s.firstElem(ModHost)
		hostVia := host.Via.With(Hop{File: host.File, Pos: host.Pos, End: host.End})
		msg = fmt.Sprintf("%s is imported into system `%s`", modName(ModMicrovm), s.Name)
		if e.Via.Len() > 0 {
			msg += fmt.Sprintf(" (via %s)", p.chain(e.Via))
		}
		if e.Cond != "" {
			msg += fmt.Sprintf(" when %s", e.Cond)
		}
		msg += fmt.Sprintf(", which also imports %s (via %s): ", modName(ModHost), p.chain(hostVia))
	} else {
		msg = fmt.Sprintf("%s is imported into systems %s", modName(ModMicrovm), quoteNames(names))
		if e.Cond != "" {
			msg += fmt.Sprintf(" when %s", e.Cond)
		}
		msg += fmt.Sprintf(", which also import %s: ", modName(ModHost))
	}
	switch {
	case allBare && len(names) == 1:
		msg += "this system would lose switch-to-configuration (system.switch.enable = false), grub and the nix-daemon"
	case allBare:
		msg += "these systems would lose switch-to-configuration (system.switch.enable = false), grub and the nix-daemon"
	default:
		msg += "unless a system is itself a MicroVM, it would lose switch-to-configuration (system.switch.enable = false), grub and the nix-daemon; set microvm.guest.enable = false if both are intended"
		if len(names) == 1 {
			msg = strings.Replace(msg, "unless a system is itself", "unless this system is itself", 1)
		}
	}
	f := Finding{File: e.File, Pos: e.Pos, End: e.End, Severity: sev, Code: CodeRoleConflict, Message: msg, Systems: names}
	for i, s := range g.systems {
		host := s.firstElem(ModHost)
		hm := "the host module is imported here"
		if len(names) > 1 {
			hm += " (" + systemsNoun("system", hostReaders(g, host)) + ")"
		}
		f.Related = addRelated(f.Related, Related{File: host.File, Pos: host.Pos, End: host.End, Message: hm})
		for _, h := range g.elems[i].Via.Slice() {
			f.Related = addRelated(f.Related, Related{File: h.File, Pos: h.Pos, End: h.End, Message: "the guest module is brought in through here"})
		}
	}
	for _, s := range g.systems {
		for _, h := range s.firstElem(ModHost).Via.Slice() {
			f.Related = addRelated(f.Related, Related{File: h.File, Pos: h.Pos, End: h.End, Message: "the host module is brought in through here"})
		}
	}
	f.Fixes = roleConflictFixes(p, g)
	p.Report(f)
}

// hostReaders names the systems of g whose first host element is host's place.
func hostReaders(g *conflictGroup, host *ModElem) []string {
	var out []*System
	for _, s := range g.systems {
		if h := s.firstElem(ModHost); h != nil && elemKey(h) == elemKey(host) {
			out = append(out, s)
		}
	}
	return namesOf(out)
}

// defGroup is one binding that is a finding in one or more systems.
type defGroup struct {
	systems []*System
	def     *OptDef
}

// groupDefs groups the definitions bad reports by their binding, in order.
func groupDefs(p *GraphPass, bad func(s *System, d *OptDef) bool) []*defGroup {
	var out []*defGroup
	by := map[placeKey]*defGroup{}
	for _, s := range p.Systems {
		for _, d := range s.Defs {
			if !bad(s, d) {
				continue
			}
			k := placeKey{d.File, d.Pos, d.End}
			g := by[k]
			if g == nil {
				g = &defGroup{def: d}
				by[k] = g
				out = append(out, g)
			}
			if len(g.systems) == 0 || g.systems[len(g.systems)-1] != s {
				g.systems = append(g.systems, s)
			}
		}
	}
	return out
}

func runGuestOption(p *GraphPass) {
	groups := groupDefs(p, func(s *System, d *OptDef) bool {
		return !s.Unknown && !s.Has(ModMicrovm) && !s.Has(ModOptions) && !hostOption(p.facts(s), d.Path[1]) && !isRemovedOption(d.Path)
	})
	for _, g := range groups {
		d := g.def
		names := namesOf(g.systems)
		verb := "imports"
		if len(names) > 1 {
			verb = "import"
		}
		msg := fmt.Sprintf("`%s` is a MicroVM guest option, but %s %s neither %s nor %s, which declare it",
			strings.Join(d.Path, "."), systemsNoun("system", names), verb, modName(ModMicrovm), modName(ModOptions))
		f := Finding{File: d.File, Pos: d.Pos, End: d.End, Severity: SeverityError, Code: CodeGuestOption, Message: msg, Systems: names}
		f.Fixes = definitionFixes(p, g, func(s *System) *ModElem { return s.firstElem(ModHost) }, ModOptions)
		p.Report(f)
	}
}

func runHostOption(p *GraphPass) {
	groups := groupDefs(p, func(s *System, d *OptDef) bool {
		return !s.Unknown && !s.Has(ModHost) && hostOption(p.facts(s), d.Path[1])
	})
	for _, g := range groups {
		d := g.def
		names := namesOf(g.systems)
		verb := "does"
		if len(names) > 1 {
			verb = "do"
		}
		msg := fmt.Sprintf("`%s` is a MicroVM host option, but %s %s not import %s, which declares it",
			strings.Join(d.Path, "."), systemsNoun("system", names), verb, modName(ModHost))
		f := Finding{File: d.File, Pos: d.Pos, End: d.End, Severity: SeverityError, Code: CodeHostOption, Message: msg, Systems: names}
		// importing the host next to the guest module would make a role conflict
		f.Fixes = definitionFixes(p, g, func(s *System) *ModElem {
			if s.Has(ModMicrovm) {
				return nil
			}
			for _, e := range s.Elems {
				if e.Which == ModOptions && !e.Implicit {
					return e
				}
			}
			return nil
		}, ModHost)
		p.Report(f)
	}
}

func runRedundant(p *GraphPass) {
	var order []placeKey
	groups := map[placeKey]*conflictGroup{}
	for _, s := range p.Systems {
		if s.Kind != "vm" {
			continue
		}
		for _, e := range s.Elems {
			if e.Which != ModMicrovm || e.Implicit {
				continue
			}
			k := elemKey(e)
			g := groups[k]
			if g == nil {
				g = &conflictGroup{}
				groups[k] = g
				order = append(order, k)
			}
			g.systems = append(g.systems, s)
			g.elems = append(g.elems, e)
		}
	}
	for _, k := range order {
		g := groups[k]
		e := g.elems[0]
		names := namesOf(g.systems)
		msg := fmt.Sprintf("%s is already added to the declarative %s by the host module; this import is redundant", modName(ModMicrovm), systemsNoun("MicroVM", names))
		f := Finding{File: e.File, Pos: e.Pos, End: e.End, Severity: SeverityHint, Code: CodeRedundantGuestImport, Message: msg, Tags: []Tag{TagUnnecessary}, Systems: names}
		if p.onlyRead(p.readers().elems[k], g.systems) {
			if fx, ok := removeElemFix(p, e, "Remove the redundant import"); ok {
				fx.Preferred = true
				f.Fixes = append(f.Fixes, fx)
			}
		}
		p.Report(f)
	}
}
