package nixast

import (
	"math/rand"
	"strings"
	"testing"
)

// TestTokenListSplice holds a list made by many splices to the flat slice
// the same edits make: every token, the search by position, and a range.
func TestTokenListSplice(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var flat []Token
	for i := 0; i < 500; i++ {
		flat = append(flat, Token{Kind: IDENT, pos: int32(10 * i), end: int32(10*i + 5)})
	}
	l := flatTokens(flat)
	most := 0
	for step := 0; step < 300; step++ {
		// Replace tokens i0..i1-1 by k tokens in the text they covered, and
		// move the rest by d.
		i0 := 1 + rng.Intn(len(flat)-2)
		i1 := i0 + rng.Intn(min(4, len(flat)-1-i0)+1)
		from := int(flat[i0-1].end) + 1
		k := rng.Intn(4)
		var sub []Token
		for j := 0; j < k; j++ {
			sub = append(sub, Token{Kind: INT, pos: int32(from + 2*j), end: int32(from + 2*j + 1)})
		}
		end := from + 2*k
		d := end - int(flat[i1].pos) + 1 + rng.Intn(3)
		next := append(append([]Token(nil), flat[:i0]...), sub...)
		for _, tok := range flat[i1:] {
			tok.pos += int32(d)
			tok.end += int32(d)
			next = append(next, tok)
		}
		l = l.splice(i0, i1, sub, d)
		flat = next
		most = max(most, len(l.segs))
		if l.len() != len(flat) {
			t.Fatalf("step %d: %d tokens, want %d", step, l.len(), len(flat))
		}
		for i, want := range flat {
			if got := l.at(i); got != want {
				t.Fatalf("step %d: token %d is %v, want %v", step, i, got, want)
			}
			if got := l.search(int(want.pos)); got != i {
				t.Fatalf("step %d: search(%d) = %d, want %d", step, want.pos, got, i)
			}
		}
		if got := l.search(int(flat[len(flat)-1].end) + 1); got != len(flat) {
			t.Fatalf("step %d: search past the end = %d", step, got)
		}
		a, b := rng.Intn(len(flat)), rng.Intn(len(flat)+1)
		a, b = min(a, b), max(a, b)
		if got := l.appendRange(nil, a, b); len(got) != b-a || (b > a && (got[0] != flat[a] || got[b-a-1] != flat[b-1])) {
			t.Fatalf("step %d: range %d..%d wrong", step, a, b)
		}
	}
	if most < 8 || most > maxTokenSegs {
		t.Fatalf("the list had at most %d slices; want several, never more than %d", most, maxTokenSegs)
	}
}

// TestReparseRunPastWindow: a run that reads on past the tokens Reparse
// gives its parser (a 'let' typed into a value takes in every binding after
// it, up to an 'in' that never comes) is parsed again with all of them, and
// the File is still Parse's.
func TestReparseRunPastWindow(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n  a = 1;\n")
	for i := 0; i < 2*runWindow; i++ {
		b.WriteString("  b" + strings.Repeat("x", i%7) + " = { c = 2; };\n")
	}
	b.WriteString("}\n")
	src := b.String()
	old := parse("w.nix", []byte(src), parsePlain)
	at := strings.Index(src, "a = 1;") + len("a = ")
	for _, ins := range []string{"let x = ", "let "} {
		text := src[:at] + ins + src[at:]
		ctxs := listPath(old.Root, at, at)
		toks := old.tokens
		i0 := toks.search(strings.Index(src, "a = 1;"))
		i1 := toks.search(strings.Index(src, "  b") + 2)
		sub, _ := scanBetween([]byte(text), int(toks.at(i0-1).end), int(toks.at(i1).pos)+len(ins))
		if sub == nil {
			t.Fatalf("%q: the run does not scan", ins)
		}
		newToks := toks.splice(i0, i1, sub, len(ins))
		base := int(newToks.at(i0 - 1).end)
		ctx := ctxs[len(ctxs)-1]
		q, _ := parseRun([]byte(text), base, int(toks.at(i1).pos)+len(ins), newToks, old.Lines.Edited([]byte(text), at, at, len(ins)), old.Root, ctx, i0, len(sub), runWindow)
		if !q.sawWindowEnd {
			t.Fatalf("%q: the run's parser did not reach the end of its window", ins)
		}
		q, _ = parseRun([]byte(text), base, int(toks.at(i1).pos)+len(ins), newToks, old.Lines.Edited([]byte(text), at, at, len(ins)), old.Root, ctx, i0, len(sub), newToks.len())
		if q.sawWindowEnd {
			t.Fatalf("%q: with every token, the run's parser saw a window end", ins)
		}
		if f := reparse(old, "w.nix", []byte(text), 0); f != nil {
			sameFile(t, ins, f)
		}
	}
}

