package ide

import (
	"sort"
	"strings"
)

// Option is an option of microvm.nix's NixOS modules, from our reference
// tables. Path is relative to "microvm."; "*" stands for a list element and
// "<name>" for any attribute name.
type Option struct {
	Path        string
	Type        string
	Default     string
	Values      []string // allowed values of an enum
	Hypervisors string   // which hypervisors support it, when not all
	Module      string   // "microvm" (guest options) or "host"
	Doc         string
}

// ListOfSubmodules reports whether the option is a list of sets whose
// elements have options of their own.
func (o Option) ListOfSubmodules() bool { return strings.HasPrefix(o.Type, "listOf submodule") }

// Options holds every option, by path.
var Options = map[string]Option{}

// optionTable: path | type | default | enum values | hypervisors | doc.
// Host options are marked by a leading "host:".
const optionTable = `
guest.enable | bool | true | | | Turns the guest module on; false keeps only its option declarations (needs nixosModules.microvm or microvm-options).
optimize.enable | bool | true | | | Guest optimizations, among them system.switch.enable = mkDefault false.
hypervisor | enum | "qemu" | qemu,cloud-hypervisor,firecracker,crosvm,kvmtool,stratovirt,alioth,vfkit | | The hypervisor that runs this MicroVM.
cpu | nullOr str | null | | qemu only | An emulated CPU; non-null makes qemu use TCG.
vcpu | ints.positive | 1 | | | Number of virtual CPUs.
mem | ints.positive | 512 | | | Memory in MB; below 32 warns, qemu hangs at exactly 2048 (#171).
hugepageMem | bool | false | | cloud-hypervisor only | Back guest memory with huge pages.
hotplugMem | ints.unsigned | 0 | | not firecracker, crosvm, kvmtool, stratovirt, alioth; qemu needs a machine other than "microvm" | Memory (MB) that can be hot-plugged.
hotpluggedMem | ints.unsigned | = hotplugMem | | as hotplugMem | Hot-plugged memory (MB) at start.
balloon | bool | false | | not firecracker, stratovirt, alioth, vfkit | Add a memory balloon device.
initialBalloonMem | ints.unsigned | 0 | | must be 0 on qemu, crosvm, kvmtool, firecracker, stratovirt, alioth | Initial balloon size (MB).
deflateOnOOM | bool | true | | | Deflate the balloon when the guest runs out of memory.
preStart | lines | "" | | | Commands run before the hypervisor starts.
extraArgsScript | nullOr str | null | | | A script whose output is appended to the hypervisor's arguments.
socket | nullOr str | "${hostName}.sock" | | firecracker requires it | The control socket; needed to shut the VM down.
user | nullOr str | null | | qemu only | The user qemu runs as (-run-with user=).
kernel | package | boot.kernelPackages.kernel | | | The kernel; prefer setting boot.kernelPackages.
initrdPath | path | initialRamdisk | | | The initrd file.
kernelParams | listOf str | (set by the guest module) | | | Kernel command line; has no value when guest.enable = false (#351).
forwardPorts | listOf submodule | [] | | qemu with a "user" interface | Ports forwarded between host and guest.
forwardPorts.*.from | enum | "host" | host,guest | | Which side connects.
forwardPorts.*.proto | enum | "tcp" | tcp,udp | | The protocol.
forwardPorts.*.host.address | str | "" | | | IPv4 address on the host.
forwardPorts.*.host.port | port | (required) | | | Port on the host.
forwardPorts.*.guest.address | str | "" | | | IPv4 address in the guest.
forwardPorts.*.guest.port | port | (required) | | | Port in the guest.
volumes | listOf submodule | [] | | | Disk images attached to the VM; image must be unique.
volumes.*.image | str | (required) | | | Host path of the image, relative to /var/lib/microvms/<name>.
volumes.*.mountPoint | nullOr path | (required, may be null) | | | Where the guest mounts it.
volumes.*.size | int | (required if autoCreate) | | | Size in MiB.
volumes.*.autoCreate | bool | true | | | Create the image when missing.
volumes.*.fsType | str | "ext4" | | | File system created (ext2/3/4, xfs, btrfs, vfat).
volumes.*.label | nullOr str | null | | | File system label.
volumes.*.serial | nullOr str | null | | ignored on firecracker, kvmtool, alioth | Disk serial.
volumes.*.direct | bool | false | | ignored on firecracker, alioth | O_DIRECT access.
volumes.*.readOnly | bool | false | | | Attach read-only.
volumes.*.mkfsExtraArgs | listOf str | [] | | | Extra mkfs arguments.
volumes.*.imageType | enum | "raw" | raw,qcow2,vhd,vhdx | cloud-hypervisor only | Image format.
interfaces | listOf submodule | [] | | | Network interfaces; id unique and at most 15 characters.
interfaces.*.type | enum | (required) | user,tap,macvtap,bridge | user: qemu, kvmtool, vfkit; tap: all but vfkit; macvtap: qemu, cloud-hypervisor, crosvm, kvmtool; bridge: qemu | Interface type.
interfaces.*.id | str | (required) | | | Host interface name (at most 15 characters).
interfaces.*.mac | str | (required) | | | MAC address; use a locally administered one (02:...).
interfaces.*.bridge | nullOr str | null | | | The bridge; set exactly when type = "bridge".
interfaces.*.macvtap.link | str | (required for macvtap) | | | Parent host interface.
interfaces.*.macvtap.mode | enum | (required for macvtap) | private,vepa,bridge,passthru,source | | macvtap mode.
interfaces.*.tap.vhost | bool | false | | qemu only | Use vhost-net.
shares | listOf submodule | [] | | none on firecracker | Host directories shared with the guest; tag unique.
shares.*.tag | str | (required) | | | Share tag.
shares.*.source | nonEmptyStr | (required) | | | Host path, relative to /var/lib/microvms/<name>.
shares.*.mountPoint | path | (required) | | | Guest mount point ("/nix/.ro-store" for the store).
shares.*.proto | enum | "9p" | 9p,virtiofs | 9p: qemu, crosvm, kvmtool; virtiofs: all but kvmtool and firecracker | Share protocol.
shares.*.socket | nullOr str | virtiofs: "${hostName}-virtiofs-${tag}.sock" | | | virtiofsd socket.
shares.*.securityModel | enum | "none" | passthrough,none,mapped,mapped-file | | 9p security model.
shares.*.readOnly | bool | false | | not with 9p on crosvm and kvmtool | Read-only share.
shares.*.cache | enum | "auto" | auto,always,metadata,never | virtiofs only | virtiofs cache mode.
shares.*.posixAcl | bool | true | | | POSIX ACLs (false with --translate-uid/gid).
shares.*.extraArgs | listOf str | [] | | | virtiofsd arguments.
devices | listOf submodule | [] | | | Passed-through PCI or USB devices.
devices.*.bus | enum | (required) | pci,usb | usb: qemu, stratovirt; pci: not firecracker, alioth, vfkit | Device bus.
devices.*.path | str | (required) | | | Device address, e.g. "0000:01:00.0".
vsock.cid | nullOr int | null | | not vfkit | vsock context id; 0, 1 and 2 are reserved.
vsock.ssh.enable | bool | false | | | ssh over vsock; needs vsock.cid.
registerWithMachined | bool | false | | | Register with systemd-machined.
machineId | nullOr str | (hashed from hostName) | | | The guest's machine-id.
storeOnDisk | bool | true unless /nix/store is shared | | | Put the store closure on a disk image.
storeDiskType | enum | "erofs" | squashfs,erofs | | Store disk file system.
registerClosure | bool | = guest.enable | | | Load the closure into the guest's nix database.
writableStoreOverlay | nullOr str | null | | | A writable overlay on /nix/store, e.g. "/nix/.rw-store".
credentialFiles | attrsOf path | {} | | qemu only | systemd credentials passed to the guest.
graphics.enable | bool | false | | | Graphics output.
graphics.backend | enum | "gtk" (cocoa on Darwin) | gtk,cocoa,headless | | Graphics backend.
graphics.vulkan | nullOr enum | null | venus,drm_native_context | | Vulkan passthrough.
qemu.machine | str | "microvm" (x86_64) / "virt" (aarch64) | | qemu | qemu machine type.
qemu.extraArgs | listOf str | [] | | qemu | Extra qemu arguments.
qemu.serialConsole | bool | true | | qemu | Serial console.
cloud-hypervisor.extraArgs | listOf str | [] | | cloud-hypervisor | Extra arguments.
crosvm.extraArgs | listOf str | [] | | crosvm | Extra arguments.
firecracker.driveIoEngine | enum | "Async" | Async,Sync | firecracker | Drive IO engine.
firecracker.extraArgs | listOf str | [] | | firecracker | Extra arguments.
vfkit.extraArgs | listOf str | [] | | vfkit | Extra arguments.
vfkit.logLevel | nullOr enum | "info" | debug,info,error | vfkit | Log level.
prettyProcnames | bool | true | | | Readable process names.
virtiofsd.inodeFileHandles | nullOr enum | "prefer" | never,prefer,mandatory | | virtiofsd --inode-file-handles.
virtiofsd.group | nullOr str | "kvm" | | | virtiofsd group.
virtiofsd.extraArgs | listOf str | [] | | | Extra virtiofsd arguments.
runner | attrsOf package | (generated) | | | Output: a runner per hypervisor.
declaredRunner | package | runner.${hypervisor} | | | Output: the runner of the chosen hypervisor.
host:host.enable | bool | true | | | Turns the host module on.
host:host.startupTimeout | ints.positive | 150 | | | Seconds a MicroVM may take to start.
host:host.useNotifySockets | bool | false | | | microvm@ units of Type=notify.
host:stateDir | path | "/var/lib/microvms" | | | Where MicroVM state lives.
host:autostart | listOf str | [] | | | MicroVMs started at boot.
host:vms | attrsOf submodule | {} | | | Declarative MicroVMs; the name is the VM's hostName.
host:vms.<name>.config | nullOr NixOS module | null | | | The VM's own NixOS configuration; the host adds the guest module to it.
host:vms.<name>.flake | nullOr flake | null | | | Deploy nixosConfigurations.<name> of this flake.
host:vms.<name>.updateFlake | nullOr str | null | | | Flake reference for microvm -u.
host:vms.<name>.evaluatedConfig | nullOr unspecified | null | | | A pre-evaluated system.
host:vms.<name>.pkgs | nullOr pkgs | host pkgs | | | Package set (only with config).
host:vms.<name>.nixpkgs | path | pkgs.path | | | nixpkgs (only with config).
host:vms.<name>.specialArgs | attrsOf unspecified | {} | | | specialArgs (only with config).
host:vms.<name>.extraModules | listOf module | [] | | | Extra modules (only with config).
host:vms.<name>.autostart | bool | true | | | Start at boot.
host:vms.<name>.restartIfChanged | bool | config != null | | | Restart on nixos-rebuild switch when changed.
`

