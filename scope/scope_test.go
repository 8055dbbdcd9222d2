package scope

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func undefinedNames(src string) string {
	f := nixast.Parse("/ws/a.nix", []byte(src))
	var out []string
	for _, r := range Resolve(f).Undefined() {
		out = append(out, r.Name())
	}
	return strings.Join(out, " ")
}

// Each case was checked with nix-instantiate --parse (Nix 2.8): want lists
// the undefined variables Nix reports (it stops at the first; the rest are
// ours).
func TestUndefined(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`let x = 1; in x + y`, "y"},
		{`fetchurl`, "fetchurl"},
		{`[ map __add builtins true __curPos ]`, ""},
		{`let "c" = 2; in c`, ""},
		{`rec { "c" = 2; d = c; }`, ""},
		{`let ${"a"} = 1; in a`, ""},
		{`rec { ${("a")} = 1; b = a; }`, ""},
		{"let ${''a''} = 1; in a", ""},
		{`let inherit ({ a = 1; }) ${"a"}; in a`, ""},
		{`{ a = 1; b = a; }`, "a"},
		{`{ a = rec { b = 1; }; a.c = b; }`, ""},
		{`{ a = (rec { b = 1; }); a.c = b; }`, ""},
		{`{ a = rec { b = c; }; a.c = 1; }`, ""},
		{`{ a = rec { b = 1; }; a.c.d = b; }`, ""},
		{`{ a = rec { b = 1; }; a = { c = b; }; }`, ""},
		{`{ a = rec { b = 1; }; a = { inherit (b) c; }; }`, ""},
		{`{ a.c = 1; a = rec { b = 1; d = b; }; }`, "b"},
		{`{ a = { b = 1; }; a = rec { c = b; }; }`, "b"},
		{`{ a.x = 1; a = rec { b = 1; inherit (b) c; }; }`, "b"},
		{`let a = rec { b = 1; }; a.c = b; in a`, ""},
		{`let a.c = b; a = rec { b = 1; }; in a`, "b"},
		{`rec { a.b = rec { c = 1; }; a.b.d = c; }`, ""},
		{`{ a.b = 1; a = { ${x} = 2; }; }`, ""},
		{`{ inherit (x); }`, ""},
		{`{ inherit (x) y; }`, "x"},
		{`rec { inherit (a) b; a = {}; }`, ""},
		{`rec { inherit a; }`, "a"},
		{`rec { ${a} = 1; a = "x"; }`, ""},
		{`{ ${a} = 1; }`, "a"},
		{`let a = 1; in with {}; a + b`, ""},
		{`x: { y ? x, x ? y }: z`, "z"},
		{`args@{ a ? args }: a`, ""},
		{`let { a = 1; body = a; }`, ""},
		{`{ a.${b}.c = 1; }`, "b"},
		{`let a.${b} = 1; b = "x"; in a`, ""},
	} {
		if got := undefinedNames(tc.src); got != tc.want {
			t.Errorf("%s: undefined %q, want %q", tc.src, got, tc.want)
		}
	}
}

// with never shadows a lexical binding, however far out.
func TestWithNeverShadows(t *testing.T) {
	src := `{ nixpkgs, microvm, ... }: let mods = microvm.nixosModules; in with mods; [ host microvm ]`
	f := nixast.Parse("/ws/flake.nix", []byte(src))
	sc := Resolve(f)
	use := sc.RefAt(strings.LastIndex(src, "microvm"))
	if use == nil || use.Def == nil || use.Def.Kind != Formal {
		t.Fatalf("microvm in the list: %+v, want the formal", use)
	}
	host := sc.RefAt(strings.Index(src, "host"))
	if host == nil || host.Def != nil || !host.InWith {
		t.Fatalf("host: %+v, want a name from the with", host)
	}
}

