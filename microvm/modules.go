// Package microvm owns what microvm-lsp knows of microvm.nix: its NixOS
// modules and where they live in its source, the options they declare (from
// the option index of the pinned source, or from an index embedded at a
// known revision), what each hypervisor runner supports, and the options
// microvm.nix removed or renamed.
//
// It holds facts and lookups only: no checks and no analysis types. It must
// not import analysis, ide or server; checks in analysis and editor features
// in ide read it.
package microvm

import (
	"regexp"
	"strings"
	"sync"
)

// Names of microvm.nix's NixOS modules, as its flake exports them under
// nixosModules.
const (
	ModHost    = "host"
	ModMicrovm = "microvm"
	ModOptions = "microvm-options"
)

// ModuleNames lists the nixosModules outputs of microvm.nix (it has no
// default module).
var ModuleNames = []string{ModHost, ModMicrovm, ModOptions}

// IsModule reports whether name is one of microvm.nix's nixosModules.
func IsModule(name string) bool {
	return name == ModHost || name == ModMicrovm || name == ModOptions
}

// ModulePath returns where a module lives in microvm.nix's source, with a
// leading slash: "/nixos-modules/host" for ModHost.
func ModulePath(name string) string {
	switch name {
	case ModHost:
		return "/nixos-modules/host"
	case ModMicrovm:
		return "/nixos-modules/microvm"
	case ModOptions:
		return "/nixos-modules/microvm/options.nix"
	}
	return ""
}

// DeprecatedHostPath is the file the host module lived in before it became
// a directory (1dc03aa, 2024-04-03); the file still forwards to the
// directory with a warning.
const DeprecatedHostPath = "/nixos-modules/host.nix"

// DeprecatedHostPathSince is when the host module moved.
const DeprecatedHostPathSince = "2024-04"

// modSuffixes are the path endings that name a module.
var modSuffixes = []struct{ suffix, which string }{
	{ModulePath(ModOptions), ModOptions},
	{ModulePath(ModMicrovm), ModMicrovm},
	{ModulePath(ModMicrovm) + "/default.nix", ModMicrovm},
	{ModulePath(ModHost), ModHost},
	{ModulePath(ModHost) + "/default.nix", ModHost},
	{DeprecatedHostPath, ModHost},
}

// ModuleOfPath returns the module a path text names, when it ends in one of
// the module directories (or files) of microvm.nix's source.
func ModuleOfPath(text string) (string, bool) {
	t := strings.TrimRight(text, "/")
	for _, m := range modSuffixes {
		if strings.HasSuffix(t, m.suffix) {
			return m.which, true
		}
	}
	return "", false
}

// ModuleEntries are the directories, relative to microvm.nix's source, whose
// option declarations the option index reads: the guest and the host
// module.
var ModuleEntries = []string{"nixos-modules/microvm", "nixos-modules/host"}

// officialURL matches the repository of microvm.nix in a flake reference:
// it moved from astro/microvm.nix to microvm-nix/microvm.nix, and old URLs
// are still common. Compiled on first use, as flakeURL: not at the start of
// every command.
var officialURL = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)(astro|microvm-nix)/microvm\.nix`) })

// flakeURL matches any owner's microvm.nix: forks keep the repository name.
var flakeURL = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)[:/][A-Za-z0-9_.-]+/microvm\.nix`) })

// IsFlakeURL reports whether a flake reference names microvm.nix or a fork
// of it. The module graph asks it of every string of a flake's inputs; most
// do not hold the name, which a substring search tells sooner than the
// pattern.
func IsFlakeURL(url string) bool {
	return containsFold(url, "/microvm.nix") && flakeURL().MatchString(url)
}

// containsFold reports whether s holds the ASCII lower-case sub, in any case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for j < len(sub) && (s[i+j] == sub[j] || s[i+j]|0x20 == sub[j] && sub[j] >= 'a' && sub[j] <= 'z') {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// IsFork reports whether a flake reference names a fork of microvm.nix:
// another owner's repository of that name. A fork gives roles as
// microvm.nix does, but its options may differ.
func IsFork(url string) bool { return IsFlakeURL(url) && !officialURL().MatchString(url) }

// moduleDocs tells, in Markdown, what each module declares and does to a
// system.
var moduleDocs = map[string]string{
	ModHost: "**microvm.nixosModules.host**: makes this system a MicroVM **host**.\n\n" +
		"Declares `microvm.host.*`, `microvm.vms`, `microvm.stateDir`, `microvm.autostart`; with `microvm.host.enable` " +
		"(default true) it adds the `microvm` command, the `microvm@` units, the `microvm` user, tap and vhost_net kernel modules, and KSM.",
	ModMicrovm: "**microvm.nixosModules.microvm**: makes this system a MicroVM **guest**.\n\n" +
		"Declares the guest options (`microvm.hypervisor`, `mem`, `shares`...). With `microvm.guest.enable` (default true) it changes a system " +
		"in ways a host does not survive:\n" +
		"- `system.switch.enable = mkDefault false`: no `switch-to-configuration`, `nixos-rebuild switch` fails\n" +
		"- `boot.loader.grub.enable = false`\n" +
		"- nix-daemon service and socket off (`mkDefault`, unless `writableStoreOverlay`)\n" +
		"- `fileSystems.\"/nix/store\"`: an erofs (or squashfs) disk mount, and a tmpfs `/` by default\n" +
		"- a synthetic `/etc/machine-id` from `microvm.machineId`\n" +
		"- drm, rfkill and intel_pstate blacklisted\n\n" +
		"On a host that is no MicroVM itself, import `microvm.nixosModules.host` only, or set `microvm.guest.enable = false`.",
	ModOptions: "**microvm.nixosModules.microvm-options**: declares the guest options (`microvm.*`) **without** the guest " +
		"configuration; it changes nothing on the system. Use it to share guest settings with a host.",
}

// ModuleDoc tells, in Markdown, what a module declares and what it does to
// the system that imports it.
func ModuleDoc(name string) string { return moduleDocs[name] }
