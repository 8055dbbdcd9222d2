package optindex

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/modsys"
)

// libNames maps lib's functions (lib.X, and lib.attrsets.X, lib.lists.X...
// alike) to builtins that do the same where they share a name.
var libBuiltinAliases = map[string]string{
	"map": "map", "filter": "filter", "concatMap": "concatMap", "concatLists": "concatLists",
	"attrNames": "attrNames", "attrValues": "attrValues", "listToAttrs": "listToAttrs",
	"hasAttr": "hasAttr", "getAttr": "getAttr", "removeAttrs": "removeAttrs", "mapAttrs": "mapAttrs",
	"length": "length", "head": "head", "tail": "tail", "elemAt": "elemAt", "elem": "elem",
	"toString": "toString", "baseNameOf": "baseNameOf", "dirOf": "dirOf", "isAttrs": "isAttrs",
	"isList": "isList", "isString": "isString", "isFunction": "isFunction", "isBool": "isBool",
	"isInt": "isInt", "foldl'": "foldl'", "genList": "genList", "concatStringsSep": "concatStringsSep",
	"replaceStrings": "replaceStrings", "trace": "trace", "seq": "seq", "deepSeq": "deepSeq",
	"throw": "throw", "abort": "abort", "functionArgs": "functionArgs", "intersectAttrs": "intersectAttrs",
	"catAttrs": "catAttrs", "typeOf": "typeOf", "stringLength": "stringLength", "substring": "substring",
	"pathExists": "pathExists", "readDir": "readDir", "isPath": "isPath", "match": "match", "split": "split",
}

// libSets are lib's sub-libraries whose functions lib also exports at the
// top; lib.attrsets.mapAttrs is lib.mapAttrs.
var libSets = map[string]bool{
	"attrsets": true, "lists": true, "strings": true, "options": true, "modules": true,
	"trivial": true, "fixedPoints": true, "misc": true, "filesystem": true, "asserts": true,
	"debug": true, "meta": true, "customisation": true, "versions": true,
}

func (b *builder) libGet(name string) value {
	if v, ok := b.natives["lib."+name]; ok {
		return v
	}
	v := b.makeLib(name)
	if v == nil {
		v = unknown
	}
	b.natives["lib."+name] = v
	return v
}

