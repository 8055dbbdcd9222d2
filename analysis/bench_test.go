package analysis

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/internal/corpus"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func loadCorpus(b *testing.B, files, big int) *Workspace {
	dir := b.TempDir()
	if _, _, err := corpus.Write(dir, files, big, 100); err != nil {
		b.Fatal(err)
	}
	ws := &Workspace{Files: map[string]*nixast.File{}}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			src, _ := os.ReadFile(p)
			ws.Files[p] = nixast.Parse(p, src)
		}
		return nil
	})
	return ws
}

func BenchmarkAnalyze1000Files(b *testing.B) {
	ws := loadCorpus(b, 1000, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(ws, Config{})
	}
}

func BenchmarkAnalyzePackageSet(b *testing.B) {
	ws := loadCorpus(b, 0, 1500000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(ws, Config{})
	}
}
