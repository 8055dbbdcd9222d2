package analysis

import (
	"bytes"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Cache carries work from one Analyze call to the next. A language server
// analyses the workspace again after every keystroke, and almost every file
// is the same *nixast.File as last time: what depends on one file alone
// (its syntax and scope findings, name resolution, the paths it refers to,
// its suppression comments) is kept per file and reused while the file is
// unchanged. Safe for concurrent use.
type Cache struct {
	mu    sync.Mutex
	files map[*nixast.File]*fileMemo

	// The last module graph, the files it was built from and the findings
	// of the graph checks (by the set of disabled codes). An edit to a file
	// that the graph did not read, and that declares no system, leaves all
	// of them as they were.
	graphMu       sync.Mutex
	graph         *graph
	graphFiles    map[string]*nixast.File
	graphSources  *Sources        // the input sources the graph was built with
	graphRootish  map[string]bool // files that declared systems or named a configuration.nix
	graphFindings map[string][]Finding

	// trees are the trees of summaries parsed again, while a root's scan
	// reads them.
	trees treeStore
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{files: map[*nixast.File]*fileMemo{}} }

type fileMemo struct {
	path     string
	findings map[string][]Finding // per-file analyzer name → its findings in this file; under Cache.mu
	scopesMu sync.Mutex
	scopes   *scope.Scopes    // kept with the version: editor features read it too
	ignores  map[int][]string // line → codes ignored there (empty: all codes)
	// badIgnores are findings on codes of suppression comments that no
	// check reports.
	badIgnores []Finding
	hasRoots   bool     // may declare systems (mentions nixosSystem or nixosConfigurations)
	microvm    bool     // mentions microvm: may set microvm.* options
	relPaths   []string // relative paths to a configuration.nix: is that file imported
	scanOnce   sync.Once
	scanned    atomic.Bool // scan has run (several analyses may ask at once)
}

func (c *Cache) memo(path string, f *nixast.File) *fileMemo {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.files[f]
	if m == nil || m.path != path {
		m = &fileMemo{path: path}
		c.files[f] = m
	}
	return m
}

// graphFor returns the module graph of ws, built from the last one when the
// changes allow: roots whose scan read no changed file keep their systems.
// fresh is false when nothing was scanned again.
func (c *Cache) graphFor(ws *Workspace, memos map[string]*fileMemo) (g *graph, fresh bool) {
	c.graphMu.Lock()
	defer c.graphMu.Unlock()
	if c.graph != nil && c.graphSources == ws.Sources { // other input sources: other closures
		if changed, ok := c.incrementalChanges(ws, memos); ok {
			if len(changed) == 0 {
				return c.graph, false
			}
			g = rebuildGraph(ws, memos, c.graph, changed)
			c.setGraph(g, ws, memos)
			if g.rescanned == 0 {
				// Same systems: the graph's findings still hold.
				return g, false
			}
			c.graphFindings = map[string][]Finding{}
			return g, true
		}
	}
	g = buildGraph(ws, memos)
	c.setGraph(g, ws, memos)
	c.graphFindings = map[string][]Finding{}
	return g, true
}

func (c *Cache) setGraph(g *graph, ws *Workspace, memos map[string]*fileMemo) {
	c.graph, c.graphFiles, c.graphSources = g, ws.Files, ws.Sources
	c.graphRootish = map[string]bool{}
	for p, m := range memos {
		if m.hasRoots || len(m.relPaths) > 0 || path.Base(p) == "configuration.nix" {
			c.graphRootish[p] = true
		}
	}
}

// incrementalChanges returns the files changed since the last graph, and
// false when the change can alter which roots there are: files came or
// went (paths resolve differently), or a changed file declares systems or
// names a configuration.nix, before or after the change.
func (c *Cache) incrementalChanges(ws *Workspace, memos map[string]*fileMemo) (map[string]bool, bool) {
	if len(ws.Files) != len(c.graphFiles) {
		return nil, false
	}
	changed := map[string]bool{}
	for p, f := range ws.Files {
		old, ok := c.graphFiles[p]
		if !ok {
			return nil, false
		}
		if old == f {
			continue
		}
		if memos[p].hasRoots || path.Base(p) == "configuration.nix" || len(memos[p].relPaths) > 0 {
			return nil, false
		}
		if c.graphRootish[p] {
			return nil, false
		}
		changed[p] = true
	}
	return changed, true
}

// Systems returns every system of the workspace with its role, reusing the
// module graph of the last analysis when it still holds.
func (c *Cache) Systems(ws *Workspace) []SystemInfo {
	ws = c.bind(ws)
	memos := c.memos(ws)
	g, _ := c.graphFor(ws, memos)
	return systemsOf(g, ws)
}

// memos returns the per-file memos of ws, scanning new files on every core.
func (c *Cache) memos(ws *Workspace) map[string]*fileMemo {
	c.prune(ws)
	memos := make(map[string]*fileMemo, len(ws.Files))
	var fresh []*fileMemo
	for path, f := range ws.Files {
		m := c.memo(path, f)
		memos[path] = m
		if !m.scanned.Load() {
			fresh = append(fresh, m)
		}
	}
	parallel(len(fresh), func(i int) { fresh[i].scanOnce.Do(func() { fresh[i].scan(ws.Files[fresh[i].path]) }) })
	return memos
}

// prune forgets files that are no longer in the workspace.
func (c *Cache) prune(ws *Workspace) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.files) <= len(ws.Files) {
		return
	}
	live := make(map[*nixast.File]bool, len(ws.Files))
	for _, f := range ws.Files {
		live[f] = true
	}
	for f := range c.files {
		if !live[f] {
			delete(c.files, f)
		}
	}
}

