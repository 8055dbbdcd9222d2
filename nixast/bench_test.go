package nixast

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
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

// BenchmarkParseGeneratedNoGC parses as the parse and check commands do:
// with the collector off (the memory is collected between iterations).
func BenchmarkParseGeneratedNoGC(b *testing.B) {
	src := generatedPackageSet(4 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	before := splices.Load()
	defer func() { b.ReportMetric(float64(splices.Load()-before)/float64(b.N), "splices/op") }()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		if f := Parse("all-packages.nix", src); len(f.Errors) > 0 {
			b.Fatal(f.Errors[0])
		}
	}
}

// BenchmarkParseHugeLine parses a 10 MB document of one line, a list of
// five million numbers with a syntax error at its end (as the reliability
// tests send one): the token and element slices grow to millions.
func BenchmarkParseHugeLine(b *testing.B) {
	src := []byte("[ " + strings.Repeat("1 ", 5<<20) + "] +")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f := Parse("line.nix", src)
		if len(f.Errors) != 1 || len(f.Root.(*Binary).X.(*List).Elems) != 5<<20 {
			b.Fatalf("errors %v", f.Errors)
		}
	}
}

// BenchmarkScanGenerated scans the trivia too, as File.AllTokens does.
func BenchmarkScanGenerated(b *testing.B) {
	src := generatedPackageSet(4 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		toks, _ := Scan(src)
		if i == 0 {
			b.ReportMetric(float64(len(toks)), "tokens")
		}
	}
}

func BenchmarkParseTestdata(b *testing.B) {
	srcs, total := validSources()
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

// validSources reads the valid parser corpus: its files and their total size.
func validSources() ([][]byte, int) {
	files, _ := filepath.Glob("../testdata/parse/valid/*.nix")
	var srcs [][]byte
	total := 0
	for _, p := range files {
		src, _ := os.ReadFile(p)
		srcs = append(srcs, src)
		total += len(src)
	}
	return srcs, total
}
