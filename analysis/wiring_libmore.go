package analysis

import (
	"path"
	"regexp"
	"strings"
)

// More of nixpkgs' lib and Nix's builtins, for configurations that build
// their systems through layers of helpers: lib's namespaces
// (lib.attrsets.mergeAttrsList, lib.path.append), recursiveUpdate of
// presets, and the list and path functions that name hosts from their
// directories (builtins.split, elemAt, baseNameOf).

// libNSV is a namespace of nixpkgs' lib reached from an unknown value
// (lib.attrsets, lib.strings): it holds the functions of those names.
type libNSV struct{ Name string }

// libNamespaces are lib's attribute sets of functions.
var libNamespaces = map[string]bool{"attrsets": true, "lists": true, "strings": true, "trivial": true, "path": true}

func init() {
	for name, arity := range map[string]int{"mergeAttrsList": 1, "recursiveUpdate": 2, "elemAt": 2, "split": 2,
		"baseNameOf": 1, "pathAppend": 2, "rakeLeaves": 1, "makeExtensible": 1} {
		knownFuncs[name] = true
		funcArity[name] = arity
	}
}

// selectLibNS selects a function of a lib namespace.
func (ev *evaluator) selectLibNS(ns *libNSV, name, file string) Value {
	if ns.Name == "path" && name == "append" {
		return &builtinV{Name: "pathAppend", File: file}
	}
	if knownFuncs[name] && name != "import" && name != "pathAppend" {
		return &builtinV{Name: name, File: file}
	}
	return unknown
}

// callLibMore evaluates the functions of this file; unknown when their
// arguments are not known well enough.
func (ev *evaluator) callLibMore(f *builtinV, arg func(int) Value) Value {
	switch f.Name {
	case "mergeAttrsList":
		l, ok := arg(0).(*listV)
		if !ok {
			return unknown
		}
		out := &attrsV{Attrs: map[string]*thunk{}, Complete: true}
		for _, el := range l.Elems {
			a, ok := ev.force(el.th).(*attrsV)
			if !ok {
				out.Complete = false
				continue
			}
			out.Complete = out.Complete && a.Complete
			for k, t := range a.Attrs {
				out.Attrs[k] = t
			}
		}
		return out
	case "recursiveUpdate":
		a, ok1 := arg(0).(*attrsV)
		b, ok2 := arg(1).(*attrsV)
		if !ok1 || !ok2 {
			return unknown
		}
		return ev.recursiveUpdate(a, b, 0)
	case "elemAt":
		l, ok1 := arg(0).(*listV)
		n, ok2 := arg(1).(*intV)
		if !ok1 || !ok2 || n.N < 0 || int(n.N) >= len(l.Elems) {
			return unknown
		}
		return ev.force(l.Elems[n.N].th)
	case "split":
		re, ok1 := knownString(arg(0))
		str, ok2 := knownString(arg(1))
		if !ok1 || !ok2 || regexp.QuoteMeta(re) != re || re == "" {
			return unknown // a regular expression proper: not evaluated
		}
		if !ev.spend(2*strings.Count(str, re) + 1) {
			return unknown
		}
		// builtins.split gives the parts between matches, with a list of
		// the (here no) captured groups for each match
		l := &listV{}
		for i, part := range strings.Split(str, re) {
			if i > 0 {
				l.Elems = append(l.Elems, elem{th: valThunk(&listV{})})
			}
			l.Elems = append(l.Elems, elem{th: valThunk(&strV{S: part})})
		}
		return l
	case "baseNameOf":
		switch v := arg(0).(type) {
		case *pathV:
			p := v.Abs
			if p == "" {
				p = v.Text
			}
			if p != "" && !strings.Contains(p, "\x00") {
				return &strV{S: path.Base(p)}
			}
		case *strV:
			if !strings.Contains(v.S, "\x00") {
				return &strV{S: path.Base(v.S)}
			}
		}
	case "makeExtensible":
		// lib.makeExtensible f: the fixed point of f (extend is not read)
		res := &thunk{}
		fn := arg(0)
		res.fn = func() Value { return ev.apply(fn, res, nil, f.File) }
		return ev.force(res)
	case "rakeLeaves":
		if p, ok := arg(0).(*pathV); ok && p.Abs != "" {
			return ev.rakeLeaves(p.Abs, 0)
		}
	case "pathAppend":
		p, ok1 := arg(0).(*pathV)
		s, ok2 := knownString(arg(1))
		if !ok1 || !ok2 || p.Abs == "" {
			return unknown
		}
		return ev.absPath(path.Join(p.Abs, s))
	}
	return unknown
}

