package analysis

import (
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/modsys"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// optVal is one definition of a microvm.* attribute path in a system, found
// by reading attribute set literals only.
type optVal struct {
	Path []string
	// X is the value with parentheses and lib.mkDefault / mkForce / mkIf /
	// mkOverride stripped; nil when the value is not written here (inherit).
	X        nixast.Expr
	File     string
	Binding  *nixast.AttrAssign // the binding the value belongs to; nil for inherit
	Base     int                // how many names of Path come before the binding's own names
	Inherit  *nixast.Inherit
	Cond     bool // under lib.mkIf
	Priority int  // module system priority: mkForce 50, plain 100, mkDefault 1000
	// Computed is the value of a definition that is no literal, when the
	// graph's evaluator knows it (computed.go).
	Computed *literal
}

// optView is what a system's modules define under microvm, as far as
// literals tell.
type optView struct {
	vals []*optVal
	// byPath and byVM index vals (built on first use; vals must not change
	// after): a host with many VMs asked for each one made lookups quadratic.
	byPath map[string][]*optVal
	byVM   map[string][]*optVal
	// opaque is true when a microvm or config value could not be read, so
	// that anything may be defined somewhere.
	opaque bool
	// facts are the microvm.nix option facts the system is checked against.
	facts *microvm.Facts
}

// mkName returns the name of the function x calls by a name (mkIf,
// lib.mkIf, lib.optional...), with the arguments of the call.
func mkName(x nixast.Expr) (string, []nixast.Expr) { return modsys.Name(x) }

// unwrapValue strips parentheses and the module system's condition,
// priority and order wrappers (package modsys).
func unwrapValue(x nixast.Expr) (v nixast.Expr, cond bool, prio int) {
	prio = modsys.DefaultPriority
	for i := 0; i < 10; i++ {
		x = nixast.Unparen(x)
		f, args, ok := modsys.Call(x)
		if !ok || !f.Wraps() || f.Role == modsys.Merge {
			return x, cond, prio
		}
		switch f.Role {
		case modsys.Condition:
			cond = true
		case modsys.Priority:
			if p, known := f.PriorityOf(args); known {
				prio = p
			}
		}
		x = args[f.Value]
	}
	return x, cond, prio
}

// isMerge reports whether x is a call of mkMerge, with its list argument.
func isMerge(x nixast.Expr) (nixast.Expr, bool) {
	f, args, ok := modsys.Call(x)
	if !ok || f.Role != modsys.Merge {
		return nil, false
	}
	return args[f.Value], true
}

// optionView reads the literal microvm.* definitions of a system.
func optionView(s *System) *optView {
	v := &optView{opaque: s.Opaque}
	seen := map[*nixast.AttrAssign]bool{}
	for _, d := range s.Defs {
		if seen[d.Binding] {
			continue
		}
		seen[d.Binding] = true
		n := len(v.vals)
		v.add(d.Path, len(d.Path)-len(d.Binding.Path.Names), d.Binding, d.Binding.Value, d.File, false, 100)
		if d.Computed != nil {
			v.vals[n].Computed = &literal{Kind: "string", S: *d.Computed}
		}
	}
	for _, m := range s.MicrovmSets {
		for _, b := range m.Set.Bindings {
			if in, ok := b.(*nixast.Inherit); ok {
				v.addInherit([]string{"microvm"}, in, m.File)
			}
		}
	}
	return v
}

func (v *optView) addInherit(prefix []string, in *nixast.Inherit, file string) {
	for _, n := range in.Names {
		name, ok := n.StaticName()
		if !ok {
			v.opaque = true
			continue
		}
		v.vals = append(v.vals, &optVal{Path: append(append([]string{}, prefix...), name), File: file, Inherit: in, Base: len(prefix), Priority: 100})
	}
}

func (v *optView) add(path []string, base int, b *nixast.AttrAssign, x nixast.Expr, file string, cond bool, prio int) {
	ux, c, p := unwrapValue(x)
	cond = cond || c
	if p != 100 {
		prio = p
	}
	ov := &optVal{Path: path, X: ux, File: file, Binding: b, Base: base, Cond: cond, Priority: prio}
	v.vals = append(v.vals, ov)
	var sets []*nixast.AttrSet
	switch ux := ux.(type) {
	case *nixast.AttrSet:
		sets = append(sets, ux)
	default:
		if list, ok := isMerge(ux); ok {
			if l, ok := nixast.Unparen(list).(*nixast.List); ok {
				for _, el := range l.Elems {
					if s, ok := unwrapSet(el); ok {
						sets = append(sets, s)
					}
				}
			}
		}
	}
	for _, s := range sets {
		v.addSet(path, s, file, cond, prio)
	}
}

func unwrapSet(x nixast.Expr) (*nixast.AttrSet, bool) {
	ux, _, _ := unwrapValue(x)
	s, ok := ux.(*nixast.AttrSet)
	return s, ok
}

func (v *optView) addSet(path []string, s *nixast.AttrSet, file string, cond bool, prio int) {
	for _, b := range s.Bindings {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			// one slice for the whole path, the binding's names after path's
			p, static := b.Path.AppendStaticNames(append(make([]string, 0, len(path)+len(b.Path.Names)), path...))
			if !static {
				v.vals = append(v.vals, &optVal{Path: path, File: file, Base: len(path)})
				continue
			}
			v.add(p, len(path), b, b.Value, file, cond, prio)
		case *nixast.Inherit:
			v.addInherit(path, b, file)
		}
	}
}

