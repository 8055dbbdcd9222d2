package analysis

import (
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Roles a system plays for microvm.nix, as editors show them.
const (
	RoleTextNone     = "no microvm module"
	RoleTextHost     = "host"
	RoleTextGuest    = "guest"
	RoleTextNested   = "host + guest (nested)"
	RoleTextConflict = "conflict"
	// A nix-darwin system or a home-manager configuration is never a
	// microvm.nix host or guest.
	RoleTextDarwin = "none (a nix-darwin system)"
	RoleTextHome   = "none (a home-manager configuration)"
)

// SystemInfo describes one NixOS system of a workspace for editor features:
// where it is declared, the role it plays and the microvm.nix modules of its
// closure.
type SystemInfo struct {
	Name     string
	Kind     string // "nixos", "vm", "container", "configuration"; "darwin" (nix-darwin), "home" (home-manager)
	File     string
	Pos, End int // the declaration (the nixosSystem call, or the vms.<n> binding)
	Role     string
	Parent   string // name of the host system for microvm.vms.<n> and containers
	Unknown  bool   // some module could not be resolved: the role may be incomplete
	Template bool   // declared in a function never applied where the analysis sees it
	Modules  []ModuleInfo
	Files    []string // the workspace files whose modules belong to the system

	// Wiring says how the system is built ("nixosSystem", "flake-parts",
	// "snowfall", "colmena", "clan", "digga", "readDir", "configuration",
	// "vm", "container").
	Wiring string
	// Imports is which microvm.nix modules the closure holds, whatever
	// the enable toggles say: ImportsHost, ImportsGuest, ImportsBoth or
	// ImportsNone.
	Imports string
	// GuestEnable and HostEnable are the literal values of
	// microvm.guest.enable and microvm.host.enable; nil when not set to
	// a literal.
	GuestEnable, HostEnable *bool
	// UnknownAt are the expressions that could not be followed (why the
	// closure is partial), at most a few dozen.
	UnknownAt []Hop
	// Guests are the system's microvm.vms.<name>, as far as literals tell.
	Guests []GuestInfo
}

// GuestInfo is one microvm.vms.<name> of a host.
type GuestInfo struct {
	Name string
	// Source is how the VM's system is given: "config", "flake",
	// "evaluatedConfig", "unknown", or "autostart" (named in
	// microvm.autostart only: the microvm command manages it).
	Source string
	// Imports is the guest system's ImportsXxx when it is known ("" when
	// not, e.g. a flake whose nixosConfigurations is not in the workspace).
	Imports string
}

// Values of SystemInfo.Imports.
const (
	ImportsHost  = "host"
	ImportsGuest = "guest"
	ImportsBoth  = "both"
	ImportsNone  = "none"
)

// ModuleInfo is one microvm.nix module element in a system's closure.
type ModuleInfo struct {
	Which    string // ModHost, ModMicrovm or ModOptions
	File     string
	Pos, End int
	Implicit bool   // the guest module the host adds to microvm.vms.<n>.config
	Cond     string // the condition of a conditional import
	Chain    string // "flake.nix:12 → hosts/a.nix:3": how the element was reached
}

// Systems returns every system of the workspace with its role.
func Systems(ws *Workspace) []*SystemInfo {
	return systemsOf(buildGraph(ws, nil), ws)
}

func systemsOf(g *graph, ws *Workspace) []*SystemInfo {
	return systemsWith(g, func(s *System) *SystemInfo {
		info := systemInfo(g, s, ws)
		return &info
	})
}

// systemsWith returns the infos of g's systems, each from info.
func systemsWith(g *graph, info func(*System) *SystemInfo) []*SystemInfo {
	out := make([]*SystemInfo, 0, len(g.systems)+len(g.others))
	for _, s := range append(g.systems[:len(g.systems):len(g.systems)], g.others...) {
		if s.Kind == "file" {
			continue // a module no system reads, checked on its own
		}
		out = append(out, info(s))
	}
	return out
}

// systemInfo describes s. It reads s and the files its root read, the
// workspace's microvm.nix facts, input sources and root, nothing else.
func systemInfo(g *graph, s *System, ws *Workspace) SystemInfo {
	if otherClass(s) {
		return otherSystemInfo(g, s, ws)
	}
	si := SystemInfo{Name: s.Name, Kind: s.Kind, File: s.File, Pos: s.Pos, End: s.Pos, Unknown: s.Unknown, Role: roleOf(s),
		Wiring: s.Wiring, Imports: importsOf(s), UnknownAt: s.UnknownAt, Template: s.template}
	if s.Unknown && len(si.UnknownAt) == 0 {
		si.UnknownAt = []Hop{{File: s.File, Pos: s.Pos, End: s.Pos}}
	}
	v := s.optView(ws.MicrovmFor(s.File))
	si.GuestEnable = literalBool(v, "microvm", "guest", "enable")
	si.HostEnable = literalBool(v, "microvm", "host", "enable")
	si.Guests = guestsOf(g, s, v)
	si.Files = append(si.Files, s.File)
	for f := range s.visited {
		if f != s.File {
			si.Files = append(si.Files, f)
		}
	}
	sort.Strings(si.Files[1:])
	if s.Parent != nil {
		si.Parent = s.Parent.Name
	}
	if f := ws.At(s.File); f != nil {
		si.End = declEnd(f.Src, s.Pos)
	}
	for _, e := range s.Elems {
		if e.Which == "" {
			continue
		}
		var hops []string
		for _, h := range e.Via.With(Hop{File: e.File, Pos: e.Pos, End: e.End}).Slice() {
			hops = append(hops, g.where(h.File, h.Pos))
		}
		si.Modules = append(si.Modules, ModuleInfo{Which: e.Which, File: e.File, Pos: e.Pos, End: e.End,
			Implicit: e.Implicit, Cond: e.Cond, Chain: strings.Join(hops, " → ")})
	}
	return si
}

// otherSystemInfo describes a system of another class: its wiring and
// closure, and a role that says it is none of microvm.nix's.
func otherSystemInfo(g *graph, s *System, ws *Workspace) SystemInfo {
	si := SystemInfo{Name: s.Name, Kind: s.Kind, File: s.File, Pos: s.Pos, End: s.Pos, Unknown: s.Unknown, Role: RoleTextDarwin,
		Wiring: s.Wiring, Imports: ImportsNone, UnknownAt: s.UnknownAt, Template: s.template}
	if s.Kind == KindHome {
		si.Role = RoleTextHome
	}
	if s.Unknown && len(si.UnknownAt) == 0 {
		si.UnknownAt = []Hop{{File: s.File, Pos: s.Pos, End: s.Pos}}
	}
	si.Files = append(si.Files, s.File)
	for f := range s.visited {
		if f != s.File {
			si.Files = append(si.Files, f)
		}
	}
	sort.Strings(si.Files[1:])
	if f := ws.At(s.File); f != nil {
		si.End = declEnd(f.Src, s.Pos)
	}
	return si
}

// importsOf says which microvm.nix modules s's closure holds.
func importsOf(s *System) string {
	host, guest := s.Has(ModHost), s.Has(ModMicrovm)
	switch {
	case host && guest:
		return ImportsBoth
	case host:
		return ImportsHost
	case guest:
		return ImportsGuest
	}
	return ImportsNone
}

// literalBool returns the literal boolean a system gives path, if any.
func literalBool(v *optView, path ...string) *bool {
	l, _, ok := v.single(path...)
	if !ok || l.Kind != "bool" {
		return nil
	}
	b := l.B
	return &b
}

// guestsOf lists the VMs a host declares: each microvm.vms.<name> with a
// literal name, and how its system is given.
func guestsOf(g *graph, s *System, v *optView) []GuestInfo {
	var out []GuestInfo
	for _, n := range vmNames(v) {
		gi := GuestInfo{Name: n, Source: "unknown"}
		switch {
		case len(v.get("microvm", "vms", n, "config")) > 0 || definedBelow(v, n, "config"):
			gi.Source = "config"
			for _, c := range g.systems {
				if c.Parent == s && c.Kind == "vm" && c.Name == n {
					gi.Imports = importsOf(c)
				}
			}
		case len(v.get("microvm", "vms", n, "evaluatedConfig")) > 0:
			gi.Source = "evaluatedConfig"
		default:
			if len(v.get("microvm", "vms", n, "flake")) > 0 {
				gi.Source = "flake"
			}
			// A flake VM (or one whose value is not literal, most often
			// { flake = self; }): by convention the flake is this one and
			// holds nixosConfigurations.<name>.
			for _, c := range g.systems {
				if c.Name == n && c.Kind == "nixos" && c.named {
					gi.Imports = importsOf(c)
				}
			}
		}
		out = append(out, gi)
	}
	// A VM the host starts by name that microvm.vms does not declare is
	// managed by the microvm command, most often from this flake's
	// nixosConfigurations.<name>.
	declared := map[string]bool{}
	for _, gi := range out {
		declared[gi.Name] = true
	}
	for _, n := range s.Autostart {
		if declared[n] {
			continue
		}
		declared[n] = true
		gi := GuestInfo{Name: n, Source: "autostart"}
		for _, c := range g.systems {
			if c.Name == n && c.Kind == "nixos" && c.named {
				gi.Imports = importsOf(c)
			}
		}
		out = append(out, gi)
	}
	return out
}

// declEnd returns the end of the line holding pos, so that a declaration's
// range covers its first line.
func declEnd(src []byte, pos int) int {
	if pos < 0 || pos > len(src) {
		return pos
	}
	for i := pos; i < len(src); i++ {
		if src[i] == '\n' {
			return i
		}
	}
	return len(src)
}

func roleOf(s *System) string {
	host := s.Has(ModHost)
	guest := s.Has(ModMicrovm)
	switch {
	case host && guest && s.Kind != "vm" && !s.GuestDisabled && !s.Unknown:
		for _, e := range s.Elems {
			if e.Which == ModMicrovm && !e.Implicit {
				if s.BareMetal || !looksLikeVM(s) {
					return RoleTextConflict
				}
				return RoleTextNested
			}
		}
		return RoleTextNested
	case host && guest && s.GuestDisabled:
		return RoleTextHost
	case host && guest:
		return RoleTextNested
	case host:
		return RoleTextHost
	case guest || s.Has(ModOptions) && s.Kind == "vm":
		return RoleTextGuest
	}
	return RoleTextNone
}

// looksLikeVM reports whether a system defines options only a MicroVM
// would: it then nests VMs on purpose.
func looksLikeVM(s *System) bool {
	for _, d := range s.Defs {
		if len(d.Path) >= 2 && microvm.DescribesVM(d.Path[1]) {
			return true
		}
	}
	for _, set := range s.MicrovmSets {
		for _, b := range set.Set.Bindings {
			if as, ok := b.(*nixast.AttrAssign); ok {
				if n, ok := as.Path.Names[0].StaticName(); ok && microvm.DescribesVM(n) {
					return true
				}
			}
		}
	}
	return false
}

// definedBelow reports whether something below microvm.vms.<name>.<attr> is defined.
func definedBelow(v *optView, name, attr string) bool {
	for _, d := range v.underVM(name) {
		if len(d.Path) > 4 && d.Path[3] == attr {
			return true
		}
	}
	return false
}
