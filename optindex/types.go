package optindex

import (
	"strconv"
	"strings"
)

// vType is an option type: what lib.types builds, described as lib describes
// it, with the modules of a submodule so that its options can be found.
type vType struct {
	name string // lib's type name: "bool", "attrsOf", "submodule"...
	desc string // description of a leaf type
	// class is lib's descriptionClass: "noun" needs no parentheses inside
	// another type's description; "conjunction" and "composite" do.
	class string
	elems []*vType // element types (attrsOf, listOf, nullOr, either...)
	// modules of a submodule (each a thunk of a module value).
	modules []*thunk
	// enum values as Nix prints them.
	enum []string
	// getSub is a custom type's getSubOptions function.
	getSub *thunk
	// freeform is set for types whose attributes are data, not options
	// (attrs, anything, attrsOf of such).
	freeform bool
}

func leafType(name, desc string) *vType { return &vType{name: name, desc: desc, class: "noun"} }

// serializable is lib's types.json and the like: data of any shape.
func serializable(name, desc string) *vType { return &vType{name: name, desc: desc, freeform: true} }

// description is the type's description as lib's types give it.
func (t *vType) description() string {
	if t == nil {
		return "unspecified"
	}
	nounOr := func(other string) func(string) bool {
		return func(c string) bool { return c == "noun" || c == other }
	}
	switch t.name {
	case "nullOr":
		return "null or " + t.elems[0].phrase(nounOr("conjunction"))
	case "listOf":
		return "list of " + t.elems[0].phrase(nounOr("composite"))
	case "nonEmptyListOf":
		return "non-empty (list of " + t.elems[0].phrase(nounOr("composite")) + ")"
	case "attrsOf":
		return "attribute set of " + t.elems[0].phrase(nounOr("composite"))
	case "lazyAttrsOf":
		return "lazy attribute set of " + t.elems[0].phrase(nounOr("composite"))
	case "either":
		return t.elems[0].phrase(nounOr("conjunction")) + " or " + t.elems[1].phrase(nounOr("conjunction"))
	case "functionTo":
		return "function that evaluates to a(n) " + t.elems[0].phrase(nounOr("composite"))
	case "uniq", "unique":
		return t.elems[0].description()
	case "coercedTo":
		return t.elems[1].phrase(nounOr("noun")) + " or " + t.elems[0].phrase(nounOr("noun")) + " convertible to it"
	case "enum":
		if len(t.enum) == 0 {
			return "impossible (empty enum)"
		}
		return "one of " + strings.Join(t.enum, ", ")
	}
	return t.desc
}

// phrase is the description inside another type's: parenthesized unless the
// enclosing type accepts the element's class bare (lib's
// optionDescriptionPhrase).
func (t *vType) phrase(bare func(class string) bool) string {
	if bare(t.classOf()) {
		return t.description()
	}
	return "(" + t.description() + ")"
}

func (t *vType) classOf() string {
	switch t.name {
	case "nullOr", "either", "coercedTo":
		return "conjunction"
	case "listOf", "attrsOf", "lazyAttrsOf", "functionTo":
		return "composite"
	case "uniq", "unique":
		return t.elems[0].classOf()
	}
	return t.class
}

// attr is a type's attribute, as modules read them (type.description,
// type.name, type.nestedTypes.elemType...).
func (t *vType) attr(b *builder, name string) value {
	switch name {
	case "description":
		return vStr(t.description())
	case "name":
		return vStr(t.name)
	case "elemType":
		if len(t.elems) > 0 {
			return t.elems[0]
		}
	case "nestedTypes":
		a := &vAttrs{m: map[string]*attrEntry{}}
		if len(t.elems) > 0 {
			a.m["elemType"] = &attrEntry{t: ready(t.elems[0])}
		}
		return a
	case "getSubOptions":
		return fn1("getSubOptions", func(b *builder, p *thunk) value {
			return &vSubOptions{t: t, prefix: b.strList(p)}
		})
	case "functor":
		return unknown
	}
	return unknown
}