// TestReparseSharesTokens: a keystroke in a package set shares the old
// version's tokens before and after the run, and the File is Parse's.
func TestReparseSharesTokens(t *testing.T) {
	src := generatedPackageSet(256 << 10)
	f := parse("p.nix", src, parsePlain)
	at := len(src) / 2
	at += strings.Index(string(src[at:]), "\n  ") + 3
	for i, ch := range []byte("tool") {
		next := append(append(append([]byte(nil), f.Src[:at+i]...), ch), f.Src[at+i:]...)
		g := reparse(f, "p.nix", next, 0)
		if g == nil {
			t.Fatalf("keystroke %d: parsed from scratch", i)
		}
		sameFile(t, "keystroke", g)
		first, last := g.tokens.segs[0], g.tokens.segs[len(g.tokens.segs)-1]
		oldLast := f.tokens.segs[len(f.tokens.segs)-1]
		if len(g.tokens.segs) < 3 || &first.toks[0] != &f.tokens.segs[0].toks[0] ||
			&last.toks[len(last.toks)-1] != &oldLast.toks[len(oldLast.toks)-1] || last.d != oldLast.d+1 {
			t.Fatalf("keystroke %d: %d slices, the first and last not the old version's", i, len(g.tokens.segs))
		}
		f = g
	}
}

// Tokens yields what a fresh scan of the source lists (AllTokens), trivia
// included, for a parsed file,
// one whose tokens were spliced by edits (Reparse) and one whose tokens
// were not kept; and stops where its reader does.
func TestTokensAsAllTokens(t *testing.T) {
	src := "# a file\n{ a = 1; /* c */ b = [ 2 3 ]; # end\n  c = \"s ${a}\"; }\n"
	f := Parse("a.nix", []byte(src))
	edited := f
	for i, ins := range []string{"x", " ", "# note\n", "d = 4; "} {
		at := strings.Index(string(edited.Src), "b =") + i
		next := string(edited.Src[:at]) + ins + string(edited.Src[at:])
		edited = Reparse(edited, "a.nix", []byte(next))
	}
	bare := ParseWithoutTokens("a.nix", []byte(src))
	for name, g := range map[string]*File{"parsed": f, "edited": edited, "without tokens": bare} {
		var got []Token
		for tk := range g.Tokens() {
			got = append(got, tk)
		}
		// The reference: the source scanned again, not the tokens kept.
		want := ParseWithoutTokens("a.nix", g.Src).AllTokens()
		if !g.tokens.none() && ParseWithoutTokens("a.nix", g.Src).tokens.len() != 0 {
			t.Fatal("the reference keeps tokens")
		}
		if len(got) != len(want) || len(got) == 0 {
			t.Fatalf("%s: %d tokens, a fresh scan %d", name, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: token %d: %+v, a fresh scan %+v", name, i, got[i], want[i])
			}
		}
		if all := g.AllTokens(); len(all) != len(want) {
			t.Fatalf("%s: AllTokens %d, a fresh scan %d", name, len(all), len(want))
		}
		n := 0
		for range g.Tokens() {
			if n++; n == 3 {
				break
			}
		}
		if n != 3 {
			t.Errorf("%s: %d tokens read, stopped at 3", name, n)
		}
	}
}
