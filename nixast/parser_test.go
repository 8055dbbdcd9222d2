package nixast

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// printed parses src and prints its normal form (paths under /base, home /home).
func printed(t *testing.T, src string) string {
	t.Helper()
	f := Parse("test.nix", []byte(src))
	if len(f.Errors) > 0 {
		t.Fatalf("%q: unexpected errors: %v", src, f.Errors)
	}
	return Print(f.Root, PrintConfig{BaseDir: "/base", HomeDir: "/home"})
}

// TestGrammar covers items the oracle cannot check (newer syntax) and pins
// the precedence traps of the grammar reference.
func TestGrammar(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"1e3", "(1 e3)"},
		{"x:x", `"x:x"`},
		{"x: x", "(x: x)"},
		{"a-b", "a-b"},
		{"a - b", "(__sub a b)"},
		{"[ f x ]", "[ (f) (x) ]"},
		{"!a + b", "(! (a + b))"},
		{"!a == b", "((! a) == b)"},
		{"-a.b", "(__sub 0 (a).b)"},
		{"a ? b ? c", "((((a) ? b)) ? c)"},
		{"{ or = 1; }.or", "({ or = 1; }).or"},
		{"f or", "(f or)"},
		{"a.b or c.d or e", "(a).b or ((c).d or (e))"},
		{"a |> f |> g", "(g (f a))"},
		{"g <| f <| a", "(g (f a))"},
		{"a |> f x", "(f x a)"},
		{"let { body = 1; }", "(rec { body = 1; }).body"},
		{"{ a, }: a", "({ a }: a)"},
		{"a: b: a -> b -> a", "(a: (b: (a -> (b -> a))))"},
		{"a // b // c", "(a // (b // c))"},
		{"a ++ b ++ c", "(a ++ (b ++ c))"},
		{"a || b && c", "(a || (b && c))"},
		{"./a/${b}.nix", `(/base/a/ + b + ".nix")`},
		{"~/x", "/home/x"},
		{"\"a\r\nb\"", `"a\nb"`},
		{"''\n  a\n    b\n''", `"a\n  b\n"`},
		{"''$${x}''", `"\$\${x}"`},
		{"{ a.b = 1; a = { c = { d = 2; }; }; a.c.e = 3; }", "{ a = { b = 1; c = { d = 2; e = 3; }; }; }"},
	} {
		if got := printed(t, tc.src); got != tc.want {
			t.Errorf("%q:\n got  %s\n want %s", tc.src, got, tc.want)
		}
	}
}

func TestNewSyntaxFlag(t *testing.T) {
	for src, want := range map[string]bool{
		"a |> f": true,
		"{ a = { b = { c = 1; }; }; a = { b = { d = 2; }; }; }": true,
		"{ a.b = 1; a.c = 2; }":                                 false,
		"[ 1 2 ]":                                               false,
	} {
		if got := Parse("t.nix", []byte(src)).NewSyntax; got != want {
			t.Errorf("%q: NewSyntax = %v, want %v", src, got, want)
		}
	}
}

func TestMixedPipesAreAnError(t *testing.T) {
	f := Parse("t.nix", []byte("a |> f <| b"))
	if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Msg, "without parentheses") {
		t.Fatalf("errors = %v", f.Errors)
	}
}

func tokensText(f *File) string {
	var b strings.Builder
	for _, t := range f.AllTokens() {
		b.Write(f.Src[t.Pos():t.End()])
	}
	return b.String()
}

