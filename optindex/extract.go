package optindex

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// builder is one extraction: the evaluator's state and the options found.
type builder struct {
	root      string
	files     map[string]*fileCtx
	natives   map[string]value
	top       *env
	libV      *vNative
	typesV    *vNative
	builtinsV *vNative
	depth     int
	steps     int
	maxSteps  int
	copied    int // elements and 64-byte pieces of text copied into new values (spend)

	ix       *Index
	opts     map[string]*optionAcc // by Name
	renames  []pendingRename
	partials map[string]bool
	freeform map[string][]string
}

type optionAcc struct {
	Option
	typ *vType
	// subsDone holds the prefixes whose sub-options were collected, so that
	// a submodule declared twice is read once per prefix.
	hasDecl map[Declaration]bool
}

type pendingRename struct {
	r      Rename
	prefix []string
	hidden bool
}

// modCtx is one module evaluation: a prefix (empty at the top, the option
// path of a submodule) and the files it has already imported.
type modCtx struct {
	prefix []string
	seen   map[string]bool
	hidden bool // options found here are below an undocumented option
	depth  int
}

func newBuilder(root string) *builder {
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	b := &builder{
		root:     abs,
		files:    map[string]*fileCtx{},
		natives:  map[string]value{},
		maxSteps: 50_000_000,
		ix:       &Index{Root: root},
		opts:     map[string]*optionAcc{},
		partials: map[string]bool{},
		freeform: map[string][]string{},
	}
	b.libV = &vNative{name: "lib", get: func(b *builder, n string) value { return b.libGet(n) }}
	b.typesV = &vNative{name: "lib.types", get: func(b *builder, n string) value { return b.typesLib(n) }}
	b.builtinsV = &vNative{name: "builtins", get: func(b *builder, n string) value { return b.builtin(n) }}
	b.top = &env{names: map[string]*thunk{}}
	return b
}

func (b *builder) partial(msg string) {
	if !b.partials[msg] {
		b.partials[msg] = true
		b.ix.Partial = append(b.ix.Partial, msg)
	}
}

// entry adds the modules of one entry: a file or directory relative to the
// root, or "flake.nix#output.name".
func (b *builder) entry(e string) {
	b.ix.Entries = append(b.ix.Entries, e)
	mc := &modCtx{seen: map[string]bool{}}
	if file, attr, ok := strings.Cut(e, "#"); ok {
		v := b.flakeOutputs(filepath.Join(b.root, file))
		for _, n := range strings.Split(attr, ".") {
			nv, found := b.selectOne(v, n)
			if !found {
				b.partial("no output " + attr + " in " + file)
				return
			}
			v = nv
		}
		b.module(v, mc)
		return
	}
	b.module(vPath(filepath.Join(b.root, filepath.FromSlash(e))), mc)
}

// flakeOutputs is a flake.nix's outputs, called with inputs that are all
// unknown but self.
func (b *builder) flakeOutputs(path string) value {
	fc := b.file(path)
	if fc == nil {
		return unknown
	}
	flake, ok := b.force(fc.val).(*vAttrs)
	if !ok {
		return unknown
	}
	out, ok := flake.m["outputs"]
	if !ok {
		return unknown
	}
	inputs := &vAttrs{m: map[string]*attrEntry{}, partial: true}
	self := &thunk{}
	inputs.m["self"] = &attrEntry{t: self}
	v := b.apply(b.force(out.t), ready(inputs))
	self.v, self.state = v, 2
	if _, ok := v.(*vAttrs); !ok {
		self.v = unknown
	}
	return v
}

// moduleArgs is what the module system passes a module function: lib, and
// everything else unknown (formals with defaults keep them).
func (b *builder) moduleArgs() *thunk {
	a := &vAttrs{m: map[string]*attrEntry{"lib": {t: ready(b.libV)}}, partial: true}
	return ready(a)
}

