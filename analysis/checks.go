package analysis

import (
	"fmt"
	"strings"
)

// Pass is what an Analyzer's Run function gets: the workspace, its module
// graph, and a way to report findings.
type Pass struct {
	Workspace *Workspace
	graph     *graph
	Systems   []*System
	findings  []Finding
	seen      map[string]bool
	cache     *Cache
	memos     map[string]*fileMemo
}

// view returns the literal microvm.* definitions of a system, indexed: read
// only, it may serve several analyses at once.
func (p *Pass) view(s *System) *optView {
	s.viewOnce.Do(func() {
		s.view = optionView(s)
		s.view.index()
	})
	return s.view
}

// resolve returns the scopes of a workspace file (cached while the file is unchanged).
func (p *Pass) resolve(file string) *Scopes {
	m := p.memos[file]
	if m == nil {
		return Resolve(p.Workspace.File(file))
	}
	m.scopesMu.Lock()
	defer m.scopesMu.Unlock()
	if m.scopes == nil {
		m.scopes = Resolve(p.Workspace.File(file))
	}
	return m.scopes
}

// values returns the nodes the value checks read in a workspace file: one
// walk of the tree serves them all (cached while the file is unchanged).
func (p *Pass) values(file string) *valueNodes {
	m := p.memos[file]
	if m == nil {
		return findValueNodes(p.Workspace.File(file))
	}
	m.valuesMu.Lock()
	defer m.valuesMu.Unlock()
	if m.values == nil {
		m.values = findValueNodes(p.Workspace.File(file))
	}
	return m.values
}

// Report adds a finding, once per code and range.
func (p *Pass) Report(f Finding) {
	key := fmt.Sprintf("%s|%s|%d|%d", f.Code, f.File, f.Pos, f.End)
	if p.seen[key] {
		return
	}
	p.seen[key] = true
	p.findings = append(p.findings, f)
}

// Analyzer is one check.
type Analyzer struct {
	Name string // the finding code
	Doc  string
	Run  func(*Pass)
	// PerFile is set for checks whose findings in a file depend on that
	// file alone: their results are cached while the file is unchanged.
	PerFile bool
}

// Analyzers lists the checks Analyze runs.
var Analyzers = []*Analyzer{
	RoleConflict,
	GuestOptionWithoutGuestModule,
	HostOptionWithoutHostModule,
	RedundantGuestImport,
	VMConfigAndFlake,
	VMWithoutSource,
	InvalidOptionValue,
	HypervisorUnsupported,
	GuestAssertion,
	RemovedOption,
	DeprecatedModulePath,
	InvalidNixHash,
	InvalidStorePath,
	UndefinedVariable,
	UnusedBinding,
}

var hostOptions = map[string]bool{"vms": true, "autostart": true, "host": true, "stateDir": true, "autorestart": true}

// RoleConflict reports systems that import both the host and the guest module.
var RoleConflict = &Analyzer{
	Name: CodeRoleConflict,
	Doc: "A NixOS system imports both microvm.nixosModules.host and microvm.nixosModules.microvm and does not " +
		"set microvm.guest.enable = false. The guest module then turns the system into a MicroVM guest: it " +
		"loses switch-to-configuration, grub and the nix-daemon. Remove the guest import, set " +
		"microvm.guest.enable = false, or import microvm.nixosModules.microvm-options instead.",
	Run: runRoleConflict,
}

// GuestOptionWithoutGuestModule reports guest options set where they are not declared.
var GuestOptionWithoutGuestModule = &Analyzer{
	Name: CodeGuestOption,
	Doc: "A guest option (microvm.* other than vms, autostart, host and stateDir) is defined in a system " +
		"whose modules include neither microvm.nixosModules.microvm nor microvm.nixosModules.microvm-options. " +
		"Evaluation fails with \"The option `microvm.…' does not exist\".",
	Run: runGuestOption,
}

