package analysis

import (
	"path"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// flake-parts: `mkFlake { inherit inputs; } module` evaluates a tree of
// flake-parts modules; the flake's outputs are what their `flake`
// attributes define, merged. The "dendritic" pattern makes every file such
// a module (often all of a directory, through import-tree), each adding to
// flake.modules.nixos.<name>, flake.nixosModules.<name> or
// flake.nixosConfigurations.<name>; NixOS modules then import each other as
// self.modules.nixos.<name>. Reading the tree gives self those attributes.

// maxFlakeParts bounds the flake-parts modules read for one flake.
const maxFlakeParts = 2000

// flakeParts evaluates a flake-parts mkFlake call: the merged `flake`
// attributes of its modules. The set is never complete: modules the reader
// cannot follow may add to it.
func (ev *evaluator) flakeParts(f *builtinV, file string) Value {
	out := &attrsV{Attrs: map[string]*thunk{}}
	margs := &attrsV{Attrs: map[string]*thunk{}}
	if a, ok := ev.force(f.Args[0]).(*attrsV); ok {
		if in := a.Attrs["inputs"]; in != nil {
			margs.Attrs["inputs"] = in
			if ia, ok := ev.force(in).(*attrsV); ok && ia.Attrs["self"] != nil {
				margs.Attrs["self"] = ia.Attrs["self"]
			}
		}
		if s := a.Attrs["self"]; s != nil {
			margs.Attrs["self"] = s
		}
	}
	// config is what the modules define at the top (systems, options of
	// the flake's own modules such as globals), merged, with flake the
	// outputs; a `flake = { config, ... }: …` function gets the outputs as
	// its config.
	var mods []*attrsV
	margs.Attrs["config"] = &thunk{file: file, fn: func() Value { return ev.flakePartsConfig(mods, out) }}
	fargs := &attrsV{Attrs: map[string]*thunk{"config": valThunk(out)}}
	for k, t := range margs.Attrs {
		if k != "config" {
			fargs.Attrs[k] = t
		}
	}
	seen := map[string]bool{}
	n := 0
	var walk func(v Value)
	walk = func(v Value) {
		if n++; n > maxFlakeParts {
			return
		}
		switch v := v.(type) {
		case *pathV:
			if v.File != "" && !seen[v.File] {
				seen[v.File] = true
				walk(ev.force(ev.fileRoot(v.File)))
			}
		case *lambdaV:
			walk(ev.eval(v.L.Body, ev.bindLambda(v, valThunk(margs)), v.File))
		case *attrsV:
			mods = append(mods, v)
			if l, ok := ev.force(v.Attrs["imports"]).(*listV); ok {
				for _, el := range l.Elems {
					walk(ev.force(el.th))
				}
			}
			fl := ev.force(v.Attrs["flake"])
			if l, ok := fl.(*lambdaV); ok {
				fl = ev.eval(l.L.Body, ev.bindLambda(l, valThunk(fargs)), l.File)
			}
			if a, ok := fl.(*attrsV); ok {
				ev.mergeAttrs(out, a, 3)
			}
		}
	}
	walk(ev.force(f.Args[1]))
	return out
}

// outputsSystems adds the systems of a flake whose outputs are a call (a
// flake-parts mkFlake, whose modules put them under
// flake.nixosConfigurations, or `import ./outputs inputs`): named as the
// evaluation names them (from config.systems, a let, a haumea tree...),
// with the arguments the flake gives its helpers. A file scanned as a root
// of its own sees those functions without them. Systems the other roots
// found, with their modules, are not built again.
func (g *graph) outputsSystems(file string) {
	ev := g.ev
	root, ok := ev.force(ev.fileRoot(file)).(*attrsV)
	if !ok {
		return
	}
	out, ok := ev.force(root.Attrs["outputs"]).(*attrsV)
	if !ok || out.Attrs["nixosConfigurations"] == nil {
		return
	}
	set, ok := ev.force(out.Attrs["nixosConfigurations"]).(*attrsV)
	if !ok {
		return
	}
	// what the other roots found: this scan depends on their files too, so
	// that it is done again when they change
	found := map[string]*System{}
	for _, s := range g.systems {
		if s.Kind == "nixos" && s.named && !s.template && len(s.Elems) > 0 {
			found[s.Name] = s
		}
	}
	wiring := "nixosSystem"
	if out.Node == nil {
		wiring = "flake-parts" // merged by mkFlake
	}
	for _, k := range sortedKeys(set) {
		if f := found[k]; f != nil {
			if g.alsoReads == nil {
				g.alsoReads = map[string]bool{}
			}
			g.alsoReads[f.File] = true
			for p := range f.visited {
				g.alsoReads[p] = true
			}
			continue
		}
		if sv, ok := ev.force(set.Attrs[k]).(*systemV); ok {
			s := g.addNixosSystem(sv, k)
			s.named = true
			s.Wiring = wiring
			if sv.mapped != "" {
				s.Wiring = sv.mapped
			}
		}
	}
}

// outputsAreCall reports whether a flake.nix's outputs function returns a
// call (through let, with and assert): then its systems come from
// evaluating it (outputsSystems).
func outputsAreCall(f *nixast.File) bool {
	x, ok := nixast.Unparen(f.Root).(*nixast.AttrSet)
	if !ok {
		return false
	}
	for _, b := range x.Bindings {
		as, ok := b.(*nixast.AttrAssign)
		if !ok || len(as.Path.Names) != 1 {
			continue
		}
		if n, _ := as.Path.Names[0].StaticName(); n != "outputs" {
			continue
		}
		l, ok := nixast.Unparen(as.Value).(*nixast.Lambda)
		if !ok {
			return false
		}
		body := nixast.Unparen(l.Body)
		for i := 0; i < 8; i++ {
			switch b := body.(type) {
			case *nixast.Let:
				body = nixast.Unparen(b.Body)
			case *nixast.With:
				body = nixast.Unparen(b.Body)
			case *nixast.Assert:
				body = nixast.Unparen(b.Body)
			}
		}
		_, call := body.(*nixast.Apply)
		return call
	}
	return false
}

// flakePartsConfig merges what flake-parts modules define at the top,
// but their imports, options and perSystem; flake is the outputs.
func (ev *evaluator) flakePartsConfig(mods []*attrsV, outputs *attrsV) Value {
	c := &attrsV{Attrs: map[string]*thunk{}}
	for _, m := range mods {
		part := &attrsV{Attrs: map[string]*thunk{}}
		for k, t := range m.Attrs {
			switch k {
			case "imports", "options", "perSystem", "flake", "_file", "key":
			case "config":
				if a, ok := ev.force(t).(*attrsV); ok {
					ev.mergeAttrs(c, a, 3)
				}
			default:
				part.Attrs[k] = t
			}
		}
		ev.mergeAttrs(c, part, 3)
	}
	c.Attrs["flake"] = valThunk(outputs)
	return c
}

// mergeAttrs adds b's attributes to a, merging attribute sets that both
// define down to depth levels (flake.modules.nixos.<name>).
func (ev *evaluator) mergeAttrs(a, b *attrsV, depth int) {
	for k, t := range b.Attrs {
		old, ok := a.Attrs[k]
		if !ok || depth == 0 {
			a.Attrs[k] = t
			continue
		}
		ov, ok1 := ev.force(old).(*attrsV)
		nv, ok2 := ev.force(t).(*attrsV)
		if !ok1 || !ok2 {
			a.Attrs[k] = t
			continue
		}
		m := &attrsV{Attrs: map[string]*thunk{}, Complete: ov.Complete && nv.Complete}
		ev.mergeAttrs(m, ov, depth-1)
		ev.mergeAttrs(m, nv, depth-1)
		a.Attrs[k] = valThunk(m)
	}
}

// importTree is import-tree's `inputs.import-tree ./dir`: a module that
// imports every .nix file below dir, but those below a directory or with a
// name starting with "_".
func (ev *evaluator) importTree(arg Value, call *nixast.Apply, file string) Value {
	p, ok := arg.(*pathV)
	if !ok || p.Abs == "" {
		return unknown
	}
	prefix := strings.TrimSuffix(p.Abs, "/") + "/"
	var files []string
	for f := range ev.ws.All() {
		rest, ok := strings.CutPrefix(f, prefix)
		if !ok || !strings.HasSuffix(f, ".nix") || strings.HasPrefix(rest, "_") || strings.Contains(rest, "/_") {
			continue
		}
		files = append(files, f)
	}
	if p.File != "" && len(files) == 0 {
		files = append(files, p.File)
	}
	sort.Strings(files)
	l := &listV{}
	var at nixast.Expr
	if call != nil {
		at = call
	}
	for _, f := range files {
		l.Elems = append(l.Elems, elem{File: file, Node: at, th: valThunk(&pathV{File: f, Text: path.Base(f), Abs: f})})
	}
	return &attrsV{Attrs: map[string]*thunk{"imports": valThunk(l)}, Complete: true}
}
