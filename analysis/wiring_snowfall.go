package analysis

import (
	"path"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Readers of frameworks that find hosts by convention rather than by a
// nixosSystem call the analysis can see.

// frameworkCall reads a call of a framework's mkFlake; false when x is not
// one the readers know.
func (g *graph) frameworkCall(x *nixast.Apply, e *env, file string) bool {
	fn, args := nixast.SplitApply(x)
	if len(args) != 1 {
		return false
	}
	sel, ok := fn.(*nixast.Select)
	if !ok || len(sel.Path.Names) == 0 {
		return false
	}
	last, _ := sel.Path.Names[len(sel.Path.Names)-1].StaticName()
	text := strings.ToLower(condText(g.ws, file, sel)) + " " + g.inputURLOf(file, sel)
	switch {
	case last == "makeHive":
		if a, ok := g.ev.eval(args[0], e, file).(*attrsV); ok {
			g.colmena(a, file)
			return true
		}
		return false
	case last == "buildClan" || last == "clan" && strings.Contains(text, "clan"):
		g.clan(g.ev.eval(args[0], e, file), x, file)
		return true
	case last != "mkFlake":
		return false
	}
	arg, ok := g.ev.eval(args[0], e, file).(*attrsV)
	if !ok {
		return false
	}
	if strings.Contains(text, "digga") || strings.Contains(text, "utils-plus") || strings.Contains(text, "fup") {
		g.hostsFramework(arg, file, text)
		return true
	}
	// inputs.snowfall-lib.mkFlake, or lib.mkFlake where lib is snowfall's
	// mkLib (a flake with a snowfall input calling a plain name's mkFlake)
	if !strings.Contains(text, "snowfall") {
		if !g.hasInput(file, "snowfall") || strings.ContainsAny(text, "-_") {
			return false // another framework's mkFlake (flake-parts, digga, …)
		}
	}
	g.snowfall(arg, file)
	return true
}

// snowfallClasses are the kinds of systems snowfall-lib finds: where their
// files are below src (systems/<arch>-linux/<host>, homes/<arch>/<user@host>),
// the attribute paths of their shared modules and of one host's modules,
// and the directory below modules/ that snowfall imports into each.
var snowfallClasses = []struct {
	kind, dir, archSuffix string
	shared, own           []string // own: the host's name goes after its first elements
	modules               string
}{
	{"nixos", "systems", "-linux", []string{"systems", "modules", "nixos"}, []string{"systems", "hosts", "modules"}, "nixos"},
	{KindDarwin, "systems", "-darwin", []string{"systems", "modules", "darwin"}, []string{"systems", "hosts", "modules"}, "darwin"},
	{KindHome, "homes", "", []string{"homes", "modules"}, []string{"homes", "users", "modules"}, "home"},
}

// snowfall adds the systems of a snowfall-lib flake: one per
// systems/<arch>-linux/<host>/default.nix below src, each with the host's
// file, the shared systems.modules.nixos, its own systems.hosts.<host>.modules
// and every modules/nixos/**/default.nix (which snowfall imports into
// every system); nix-darwin systems from systems/<arch>-darwin and
// home-manager configurations from homes/<arch>/<user@host> alike
// (snowfallClasses).
func (g *graph) snowfall(arg *attrsV, file string) {
	for _, c := range snowfallClasses {
		g.snowfallOf(arg, file, c.kind, c.dir, c.archSuffix, c.shared, c.own, c.modules)
	}
}

func (g *graph) snowfallOf(arg *attrsV, file, kind, dir, archSuffix string, sharedAt, ownAt []string, modules string) {
	ev := g.ev
	root := path.Dir(file)
	if src, ok := ev.force(arg.Attrs["src"]).(*pathV); ok && src.Abs != "" {
		root = src.Abs
	}
	listAt := func(v Value, names ...string) ([]elem, bool) {
		for _, n := range names {
			a, ok := v.(*attrsV)
			if !ok {
				return nil, false
			}
			t, ok := a.Attrs[n]
			if !ok {
				return nil, a.Complete
			}
			v = ev.force(t)
		}
		l, ok := v.(*listV)
		if !ok {
			return nil, false
		}
		return l.Elems, true
	}
	shared, sharedKnown := listAt(arg, sharedAt...)
	var hosts, autoMods []string
	prefix := root + "/"
	for _, f := range ev.filesWithPrefix(prefix) {
		rest := f[len(prefix):]
		if path.Base(f) != "default.nix" {
			continue
		}
		parts := strings.Split(rest, "/")
		switch {
		case len(parts) == 4 && parts[0] == dir && strings.HasSuffix(parts[1], archSuffix):
			hosts = append(hosts, f)
		case len(parts) >= 3 && parts[0] == "modules" && parts[1] == modules:
			autoMods = append(autoMods, f)
		}
	}
	sort.Strings(hosts)
	sort.Strings(autoMods)
	args := g.flakeArgsFor(file)
	for _, h := range hosts {
		name := path.Base(path.Dir(h))
		s := g.newSystem(name, kind, h, 0)
		s.Wiring, s.named, s.template = "snowfall", true, g.template > 0
		s.args = args
		if !sharedKnown {
			s.partial(file, 0, 0)
		}
		own, ok := listAt(arg, append(append(ownAt[:2:2], name), ownAt[2:]...)...)
		if !ok {
			s.partial(file, 0, 0)
		}
		elems := []elem{{File: h, th: valThunk(&pathV{File: h, Text: h, Abs: h})}}
		elems = append(elems, shared...)
		elems = append(elems, own...)
		for _, m := range autoMods {
			elems = append(elems, elem{File: m, th: valThunk(&pathV{File: m, Text: m, Abs: m})})
		}
		for _, el := range elems {
			g.addElem(s, el, Hops{})
		}
		g.finish(s)
	}
}

// hasInput reports whether the flake of file has an input whose name
// contains part.
func (g *graph) hasInput(file, part string) bool {
	info := g.ev.flakes[file]
	if info == nil {
		return false
	}
	for _, n := range info.inputNames {
		if strings.Contains(strings.ToLower(n), part) {
			return true
		}
	}
	return false
}

// inputURLOf returns the url of the flake input a selection starts from
// (`utils.lib.mkFlake`, `inputs.utils.lib.mkFlake`), lower-cased; "" when
// it starts from no input of the flake holding file.
func (g *graph) inputURLOf(file string, sel *nixast.Select) string {
	id, ok := nixast.Unparen(sel.X).(*nixast.Ident)
	if !ok {
		return ""
	}
	name := id.Name
	if name == "inputs" && len(sel.Path.Names) > 0 {
		name, _ = sel.Path.Names[0].StaticName()
	}
	for dir := path.Dir(file); ; dir = path.Dir(dir) {
		fl := path.Join(dir, "flake.nix")
		if g.ws.At(fl) != nil {
			g.ev.force(g.ev.fileRoot(fl))
			if info := g.ev.flakes[fl]; info != nil {
				return strings.ToLower(info.inputURLs[name])
			}
			return ""
		}
		if dir == "/" || dir == "." || dir == "" {
			return ""
		}
	}
}