func (b *builder) makeLib(name string) value {
	if libSets[name] {
		return b.libV
	}
	if alias, ok := libBuiltinAliases[name]; ok {
		return b.builtin(alias)
	}
	if f, ok := modsys.Lookup(name); ok {
		return b.moduleFunc(f)
	}
	switch name {
	case "types":
		return b.typesV
	case "mkOptionType":
		return b.typesLib(name)
	case "hm":
		// home-manager calls its modules with lib extended by its own
		// library (modules/lib/stdlib-extended.nix adds lib.hm): in a
		// home-manager tree, lib.hm is that library, read from the source.
		if _, err := os.Stat(filepath.Join(b.root, "modules/lib/stdlib-extended.nix")); err != nil {
			return nil
		}
		hm := b.importFile(filepath.Join(b.root, "modules/lib/default.nix"))
		return b.apply(hm, ready(&vAttrs{m: map[string]*attrEntry{"lib": {t: ready(b.libV)}}}))
	case "path":
		return &vNative{name: "lib.path", get: func(b *builder, n string) value {
			if n == "append" {
				return fn2("path.append", func(b *builder, p, s *thunk) value {
					pv, ok := b.force(p).(vPath)
					sv, ok2 := b.force(s).(vStr)
					if !ok || !ok2 {
						return unknown
					}
					return vPath(filepath.Join(string(pv), string(sv)))
				})
			}
			return unknown
		}}
	case "mkFixStrictness", "mdDoc", "id":
		return fn1(name, func(b *builder, x *thunk) value { return b.force(x) })
	case "const":
		return fn2(name, func(b *builder, x, _ *thunk) value { return b.force(x) })
	case "literalExpression", "literalExample", "literalMD", "literalDocBook":
		return fn1(name, func(b *builder, x *thunk) value {
			if s, ok := b.force(x).(vStr); ok {
				return &vLiteral{text: string(s)}
			}
			return unknown
		})
	case "setAttrByPath":
		return fn2(name, func(b *builder, p, v *thunk) value {
			path := b.strList(p)
			if path == nil {
				return unknown
			}
			out := v
			for i := len(path) - 1; i >= 0; i-- {
				out = ready(&vAttrs{m: map[string]*attrEntry{path[i]: {t: out}}})
			}
			return b.force(out)
		})
	case "getAttrFromPath", "attrByPath":
		if name == "attrByPath" {
			return fn3(name, func(b *builder, p, d, s *thunk) value {
				v := b.force(s)
				for _, n := range b.strList(p) {
					nv, found := b.selectOne(v, n)
					if !found {
						return b.force(d)
					}
					v = nv
				}
				return v
			})
		}
		return fn2(name, func(b *builder, p, s *thunk) value {
			v := b.force(s)
			for _, n := range b.strList(p) {
				nv, found := b.selectOne(v, n)
				if !found {
					return unknown
				}
				v = nv
			}
			return v
		})
	case "optional":
		return fn2(name, func(b *builder, c, x *thunk) value {
			if cv, ok := b.force(c).(vBool); ok && !bool(cv) {
				return &vList{}
			}
			return &vList{elems: []*thunk{x}}
		})
	case "optionals":
		return fn2(name, func(b *builder, c, x *thunk) value {
			if cv, ok := b.force(c).(vBool); ok && !bool(cv) {
				return &vList{}
			}
			return b.force(x)
		})
	case "optionalAttrs":
		return fn2(name, func(b *builder, c, x *thunk) value {
			if cv, ok := b.force(c).(vBool); ok && !bool(cv) {
				return &vAttrs{m: map[string]*attrEntry{}}
			}
			return b.force(x)
		})
	case "range":
		// lib.range 0 9: an enum's values (types.enum (lib.range 0 9))
		return fn2(name, func(b *builder, from, to *thunk) value {
			f, ok1 := b.force(from).(vInt)
			t, ok2 := b.force(to).(vInt)
			if !ok1 || !ok2 || t-f > 10000 {
				return unknown
			}
			out := &vList{}
			for i := f; i <= t; i++ {
				out.elems = append(out.elems, ready(i))
			}
			return out
		})
	case "optionalString":
		return fn2(name, func(b *builder, c, x *thunk) value {
			switch cv := b.force(c).(type) {
			case vBool:
				if !cv {
					return vStr("")
				}
				return b.force(x)
			}
			return unknown
		})
	case "mapAttrsToList", "mapAttrs'", "filterAttrs", "genAttrs", "nameValuePair", "foldl", "foldr",
		"flatten", "genAttrs'", "pipe", "flip", "hasSuffix", "hasPrefix", "removeSuffix", "removePrefix",
		"recursiveUpdate", "imap0", "imap1", "last", "unique", "showOption", "concatMapStrings",
		"concatMapStringsSep", "concatStrings", "toUpper", "toLower", "attrsets", "zipAttrsWith",
		"singleton", "toList", "forEach", "mapAttrsRecursive", "mkSinkUndeclaredOptions", "fix", "warn",
		"warnIf", "mkDerivedConfig", "splitString", "nixosModules", "mkAssert", "mkEnableOptionWith",
		"evalModules", "mkDefinition", "extends", "literalText":
		return b.makeLib2(name)
	}
	return nil
}

// vModuleGroup is several modules in one value (mkMergedOptionModule's
// option declarations).
type vModuleGroup struct{ mods []value }

// strList is a list of strings, or nil.
func (b *builder) strList(t *thunk) []string {
	l, ok := b.force(t).(*vList)
	if !ok || l.partial {
		return nil
	}
	if !b.spend(len(l.elems)) {
		return nil
	}
	out := make([]string, 0, len(l.elems))
	for _, el := range l.elems {
		s, ok := b.force(el).(vStr)
		if !ok {
			return nil
		}
		out = append(out, string(s))
	}
	return out
}

