package microvm

import "sort"

// Support is what a hypervisor runner does with a setting.
type Support int

const (
	// Unsupported: evaluating the runner throws (or fails on a missing
	// attribute), so the system does not build.
	Unsupported Support = iota
	// Supported: the runner passes the setting to the hypervisor.
	Supported
	// Ignored: the runner never reads the setting; it has no effect.
	Ignored
)

// Feature is one thing a runner may support.
type Feature string

// Features the capability matrix records. Share protocols, interface types
// and device buses are "share:9p", "interface:tap", "bus:usb"...
const (
	FeatUser            Feature = "user"              // microvm.user
	FeatCPU             Feature = "cpu"               // microvm.cpu (CPU emulation)
	FeatCredentialFiles Feature = "credentialFiles"   // microvm.credentialFiles
	FeatBalloon         Feature = "balloon"           // microvm.balloon = true
	FeatInitialBalloon  Feature = "initialBalloonMem" // a non-zero microvm.initialBalloonMem
	FeatHotplug         Feature = "hotplugMem"        // non-zero microvm.hotplugMem / hotpluggedMem
	FeatVsock           Feature = "vsock.cid"         // a non-null microvm.vsock.cid
	FeatTapVhost        Feature = "tap.vhost"         // interfaces.*.tap.vhost = true
	FeatForwardPorts    Feature = "forwardPorts"      // a non-empty microvm.forwardPorts
	FeatNoSocket        Feature = "socket=null"       // microvm.socket = null
	FeatReadOnly9p      Feature = "share:9p:readOnly" // a 9p share with readOnly = true
)

// Share, Interface and Bus name the features of a share protocol, an
// interface type and a device bus.
func Share(proto string) Feature   { return Feature("share:" + proto) }
func Interface(typ string) Feature { return Feature("interface:" + typ) }
func Bus(bus string) Feature       { return Feature("bus:" + bus) }

// Runner is what one hypervisor's runner (lib/runners/<name>.nix in
// microvm.nix) supports. Facts are read from the runner's code, since it
// is the code, not the option types, that rejects what a hypervisor lacks.
type Runner struct {
	Hypervisor string
	// File is the runner file in microvm.nix's source, and Revision the
	// commit it was read at (a runner that is not on the main branch, such
	// as openvmm, names its own).
	File     string
	Revision string
	// Branch is the branch of Revision when it is not main.
	Branch string
	// Shares, Interfaces and Buses are the supported share protocols,
	// interface types and device buses; anything else of the option's
	// type is unsupported (buses: ignored when Has[FeatDevices] is Ignored).
	Shares, Interfaces, Buses []string
	// Has holds the other features; a missing one is Ignored.
	Has map[Feature]Support
	// Notes are conditions the table does not capture, in the runner's
	// terms.
	Notes []string
}

// SupportOf returns what the runner does with a feature.
func (r *Runner) SupportOf(f Feature) Support {
	in := func(list []string, v string) Support {
		for _, x := range list {
			if x == v {
				return Supported
			}
		}
		return Unsupported
	}
	switch {
	case len(f) > 6 && f[:6] == "share:" && f != FeatReadOnly9p:
		return in(r.Shares, string(f[6:]))
	case len(f) > 10 && f[:10] == "interface:":
		return in(r.Interfaces, string(f[10:]))
	case len(f) > 4 && f[:4] == "bus:":
		if s, ok := r.Has[FeatDevices]; ok && s == Ignored {
			return Ignored
		}
		return in(r.Buses, string(f[4:]))
	}
	if s, ok := r.Has[f]; ok {
		return s
	}
	if f == FeatNoSocket {
		return Supported // only a runner that needs its socket says so
	}
	return Ignored
}

// FeatDevices marks a runner that never reads microvm.devices (Ignored).
const FeatDevices Feature = "devices"

// MainRevision is the commit of microvm.nix's main branch the runners were
// read at (2026-08-09).
const MainRevision = "71beea0076cd46dafcee97a5a2e7d00cbba5bd2f"

// openvmmRevision is the head of microvm.nix's openvmm branch
// (2025-12-07), where the openvmm runner lives.
const openvmmRevision = "e4a33cf639e835b59605675409f3d8cf99b92c91"