func init() {
	for _, line := range strings.Split(optionTable, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "|")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		o := Option{Path: f[0], Type: f[1], Default: f[2], Hypervisors: f[4], Doc: f[5], Module: "microvm"}
		if p, ok := strings.CutPrefix(o.Path, "host:"); ok {
			o.Path, o.Module = p, "host"
		}
		if f[3] != "" {
			o.Values = strings.Split(f[3], ",")
		}
		Options[o.Path] = o
	}
	// Parents of nested options are option sets.
	for p := range Options {
		segs := strings.Split(p, ".")
		for i := 1; i < len(segs); i++ {
			q := strings.Join(segs[:i], ".")
			if _, ok := Options[q]; !ok {
				Options[q] = Option{Path: q, Type: "submodule", Module: Options[p].Module}
			}
		}
	}
}

// LookupOption returns the option at a path relative to "microvm.", with
// list elements written "*" (or not at all) and VM names as they are.
func LookupOption(path []string) (Option, bool) {
	key, ok := optionKey(path)
	if !ok {
		return Option{}, false
	}
	o, ok := Options[key]
	return o, ok
}

// optionKey maps concrete path segments onto the table's keys.
func optionKey(path []string) (string, bool) {
	var segs []string
	for i, s := range path {
		q := strings.Join(append(segs[:len(segs):len(segs)], s), ".")
		switch {
		case s == "*":
			segs = append(segs, "*")
		case len(segs) == 1 && segs[0] == "vms":
			segs = append(segs, "<name>")
		default:
			if _, ok := Options[q]; !ok {
				// a list element written without "*"
				star := strings.Join(append(segs[:len(segs):len(segs)], "*", s), ".")
				if _, ok := Options[star]; ok && i > 0 {
					segs = append(segs, "*", s)
					continue
				}
				return "", false
			}
			segs = append(segs, s)
		}
	}
	return strings.Join(segs, "."), len(segs) > 0
}