// sub returns the element types whose options sit below an option of this
// type, with the path element that stands for the element ("<name>", "*",
// or "" for none).
func (t *vType) subs() []typeSub {
	if t == nil {
		return nil
	}
	switch t.name {
	case "submodule", "deferredModule", "attrTag":
		return []typeSub{{"", t, false}}
	case "attrsOf", "lazyAttrsOf":
		return prefixSubs("<name>", t.elems[0].subs())
	case "listOf", "nonEmptyListOf":
		return prefixSubs("*", t.elems[0].subs())
	case "nullOr", "uniq", "unique", "functionTo":
		if t.name == "functionTo" {
			return prefixSubs("<function body>", t.elems[0].subs())
		}
		return t.elems[0].subs()
	case "either":
		// lib's either has no sub-options in documentation; its submodules'
		// options are still valid (hiddenSubs marks them).
		return hiddenSubs(append(t.elems[0].subs(), t.elems[1].subs()...))
	case "coercedTo":
		return t.elems[1].subs()
	}
	if t.getSub != nil {
		return []typeSub{{"", t, false}}
	}
	return nil
}

type typeSub struct {
	elem   string // path elements to insert, NUL-separated, "" for none
	sub    *vType // a submodule type
	hidden bool   // documentation does not show these options
}

func hiddenSubs(in []typeSub) []typeSub {
	for i := range in {
		in[i].hidden = true
	}
	return in
}

func prefixSubs(elem string, in []typeSub) []typeSub {
	out := make([]typeSub, len(in))
	for i, s := range in {
		e := elem
		if s.elem != "" {
			e += "\x00" + s.elem
		}
		out[i] = typeSub{e, s.sub, s.hidden}
	}
	return out
}

// isFreeform reports whether a value of this type is data at any depth: an
// option of it owns every path below it.
func (t *vType) isFreeform() bool {
	if t == nil {
		return false
	}
	switch t.name {
	case "attrs", "anything", "raw", "unspecified":
		return true
	case "attrsOf", "lazyAttrsOf", "nullOr", "uniq", "unique":
		return t.elems[0].isFreeform()
	case "either":
		return t.elems[0].isFreeform() || t.elems[1].isFreeform()
	}
	return t.freeform
}

