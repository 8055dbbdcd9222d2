package analysis

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// The functions configurations use to build maps of systems from a
// directory: builtins.readDir, lib.mapAttrs, filterAttrs, genAttrs,
// attrNames, listToAttrs, map. `mapAttrs (name: _: nixosSystem { … })
// (readDir ./hosts)` then evaluates to one system per host directory.

// boolV is a known boolean (written like the true and false identifiers).
func boolV(b bool) Value {
	if b {
		return &strV{S: "\x00true"}
	}
	return &strV{S: "\x00false"}
}

func isBoolText(s string) bool { return s == "\x00true" || s == "\x00false" }

func boolOf(v Value) (bool, bool) {
	s, ok := v.(*strV)
	if !ok || !isBoolText(s.S) {
		return false, false
	}
	return s.S == "\x00true", true
}

// knownString returns a string value without unknown parts.
func knownString(v Value) (string, bool) {
	s, ok := v.(*strV)
	if !ok || strings.Contains(s.S, "\x00") {
		return "", false
	}
	return s.S, true
}

// readDir lists a workspace directory: each entry that holds a .nix file
// below it is "directory", each .nix file "regular". Other files are not in
// the workspace: the set is complete only as far as Nix files go, which is
// what host maps read.
func (ev *evaluator) readDir(dir string) *attrsV {
	out := &attrsV{Attrs: map[string]*thunk{}, Complete: true, fromDir: "readDir"}
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for _, f := range ev.filesWithPrefix(prefix) {
		rest := f[len(prefix):]
		first, _, deeper := strings.Cut(rest, "/")
		kind := "regular"
		if deeper {
			kind = "directory"
		}
		out.Attrs[first] = valThunk(&strV{S: kind})
	}
	return out
}

