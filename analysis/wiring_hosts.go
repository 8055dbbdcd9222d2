package analysis

import (
	"path"
	"sort"
	"strings"
)

// digga and flake-utils-plus: mkFlake takes hosts.<name>.modules and
// hostDefaults.modules (digga under its nixos attribute, where imports may
// hold digga.lib.importHosts ./dir: one host per entry of dir).
func (g *graph) hostsFramework(arg *attrsV, file, text string) {
	ev := g.ev
	if !strings.Contains(text, "digga") {
		g.hostsOf(arg, arg, file, "flake-utils-plus", "")
		return
	}
	// digga: the NixOS hosts under nixos, the nix-darwin ones under darwin
	for _, class := range []struct{ attr, kind string }{{"nixos", "nixos"}, {"darwin", KindDarwin}} {
		v := ev.force(arg.Attrs[class.attr])
		if p, ok := v.(*pathV); ok && p.File != "" {
			v = ev.force(ev.fileRoot(p.File))
		}
		if l, ok := v.(*lambdaV); ok {
			self := ev.force(g.flakeArgsFor(file).Attrs["self"])
			v = ev.apply(l, valThunk(&attrsV{Attrs: map[string]*thunk{"inputs": valThunk(g.flakeArgsFor(file)), "self": valThunk(self)}}), nil, file)
		}
		if a, ok := v.(*attrsV); ok {
			g.hostsOf(arg, a, file, "digga", class.kind)
		}
	}
}

// hostsOf adds the hosts of one configuration of digga or flake-utils-plus:
// of a kind, or (kind "") of the kind each host's output or builder says.
// top is the whole argument of the framework call (digga: its lib).
func (g *graph) hostsOf(top, conf *attrsV, file, wiring, kind string) {
	ev := g.ev
	get := func(v Value, names ...string) Value {
		for _, n := range names {
			a, ok := v.(*attrsV)
			if !ok {
				return unknown
			}
			t, ok := a.Attrs[n]
			if !ok {
				return nil
			}
			v = ev.force(t)
		}
		return v
	}
	// host name → module lists, from importHosts and from hosts
	hosts := map[string][]Value{}
	known := true
	if l, ok := get(conf, "imports").(*listV); ok {
		for _, el := range l.Elems {
			if h, ok := get(ev.force(el.th), "hosts").(*attrsV); ok {
				for _, n := range sortedKeys(h) {
					hosts[n] = append(hosts[n], get(h, n, "modules"))
				}
			} else {
				known = false
			}
		}
	}
	if h, ok := get(conf, "hosts").(*attrsV); ok {
		for _, n := range sortedKeys(h) {
			hosts[n] = append(hosts[n], get(h, n, "modules"))
		}
		known = known && h.Complete
	}
	defaults := get(conf, "hostDefaults", "modules")
	names := make([]string, 0, len(hosts))
	for n := range hosts {
		names = append(names, n)
	}
	sort.Strings(names)
	args := g.flakeArgsFor(file)
	if imp, ok := get(conf, "importables").(*attrsV); ok && wiring == "digga" && args != nil {
		// digga passes its importables (suites, profiles) to every host
		withImp := &attrsV{Attrs: map[string]*thunk{}, Complete: args.Complete}
		for k, t := range args.Attrs {
			withImp.Attrs[k] = t
		}
		for k, t := range imp.Attrs {
			if k == "suites" {
				t = valThunk(ev.flattenSuites(ev.force(t)))
			}
			withImp.Attrs[k] = t
		}
		args = withImp
	}
	if wiring == "digga" && args != nil {
		// digga's modules get nixpkgs' lib with the flake's own lib as lib.our
		if our := top.Attrs["lib"]; our != nil {
			withLib := &attrsV{Attrs: map[string]*thunk{}, Complete: args.Complete}
			for k, t := range args.Attrs {
				withLib.Attrs[k] = t
			}
			withLib.Attrs["lib"] = valThunk(&attrsV{Attrs: map[string]*thunk{"our": our}})
			args = withLib
		}
	}
	for _, n := range names {
		k := kind
		if k == "" {
			// flake-utils-plus: output = "darwinConfigurations", or a
			// builder of nix-darwin
			k = "nixos"
			out, _ := knownString(get(conf, "hosts", n, "output"))
			b, _ := get(conf, "hosts", n, "builder").(*builtinV)
			if out == "darwinConfigurations" || b != nil && classCalls[b.Name] == KindDarwin {
				k = KindDarwin
			}
		}
		s := g.newSystem(n, k, file, 0)
		s.Wiring, s.named, s.template = wiring, true, g.template > 0
		s.args = args
		if !known {
			s.partial(file, 0, 0)
		}
		for _, ml := range append([]Value{defaults}, hosts[n]...) {
			if ml == nil {
				continue
			}
			l, ok := ml.(*listV)
			if !ok {
				s.partial(file, 0, 0)
				continue
			}
			for _, el := range l.Elems {
				g.addElem(s, el, Hops{})
			}
		}
		g.finish(s)
	}
}

// importHosts is digga's: one host per entry of a directory (a directory
// with a default.nix, or a .nix file), its modules the entry.
func (ev *evaluator) importHosts(dir string, file string) Value {
	out := &attrsV{Attrs: map[string]*thunk{}, Complete: true}
	for name, t := range ev.readDir(dir).Attrs {
		kind, _ := knownString(ev.force(t))
		var p string
		switch {
		case kind == "directory" && ev.ws.At(path.Join(dir, name, "default.nix")) != nil:
			p = path.Join(dir, name, "default.nix")
		case kind == "regular" && strings.HasSuffix(name, ".nix") && name != "default.nix":
			p, name = path.Join(dir, name), strings.TrimSuffix(name, ".nix")
		default:
			continue
		}
		mods := &listV{Elems: []elem{{File: p, th: valThunk(&pathV{File: p, Text: p, Abs: p})}}}
		out.Attrs[name] = valThunk(&attrsV{Attrs: map[string]*thunk{"modules": valThunk(mods)}, Complete: true})
	}
	return &attrsV{Attrs: map[string]*thunk{"hosts": valThunk(out)}, Complete: true}
}
