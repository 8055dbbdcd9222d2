package nixast

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"unsafe"
)

// sameFile fails unless got, from Reparse, is what Parse gives for its text.
func sameFile(t testing.TB, what string, got *File) {
	t.Helper()
	want := parse(got.Name, got.Src, parsePlain)
	if fmt.Sprint(got.Errors) != fmt.Sprint(want.Errors) || got.NewSyntax != want.NewSyntax {
		t.Fatalf("%s: errors %v, want %v", what, got.Errors, want.Errors)
	}
	g, w := got.AllTokens(), want.AllTokens()
	if len(g) != len(w) {
		t.Fatalf("%s: %d tokens, want %d", what, len(g), len(w))
	}
	for i := range g {
		if g[i] != w[i] {
			t.Fatalf("%s: token %d is %v, want %v", what, i, g[i], w[i])
		}
	}
	if d := treeDiff(got.Root, want.Root); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
	if fmt.Sprint(got.newSyntaxAt) != fmt.Sprint(want.newSyntaxAt) {
		t.Fatalf("%s: newSyntaxAt %v, want %v", what, got.newSyntaxAt, want.newSyntaxAt)
	}
	if fmt.Sprint(got.nonPlain) != fmt.Sprint(want.nonPlain) {
		t.Fatalf("%s: nonPlain %v, want %v", what, got.nonPlain, want.nonPlain)
	}
	if g, w := got.Lines.lines(), want.Lines.lines(); !slices.Equal(g, w) {
		t.Fatalf("%s: %d lines, want %d", what, len(g), len(w))
	}
	for _, n := range []Node{got.Root} {
		Inspect(n, func(n Node) bool {
			if id, ok := n.(*Ident); ok && string(got.Src[id.Pos():id.End()]) != id.Name {
				t.Fatalf("%s: identifier %q at %d spells %q", what, id.Name, id.Pos(), got.Src[id.Pos():id.End()])
			}
			return true
		})
	}
}

// treeDiff compares every field of every node of two trees, positions of
// keywords and brackets too, and returns "" when they are equal, else what
// differs first: the printed tree, a node's range, or some other field. The
// printed forms and node lists are built only to describe a difference:
// building them for every comparison took about half of its time.
func treeDiff(got, want Expr) string {
	if reflect.DeepEqual(got, want) {
		return ""
	}
	cfg := PrintConfig{BaseDir: "/b", HomeDir: "/h"}
	if Print(got, cfg) != Print(want, cfg) {
		return "trees differ"
	}
	if a, b := nodeList(got), nodeList(want); a != b {
		return "node positions differ:\n" + firstDiff(a, b)
	}
	return "trees differ in some field"
}

func firstDiff(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(0, i-200)
			return fmt.Sprintf("got  ...%s\nwant ...%s", a[lo:min(len(a), i+100)], b[lo:min(len(b), i+100)])
		}
	}
	return "lengths differ"
}

// randomEdit changes src at a random place: a character typed or deleted,
// a newline, a word, a line pasted, whitespace, a quote or a brace.
func randomEdit(r *rand.Rand, src []byte) []byte {
	if len(src) == 0 {
		return []byte("x")
	}
	i := r.Intn(len(src) + 1)
	ins := func(s string) []byte {
		return append(append(append([]byte(nil), src[:i]...), s...), src[i:]...)
	}
	switch r.Intn(9) {
	case 0:
		return ins("\n")
	case 1:
		return ins("  ")
	case 2:
		return ins("x")
	case 3:
		return ins("\"")
	case 4:
		return ins("}")
	case 5:
		return ins("a = 1; ")
	case 6:
		j := min(len(src), i+1+r.Intn(8))
		return append(append([]byte(nil), src[:i]...), src[j:]...)
	case 7:
		// A line pasted from elsewhere in the file.
		k := r.Intn(len(src))
		e := k
		for e < len(src) && src[e] != '\n' {
			e++
		}
		return ins(string(src[k:e]))
	default:
		return ins("# c\n")
	}
}

func corpusSources(t testing.TB) map[string][]byte {
	files, _ := filepath.Glob("../testdata/parse/valid/*.nix")
	out := map[string][]byte{}
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = src
	}
	return out
}

