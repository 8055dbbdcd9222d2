package microvm

import (
	"slices"
	"strings"
)

// Removal is an option microvm.nix no longer declares. Most left without a
// mkRemovedOptionModule, so the source's index does not know them: these
// are facts of microvm.nix's history, each with the commit that removed it.
type Removal struct {
	// Path is the option's full path.
	Path []string
	// When is the release or month it was removed in, Commit the commit.
	When, Commit string
	// Advice says what to do instead, as a clause ("" when nothing
	// replaces it).
	Advice string
	// Removable is set when deleting the definition loses nothing.
	Removable bool
	// Module is the module that declared it (ModHost or ModMicrovm).
	Module string
}

// Name is the option's path as lib.showOption prints it.
func (r *Removal) Name() string { return strings.Join(r.Path, ".") }

var removals = initRemovals([]*Removal{
	{Path: []string{"microvm", "balloonMem"}, When: "2025-03", Commit: "9ad2b03",
		Advice: "use the boolean option microvm.balloon (with initialBalloonMem, hotplugMem and hotpluggedMem) instead"},
	{Path: []string{"microvm", "autorestart"}, When: "v0.4.0", Commit: "754408b", Module: ModHost,
		Advice: "set microvm.vms.<name>.restartIfChanged per VM instead"},
	{Path: []string{"microvm", "bootDiskType"}, When: "v0.4.0", Commit: "708f09d",
		Advice: "the boot and store disks were split (see microvm.storeDiskType)", Removable: true},
	{Path: []string{"microvm", "storeOnBootDisk"}, When: "v0.4.0", Commit: "708f09d",
		Advice: "the boot and store disks were split (see microvm.storeOnDisk)", Removable: true},
	{Path: []string{"microvm", "qemu", "bios"}, When: "2023-09", Commit: "c00af66", Removable: true},
	{Path: []string{"microvm", "host", "tapScript"}, When: "2024-12", Commit: "472227c", Module: ModHost,
		Advice: "extend microvm.binScripts.tap-up in the guest instead", Removable: true},
	{Path: []string{"microvm", "qemu", "deviceExtraArgs"}, When: "2025-01", Commit: "bcabdff",
		Advice: "set microvm.devices.*.qemu.deviceExtraArgs per device instead"},
})

func initRemovals(rs []*Removal) []*Removal {
	for _, r := range rs {
		if r.Module == "" {
			r.Module = ModMicrovm
		}
	}
	return rs
}

// Removals returns the removed options, in the order of the table.
func Removals() []*Removal { return removals }

// RemovalOf returns the removed option that path is, or lies below.
func RemovalOf(path []string) *Removal {
	for _, r := range removals {
		if len(path) >= len(r.Path) && slices.Equal(path[:len(r.Path)], r.Path) {
			return r
		}
	}
	return nil
}