func pathHasPrefix(p, prefix []string) bool {
	if len(p) < len(prefix) {
		return false
	}
	for i := range prefix {
		if p[i] != prefix[i] {
			return false
		}
	}
	return true
}

func pathEq(a, b []string) bool { return len(a) == len(b) && pathHasPrefix(a, b) }

// get returns the definitions of exactly path.
func (v *optView) get(path ...string) []*optVal {
	v.index()
	var buf [128]byte
	return v.byPath[string(appendKey(buf[:0], path))] // no allocation: the compiler looks up bytes
}

// appendKey appends parts joined by NUL bytes, which no name holds: a map
// key that a caller on the stack looks up as string(key), without making
// a string of it.
func appendKey(dst []byte, parts []string) []byte {
	for i, p := range parts {
		if i > 0 {
			dst = append(dst, 0)
		}
		dst = append(dst, p...)
	}
	return dst
}

// underVM returns the definitions below microvm.vms.<name>, in order.
func (v *optView) underVM(name string) []*optVal {
	v.index()
	return v.byVM[name]
}

func (v *optView) index() {
	if v.byPath != nil {
		return
	}
	v.byPath = make(map[string][]*optVal, len(v.vals))
	v.byVM = map[string][]*optVal{}
	for _, d := range v.vals {
		k := strings.Join(d.Path, "\x00")
		v.byPath[k] = append(v.byPath[k], d)
		if len(d.Path) >= 3 && d.Path[0] == "microvm" && d.Path[1] == "vms" {
			v.byVM[d.Path[2]] = append(v.byVM[d.Path[2]], d)
		}
	}
}

// hidden reports whether something unreadable may define path: an opaque
// module, or a definition of a prefix of path whose value is not a literal
// attribute set.
func (v *optView) hidden(path ...string) bool {
	if v.opaque {
		return true
	}
	for _, d := range v.vals {
		if len(d.Path) < len(path) && pathHasPrefix(path, d.Path) {
			if _, ok := d.X.(*nixast.AttrSet); ok {
				continue
			}
			if _, ok := isMerge(d.X); ok {
				continue
			}
			return true
		}
	}
	return false
}

// defined reports whether path or something below it may be defined.
func (v *optView) defined(path ...string) bool {
	if v.hidden(path...) {
		return true
	}
	for _, d := range v.vals {
		if pathHasPrefix(d.Path, path) {
			return true
		}
	}
	return false
}

// literal is a statically known value.
type literal struct {
	Kind string // "string", "int", "bool", "null"
	S    string
	I    int64
	B    bool
}