// HostOptionWithoutHostModule reports host options set where they are not declared.
var HostOptionWithoutHostModule = &Analyzer{
	Name: CodeHostOption,
	Doc: "microvm.vms, microvm.autostart, microvm.host.* or microvm.stateDir is defined in a system whose " +
		"modules do not include microvm.nixosModules.host, which declares them.",
	Run: runHostOption,
}

// RedundantGuestImport reports a guest module imported into a declarative MicroVM.
var RedundantGuestImport = &Analyzer{
	Name: CodeRedundantGuestImport,
	Doc: "The guest module is imported inside microvm.vms.<name>.config or extraModules. The host already " +
		"adds it to every declarative MicroVM, so the import is redundant.",
	Run: runRedundant,
}

func (p *Pass) where(file string, pos int) string { return p.graph.where(file, pos) }

func (p *Pass) chain(via []Hop) string {
	var parts []string
	for _, h := range via {
		parts = append(parts, p.where(h.File, h.Pos))
	}
	return strings.Join(parts, " → ")
}

func (p *Pass) text(file string, pos, end int) string {
	f := p.Workspace.Files[file]
	if f == nil || pos < 0 || end > len(f.Src) || pos > end {
		return ""
	}
	return string(f.Src[pos:end])
}

func modName(which string) string { return "microvm.nixosModules." + which }

// firstElem returns the system's first element that brings in module which.
func (s *System) firstElem(which string) *ModElem {
	for _, e := range s.Elems {
		if e.Which == which {
			return e
		}
	}
	return nil
}

func runRoleConflict(p *Pass) {
	for _, s := range p.Systems {
		if s.Kind == "vm" || s.GuestDisabled || s.Unknown || !s.Has(ModHost) {
			continue
		}
		host := s.firstElem(ModHost)
		for _, e := range s.Elems {
			if e.Which != ModMicrovm || e.Implicit {
				continue
			}
			sev := SeverityWarning
			if s.BareMetal {
				sev = SeverityError
			}
			hostVia := append(append([]Hop{}, host.Via...), Hop{File: host.File, Pos: host.Pos, End: host.End})
			msg := fmt.Sprintf("%s is imported into system `%s`", modName(ModMicrovm), s.Name)
			if len(e.Via) > 0 {
				msg += fmt.Sprintf(" (via %s)", p.chain(e.Via))
			}
			if e.Cond != "" {
				msg += fmt.Sprintf(" when %s", e.Cond)
			}
			msg += fmt.Sprintf(", which also imports %s (via %s): ", modName(ModHost), p.chain(hostVia))
			if s.BareMetal {
				msg += "this system would lose switch-to-configuration (system.switch.enable = false), grub and the nix-daemon"
			} else {
				msg += "unless this system is itself a MicroVM, it would lose switch-to-configuration (system.switch.enable = false), grub and the nix-daemon; set microvm.guest.enable = false if both are intended"
			}
			f := Finding{File: e.File, Pos: e.Pos, End: e.End, Severity: sev, Code: CodeRoleConflict, Message: msg}
			f.Related = append(f.Related, Related{File: host.File, Pos: host.Pos, End: host.End, Message: "the host module is imported here"})
			for _, h := range e.Via {
				f.Related = append(f.Related, Related{File: h.File, Pos: h.Pos, End: h.End, Message: "the guest module is brought in through here"})
			}
			for _, h := range host.Via {
				f.Related = append(f.Related, Related{File: h.File, Pos: h.Pos, End: h.End, Message: "the host module is brought in through here"})
			}
			f.Fixes = roleConflictFixes(p, s, e)
			p.Report(f)
		}
	}
}