func TestDefinitionsAndUses(t *testing.T) {
	src := "let\n  foo = 1;\n  bar = { baz }: foo + baz;\n  a.b = 1;\n  a.c = foo;\nin\nbar { baz = a; }\n"
	sc := Resolve(nixast.Parse("/ws/a.nix", []byte(src)))
	at := func(s string, n int) int {
		i := -1
		for ; n > 0; n-- {
			i += 1 + strings.Index(src[i+1:], s)
		}
		return i
	}
	d, r := sc.DefAt(at("foo", 3))
	if d == nil || r == nil || int(d.Pos) != at("foo", 1) || d.Kind != Let || d.Value() == nil {
		t.Fatalf("DefAt(foo) = %+v, %+v", d, r)
	}
	var uses []int
	for _, u := range sc.RefsOf(d) {
		uses = append(uses, int(u.Pos))
	}
	if want := []int{at("foo", 2), at("foo", 3)}; fmt.Sprint(uses) != fmt.Sprint(want) || d.Uses != 2 {
		t.Errorf("uses of foo %v (%d), want %v", uses, d.Uses, want)
	}
	a, _ := sc.DefAt(at("a.c", 1))
	if a == nil || !a.Path || len(a.More()) != 1 || a.Uses != 1 {
		t.Errorf("a, bound by two paths: %+v", a)
	}
	if d, _ := sc.DefAt(at("baz", 3)); d != nil {
		t.Errorf("the attribute name baz in { baz = a; } is no variable: %+v", d)
	}
	var names []string
	for _, v := range sc.Visible(at("+ baz", 1) + 3) {
		names = append(names, v.Name+":"+v.Kind.String())
	}
	sort.Strings(names)
	if got := strings.Join(names, " "); got != "a:let binding bar:let binding baz:formal parameter foo:let binding" {
		t.Errorf("visible in the lambda: %s", got)
	}
}

// A construct being typed keeps its names visible to the end of the file.
func TestVisibleWhileTyping(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"let foo = 1; in |", "foo"},
		{"{ pkgs, lib, ... }: |", "lib pkgs"},
		{"x: with x; |", "x"},
		{"let a = 1; b = |", "a b"},
		{"rec { a = 1; b = |", "a b"},
		{"let a = 1; in [ (x: x) | ]", "a"},
	} {
		off := strings.Index(tc.src, "|")
		src := tc.src[:off] + tc.src[off+1:]
		sc := Resolve(nixast.Parse("/ws/a.nix", []byte(src)))
		var names []string
		for _, d := range sc.Visible(off) {
			names = append(names, d.Name)
		}
		sort.Strings(names)
		if got := strings.Join(names, " "); got != tc.want {
			t.Errorf("%q: visible %q, want %q", tc.src, got, tc.want)
		}
	}
}

// The value of a.c = … that joins a rec set sees the set's names.
func TestMergedValueSeesRecSet(t *testing.T) {
	src := "{ a = rec { b = 1; }; a.c = b; }"
	sc := Resolve(nixast.Parse("/ws/a.nix", []byte(src)))
	off := strings.LastIndex(src, "b")
	if d, _ := sc.DefAt(off); d == nil || int(d.Pos) != strings.Index(src, "b") {
		t.Fatalf("b in a.c = b: %+v", d)
	}
	found := false
	for _, d := range sc.Visible(off) {
		found = found || d.Name == "c"
	}
	if !found {
		t.Error("c, added to the rec set, is not visible in its value")
	}
}

// ResolveSized finds what Resolve finds, whatever room it is given, and its
// slices hold no more than an eighth unused.
func TestResolveSizedAgrees(t *testing.T) {
	for p, src := range corpus(t, "valid") {
		f := nixast.Parse(p, src)
		want := Resolve(f)
		for _, room := range [][2]int{{0, 0}, {len(want.Refs), len(want.Defs)}, {10 * len(want.Refs), 10 * len(want.Defs)}} {
			got := ResolveSized(f, room[0], room[1])
			if len(got.Refs) != len(want.Refs) || len(got.Defs) != len(want.Defs) {
				t.Fatalf("%s, room %v: %d uses and %d bindings, want %d and %d", p, room, len(got.Refs), len(got.Defs), len(want.Refs), len(want.Defs))
			}
			for i, r := range got.Refs {
				w := want.Refs[i]
				if r.Name() != w.Name() || r.Pos != w.Pos || r.End != w.End || (r.Def == nil) != (w.Def == nil) || r.Def != nil && r.Def.Pos != w.Def.Pos {
					t.Fatalf("%s, room %v: use %d is %+v, want %+v", p, room, i, r, w)
				}
			}
			if waste := cap(got.Refs) - len(got.Refs); waste > len(got.Refs)/8+8+len(got.Refs)/32 {
				t.Errorf("%s, room %v: %d of %d uses' room unused", p, room, waste, cap(got.Refs))
			}
		}
	}
}

