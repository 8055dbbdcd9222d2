package analysis

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// Workspace is an immutable view of the parsed files of a workspace, keyed by
// path (slash-separated). Callers build a new Workspace for each change and
// may share unchanged *nixast.File values between them.
type Workspace struct {
	Files map[string]*nixast.File
	// Microvm holds the option facts of the microvm.nix the workspace pins;
	// nil means the index built into microvm-lsp.
	Microvm *microvm.Facts
	// MicrovmFolders, when set, holds each workspace folder's facts: a
	// system is checked against those of the folder holding its
	// declaration, and Microvm is for files outside every folder.
	MicrovmFolders *microvm.Folders
	// AbsentInputs names the flake inputs whose pinned source is not in
	// the Nix store.
	AbsentInputs []string
	// Options holds the option indexes of the NixOS, home-manager and
	// nix-darwin sources each workspace folder pins; nil when none is
	// indexed.
	Options *optindex.Folders
	// Exists reports whether a file or directory is at a path (a key like
	// those of Files) on the workspace's file system. Nil when that is not
	// known: then no module path is reported missing.
	Exists func(path string) bool
	// Sources, when set, holds the sources of flake inputs whose modules
	// the module graph follows into their files (inputs.go).
	Sources *Sources
	// Root, when set, is the directory (slash-separated) that file names in
	// messages are relative to, with ../ for files outside it; empty: the
	// directory that holds every file.
	Root string

	// The trees of summaries (see IsSummary), parsed again on demand.
	treesOnce sync.Once
	trees     *treeStore
}

// MicrovmFor returns the microvm.nix option facts for a file: those of the
// workspace folder holding it, or Microvm (nil: the embedded index).
func (ws *Workspace) MicrovmFor(file string) *microvm.Facts {
	if f, ok := ws.MicrovmFolders.For(file); ok {
		return f
	}
	return ws.Microvm
}

// Name returns how messages name a file of the workspace: relative to
// Root, or to the directory that holds every file.
func (ws *Workspace) Name(file string) string {
	if ws.Root != "" {
		return relativeName(ws.Root, file)
	}
	return strings.TrimPrefix(file, workspaceRoot(ws))
}

// Config selects and adjusts checks.
type Config struct {
	Disabled map[string]bool     // codes of checks that do not run
	Severity map[string]Severity // severity overrides per code
}

// Analyze runs every enabled check over the workspace and returns the
// findings, sorted by file and position.
func Analyze(ws *Workspace, cfg Config) []Finding {
	return NewCache().Analyze(ws, cfg)
}

// Analyze is Analyze with the per-file work of earlier calls reused.
func (c *Cache) Analyze(ws *Workspace, cfg Config) []Finding {
	ws = c.bind(ws)
	memos := c.memos(ws)
	out := c.runAnalyzers(ws, cfg, memos)
	kept := out[:0]
	for _, f := range out {
		if ws.fromSource(f.File) {
			continue // a file of an input's source: nobody edits it here
		}
		if m := memos[f.File]; m == nil || !m.ignored(ws.Files[f.File], f) {
			kept = append(kept, f)
		}
	}
	out = kept
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		if out[i].Pos != out[j].Pos {
			return out[i].Pos < out[j].Pos
		}
		return out[i].Code < out[j].Code
	})
	return applyConfig(out, cfg)
}

func applyConfig(in []Finding, cfg Config) []Finding {
	out := in[:0]
	for _, f := range in {
		if cfg.Disabled[f.Code] {
			continue
		}
		if s, ok := cfg.Severity[f.Code]; ok {
			f.Severity = s
		}
		out = append(out, f)
	}
	return out
}

func (c *Cache) runAnalyzers(ws *Workspace, cfg Config, memos map[string]*fileMemo) []Finding {
	var fileChecks, graphChecks []*Analyzer
	for _, a := range Analyzers {
		if !a.enabled(cfg) {
			continue
		}
		if a.Kind() == PerFile {
			fileChecks = append(fileChecks, a)
		} else {
			graphChecks = append(graphChecks, a)
		}
	}
	// Per-file checks run beside the graph checks: on two cores an edit to
	// a large file costs the longer of the two, not their sum.
	var fileFindings []Finding
	done := make(chan struct{})
	go func() {
		defer close(done)
		fileFindings = c.runPerFile(fileChecks, ws, memos)
	}()
	var out []Finding
	if len(graphChecks) > 0 {
		out = c.graphFindingsFor(ws, memos, graphChecks)
	}
	<-done
	c.sweepTrees()
	return append(out, fileFindings...)
}

// parallel calls fn(0..n-1) on every core and waits.
func parallel(n int, fn func(int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 2*workers {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// graphFindingsFor runs the graph checks, or returns their findings of the
// last call when the graph is the same and the same checks are enabled.
func (c *Cache) graphFindingsFor(ws *Workspace, memos map[string]*fileMemo, checks []*Analyzer) []Finding {
	g, fresh := c.graphFor(ws, memos)
	var names []string
	for _, a := range checks {
		names = append(names, a.Name)
	}
	key := strings.Join(names, ",") + fmt.Sprintf("|%p|%p|%q|%p|%p", ws.Microvm, ws.MicrovmFolders, ws.AbsentInputs, ws.Options, ws.Sources)
	c.graphMu.Lock()
	if found, ok := c.graphFindings[key]; ok && !fresh && c.graph == g {
		c.graphMu.Unlock()
		return append([]Finding(nil), found...)
	}
	c.graphMu.Unlock()
	// The facts the checks require are computed once for all of them.
	results := runGraphFacts(factOrder(checks), ws, g)
	var found []Finding
	for _, a := range checks {
		p := &GraphPass{Analyzer: a, Workspace: ws, Systems: g.systems, ResultOf: results, graph: g}
		a.RunGraph(p)
		found = append(found, p.findings...)
	}
	c.graphMu.Lock()
	if c.graph == g {
		c.graphFindings[key] = found
	}
	c.graphMu.Unlock()
	return append([]Finding(nil), found...)
}