func runGuestOption(p *Pass) {
	for _, s := range p.Systems {
		if s.Unknown || s.Has(ModMicrovm) || s.Has(ModOptions) {
			continue
		}
		host := s.firstElem(ModHost)
		for _, d := range s.Defs {
			if hostOptions[d.Path[1]] || isRemovedOption(d.Path) {
				continue
			}
			msg := fmt.Sprintf("`%s` is a MicroVM guest option, but system `%s` imports neither %s nor %s, which declare it",
				strings.Join(d.Path, "."), s.Name, modName(ModMicrovm), modName(ModOptions))
			f := Finding{File: d.File, Pos: d.Pos, End: d.End, Severity: SeverityError, Code: CodeGuestOption, Message: msg}
			f.Fixes = append(f.Fixes, removeBindingFix(p, d, fmt.Sprintf("Remove the definition of %s", strings.Join(d.Path, "."))))
			if host != nil {
				if fx, ok := addNextToFix(p, host, ModOptions); ok {
					f.Fixes = append(f.Fixes, fx)
				}
			}
			p.Report(f)
		}
	}
}

func runHostOption(p *Pass) {
	for _, s := range p.Systems {
		if s.Unknown || s.Has(ModHost) {
			continue
		}
		var ref *ModElem
		for _, e := range s.Elems {
			if (e.Which == ModMicrovm || e.Which == ModOptions) && !e.Implicit {
				ref = e
				break
			}
		}
		for _, d := range s.Defs {
			if !hostOptions[d.Path[1]] {
				continue
			}
			msg := fmt.Sprintf("`%s` is a MicroVM host option, but system `%s` does not import %s, which declares it",
				strings.Join(d.Path, "."), s.Name, modName(ModHost))
			f := Finding{File: d.File, Pos: d.Pos, End: d.End, Severity: SeverityError, Code: CodeHostOption, Message: msg}
			rm := removeBindingFix(p, d, fmt.Sprintf("Remove the definition of %s", strings.Join(d.Path, ".")))
			rm.Preferred = true
			f.Fixes = append(f.Fixes, rm)
			// importing the host next to the guest module would make a role conflict
			if ref != nil && !s.Has(ModMicrovm) {
				if fx, ok := addNextToFix(p, ref, ModHost); ok {
					f.Fixes = append(f.Fixes, fx)
				}
			}
			p.Report(f)
		}
	}
}

func runRedundant(p *Pass) {
	for _, s := range p.Systems {
		if s.Kind != "vm" {
			continue
		}
		for _, e := range s.Elems {
			if e.Which != ModMicrovm || e.Implicit {
				continue
			}
			msg := fmt.Sprintf("%s is already added to the declarative MicroVM `%s` by the host module; this import is redundant", modName(ModMicrovm), s.Name)
			f := Finding{File: e.File, Pos: e.Pos, End: e.End, Severity: SeverityHint, Code: CodeRedundantGuestImport, Message: msg, Tags: []Tag{TagUnnecessary}}
			if fx, ok := removeElemFix(p, e, "Remove the redundant import"); ok {
				fx.Preferred = true
				f.Fixes = append(f.Fixes, fx)
			}
			p.Report(f)
		}
	}
}

// Finding codes of the role checks.
const (
	CodeRoleConflict          = "role-conflict"
	CodeGuestOption           = "guest-option-without-guest-module"
	CodeHostOption            = "host-option-without-host-module"
	CodeRedundantGuestImport  = "redundant-guest-import"
	CodeSyntaxError           = "syntax-error"
	CodeVMConfigAndFlake      = "vm-config-and-flake"
	CodeVMWithoutSource       = "vm-without-source"
	CodeInvalidOptionValue    = "invalid-option-value"
	CodeHypervisorUnsupported = "hypervisor-unsupported"
	CodeGuestAssertion        = "guest-assertion"
	CodeRemovedOption         = "removed-option"
	CodeDeprecatedModulePath  = "deprecated-module-path"
	CodeInvalidNixHash        = "invalid-nix-hash"
	CodeInvalidStorePath      = "invalid-store-path"
	CodeUndefinedVariable     = "undefined-variable"
	CodeUnusedBinding         = "unused-binding"
	CodeDuplicateAttribute    = "duplicate-attribute"
)
