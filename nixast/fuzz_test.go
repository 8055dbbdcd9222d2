package nixast

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

func addCorpusSeeds(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		files, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", dir, "*.nix"))
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err == nil && len(src) < 4096 {
				f.Add(src)
			}
		}
	}
}

// oracleSeeds is how many corpus files FuzzOracle starts from.
const oracleSeeds = 24

// addOracleSeeds adds every n-th file of the corpus, valid and invalid
// alike, oracleSeeds in all.
func addOracleSeeds(f *testing.F) {
	var files []string
	for _, dir := range []string{"valid", "invalid"} {
		found, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", dir, "*.nix"))
		files = append(files, found...)
	}
	step := max(1, len(files)/oracleSeeds)
	for i := 0; i < len(files); i += step {
		if src, err := os.ReadFile(files[i]); err == nil && len(src) < 2000 {
			f.Add(src)
		}
	}
}

// checkArenaEqualsParse parses src into a TreeArena whose chunks another
// tree filled and gave back, and requires Parse's File; kept, the File
// must stay Parse's while the next tree takes the arena's other chunks.
func checkArenaEqualsParse(t testing.TB, src []byte) {
	var a TreeArena
	a.Parse("dirt.nix", arenaDirt)
	a.Reuse()
	f := a.Parse("fuzz.nix", src)
	sameFile(t, "arena", f)
	a.Keep()
	a.Parse("dirt.nix", arenaDirt)
	a.Reuse()
	sameFile(t, "kept", f)
}

// arenaDirt fills an arena's chunks with most kinds of node.
var arenaDirt = append(generatedPackageSet(8<<10), "\n# x\n"...)

// FuzzParse: no panic, the tokens spell the input, nodes nest, parsing on
// two cores or into an arena another tree used gives what parsing on one
// does, and printing reaches a fixed point. Nix 2.8's normal form is not
// quite closed under its own parser: an interpolation prints as a flat
// concatenation (a + b + c) that parses back as nested '+', and "${e}" as
// an attribute name gains parentheses. So the property is taken one round later: with
// f = print∘parse, f(f(f(x))) == f(f(x)) whenever those parse.
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := checkLossless(t, "fuzz.nix", src)
		checkStreamedEqualsPlain(t, "fuzz.nix", src)
		checkArenaEqualsParse(t, src)
		if len(file.Errors) > 0 {
			return
		}
		cfg := PrintConfig{BaseDir: "/base", HomeDir: "/home"}
		p1 := Print(file.Root, cfg)
		again := Parse("printed.nix", []byte(p1))
		if len(again.Errors) > 0 {
			// The normal form is not always Nix (1e+08, a keyword as a bare
			// attribute name, a path ending in '/' before ' + ').
			return
		}
		p2 := Print(again.Root, cfg)
		third := Parse("printed2.nix", []byte(p2))
		if len(third.Errors) > 0 {
			t.Fatalf("second normal form does not parse: %s\n src %q\n p2 %s", third.Errors[0].Msg, src, p2)
		}
		if p3 := Print(third.Root, cfg); p3 != p2 {
			t.Fatalf("print does not reach a fixed point:\n src %q\n p1  %s\n p2  %s\n p3  %s", src, p1, p2, p3)
		}
	})
}

// FuzzOracle: where nix-instantiate is installed, it and we agree on which
// inputs are valid Nix, and print the same normal form for them. Each input
// costs a Nix process, so its seeds are a sample of the corpus (the oracle
// tests compare all of it): with every file as a seed, the baseline alone
// outlasts a short fuzzing run, which then fuzzes nothing new.
func FuzzOracle(f *testing.F) {
	addOracleSeeds(f)
	o := newOracle(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		// NUL ends the input for Nix's lexer; pipes postdate Nix 2.8.
		if bytes.IndexByte(src, 0) >= 0 || len(src) > 2000 || !utf8.Valid(src) {
			return
		}
		file := Parse("fuzz.nix", src)
		if file.NewSyntax {
			return
		}
		out, ok := o.parse("fuzz.nix", src)
		if ok != (len(file.Errors) == 0) {
			t.Fatalf("disagreement on %q: nix accepts=%v (%s), our errors=%v", src, ok, out, file.Errors)
		}
		if ok {
			if got := o.ours(file); normalizeLets(got) != normalizeLets(out) {
				t.Fatalf("normal forms differ for %q:\n nix:  %s\n ours: %s", src, out, got)
			}
		}
	})
}

// FuzzLineIndex: offsets and positions convert back and forth.
func FuzzLineIndex(f *testing.F) {
	f.Add([]byte("a\nb\r\nc\rd"), 3)
	f.Add([]byte("é😀x\n"), 2)
	f.Fuzz(func(t *testing.T, src []byte, off int) {
		x := NewLineIndex(src)
		if off < 0 || off > len(src) {
			return
		}
		l, c := x.Position(off)
		back, _ := x.Offset(l, c)
		if back > off {
			t.Fatalf("Offset(Position(%d)) = %d", off, back)
		}
		l16, c16 := x.PositionUTF16(off)
		back16, _ := x.OffsetUTF16(l16, c16)
		if back16 > off || l16 != l {
			t.Fatalf("OffsetUTF16(PositionUTF16(%d)) = %d (line %d vs %d)", off, back16, l16, l)
		}
	})
}
