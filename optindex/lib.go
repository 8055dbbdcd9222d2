package optindex

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// This file holds the native builtins and the part of nixpkgs' lib that
// module sources use while declaring options.

func fn1(name string, f func(b *builder, x *thunk) value) *vBuiltin {
	return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value { return f(b, a[0]) }}
}

func fn2(name string, f func(b *builder, x, y *thunk) value) *vBuiltin {
	return &vBuiltin{name: name, arity: 2, fn: func(b *builder, a []*thunk) value { return f(b, a[0], a[1]) }}
}

func fn3(name string, f func(b *builder, x, y, z *thunk) value) *vBuiltin {
	return &vBuiltin{name: name, arity: 3, fn: func(b *builder, a []*thunk) value { return f(b, a[0], a[1], a[2]) }}
}

// globalNames are the names Nix binds in every file's outermost scope.
var globalNames = map[string]bool{
	"true": true, "false": true, "null": true, "builtins": true, "import": true, "map": true,
	"toString": true, "baseNameOf": true, "dirOf": true, "removeAttrs": true, "throw": true,
	"abort": true, "isNull": true, "placeholder": true, "scopedImport": true, "fetchTarball": true,
	"fetchGit": true, "derivation": true, "__curPos": true,
}

// global is a name that no scope binds: Nix's globals.
func (b *builder) global(name string) value {
	switch name {
	case "true":
		return vBool(true)
	case "false":
		return vBool(false)
	case "null":
		return vNull{}
	case "builtins":
		return b.builtinsV
	case "import", "map", "toString", "baseNameOf", "dirOf", "removeAttrs", "throw", "abort",
		"isNull", "placeholder", "scopedImport", "fetchTarball", "fetchGit", "derivation":
		if v := b.builtin(name); v != nil {
			return v
		}
	}
	return unknown
}

func (b *builder) lib() value { return b.libV }

func (b *builder) builtin(name string) value {
	if v, ok := b.natives["builtins."+name]; ok {
		return v
	}
	v := b.makeBuiltin(name)
	b.natives["builtins."+name] = v
	return v
}