// typesLib is lib.types.
func (b *builder) typesLib(name string) value {
	if t := simpleTypes[name]; t != nil {
		return t
	}
	un := func(name string, mk func(e *vType) *vType) value {
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			return mk(b.asType(a[0]))
		}}
	}
	wrap := func(n string) func(e *vType) *vType {
		return func(e *vType) *vType { return &vType{name: n, elems: []*vType{e}} }
	}
	switch name {
	case "ints", "numbers":
		return &vNative{name: "types." + name, get: func(b *builder, n string) value {
			return intType(name, n)
		}}
	case "nullOr", "listOf", "attrsOf", "lazyAttrsOf", "uniq", "functionTo", "nonEmptyListOf":
		return un(name, wrap(name))
	case "loaOf":
		return un(name, wrap("attrsOf"))
	case "unique":
		return &vBuiltin{name: name, arity: 2, fn: func(b *builder, a []*thunk) value {
			return &vType{name: "unique", elems: []*vType{b.asType(a[1])}}
		}}
	case "either":
		return &vBuiltin{name: name, arity: 2, fn: func(b *builder, a []*thunk) value {
			return &vType{name: "either", elems: []*vType{b.asType(a[0]), b.asType(a[1])}}
		}}
	case "oneOf":
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			l, ok := b.force(a[0]).(*vList)
			if !ok || len(l.elems) == 0 {
				return leafType("oneOf", "unspecified")
			}
			t := b.asType(l.elems[0])
			for _, el := range l.elems[1:] {
				t = &vType{name: "either", elems: []*vType{t, b.asType(el)}}
			}
			return t
		}}
	case "coercedTo":
		return &vBuiltin{name: name, arity: 3, fn: func(b *builder, a []*thunk) value {
			return &vType{name: "coercedTo", elems: []*vType{b.asType(a[0]), b.asType(a[2])}}
		}}
	case "enum":
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			t := &vType{name: "enum", class: "noun"}
			if l, ok := b.force(a[0]).(*vList); ok {
				for _, el := range l.elems {
					t.enum = append(t.enum, showValue(b.force(el)))
				}
			}
			if len(t.enum) >= 2 {
				t.class = "conjunction"
			}
			return t
		}}
	case "strMatching":
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			if s, ok := b.force(a[0]).(vStr); ok {
				return leafType("strMatching", "string matching the pattern "+string(s))
			}
			return leafType("strMatching", "string matching a pattern")
		}}
	case "separatedString":
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			if s, ok := b.force(a[0]).(vStr); ok {
				if s == "" {
					return leafType("separatedString", "Concatenated string")
				}
				return leafType("separatedString", "strings concatenated with "+strconv.Quote(string(s)))
			}
			return leafType("separatedString", "string")
		}}
	case "submodule":
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			return &vType{name: "submodule", desc: "submodule", modules: b.moduleList(a[0])}
		}}
	case "submoduleWith":
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			t := &vType{name: "submodule", desc: "submodule"}
			if args, ok := b.force(a[0]).(*vAttrs); ok {
				if ent, ok := args.m["modules"]; ok {
					t.modules = b.moduleList(ent.t)
				}
				if ent, ok := args.m["description"]; ok {
					if s, ok := b.force(ent.t).(vStr); ok {
						t.desc = string(s)
					}
				}
			}
			return t
		}}
	case "attrTag":
		// Its tags are options, declared below the option as a
		// submodule's would be (without lib's _module options).
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			t := &vType{name: "attrTag", class: "noun", desc: "attribute-tagged union"}
			if tags, ok := b.force(a[0]).(*vAttrs); ok {
				names := sortedNames(tags)
				t.desc = "attribute-tagged union with choices: " + strings.Join(names, ", ")
				t.modules = []*thunk{ready(&vAttrs{m: map[string]*attrEntry{"options": {t: ready(tags)}}})}
			}
			return t
		}}
	case "deferredModuleWith":
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			t := &vType{name: "deferredModule", desc: "module", class: "noun"}
			if args, ok := b.force(a[0]).(*vAttrs); ok {
				if ent, ok := args.m["staticModules"]; ok {
					t.modules = b.moduleList(ent.t)
				}
			}
			return t
		}}
	case "mkOptionType":
		return &vBuiltin{name: name, arity: 1, fn: func(b *builder, a []*thunk) value {
			t := &vType{name: "custom", desc: "unspecified"}
			if args, ok := b.force(a[0]).(*vAttrs); ok {
				if ent, ok := args.m["name"]; ok {
					if s, ok := b.force(ent.t).(vStr); ok {
						t.name, t.desc = string(s), string(s)
					}
				}
				if ent, ok := args.m["description"]; ok {
					if s, ok := b.force(ent.t).(vStr); ok {
						t.desc = string(s)
					}
				}
				if ent, ok := args.m["getSubOptions"]; ok {
					t.getSub = ent.t
				}
				if ent, ok := args.m["descriptionClass"]; ok {
					if s, ok := b.force(ent.t).(vStr); ok {
						t.class = string(s)
					}
				}
			}
			return t
		}}
	}
	return nil
}

// moduleList is a submodule's argument: a module or a list of modules.
func (b *builder) moduleList(t *thunk) []*thunk {
	if l, ok := b.force(t).(*vList); ok {
		return l.elems
	}
	return []*thunk{t}
}