// absPath is the path value of an absolute path: the workspace (or input
// source) file it names, itself or its default.nix.
func (ev *evaluator) absPath(abs string) Value {
	if v, ok := classifyText(abs, "").(*modRefV); ok {
		return v
	}
	file := ""
	if ev.ws.At(abs) != nil {
		file = abs
	} else if d := path.Join(abs, "default.nix"); ev.ws.At(d) != nil {
		file = d
	} else {
		file = ev.sourceFile(abs)
	}
	return &pathV{File: file, Text: abs, Abs: abs}
}

// recursiveUpdate is lib.recursiveUpdate: b's attributes over a's, merged
// where both are attribute sets.
func (ev *evaluator) recursiveUpdate(a, b *attrsV, depth int) *attrsV {
	out := &attrsV{Attrs: map[string]*thunk{}, Complete: a.Complete && b.Complete}
	for k, t := range a.Attrs {
		out.Attrs[k] = t
	}
	for k, t := range b.Attrs {
		old, ok := out.Attrs[k]
		if !ok || depth > 8 {
			out.Attrs[k] = t
			continue
		}
		old, t := old, t
		out.Attrs[k] = &thunk{fn: func() Value {
			ov, ok1 := ev.force(old).(*attrsV)
			nv, ok2 := ev.force(t).(*attrsV)
			if !ok1 || !ok2 {
				return ev.force(t)
			}
			return ev.recursiveUpdate(ov, nv, depth+1)
		}}
	}
	return out
}

// dropUnseenTwins drops a named system whose call was seen without its
// arguments (no module element, closure unknown) when a system of the same
// name and wiring was read through the evaluation that gives them (a host
// file scanned on its own, and the same host built from flake.nix through
// the helpers that pass its arguments).
func dropUnseenTwins(systems []*System) []*System {
	seen := map[string]bool{}
	for _, s := range systems {
		if s.Kind == "nixos" && s.named && !s.template && len(s.Elems) > 0 {
			seen[s.Wiring+"\x00"+s.Name] = true
		}
	}
	out := systems[:0]
	for _, s := range systems {
		if s.Kind == "nixos" && s.named && len(s.Elems) == 0 && s.Unknown && seen[s.Wiring+"\x00"+s.Name] {
			continue
		}
		out = append(out, s)
	}
	return out
}

// rakeLeaves is digga's: the .nix files below dir as an attribute set of
// paths by name (without .nix), a directory with a default.nix as one
// path, other directories as nested sets.
func (ev *evaluator) rakeLeaves(dir string, depth int) Value {
	out := &attrsV{Attrs: map[string]*thunk{}, Complete: true, fromDir: "readDir"}
	if depth > 8 {
		return unknown
	}
	for name, t := range ev.readDir(dir).Attrs {
		kind, _ := knownString(ev.force(t))
		p := path.Join(dir, name)
		switch {
		case kind == "regular" && strings.HasSuffix(name, ".nix") && name != "default.nix":
			out.Attrs[strings.TrimSuffix(name, ".nix")] = valThunk(ev.absPath(p))
		case kind == "directory" && ev.ws.At(path.Join(p, "default.nix")) != nil:
			out.Attrs[name] = valThunk(ev.absPath(p))
		case kind == "directory":
			out.Attrs[name] = valThunk(ev.rakeLeaves(p, depth+1))
		}
	}
	return out
}

// flattenSuites is digga's importables.suites as modules see them: each
// suite a flat list of profiles.
func (ev *evaluator) flattenSuites(v Value) Value {
	a, ok := v.(*attrsV)
	if !ok {
		return v
	}
	out := &attrsV{Attrs: map[string]*thunk{}, Complete: a.Complete}
	for k, t := range a.Attrs {
		t := t
		out.Attrs[k] = &thunk{fn: func() Value {
			l, ok := ev.force(t).(*listV)
			if !ok {
				return ev.force(t)
			}
			flat := &listV{}
			var add func(l *listV, depth int)
			add = func(l *listV, depth int) {
				for _, el := range l.Elems {
					if inner, ok := ev.force(el.th).(*listV); ok && depth < 8 {
						add(inner, depth+1)
						continue
					}
					flat.Elems = append(flat.Elems, el)
				}
			}
			add(l, 0)
			return flat
		}}
	}
	return out
}
