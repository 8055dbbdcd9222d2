package analysis

import (
	"bytes"
	"math/rand"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
	"testing"
)

// TestFindNeedlesAgreesWithSearches: the one pass finds what a search for
// each word finds, in sources made of the words, their parts and
// neighbours.
func TestFindNeedlesAgreesWithSearches(t *testing.T) {
	var frags []string
	for _, list := range [][][]byte{rootWords, declareWords, homeWords, {microvmWord}} {
		for _, w := range list {
			frags = append(frags, string(w), string(w[:len(w)/2]), string(w[len(w)/2:]), string(w[:len(w)-1]))
		}
	}
	frags = append(frags, " ", "\n", "#", "x", "m", "c", "{ a = 1; }", "./", ".nix", "System", "Configuration", "lan")
	rng := rand.New(rand.NewSource(1))
	found := map[string]int{}
	for i := 0; i < 20000; i++ {
		var b bytes.Buffer
		for n := rng.Intn(8); n >= 0; n-- {
			b.WriteString(frags[rng.Intn(len(frags))])
		}
		src := b.Bytes()
		want := sourceNeedles{
			microvm:     bytes.Contains(src, microvmWord),
			declares:    mayDeclareOptions(src),
			foreignHome: namesForeignHomeModules(src),
		}
		for _, w := range rootWords {
			if bytes.Contains(src, w) {
				want.tokens = true
			}
		}
		if got := findNeedles(src); got != want {
			t.Fatalf("findNeedles(%q) = %+v, want %+v", src, got, want)
		}
		for k, ok := range map[string]bool{"microvm": want.microvm, "declares": want.declares, "home": want.foreignHome, "tokens": want.tokens} {
			if ok {
				found[k]++
			}
		}
	}
	// each answer was both true and false in some source
	for _, k := range []string{"microvm", "declares", "home", "tokens"} {
		if found[k] == 0 || found[k] == 20000 {
			t.Errorf("%s held in %d of 20000 sources", k, found[k])
		}
	}
}

// TestRootIdentsNeedTokens: every identifier that makes a file a root is
// one findNeedles looks for, so that no root is missed by the byte search.
func TestRootIdentsNeedTokens(t *testing.T) {
	for _, w := range rootIdentList {
		if !findNeedles([]byte("{ x = " + w + "; }")).tokens {
			t.Errorf("%s: findNeedles says the tokens need no scan", w)
		}
		m := &fileMemo{path: "/ws/a.nix"}
		f := nixast.ParseWithoutTokens("/ws/a.nix", []byte("{ x = "+w+"; }"))
		m.scan(f)
		if !m.hasRoots {
			t.Errorf("%s: not a root", w)
		}
	}
}

// TestRootFiltersCoverRootWords: each word findNeedles looks for holds one
// of the filters searched first, and so do the filters of the other words.
func TestRootFiltersCoverRootWords(t *testing.T) {
	for _, w := range rootWords {
		if !containsWord(w, rootFilters) {
			t.Errorf("%s holds no filter of rootFilters", w)
		}
	}
	for _, w := range declareWords {
		if !bytes.Contains(w, []byte("Option")) {
			t.Errorf("%s does not hold Option", w)
		}
	}
	for _, w := range homeWords {
		if !bytes.Contains(w, []byte("Modules")) {
			t.Errorf("%s does not hold Modules", w)
		}
	}
}

// TestSameNeedlesAfterEdits: when sameNeedles says two versions give the
// same needles, findNeedles finds the same in both; random edits of
// sources made of the words, their parts and other text, and it says so
// for most edits that are far from every word.
func TestSameNeedlesAfterEdits(t *testing.T) {
	var frags []string
	for _, w := range needleWords {
		s := string(w)
		frags = append(frags, s, s[:len(s)/2], s[len(s)/2:])
	}
	frags = append(frags, " ", "\n", "{ a = 1; }", "let x = y; in z", "# comment\n", "pkgs.hello")
	rng := rand.New(rand.NewSource(3))
	same := 0
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n >= 0; n-- {
			if rng.Intn(3) == 0 {
				b.WriteString(frags[rng.Intn(len(frags))])
			} else {
				b.WriteString(strings.Repeat("x = 1; ", 1+rng.Intn(40)))
			}
		}
		a := []byte(b.String())
		at := rng.Intn(len(a) + 1)
		cut := min(len(a)-at, rng.Intn(4))
		ins := frags[rng.Intn(len(frags))]
		if rng.Intn(2) == 0 {
			ins = string("abcdefghijklmnopqrstuvwxyzOSMC"[rng.Intn(30)])
		}
		e := append(append(append([]byte{}, a[:at]...), ins...), a[at+cut:]...)
		if sameNeedles(a, e) {
			same++
			if findNeedles(a) != findNeedles(e) {
				t.Fatalf("sameNeedles(%q, %q), but findNeedles differs: %+v, %+v", a, e, findNeedles(a), findNeedles(e))
			}
		}
	}
	if same < 2000 {
		t.Errorf("sameNeedles held for only %d edits: the test tries too little", same)
	}
}