func sortedKeys(a *attrsV) []string {
	keys := make([]string, 0, len(a.Attrs))
	for k := range a.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// applyN applies fn to the arguments in turn.
func (ev *evaluator) applyN(fn Value, call *nixast.Apply, file string, args ...*thunk) Value {
	for _, a := range args {
		fn = ev.apply(fn, a, call, file)
	}
	return fn
}

// callLib evaluates the attribute set and list functions.
func (ev *evaluator) callLib(f *builtinV, call *nixast.Apply, file string) Value {
	arg := func(i int) Value { return ev.force(f.Args[i]) }
	var at nixast.Expr = call
	if call == nil && len(f.Arg0) > 0 {
		at = f.Arg0[len(f.Arg0)-1]
	}
	switch f.Name {
	case "readDir":
		if p, ok := arg(0).(*pathV); ok && p.Abs != "" {
			return ev.readDir(p.Abs)
		}
	case "importHosts":
		if p, ok := arg(0).(*pathV); ok && p.Abs != "" {
			return ev.importHosts(p.Abs, file)
		}
	case "pathExists":
		if p, ok := arg(0).(*pathV); ok && p.Abs != "" {
			if p.File != "" || len(ev.readDir(p.Abs).Attrs) > 0 {
				return boolV(true)
			}
		}
	case "mapAttrs":
		set, ok := arg(1).(*attrsV)
		if !ok {
			return unknown
		}
		fn := f.Args[0]
		out := &attrsV{Attrs: map[string]*thunk{}, Complete: set.Complete}
		for _, k := range sortedKeys(set) {
			name, val := valThunk(&strV{S: k}), set.Attrs[k]
			out.Attrs[k] = &thunk{file: file, fn: func() Value { return mapped(ev.applyN(ev.force(fn), call, file, name, val), set.fromDir) }}
		}
		return out
	case "filterAttrs":
		set, ok := arg(1).(*attrsV)
		if !ok {
			return unknown
		}
		out := &attrsV{Attrs: map[string]*thunk{}, Complete: set.Complete, fromDir: set.fromDir}
		for _, k := range sortedKeys(set) {
			keep, known := boolOf(ev.applyN(arg(0), call, file, valThunk(&strV{S: k}), set.Attrs[k]))
			if known && !keep {
				continue
			}
			if !known {
				out.Complete = false
			}
			out.Attrs[k] = set.Attrs[k]
		}
		return out
	case "attrNames", "attrValues":
		set, ok := arg(0).(*attrsV)
		if !ok || !set.Complete {
			return unknown
		}
		if !ev.spend(len(set.Attrs)) {
			return unknown
		}
		out := &listV{}
		if f.Name == "attrNames" {
			out.fromDir = set.fromDir
		}
		for _, k := range sortedKeys(set) {
			t := valThunk(&strV{S: k})
			if f.Name == "attrValues" {
				t = set.Attrs[k]
			}
			out.Elems = append(out.Elems, elem{File: file, Node: at, th: t})
		}
		return out
	case "genAttrs":
		l, ok := arg(0).(*listV)
		if !ok {
			return unknown
		}
		if !ev.spend(len(l.Elems)) {
			return unknown
		}
		out := &attrsV{Attrs: map[string]*thunk{}, Complete: true}
		fn := f.Args[1]
		for _, el := range l.Elems {
			k, ok := knownString(ev.force(el.th))
			if !ok {
				out.Complete = false
				continue
			}
			name := valThunk(&strV{S: k})
			out.Attrs[k] = &thunk{file: file, fn: func() Value { return mapped(ev.applyN(ev.force(fn), call, file, name), l.fromDir) }}
		}
		return out
	case "map":
		l, ok := arg(1).(*listV)
		if !ok {
			return unknown
		}
		if !ev.spend(len(l.Elems)) {
			return unknown
		}
		out := &listV{}
		fn := f.Args[0]
		for _, el := range l.Elems {
			x := el.th
			el.th = &thunk{file: file, fn: func() Value { return ev.applyN(ev.force(fn), call, file, x) }}
			out.Elems = append(out.Elems, el)
		}
		return out
	case "imap0", "imap1":
		l, ok := arg(1).(*listV)
		if !ok {
			return unknown
		}
		if !ev.spend(len(l.Elems)) {
			return unknown
		}
		out := &listV{}
		fn := f.Args[0]
		first := 0
		if f.Name == "imap1" {
			first = 1
		}
		for i, el := range l.Elems {
			// an index is a number, not a string: unknown to string functions
			x, idx := el.th, valThunk(&strV{S: "\x00" + fmt.Sprint(i+first)})
			el.th = &thunk{file: file, fn: func() Value { return ev.applyN(ev.force(fn), call, file, idx, x) }}
			out.Elems = append(out.Elems, el)
		}
		return out
	case "flatten", "concatLists":
		l, ok := arg(0).(*listV)
		if !ok {
			return unknown
		}
		out := &listV{}
		for _, el := range l.Elems {
			inner, ok := ev.force(el.th).(*listV)
			if !ok {
				if f.Name == "flatten" {
					out.Elems = append(out.Elems, el) // flatten keeps what is not a list
					continue
				}
				return unknown
			}
			if !ev.spend(len(inner.Elems)) {
				return unknown
			}
			out.Elems = append(out.Elems, inner.Elems...)
		}
		return out
	case "listToAttrs":
		l, ok := arg(0).(*listV)
		if !ok {
			return unknown
		}
		out := &attrsV{Attrs: map[string]*thunk{}, Complete: true}
		for _, el := range l.Elems {
			nv, ok := ev.force(el.th).(*attrsV)
			if !ok {
				out.Complete = false
				continue
			}
			k, ok := knownString(ev.force(nv.Attrs["name"]))
			if !ok || nv.Attrs["value"] == nil {
				out.Complete = false
				continue
			}
			out.Attrs[k] = nv.Attrs["value"]
		}
		return out
	case "nameValuePair":
		return &attrsV{Attrs: map[string]*thunk{"name": f.Args[0], "value": f.Args[1]}, Complete: true}
	case "mkFlake":
		return ev.flakeParts(f, file)
	case "haumeaLoad":
		return ev.haumeaLoad(arg(0), call, file)
	case "mapAttrs'":
		set, ok := arg(1).(*attrsV)
		if !ok {
			return unknown
		}
		out := &attrsV{Attrs: map[string]*thunk{}, Complete: set.Complete}
		for _, k := range sortedKeys(set) {
			nv, ok := ev.applyN(arg(0), call, file, valThunk(&strV{S: k}), set.Attrs[k]).(*attrsV)
			if !ok {
				out.Complete = false
				continue
			}
			name, ok := knownString(ev.force(nv.Attrs["name"]))
			if !ok || nv.Attrs["value"] == nil {
				out.Complete = false
				continue
			}
			val := nv.Attrs["value"]
			out.Attrs[name] = &thunk{file: file, fn: func() Value { return mapped(ev.force(val), set.fromDir) }}
		}
		return out
	case "splitString":
		sep, ok1 := knownString(arg(0))
		str, ok2 := knownString(arg(1))
		if !ok1 || !ok2 || sep == "" || !ev.spend(strings.Count(str, sep)+1) {
			return unknown
		}
		out := &listV{}
		for _, part := range strings.Split(str, sep) {
			out.Elems = append(out.Elems, elem{File: file, Node: at, th: valThunk(&strV{S: part})})
		}
		return out
	case "concatStrings", "concatStringsSep", "concatMapStrings":
		li, sep := 0, ""
		if f.Name != "concatStrings" {
			li = 1
		}
		if f.Name == "concatStringsSep" {
			s, ok := knownString(arg(0))
			if !ok {
				return unknown
			}
			sep = s
		}
		l, ok := arg(li).(*listV)
		if !ok {
			return unknown
		}
		parts := make([]string, 0, len(l.Elems))
		for _, el := range l.Elems {
			v := ev.force(el.th)
			if f.Name == "concatMapStrings" {
				v = ev.applyN(arg(0), call, file, el.th)
			}
			s, ok := knownString(v)
			if !ok || !ev.spend(len(s)/64+1) {
				return unknown
			}
			parts = append(parts, s)
		}
		return &strV{S: strings.Join(parts, sep)}
	case "toLower", "toUpper":
		str, ok := knownString(arg(0))
		if !ok || !ev.spend(len(str)/64) {
			return unknown
		}
		if f.Name == "toLower" {
			return &strV{S: strings.ToLower(str)}
		}
		return &strV{S: strings.ToUpper(str)}
	case "stringLength":
		if str, ok := knownString(arg(0)); ok {
			return &intV{N: int64(len(str))}
		}
	case "substring":
		start, ok1 := arg(0).(*intV)
		n, ok2 := arg(1).(*intV)
		str, ok3 := knownString(arg(2))
		if !ok1 || !ok2 || !ok3 || start.N < 0 {
			return unknown
		}
		from := min(int(start.N), len(str))
		to := len(str)
		if n.N >= 0 {
			to = min(from+int(n.N), len(str))
		}
		return &strV{S: str[from:to]}
	case "removeSuffix", "hasSuffix":
		suf, ok1 := knownString(arg(0))
		str, ok2 := knownString(arg(1))
		if !ok1 || !ok2 {
			return unknown
		}
		if f.Name == "hasSuffix" {
			return boolV(strings.HasSuffix(str, suf))
		}
		return &strV{S: strings.TrimSuffix(str, suf)}
	}
	return ev.callLibMore(f, arg)
}

// mapped marks a system made for each entry of a directory listing.
func mapped(v Value, fromDir string) Value {
	if sv, ok := v.(*systemV); ok && fromDir != "" && sv.mapped == "" {
		c := *sv
		c.mapped = fromDir
		return &c
	}
	return v
}

// dynamicName evaluates a dynamic attribute name (`x.${n}`, `x."a-${n}"`);
// false when it is not known.
func (ev *evaluator) dynamicName(n *nixast.AttrName, e *env, file string) (string, bool) {
	var v Value
	switch x := n.Node().(type) {
	case *nixast.StringLit:
		v = ev.evalString(x.Parts, e, file)
	case *nixast.Interp:
		v = ev.eval(x.X, e, file)
	default:
		return "", false
	}
	return knownString(v)
}

// dirOf is the directory of a workspace file key.
func dirOf(file string) string { return path.Dir(file) }