// TestReparseEqualsParse edits every valid corpus file and a generated
// package set at random, again and again, each time reparsing the last
// version (broken ones too), and requires Parse's File.
func TestReparseEqualsParse(t *testing.T) {
	t.Parallel()
	srcs := corpusSources(t)
	srcs["generated"] = generatedPackageSet(100 << 10)
	// With a duplicate at the end, as the latency benchmark's package set.
	gen := srcs["generated"]
	end := bytes.LastIndexByte(gen, '}')
	srcs["generated-dup"] = append(append(append([]byte(nil), gen[:end]...), "  pkg1 = null;\n"...), gen[end:]...)
	names := make([]string, 0, len(srcs))
	for name := range srcs {
		names = append(names, name)
	}
	sort.Strings(names)
	// -short (the race detector's run) edits the package set less, and no
	// corpus file: files this small reparse on one goroutine, which the
	// run without -short covers.
	fileRounds, genRounds := 20, 150
	if testing.Short() {
		fileRounds, genRounds = 0, 30
	}
	tried, reused, genReused := 0, 0, 0
	for _, name := range names {
		src := srcs[name]
		r := rand.New(rand.NewSource(int64(len(name)*7919 + len(src))))
		rounds := fileRounds
		if strings.HasPrefix(name, "generated") {
			rounds = genRounds
		}
		f := parse(name, src, parsePlain)
		good, broken := f, 0
		for i := 0; i < rounds; i++ {
			next := randomEdit(r, f.Src)
			tried++
			g := reparse(f, name, next, 0)
			if g != nil {
				reused++
				if name == "generated-dup" {
					genReused++
				}
				sameFile(t, fmt.Sprintf("%s, edit %d", name, i), g)
			} else {
				g = parse(name, next, parsePlain)
			}
			// Broken versions are edited further, as while typing, for a
			// few edits; then the last good one is taken up again.
			f = g
			if errorsFromChecks(g) {
				good, broken = g, 0
			} else if broken++; broken > 3 {
				f, broken = good, 0
			}
		}
	}
	// In a package set most edits land inside a binding or in whitespace.
	if genReused < genRounds/5 {
		t.Errorf("reparsed %d of %d edits of the package set", genReused, genRounds)
	}
	t.Logf("reparsed %d of %d edits, %d of %d of the package set", reused, tried, genReused, genRounds)
}

// TestReparseKinds: edits of each kind take the path meant for them, or
// parse again when they must.
func TestReparseKinds(t *testing.T) {
	base := "{ lib }:\nlet\n  x = 1;\n  y = { a = 1; b = \"s\"; };\nin {\n  inherit x;\n  c = y.a + 2; # note\n  n = { d.e = 1; d.f = { g = 1; }; };\n  m = { h = 1; };\n}\n"
	cases := []struct {
		name, from, to string
		reused         bool
	}{
		{"whitespace between tokens", "c = y.a", "c =  y.a", true},
		{"newline between bindings", "  c = y.a", "\n  c = y.a", true},
		{"inside a let binding", "a = 1; b", "a = 10; b", true},
		{"inside a set binding", "y.a + 2", "y.a + 20", true},
		{"renamed without a clash", "c = y.a", "cc = y.a", true},
		{"renamed into a clash", "c = y.a", "x = y.a", true}, // its list checked again
		{"inherit", "inherit x;", "inherit x lib;", true},
		{"below a set whose bindings share a name", "g = 1", "g = 2", true}, // n = ... again
		{"in a set whose bindings share a name", "d.e = 1", "d.e = 2", true},
		{"a nested binding", "h = 1", "h = 2", true},
		{"a string opened", "y.a + 2", "\"y.a + 2", false},
		{"a comment that hides code", "c = y.a", "# c = y.a", true},
		{"touching the ';'", "2; # note", "2 # note", true},
		{"a brace added", "y.a + 2", "y.a + { 2", false},
		{"a duplicate made", "h = 1;", "h = 1; h = 2;", true},
		{"a binding added between two", "  m = {", "  c2 = 3;\n  m = {", true},
		{"a binding made a duplicate", "  m = {", "  c = 3;\n  m = {", true},
		{"a binding removed", "  m = { h = 1; };\n", "", true},
		{"two bindings pasted", "  m = {", "  p = 1; q = 2;\n  m = {", true},
		{"a binding at the start of a set", "in {\n", "in {\n  first = 0;\n", true},
		{"a binding before 'in'", "\nin {", "\n  z = 0;\nin {", true},
		{"a doc comment added", "  m = {", "  /** doc */\n  m = {", true},
		{"a binding without ';' yet", "  m = {", "  c2 = 3\n  m = {", true}, // broken, and its set checked again
		{"a binding glued to the next", "  m = {", "  c2 = 3;m = {", true},
		{"a name glued to the next", "  m = {", "  c2 = 3; x", false},
		{"a binding renamed from its first byte", "m = {", "k = {", true},
	}
	for _, c := range cases {
		old := parse("t.nix", []byte(base), parsePlain)
		next := []byte(replaceOnce(t, base, c.from, c.to))
		got := reparse(old, "t.nix", next, 0)
		if (got != nil) != c.reused {
			t.Errorf("%s: reused %v, want %v", c.name, got != nil, c.reused)
		}
		if got != nil {
			sameFile(t, c.name, got)
		}
		if full := Reparse(old, "t.nix", next); full == nil {
			t.Fatalf("%s: Reparse returned nil", c.name)
		}
	}
}