func literalOf(x nixast.Expr) (literal, bool) {
	switch x := nixast.Unparen(x).(type) {
	case *nixast.StringLit:
		if s, ok := x.StaticValue(); ok {
			return literal{Kind: "string", S: s}, true
		}
	case *nixast.IntLit:
		return literal{Kind: "int", I: x.Value}, true
	case *nixast.Unary:
		if x.Op == nixast.MINUS {
			if n, ok := nixast.Unparen(x.X).(*nixast.IntLit); ok {
				return literal{Kind: "int", I: -n.Value}, true
			}
		}
	case *nixast.Ident:
		switch x.Name {
		case "true", "false":
			return literal{Kind: "bool", B: x.Name == "true"}, true
		case "null":
			return literal{Kind: "null"}, true
		}
	}
	return literal{}, false
}

// single returns the value a system gives path when every definition is a
// literal and the winning priority has one value; ok is false otherwise
// (including when path is not defined: see defined).
func (v *optView) single(path ...string) (literal, *optVal, bool) {
	if v.hidden(path...) {
		return literal{}, nil, false
	}
	ds := v.get(path...)
	if len(ds) == 0 {
		return literal{}, nil, false
	}
	best := -1
	for _, d := range ds {
		if d.X == nil || d.Cond {
			return literal{}, nil, false
		}
		if _, ok := d.lit(); !ok {
			return literal{}, nil, false
		}
		if best < 0 || d.Priority < best {
			best = d.Priority
		}
	}
	var out literal
	var at *optVal
	for _, d := range ds {
		if d.Priority != best {
			continue
		}
		l, _ := d.lit()
		if at != nil && l != out {
			return literal{}, nil, false
		}
		out, at = l, d
	}
	return out, at, true
}

// listItem is one element of a literal list of submodules (shares,
// interfaces...): its attributes as far as known.
type listItem struct {
	Node  nixast.Expr // the list element
	File  string
	Set   *nixast.AttrSet
	vals  *optView // attribute paths relative to the element
	Cond  bool
	Whole bool // every attribute of the element is known
}

// attr returns the literal value of an attribute of the element.
func (it *listItem) attr(path ...string) (literal, *optVal, bool) { return it.vals.single(path...) }

// has reports whether the element may set path.
func (it *listItem) has(path ...string) bool { return !it.Whole || it.vals.defined(path...) }

// items returns the elements of every literal list defined for path; complete
// is false when some definition is not a literal list (more elements may
// exist) or some element is not a literal attribute set.
func (v *optView) items(path ...string) (out []*listItem, complete bool) {
	complete = !v.hidden(path...)
	for _, d := range v.get(path...) {
		if d.X == nil {
			complete = false
			continue
		}
		out1, ok := listItems(d.X, d.File, d.Cond)
		out = append(out, out1...)
		complete = complete && ok
	}
	return out, complete
}

func listItems(x nixast.Expr, file string, cond bool) ([]*listItem, bool) {
	switch x := nixast.Unparen(x).(type) {
	case *nixast.List:
		var out []*listItem
		ok := true
		for _, el := range x.Elems {
			s, isSet := unwrapSet(el)
			if !isSet {
				ok = false
				continue
			}
			iv := &optView{}
			iv.addSet(nil, s, file, cond, 100)
			whole := s.Rec < 0
			for _, d := range iv.vals {
				if d.Binding == nil && d.Inherit == nil {
					whole = false
				}
			}
			out = append(out, &listItem{Node: el, File: file, Set: s, vals: iv, Cond: cond, Whole: whole})
		}
		return out, ok
	case *nixast.Binary:
		if x.Op == nixast.CONCAT {
			a, ok1 := listItems(x.X, file, cond)
			b, ok2 := listItems(x.Y, file, cond)
			return append(a, b...), ok1 && ok2
		}
	}
	if name, args := mkName(x); (name == "optional" || name == "optionals") && len(args) == 2 {
		if name == "optional" {
			return listItems(&nixast.List{Elems: []nixast.Expr{args[1]}}, file, true)
		}
		return listItems(args[1], file, true)
	}
	return nil, false
}

// optPath joins an option path for messages.
func optPath(p ...string) string { return strings.Join(p, ".") }
