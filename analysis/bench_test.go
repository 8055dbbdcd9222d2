package analysis

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// BenchmarkManyUnusedBindings: files of 20,000 unused bindings, where each
// finding once read the whole function, file or inherit again: formals of
// one function (4 s), let bindings in a file that holds deadnix's pragma
// (31 s), the names of one inherit (0.5 s).
func BenchmarkManyUnusedBindings(b *testing.B) {
	const n = 20000
	var formals, pragma, inherit strings.Builder
	formals.WriteString("f: f ({ ")
	pragma.WriteString("# deadnix: skip\nlet\n")
	inherit.WriteString("x: let inherit (x)")
	for i := range n {
		fmt.Fprintf(&formals, "a%d, ", i)
		fmt.Fprintf(&pragma, "  v%d = %d;\n", i, i)
		fmt.Fprintf(&inherit, " a%d", i)
	}
	formals.WriteString("z }: 1)\n")
	pragma.WriteString("in 1\n")
	inherit.WriteString("; in 1\n")
	for _, c := range []struct{ name, src string }{{"formals", formals.String()}, {"pragma", pragma.String()}, {"inherit", inherit.String()}} {
		b.Run(c.name, func(b *testing.B) {
			ws := &Workspace{Files: map[string]*nixast.File{"/ws/a.nix": nixast.Parse("/ws/a.nix", []byte(c.src))}}
			for b.Loop() {
				if fs := Analyze(ws, Config{}); len(fs) < n {
					b.Fatalf("%d findings", len(fs))
				}
			}
		})
	}
}