// TestReparseTyping: bindings typed one character at a time, as an
// editor that closes brackets and quotes sends them, into a set whose
// names repeat (its check runs again at each step), a nested set and a
// let. Each version equals Parse's, and nearly every version in between,
// broken as it is, is parsed again only where it changed.
func TestReparseTyping(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ lib, pkgs, callPackage }:\n\nwith pkgs;\n\nlet\n  base = 1;\n  more = 2;\nin {\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "  pkg%d = callPackage ../development/libraries/pkg%d { inherit (pkgs) pkg%d; };\n", i, i, i)
		if i == 20 {
			b.WriteString("  nested = {\n    a = 1;\n    b = \"two\";\n  };\n")
		}
	}
	b.WriteString("  pkg1 = null;\n}\n")
	text := b.String()
	cases := []struct{ after, typed string }{
		{"  pkg20 = callPackage ../development/libraries/pkg20 { inherit (pkgs) pkg20; };\n", `tool7 = callPackage ../tools/tool7 { inherit (pkgs) pkg1; };`},
		{"  pkg3 = callPackage ../development/libraries/pkg3 { inherit (pkgs) pkg3; };\n", `lib3 = pkg3.overrideAttrs (old: { version = "2.${toString base}"; doCheck = false; });`},
		{"    a = 1;\n", `c = [ "x" { y = 2; } ];`},
		{"  base = 1;\n", `extra = if more > 1 then "a" else "b";`},
		{"  pkg30 = callPackage ../development/libraries/pkg30 { inherit (pkgs) pkg30; };\n", `pkg2 = null;`},
	}
	steps, reused := 0, 0
	for _, c := range cases {
		at := strings.Index(text, c.after) + len(c.after)
		indent := c.after[:len(c.after)-len(strings.TrimLeft(c.after, " "))]
		cur := text[:at] + indent + "\n" + text[at:]
		cursor := at + len(indent)
		old := parse("t.nix", []byte(cur), parsePlain)
		closers := ""
		for i := 0; i < len(c.typed); i++ {
			ch := c.typed[i]
			if n := len(closers); n > 0 && closers[n-1] == ch {
				closers, cursor = closers[:n-1], cursor+1
				continue
			}
			ins := string(ch)
			switch ch {
			case '{':
				ins, closers = "{}", closers+"}"
			case '[':
				ins, closers = "[]", closers+"]"
			case '"':
				ins, closers = `""`, closers+`"`
			}
			cur = cur[:cursor] + ins + cur[cursor:]
			cursor++
			steps++
			what := fmt.Sprintf("%q typed to %q", c.typed, c.typed[:i+1])
			got := reparse(old, "t.nix", []byte(cur), 0)
			if got != nil {
				reused++
				sameFile(t, what, got)
			} else {
				got = parse("t.nix", []byte(cur), parsePlain)
				t.Logf("parsed from scratch: %s", what)
			}
			old = got
		}
		if !strings.Contains(cur, indent+c.typed+"\n") {
			t.Fatalf("typing went wrong: %q is not in the text", c.typed)
		}
	}
	if reused < steps*9/10 {
		t.Errorf("reparsed %d of %d typed versions, want 90%%", reused, steps)
	}
	t.Logf("reparsed %d of %d typed versions", reused, steps)
}

