package optindex

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCopiesAreBounded: a module whose option names or texts double a list
// or a string at each of 40 let bindings is 40 expressions and 2^40
// elements or bytes; the step budget counted expressions only, and the
// build took all memory (7-9 GB in 30 s) and never returned. What is copied
// into new values is bounded: the build returns, those options are unknown,
// and the module's other options are read as before.
func TestCopiesAreBounded(t *testing.T) {
	doublings := func(first, step string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "v0 = %s;\n", first)
		for i := 1; i <= 40; i++ {
			fmt.Fprintf(&b, "v%d = %s;\n", i, fmt.Sprintf(step, fmt.Sprintf("v%d", i-1)))
		}
		return b.String()
	}
	for _, tc := range []struct{ name, options string }{
		{"names from a list", "let\n" + doublings(`[ "x" ]`, "%[1]s ++ %[1]s") + "in lib.genAttrs v40 (n: lib.mkOption { type = lib.types.bool; })"},
		{"a name from a string", "let\n" + doublings(`"x"`, "%[1]s + %[1]s") + "in { ${v40} = lib.mkOption { type = lib.types.bool; }; }"},
		{"names from interpolations", "let\n" + doublings(`"x"`, `"${%[1]s}${%[1]s}"`) + `in lib.genAttrs (lib.splitString "y" v40) (n: lib.mkOption { type = lib.types.bool; })`},
		{"names from concatenated lists", "let\n" + doublings(`[ "x" "y" ]`, "builtins.concatLists (map (x: %[1]s) %[1]s)") + "in lib.genAttrs v40 (n: lib.mkOption { type = lib.types.bool; })"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := "{ lib, ... }: {\n  options.ok = lib.mkOption { type = lib.types.bool; };\n  options.many = " + tc.options + ";\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "m.nix"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			type result struct {
				ix  *Index
				err error
			}
			done := make(chan result, 1)
			go func() {
				ix, err := Build(dir, []string{"m.nix"})
				done <- result{ix, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(time.Minute): // well under a second within the bound
				t.Fatal("the index was not built")
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			var ok bool
			for _, o := range r.ix.Options {
				ok = ok || o.Name == "ok" && o.Type == "boolean"
			}
			if !ok || len(r.ix.Options) > maxCopied {
				t.Errorf("option ok read: %v; %d options", ok, len(r.ix.Options))
			}
		})
	}
}

// TestSplitIsBounded: a pattern that matches everywhere splits a string
// into a list twice its length; the matches are bounded as copies are.
func TestSplitIsBounded(t *testing.T) {
	b := newBuilder(t.TempDir())
	b.copied = maxCopied - 1000
	if v := b.regexCall("split", "", strings.Repeat("x", 2000)); v != unknown {
		t.Errorf("split of 2,000 bytes with room for 1,000 copies: %T, want unknown", v)
	}
	b.copied = 0
	l, ok := b.regexCall("split", ",", "a,b,c").(*vList)
	if !ok || len(l.elems) != 5 {
		t.Errorf("split of a,b,c on commas: %v, want 5 elements", l)
	}
}