func (b *builder) makeBuiltin(name string) value {
	switch name {
	case "import":
		return fn1(name, func(b *builder, x *thunk) value {
			if p, ok := b.force(x).(vPath); ok {
				return b.importFile(string(p))
			}
			if s, ok := b.force(x).(vStr); ok && filepath.IsAbs(string(s)) {
				return b.importFile(string(s))
			}
			return unknown
		})
	case "readDir":
		return fn1(name, func(b *builder, x *thunk) value {
			p, ok := b.force(x).(vPath)
			if !ok {
				return unknown
			}
			ents, err := os.ReadDir(string(p))
			if err != nil || !b.spend(len(ents)) {
				return unknown
			}
			a := &vAttrs{m: make(map[string]*attrEntry, len(ents))}
			for _, e := range ents {
				kind := "regular"
				switch {
				case e.IsDir():
					kind = "directory"
				case e.Type()&os.ModeSymlink != 0:
					kind = "symlink"
				case !e.Type().IsRegular():
					kind = "unknown"
				}
				a.m[e.Name()] = &attrEntry{t: ready(vStr(kind))}
			}
			return a
		})
	case "pathExists":
		return fn1(name, func(b *builder, x *thunk) value {
			if p, ok := b.force(x).(vPath); ok {
				_, err := os.Stat(string(p))
				return vBool(err == nil)
			}
			return unknown
		})
	case "map":
		return fn2(name, func(b *builder, f, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok {
				return unknown
			}
			fv := b.force(f)
			if !b.spend(len(lv.elems)) {
				return unknown
			}
			out := &vList{elems: make([]*thunk, len(lv.elems)), partial: lv.partial}
			for i, el := range lv.elems {
				out.elems[i] = b.lazyApply(fv, el)
			}
			return out
		})
	case "filter":
		return fn2(name, func(b *builder, f, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok {
				return unknown
			}
			fv := b.force(f)
			out := &vList{partial: lv.partial}
			for _, el := range lv.elems {
				switch keep := b.apply(fv, el).(type) {
				case vBool:
					if keep {
						out.elems = append(out.elems, el)
					}
				default:
					out.partial = true
				}
			}
			return out
		})
	case "concatMap":
		return fn2(name, func(b *builder, f, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok {
				return unknown
			}
			fv := b.force(f)
			out := &vList{partial: lv.partial}
			for _, el := range lv.elems {
				b.appendList(out, b.apply(fv, el))
			}
			return out
		})
	case "concatLists":
		return fn1(name, func(b *builder, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok {
				return unknown
			}
			out := &vList{partial: lv.partial}
			for _, el := range lv.elems {
				b.appendList(out, b.force(el))
			}
			return out
		})
	case "attrNames", "attrValues":
		return fn1(name, func(b *builder, x *thunk) value {
			a, ok := b.force(x).(*vAttrs)
			if !ok {
				return unknown
			}
			if !b.spend(len(a.m)) {
				return unknown
			}
			out := &vList{partial: a.partial}
			for _, k := range sortedNames(a) {
				if name == "attrNames" {
					out.elems = append(out.elems, ready(vStr(k)))
				} else {
					out.elems = append(out.elems, a.m[k].t)
				}
			}
			return out
		})
	case "listToAttrs":
		return fn1(name, func(b *builder, x *thunk) value {
			l, ok := b.force(x).(*vList)
			if !ok {
				return unknown
			}
			if !b.spend(len(l.elems)) {
				return unknown
			}
			out := &vAttrs{m: map[string]*attrEntry{}, partial: l.partial}
			for _, el := range l.elems {
				nv, ok := b.force(el).(*vAttrs)
				if !ok {
					out.partial = true
					continue
				}
				n, ok1 := nv.m["name"]
				v, ok2 := nv.m["value"]
				if !ok1 || !ok2 {
					out.partial = true
					continue
				}
				s, ok := b.force(n.t).(vStr)
				if !ok {
					out.partial = true
					continue
				}
				if _, dup := out.m[string(s)]; !dup {
					out.m[string(s)] = &attrEntry{t: v.t}
				}
			}
			return out
		})
	case "hasAttr":
		return fn2(name, func(b *builder, n, s *thunk) value {
			nv, ok := b.force(n).(vStr)
			a, ok2 := b.force(s).(*vAttrs)
			if !ok || !ok2 {
				return unknown
			}
			_, has := a.m[string(nv)]
			if !has && a.partial {
				return unknown
			}
			return vBool(has)
		})
	case "getAttr":
		return fn2(name, func(b *builder, n, s *thunk) value {
			nv, ok := b.force(n).(vStr)
			if !ok {
				return unknown
			}
			v, _ := b.selectOne(b.force(s), string(nv))
			if v == nil {
				return unknown
			}
			return v
		})
	case "removeAttrs":
		return fn2(name, func(b *builder, s, l *thunk) value {
			a, ok := b.force(s).(*vAttrs)
			lv, ok2 := b.force(l).(*vList)
			if !ok || !ok2 {
				return unknown
			}
			out := &vAttrs{m: make(map[string]*attrEntry, len(a.m)), partial: a.partial}
			for k, v := range a.m {
				out.m[k] = v
			}
			for _, el := range lv.elems {
				if n, ok := b.force(el).(vStr); ok {
					delete(out.m, string(n))
				}
			}
			return out
		})
	case "mapAttrs":
		return fn2(name, func(b *builder, f, s *thunk) value {
			a, ok := b.force(s).(*vAttrs)
			if !ok {
				return unknown
			}
			fv := b.force(f)
			if !b.spend(len(a.m)) {
				return unknown
			}
			out := &vAttrs{m: make(map[string]*attrEntry, len(a.m)), partial: a.partial}
			for k, v := range a.m {
				out.m[k] = &attrEntry{t: b.lazyApply2(fv, ready(vStr(k)), v.t), file: v.file, pos: v.pos}
			}
			return out
		})
	case "length":
		return fn1(name, func(b *builder, x *thunk) value {
			if l, ok := b.force(x).(*vList); ok && !l.partial {
				return vInt(len(l.elems))
			}
			return unknown
		})
	case "head":
		return fn1(name, func(b *builder, x *thunk) value {
			if l, ok := b.force(x).(*vList); ok && len(l.elems) > 0 {
				return b.force(l.elems[0])
			}
			return unknown
		})
	case "tail":
		return fn1(name, func(b *builder, x *thunk) value {
			if l, ok := b.force(x).(*vList); ok && len(l.elems) > 0 {
				return &vList{elems: l.elems[1:], partial: l.partial}
			}
			return unknown
		})
	case "elemAt":
		return fn2(name, func(b *builder, x, i *thunk) value {
			l, ok := b.force(x).(*vList)
			n, ok2 := b.force(i).(vInt)
			if ok && ok2 && int(n) >= 0 && int(n) < len(l.elems) && !l.partial {
				return b.force(l.elems[n])
			}
			return unknown
		})
	case "elem":
		return fn2(name, func(b *builder, x, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok {
				return unknown
			}
			xv := b.force(x)
			for _, el := range lv.elems {
				eq, ok := equal(xv, b.force(el))
				if !ok {
					return unknown
				}
				if eq {
					return vBool(true)
				}
			}
			if lv.partial {
				return unknown
			}
			return vBool(false)
		})
	case "toString":
		return fn1(name, func(b *builder, x *thunk) value {
			switch v := b.force(x).(type) {
			case vBool:
				if v {
					return vStr("1")
				}
				return vStr("")
			case vNull:
				return vStr("")
			}
			if s, ok := toStr(b.force(x)); ok {
				return vStr(s)
			}
			return unknown
		})
	case "baseNameOf":
		return fn1(name, func(b *builder, x *thunk) value {
			if s, ok := toStr(b.force(x)); ok {
				return vStr(filepath.Base(s))
			}
			return unknown
		})
	case "dirOf":
		return fn1(name, func(b *builder, x *thunk) value {
			switch v := b.force(x).(type) {
			case vPath:
				return vPath(filepath.Dir(string(v)))
			case vStr:
				return vStr(filepath.Dir(string(v)))
			}
			return unknown
		})
	case "isAttrs", "isList", "isString", "isFunction", "isPath", "isBool", "isInt", "isNull":
		return fn1(name, func(b *builder, x *thunk) value {
			v := b.force(x)
			if v == unknown {
				return unknown
			}
			switch name {
			case "isAttrs":
				_, ok := v.(*vAttrs)
				return vBool(ok)
			case "isList":
				_, ok := v.(*vList)
				return vBool(ok)
			case "isString":
				_, ok := v.(vStr)
				return vBool(ok)
			case "isFunction":
				switch v.(type) {
				case *vClosure, *vBuiltin:
					return vBool(true)
				}
				return vBool(false)
			case "isPath":
				_, ok := v.(vPath)
				return vBool(ok)
			case "isBool":
				_, ok := v.(vBool)
				return vBool(ok)
			case "isInt":
				_, ok := v.(vInt)
				return vBool(ok)
			}
			_, ok := v.(vNull)
			return vBool(ok)
		})
	case "foldl'":
		return fn3(name, func(b *builder, f, z, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok || lv.partial {
				return unknown
			}
			fv := b.force(f)
			acc := z
			for _, el := range lv.elems {
				acc = ready(b.apply(b.apply(fv, acc), el))
			}
			return b.force(acc)
		})
	case "genList":
		return fn2(name, func(b *builder, f, n *thunk) value {
			nv, ok := b.force(n).(vInt)
			if !ok || nv < 0 || nv > 10000 {
				return unknown
			}
			fv := b.force(f)
			out := &vList{}
			for i := 0; i < int(nv); i++ {
				out.elems = append(out.elems, b.lazyApply(fv, ready(vInt(i))))
			}
			return out
		})
	case "concatStringsSep":
		return fn2(name, func(b *builder, sep, l *thunk) value {
			s, ok := b.force(sep).(vStr)
			lv, ok2 := b.force(l).(*vList)
			if !ok || !ok2 || lv.partial {
				return unknown
			}
			parts := make([]string, len(lv.elems))
			for i, el := range lv.elems {
				str, ok := toStr(b.force(el))
				if !ok || !b.spend(len(str)/16+1) {
					return unknown
				}
				parts[i] = str
			}
			return vStr(strings.Join(parts, string(s)))
		})
	case "replaceStrings":
		return fn3(name, func(b *builder, from, to, s *thunk) value {
			fl, ok1 := b.force(from).(*vList)
			tl, ok2 := b.force(to).(*vList)
			sv, ok3 := b.force(s).(vStr)
			if !ok1 || !ok2 || !ok3 || len(fl.elems) != len(tl.elems) {
				return unknown
			}
			var pairs []string
			longest := 1
			for i := range fl.elems {
				f, ok1 := b.force(fl.elems[i]).(vStr)
				t, ok2 := b.force(tl.elems[i]).(vStr)
				if !ok1 || !ok2 {
					return unknown
				}
				pairs = append(pairs, string(f), string(t))
				longest = max(longest, len(t))
			}
			// Before the copy: each byte may become the longest replacement.
			if !b.spend(len(sv) * longest / 16) {
				return unknown
			}
			return vStr(strings.NewReplacer(pairs...).Replace(string(sv)))
		})
	case "match", "split":
		return fn2(name, func(b *builder, re, s *thunk) value {
			rv, ok1 := b.force(re).(vStr)
			sv, ok2 := b.force(s).(vStr)
			if !ok1 || !ok2 {
				return unknown
			}
			// Go's regexp stands in for POSIX extended expressions; a
			// pattern it does not take is unknown.
			return b.regexCall(name, string(rv), string(sv))
		})
	case "trace", "seq", "deepSeq":
		return fn2(name, func(b *builder, _, y *thunk) value { return b.force(y) })
	case "throw", "abort":
		return fn1(name, func(b *builder, _ *thunk) value { return unknown })
	case "functionArgs":
		return fn1(name, func(b *builder, x *thunk) value {
			c, ok := b.force(x).(*vClosure)
			if !ok {
				return unknown
			}
			out := &vAttrs{m: map[string]*attrEntry{}}
			if c.lam.Formals != nil {
				for _, fm := range c.lam.Formals.List {
					if fm.Name != nil {
						out.m[fm.Name.Name] = &attrEntry{t: ready(vBool(fm.Default != nil))}
					}
				}
			}
			return out
		})
	case "intersectAttrs":
		return fn2(name, func(b *builder, x, y *thunk) value {
			xa, ok1 := b.force(x).(*vAttrs)
			ya, ok2 := b.force(y).(*vAttrs)
			if !ok1 || !ok2 {
				return unknown
			}
			out := &vAttrs{m: map[string]*attrEntry{}, partial: xa.partial || ya.partial}
			for k, v := range ya.m {
				if _, ok := xa.m[k]; ok {
					out.m[k] = v
				}
			}
			return out
		})
	case "catAttrs":
		return fn2(name, func(b *builder, n, l *thunk) value {
			nv, ok := b.force(n).(vStr)
			lv, ok2 := b.force(l).(*vList)
			if !ok || !ok2 {
				return unknown
			}
			out := &vList{partial: lv.partial}
			for _, el := range lv.elems {
				if a, ok := b.force(el).(*vAttrs); ok {
					if ent, ok := a.m[string(nv)]; ok {
						out.elems = append(out.elems, ent.t)
					}
				} else {
					out.partial = true
				}
			}
			return out
		})
	case "typeOf":
		return fn1(name, func(b *builder, x *thunk) value {
			switch b.force(x).(type) {
			case vStr:
				return vStr("string")
			case vInt:
				return vStr("int")
			case vBool:
				return vStr("bool")
			case vNull:
				return vStr("null")
			case vPath:
				return vStr("path")
			case *vAttrs, *vOption, *vType:
				return vStr("set")
			case *vList:
				return vStr("list")
			case *vClosure, *vBuiltin:
				return vStr("lambda")
			}
			return unknown
		})
	case "stringLength":
		return fn1(name, func(b *builder, x *thunk) value {
			if s, ok := b.force(x).(vStr); ok {
				return vInt(len(s))
			}
			return unknown
		})
	case "substring":
		return fn3(name, func(b *builder, start, n, s *thunk) value {
			st, ok1 := b.force(start).(vInt)
			nv, ok2 := b.force(n).(vInt)
			sv, ok3 := b.force(s).(vStr)
			if !ok1 || !ok2 || !ok3 || st < 0 {
				return unknown
			}
			if int(st) >= len(sv) {
				return vStr("")
			}
			end := int(st) + int(nv)
			if nv < 0 || end > len(sv) {
				end = len(sv)
			}
			return vStr(sv[st:end])
		})
	}
	return unknown
}

