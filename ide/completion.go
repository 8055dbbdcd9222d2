package ide

import (
	"fmt"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// ItemKind classifies a completion item.
type ItemKind int

const (
	KindKeyword ItemKind = iota
	KindVariable
	KindFunction
	KindProperty
	KindEnumMember
	KindModule
)

// Item is one completion proposal, replacing Range with Insert.
type Item struct {
	Label  string
	Kind   ItemKind
	Detail string
	Doc    string // markdown
	Insert string
	Range
}

// Complete proposes completions at off.
func Complete(ws *Workspace, f *nixast.File, off int) []Item {
	if off < 0 || off > len(f.Src) {
		return nil
	}
	src := f.Src
	ps := off
	for ps > 0 && isIdentByte(src[ps-1]) {
		ps--
	}
	prefix := string(src[ps:off])
	repl := Range{ps, off}
	anc := Enclosing(f, off)

	if items, inString := completeString(ws, f.Name, anc, off); inString {
		return items
	}

	if ps > 0 && src[ps-1] == '.' {
		chain := dottedChain(src[:ps-1])
		return filter(completeAfterDot(ws, f.Name, anc, off, chain), prefix, repl)
	}

	if namePosition(f, anc, off, ps) {
		c := attrContext(anc, ps)
		var items []Item
		class, cur := optionScope(ws, f.Name, c.Path)
		if p, ok := optionPath(c.Path); ok && class == optindex.NixOS {
			items = childItems(ws, f.Name, p)
		} else if ws.sets(f.Name) != nil && (len(cur) > 0 || isModuleish(anc)) {
			items = setItems(ws, f.Name, class, cur)
			if len(cur) == 0 && class == optindex.NixOS {
				items = append(items, Item{Label: "microvm", Kind: KindProperty, Detail: "microvm.nix options"})
			}
		} else if len(modulePath(c.Path)) == 0 && isModuleish(anc) {
			items = append(items, Item{Label: "microvm", Kind: KindProperty, Detail: "microvm.nix options"})
		}
		items = append(items, Item{Label: "inherit", Kind: KindKeyword})
		return filter(items, prefix, repl)
	}

	var items []Item
	for _, k := range Keywords {
		if k != "or" {
			items = append(items, Item{Label: k, Kind: KindKeyword})
		}
	}
	seen := map[string]bool{}
	for _, d := range scopesOf(ws, f).Visible(off) {
		if d.Holds(off) {
			continue // the name being typed
		}
		seen[d.Name] = true
		items = append(items, Item{Label: d.Name, Kind: KindVariable, Detail: d.Kind.String()})
	}
	for _, n := range BuiltinNames() {
		b := builtins()[n]
		if b.Global && !seen[n] {
			items = append(items, Item{Label: n, Kind: KindFunction, Detail: b.Sig, Doc: b.Doc})
		}
	}
	return filter(items, prefix, repl)
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '\'' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// dottedChain returns the names of a.b.c written just before end.
func dottedChain(src []byte) []string {
	i := len(src)
	for i > 0 && (isIdentByte(src[i-1]) || src[i-1] == '.' || src[i-1] == '"') {
		i--
	}
	s := strings.ReplaceAll(string(src[i:]), `"`, "")
	if s == "" {
		return nil
	}
	return strings.Split(s, ".")
}

// filter keeps the items starting with prefix and gives them the range.
func filter(items []Item, prefix string, r Range) []Item {
	out := []Item{}
	for _, it := range items {
		if strings.HasPrefix(it.Label, prefix) {
			it.Range = r
			if it.Insert == "" {
				it.Insert = it.Label
			}
			out = append(out, it)
		}
	}
	return out
}

// roleNote tells, from the systems whose modules include file, when an
// option's module is missing from some of them: "guest option (system `a`
// imports microvm.nixosModules.host only)".
func roleNote(ws *Workspace, file string, o *optindex.Option) string {
	if ws == nil {
		return ""
	}
	isHost := microvm.ModuleOf(o) == microvm.ModHost
	kind, mod := "guest option", "microvm.nixosModules.microvm"
	if isHost {
		kind, mod = "host option", "microvm.nixosModules.host"
	}
	var missing []string
	for _, s := range ws.Systems {
		in := false
		for _, f := range s.Files {
			in = in || f == file
		}
		if !in || s.Unknown {
			continue
		}
		has, hasHost, guest := false, false, false
		for _, m := range s.Modules {
			switch m.Which {
			case microvm.ModHost:
				hasHost = true
			case microvm.ModMicrovm, microvm.ModOptions:
				guest = true
			}
		}
		if isHost {
			has = hasHost
		} else {
			has = guest
		}
		if has {
			continue
		}
		switch {
		case hasHost && !isHost:
			missing = append(missing, fmt.Sprintf("system `%s` imports microvm.nixosModules.host only", s.Name))
		case guest && isHost:
			missing = append(missing, fmt.Sprintf("system `%s` imports the guest module only", s.Name))
		default:
			missing = append(missing, fmt.Sprintf("system `%s` does not import %s", s.Name, mod))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	if len(missing) > 2 {
		missing = append(missing[:2], fmt.Sprintf("%d more", len(missing)-2))
	}
	return kind + " (" + strings.Join(missing, "; ") + ")"
}

func moduleItems() []Item {
	var items []Item
	for _, n := range microvm.ModuleNames {
		items = append(items, Item{Label: n, Kind: KindModule, Detail: "microvm.nixosModules." + n, Doc: moduleDocs[n]})
	}
	return items
}

func completeAfterDot(ws *Workspace, file string, anc []nixast.Node, off int, chain []string) []Item {
	if len(chain) == 0 {
		return nil
	}
	if chain[len(chain)-1] == "nixosModules" {
		return moduleItems()
	}
	if len(chain) == 1 && chain[0] == "builtins" {
		var items []Item
		for _, n := range BuiltinNames() {
			b := builtins()[n]
			items = append(items, Item{Label: n, Kind: KindFunction, Detail: b.Sig, Doc: b.Doc})
		}
		return items
	}
	// a binding's attribute path: microvm.shares = ...
	if inBindingName(anc, off) {
		c := attrContext(anc, off)
		full := append(append([]string{}, c.Path...), chain...)
		// the chain already holds names of the path being typed
		if c.Name != nil && len(c.Path) >= len(chain) {
			full = c.Path
		}
		class, cur := optionScope(ws, file, full)
		if p, ok := optionPath(full); ok && class == optindex.NixOS {
			return childItems(ws, file, p)
		}
		if len(cur) > 0 {
			return setItems(ws, file, class, cur)
		}
		return nil
	}
	// config.microvm.x
	for j, n := range chain {
		if n == "microvm" && (j == 0 || chain[j-1] == "config") {
			return childItems(ws, file, chain[j:])
		}
	}
	// config.services.x
	if len(chain) >= 1 && chain[0] == "config" && ws.sets(file) != nil {
		return setItems(ws, file, ws.fileClass(file), chain[1:])
	}
	return nil
}

// inBindingName reports whether off is in the attribute path of a binding.
func inBindingName(anc []nixast.Node, off int) bool {
	for i := len(anc) - 1; i >= 0; i-- {
		switch n := anc[i].(type) {
		case *nixast.AttrPath:
			if i > 0 {
				if _, ok := anc[i-1].(*nixast.AttrAssign); ok {
					return true
				}
			}
		case *nixast.AttrAssign:
			return n.Eq < 0 || off <= int(n.Eq)
		case *nixast.AttrSet:
			return true
		case nixast.Expr:
			if _, ok := n.(*nixast.Ident); !ok {
				if _, bad := n.(*nixast.BadExpr); !bad {
					return false
				}
			}
		}
	}
	return false
}

// namePosition reports whether a binding name is expected at off (ps is
// where the word being typed starts).
func namePosition(f *nixast.File, anc []nixast.Node, off, ps int) bool {
	if len(anc) == 0 {
		return false
	}
	if inBindingName(anc, off) {
		// a let binding's name is no option
		for i := len(anc) - 1; i >= 0; i-- {
			switch anc[i].(type) {
			case *nixast.Let:
				return false
			case *nixast.AttrSet:
				return true
			}
		}
		return true
	}
	return false
}

// isModuleish reports whether the set at the cursor may be a NixOS module.
func isModuleish(anc []nixast.Node) bool {
	for _, n := range anc {
		if _, ok := n.(*nixast.AttrSet); ok {
			return true
		}
	}
	return false
}

// completeString proposes enum values in a string that is an option's
// value; inString is false when off is not inside a string's text.
func completeString(ws *Workspace, file string, anc []nixast.Node, off int) ([]Item, bool) {
	var str *nixast.StringLit
	idx := -1
	for i := len(anc) - 1; i >= 0; i-- {
		if _, ok := anc[i].(*nixast.Interp); ok {
			return nil, false
		}
		if s, ok := anc[i].(*nixast.StringLit); ok {
			str, idx = s, i
			break
		}
	}
	if str == nil || off <= int(str.Open) || str.Close >= 0 && off > int(str.Close) {
		return nil, false
	}
	c := attrContext(anc[:idx], off)
	if c.Value == nil {
		return []Item{}, true
	}
	var o *optindex.Option
	var values []string
	if p, ok := optionPath(c.Path); ok {
		if o, ok = LookupOption(ws, p); ok {
			values = ws.facts().EnumValues(o.Name)
		}
	} else if so, _, ok := setOption(ws, file, c.Path); ok {
		o, values = so, enumStrings(so)
	}
	if len(values) == 0 {
		return []Item{}, true
	}
	start := str.Pos() + 1
	if str.Indented {
		start = str.Pos() + 2
	}
	end := off
	if str.Close >= 0 {
		end = int(str.Close)
	}
	var items []Item
	for _, v := range values {
		items = append(items, Item{Label: v, Kind: KindEnumMember, Detail: o.Name, Insert: v, Range: Range{start, end}})
	}
	sort.SliceStable(items, func(i, j int) bool { return false })
	return items, true
}