func runnerFile(hv string) string { return "lib/runners/" + hv + ".nix" }

// runners is the capability matrix, one entry per runner file.
var runners = []*Runner{
	{
		Hypervisor: "qemu", File: runnerFile("qemu"), Revision: MainRevision,
		Shares: []string{"9p", "virtiofs"}, Interfaces: []string{"user", "tap", "macvtap", "bridge"}, Buses: []string{"pci", "usb"},
		Has: map[Feature]Support{
			FeatUser: Supported, FeatCPU: Supported, FeatCredentialFiles: Supported, FeatBalloon: Supported,
			FeatInitialBalloon: Unsupported, FeatHotplug: Supported, FeatVsock: Supported, FeatTapVhost: Supported,
			FeatForwardPorts: Supported, FeatReadOnly9p: Supported,
		},
		Notes: []string{`memory hotplug (virtio-mem) throws with machine "microvm"`, `forwardPorts needs an interface of type "user" (a warning in the runner, an assertion in the guest module)`},
	},
	{
		Hypervisor: "cloud-hypervisor", File: runnerFile("cloud-hypervisor"), Revision: MainRevision,
		Shares: []string{"virtiofs"}, Interfaces: []string{"tap", "macvtap"}, Buses: []string{"pci"},
		Has: map[Feature]Support{
			FeatUser: Unsupported, FeatCredentialFiles: Unsupported, FeatBalloon: Supported,
			FeatInitialBalloon: Supported, FeatHotplug: Supported, FeatVsock: Supported,
		},
	},
	{
		Hypervisor: "firecracker", File: runnerFile("firecracker"), Revision: MainRevision,
		Shares: nil, Interfaces: []string{"tap"}, Buses: nil,
		Has: map[Feature]Support{
			FeatUser: Unsupported, FeatCredentialFiles: Unsupported, FeatBalloon: Unsupported,
			FeatInitialBalloon: Unsupported, FeatHotplug: Unsupported, FeatVsock: Supported, FeatNoSocket: Unsupported,
		},
		Notes: []string{"any share throws; any device throws"},
	},
	{
		Hypervisor: "crosvm", File: runnerFile("crosvm"), Revision: MainRevision,
		Shares: []string{"9p", "virtiofs"}, Interfaces: []string{"tap", "macvtap"}, Buses: []string{"pci"},
		Has: map[Feature]Support{
			FeatUser: Unsupported, FeatCredentialFiles: Unsupported, FeatBalloon: Supported,
			FeatInitialBalloon: Unsupported, FeatHotplug: Unsupported, FeatVsock: Supported, FeatReadOnly9p: Unsupported,
		},
	},
	{
		Hypervisor: "kvmtool", File: runnerFile("kvmtool"), Revision: MainRevision,
		Shares: []string{"9p"}, Interfaces: []string{"user", "tap", "macvtap"}, Buses: []string{"pci"},
		Has: map[Feature]Support{
			FeatUser: Unsupported, FeatCredentialFiles: Unsupported, FeatBalloon: Supported,
			FeatInitialBalloon: Unsupported, FeatHotplug: Unsupported, FeatVsock: Supported, FeatReadOnly9p: Unsupported,
		},
	},
	{
		Hypervisor: "stratovirt", File: runnerFile("stratovirt"), Revision: MainRevision,
		Shares: []string{"virtiofs"}, Interfaces: []string{"user", "tap", "macvtap", "bridge"}, Buses: []string{"pci", "usb"},
		Has: map[Feature]Support{
			FeatCredentialFiles: Unsupported, FeatBalloon: Unsupported,
			FeatInitialBalloon: Unsupported, FeatHotplug: Unsupported,
		},
		Notes: []string{`PCI passthrough throws on x86_64-linux ("non-functional")`, "a 9p share fails on a missing attribute"},
	},
	{
		Hypervisor: "alioth", File: runnerFile("alioth"), Revision: MainRevision,
		Shares: []string{"virtiofs"}, Interfaces: []string{"tap"}, Buses: nil,
		Has: map[Feature]Support{
			FeatUser: Unsupported, FeatCredentialFiles: Unsupported, FeatBalloon: Unsupported,
			FeatInitialBalloon: Unsupported, FeatHotplug: Unsupported, FeatVsock: Supported,
		},
		Notes: []string{"any device throws"},
	},
	{
		Hypervisor: "vfkit", File: runnerFile("vfkit"), Revision: MainRevision,
		Shares: []string{"virtiofs"}, Interfaces: []string{"user"}, Buses: nil,
		Has: map[Feature]Support{
			FeatUser: Unsupported, FeatCredentialFiles: Unsupported, FeatBalloon: Unsupported, FeatVsock: Unsupported,
		},
		Notes: []string{"any device throws", "runs on Darwin hosts only, with host and guest of the same architecture"},
	},
	{
		Hypervisor: "openvmm", File: runnerFile("openvmm"), Revision: openvmmRevision, Branch: "openvmm",
		Shares: []string{"9p"}, Interfaces: []string{"tap"}, Buses: nil,
		Has: map[Feature]Support{
			FeatUser: Unsupported, FeatCredentialFiles: Unsupported, FeatInitialBalloon: Unsupported,
			FeatHotplug: Unsupported, FeatReadOnly9p: Unsupported, FeatDevices: Ignored,
		},
		Notes: []string{"devices and vsock.cid are not read (commented out in the runner)", "cannot shut down"},
	},
}