// ChildOptions returns the options directly below a path (relative to
// "microvm."), sorted by name.
func ChildOptions(path []string) []Option {
	prefix := ""
	if len(path) > 0 {
		key, ok := optionKey(path)
		if !ok {
			return nil
		}
		if o := Options[key]; o.ListOfSubmodules() {
			key += ".*"
		}
		prefix = key + "."
	}
	var out []Option
	for p, o := range Options {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok || rest == "" || strings.Contains(rest, ".") || rest == "*" || rest == "<name>" {
			continue
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Name is the last segment of the option's path.
func (o Option) Name() string { return o.Path[strings.LastIndexByte(o.Path, '.')+1:] }

// Markdown describes the option for a hover.
func (o Option) Markdown() string {
	var b strings.Builder
	b.WriteString("```\nmicrovm." + strings.ReplaceAll(o.Path, ".*.", ".*.") + "\n```\n")
	if o.Doc != "" {
		b.WriteString(o.Doc + "\n\n")
	}
	b.WriteString("- type: `" + o.Type + "`\n")
	if o.Default != "" {
		b.WriteString("- default: `" + o.Default + "`\n")
	}
	if len(o.Values) > 0 {
		b.WriteString("- values: " + quoteJoin(o.Values) + "\n")
	}
	if o.Hypervisors != "" {
		b.WriteString("- hypervisors: " + o.Hypervisors + "\n")
	}
	mod := "microvm.nixosModules.microvm (and microvm-options)"
	if o.Module == "host" {
		mod = "microvm.nixosModules.host"
	}
	b.WriteString("- declared by: " + mod + "\n")
	return b.String()
}

func quoteJoin(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "`\"" + v + "\"`"
	}
	return strings.Join(q, ", ")
}
