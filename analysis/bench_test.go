package analysis

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// BenchmarkStopSupersededAnalysis measures how long a cold analysis of
// 2,000 files takes to return once its context is cancelled some time in
// (ms-to-stop), against the whole analysis (BenchmarkAnalyze1000Files).
func BenchmarkStopSupersededAnalysis(b *testing.B) {
	ws := loadCorpus(b, 2000, 0)
	for _, after := range []time.Duration{20 * time.Millisecond, 300 * time.Millisecond} {
		b.Run("after="+after.String(), func(b *testing.B) {
			var stop time.Duration
			for i := 0; i < b.N; i++ {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() {
					_, err := NewCache().AnalyzeFiles(ctx, ws, Config{})
					done <- err
				}()
				time.Sleep(after)
				start := time.Now()
				cancel()
				if err := <-done; err == nil {
					b.Fatal("the analysis ended before it was cancelled")
				}
				stop += time.Since(start)
			}
			b.ReportMetric(float64(stop.Microseconds())/1000/float64(b.N), "ms-to-stop")
		})
	}
}
