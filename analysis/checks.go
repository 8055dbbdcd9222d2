package analysis

import (
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
)

// Analyzers lists the checks Analyze runs: the parser's and the
// suppression comments' first, then the checks of systems, options and
// values. The facts they require run through their Requires.
var Analyzers = []*Analyzer{
	SyntaxError,
	DuplicateAttribute,
	IgnoreComments,
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

// optionViewsFact is each system's literal microvm.* definitions, indexed.
var optionViewsFact = &Analyzer{
	Name: "option-views",
	Doc: "The literal microvm.* definitions of each system, indexed by option path, with the option facts " +
		"of the workspace. A system kept from one module graph to the next keeps its view.",
	RunGraph: func(p *GraphPass) any {
		out := make(map[*System]*optView, len(p.Systems))
		for _, s := range p.Systems {
			out[s] = s.optView(p.Workspace.MicrovmFor(s.File))
		}
		return out
	},
}

// readersFact is which systems read each module list, module set and
// definition (readers.go): a fix edits only what its systems alone read.
var readersFact = &Analyzer{
	Name:     "readers",
	Doc:      "Which systems read each module-list element, module set and microvm.* definition.",
	RunGraph: func(p *GraphPass) any { return buildReaders(p.Systems) },
}

// view returns the literal microvm.* definitions of a system, indexed: read
// only, it may serve several analyses at once.
func (p *GraphPass) view(s *System) *optView {
	return result[map[*System]*optView](p.ResultOf, optionViewsFact, p.Analyzer)[s]
}

// optView returns the system's literal microvm.* definitions, indexed,
// built on first use with the option facts of the workspace. (The view
// is data of the system: a system kept from one graph to the next while
// its root reads no changed file keeps it.)
func (s *System) optView(facts *microvm.Facts) *optView {
	s.viewOnce.Do(func() {
		s.view = optionView(s)
		s.view.facts = facts.OrEmbedded()
		s.view.index()
	})
	if s.view.facts != facts.OrEmbedded() {
		// the folder's pins changed while the system stayed: a view of
		// the new facts, not kept
		v := optionView(s)
		v.facts = facts.OrEmbedded()
		v.index()
		return v
	}
	return s.view
}

// facts returns the microvm.nix option facts a system is checked against:
// those the folder of its declaration pins.
func (p *GraphPass) facts(s *System) *microvm.Facts {
	return p.Workspace.MicrovmFor(s.File).OrEmbedded()
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
		"set microvm.guest.enable = false (nor microvm.host.enable = false, nor configures itself as a MicroVM). " +
		"The guest module then turns the system into a MicroVM guest: it " +
		"loses switch-to-configuration, grub and the nix-daemon. Remove the guest import, set " +
		"microvm.guest.enable = false, or import microvm.nixosModules.microvm-options instead.",
	Codes:    []Code{{Name: CodeRoleConflict, Short: "A system imports both microvm.nix's host module and its guest module."}},
	Requires: []*Analyzer{readersFact, optionViewsFact},
	RunGraph: check(runRoleConflict),
}

// GuestOptionWithoutGuestModule reports guest options set where they are not declared.
var GuestOptionWithoutGuestModule = &Analyzer{
	Name: CodeGuestOption,
	Doc: "A guest option (microvm.* other than vms, autostart, host and stateDir) is defined in a system " +
		"whose modules include neither microvm.nixosModules.microvm nor microvm.nixosModules.microvm-options. " +
		"Evaluation fails with \"The option `microvm.…' does not exist\".",
	Codes:    []Code{{Name: CodeGuestOption, Short: "A MicroVM guest option is set in a system that imports no module declaring it."}},
	Requires: []*Analyzer{readersFact},
	RunGraph: check(runGuestOption),
}

// HostOptionWithoutHostModule reports host options set where they are not declared.
var HostOptionWithoutHostModule = &Analyzer{
	Name: CodeHostOption,
	Doc: "microvm.vms, microvm.autostart, microvm.host.* or microvm.stateDir is defined in a system whose " +
		"modules do not include microvm.nixosModules.host, which declares them.",
	Codes:    []Code{{Name: CodeHostOption, Short: "A MicroVM host option is set in a system that does not import the host module."}},
	Requires: []*Analyzer{readersFact},
	RunGraph: check(runHostOption),
}

// RedundantGuestImport reports a guest module imported into a declarative MicroVM.
var RedundantGuestImport = &Analyzer{
	Name: CodeRedundantGuestImport,
	Doc: "The guest module is imported inside microvm.vms.<name>.config or extraModules. The host already " +
		"adds it to every declarative MicroVM, so the import is redundant.",
	Codes:    []Code{{Name: CodeRedundantGuestImport, Short: "A declarative MicroVM imports the guest module, which the host adds to it already."}},
	Requires: []*Analyzer{readersFact},
	RunGraph: check(runRedundant),
}

func (p *GraphPass) where(file string, pos int) string { return p.graph.where(file, pos) }

func (p *GraphPass) chain(via Hops) string {
	var parts []string
	for _, h := range via.Slice() {
		parts = append(parts, p.where(h.File, h.Pos))
	}
	return strings.Join(parts, " → ")
}

func (p *GraphPass) text(file string, pos, end int) string {
	f := p.Workspace.At(file)
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
