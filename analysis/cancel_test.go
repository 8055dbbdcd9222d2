package analysis

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// tripContext is a context that is cancelled at its n-th Err call: a
// cancellation at a chosen point of an analysis, without timing.
type tripContext struct {
	context.Context
	left atomic.Int64
	once sync.Once
	done chan struct{}
}

func tripAfter(n int) *tripContext {
	c := &tripContext{Context: context.Background(), done: make(chan struct{})}
	c.left.Store(int64(n))
	return c
}

func (c *tripContext) Err() error {
	if c.left.Add(-1) < 0 {
		c.once.Do(func() { close(c.done) })
		return context.Canceled
	}
	return nil
}

func (c *tripContext) Done() <-chan struct{} { return c.done }

// tripped reports whether the context was ever found cancelled.
func (c *tripContext) tripped() bool { return c.left.Load() < 0 }

// analysedFiles counts the files whose per-file findings the cache holds.
func analysedFiles(c *Cache) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.files {
		if m.ran.len() > 0 {
			n++
		}
	}
	return n
}

// TestSupersededAnalysisStopsEarly: an analysis whose context ends stops
// at the next file instead of analysing the rest, says so, and keeps what
// it finished for the next run, which then does only the rest.
func TestSupersededAnalysisStopsEarly(t *testing.T) {
	const n = 400
	files := map[string]*nixast.File{}
	for i := range n {
		p := fmt.Sprintf("/ws/m%03d.nix", i)
		files[p] = nixast.Parse(p, []byte(fmt.Sprintf("{ lib, ... }: {\n  a%d = let unused = 1; in 2;\n}\n", i)))
	}
	ws := &Workspace{Files: files}

	c := NewCache()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if r, err := c.AnalyzeFiles(cancelled, ws, Config{}); !errors.Is(err, context.Canceled) || r != nil {
		t.Fatalf("a cancelled analysis returned %v, %v", r, err)
	}
	if got := analysedFiles(c); got != 0 {
		t.Fatalf("an analysis cancelled before it began analysed %d files", got)
	}

	// Cancelled after a few files: the files already on a core finish,
	// no other starts. (The files are scanned first, so that the
	// context's checks count files analysed.)
	if _, err := c.memos(context.Background(), ws); err != nil {
		t.Fatal(err)
	}
	ctx := tripAfter(20)
	if _, err := c.AnalyzeFiles(ctx, ws, Config{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("the analysis ran to its end (err %v)", err)
	}
	done := analysedFiles(c)
	if limit := 20 + runtime.GOMAXPROCS(0); done > limit || done == 0 {
		t.Fatalf("%d of %d files analysed by an analysis cancelled after its 20th check (want 1..%d)", done, n, limit)
	}

	r, err := c.AnalyzeFiles(context.Background(), ws, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got := analysedFiles(c); got != n {
		t.Fatalf("after a full run %d of %d files are analysed", got, n)
	}
	if _, all := r.Changed(); !all {
		t.Error("the first analysis that finished does not say every file changed")
	}
	want := Analyze(&Workspace{Files: files}, Config{})
	if got := c.Analyze(ws, Config{}); encode(got) != encode(want) || len(want) != n {
		t.Errorf("after a cancelled run the findings differ from a fresh analysis (%d findings, want %d)", len(got), len(want))
	}
}

// TestCancelledAnalysesLeaveNoHalfState applies random edits to every
// fixture, as TestDerivedAnalysisMatchesFresh does, and cancels analyses,
// module graphs and element lookups at random points in between (some
// versions are never analysed to the end): each analysis that finishes
// must equal a fresh one.
func TestCancelledAnalysesLeaveNoHalfState(t *testing.T) {
	fixtures, _ := filepath.Glob("../testdata/analysis/*.txtar")
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	steps, seeds := 8, 3
	if testing.Short() {
		steps, seeds = 3, 1
	}
	tripped := 0
	for i, fx := range fixtures {
		ws, _ := loadFixture(t, fx)
		for k := range seeds {
			seed := int64(i + 100 + 1000*k)
			n, err := cancelSequence(ws, rand.New(rand.NewSource(seed)), steps)
			if err != nil {
				t.Errorf("%s (seed %d): %v", filepath.Base(fx), seed, err)
			}
			tripped += n
		}
	}
	if tripped == 0 {
		t.Fatal("no run was ever cancelled: the test proves nothing")
	}
}

// cancelSequence runs steps random versions of ws through one Cache with
// cancelled runs between them, and returns how many runs were cancelled.
func cancelSequence(ws *Workspace, rnd *rand.Rand, steps int) (int, error) {
	orig := ws.Files
	c := NewCache()
	files := ws.Files
	with := func(files map[string]*nixast.File, d *Derivation) *Workspace {
		return &Workspace{Files: files, Microvm: ws.Microvm, AbsentInputs: ws.AbsentInputs, Options: ws.Options,
			Exists: ws.Exists, Root: ws.Root, Sources: ws.Sources, Derived: d}
	}
	tripped := 0
	cancelled := func(ctx *tripContext, err error) error {
		if ctx.tripped() {
			tripped++
			if !errors.Is(err, context.Canceled) {
				return fmt.Errorf("a cancelled run returned %v", err)
			}
		} else if err != nil {
			return fmt.Errorf("a run that was not cancelled returned %v", err)
		}
		return nil
	}
	for step := 0; step <= steps; step++ {
		var d *Derivation
		if step > 0 {
			next, changed, _ := deriveEdit(files, orig, rnd)
			if rnd.Intn(2) == 0 {
				d = &Derivation{From: files, Changed: changed}
			}
			files = next
		}
		cur := with(files, d)
		for range rnd.Intn(3) + 1 {
			ctx := tripAfter(rnd.Intn(12))
			var err error
			switch rnd.Intn(4) {
			case 0:
				_, err = c.SystemsContext(ctx, cur)
			case 1:
				paths := sortedPaths(files)
				_, err = c.ElementTargetsIn(ctx, cur, paths[rnd.Intn(len(paths))])
			default:
				_, err = c.AnalyzeFiles(ctx, cur, Config{})
			}
			if err := cancelled(ctx, err); err != nil {
				return tripped, fmt.Errorf("step %d: %v", step, err)
			}
		}
		if rnd.Intn(2) == 0 {
			continue // a version superseded before any run finished
		}
		if _, err := c.AnalyzeFiles(context.Background(), cur, Config{}); err != nil {
			return tripped, err
		}
		got := encode(c.Analyze(with(files, nil), Config{}))
		ref := NewCache()
		ref.oneComponent = true
		if want := encode(ref.Analyze(with(files, nil), Config{})); got != want {
			return tripped, fmt.Errorf("step %d: findings after cancelled runs differ from a fresh analysis:\n got  %s\n want %s", step, got, want)
		}
		if gs, fs := encode(c.Systems(cur)), encode(Systems(with(files, nil))); gs != fs {
			return tripped, fmt.Errorf("step %d: systems after cancelled runs differ from a fresh analysis:\n got  %s\n want %s", step, gs, fs)
		}
	}
	return tripped, nil
}

func sortedPaths(files map[string]*nixast.File) []string {
	out := make([]string, 0, len(files))
	for p := range files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// TestRunAfterStoppedRunsComparesOnlyChangedFiles: after analyses of two
// versions were stopped, the analysis of a third, told what changed since
// the second, compares only the changed files with the last finished
// state, not every file of the workspace.
func TestRunAfterStoppedRunsComparesOnlyChangedFiles(t *testing.T) {
	files := map[string]*nixast.File{}
	for i := range 50 {
		p := fmt.Sprintf("/ws/m%02d.nix", i)
		files[p] = nixast.Parse(p, []byte("{ a = 1; }\n"))
	}
	edit := func(from map[string]*nixast.File, src string) (map[string]*nixast.File, *Derivation) {
		next := make(map[string]*nixast.File, len(from))
		for p, f := range from {
			next[p] = f
		}
		next["/ws/m07.nix"] = nixast.Parse("/ws/m07.nix", []byte(src))
		return next, &Derivation{From: from, Changed: []string{"/ws/m07.nix"}}
	}
	c := NewCache()
	if _, err := c.AnalyzeFiles(context.Background(), &Workspace{Files: files}, Config{}); err != nil {
		t.Fatal(err)
	}
	before := fullDiffs.Load()
	state := files
	for _, src := range []string{"{ a = 1; b = 1; b = 2; }\n", "{ a = 2; b = 1; b = 2; }\n"} {
		next, d := edit(state, src)
		if _, err := c.AnalyzeFiles(tripAfter(0), &Workspace{Files: next, Derived: d}, Config{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("the stopped run returned %v", err)
		}
		state = next
	}
	next, d := edit(state, "{ a = 3; c = 1; c = 2; }\n")
	r, err := c.AnalyzeFiles(context.Background(), &Workspace{Files: next, Derived: d}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if n := fullDiffs.Load() - before; n != 0 {
		t.Errorf("%d comparisons of every file after stopped runs, want 0", n)
	}
	if changed, all := r.Changed(); all || len(changed) != 1 || changed[0] != "/ws/m07.nix" {
		t.Errorf("changed %v (all %v), want only m07.nix", changed, all)
	}
	if got, want := encode(c.Analyze(&Workspace{Files: next}, Config{})), encode(Analyze(&Workspace{Files: next}, Config{})); got != want {
		t.Errorf("findings differ from a fresh analysis:\n got  %s\n want %s", got, want)
	}
}

// TestStoppedGraphBuildIsTakenOver: a module graph build stopped after 15
// of 40 roots leaves those roots to the next build, which scans only the
// 25 others and the one whose module changed meanwhile.
func TestStoppedGraphBuildIsTakenOver(t *testing.T) {
	const n = 40
	files := map[string]*nixast.File{}
	add := func(files map[string]*nixast.File, p, src string) { files[p] = nixast.Parse(p, []byte(src)) }
	for i := range n {
		dir := fmt.Sprintf("/ws/f%02d", i)
		add(files, dir+"/flake.nix", fmt.Sprintf(`{
  outputs = { nixpkgs, ... }: {
    nixosConfigurations.host%d = nixpkgs.lib.nixosSystem { modules = [ ./m.nix ]; };
  };
}
`, i))
		add(files, dir+"/m.nix", "{ networking.hostName = \"h\"; }\n")
	}
	ws := &Workspace{Files: files}
	c := NewCache()
	if _, err := c.memos(context.Background(), ws); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SystemsContext(tripAfter(15), ws); !errors.Is(err, context.Canceled) {
		t.Fatalf("the build ran to its end (err %v)", err)
	}
	if c.graph != nil || c.stopped == nil || len(c.stopped.g.roots) != 15 {
		t.Fatalf("after the stopped build: graph %v, stopped %v", c.graph != nil, c.stopped != nil)
	}
	next := map[string]*nixast.File{}
	for p, f := range files {
		next[p] = f
	}
	add(next, "/ws/f03/m.nix", "{ networking.hostName = \"other\"; }\n")
	ws2 := &Workspace{Files: next, Derived: &Derivation{From: files, Changed: []string{"/ws/f03/m.nix"}}}
	got, err := c.SystemsContext(context.Background(), ws2)
	if err != nil {
		t.Fatal(err)
	}
	if c.graph.scanned != n-15+1 {
		t.Errorf("the build after the stopped one scanned %d roots, want %d", c.graph.scanned, n-15+1)
	}
	if want := Systems(&Workspace{Files: next}); encode(got) != encode(want) || len(want) != n {
		t.Errorf("systems after a stopped build differ from a fresh analysis (%d systems, want %d)", len(got), len(want))
	}
}

// TestTypingAfterNewFilesComparesOnlyOpen: the graph checks' findings, made
// in a state whose files another map now holds, are compared with the
// state of each keystroke: one comparison of every file for the first,
// none for the keystrokes after it (each is compared with the one before,
// whose files it shares).
func TestTypingAfterNewFilesComparesOnlyOpen(t *testing.T) {
	files := map[string]*nixast.File{}
	add := func(p, src string) { files[p] = nixast.Parse(p, []byte(src)) }
	add("/ws/flake.nix", `{
  outputs = { nixpkgs, microvm, ... }: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ ./m.nix microvm.nixosModules.host ]; };
  };
}
`)
	add("/ws/m.nix", "{ networking.hostName = \"h\"; }\n")
	for i := range 50 {
		add(fmt.Sprintf("/ws/pkgs/p%02d.nix", i), "{ a = 1; }\n")
	}
	c := NewCache()
	if _, err := c.AnalyzeFiles(context.Background(), &Workspace{Files: files}, Config{}); err != nil {
		t.Fatal(err)
	}
	// The index was read again: the same files, in a map of their own.
	reread := maps.Clone(files)
	before := fullDiffs.Load()
	const p = "/ws/pkgs/p07.nix"
	for i := range 10 {
		open := map[string]*nixast.File{p: nixast.Parse(p, fmt.Appendf(nil, "{ a = %d; }\n", i))}
		if _, err := c.AnalyzeFiles(context.Background(), &Workspace{Files: reread, Open: open}, Config{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := fullDiffs.Load() - before; n > 1 {
		t.Errorf("%d comparisons of every file in 10 keystrokes, want at most 1", n)
	}
	ws := &Workspace{Files: reread, Open: map[string]*nixast.File{p: nixast.Parse(p, []byte("{ a = 1; a = 2; }\n"))}}
	if got, want := encode(c.Analyze(ws, Config{})), encode(Analyze(ws, Config{})); got != want {
		t.Errorf("findings differ from a fresh analysis:\n got  %s\n want %s", got, want)
	}
}