func (b *builder) makeLib2(name string) value {
	switch name {
	case "mapAttrsToList":
		return fn2(name, func(b *builder, f, s *thunk) value {
			a, ok := b.force(s).(*vAttrs)
			if !ok {
				return unknown
			}
			fv := b.force(f)
			out := &vList{partial: a.partial}
			for _, k := range sortedNames(a) {
				out.elems = append(out.elems, b.lazyApply2(fv, ready(vStr(k)), a.m[k].t))
			}
			return out
		})
	case "mapAttrs'":
		return fn2(name, func(b *builder, f, s *thunk) value {
			a, ok := b.force(s).(*vAttrs)
			if !ok {
				return unknown
			}
			fv := b.force(f)
			out := &vAttrs{m: map[string]*attrEntry{}, partial: a.partial}
			for _, k := range sortedNames(a) {
				nv, ok := b.apply(b.apply(fv, ready(vStr(k))), a.m[k].t).(*vAttrs)
				if !ok {
					out.partial = true
					continue
				}
				n, ok1 := nv.m["name"]
				v, ok2 := nv.m["value"]
				s, ok3 := value(nil), false
				if ok1 {
					s = b.force(n.t)
					_, ok3 = s.(vStr)
				}
				if !ok1 || !ok2 || !ok3 {
					out.partial = true
					continue
				}
				out.m[string(s.(vStr))] = &attrEntry{t: v.t}
			}
			return out
		})
	case "filterAttrs":
		return fn2(name, func(b *builder, f, s *thunk) value {
			a, ok := b.force(s).(*vAttrs)
			if !ok {
				return unknown
			}
			fv := b.force(f)
			out := &vAttrs{m: map[string]*attrEntry{}, partial: a.partial}
			for k, v := range a.m {
				switch keep := b.apply(b.apply(fv, ready(vStr(k))), v.t).(type) {
				case vBool:
					if keep {
						out.m[k] = v
					}
				default:
					out.partial = true
				}
			}
			return out
		})
	case "genAttrs'":
		return fn2(name, func(b *builder, l, f *thunk) value {
			m := ready(b.apply(b.apply(b.builtin("map"), f), l))
			return b.apply(b.builtin("listToAttrs"), m)
		})
	case "genAttrs":
		return fn2(name, func(b *builder, l, f *thunk) value {
			names := b.strList(l)
			if names == nil {
				return unknown
			}
			fv := b.force(f)
			out := &vAttrs{m: map[string]*attrEntry{}}
			for _, n := range names {
				out.m[n] = &attrEntry{t: b.lazyApply(fv, ready(vStr(n)))}
			}
			return out
		})
	case "nameValuePair":
		return fn2(name, func(b *builder, n, v *thunk) value {
			return &vAttrs{m: map[string]*attrEntry{"name": {t: n}, "value": {t: v}}}
		})
	case "foldl", "foldr":
		return fn3(name, func(b *builder, f, z, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok || lv.partial {
				return unknown
			}
			fv := b.force(f)
			acc := z
			if name == "foldl" {
				for _, el := range lv.elems {
					acc = ready(b.apply(b.apply(fv, acc), el))
				}
			} else {
				for i := len(lv.elems) - 1; i >= 0; i-- {
					acc = ready(b.apply(b.apply(fv, lv.elems[i]), acc))
				}
			}
			return b.force(acc)
		})
	case "flatten":
		return fn1(name, func(b *builder, x *thunk) value {
			out := &vList{}
			var walk func(t *thunk)
			walk = func(t *thunk) {
				if l, ok := b.force(t).(*vList); ok {
					out.partial = out.partial || l.partial
					for _, el := range l.elems {
						walk(el)
					}
					return
				}
				out.elems = append(out.elems, t)
			}
			walk(x)
			return out
		})
	case "pipe":
		return fn2(name, func(b *builder, x, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok || lv.partial {
				return unknown
			}
			acc := x
			for _, f := range lv.elems {
				acc = ready(b.apply(b.force(f), acc))
			}
			return b.force(acc)
		})
	case "flip":
		return fn3(name, func(b *builder, f, x, y *thunk) value {
			return b.apply(b.apply(b.force(f), y), x)
		})
	case "hasSuffix", "hasPrefix", "removeSuffix", "removePrefix":
		return fn2(name, func(b *builder, x, s *thunk) value {
			xv, ok1 := b.force(x).(vStr)
			sv, ok2 := toStr(b.force(s))
			if !ok1 || !ok2 {
				return unknown
			}
			switch name {
			case "hasSuffix":
				return vBool(strings.HasSuffix(sv, string(xv)))
			case "hasPrefix":
				return vBool(strings.HasPrefix(sv, string(xv)))
			case "removeSuffix":
				return vStr(strings.TrimSuffix(sv, string(xv)))
			}
			return vStr(strings.TrimPrefix(sv, string(xv)))
		})
	case "recursiveUpdate":
		return fn2(name, func(b *builder, x, y *thunk) value {
			return b.recursiveUpdate(b.force(x), b.force(y))
		})
	case "imap0", "imap1", "forEach":
		if name == "forEach" {
			return fn2(name, func(b *builder, l, f *thunk) value {
				return b.apply(b.apply(b.builtin("map"), f), l)
			})
		}
		return fn2(name, func(b *builder, f, l *thunk) value {
			lv, ok := b.force(l).(*vList)
			if !ok {
				return unknown
			}
			fv := b.force(f)
			base := 0
			if name == "imap1" {
				base = 1
			}
			out := &vList{partial: lv.partial}
			for i, el := range lv.elems {
				out.elems = append(out.elems, b.lazyApply2(fv, ready(vInt(i+base)), el))
			}
			return out
		})
	case "last":
		return fn1(name, func(b *builder, x *thunk) value {
			if l, ok := b.force(x).(*vList); ok && len(l.elems) > 0 && !l.partial {
				return b.force(l.elems[len(l.elems)-1])
			}
			return unknown
		})
	case "unique":
		return fn1(name, func(b *builder, x *thunk) value { return b.force(x) })
	case "singleton":
		return fn1(name, func(b *builder, x *thunk) value { return &vList{elems: []*thunk{x}} })
	case "toList":
		return fn1(name, func(b *builder, x *thunk) value {
			switch v := b.force(x).(type) {
			case *vList:
				return v
			case unknownT:
				return unknown
			}
			return &vList{elems: []*thunk{x}}
		})
	case "showOption":
		return fn1(name, func(b *builder, x *thunk) value {
			if p := b.strList(x); p != nil {
				return vStr(ShowOption(p))
			}
			return unknown
		})
	case "concatStrings", "concatMapStrings", "concatMapStringsSep":
		switch name {
		case "concatStrings":
			return fn1(name, func(b *builder, l *thunk) value {
				return b.apply(b.apply(b.builtin("concatStringsSep"), ready(vStr(""))), l)
			})
		case "concatMapStrings":
			return fn2(name, func(b *builder, f, l *thunk) value {
				m := ready(b.apply(b.apply(b.builtin("map"), f), l))
				return b.apply(b.apply(b.builtin("concatStringsSep"), ready(vStr(""))), m)
			})
		}
		return fn3(name, func(b *builder, sep, f, l *thunk) value {
			m := ready(b.apply(b.apply(b.builtin("map"), f), l))
			return b.apply(b.apply(b.builtin("concatStringsSep"), sep), m)
		})
	case "toUpper", "toLower":
		return fn1(name, func(b *builder, x *thunk) value {
			if s, ok := b.force(x).(vStr); ok && b.spend(len(s)/16) {
				if name == "toUpper" {
					return vStr(strings.ToUpper(string(s)))
				}
				return vStr(strings.ToLower(string(s)))
			}
			return unknown
		})
	case "splitString":
		return fn2(name, func(b *builder, sep, s *thunk) value {
			sp, ok1 := b.force(sep).(vStr)
			sv, ok2 := b.force(s).(vStr)
			if !ok1 || !ok2 || !b.spend(strings.Count(string(sv), string(sp))+1) {
				return unknown
			}
			out := &vList{}
			for _, part := range strings.Split(string(sv), string(sp)) {
				out.elems = append(out.elems, ready(vStr(part)))
			}
			return out
		})
	case "warn", "warnIf", "mkAssert":
		arity := 2
		if name != "warn" {
			arity = 3
		}
		return &vBuiltin{name: name, arity: arity, fn: func(b *builder, a []*thunk) value { return b.force(a[len(a)-1]) }}
	case "mkSinkUndeclaredOptions":
		return fn1(name, func(b *builder, x *thunk) value {
			return &vOption{args: &vAttrs{m: map[string]*attrEntry{}}, kind: "sink"}
		})
	}
	return unknown
}