// TestSharesFirstNameAgrees: the lists the parser marks as sharing a first
// name (File.SharesFirstName, which the resolver asks before it looks for
// merges) are those in which two bindings begin with the same static name,
// in every set and let of the parser's corpus, valid and broken, and of
// sources written to repeat names in the ways Nix allows.
func TestSharesFirstNameAgrees(t *testing.T) {
	srcs := corpus(t, "*")
	for i, s := range []string{
		`{ a.b = 1; a.c = 2; }`, `{ a = 1; a = 2; }`, `{ inherit a; a = 1; }`, `{ inherit (x) a b; c = { }; b.d = 1; }`,
		`let a = 1; "a" = 2; in a`, `let { a = 1; ${"a"} = 2; body = a; }`, `rec { x = 1; y.z = x; y.w = 2; }`,
		`{ ${x} = 1; ${x} = 2; }`, `{ "a" = { }; a.b = 1; }`, `{ a = 1; b = 2; c = { a = 1; a.b = 2; }; }`,
		`{ a = 1; }; b = 2; a = 3; }`, `let a = 1; b = 2; in { a = a; b = b; }`,
	} {
		srcs[fmt.Sprintf("source %d", i)] = []byte(s)
	}
	lists, shared := 0, 0
	for name, src := range srcs {
		f := nixast.Parse("/ws/a.nix", src)
		nixast.Inspect(f.Root, func(n nixast.Node) bool {
			var binds []nixast.Binding
			switch x := n.(type) {
			case *nixast.AttrSet:
				binds = x.Bindings
			case *nixast.Let:
				binds = x.Bindings
			case *nixast.LegacyLet:
				binds = x.Bindings
			default:
				return true
			}
			want := repeatsFirstName(binds)
			if got := f.SharesFirstName(n); got != want {
				t.Errorf("%s, list at %d: SharesFirstName %v, want %v", name, n.Pos(), got, want)
			}
			lists++
			if want {
				shared++
			}
			return true
		})
	}
	if shared < 20 || lists < 200 {
		t.Errorf("%d lists, %d that share a first name: the test tries too little", lists, shared)
	}
}

// repeatsFirstName reports whether two bindings begin with the same static
// name: a path's first name, or a name an inherit binds.
func repeatsFirstName(binds []nixast.Binding) bool {
	seen := map[string]bool{}
	for _, b := range binds {
		var names []*nixast.AttrName
		switch b := b.(type) {
		case *nixast.AttrAssign:
			if b.Path != nil && len(b.Path.Names) > 0 {
				names = b.Path.Names[:1]
			}
		case *nixast.Inherit:
			names = b.Names
		}
		for _, n := range names {
			if name, ok := n.StaticName(); ok {
				if seen[name] {
					return true
				}
				seen[name] = true
			}
		}
	}
	return false
}

// corpus returns the parser corpus's files in the folders of
// testdata/parse that dirs matches, by path.
func corpus(t *testing.T, dirs string) map[string][]byte {
	t.Helper()
	paths, _ := filepath.Glob("../testdata/parse/" + dirs + "/*.nix")
	if len(paths) == 0 {
		t.Fatalf("no files in testdata/parse/%s", dirs)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = src
	}
	return out
}

// ResolveInto finds exactly what Resolve finds, for file after file in one
// scratch (valid and broken files, large and small, in two orders, so that
// each resolution reuses memory another file's left), and leaves nothing of
// the last file behind: every binding, use and scope, and what the queries
// answer.
func TestResolveIntoAgrees(t *testing.T) {
	srcs := corpus(t, "*")
	var paths []string
	for p := range srcs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var sc Scratch
	reused := 0
	for pass := range 2 {
		for i := range paths {
			p := paths[i]
			if pass == 1 {
				p = paths[len(paths)-1-i]
			}
			f := nixast.Parse(p, srcs[p])
			want := describe(f, Resolve(f))
			spare := len(sc.spare)
			if got := describe(f, ResolveInto(f, &sc)); got != want {
				t.Fatalf("%s (pass %d): ResolveInto gives\n%s\nResolve gives\n%s", p, pass, got, want)
			}
			if spare > 0 && len(sc.spare) == spare {
				reused++
			}
			if i%7 == 0 {
				sc.Reset()
				if n := leftover(&sc); n > 0 {
					t.Fatalf("%s: %d bindings, uses and scopes left after Reset", p, n)
				}
			}
		}
	}
	if reused < len(paths) {
		t.Errorf("only %d resolutions reused the scratch's scopes alone", reused)
	}
}