// RunnerOf returns the capability entry of a hypervisor.
func RunnerOf(hypervisor string) (*Runner, bool) {
	for _, r := range runners {
		if r.Hypervisor == hypervisor {
			return r, true
		}
	}
	return nil, false
}

// Runners returns every runner of the matrix, by hypervisor name.
func Runners() []*Runner {
	out := append([]*Runner{}, runners...)
	sort.Slice(out, func(i, j int) bool { return out[i].Hypervisor < out[j].Hypervisor })
	return out
}

// Supporting returns the hypervisors whose runner supports a feature, in
// the matrix' order.
func Supporting(f Feature) []string {
	var out []string
	for _, r := range runners {
		if r.SupportOf(f) == Supported {
			out = append(out, r.Hypervisor)
		}
	}
	return out
}

// Rejecting returns the hypervisors whose runner throws on a feature.
func Rejecting(f Feature) []string {
	var out []string
	for _, r := range runners {
		if r.SupportOf(f) == Unsupported {
			out = append(out, r.Hypervisor)
		}
	}
	return out
}

// optionFeatures maps the options whose support differs between runners
// to their features; "" stands for the option's value in the per-value
// features (share protocols, interface types, device buses).
var optionFeatures = map[string]Feature{
	"microvm.user":                   FeatUser,
	"microvm.cpu":                    FeatCPU,
	"microvm.credentialFiles":        FeatCredentialFiles,
	"microvm.balloon":                FeatBalloon,
	"microvm.initialBalloonMem":      FeatInitialBalloon,
	"microvm.hotplugMem":             FeatHotplug,
	"microvm.hotpluggedMem":          FeatHotplug,
	"microvm.vsock.cid":              FeatVsock,
	"microvm.interfaces.*.tap.vhost": FeatTapVhost,
	"microvm.forwardPorts":           FeatForwardPorts,
	"microvm.shares.*.proto":         "share:",
	"microvm.interfaces.*.type":      "interface:",
	"microvm.devices.*.bus":          "bus:",
}

// FeatureSupport is which runners support one feature of an option.
type FeatureSupport struct {
	Value     string // the option's value the feature is about; "" for the option itself
	Supported []string
	Rejected  []string
}

// OptionSupport returns, for an option whose support differs between
// runners, which runners support it (per value for an enum: values are
// the option's enum values).
func OptionSupport(name string, values []string) []FeatureSupport {
	f, ok := optionFeatures[name]
	if !ok {
		return nil
	}
	if f[len(f)-1] != ':' {
		return []FeatureSupport{{Supported: Supporting(f), Rejected: Rejecting(f)}}
	}
	var out []FeatureSupport
	for _, v := range values {
		out = append(out, FeatureSupport{Value: v, Supported: Supporting(f + Feature(v)), Rejected: Rejecting(f + Feature(v))})
	}
	return out
}