// scan fills the cheap per-file facts read from the tokens and the tree.
func (m *fileMemo) scan(f *nixast.File) {
	defer m.scanned.Store(true)
	m.microvm = bytes.Contains(f.Src, []byte("microvm"))
	// What the scan looks for is spelled out in the source: most files
	// mention none of it, and searching their bytes costs a fraction of
	// rebuilding their tokens. Each needle is part of a word the scan needs
	// (nixosSystem, nixosConfigurations, homeManagerConfiguration,
	// microvm-lsp:, configuration.nix),
	// chosen to start with a rare byte: bytes.Contains jumps from one
	// occurrence of the first byte to the next.
	if !bytes.Contains(f.Src, []byte("System")) && !bytes.Contains(f.Src, []byte("Configuration")) && !bytes.Contains(f.Src, []byte("mkFlake")) &&
		!bytes.Contains(f.Src, []byte("-lsp:")) && !bytes.Contains(f.Src, []byte("uration.nix")) && !frameworkNeedle(f.Src) {
		return
	}
	toks := f.AllTokens()
	for i, t := range toks {
		switch t.Kind {
		case nixast.IDENT:
			if t.End()-t.Pos() >= len("clan") {
				switch string(f.Src[t.Pos():t.End()]) {
				case "nixosSystem", "nixosConfigurations", "mkFlake": // mkFlake: frameworks that find hosts by convention
					m.hasRoots = true
				case "colmena", "makeHive", "buildClan", "clan", "easy-hosts", "ezConfigs": // wiring_frameworks.go
					m.hasRoots = true
				case "darwinSystem", "darwinConfigurations", "homeManagerConfiguration", "homeConfigurations": // wiring_classes.go
					m.hasRoots = true
				}
			}
		case nixast.COMMENT:
			text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t.Text(f.Src)), "#"))
			rest, ok := strings.CutPrefix(text, "microvm-lsp:")
			if !ok {
				continue
			}
			fields := strings.Fields(rest)
			if len(fields) == 0 || fields[0] != "ignore" {
				continue
			}
			if m.ignores == nil {
				m.ignores = map[int][]string{}
			}
			codes := []string{}
			// The codes are found again in the comment's text to report a
			// misspelled one where it is written.
			src := t.Text(f.Src)
			at := strings.Index(src, "microvm-lsp:") + len("microvm-lsp:")
			at += strings.Index(src[at:], "ignore") + len("ignore")
			for _, field := range fields[1:] {
				for _, c := range strings.Split(field, ",") {
					if c == "" {
						continue
					}
					codes = append(codes, c)
					off := at + strings.Index(src[at:], c)
					at = off + len(c)
					if !KnownCode(c) {
						m.badIgnores = append(m.badIgnores, Finding{File: m.path, Pos: t.Pos() + off, End: t.Pos() + at,
							Severity: SeverityWarning, Code: CodeUnknownIgnoreCode,
							Message: fmt.Sprintf("`%s` is not a microvm-lsp code, so this comment suppresses nothing", c)})
					}
				}
			}
			m.ignores[f.Lines.Line(t.Pos())] = codes
		case nixast.PATH:
			// A plain relative path is a PATH token right before its
			// PATH_END. Package sets hold thousands of paths: the text is
			// only made a string when it can name a configuration.nix.
			raw := f.Src[t.Pos():t.End()]
			if i+1 >= len(toks) || toks[i+1].Kind != nixast.PATH_END || !bytes.Contains(raw, []byte("configuration.nix")) {
				continue
			}
			if text := string(raw); !strings.HasPrefix(text, "/") && path.Base(text) == "configuration.nix" {
				m.relPaths = append(m.relPaths, text)
			}
		}
	}
}