func (b *builder) recursiveUpdate(x, y value) value {
	xa, ok1 := x.(*vAttrs)
	ya, ok2 := y.(*vAttrs)
	if !ok1 || !ok2 {
		return y
	}
	out := &vAttrs{m: make(map[string]*attrEntry, len(xa.m)+len(ya.m)), partial: xa.partial || ya.partial}
	for k, v := range xa.m {
		out.m[k] = v
	}
	for k, v := range ya.m {
		if old, ok := out.m[k]; ok {
			ov, nv := b.force(old.t), b.force(v.t)
			_, oa := ov.(*vAttrs)
			_, na := nv.(*vAttrs)
			if oa && na {
				out.m[k] = &attrEntry{t: ready(b.recursiveUpdate(ov, nv)), file: v.file, pos: v.pos}
				continue
			}
		}
		out.m[k] = v
	}
	return out
}

// moduleFunc is a function of the module system (package modsys's table):
// the wrappers of definitions, the option declarations and the modules
// that record an option's history.
func (b *builder) moduleFunc(f modsys.Func) value {
	name := f.Name
	switch f.Role {
	case modsys.Condition:
		return fn2(name, func(b *builder, c, x *thunk) value { return &vIf{cond: c, content: x} })
	case modsys.Merge:
		return fn1(name, func(b *builder, l *thunk) value { return &vMerge{list: l} })
	case modsys.Priority, modsys.Order:
		// the value, whatever its priority
		if f.Arity == 1 {
			return fn1(name, func(b *builder, x *thunk) value { return b.force(x) })
		}
		return fn2(name, func(b *builder, _, x *thunk) value { return b.force(x) })
	case modsys.Declaration:
		return b.declarationFunc(name)
	case modsys.History:
		return b.historyFunc(f)
	}
	return nil
}

