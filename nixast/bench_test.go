package nixast

import (
	"os"
	"path/filepath"
	"testing"

	gencorpus "github.com/microvm-lsp/microvm-lsp/internal/corpus"
)

func generatedPackageSet(size int) []byte { return gencorpus.PackageSet(size) }

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