// ignored reports whether a suppression comment on the finding's line or the
// line above covers its code.
func (m *fileMemo) ignored(f *nixast.File, fd Finding) bool {
	if len(m.ignores) == 0 {
		return false
	}
	line := f.Lines.Line(fd.Pos)
	for _, l := range []int{line, line - 1} {
		codes, ok := m.ignores[l]
		if !ok {
			continue
		}
		if len(codes) == 0 {
			return true
		}
		for _, c := range codes {
			if c == fd.Code {
				return true
			}
		}
	}
	return false
}

// runPerFile runs the per-file checks on every file whose findings of
// some of them are not kept from an earlier call, files on every core,
// and returns their findings in all files. The facts the checks require
// are computed once per file, for the checks that run on it.
func (c *Cache) runPerFile(checks []*Analyzer, ws *Workspace, memos map[string]*fileMemo) []Finding {
	type job struct {
		path string
		m    *fileMemo
		todo []*Analyzer
	}
	var jobs []job
	c.mu.Lock()
	for path, m := range memos {
		var todo []*Analyzer
		for _, a := range checks {
			if _, ok := m.findings[a.Name]; !ok {
				todo = append(todo, a)
			}
		}
		if len(todo) > 0 {
			jobs = append(jobs, job{path, m, todo})
		}
	}
	c.mu.Unlock()
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].path < jobs[j].path })
	// Few files (an edit): each check of a file runs on its own core, as
	// a large file's checks take long; many files: files on every core.
	concurrent := len(jobs) < 2*runtime.GOMAXPROCS(0)
	parallel(len(jobs), func(i int) {
		j := jobs[i]
		f := ws.File(j.path)
		names := func() *scope.Scopes { return j.m.resolve(f) }
		if IsSummary(ws.Files[j.path]) {
			// a summary's memo keeps no names: they would keep its tree alive
			names = sync.OnceValue(func() *scope.Scopes { return scope.Resolve(f) })
		}
		facts := newFileFacts(factOrder(j.todo), j.path, f, names)
		found := make([][]Finding, len(j.todo))
		run := func(k int) {
			a := j.todo[k]
			p := &FilePass{Analyzer: a, Path: j.path, File: f, ResultOf: facts.resultsFor(a), names: names, badIgnores: j.m.badIgnores}
			a.RunFile(p)
			found[k] = p.findings
		}
		if concurrent {
			var wg sync.WaitGroup
			for k := range j.todo {
				wg.Add(1)
				go func() { defer wg.Done(); run(k) }()
			}
			wg.Wait()
		} else {
			for k := range j.todo {
				run(k)
			}
		}
		c.mu.Lock()
		if j.m.findings == nil {
			j.m.findings = map[string][]Finding{}
		}
		for k, a := range j.todo {
			j.m.findings[a.Name] = found[k]
		}
		c.mu.Unlock()
	})
	var out []Finding
	c.mu.Lock()
	for _, m := range memos {
		for _, a := range checks {
			out = append(out, m.findings[a.Name]...)
		}
	}
	c.mu.Unlock()
	return out
}

// sweepTrees drops the trees of summaries that no root of the module graph
// reads: what a check or a feature parsed again for itself.
func (c *Cache) sweepTrees() {
	c.graphMu.Lock()
	defer c.graphMu.Unlock()
	read := map[string]bool{}
	if c.graph != nil {
		for _, rs := range c.graph.roots {
			for p := range rs.reads {
				read[p] = true
			}
		}
	}
	c.trees.sweep(func(p string) bool { return read[p] })
}