func replaceOnce(t *testing.T, s, from, to string) string {
	for i := 0; i+len(from) <= len(s); i++ {
		if s[i:i+len(from)] == from {
			return s[:i] + to + s[i+len(from):]
		}
	}
	t.Fatalf("%q not in source", from)
	return ""
}

// TestReparseWithDuplicates: a file whose only errors are duplicate
// attributes is reparsed, its duplicate checks run again (their messages
// name lines that moved).
func TestReparseWithDuplicates(t *testing.T) {
	base := "{\n  a = 1;\n  b = { x = 1; x = 2; };\n  c = 2;\n  a = 3;\n}\n"
	edits := []struct {
		from, to string
		reused   bool
	}{
		{"c = 2;", "c = 22;", true},              // inside a binding of the set with the duplicate
		{"  c = 2;", "\n  c = 2;", true},         // lines move under both messages
		{"x = 2;", "y = 2;", true},               // a duplicate fixed in a nested set
		{"x = 2;", "x = 2; z = 1; z = 3;", true}, // one more in a nested set
		{"a = 3;", "d = 3;", true},               // the top duplicate fixed
		{"a = 3;", "c = 3;", true},               // another made
		{"c = 2;", "c = 2; c = 4;", true},        // a binding added
	}
	for _, e := range edits {
		old := parse("t.nix", []byte(base), parsePlain)
		if len(old.Errors) != 2 || !errorsFromChecks(old) {
			t.Fatalf("base errors: %v", old.Errors)
		}
		got := reparse(old, "t.nix", []byte(replaceOnce(t, base, e.from, e.to)), 0)
		if (got != nil) != e.reused {
			t.Errorf("%q -> %q: reparsed %v, want %v", e.from, e.to, got != nil, e.reused)
		}
		if got != nil {
			sameFile(t, e.to, got)
		}
	}
}

// TestReparseMergedSetChecksOnce: an edit makes a duplicate in a set that
// a path of its list merges into (a.b = 1; a = { … };). The run's parser
// checks the set, and the list's check, run again, merges the set's
// attribute tree without checking it twice: one error, as Parse reports.
func TestReparseMergedSetChecksOnce(t *testing.T) {
	base := "{\n  a.b = 1;\n  a = { x = 1; y = 2; };\n}\n"
	for _, to := range []string{"x = 2;", "x = 2; z = 3; z = 4;"} {
		old := parse("t.nix", []byte(base), parsePlain)
		src := replaceOnce(t, base, "y = 2;", to)
		got := reparse(old, "t.nix", []byte(src), 0)
		if got == nil {
			t.Fatalf("%q: not reparsed", to)
		}
		sameFile(t, to, got)
		if want := strings.Count(to, "= 2;") + strings.Count(to, "z = 4;"); len(got.Errors) != want {
			t.Errorf("%q: %d errors, want %d: %v", to, len(got.Errors), want, got.Errors)
		}
	}
}