// BenchmarkStopSupersededAnalysis measures how long a cold analysis of
// 2,000 files takes to return once its context is cancelled some time in
// (ms-to-stop), against the whole analysis (BenchmarkAnalyze1000Files):
// a tenth and a third of the way, as long as a whole analysis takes on
// this machine (fixed delays outlived it once the analysis got faster).
func BenchmarkStopSupersededAnalysis(b *testing.B) {
	ws := loadCorpus(b, 2000, 0)
	whole := time.Hour // the quickest of five: the first pays for what is made once
	for range 5 {
		start := time.Now()
		if _, err := NewCache().AnalyzeFiles(context.Background(), ws, Config{}); err != nil {
			b.Fatal(err)
		}
		whole = min(whole, time.Since(start))
	}
	for _, part := range []struct {
		name  string
		after time.Duration
	}{{"at=10%", whole / 10}, {"at=33%", whole / 3}} {
		after := part.after
		b.Run(part.name, func(b *testing.B) {
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

// sharedModuleWorkspace is a flake whose hosts.nix declares hosts NixOS
// systems, each importing its own small module and one shared.nix of about
// lines lines: an edit of shared.nix scans every system again.
func sharedModuleWorkspace(hosts, lines int) *Workspace {
	ws := &Workspace{Files: map[string]*nixast.File{}}
	add := func(p string, src []byte) { ws.Files[p] = nixast.Parse(p, src) }
	add("/ws/flake.nix", []byte(`{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }@inputs: import ./hosts.nix inputs;
}
`))
	for name, src := range corpus.Hosts(hosts) {
		add("/ws/"+name, src)
	}
	add("/ws/shared.nix", corpus.Module(0, lines, nil))
	return ws
}

// BenchmarkEditSharedModule is a keystroke in a module that 200 systems
// import, after the workspace's first analysis: every system that reads
// it is scanned again.
func BenchmarkEditSharedModule(b *testing.B) {
	ws := sharedModuleWorkspace(200, 300)
	c := NewCache()
	if _, err := c.AnalyzeFiles(context.Background(), ws, Config{}); err != nil {
		b.Fatal(err)
	}
	if n := len(c.Systems(ws)); n != 200 {
		b.Fatalf("%d systems found, want the 200 hosts: the edit would not scan them", n)
	}
	src := string(ws.Files["/ws/shared.nix"].Src)
	at := strings.Index(src, "    systemd.services.svc0-worker1 ")
	benchEdits(b, c, ws, "/ws/shared.nix", src, at, "  services.extra.enable = true;\n", func(text []byte) *nixast.File {
		return nixast.Parse("/ws/shared.nix", text)
	})
}

// BenchmarkEditPackageSet is a keystroke in a 1.5 MB package set, after
// the workspace's first analysis: the file is parsed again as the server
// does (Reparse) and its own checks run again.
func BenchmarkEditPackageSet(b *testing.B) { benchEditPackageSet(b, 0.5) }

// BenchmarkEditPackageSetAt is BenchmarkEditPackageSet with the edit near
// the start and near the end of the file: Reparse copies the nodes after
// the edit, and the difference is what that copy costs.
func BenchmarkEditPackageSetAt(b *testing.B) {
	b.Run("start", func(b *testing.B) { benchEditPackageSet(b, 0.05) })
	b.Run("end", func(b *testing.B) { benchEditPackageSet(b, 0.95) })
}

// benchEditPackageSet edits at the start of the line that holds the byte at
// share at (0 to 1) of the package set.
func benchEditPackageSet(b *testing.B, at float64) {
	ws := loadCorpus(b, 0, 1500000)
	var path string
	for p := range ws.Files {
		path = p
	}
	c := NewCache()
	if _, err := c.AnalyzeFiles(context.Background(), ws, Config{}); err != nil {
		b.Fatal(err)
	}
	f := ws.Files[path]
	src := string(f.Src)
	line := strings.LastIndex(src[:int(at*float64(len(src)))], "\n") + 1
	benchEdits(b, c, ws, path, src, line, "  extra = 1;\n", func(text []byte) *nixast.File {
		f = nixast.Reparse(f, path, text)
		return f
	})
}

// benchEdits times the analysis of ws, already analysed by c, with the file
// at path open and alternating between src and src with insert at at, as
// typing and deleting a letter do; parse makes each version's tree.
func benchEdits(b *testing.B, c *Cache, ws *Workspace, path, src string, at int, insert string, parse func([]byte) *nixast.File) {
	edited := src[:at] + insert + src[at:]
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		text := src
		if i%2 == 0 {
			text = edited
		}
		next := &Workspace{Files: ws.Files, Open: map[string]*nixast.File{path: parse([]byte(text))}}
		if _, err := c.AnalyzeFiles(context.Background(), next, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrepareFiles reads files into a new cache one by one, as the
// server indexes a workspace on each core: parse, per-file checks, summary
// (Cache.PrepareSource). The files are those below MICROVM_LSP_BENCH_DIR
// (a checkout of real repositories), else a generated corpus of 1,000.
func BenchmarkPrepareFiles(b *testing.B) {
	dir := benchDir(b)
	rels, srcs := nixFilesBelow(dir)
	paths := make([]string, len(rels))
	size := 0
	for i, rel := range rels {
		paths[i] = filepath.Join(dir, rel)
		size += len(srcs[i])
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, arena := NewCache(), &nixast.TreeArena{}
		for k, p := range paths {
			c.PrepareSource(arena, p, srcs[k])
		}
	}
}

// BenchmarkEditWorkspaceFile times the analysis after a keystroke in one
// file of a workspace indexed as the server indexes it (every file a
// summary, Cache.PrepareSource): a line typed and deleted again, as in
// benchEdits. The workspace is the *.nix files below MICROVM_LSP_BENCH_DIR
// (a checkout of real repositories), read MICROVM_LSP_BENCH_COPIES times
// under as many directories (1 by default), and the file edited is
// MICROVM_LSP_BENCH_FILE, a path below that directory; by default a
// generated corpus (benchDir) and the flake.nix of its first group.
//
//	MICROVM_LSP_BENCH_DIR=DIR MICROVM_LSP_BENCH_COPIES=3 MICROVM_LSP_BENCH_FILE=host/configuration.nix \
//	  go test ./analysis -run '^$' -bench EditWorkspaceFile -benchmem
//	MICROVM_LSP_BENCH_FILES=33000 MICROVM_LSP_BENCH_FILE=group0000/modules/m0.nix \
//	  go test ./analysis -run '^$' -bench EditWorkspaceFile -benchmem
func BenchmarkEditWorkspaceFile(b *testing.B) {
	dir, rel := benchDir(b), os.Getenv("MICROVM_LSP_BENCH_FILE")
	if os.Getenv("MICROVM_LSP_BENCH_DIR") == "" && rel == "" {
		rel = "group0000/flake.nix"
	}
	copies := 1
	if n, err := strconv.Atoi(os.Getenv("MICROVM_LSP_BENCH_COPIES")); err == nil && n > 0 {
		copies = n
	}
	rels, srcs := nixFilesBelow(dir)
	c, arena := NewCache(), &nixast.TreeArena{}
	files := map[string]*nixast.File{}
	for i := 0; i < copies; i++ {
		for k, r := range rels {
			key := fmt.Sprintf("/ws/copy%d/%s", i, r)
			files[key] = c.PrepareSource(arena, key, srcs[k])
		}
	}
	path := "/ws/copy0/" + filepath.ToSlash(rel)
	f := files[path]
	if f == nil {
		b.Fatalf("no %s below %s", rel, dir)
	}
	src := string(f.Src)
	ws := &Workspace{Files: files}
	if _, err := c.AnalyzeFiles(context.Background(), ws, Config{}); err != nil {
		b.Fatal(err)
	}
	// A line typed at the start of the file's middle line.
	at := strings.LastIndex(src[:len(src)/2], "\n") + 1
	benchEdits(b, c, ws, path, src, at, "  extra = 1;\n", func(text []byte) *nixast.File {
		return nixast.Parse(path, text)
	})
}

// benchDir returns MICROVM_LSP_BENCH_DIR (a checkout of real repositories),
// else a generated corpus of MICROVM_LSP_BENCH_FILES files (1,000 by
// default; 33,000 make the 7,500 systems of e2e/latency -corpus 33000).
func benchDir(b *testing.B) string {
	if dir := os.Getenv("MICROVM_LSP_BENCH_DIR"); dir != "" {
		return dir
	}
	files := 1000
	if n, err := strconv.Atoi(os.Getenv("MICROVM_LSP_BENCH_FILES")); err == nil && n > 0 {
		files = n
	}
	dir := b.TempDir()
	if _, _, err := corpus.Write(dir, files, 0, 100); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkFindNeedles times the per-file scan's search for its words
// (findNeedles) over every file below benchDir.
func BenchmarkFindNeedles(b *testing.B) {
	_, srcs := nixFilesBelow(benchDir(b))
	size := 0
	for _, src := range srcs {
		size += len(src)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			findNeedles(src)
		}
	}
}

// nixFilesBelow reads the *.nix files below dir: their paths relative to
// it (with slashes), and their sources.
func nixFilesBelow(dir string) (rels []string, srcs [][]byte) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && strings.HasSuffix(p, ".nix") {
			if src, err := os.ReadFile(p); err == nil {
				rel, _ := filepath.Rel(dir, p)
				rels, srcs = append(rels, filepath.ToSlash(rel)), append(srcs, src)
			}
		}
		return nil
	})
	return rels, srcs
}

// BenchmarkFindValueNodes is the walk that finds a 1.5 MB package set's
// hash bindings and store paths, which every version of the file makes.
func BenchmarkFindValueNodes(b *testing.B) {
	ws := loadCorpus(b, 0, 1500000)
	var f *nixast.File
	for _, x := range ws.Files {
		f = x
	}
	b.SetBytes(int64(len(f.Src)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		vn := findValueNodes(f)
		n = len(vn.hashes) + len(vn.storePaths)
	}
	b.ReportMetric(float64(n), "nodes")
}
