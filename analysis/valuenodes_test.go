package analysis

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// TestValueNodesSkipAgrees: findValueNodes, which skips sources that cannot
// hold a store path or a hash attribute and texts that cannot start with
// the store directory, finds what a walk of every node finds, in sources
// written with the words, their escapes and indented strings.
func TestValueNodesSkipAgrees(t *testing.T) {
	frags := []string{
		`{ `, ` }`, `; `, ` = `, `"`, `''`, "\n", "  ", `${x}`, `''$`, `'''`, `''\`, `\`, `\\`, `\/`, `\n`, `\s`, `\h`, `\a`, `\2`, `\H`, `\i`,
		`/nix/store/`, `/nix/`, `store/`, `/ni`, `x/store/`, `0123456789abcdfghijklmnpqrsvwxyz-x`, `sha256`, `sha`, `256`, `sha512`, `hash`,
		`Hash`, `outputHash`, `vendorHash`, `h`, `s`, `a`, `src`, `./p`, `/nix/store/abc`, `"sha256-AAAA="`, `"xyz"`,
		// the words with escapes of their letters
		`sh\a256`, `\sha512`, `s\ha256`, `sha\256`, `sha\512`, `sha2\56`, `sha25\6`, `sha51\2`, `sha5\12`, `\hash`, `h\ash`, `ha\sh`,
		`has\h`, `outputHas\h`, `vendor\Hash`, `\/nix/store/`, `/n\ix/store/`, `/ni\x/store/`, `/nix\/store/`, `/nix/\store/`,
		`/nix/st\ore/`, `/nix/stor\e/`, `/nix/store\/`,
	}
	templates := []string{`{ %s = "%s"; }`, `{ a.%s = ''%s''; }`, `{ "%s" = "%s"; }`, `{ ${"%s"} = /nix/store/x%s; }`, `[ "%s" ''%s'' ]`,
		// the words deep in a tree, beside nodes without them
		`{ a = f { u = "x"; %s = g "%s"; }; b = [ 1 ]; }`, `let s = { x = [ { "%s" = 1; } ]; }; in [ s (f ''%s'') ]`}
	rng := rand.New(rand.NewSource(2))
	counted := map[string]int{}
	for i := 0; i < 30000; i++ {
		var a, b strings.Builder
		for n := rng.Intn(4); n >= 0; n-- {
			a.WriteString(frags[rng.Intn(len(frags))])
		}
		for n := rng.Intn(4); n >= 0; n-- {
			b.WriteString(frags[rng.Intn(len(frags))])
		}
		tmpl := templates[rng.Intn(len(templates))]
		src := strings.Replace(strings.Replace(tmpl, "%s", a.String(), 1), "%s", b.String(), 1)
		f := nixast.ParseWithoutTokens("/ws/a.nix", []byte(src))
		got, want := findValueNodes(f), walkValueNodes(f)
		if len(got.hashes) != len(want.hashes) || len(got.storePaths) != len(want.storePaths) {
			t.Fatalf("%q: %d hashes, %d store paths; a walk of every node finds %d, %d", src, len(got.hashes), len(got.storePaths), len(want.hashes), len(want.storePaths))
		}
		for k := range want.hashes {
			if got.hashes[k] != want.hashes[k] {
				t.Fatalf("%q: hash binding %d differs", src, k)
			}
		}
		for k := range want.storePaths {
			if got.storePaths[k] != want.storePaths[k] {
				t.Fatalf("%q: store path %d differs", src, k)
			}
		}
		if len(want.hashes) > 0 {
			counted["hashes"]++
		}
		if len(want.storePaths) > 0 {
			counted["store"]++
		}
		if len(valueMarks(f.Src)) == 0 {
			counted["skipped"]++
		}
	}
	for _, k := range []string{"hashes", "store", "skipped"} {
		if counted[k] < 100 {
			t.Errorf("only %d sources with %s: the test tries too little", counted[k], k)
		}
	}
}

// walkValueNodes is findValueNodes as a walk of every node, with the
// indentation of every indented string stripped.
func walkValueNodes(f *nixast.File) *valueNodes {
	vn := &valueNodes{}
	nixast.Preorder(f.Root, func(n nixast.Node) {
		switch x := n.(type) {
		case *nixast.AttrSet:
			for _, b := range x.Bindings {
				if as, ok := b.(*nixast.AttrAssign); ok && isHashBinding(as) {
					vn.hashes = append(vn.hashes, hashBinding{x, as})
				}
			}
		case *nixast.StringLit:
			parts := x.Parts
			if x.Indented {
				parts = nixast.StripIndentation(parts)
			}
			if storeText(parts) {
				vn.storePaths = append(vn.storePaths, x)
			}
		case *nixast.PathLit:
			if storeText(x.Parts) {
				vn.storePaths = append(vn.storePaths, x)
			}
		}
	})
	return vn
}

// TestValueNodesWalkAgrees: in files whose trees nest (packages, modules,
// a generated package set with a hash in every tenth package),
// findValueNodes finds what a walk of every node finds.
func TestValueNodesWalkAgrees(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/parse/*/*.nix")
	var srcs [][]byte
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	var b strings.Builder
	b.WriteString("{ fetchurl, callPackage }: {\n")
	for i := 0; i < 300; i++ {
		if i%10 == 0 {
			fmt.Fprintf(&b, "  p%d = { src = fetchurl { url = \"u\"; hash = \"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"; }; out = \"/nix/store/x-%d\"; };\n", i, i)
		} else {
			fmt.Fprintf(&b, "  p%d = callPackage ./p%d { inherit (p%d) x; s = \"a\\\\b\"; };\n", i, i, i)
		}
	}
	b.WriteString("}\n")
	srcs = append(srcs, []byte(b.String()))
	// Nodes that start where the last one ends, and the kinds of nodes
	// that hold others (a default after or, assert, if, with, formals,
	// legacy let, inherit (from), has-attr).
	srcs = append(srcs,
		[]byte(`{a="";sha256="x";b=/nix/store/x;c="/nix/store/y";}`),
		[]byte(`{ a = x.y or { hash = "z"; }; b = x.y or "/nix/store/q"; }`),
		[]byte(`{ h ? { sha512 = "q"; } }: assert h ? sha256; if true then { vendorHash = "v"; } else with h; [ ''/nix/store/z'' ]`),
		[]byte(`let { body = { outputHash = "o"; }; } // { inherit ({ hash = "i"; }) hash; s = "${"/nix/store/"}"; }`),
	)
	found := 0
	for i, src := range srcs {
		f := nixast.ParseWithoutTokens("/ws/a.nix", src)
		got, want := findValueNodes(f), walkValueNodes(f)
		if !slices.Equal(got.hashes, want.hashes) || !slices.Equal(got.storePaths, want.storePaths) {
			t.Errorf("source %d: %d hashes, %d store paths; a walk of every node finds %d, %d", i, len(got.hashes), len(got.storePaths), len(want.hashes), len(want.storePaths))
		}
		found += len(want.hashes) + len(want.storePaths)
	}
	if found < 60 {
		t.Errorf("only %d hashes and store paths in all sources: the test tries too little", found)
	}
}
