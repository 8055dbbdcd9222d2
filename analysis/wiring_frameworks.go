package analysis

import (
	"path"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Readers of deployment tools and flake-parts modules that build NixOS
// systems from an attribute set of their own: colmena's hive, clan's
// machines and inventory, easy-hosts and ez-configs host maps, haumea's
// directory loads.

// frameworkAttr reads a binding whose attribute names a framework's set
// (colmena, clan, easy-hosts, ezConfigs); false when it is not one.
func (g *graph) frameworkAttr(names []string, v nixast.Expr, e *env, file string) bool {
	if len(names) == 0 {
		return false
	}
	// at a flake's outputs, in a flake-parts module or its flake attribute
	top := len(names) == 1 || (len(names) == 2 && (names[0] == "outputs" || names[0] == "flake")) ||
		(len(names) == 3 && names[0] == "outputs" && names[1] == "flake")
	if !top {
		return false
	}
	switch names[len(names)-1] {
	case "colmena":
		a, ok := g.ev.eval(v, e, file).(*attrsV)
		if !ok {
			return false
		}
		g.colmena(a, file)
		return true
	case "clan":
		if !g.hasInput(file, "clan") {
			return false
		}
		cv := g.ev.eval(v, e, file)
		if a, ok := cv.(*attrsV); ok && a.Attrs["machines"] == nil && a.Attrs["inventory"] == nil && a.Attrs["meta"] == nil {
			return false // clan.core.… options of a NixOS module
		}
		g.clan(cv, v, file)
		return true
	case "easy-hosts":
		a, ok := g.ev.eval(v, e, file).(*attrsV)
		if !ok {
			return false
		}
		g.easyHosts(a, file)
		return true
	case "ezConfigs":
		a, ok := g.ev.eval(v, e, file).(*attrsV)
		if !ok {
			return false
		}
		g.ezConfigs(a, file)
		return true
	}
	return false
}

// attrAt follows names from v: nil when an attribute set certainly lacks
// one, unknown when it may hold it.
func (ev *evaluator) attrAt(v Value, names ...string) Value {
	for _, n := range names {
		a, ok := v.(*attrsV)
		if !ok {
			return unknown
		}
		t, ok := a.Attrs[n]
		if !ok {
			if a.Complete {
				return nil
			}
			return unknown
		}
		v = ev.force(t)
	}
	return v
}

// thunkElem is a module given as an attribute's value.
func thunkElem(t *thunk, file string) elem {
	if t.file != "" {
		file = t.file
	}
	return elem{File: file, Node: t.expr, th: t}
}

// pathElem is a module given as a workspace file.
func pathElem(p, file string, at nixast.Expr) elem {
	return elem{File: file, Node: at, th: valThunk(&pathV{File: p, Text: p, Abs: p})}
}

// frameworkSystem adds a system built by a framework from module lists;
// a list that is not known makes the closure partial.
func (g *graph) frameworkSystem(name, wiring, file string, pos int, args *attrsV, lists ...Value) *System {
	return g.frameworkSystemOf("nixos", name, wiring, file, pos, args, lists...)
}

// frameworkSystemOf is frameworkSystem for a system of a kind: "nixos", or
// a nix-darwin system (wiring_classes.go).
func (g *graph) frameworkSystemOf(kind, name, wiring, file string, pos int, args *attrsV, lists ...Value) *System {
	s := g.newSystem(name, kind, file, pos)
	s.Wiring, s.named, s.template = wiring, true, g.template > 0
	s.args = args
	for _, ml := range lists {
		switch l := ml.(type) {
		case nil:
		case *listV:
			for _, el := range l.Elems {
				g.addElem(s, el, Hops{})
			}
		default:
			s.partial(file, pos, pos)
		}
	}
	g.finish(s)
	return s
}

// withArgs is the flake's module arguments with extra ones (specialArgs).
func (g *graph) withArgs(file string, extra ...Value) *attrsV {
	a := &attrsV{Attrs: map[string]*thunk{}}
	if fl := g.flakeArgsFor(file); fl != nil {
		for k, v := range fl.Attrs {
			a.Attrs[k] = v
		}
	}
	for _, x := range extra {
		if xa, ok := x.(*attrsV); ok {
			for k, v := range xa.Attrs {
				a.Attrs[k] = v
			}
		}
	}
	return a
}

func posOf(t *thunk) int {
	if t == nil || t.expr == nil {
		return 0
	}
	return t.expr.Pos()
}

// colmena reads a hive: every attribute but meta and defaults is a node, a
// NixOS module; defaults is a module of every node; meta.specialArgs and
// meta.nodeSpecialArgs.<node> are module arguments. meta.nixpkgs and
// meta.nodeNixpkgs choose package sets, not nodes.
func (g *graph) colmena(hive *attrsV, file string) {
	ev := g.ev
	meta := ev.force(hive.Attrs["meta"])
	var defaults Value
	if t := hive.Attrs["defaults"]; t != nil {
		defaults = &listV{Elems: []elem{thunkElem(t, file)}}
	}
	for _, n := range sortedKeys(hive) {
		if n == "meta" || n == "defaults" {
			continue
		}
		t := hive.Attrs[n]
		args := g.withArgs(file, ev.attrAt(meta, "specialArgs"), ev.attrAt(meta, "nodeSpecialArgs", n))
		g.frameworkSystem(n, "colmena", t.file, posOf(t), args, defaults, &listV{Elems: []elem{thunkElem(t, file)}})
	}
}

// clan reads clan-core's buildClan/clan arguments (or a flake-parts clan
// module): one machine per attribute of machines and of
// inventory.machines (a nix-darwin system when its machineClass is darwin),
// each with machines/<name>/configuration.nix below the clan's directory
// and its machines.<name> module.
func (g *graph) clan(v Value, at nixast.Expr, file string) {
	ev := g.ev
	if l, ok := v.(*lambdaV); ok { // a flake-parts module: { self, ... }: { … }
		v = ev.eval(l.L.Body, ev.bindLambda(l, valThunk(g.withArgs(file))), l.File)
	}
	a, ok := v.(*attrsV)
	if !ok {
		return
	}
	dir := path.Dir(file)
	if p, ok := ev.attrAt(a, "directory").(*pathV); ok && p.Abs != "" {
		dir = p.Abs
	}
	machines, _ := ev.attrAt(a, "machines").(*attrsV)
	inv, _ := ev.attrAt(a, "inventory", "machines").(*attrsV)
	names := map[string]bool{}
	darwin := map[string]bool{}
	if machines != nil {
		for n := range machines.Attrs {
			names[n] = true
		}
	}
	if inv != nil {
		for n := range inv.Attrs {
			if class, ok := knownString(ev.attrAt(ev.force(inv.Attrs[n]), "machineClass")); ok && class != "nixos" {
				g.skip = append(g.skip, path.Join(dir, "machines", n, "configuration.nix"))
				if class != "darwin" {
					continue
				}
				darwin[n] = true
			}
			names[n] = true
		}
	}
	// machines/<name>/ directories are machines too
	for n, t := range ev.readDir(path.Join(dir, "machines")).Attrs {
		if k, _ := knownString(ev.force(t)); k == "directory" && ev.ws.At(path.Join(dir, "machines", n, "configuration.nix")) != nil {
			if inv != nil && inv.Attrs[n] != nil {
				if class, ok := knownString(ev.attrAt(ev.force(inv.Attrs[n]), "machineClass")); ok && class != "nixos" && class != "darwin" {
					continue
				}
			}
			names[n] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	args := g.withArgs(file, ev.attrAt(a, "specialArgs"))
	// inventory services may give machines modules of their own (a role's
	// extraModules, by tag or machine): not read, they make closures partial
	extra := false
	if inst, ok := ev.attrAt(a, "inventory", "instances").(*attrsV); ok {
		for _, i := range sortedKeys(inst) {
			if roles, ok := ev.attrAt(ev.force(inst.Attrs[i]), "roles").(*attrsV); ok {
				for _, r := range sortedKeys(roles) {
					if ev.attrAt(ev.force(roles.Attrs[r]), "extraModules") != nil {
						extra = true
					}
				}
			}
		}
	}
	for _, n := range sorted {
		l := &listV{}
		declFile, pos := file, 0
		if at != nil {
			pos = at.Pos()
		}
		if c := path.Join(dir, "machines", n, "configuration.nix"); ev.ws.At(c) != nil {
			l.Elems = append(l.Elems, pathElem(c, file, at))
			declFile, pos = c, 0
		}
		if machines != nil && machines.Attrs[n] != nil {
			t := machines.Attrs[n]
			l.Elems = append(l.Elems, thunkElem(t, file))
			if declFile == file {
				declFile, pos = t.file, posOf(t)
			}
		}
		kind := "nixos"
		if darwin[n] {
			kind = KindDarwin
		}
		s := g.frameworkSystemOf(kind, n, "clan", declFile, pos, args, l)
		if extra || machines == nil && !a.Complete {
			s.partialExpr(file, at)
		}
	}
}

// easyHosts reads easy-hosts: hosts.<name> with its modules (and path), one
// host per directory of path when autoConstruct is set, shared.modules in
// every host. perClass adds modules by class: not read, the closure is
// partial then.
func (g *graph) easyHosts(a *attrsV, file string) {
	ev := g.ev
	hosts := map[string]Value{}
	if h, ok := ev.attrAt(a, "hosts").(*attrsV); ok {
		for n, t := range h.Attrs {
			hosts[n] = ev.force(t)
		}
	}
	root, _ := ev.attrAt(a, "path").(*pathV)
	if auto, _ := boolOf(ev.attrAt(a, "autoConstruct")); auto && root != nil && root.Abs != "" {
		for n, t := range ev.readDir(root.Abs).Attrs {
			if k, _ := knownString(ev.force(t)); k == "directory" && hosts[n] == nil {
				hosts[n] = &attrsV{Attrs: map[string]*thunk{}, Complete: true}
			}
		}
	}
	shared := ev.attrAt(a, "shared", "modules")
	perClass := ev.attrAt(a, "perClass")
	names := make([]string, 0, len(hosts))
	for n := range hosts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := hosts[n]
		kind := "nixos"
		if class, ok := knownString(ev.attrAt(h, "class")); ok && class != "nixos" {
			if class != "darwin" {
				continue
			}
			kind = KindDarwin
		}
		own := &listV{}
		p, _ := ev.attrAt(h, "path").(*pathV)
		if p == nil && root != nil && root.Abs != "" {
			p = &pathV{Abs: path.Join(root.Abs, n)}
			p.File = ev.resolvePath(path.Join(root.Abs, "x"), n)
		}
		declFile, pos := file, 0
		if ha, ok := h.(*attrsV); ok && ha.Node != nil {
			pos = ha.Node.Pos()
		}
		if p != nil && p.File != "" {
			own.Elems = append(own.Elems, pathElem(p.File, file, nil))
			if pos == 0 {
				declFile = p.File
			}
		}
		s := g.frameworkSystemOf(kind, n, "easy-hosts", declFile, pos, g.withArgs(file, ev.attrAt(h, "specialArgs")), shared, ev.attrAt(h, "modules"), own)
		if perClass != nil {
			s.partial(file, 0, 0)
		}
	}
}

// ezConfigs reads ez-configs: one NixOS host per <name>.nix or
// <name>/default.nix of nixos.configurationsDirectory (root/nixos-configurations
// unless set), with globalArgs and ezModules (the files of
// nixos.modulesDirectory, root/nixos-modules unless set) as module arguments
// and the default module of that directory unless the host's importDefault
// is false; nix-darwin systems alike from darwin.configurationsDirectory
// (root/darwin-configurations, modules root/darwin-modules); and a
// home-manager configuration per user of home.configurationsDirectory
// (root/home-configurations, modules root/home-modules) and host, named
// user@host, or one named user when its standalone.enable is true.
func (g *graph) ezConfigs(a *attrsV, file string) {
	hosts := g.ezConfigsOf(a, file, "nixos", "nixos", "nixos-configurations", "nixos-modules", nil)
	hosts = append(hosts, g.ezConfigsOf(a, file, KindDarwin, "darwin", "darwin-configurations", "darwin-modules", nil)...)
	sort.Strings(hosts)
	g.ezConfigsOf(a, file, KindHome, "home", "home-configurations", "home-modules", hosts)
}

// ezConfigsOf reads the configurations of one class of ez-configs: its
// attribute set's name and the default directories of its configurations
// and modules. For home configurations, hosts are the hosts' names, each
// user's configuration made once per host. It returns the names read.
func (g *graph) ezConfigsOf(a *attrsV, file, kind, attr, confDir, modulesDir string, hosts []string) []string {
	ev := g.ev
	root := path.Dir(file)
	if p, ok := ev.attrAt(a, "root").(*pathV); ok && p.Abs != "" {
		root = p.Abs
	}
	dirAt := func(name, def string) string {
		if p, ok := ev.attrAt(a, attr, name).(*pathV); ok && p.Abs != "" {
			return p.Abs
		}
		return path.Join(root, def)
	}
	entries := func(dir string) map[string]string {
		out := map[string]string{}
		for n, t := range ev.readDir(dir).Attrs {
			k, _ := knownString(ev.force(t))
			switch {
			case k == "directory" && ev.ws.At(path.Join(dir, n, "default.nix")) != nil:
				out[n] = path.Join(dir, n, "default.nix")
			case k == "regular" && strings.HasSuffix(n, ".nix"):
				out[strings.TrimSuffix(n, ".nix")] = path.Join(dir, n)
			}
		}
		return out
	}
	ezModules := &attrsV{Attrs: map[string]*thunk{}, Complete: true}
	for n, f := range entries(dirAt("modulesDirectory", modulesDir)) {
		ezModules.Attrs[n] = valThunk(&pathV{File: f, Text: f, Abs: f})
	}
	confs := entries(dirAt("configurationsDirectory", confDir))
	delete(confs, "default") // a default.nix of the directory is no configuration
	names := make([]string, 0, len(confs))
	for n := range confs {
		names = append(names, n)
	}
	sort.Strings(names)
	args := g.withArgs(file, ev.attrAt(a, "globalArgs"), &attrsV{Attrs: map[string]*thunk{"ezModules": valThunk(ezModules)}})
	settings := "hosts"
	if kind == KindHome {
		settings = "users"
	}
	for _, n := range names {
		l := &listV{Elems: []elem{pathElem(confs[n], file, nil)}}
		if def := ezModules.Attrs["default"]; def != nil {
			if imp, ok := boolOf(ev.attrAt(a, attr, settings, n, "importDefault")); !ok || imp {
				l.Elems = append(l.Elems, thunkElem(def, file))
			}
		}
		if kind != KindHome {
			g.frameworkSystemOf(kind, n, "ez-configs", confs[n], 0, args, l)
			continue
		}
		if standalone, _ := boolOf(ev.attrAt(a, attr, settings, n, "standalone", "enable")); standalone {
			g.frameworkSystemOf(kind, n, "ez-configs", confs[n], 0, args, l)
			continue
		}
		for _, h := range hosts {
			g.frameworkSystemOf(kind, n+"@"+h, "ez-configs", confs[n], 0, args, l)
		}
	}
	return names
}

// haumeaLoad is haumea's lib.load { src; inputs; loader; }: an attribute
// per file (without .nix) and directory below src, but those starting with
// "_". A file's value is the file, applied to inputs when it is a function;
// with loaders.path it is the file's path; with another loader, not known.
func (ev *evaluator) haumeaLoad(arg Value, call *nixast.Apply, file string) Value {
	a, ok := arg.(*attrsV)
	if !ok {
		return unknown
	}
	src, ok := ev.attrAt(a, "src").(*pathV)
	if !ok || src.Abs == "" {
		return unknown
	}
	loader := "default"
	if t := a.Attrs["loader"]; t != nil {
		loader = "other"
		if t.expr != nil && strings.HasSuffix(condText(ev.ws, t.file, t.expr), "loaders.path") {
			loader = "path"
		}
	}
	inputs, _ := ev.attrAt(a, "inputs").(*attrsV)
	var load func(dir string, depth int) *attrsV
	load = func(dir string, depth int) *attrsV {
		out := &attrsV{Attrs: map[string]*thunk{}, Complete: true, fromDir: "haumea"}
		for n, t := range ev.readDir(dir).Attrs {
			if strings.HasPrefix(n, "_") {
				continue
			}
			k, _ := knownString(ev.force(t))
			p := path.Join(dir, n)
			switch {
			case k == "directory" && depth < 8:
				sub := load(p, depth+1)
				out.Attrs[n] = valThunk(sub)
			case k == "regular" && strings.HasSuffix(n, ".nix"):
				n = strings.TrimSuffix(n, ".nix")
				switch loader {
				case "path":
					out.Attrs[n] = valThunk(&pathV{File: p, Text: p, Abs: p})
				case "default":
					out.Attrs[n] = &thunk{file: p, fn: func() Value {
						v := ev.force(ev.fileRoot(p))
						if l, ok := v.(*lambdaV); ok {
							// haumea passes the inputs given to load, and
							// self, super and root
							in := &attrsV{Attrs: map[string]*thunk{}, Complete: inputs != nil && inputs.Complete}
							if inputs != nil {
								for k, t := range inputs.Attrs {
									in.Attrs[k] = t
								}
							}
							for _, k := range []string{"self", "super", "root"} {
								if in.Attrs[k] == nil {
									in.Attrs[k] = unknownThunk
								}
							}
							return ev.apply(l, valThunk(in), call, file)
						}
						return v
					}}
				default:
					out.Attrs[n] = unknownThunk
				}
			}
		}
		return out
	}
	return load(src.Abs, 0)
}