func (b *builder) declarationFunc(name string) value {
	switch name {
	case "mkOption":
		return fn1(name, func(b *builder, x *thunk) value {
			a, ok := b.force(x).(*vAttrs)
			if !ok {
				a = &vAttrs{m: map[string]*attrEntry{}, partial: true}
			}
			return &vOption{args: a, kind: "mkOption"}
		})
	case "mkEnableOption":
		return fn1(name, func(b *builder, x *thunk) value {
			o := &vOption{args: &vAttrs{m: map[string]*attrEntry{}}, kind: name, typ: simpleTypes["bool"], deflt: "false"}
			if s, ok := b.force(x).(vStr); ok {
				o.desc = "Whether to enable " + string(s) + "."
			}
			return o
		})
	case "mkPackageOption", "mkPackageOptionMD":
		return fn3(name, func(b *builder, _, n, args *thunk) value {
			o := &vOption{args: &vAttrs{m: map[string]*attrEntry{}}, kind: "mkPackageOption", typ: simpleTypes["package"]}
			var pkgName string
			switch nv := b.force(n).(type) {
			case vStr:
				pkgName = string(nv)
			case *vList:
				var parts []string
				for _, el := range nv.elems {
					if s, ok := b.force(el).(vStr); ok {
						parts = append(parts, string(s))
					}
				}
				pkgName = strings.Join(parts, ".")
			}
			o.deflt = "pkgs." + pkgName
			if a, ok := b.force(args).(*vAttrs); ok {
				if ent, ok := a.m["nullable"]; ok {
					if v, ok := b.force(ent.t).(vBool); ok && bool(v) {
						o.typ = &vType{name: "nullOr", elems: []*vType{simpleTypes["package"]}}
					}
				}
				if ent, ok := a.m["default"]; ok {
					switch d := b.force(ent.t).(type) {
					case vStr:
						o.deflt = "pkgs." + string(d)
					case vNull:
						o.deflt = "null"
					}
				}
				for _, k := range []string{"extraDescription", "example"} {
					if ent, ok := a.m[k]; ok {
						o.args.m[k] = ent
					}
				}
			}
			o.desc = "The " + pkgName + " package to use."
			return o
		})
	}
	return nil
}

var historyKinds = map[modsys.HistoryKind]RenameKind{modsys.Renamed: Renamed, modsys.Aliased: Aliased,
	modsys.Removed: Removed, modsys.Changed: Changed, modsys.Merged: Merged}

func (b *builder) historyFunc(f modsys.Func) value {
	name, kind := f.Name, historyKinds[f.History]
	switch {
	case f.With:
		return fn1(name, func(b *builder, x *thunk) value {
			a, ok := b.force(x).(*vAttrs)
			if !ok {
				return unknown
			}
			r := &vRenameModule{kind: kind}
			if ent, ok := a.m["from"]; ok {
				r.from = b.strList(ent.t)
			}
			if ent, ok := a.m["to"]; ok {
				r.to = b.strList(ent.t)
			}
			return r
		})
	case kind == Changed:
		return fn3(name, func(b *builder, from, to, _ *thunk) value {
			return &vRenameModule{kind: Changed, from: b.strList(from), to: b.strList(to)}
		})
	case kind == Merged:
		return fn3(name, func(b *builder, from, to, _ *thunk) value {
			l, ok := b.force(from).(*vList)
			if !ok {
				return unknown
			}
			var mods []value
			toPath := b.strList(to)
			for _, el := range l.elems {
				mods = append(mods, &vRenameModule{kind: Merged, from: b.strList(el), to: toPath})
			}
			return &vModuleGroup{mods: mods}
		})
	}
	return fn2(name, func(b *builder, from, to *thunk) value {
		r := &vRenameModule{kind: kind, from: b.strList(from)}
		if kind == Removed {
			r.message, _ = toStr(b.force(to))
		} else {
			r.to = b.strList(to)
		}
		return r
	})
}