var simpleTypes = map[string]*vType{
	"bool":           leafType("bool", "boolean"),
	"boolByOr":       leafType("boolByOr", "boolean (merged using or)"),
	"int":            leafType("int", "signed integer"),
	"float":          leafType("float", "floating point number"),
	"number":         leafType("number", "signed integer or floating point number"),
	"str":            leafType("str", "string"),
	"string":         leafType("string", "string"),
	"nonEmptyStr":    leafType("nonEmptyStr", "non-empty string"),
	"singleLineStr":  leafType("singleLineStr", "(optionally newline-terminated) single-line string"),
	"lines":          leafType("lines", `strings concatenated with "\n"`),
	"commas":         leafType("commas", `strings concatenated with ","`),
	"envVar":         leafType("envVar", `strings concatenated with ":"`),
	"path":           leafType("path", "absolute path"),
	"pathInStore":    leafType("path", "path in the Nix store"),
	"externalPath":   leafType("path", "absolute path not in the Nix store"),
	"package":        leafType("package", "package"),
	"shellPackage":   leafType("shellPackage", "shell package"),
	"attrs":          {name: "attrs", desc: "attribute set"},
	"anything":       leafType("anything", "anything"),
	"unspecified":    leafType("unspecified", "unspecified value"),
	"raw":            leafType("raw", "raw value"),
	"port":           leafType("unsignedInt16", "16 bit unsigned integer; between 0 and 65535 (both inclusive)"),
	"deferredModule": {name: "deferredModule", desc: "module", class: "noun"},
	"optionType":     leafType("optionType", "optionType"),
	"luaInline":      leafType("luaInline", "lua code"),
	"pkgs":           leafType("pkgs", "Nixpkgs package set"),
	"json":           serializable("json", "JSON value"),
	"toml":           serializable("toml", "TOML value"),
}

func intType(set, name string) value {
	if set == "numbers" {
		return leafType(name, "number")
	}
	bits := map[string]string{"u8": "8", "u16": "16", "u32": "32", "u64": "64", "s8": "8", "s16": "16", "s32": "32"}
	switch name {
	case "unsigned":
		return &vType{name: "unsignedInt", desc: "unsigned integer, meaning >=0", class: "nonRestrictiveClause"}
	case "positive":
		return &vType{name: "positiveInt", desc: "positive integer, meaning >0", class: "nonRestrictiveClause"}
	case "u8", "u16", "u32", "u64":
		n, _ := strconv.Atoi(bits[name])
		max := uint64(1)<<uint(n) - 1
		return leafType("unsignedInt"+bits[name], bits[name]+" bit unsigned integer; between 0 and "+strconv.FormatUint(max, 10)+" (both inclusive)")
	case "s8", "s16", "s32":
		n, _ := strconv.Atoi(bits[name])
		max := int64(1)<<uint(n-1) - 1
		return leafType("signedInt"+bits[name], bits[name]+" bit signed integer; between "+strconv.FormatInt(-max-1, 10)+" and "+strconv.FormatInt(max, 10)+" (both inclusive)")
	case "between":
		return &vBuiltin{name: "ints.between", arity: 2, fn: func(b *builder, a []*thunk) value {
			return &vType{name: "intBetween", desc: "integer between " + showValue(b.force(a[0])) + " and " + showValue(b.force(a[1])) + " (both inclusive)"}
		}}
	}
	return leafType("int", "signed integer")
}

// asType is a value used as a type; unknown types are "unspecified".
func (b *builder) asType(t *thunk) *vType {
	if v, ok := b.force(t).(*vType); ok {
		return v
	}
	return &vType{name: "unknown", desc: "unspecified"}
}

// showValue prints a literal value as lib.generators.toPretty does in enum
// descriptions.
func showValue(v value) string {
	switch v := v.(type) {
	case vStr:
		return strconv.Quote(string(v))
	case vInt:
		return strconv.FormatInt(int64(v), 10)
	case vBool:
		if v {
			return "true"
		}
		return "false"
	case vNull:
		return "null"
	case vFloat:
		return strconv.FormatFloat(float64(v), 'f', -1, 64)
	case vPath:
		return string(v)
	}
	return "<unknown>"
}