func (b *builder) regexCall(name, pattern, s string) value {
	if name == "match" {
		pattern = "^(?:" + pattern + ")$"
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return unknown
	}
	group := func(m []int) *vList {
		l := &vList{}
		for i := 1; i < len(m)/2; i++ {
			if m[2*i] < 0 {
				l.elems = append(l.elems, ready(vNull{}))
			} else {
				l.elems = append(l.elems, ready(vStr(s[m[2*i]:m[2*i+1]])))
			}
		}
		return l
	}
	if name == "match" {
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			return vNull{}
		}
		return group(m)
	}
	// At most as many matches as the copy bound has room for: a pattern
	// that matches everywhere matches once per byte.
	room := maxCopied - b.copied
	if room <= 0 {
		return unknown
	}
	ms := re.FindAllStringSubmatchIndex(s, room)
	if len(ms) == room || !b.spend(2*len(ms)+1) {
		return unknown
	}
	out := &vList{}
	prev := 0
	for _, m := range ms {
		out.elems = append(out.elems, ready(vStr(s[prev:m[0]])), ready(group(m)))
		prev = m[1]
	}
	out.elems = append(out.elems, ready(vStr(s[prev:])))
	return out
}

// lazyApply is f x, computed when needed.
func (b *builder) lazyApply(f value, x *thunk) *thunk {
	return &thunk{lazy: func(b *builder) value { return b.apply(f, x) }}
}

func (b *builder) lazyApply2(f value, x, y *thunk) *thunk {
	return &thunk{lazy: func(b *builder) value { return b.apply(b.apply(f, x), y) }}
}

func (b *builder) appendList(out *vList, v value) {
	if l, ok := v.(*vList); ok && b.spend(len(l.elems)) {
		out.elems = append(out.elems, l.elems...)
		out.partial = out.partial || l.partial
		return
	}
	out.partial = true
}

func sortedNames(a *vAttrs) []string {
	names := make([]string, 0, len(a.m))
	for k := range a.m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
