package analysis

import (
	"fmt"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// RemovedOption reports definitions of microvm.* options that no longer exist.
var RemovedOption = &Analyzer{
	Name: CodeRemovedOption,
	Doc: "A microvm.* option that microvm.nix has removed is defined: balloonMem (2025-03, now the boolean " +
		"balloon), autorestart (v0.4.0, now microvm.vms.<name>.restartIfChanged), bootDiskType and " +
		"storeOnBootDisk (v0.4.0), qemu.bios (2023-09), host.tapScript (2024-12) and qemu.deviceExtraArgs " +
		"(2025-01, now per device). Evaluation fails with \"The option … does not exist\" or a removal message.",
	Run: runRemovedOption,
}

// DeprecatedModulePath reports imports of the old host module file.
var DeprecatedModulePath = &Analyzer{
	Name: CodeDeprecatedModulePath,
	Doc: "The host module is imported by the path nixos-modules/host.nix, which moved to the directory " +
		"nixos-modules/host in 2024-04; the old file only forwards and warns. The fix rewrites the path.",
	Run: runDeprecatedModulePath,
}

type removedOption struct {
	path   []string
	reason string
	fix    string // "balloon", "remove" or ""
}

var removedOptions = []removedOption{
	{[]string{"microvm", "balloonMem"}, "was removed in 2025-03; it is replaced by the boolean option microvm.balloon (with initialBalloonMem, hotplugMem and hotpluggedMem)", "balloon"},
	{[]string{"microvm", "autorestart"}, "was removed in v0.4.0; set microvm.vms.<name>.restartIfChanged per VM instead", ""},
	{[]string{"microvm", "bootDiskType"}, "was removed in v0.4.0, when the boot and store disks were split (see microvm.storeDiskType)", "remove"},
	{[]string{"microvm", "storeOnBootDisk"}, "was removed in v0.4.0, when the boot and store disks were split (see microvm.storeOnDisk)", "remove"},
	{[]string{"microvm", "qemu", "bios"}, "was removed in 2023-09", "remove"},
	{[]string{"microvm", "host", "tapScript"}, "was removed in 2024-12; extend microvm.binScripts.tap-up in the guest instead", "remove"},
	{[]string{"microvm", "qemu", "deviceExtraArgs"}, "was removed in 2025-01; set microvm.devices.*.qemu.deviceExtraArgs per device instead", ""},
}

// isRemovedOption reports whether path is, or is below, a removed option.
func isRemovedOption(path []string) bool {
	for _, r := range removedOptions {
		if pathHasPrefix(path, r.path) {
			return true
		}
	}
	return false
}

func runRemovedOption(p *Pass) {
	for _, s := range p.Systems {
		if s.Fork {
			continue // a fork of microvm.nix may keep the option
		}
		v := p.view(s)
		for _, d := range v.vals {
			if d.Binding == nil {
				continue
			}
			for _, r := range removedOptions {
				if !pathHasPrefix(d.Path, r.path) || d.Base >= len(r.path) {
					continue
				}
				msg := fmt.Sprintf("microvm option `%s` %s", strings.Join(r.path[1:], "."), r.reason)
				f := Finding{File: d.File, Pos: d.Binding.Path.Pos(), End: d.Binding.Path.End(), Severity: SeverityWarning,
					Code: CodeRemovedOption, Message: msg, Tags: []Tag{TagDeprecated}}
				switch r.fix {
				case "remove":
					f.Fixes = append(f.Fixes, Fix{Title: "Remove the definition of " + optPath(r.path...),
						Edits: []TextEdit{deleteRange(p.Workspace, d.File, d.Binding.Pos(), d.Binding.End())}})
				case "balloon":
					if l, ok := literalOf(d.X); ok && l.Kind == "int" && len(d.Path) == len(r.path) {
						last := d.Binding.Path.Names[len(d.Binding.Path.Names)-1]
						val := "true"
						if l.I == 0 {
							val = "false"
						}
						f.Fixes = append(f.Fixes, Fix{Title: "Replace with balloon = " + val, Preferred: true, Edits: []TextEdit{
							{File: d.File, Pos: last.Pos(), End: last.End(), NewText: "balloon"},
							{File: d.File, Pos: d.X.Pos(), End: d.X.End(), NewText: val},
						}})
					}
				}
				p.Report(f)
			}
		}
	}
}

const oldHostPath = "nixos-modules/host.nix"

func runDeprecatedModulePath(p *Pass) {
	for _, s := range p.Systems {
		for _, e := range s.Elems {
			if e.Which != ModHost || e.Implicit || e.Node == nil {
				continue
			}
			var part *nixast.TextPart
			nixast.Inspect(e.Node, func(n nixast.Node) bool {
				if tp, ok := n.(*nixast.TextPart); ok && strings.HasSuffix(strings.TrimRight(tp.Value, "/"), oldHostPath) {
					part = tp
				}
				return part == nil
			})
			if part == nil {
				continue
			}
			msg := "the host module moved from nixos-modules/host.nix to the directory nixos-modules/host (2024-04); the old path only forwards and warns"
			f := Finding{File: e.File, Pos: e.Pos, End: e.End, Severity: SeverityWarning, Code: CodeDeprecatedModulePath, Message: msg, Tags: []Tag{TagDeprecated}}
			if i := strings.LastIndex(part.Raw, oldHostPath); i >= 0 {
				at := part.Start + i + len(oldHostPath) - len("host.nix")
				f.Fixes = append(f.Fixes, Fix{Title: "Import nixos-modules/host", Preferred: true,
					Edits: []TextEdit{{File: e.File, Pos: at, End: at + len("host.nix"), NewText: "host"}}})
			}
			p.Report(f)
		}
	}
}