// TestReparseNewSyntax: a file with syntax newer than Nix 2.8 (a pipe,
// sets merged below a name they share) is parsed again only where it
// changed, and NewSyntax says what Parse says: it stays while one such
// place is left, and goes with the last.
func TestReparseNewSyntax(t *testing.T) {
	base := "{\n  a = { b.c = 1; };\n  x = [ 1 2 ] |> map (v: v);\n  a = { b.d = 2; };\n  y = 1;\n}\n"
	if f := parse("n.nix", []byte(base), parsePlain); !f.NewSyntax || len(f.newSyntaxAt) != 2 {
		t.Fatalf("base: NewSyntax %v at %v, want a pipe and a merge", f.NewSyntax, f.newSyntaxAt)
	}
	edits := []struct {
		name   string
		steps  [][2]string
		newSyn bool
	}{
		{"a binding elsewhere", [][2]string{{"y = 1;", "y = 12;"}}, true},
		{"a binding added", [][2]string{{"  y = 1;", "  z = 0;\n  y = 1;"}}, true},
		{"the pipe removed", [][2]string{{"[ 1 2 ] |> map (v: v)", "[ 1 2 ]"}}, true},
		{"the merge undone", [][2]string{{"a = { b.d", "e = { b.d"}}, true},
		{"both removed", [][2]string{{"[ 1 2 ] |> map (v: v)", "[ 1 2 ]"}, {"a = { b.d", "e = { b.d"}}, false},
		{"both removed, then a pipe typed", [][2]string{{"[ 1 2 ] |> map (v: v)", "[ 1 2 ]"}, {"a = { b.d", "e = { b.d"}, {"y = 1;", "y = 1 |> f;"}}, true},
		{"both removed, then a merge made", [][2]string{{"[ 1 2 ] |> map (v: v)", "[ 1 2 ]"}, {"a = { b.d", "e = { b.d"}, {"e = { b.d", "a = { b.d"}}, true},
		{"inside a merged set", [][2]string{{"b.d = 2;", "b.d = 3;"}}, true},
		{"a value typed up to its pipe", [][2]string{{"y = 1;", "y = 1 |;"}, {"y = 1 |;", "y = 1 |>;"}, {"y = 1 |>;", "y = 1 |> f;"}}, true},
	}
	for _, e := range edits {
		src := base
		old := parse("n.nix", []byte(src), parsePlain)
		for i, st := range e.steps {
			src = replaceOnce(t, src, st[0], st[1])
			got := reparse(old, "n.nix", []byte(src), 0)
			if got == nil {
				t.Fatalf("%s, step %d: parsed whole, not again where it changed", e.name, i)
			}
			sameFile(t, e.name, got)
			old = got
		}
		if old.NewSyntax != e.newSyn {
			t.Errorf("%s: NewSyntax %v, want %v", e.name, old.NewSyntax, e.newSyn)
		}
	}
}

// TestReparseConcurrently: versions reparsed at once from one File (an
// editor's burst of edits) write nothing they share (run with -race).
func TestReparseConcurrently(t *testing.T) {
	src := append(generatedPackageSet(100<<10), "{ dup = 1; dup = 2; }"...)
	src = append([]byte("let x = "), append(src, " ; in x"...)...)
	old := parse("p.nix", src, parsePlain)
	done := make(chan *File)
	for g := 0; g < 4; g++ {
		r := rand.New(rand.NewSource(int64(g)))
		go func() {
			var last *File
			for i := 0; i < 20; i++ {
				if f := reparse(old, "p.nix", randomEdit(r, src), 0); f != nil {
					last = f
				}
			}
			done <- last
		}()
	}
	for g := 0; g < 4; g++ {
		if f := <-done; f != nil {
			sameFile(t, "concurrent", f)
		}
	}
	sameFile(t, "old", old)
}

// TestReparseKeepsOldFile: the File a reparse started from is unchanged.
func TestReparseKeepsOldFile(t *testing.T) {
	src := generatedPackageSet(100 << 10)
	old := parse("p.nix", src, parsePlain)
	before := nodeList(old.Root)
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 50; i++ {
		reparse(old, "p.nix", randomEdit(r, src), 0)
	}
	if nodeList(old.Root) != before {
		t.Fatal("reparsing changed the old tree")
	}
	sameFile(t, "old", old)
}

// FuzzReparse: for any source and edit, a successful reparse equals Parse.
func FuzzReparse(f *testing.F) {
	for _, src := range corpusSources(f) {
		if len(src) < 4096 {
			f.Add(src, uint16(len(src)/2), uint8(1), "x")
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, at uint16, del uint8, ins string) {
		old := parse("f.nix", src, parsePlain)
		i := min(int(at), len(src))
		j := min(len(src), i+int(del%16))
		next := append(append(append([]byte(nil), src[:i]...), ins...), src[j:]...)
		if g := reparse(old, "f.nix", next, 0); g != nil {
			sameFile(t, "fuzz", g)
		}
	})
}

