package analysis

import (
	"sort"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// A fix that writes a reference to one of microvm.nix's modules writes an
// expression that is valid where it stands: each candidate is evaluated in
// the scope of the place, for every system that reads it, and kept only
// when it names the module there.

// moduleRefAt returns an expression for module which that is valid at the
// module element at, with the edits it needs elsewhere (an inherit that
// gains the name), for every system of readers.
func (p *GraphPass) moduleRefAt(readers []*System, at *ModElem, which string) (string, []TextEdit, bool) {
	f := p.Workspace.File(at.File)
	readers = withoutShadows(readers)
	if f == nil || at.Node == nil || len(readers) == 0 {
		return "", nil, false
	}
	if text, ok := refFor(p.text(at.File, at.Pos, at.End), at.Which, which); ok && p.refValid(readers, f, at, text, which) {
		return text, nil, true
	}
	if edits, ok := p.inheritExtension(readers, f, at, which); ok {
		return which, edits, true
	}
	if p.refValid(readers, f, at, which, which) {
		return which, nil, true
	}
	for _, text := range p.scopeCandidates(readers[0], f, at, which) {
		if p.refValid(readers, f, at, text, which) {
			return text, nil, true
		}
	}
	return "", nil, false
}

// refValid reports whether text, written in place of the element at, is
// module which for every system of readers.
func (p *GraphPass) refValid(readers []*System, f *nixast.File, at *ModElem, text, which string) bool {
	cf := nixast.Parse("ref.nix", []byte(text))
	if len(cf.Errors) > 0 || cf.Root == nil {
		return false
	}
	for _, s := range readers {
		ev := newEvaluator(p.Workspace)
		env, ok := p.graph.envAt(ev, s, f, at.File, at.Node)
		if !ok {
			return false
		}
		if m, ok := ev.eval(cf.Root, env, at.File).(*modRefV); !ok || m.Which != which {
			return false
		}
	}
	return true
}

// scopeCandidates lists expressions for module which built from the names
// in scope at the element: N.which when N is microvm.nix's nixosModules,
// N.nixosModules.which when N is the flake, N.K.nixosModules.which when N
// holds the flake as K (the inputs). Shortest first.
func (p *GraphPass) scopeCandidates(s *System, f *nixast.File, at *ModElem, which string) []string {
	ev := newEvaluator(p.Workspace)
	env, ok := p.graph.envAt(ev, s, f, at.File, at.Node)
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for sc := env; sc != nil; sc = sc.parent {
		names := make([]string, 0, len(sc.vars))
		for n := range sc.vars {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if seen[n] || !isIdent(n) {
				continue
			}
			seen[n] = true
			t, _ := ev.lookup(n, env)
			switch v := ev.force(t).(type) {
			case *modulesV:
				out = append(out, n+"."+which)
			case *flakeV:
				out = append(out, n+".nixosModules."+which)
			case *attrsV:
				if len(v.Attrs) > 64 {
					continue
				}
				for k, kt := range v.Attrs {
					if !isIdent(k) {
						continue
					}
					switch ev.force(kt).(type) {
					case *modulesV:
						out = append(out, n+"."+k+"."+which)
					case *flakeV:
						out = append(out, n+"."+k+".nixosModules."+which)
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) < len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}

var nixKeywords = map[string]bool{"if": true, "then": true, "else": true, "assert": true, "with": true,
	"let": true, "in": true, "rec": true, "inherit": true, "or": true}

// isIdent reports whether name can be written as a Nix identifier.
func isIdent(name string) bool {
	if name == "" || nixKeywords[name] {
		return false
	}
	for i, c := range name {
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '\''):
		default:
			return false
		}
	}
	return true
}

// inheritExtension handles an element that is a name bound by
// `let inherit (microvm.nixosModules) ...;`: the inherit gains which, and
// the element becomes which.
func (p *GraphPass) inheritExtension(readers []*System, f *nixast.File, at *ModElem, which string) ([]TextEdit, bool) {
	id, ok := nixast.Unparen(at.Node).(*nixast.Ident)
	if !ok {
		return nil, false
	}
	let, inh := letInheritBinder(f.Root, id)
	if inh == nil || inh.From == nil || len(inh.Names) == 0 {
		return nil, false
	}
	// the new name must not change what any name in the let means
	for _, b := range let.Bindings {
		if boundNames(b)[which] {
			return nil, false
		}
	}
	used := false
	nixast.Inspect(let, func(n nixast.Node) bool {
		if x, ok := n.(*nixast.Ident); ok && x.Name == which {
			used = true
		}
		return !used
	})
	if used {
		return nil, false
	}
	for _, s := range readers {
		ev := newEvaluator(p.Workspace)
		env, ok := p.graph.envAt(ev, s, f, at.File, inh.From)
		if !ok {
			return nil, false
		}
		if _, ok := ev.eval(inh.From, env, at.File).(*modulesV); !ok {
			return nil, false
		}
	}
	last := inh.Names[len(inh.Names)-1]
	return []TextEdit{{File: at.File, Pos: last.End(), End: last.End(), NewText: " " + which}}, true
}

// boundNames returns the names a let binding binds.
func boundNames(b nixast.Binding) map[string]bool {
	out := map[string]bool{}
	switch b := b.(type) {
	case *nixast.AttrAssign:
		if n, ok := b.Path.Names[0].StaticName(); ok {
			out[n] = true
		}
	case *nixast.Inherit:
		for _, n := range b.Names {
			if s, ok := n.StaticName(); ok {
				out[s] = true
			}
		}
	}
	return out
}

// letInheritBinder returns the let and its `inherit (from) ...` binding
// that bind the identifier id, when that is its innermost lexical binding
// (a with never binds over a lexical name).
func letInheritBinder(root nixast.Node, id *nixast.Ident) (*nixast.Let, *nixast.Inherit) {
	type frame struct {
		let   *nixast.Let
		names map[string]nixast.Binding // nil value: bound by a function or rec set
	}
	var frames []frame
	contains := func(n nixast.Node) bool {
		return n != nil && n.Pos() <= id.Pos() && id.End() <= n.End()
	}
	n := root
	for depth := 0; n != nil && depth < nixast.MaxDepth; depth++ {
		if n == nixast.Node(id) {
			break
		}
		switch x := n.(type) {
		case *nixast.Let:
			fr := frame{let: x, names: map[string]nixast.Binding{}}
			for _, b := range x.Bindings {
				for name := range boundNames(b) {
					fr.names[name] = b
				}
			}
			frames = append(frames, fr)
		case *nixast.AttrSet:
			if x.Rec >= 0 {
				fr := frame{names: map[string]nixast.Binding{}}
				for _, b := range x.Bindings {
					for name := range boundNames(b) {
						fr.names[name] = nil
					}
				}
				frames = append(frames, fr)
			}
		case *nixast.Lambda:
			fr := frame{names: map[string]nixast.Binding{}}
			if x.Param != nil {
				fr.names[x.Param.Name] = nil
			}
			if x.Formals != nil {
				for _, fo := range x.Formals.List {
					fr.names[fo.Name.Name] = nil
				}
			}
			frames = append(frames, fr)
		case *nixast.LegacyLet:
			return nil, nil
		}
		var next nixast.Node
		nixast.EachChild(n, func(c nixast.Node) {
			if next == nil && contains(c) {
				next = c
			}
		})
		n = next
	}
	for i := len(frames) - 1; i >= 0; i-- {
		b, ok := frames[i].names[id.Name]
		if !ok {
			continue
		}
		inh, _ := b.(*nixast.Inherit)
		if frames[i].let == nil || inh == nil {
			return nil, nil
		}
		return frames[i].let, inh
	}
	return nil, nil
}

// withoutShadows drops the nameless systems that repeat another reader's
// nixosSystem call without its arguments: what is valid in the real call
// is what counts.
func withoutShadows(readers []*System) []*System {
	var out []*System
	for _, r := range readers {
		shadow := false
		for _, s := range readers {
			if s != r && s.Name != "?" && sameDeclaration(r, s) {
				shadow = true
			}
		}
		if !shadow {
			out = append(out, r)
		}
	}
	return out
}