// checkLossless asserts that the tokens spell the source and that every node
// lies inside its parent, in order.
func checkLossless(t testing.TB, name string, src []byte) *File {
	f := Parse(name, src)
	if got := tokensText(f); got != string(src) {
		t.Fatalf("%s: tokens do not spell the source", name)
	}
	prev := 0
	all := f.AllTokens()
	for i, tok := range all {
		if tok.Pos() != prev || tok.End() < tok.Pos() {
			t.Fatalf("%s: token %d (%s) at %d-%d, previous ended at %d", name, i, tok.Kind, tok.Pos(), tok.End(), prev)
		}
		prev = tok.End()
	}
	// The File keeps the significant tokens; the trivia rebuilt from the
	// gaps between them must be exactly what the scanner finds.
	scanned := tooLargeTokens(len(src))
	if len(src) <= MaxFileSize {
		scanned, _ = Scan(src)
	}
	if len(scanned) != len(all) {
		t.Fatalf("%s: %d tokens from the File, %d from Scan", name, len(all), len(scanned))
	}
	for i := range all {
		if all[i] != scanned[i] {
			t.Fatalf("%s: token %d is %v in the File, %v from Scan", name, i, all[i], scanned[i])
		}
	}
	var check func(n Node, lo, hi int)
	check = func(n Node, lo, hi int) {
		if n.Pos() < lo || n.End() > hi || n.End() < n.Pos() {
			t.Fatalf("%s: %T at %d-%d outside its parent %d-%d", name, n, n.Pos(), n.End(), lo, hi)
		}
		last := n.Pos()
		for _, c := range Children(n) {
			if c.Pos() < last {
				t.Fatalf("%s: children of %T out of order at %d", name, n, c.Pos())
			}
			check(c, n.Pos(), n.End())
			last = c.Pos()
		}
	}
	check(f.Root, 0, len(src))
	for _, x := range f.Trailing {
		check(x, 0, len(src))
	}
	return f
}

func corpus(t *testing.T, dir string) []string {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "parse", dir, "*.nix"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in testdata/parse/%s", dir)
	}
	return files
}

func TestLosslessCorpus(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"valid", "invalid"} {
		for _, path := range corpus(t, dir) {
			src, _ := os.ReadFile(path)
			checkLossless(t, path, src)
		}
	}
}

// TestInvalidCorpus checks each broken input's errors against its golden
// file (NAME.nix.errors; go test -update rewrites them) and that the
// bindings named in its "# after:" header were still parsed.
func TestInvalidCorpus(t *testing.T) {
	files := corpus(t, "invalid")
	if len(files) < 60 {
		t.Fatalf("%d invalid inputs; want at least 60", len(files))
	}
	for _, path := range files {
		src, _ := os.ReadFile(path)
		f := Parse(filepath.Base(path), src)
		if len(f.Errors) == 0 {
			t.Errorf("%s: no syntax error", path)
			continue
		}
		var b strings.Builder
		for _, e := range f.Errors {
			l, c := f.Lines.Position(e.Pos)
			fmt.Fprintf(&b, "%d:%d: %s\n", l+1, c+1, e.Msg)
		}
		golden := path + ".errors"
		if *update {
			os.WriteFile(golden, []byte(b.String()), 0o644)
		} else if want, err := os.ReadFile(golden); err != nil || string(want) != b.String() {
			t.Errorf("%s: errors differ from %s:\n got:\n%s want:\n%s", path, golden, b.String(), want)
		}
		for _, name := range afterNames(src) {
			if !hasBinding(f, name) {
				t.Errorf("%s: binding %q after the error was not recovered", path, name)
			}
		}
	}
}

func afterNames(src []byte) []string {
	sc := bufio.NewScanner(strings.NewReader(string(src)))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if rest, ok := strings.CutPrefix(line, "# after:"); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}

// hasBinding reports whether f binds the attribute path name anywhere.
func hasBinding(f *File, name string) bool {
	found := false
	visit := func(n Node) bool {
		switch n := n.(type) {
		case *AttrAssign:
			if string(f.Src[n.Path.Pos():n.Path.End()]) == name {
				found = true
			}
		case *Inherit:
			for _, a := range n.Names {
				if string(f.Src[a.Pos():a.End()]) == name {
					found = true
				}
			}
		}
		return !found
	}
	Inspect(f.Root, visit)
	for _, x := range f.Trailing {
		Inspect(x, visit)
	}
	return found
}

