package nixast

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// generatedPackageSet writes an all-packages-style file of about size bytes:
// a function over a package set, with let helpers and many bindings of the
// shapes such files hold.
func generatedPackageSet(size int) []byte {
	var b strings.Builder
	b.WriteString("{ lib, stdenv, fetchurl, callPackage, config ? { } }:\n\nlet\n  inherit (lib) optional optionals;\n  mk = name: attrs: stdenv.mkDerivation ({ pname = name; } // attrs);\nin\nrec {\n")
	for i := 0; b.Len() < size; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "  pkg%d = callPackage ./pkgs/pkg%d { };\n", i, i)
		case 1:
			fmt.Fprintf(&b, "  /** Package %d, built from source. */\n  pkg%d = mk \"pkg%d\" {\n    version = \"1.%d.0\";\n    src = fetchurl {\n      url = \"https://example.org/pkg%d-${version}.tar.gz\";\n      hash = \"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\";\n    };\n    buildInputs = [ pkg%d ] ++ optional stdenv.isLinux pkg%d;\n    meta.description = ''\n      Package number %d.\n    '';\n  };\n", i, i, i, i, i, i-1, i-1, i)
		case 2:
			fmt.Fprintf(&b, "  pkg%d = if config.enablePkg%d or false then pkg%d.override { withX = true; } else null;\n", i, i, i-1)
		case 3:
			fmt.Fprintf(&b, "  pkg%d = lib.recurseIntoAttrs { a = pkg%d; b = x: x + %d * 2; inherit pkg%d; };\n", i, i-3, i, i-2)
		}
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

func BenchmarkParseGenerated(b *testing.B) {
	src := generatedPackageSet(4 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if f := Parse("all-packages.nix", src); len(f.Errors) > 0 {
			b.Fatal(f.Errors[0])
		}
	}
}

func BenchmarkParseTestdata(b *testing.B) {
	files, _ := filepath.Glob("../testdata/parse/valid/*.nix")
	var srcs [][]byte
	total := 0
	for _, p := range files {
		src, _ := os.ReadFile(p)
		srcs = append(srcs, src)
		total += len(src)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			Parse("t.nix", src)
		}
	}
}

func TestGeneratedPackageSetParses(t *testing.T) {
	src := generatedPackageSet(200 << 10)
	f := checkLossless(t, "gen.nix", src)
	if len(f.Errors) > 0 {
		t.Fatal(f.Errors[0])
	}
}