func BenchmarkReparse(b *testing.B) {
	src := generatedPackageSet(3 << 19) // 1.5 MiB, as the latency benchmark's pkgs.nix
	old := parse("p.nix", src, parsePlain)
	r := rand.New(rand.NewSource(1))
	edits := make([][]byte, 64)
	for i := range edits {
		// A newline at the start of a random line, as e2e/latency types.
		k := r.Intn(len(src))
		for k > 0 && src[k-1] != '\n' {
			k--
		}
		edits[i] = append(append(append([]byte(nil), src[:k]...), '\n'), src[k:]...)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	reused := 0
	for i := 0; i < b.N; i++ {
		if f := reparse(old, "p.nix", edits[i%len(edits)], 0); f != nil {
			reused++
		}
	}
	b.ReportMetric(float64(reused)/float64(b.N), "reused/op")
}

// forwardEdits reparses src through n edits, each an "x" typed into the
// first string a stride after the last edit: a file edited from top to
// bottom. It returns each version.
func forwardEdits(t *testing.T, src []byte, n int) []*File {
	t.Helper()
	f := parse("p.nix", src, parsePlain)
	var out []*File
	stride := len(src) / (n + 2)
	for i := 1; i <= n; i++ {
		at := i * stride
		for at < len(f.Src)-1 && f.Src[at] != '"' {
			at++
		}
		next := append(append(append([]byte(nil), f.Src[:at+1]...), 'x'), f.Src[at+1:]...)
		g := reparse(f, "p.nix", next, 0)
		if g == nil {
			t.Fatalf("edit %d was parsed from scratch", i)
		}
		out = append(out, g)
		f = g
	}
	return out
}

// nodeSet returns the nodes of f's tree.
func nodeSet(f *File) map[Node]bool {
	set := map[Node]bool{}
	Inspect(f.Root, func(n Node) bool {
		if n != nil {
			set[n] = true
		}
		return true
	})
	return set
}

// sharedNodes counts the nodes of cur's tree that are prev's.
func sharedNodes(prev, cur *File) int {
	in := nodeSet(prev)
	n := 0
	for x := range nodeSet(cur) {
		if in[x] {
			n++
		}
	}
	return n
}

// TestReparseCompacts: a file edited from top to bottom shares, at each
// edit, nodes copied for the version before; every compactAfter-th such
// version after one made whole is copied whole (no node shared with the
// version before), the others share the nodes before the edit. Both are
// what Parse gives.
func TestReparseCompacts(t *testing.T) {
	versions := forwardEdits(t, generatedPackageSet(40<<10), 20)
	whole := 0
	for i := 1; i < len(versions); i++ {
		cur := versions[i]
		shared := sharedNodes(versions[i-1], cur)
		if compacted := cur.copied == 1; compacted != (shared == 0) {
			t.Errorf("version %d (pins %d) shares %d nodes with the one before", i, cur.pins, shared)
		} else if compacted {
			whole++
		}
		sameFile(t, fmt.Sprintf("version %d", i), cur)
	}
	if want := (len(versions) - 1) / compactAfter; whole != want || whole < 2 {
		t.Errorf("%d versions copied whole in %d edits, want %d (and 2 at least)", whole, len(versions), want)
	}
}

// TestReparseTypingInPlaceNeverCompacts: each keystroke in one binding
// parses that binding again and shares no node copied for the keystroke
// before: no version is copied whole.
func TestReparseTypingInPlaceNeverCompacts(t *testing.T) {
	src := generatedPackageSet(40 << 10)
	at := bytes.Index(src, []byte("pkg7 = ")) + len("pkg7 = ")
	f := parse("p.nix", src, parsePlain)
	typed := []byte("lib.recurseIntoAttrs (callPackage ./x { })")
	reparsed := 0
	for i, ch := range typed {
		next := append(append(append([]byte(nil), f.Src[:at+i]...), ch), f.Src[at+i:]...)
		g := reparse(f, "p.nix", next, 0)
		if g == nil {
			g = parse("p.nix", next, parsePlain) // a broken version may need it
		} else if reparsed++; g.pins != 0 || sharedNodes(f, g) == 0 {
			t.Fatalf("keystroke %d: pins %d, %d nodes shared with the version before", i, g.pins, sharedNodes(f, g))
		}
		f = g
	}
	if reparsed < len(typed)*3/4 {
		t.Errorf("%d of %d keystrokes reparsed", reparsed, len(typed))
	}
}

// TestReparseMemoryStaysBounded: a file edited from top to bottom holds
// about what a fresh parse of it does. A shared node keeps alive the chunk
// it was copied into, whose other nodes (copied again by a later version)
// keep their own chunks alive in turn: without compaction, 40 such edits
// kept every version's copy, 20 times the fresh tree.
func TestReparseMemoryStaysBounded(t *testing.T) {
	src := generatedPackageSet(150 << 10)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	base := heap()
	fresh := parse("p.nix", src, parsePlain)
	freshSize := heap() - base
	runtime.KeepAlive(fresh)
	fresh = nil
	base = heap()
	versions := forwardEdits(t, src, 40)
	last := versions[len(versions)-1]
	versions = nil
	held := heap() - base
	runtime.KeepAlive(last)
	if held > 4*freshSize {
		t.Errorf("after 40 edits the tree holds %d KB, a fresh parse %d KB", held>>10, freshSize>>10)
	}
	t.Logf("after 40 edits the tree holds %d KB, a fresh parse %d KB", held>>10, freshSize>>10)
}

// TestReparseLinesAfterReplacedLines: lines replaced by more lines, and by
// fewer, inside a binding and between tokens: the new version's lines are
// those a parse finds (its index is made from the old one's).
func TestReparseLinesAfterReplacedLines(t *testing.T) {
	src := []byte("{\n  a = [\n    1\n    2\n    3\n  ];\n  b = 3;\n}\n")
	for _, c := range []struct{ from, to string }{
		{"    1\n    2\n", "    1\n    5\n    6\n    7\n"},
		{"    1\n    2\n", "    9\n"},
		{"    1\n    2\n    3\n", "    123456789 1234567890\n"},
		{"\n  b = 3;", "\r\n\r\n  b = 3;"},
		{"  ];\n", "  ];\n\n\n"},
	} {
		old := parse("p.nix", src, parsePlain)
		old.Lines.lines()
		next := bytes.Replace(src, []byte(c.from), []byte(c.to), 1)
		got := reparse(old, "p.nix", next, 0)
		if got == nil {
			t.Fatalf("%q -> %q was parsed from scratch", c.from, c.to)
		}
		sameFile(t, fmt.Sprintf("%q -> %q", c.from, c.to), got)
	}
}

// TestReparseCheckAtSyntaxError: a value typed up to a '.' above another
// binding reads that binding's name as its own path, and the new binding
// clashes with one outside the run: the duplicate error stands at the
// position of a syntax error, kept or dropped as Parse's order of reports
// decides. Reparse orders the reports as Parse does instead of parsing
// from scratch.
func TestReparseCheckAtSyntaxError(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  pkg3 = 1;\n  lib = { a = 1; };\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "  pkg%d = callPackage ./p%d { };\n", 10+i, i)
	}
	b.WriteString("  pkg3x = pkg3;\n}\n")
	src := b.String()
	at := strings.Index(src, "  pkg20 =")
	shared := 0
	for _, typed := range []string{"lib1 = pkg3.", "lib1 = lib.", "x = pkg3.y.", "lib.a = 2; y = pkg3."} {
		old := parse("c.nix", []byte(src[:at]+"  \n"+src[at:]), parsePlain)
		for i := 1; i <= len(typed); i++ {
			text := src[:at] + "  " + typed[:i] + "\n" + src[at:]
			got := reparse(old, "c.nix", []byte(text), 0)
			if got == nil {
				old = parse("c.nix", []byte(text), parsePlain)
				continue
			}
			sameFile(t, fmt.Sprintf("%q", typed[:i]), got)
			for j := 1; j < len(got.Errors); j++ {
				if got.Errors[j].Pos == got.Errors[j-1].Pos && strings.Contains(got.Errors[j].Msg, "already defined") {
					shared++
				}
			}
			old = got
		}
	}
	if shared == 0 {
		t.Fatal("no keystroke reparsed to a duplicate error at the position of a syntax error")
	}
}