// module collects the options of one module value.
func (b *builder) module(v value, mc *modCtx) {
	if mc.depth > 200 {
		return
	}
	mc.depth++
	defer func() { mc.depth-- }()
	switch m := v.(type) {
	case vPath:
		p := string(m)
		if mc.seen[p] {
			return
		}
		mc.seen[p] = true
		b.module(b.importFile(p), mc)
	case vStr:
		if filepath.IsAbs(string(m)) {
			b.module(vPath(m), mc)
			return
		}
		b.partial("a module that is a string")
	case *vClosure:
		b.module(b.apply(m, b.moduleArgs()), mc)
	case *vList:
		// A file of modules (a module list) used where a module is.
		for _, el := range m.elems {
			b.module(b.force(el), mc)
		}
		if m.partial {
			b.partial("a module list with elements not known without evaluation")
		}
	case *vAttrs:
		b.moduleAttrs(m, mc)
	case *vRenameModule:
		if len(m.from) == 0 || (m.kind != Removed && len(m.to) == 0) {
			b.partial("a rename whose option paths are not known without evaluation")
			return
		}
		b.renames = append(b.renames, pendingRename{r: Rename{Kind: m.kind, From: m.from, To: m.to, Message: m.message}, prefix: mc.prefix, hidden: mc.hidden})
	case *vModuleGroup:
		for _, x := range m.mods {
			b.module(x, mc)
		}
	case *vIf:
		b.module(b.force(m.content), mc)
	default:
		b.partial("a module not known without evaluation")
	}
}

var moduleKeys = map[string]bool{
	"options": true, "config": true, "imports": true, "_file": true, "key": true,
	"disabledModules": true, "meta": true, "freeformType": true, "_class": true,
}

func (b *builder) moduleAttrs(m *vAttrs, mc *modCtx) {
	if ent, ok := m.m["imports"]; ok {
		switch l := b.force(ent.t).(type) {
		case *vList:
			for _, el := range l.elems {
				b.module(b.force(el), mc)
			}
			if l.partial {
				b.partial("imports not known without evaluation")
			}
		default:
			b.partial("imports not known without evaluation")
		}
	}
	if ent, ok := m.m["options"]; ok {
		b.options(b.force(ent.t), ent, append([]string(nil), mc.prefix...), mc)
	}
	if _, ok := m.m["freeformType"]; ok {
		b.addFreeform(mc.prefix)
	}
	config := m
	_, hasOptions := m.m["options"]
	_, hasConfig := m.m["config"]
	if hasOptions || hasConfig {
		config = nil
		if ent, ok := m.m["config"]; ok {
			config, _ = b.force(ent.t).(*vAttrs)
		}
	}
	if config != nil {
		if ent, ok := config.m["_module"]; ok {
			if mod, ok := b.force(ent.t).(*vAttrs); ok {
				if _, ok := mod.m["freeformType"]; ok {
					b.addFreeform(mc.prefix)
				}
			}
		}
	}
}

func (b *builder) addFreeform(prefix []string) {
	b.freeform[ShowOption(prefix)] = append([]string(nil), prefix...)
}

// options walks an options tree.
func (b *builder) options(v value, ent *attrEntry, loc []string, mc *modCtx) {
	if len(loc) > 64 {
		return
	}
	switch o := v.(type) {
	case *vOption:
		b.declare(o, ent, loc, mc)
	case *vAttrs:
		if t, ok := o.m["_type"]; ok {
			if s, ok := b.force(t.t).(vStr); ok && s == "option" {
				b.declare(&vOption{args: o, kind: "mkOption"}, ent, loc, mc)
				return
			}
		}
		for _, name := range sortedNames(o) {
			child := o.m[name]
			b.options(b.force(child.t), child, append(loc[:len(loc):len(loc)], name), mc)
		}
		if o.partial {
			b.partial("option names not known without evaluation " + where(loc))
		}
	case *vSubOptions:
		if o.prefix != nil {
			b.subOptions(o.t, o.prefix, mc.hidden, mc.depth)
		}
	case *vIf:
		b.options(b.force(o.content), ent, loc, mc)
	case *vMerge:
		if l, ok := b.force(o.list).(*vList); ok {
			for _, el := range l.elems {
				b.options(b.force(el), ent, loc, mc)
			}
		}
	default:
		b.partial("options not known without evaluation " + where(loc))
	}
}

// where names an option path in a message.
func where(loc []string) string {
	if len(loc) == 0 {
		return "at the top level"
	}
	return "under " + ShowOption(loc)
}