func TestErrorRecoveryKeepsLaterBindings(t *testing.T) {
	src := "{\n  a = 1\n  hello = \"x\"\n  b = 2;\n  c = [ 1 2;\n  d = { e = 1; };\n}\n"
	f := Parse("t.nix", []byte(src))
	if len(f.Errors) < 2 {
		t.Fatalf("errors = %v", f.Errors)
	}
	if f.Errors[0].Msg != "expected ';' after the binding of `a`" {
		t.Errorf("first error = %q", f.Errors[0].Msg)
	}
	for _, n := range []string{"hello", "b", "c", "d", "e"} {
		if !hasBinding(f, n) {
			t.Errorf("binding %s lost", n)
		}
	}
}

func TestDeepNestingIsBounded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ open, close string }{{"(", ")"}, {"[", "]"}, {"{ a = ", "; }"}, {"!", ""}, {"-", ""}, {"x: ", ""}, {"\"${", "}\""}, {"x.a or ", ""}} {
		n := 100000
		src := strings.Repeat(tc.open, n) + "1" + strings.Repeat(tc.close, n)
		if testing.Short() && tc.open != "{ a = " {
			// -short is the race detector's run: one file large enough to
			// be parsed on two goroutines; the run without -short covers
			// the others.
			continue
		}
		f := checkLossless(t, "deep", []byte(src))
		if len(f.Errors) == 0 || !strings.Contains(f.Errors[0].Msg, "nested too deeply") {
			t.Errorf("%q x %d: errors = %.200v", tc.open, n, f.Errors)
		}
	}
	// Right-associative chains as long as real files have parse fine.
	src := "a" + strings.Repeat(" // a", 1500)
	if f := Parse("chain", []byte(src)); len(f.Errors) != 0 {
		t.Errorf("1500-long // chain: %v", f.Errors[0])
	}
	src = strings.Repeat("x.a or ", 1500) + "1"
	if f := Parse("chain", []byte(src)); len(f.Errors) != 0 {
		t.Errorf("1500-long chain of defaults: %v", f.Errors[0])
	}
}

func TestTooLargeFile(t *testing.T) {
	t.Parallel()
	src := make([]byte, MaxFileSize+1)
	f := checkLossless(t, "big", src)
	if len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Msg, "too large") {
		t.Fatalf("errors = %v", f.Errors)
	}
}

func TestDocComments(t *testing.T) {
	src := "{\n  /** The answer. */\n  a = 42;\n  # plain\n  b = 1;\n  /** Adds one. */\n  f = x: x + 1;\n}"
	f := Parse("t.nix", []byte(src))
	docs := map[string]string{}
	Inspect(f.Root, func(n Node) bool {
		if a, ok := n.(*AttrAssign); ok && a.Doc != nil {
			docs[string(f.Src[a.Path.Pos():a.Path.End()])] = a.Doc.Text
		}
		return true
	})
	if docs["a"] != "/** The answer. */" || docs["f"] != "/** Adds one. */" || docs["b"] != "" {
		t.Fatalf("docs = %v", docs)
	}
}

func TestInvalidUTF8AndNUL(t *testing.T) {
	for _, src := range []string{"\"\xff\xfe\"", "{ a = 1; \x00 }", "\xc3", "# \xe2\x82\n1", "''\x00''"} {
		f := checkLossless(t, "bad", []byte(src))
		_ = f
	}
}

func TestParseWithoutTokensRescansOnDemand(t *testing.T) {
	src := []byte("{ a = 1; # c\n  b = ./x; }\n")
	full, lean := Parse("t.nix", src), ParseWithoutTokens("t.nix", src)
	if !lean.tokens.none() {
		t.Fatal("ParseWithoutTokens kept the tokens")
	}
	if got, want := lean.AllTokens(), full.AllTokens(); len(got) != len(want) || got[len(got)-1] != want[len(want)-1] || got[3] != want[3] {
		t.Fatalf("AllTokens differs from Parse's tokens")
	}
	if Print(lean.Root, PrintConfig{BaseDir: "/b"}) != Print(full.Root, PrintConfig{BaseDir: "/b"}) {
		t.Fatal("trees differ")
	}
}