// leftover counts what a scratch still holds of its last resolution.
func leftover(sc *Scratch) int {
	n := 0
	for _, r := range sc.refs[:cap(sc.refs)] {
		if r != (Ref{}) {
			n++
		}
	}
	for _, d := range sc.defs[:cap(sc.defs)] {
		if d != nil {
			n++
		}
	}
	for _, s := range sc.scopes[:cap(sc.scopes)] {
		if s != nil {
			n++
		}
	}
	for _, c := range sc.binds.chunks {
		for _, d := range c[:cap(c)] {
			if d.Name != "" || d.Node != nil || d.Scope != nil || d.more != nil {
				n++
			}
		}
	}
	for _, s := range sc.spare {
		if s.Node != nil || s.Parent != nil || s.names != nil || s.extra != nil || len(s.defs) > 0 || slices.ContainsFunc(s.defs[:cap(s.defs)], func(d *Def) bool { return d != nil }) {
			n++
		}
	}
	return n
}

// describe prints everything a resolution holds, each binding and scope by
// its index.
func describe(f *nixast.File, s *Scopes) string {
	defIdx := map[*Def]int{}
	for i, d := range s.Defs {
		defIdx[d] = i
	}
	scIdx := map[*Scope]int{s.root: -1}
	for i, sc := range s.scopes {
		scIdx[sc] = i
	}
	idx := func(d *Def) int {
		if d == nil {
			return -1
		}
		if i, ok := defIdx[d]; ok {
			return i
		}
		return -2 // a binding the result does not list
	}
	var b strings.Builder
	for i, d := range s.Defs {
		fmt.Fprintf(&b, "def %d %s %d-%d %v %T@%d value %v more %d uses %d inherit %v path %v scope %d\n", i, d.Name, d.Pos, d.End, d.Kind,
			d.Node, d.Node.Pos(), d.Value() != nil && d.Value().Pos() >= 0, len(d.More()), d.Uses, d.Inherit, d.Path, scIdx[d.Scope])
	}
	for i, r := range s.Refs {
		fmt.Fprintf(&b, "ref %d %s %d-%d def %d with %v global %v inherit %v\n", i, r.Name(), r.Pos, r.End, idx(r.Def), r.InWith, r.Global, r.Inherit)
	}
	for i, sc := range append([]*Scope{s.root}, s.scopes...) {
		parent := -3
		if p, ok := scIdx[sc.Parent]; ok {
			parent = p
		}
		var defs []int
		for _, d := range sc.defs {
			defs = append(defs, idx(d))
		}
		fmt.Fprintf(&b, "scope %d parent %d %d-%d with %v extra %v defs %v named %v\n", i-1, parent, sc.Pos, sc.End, sc.With, sc.extra, defs, sc.names != nil)
	}
	for _, r := range s.Undefined() {
		fmt.Fprintf(&b, "undefined %s %d\n", r.Name(), r.Pos)
	}
	for off := 0; off <= len(f.Src); off += max(1, len(f.Src)/50) {
		var vis []int
		for _, d := range s.Visible(off) {
			vis = append(vis, idx(d))
		}
		fmt.Fprintf(&b, "at %d: scope %d visible %v in with %v\n", off, scIdx[s.ScopeAt(off)], vis, s.InWith(off))
	}
	return b.String()
}

// A module that writes sets in pieces (a = { … }; a.b = …;), which the
// resolver builds as Nix's parser does.
func BenchmarkResolveMerging(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{\n")
	for i := range 100 {
		fmt.Fprintf(&sb, "  services.s%d = { enable = true; };\n  services.s%d.port = %d;\n", i, i, i)
	}
	sb.WriteString("}\n")
	f := nixast.Parse("m.nix", []byte(sb.String()))
	b.ReportAllocs()
	for b.Loop() {
		Resolve(f)
	}
}