// declare records an option and collects its sub-options.
func (b *builder) declare(o *vOption, ent *attrEntry, loc []string, mc *modCtx) {
	if o.kind == "sink" {
		b.addFreeform(loc)
		return
	}
	name := ShowOption(loc)
	acc := b.opts[name]
	if acc == nil {
		acc = &optionAcc{Option: Option{Name: name, Loc: append([]string(nil), loc...), Visible: true, Hidden: mc.hidden}, hasDecl: map[Declaration]bool{}}
		b.opts[name] = acc
	} else if !mc.hidden {
		acc.Hidden = false
	}
	if d, ok := b.declaration(o, ent); ok && !acc.hasDecl[d] {
		acc.hasDecl[d] = true
		acc.Declarations = append(acc.Declarations, d)
	}
	typ := o.typ
	if e, ok := o.args.m["type"]; ok {
		typ = b.asType(e.t)
	}
	if acc.typ == nil && typ != nil {
		acc.typ = typ
		acc.Type = typ.description()
		acc.Enum = typ.enum
	}
	if acc.Default == "" {
		acc.Default = o.deflt
		if e, ok := o.args.m["defaultText"]; ok {
			acc.Default = b.literalText(e)
		} else if e, ok := o.args.m["default"]; ok {
			acc.Default = b.literalText(e)
		}
	}
	if acc.Description == "" {
		acc.Description = o.desc
		if e, ok := o.args.m["description"]; ok {
			if s, ok := b.text(b.force(e.t)); ok {
				acc.Description = s
			}
		}
		if e, ok := o.args.m["extraDescription"]; ok {
			if s, ok := b.text(b.force(e.t)); ok && s != "" {
				acc.Description += " " + s
			}
		}
	}
	if e, ok := o.args.m["internal"]; ok {
		if v, ok := b.force(e.t).(vBool); ok && bool(v) {
			acc.Internal = true
		}
	}
	if e, ok := o.args.m["readOnly"]; ok {
		if v, ok := b.force(e.t).(vBool); ok && bool(v) {
			acc.ReadOnly = true
		}
	}
	hideSubs := mc.hidden
	if e, ok := o.args.m["visible"]; ok {
		switch v := b.force(e.t).(type) {
		case vBool:
			if !v {
				acc.Visible = false
				hideSubs = true
			}
		case vStr:
			if v == "shallow" {
				acc.Shallow = true
				hideSubs = true
			}
		}
	}
	if typ != nil && typ.isFreeform() {
		b.addFreeform(loc)
	}
	if typ == nil {
		return
	}
	b.subOptions(typ, loc, hideSubs, mc.depth)
}

// subOptions collects the options below an option of type typ at loc.
func (b *builder) subOptions(typ *vType, loc []string, hidden bool, depth int) {
	if depth > 200 || len(loc) > 64 {
		return
	}
	for _, s := range typ.subs() {
		sub := append([]string(nil), loc...)
		if s.elem != "" {
			sub = append(sub, strings.Split(s.elem, "\x00")...)
		}
		smc := &modCtx{prefix: sub, seen: map[string]bool{}, hidden: hidden || s.hidden, depth: depth + 1}
		if s.sub.getSub != nil {
			// A type of a library's own (mkOptionType with
			// getSubOptions): its function says where the options are.
			prefix := &vList{}
			for _, n := range sub {
				prefix.elems = append(prefix.elems, ready(vStr(n)))
			}
			switch r := b.apply(b.force(s.sub.getSub), ready(prefix)).(type) {
			case *vSubOptions:
				b.subOptions(r.t, r.prefix, smc.hidden, smc.depth)
			case *vAttrs:
				b.options(r, nil, sub, smc)
			}
			continue
		}
		if s.sub.name != "attrTag" {
			b.moduleOptions(smc)
		}
		for _, m := range s.sub.modules {
			b.module(b.force(m), smc)
		}
	}
}

// vSubOptions is what a type's getSubOptions returns: the options of type
// t at prefix, collected when an options tree reaches it.
type vSubOptions struct {
	t      *vType
	prefix []string
}

// moduleOptions declares the options lib's module system declares in every
// submodule (_module.args and its siblings).
func (b *builder) moduleOptions(mc *modCtx) {
	for _, o := range []struct {
		name, typ string
		readOnly  bool
	}{
		{"args", "lazy attribute set of raw value", false},
		{"check", "boolean", false},
		{"freeformType", "null or optionType", false},
		{"specialArgs", "unspecified value", true},
	} {
		loc := append(append([]string(nil), mc.prefix...), "_module", o.name)
		name := ShowOption(loc)
		if acc := b.opts[name]; acc != nil {
			if !mc.hidden {
				acc.Hidden = false
			}
			continue
		}
		b.opts[name] = &optionAcc{Option: Option{Name: name, Loc: loc, Type: o.typ, Internal: true, Visible: true,
			ReadOnly: o.readOnly, Hidden: mc.hidden}}
	}
}