// TestStreamedParseEqualsPlainParse: a large file is scanned on another core
// while it is parsed; the result must be exactly that of a plain parse, for
// valid and for broken files.
func TestStreamedParseEqualsPlainParse(t *testing.T) {
	t.Parallel()
	// -short (the race detector's run, where a parse takes ten times as
	// long) parses a third as much: the second core still takes a split.
	size := 600 << 10
	if testing.Short() {
		size = 200 << 10
	}
	big := generatedPackageSet(size)
	inputs := map[string][]byte{
		"valid":     big,
		"broken":    append(append([]byte(nil), big[:len(big)/2]...), []byte("  x = { = ; \"unterminated\n")...),
		"illegal":   append(append([]byte(nil), big[:size/2]...), bytes.Repeat([]byte("`%"), 200)...),
		"deep":      []byte(strings.Repeat("[", size/2)),
		"comment":   append([]byte("/* "), big...),
		"formals":   append([]byte("{ a, b ? { }, ... }@args: "), big...),
		"duplicate": append(append([]byte("{ a = 1; a = 2; z = "), big...), " ; }"...),
		// Lists that share a first name in the part the second core parses.
		"merges": append(append([]byte(nil), big[:bytes.LastIndexByte(big, '}')]...), "  late = { a.b = 1; a.c = 2; }; latelet = let x.a = 1; x.b = 2; in x;\n}\n"...),
	}
	// Every streamed parse that finds a split point splices the second
	// parser's bindings in.
	before := splices.Load()
	for name, src := range inputs {
		checkStreamedEqualsPlain(t, name, src)
	}
	// valid, comment, formals and duplicate have one large set each.
	if n := splices.Load() - before; n < 4 {
		t.Errorf("%d splices, want at least 4", n)
	}
}

// checkStreamedEqualsPlain parses src as one core does and as two do, the
// second core parsing from a split point, and requires the same File.
func checkStreamedEqualsPlain(t testing.TB, name string, src []byte) {
	plain := parse(name, src, parsePlain)
	streamed := parse(name, src, parseSplit)
	pt, st := plain.tokens.all(), streamed.tokens.all()
	if len(pt) != len(st) {
		t.Fatalf("%s: %d tokens plain, %d streamed", name, len(pt), len(st))
	}
	for i := range pt {
		if pt[i] != st[i] {
			t.Fatalf("%s: token %d differs", name, i)
		}
	}
	if fmt.Sprint(plain.Errors) != fmt.Sprint(streamed.Errors) {
		t.Fatalf("%s: errors differ:\n plain    %.300v\n streamed %.300v", name, plain.Errors, streamed.Errors)
	}
	if plain.NewSyntax != streamed.NewSyntax {
		t.Fatalf("%s: NewSyntax differs", name)
	}
	// Name resolution reads these (File.SharesFirstName).
	if fmt.Sprint(plain.nonPlain) != fmt.Sprint(streamed.nonPlain) {
		t.Fatalf("%s: lists that share a first name differ:\n plain    %.300v\n streamed %.300v", name, plain.nonPlain, streamed.nonPlain)
	}
	if d := treeDiff(streamed.Root, plain.Root); d != "" {
		t.Fatalf("%s: %s", name, d)
	}
}

// nodeList lists every node's type and byte range, in walk order.
func nodeList(root Node) string {
	var b strings.Builder
	Inspect(root, func(n Node) bool {
		if n == nil {
			return false
		}
		fmt.Fprintf(&b, "%T %d %d\n", n, n.Pos(), n.End())
		return true
	})
	return b.String()
}

// TestChildrenAreNeverNil: EachChild never yields nil or a typed nil, even in
// trees of broken files, so walkers need no nil checks.
func TestChildrenAreNeverNil(t *testing.T) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, path := range corpus(t, dir) {
			src, _ := os.ReadFile(path)
			f := Parse(path, src)
			var check func(n Node)
			check = func(n Node) {
				EachChild(n, func(c Node) {
					if c == nil || reflect.ValueOf(c).IsNil() {
						t.Fatalf("%s: %T has a nil child", path, n)
					}
					check(c)
				})
			}
			check(f.Root)
		}
	}
}

