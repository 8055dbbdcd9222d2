package analysis

import (
	"fmt"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
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
	rd        *readerIndex   // who reads which place, built on first use (fixes.go)
	about     map[string]int // findings that name their systems, by code, range and message (checks_roles.go)
}

// view returns the literal microvm.* definitions of a system, indexed: read
// only, it may serve several analyses at once.
func (p *Pass) view(s *System) *optView { return s.optView(p.Workspace.Microvm) }

// optView returns the system's literal microvm.* definitions, indexed,
// built on first use with the option facts of the workspace.
func (s *System) optView(facts *microvm.Facts) *optView {
	s.viewOnce.Do(func() {
		s.view = optionView(s)
		s.view.facts = facts.OrEmbedded()
		s.view.index()
	})
	return s.view
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
	p.findings = append(p.findings, withPreferred(f))
}

// withPreferred marks the first fix of a finding preferred when none is:
// an editor's quick fix and `check --fix` take exactly one.
func withPreferred(f Finding) Finding {
	for _, fx := range f.Fixes {
		if fx.Preferred {
			return f
		}
	}
	if len(f.Fixes) > 0 {
		f.Fixes = append([]Fix(nil), f.Fixes...)
		f.Fixes[0].Preferred = true
	}
	return f
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
	UnknownOption,
	OptionTypeMismatch,
	DeprecatedOption,
	PinnedSourceAbsent,
	InvalidNixHash,
	InvalidStorePath,
	UndefinedVariable,
	UnusedBinding,
	NotAModule,
}

// hostOption reports whether microvm.<name> belongs to the host module:
// declared by it alone, or removed from it.
func hostOption(f *microvm.Facts, name string) bool {
	if f.HostOnly(name) {
		return true
	}
	r := microvm.RemovalOf([]string{"microvm", name})
	return r != nil && len(r.Path) == 2 && r.Module == microvm.ModHost
}

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
	CodeNotAModule            = "not-a-module"
)