// declaration is where an option is declared: its name in the options set,
// or else the mkOption argument's first attribute.
func (b *builder) declaration(o *vOption, ent *attrEntry) (Declaration, bool) {
	if ent != nil && ent.file != nil {
		l, c := ent.file.position(ent.pos)
		return Declaration{File: ent.file.rel, Line: l, Column: c}, true
	}
	var best *attrEntry
	for _, e := range o.args.m {
		if e.file != nil && (best == nil || e.pos < best.pos) {
			best = e
		}
	}
	if best != nil {
		l, c := best.file.position(best.pos)
		return Declaration{File: best.file.rel, Line: l, Column: c}, true
	}
	return Declaration{}, false
}

// literalText is a default's text: a literalExpression's string, or the
// default expression's source.
func (b *builder) literalText(e *attrEntry) string {
	t := e.t
	if x, file := t.x, t.file; t.state == 0 && x != nil && file != nil {
		// Only literalExpression and friends are evaluated; the rest is
		// shown as written.
		if app, ok := x.(*nixast.Apply); ok {
			if fn := calleeName(app.Fn); strings.HasPrefix(fn, "literal") {
				if l, ok := b.force(t).(*vLiteral); ok {
					return l.text
				}
			}
		}
		return sourceText(file, x)
	}
	switch v := b.force(t).(type) {
	case *vLiteral:
		return v.text
	case vStr, vInt, vBool, vNull:
		return showValue(v)
	}
	return ""
}

func calleeName(x nixast.Expr) string {
	switch x := nixast.Unparen(x).(type) {
	case *nixast.Ident:
		return x.Name
	case *nixast.Select:
		if n := x.Path.Names; len(n) > 0 {
			s, _ := n[len(n)-1].StaticName()
			return s
		}
	}
	return ""
}

func sourceText(fc *fileCtx, x nixast.Expr) string {
	src := fc.f.Src
	s, e := x.Pos(), x.End()
	if s < 0 || e > len(src) || s > e {
		return ""
	}
	const max = 4096
	if e-s > max {
		return string(src[s:s+max]) + "…"
	}
	return string(src[s:e])
}

// text is a description's text.
func (b *builder) text(v value) (string, bool) {
	switch v := v.(type) {
	case vStr:
		return string(v), true
	case *vLiteral:
		return v.text, true
	}
	return "", false
}

func (b *builder) finish() *Index {
	// Renames declare the old path as an option, typed as the new one.
	for _, pr := range b.renames {
		r := pr.r
		r.From = append(append([]string(nil), pr.prefix...), r.From...)
		if len(r.To) > 0 {
			r.To = append(append([]string(nil), pr.prefix...), r.To...)
		}
		name := ShowOption(r.From)
		acc := b.opts[name]
		if acc == nil {
			acc = &optionAcc{Option: Option{Name: name, Loc: r.From, Visible: r.Kind == Aliased, Hidden: pr.hidden}}
			switch r.Kind {
			case Removed, Merged, Changed:
				// lib declares these with mkMergedOptionModule's untyped
				// option.
				acc.Type = "unspecified value"
			default:
				if to := b.opts[ShowOption(r.To)]; to != nil && to.Type != "" {
					acc.Type = to.Type
				} else {
					acc.Type = "submodule"
				}
				acc.Description = "Alias of " + ShowOption(r.To) + "."
			}
			b.opts[name] = acc
		}
		b.ix.Renames = append(b.ix.Renames, r)
	}
	for _, acc := range b.opts {
		if acc.Type == "" {
			acc.Type = "unspecified value"
		}
		if acc.Declarations == nil {
			acc.Declarations = []Declaration{}
		}
		b.ix.Options = append(b.ix.Options, acc.Option)
	}
	sort.Slice(b.ix.Options, func(i, j int) bool { return b.ix.Options[i].Name < b.ix.Options[j].Name })
	for _, f := range b.freeform {
		b.ix.Freeform = append(b.ix.Freeform, f)
	}
	sort.Slice(b.ix.Freeform, func(i, j int) bool { return ShowOption(b.ix.Freeform[i]) < ShowOption(b.ix.Freeform[j]) })
	sort.Strings(b.ix.Partial)
	return b.ix
}