// TestTextPartEscaped: in every valid fixture, a piece of string or path
// text is marked Escaped exactly when its value is not its source text.
func TestTextPartEscaped(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", "valid", "*.nix"))
	escaped, plain := 0, 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f := Parse(name, src)
		Preorder(f.Root, func(n Node) {
			tp, ok := n.(*TextPart)
			if !ok {
				return
			}
			raw := string(f.Src[tp.Start:tp.Stop])
			if tp.Escaped != (tp.Value != raw) {
				t.Errorf("%s: %q (value %q): Escaped %v", name, raw, tp.Value, tp.Escaped)
			}
			if tp.Escaped {
				escaped++
			} else {
				plain++
			}
		})
	}
	if escaped == 0 || plain == 0 {
		t.Errorf("%d escaped and %d plain pieces of text: the fixtures should have both", escaped, plain)
	}
}

// TestLongChainsAreBounded: the loops that build left-associative chains
// (a + b, f x, a && b, |>, a ? b) and the list that builds <| made trees as
// deep as the chain was long, without the parser's recursion limit seeing
// them, and a file of five million additions overflowed the stack of name
// resolution (a fatal error). A tree deeper than MaxTreeHeight is one
// BadExpr with an error, in Parse, in a Checker and in Reparse; a chain a
// little shorter than chainsMeasured parses as before.
func TestLongChainsAreBounded(t *testing.T) {
	t.Parallel()
	chains := map[string]func(n int) string{
		"+":  func(n int) string { return "1" + strings.Repeat(" + 1", n) },
		"f":  func(n int) string { return "f" + strings.Repeat(" x", n) },
		"&&": func(n int) string { return "a" + strings.Repeat(" && a", n) },
		"|>": func(n int) string { return "x" + strings.Repeat(" |> f", n) },
		"<|": func(n int) string { return strings.Repeat("f <| ", n) + "x" },
		"?":  func(n int) string { return "x" + strings.Repeat(" ? a", n) },
	}
	for name, chain := range chains {
		if testing.Short() && name != "+" {
			// -short is the race detector's run: one kind of chain takes
			// the same paths (two cores, the measuring); the run without
			// -short takes every kind.
			continue
		}
		long := []byte(chain(MaxTreeHeight + 10))
		f := Parse(name, long)
		if _, ok := f.Root.(*BadExpr); !ok || len(f.Errors) != 1 || !strings.Contains(f.Errors[0].Msg, "nested too deeply") {
			t.Errorf("%s x %d: root %T, errors %.200v", name, MaxTreeHeight+10, f.Root, f.Errors)
		}
		var c Checker
		if got := c.Check(long); fmt.Sprint(got) != fmt.Sprint(f.Errors) {
			t.Errorf("%s: Checker %.200v, Parse %.200v", name, got, f.Errors)
		}
		short := []byte(chain(chainsMeasured - 10))
		g := Parse(name, short)
		if len(g.Errors) != 0 || height(g.Root) > MaxTreeHeight {
			t.Errorf("%s x %d: errors %.200v, height %d", name, chainsMeasured-10, g.Errors, height(g.Root))
		}
	}
	// Reparse: a set whose binding grows a chain past the bound, a few
	// operators at a time, is parsed whole once it may be too deep.
	src := "{ a = " + chains["+"](chainsMeasured-10) + "; b = 1; }"
	old := Parse("set.nix", []byte(src))
	for _, more := range []int{5, 20, 40000} {
		at := strings.Index(src, "; b")
		src = src[:at] + strings.Repeat(" + 1", more) + src[at:]
		old = Reparse(old, "set.nix", []byte(src))
		sameFile(t, fmt.Sprintf("%d more", more), old)
	}
	if len(old.Errors) != 1 || !strings.Contains(old.Errors[0].Msg, "nested too deeply") {
		t.Errorf("after the edits: %.200v", old.Errors)
	}
	// Edits of the file whose tree was too deep: a space between two
	// tokens, a value elsewhere.
	for _, edit := range []struct{ from, to string }{{"b = 1", "b =  1"}, {"b =  1", "b = 2"}} {
		src = strings.Replace(src, edit.from, edit.to, 1)
		old = Reparse(old, "set.nix", []byte(src))
		sameFile(t, edit.to, old)
	}
}