// TestReparseSmallFile: a keystroke in a module of a few KB is reparsed, not
// parsed whole: the bindings before it are the old version's nodes.
func TestReparseSmallFile(t *testing.T) {
	src := generatedPackageSet(8 << 10)
	if len(src) < reparseMin {
		t.Fatalf("a %d-byte file is below reparseMin (%d)", len(src), reparseMin)
	}
	old := Parse("m.nix", src)
	at := bytes.LastIndex(src, []byte("pkg"))
	next := append(append(append([]byte(nil), src[:at]...), 'x'), src[at:]...)
	f := Reparse(old, "m.nix", next)
	sameFile(t, "small file", f)
	first := func(f *File) Binding {
		var b Binding
		Inspect(f.Root, func(n Node) bool {
			if x, ok := n.(*AttrAssign); ok && b == nil {
				b = x
			}
			return b == nil
		})
		return b
	}
	if first(f) != first(old) {
		t.Errorf("the first binding was parsed again: a file of %d bytes is parsed whole", len(src))
	}
}

// A version Reparse parses whole makes room for as many tokens per byte as
// the last version had: one slice, with little spare room, where an
// estimate from the size alone made one too small and then a second.
func TestReparseSizesTokensFromTheLastVersion(t *testing.T) {
	// Dense: two bytes per token, where Parse expects five.
	src := []byte("[" + strings.Repeat(" 1", 3000) + " ]\n")
	old := Parse("d.nix", src)
	// An opening brace at the start: no run of bindings to parse again.
	next := append([]byte("{ a = "), src...)
	f := Reparse(old, "d.nix", next)
	sameFile(t, "dense file", f)
	sameFile(t, "no last version", Reparse(nil, "d.nix", next))
	if len(f.tokens.segs) != 1 {
		t.Fatalf("%d token segments, want 1", len(f.tokens.segs))
	}
	toks := f.tokens.segs[0].toks
	if spare := cap(toks) - len(toks); spare > len(toks)/8 {
		t.Errorf("%d tokens in room for %d", len(toks), cap(toks))
	}
	got, fresh := bytesPerRun(func() { Reparse(old, "d.nix", next) }), bytesPerRun(func() { Parse("d.nix", next) })
	// Parse makes room for a token per five bytes first, then grows the
	// slice: Reparse saves at least that first slice.
	if saved := fresh - got; saved < int64(len(next)/5)*int64(unsafe.Sizeof(Token{})) {
		t.Errorf("Reparse allocated %d bytes, Parse %d: the tokens' first slice was not sized from the last version", got, fresh)
	}
}

