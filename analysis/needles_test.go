package analysis

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
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
		want := searchNeedles(src)
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

// searchNeedles is findNeedles by a search for each word.
func searchNeedles(src []byte) sourceNeedles {
	any := func(words [][]byte) bool {
		return slices.ContainsFunc(words, func(w []byte) bool { return bytes.Contains(src, w) })
	}
	return sourceNeedles{
		microvm:     bytes.Contains(src, microvmWord),
		declares:    any(declareWords),
		foreignHome: any(homeWords),
		tokens:      any(rootWords),
	}
}

// TestFindNeedlesAgreesOnFixtures: the one pass finds what the searches
// find in every source of the repository's fixtures and examples, and
// each answer is true for some of them.
func TestFindNeedlesAgreesOnFixtures(t *testing.T) {
	found := map[string]int{}
	files := 0
	for _, dir := range []string{"../testdata", "../examples"} {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() || !strings.HasSuffix(p, ".nix") && !strings.HasSuffix(p, ".txtar") {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files++
			got, want := findNeedles(src), searchNeedles(src)
			if got != want {
				t.Errorf("%s: findNeedles = %+v, the searches %+v", p, got, want)
			}
			for k, ok := range map[string]bool{"microvm": want.microvm, "declares": want.declares, "home": want.foreignHome, "tokens": want.tokens} {
				if ok {
					found[k]++
				}
			}
			return nil
		})
	}
	if files < 100 {
		t.Fatalf("only %d fixtures read", files)
	}
	for _, k := range []string{"microvm", "declares", "home", "tokens"} {
		if found[k] == 0 {
			t.Errorf("no fixture holds a %s word", k)
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