// bytesPerRun returns the bytes f allocates, on average over 20 runs.
func bytesPerRun(f func()) int64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	for range 20 {
		f()
	}
	runtime.ReadMemStats(&b)
	return int64(b.TotalAlloc-a.TotalAlloc) / 20
}

// A binding left broken above an edit does not make Reparse parse the file
// whole: its error is the one Parse reports there. Above a broken binding
// (whose message may name a place the edit moves), whatever Reparse gives
// is still what Parse gives.
func TestReparseKeepsErrorsAbove(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  broken = if x then 1;\n")
	for i := range 50 {
		fmt.Fprintf(&b, "  a%d = %d;\n", i, i)
	}
	b.WriteString("}\n")
	src := []byte(b.String())
	old := parse("k.nix", src, parsePlain)
	if len(old.Errors) != 1 {
		t.Fatalf("errors %v, want the broken if", old.Errors)
	}
	at := bytes.Index(src, []byte("a40 = 40"))
	next := append(append(append([]byte(nil), src[:at+6]...), "\n  b = 2"...), src[at+6:]...)
	f := reparse(old, "k.nix", next, 0)
	if f == nil {
		t.Fatal("an edit below a broken binding was parsed whole")
	}
	sameFile(t, "below a broken binding", f)
	// The same edit above it.
	at = bytes.Index(src, []byte("broken"))
	next = append(append(append([]byte(nil), src[:at]...), "c = 3;\n  "...), src[at:]...)
	if f := reparse(old, "k.nix", next, 0); f != nil {
		sameFile(t, "above a broken binding", f)
	}
}

// BenchmarkReparseNestedSets: a space typed in the innermost of 3,999
// nested sets (24 KB). No run there can be parsed again alone (the
// nesting is past MaxDepth's reserve), and the file is parsed whole: each
// of the sets around it was tried, outwards, each a larger run.
func BenchmarkReparseNestedSets(b *testing.B) {
	src := []byte(strings.Repeat("{a=", 3999) + "1" + strings.Repeat(";}", 3999))
	old := parse("n.nix", src, parsePlain)
	at := bytes.IndexByte(src, '1')
	next := append(append(append([]byte(nil), src[:at]...), ' '), src[at:]...)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Reparse(old, "n.nix", next)
	}
}
