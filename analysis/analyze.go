package analysis

import (
	"context"
	"fmt"
	"path"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strconv"
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
	// Open, when set, holds files laid over Files (an open document's
	// version; nil where a file of Files is gone): what a state derived
	// from another by an edit changed, so that it shares Files with the
	// other. Read the files with At, Len and All.
	Open map[string]*nixast.File
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
	// Derived, when set, tells how Files differs from an earlier state's:
	// it spares comparing every file after an edit.
	Derived *Derivation

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
	r, _ := c.AnalyzeFiles(context.Background(), ws, cfg)
	files := r.Files()
	sort.Strings(files)
	var out []Finding
	for _, p := range files {
		out = append(out, r.Of(p)...)
	}
	return out
}

// Findings are the findings of one analysis by file, each file's sorted by
// position. A keystroke changes the findings of a few files: they are held
// beside those of an earlier analysis rather than in a copy of them all.
type Findings struct {
	base, over map[string][]Finding // over: files changed since base (an entry may be empty)
	changed    []string
	all        bool
}

// Of returns the findings in the file at p.
func (r *Findings) Of(p string) []Finding {
	if fs, ok := r.over[p]; ok {
		return fs
	}
	return r.base[p]
}

// Files returns every file with findings, in no order.
func (r *Findings) Files() []string {
	out := make([]string, 0, len(r.base)+len(r.over))
	for p, fs := range r.over {
		if len(fs) > 0 {
			out = append(out, p)
		}
	}
	for p, fs := range r.base {
		if _, ok := r.over[p]; !ok && len(fs) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// Changed returns the files whose findings may differ from those of the
// analysis before this one by the same Cache, sorted; all is true when
// any file's may.
func (r *Findings) Changed() (paths []string, all bool) { return r.changed, r.all }

// FindingsOf groups a list of findings by file, for analyses that do not
// go through a Cache; every file counts as changed.
func FindingsOf(list []Finding) *Findings {
	r := &Findings{base: map[string][]Finding{}, all: true}
	for _, f := range list {
		r.base[f.File] = append(r.base[f.File], f)
	}
	for _, fs := range r.base {
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].Pos < fs[j].Pos })
	}
	return r
}

// analysed is what the next analysis is derived from.
type analysed struct {
	files      fileState
	key        string
	graphFound []Finding
	graphBy    map[string][]Finding
	result     *Findings
}

// configKey identifies what findings depend on beyond the files.
func configKey(ws *Workspace, cfg Config) string {
	var codes []string
	for c, off := range cfg.Disabled {
		if off {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	var sevs []string
	for c, sev := range cfg.Severity {
		sevs = append(sevs, fmt.Sprintf("%s=%d", c, sev))
	}
	sort.Strings(sevs)
	return fmt.Sprintf("%q|%q|%p|%p|%q|%p|%p|%t|%q", codes, sevs, ws.Microvm, ws.MicrovmFolders, ws.AbsentInputs, ws.Options, ws.Sources, ws.Exists != nil, ws.Root)
}

// AnalyzeFiles is Analyze by file. After an edit it does the work of the
// changed files and of the systems that read them: the per-file checks of
// the changed files, the graph checks of the components of systems that
// were scanned again, and the findings of the files whose findings that
// moved; every other file keeps the findings of the last analysis.
//
// Once ctx ends (the state was superseded, the request cancelled) the
// analysis stops at the next file, root or component of systems and
// returns ctx's error. What it completed stays in the cache, each piece
// whole (a file's per-file findings, a component's graph findings, a
// module graph); the next analysis is derived from the last one that
// finished.
func (c *Cache) AnalyzeFiles(ctx context.Context, ws *Workspace, cfg Config) (*Findings, error) {
	ws = c.bind(ws)
	memos, err := c.memos(ctx, ws)
	if err != nil {
		return nil, err
	}
	key := configKey(ws, cfg)
	c.lastMu.Lock()
	last := c.lastResult
	c.lastMu.Unlock()
	var changed map[string]bool
	incremental := false
	if last != nil && last.key == key {
		changed, incremental = c.diff(last.files, ws)
	}
	var perFile []string // the files whose per-file checks may not have run
	if incremental {
		for p := range changed {
			if ws.At(p) != nil {
				perFile = append(perFile, p)
			}
		}
	} else {
		perFile = make([]string, 0, ws.Len())
		for p := range ws.All() {
			perFile = append(perFile, p)
		}
	}
	graphFound, graphTouched, touchedSince, err := c.runAnalyzers(ctx, ws, cfg, memos, perFile)
	if err != nil {
		return nil, err
	}
	sameGraph := incremental && sameFindings(graphFound, last.graphFound)
	var graphBy map[string][]Finding
	if sameGraph {
		graphBy = last.graphBy
	} else {
		graphBy = map[string][]Finding{}
		for _, f := range graphFound {
			if ws.fromSource(f.File) {
				continue // a file of an input's source: nobody edits it here
			}
			graphBy[f.File] = append(graphBy[f.File], f)
		}
	}
	r := &Findings{}
	if incremental {
		dirty := changed
		if !sameGraph && graphTouched != nil && sameFindings(touchedSince, last.graphFound) {
			// The files the graph checks of the components checked again
			// report on, before and after.
			dirty = make(map[string]bool, len(changed)+len(graphTouched))
			for p := range changed {
				dirty[p] = true
			}
			for p := range graphTouched {
				if !ws.fromSource(p) {
					dirty[p] = true
				}
			}
		} else if !sameGraph {
			dirty = make(map[string]bool, len(changed)+len(graphBy)+len(last.graphBy))
			for p := range changed {
				dirty[p] = true
			}
			for p := range graphBy {
				dirty[p] = true
			}
			for p := range last.graphBy {
				dirty[p] = true
			}
		}
		r.base = last.result.base
		r.over = make(map[string][]Finding, len(last.result.over)+len(dirty))
		for p, fs := range last.result.over {
			r.over[p] = fs
		}
		for p := range dirty {
			r.over[p] = c.fileFindings(p, ws.At(p), memos.get(p), graphBy[p], cfg)
			r.changed = append(r.changed, p)
		}
		sort.Strings(r.changed)
		if len(r.over) > maxOver {
			// A new base now and then, so that over stays small.
			base := make(map[string][]Finding, len(r.base)+len(r.over))
			for p, fs := range r.base {
				base[p] = fs
			}
			for p, fs := range r.over {
				if len(fs) == 0 {
					delete(base, p)
				} else {
					base[p] = fs
				}
			}
			r.base, r.over = base, nil
		}
	} else {
		r.all = true
		r.base = map[string][]Finding{}
		n := 0
		for p, f := range ws.All() {
			if n++; n%256 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if fs := c.fileFindings(p, f, memos.get(p), graphBy[p], cfg); len(fs) > 0 {
				r.base[p] = fs
			}
		}
		for p, gf := range graphBy {
			if ws.At(p) == nil {
				// A finding on a file the analysis was not given.
				r.base[p] = c.fileFindings(p, nil, nil, gf, cfg)
			}
		}
	}
	c.lastMu.Lock()
	c.lastResult = &analysed{files: ws.state(), key: key, graphFound: graphFound, graphBy: graphBy, result: r}
	// The comparisons of states serve the memos, the analysis and the
	// module graph of one state, and the runs stopped before it: none is
	// asked for again once this state's analysis has finished, and each
	// keeps its states' maps: the Open map of an earlier state kept, say,
	// a closed document's tree (140 MB for a 4 MB one) for the rest of the
	// session.
	c.diffs = [len(c.diffs)]fileDiff{}
	c.lastMu.Unlock()
	return r, nil
}

// sameFindings reports whether two lists are the same slice.
func sameFindings(a, b []Finding) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// fileFindings returns the findings in one file, sorted by position: the
// graph checks' (gf) and the per-file checks', less those its suppression
// comments suppress, under the configuration.
func (c *Cache) fileFindings(path string, f *nixast.File, m *fileMemo, gf []Finding, cfg Config) []Finding {
	out := append([]Finding(nil), gf...)
	if m != nil {
		c.mu.Lock()
		for _, a := range Analyzers {
			if fs := m.found[a.Name]; len(fs) > 0 && a.Kind() == PerFile && a.enabled(cfg) {
				out = append(out, fs...)
			}
		}
		c.mu.Unlock()
		if len(out) == 0 {
			return nil // most files
		}
		if f != nil {
			kept := out[:0]
			for _, fd := range out {
				if !m.ignored(f, fd) {
					kept = append(kept, fd)
				}
			}
			out = kept
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
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

// runAnalyzers runs the per-file checks on paths (those whose findings
// are not kept yet) and returns the graph checks' findings, and the files
// whose graph findings may differ from those of an earlier call
// (graphFindingsFor).
func (c *Cache) runAnalyzers(ctx context.Context, ws *Workspace, cfg Config, memos *memoSet, paths []string) ([]Finding, map[string]bool, []Finding, error) {
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
	done := make(chan error, 1)
	go func() { done <- c.runPerFile(ctx, fileChecks, ws, memos, paths) }()
	var out, since []Finding
	var touched map[string]bool
	var err error
	if len(graphChecks) > 0 {
		out, touched, since, err = c.graphFindingsFor(ctx, ws, memos, graphChecks)
	}
	if perr := <-done; err == nil {
		err = perr
	}
	c.sweepTrees()
	return out, touched, since, err
}

// parallelOrPanic is parallel, and a panic in fn is raised again in the
// caller (after every call has ended), as if the calls were its own.
func parallelOrPanic(n int, fn func(int)) {
	var once sync.Once
	var caught any
	parallel(n, func(i int) {
		defer func() {
			if r := recover(); r != nil {
				once.Do(func() { caught = r })
			}
		}()
		fn(i)
	})
	if caught != nil {
		panic(caught)
	}
}

// cores is how many goroutines of CPU-bound work run at once: the
// processors the runtime chose at start. The server runs one more
// (cmd/microvm-lsp, serve), so that a goroutine woken by I/O (a request
// read from the client) finds one free while an analysis keeps every core
// busy, rather than waiting for the runtime to preempt a worker (10 ms).
var cores = runtime.GOMAXPROCS(0)

// Cores returns how many goroutines of CPU-bound work run at once (the
// processors the runtime chose at start, however many it runs now), for
// the callers' own workers.
func Cores() int { return cores }

// parallel calls fn(0..n-1) on every core and waits; few calls run on the
// caller's goroutine.
func parallel(n int, fn func(int)) {
	if n < 2*cores {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	onGoroutines(cores, n, fn)
}

// onGoroutines calls fn(0..n-1) on workers goroutines, each taking the next
// index, and waits.
func onGoroutines(workers, n int, fn func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// graphFindingsFor runs the graph checks, or returns their findings of the
// last call when the graph is the same and the same checks are enabled.
// The checks run per component of the graph (systems that share no file
// with another's): a component whose systems are all kept from the last
// graph keeps its findings, so that an edit costs the checks of the
// systems that read the edited file. The slice returned is the cached
// one: callers do not change it. touched holds the files that the
// findings of the components checked again (and of the workspace checks)
// name, before and after, when those of the last finished call with these
// checks are known (nil otherwise): no other file's graph findings changed
// since the call that returned touchedSince.
//
// When ctx ends, the components checked so far are kept for the next call
// (each with all its findings) and ctx's error is returned.
func (c *Cache) graphFindingsFor(ctx context.Context, ws *Workspace, memos *memoSet, checks []*Analyzer) (out []Finding, touched map[string]bool, touchedSince []Finding, err error) {
	g, fresh, err := c.graphFor(ctx, ws, memos)
	if err != nil {
		return nil, nil, nil, err
	}
	var names []string
	var perSystem, whole []*Analyzer
	for _, a := range checks {
		names = append(names, a.Name)
		if workspaceChecks[a.Name] {
			whole = append(whole, a)
		} else {
			perSystem = append(perSystem, a)
		}
	}
	key := strings.Join(names, ",") + fmt.Sprintf("|%p|%p|%q|%p|%p", ws.Microvm, ws.MicrovmFolders, ws.AbsentInputs, ws.Options, ws.Sources)
	c.graphMu.Lock()
	last, kept := c.graphFindings[key]
	kept = kept && !fresh && c.graph == g
	prev := c.compFindings[key]
	c.graphMu.Unlock()
	// The workspace checks read the flakes, which need not be roots: their
	// findings hold while no flake.nix changed (compared by the files that
	// changed: looking every flake up was a tenth of a keystroke's graph
	// checks in a workspace of a thousand flakes).
	if kept && len(whole) > 0 {
		changed, _ := c.diff(last.files, ws)
		if kept = !changesFlake(changed); kept {
			// They hold for ws: the next state is compared with this
			// one. Compared with the state they were found in, every
			// keystroke walked every file once the two states stopped
			// sharing their files (a third of a keystroke's CPU in a
			// workspace of 39,000 files).
			c.graphMu.Lock()
			if cur, ok := c.graphFindings[key]; ok && c.graph == g && cur.files.key() == last.files.key() {
				c.graphFindings[key] = graphFound{found: last.found, files: ws.state()}
			}
			c.graphMu.Unlock()
		}
	}
	if kept {
		return last.found, map[string]bool{}, last.found, nil
	}

	wf := &workspaceFacts{ws: ws, g: g, memos: memos}
	wf.foreignHome = len(g.idx.homeFiles) > 0
	if prev != nil && !wf.holds(prev.facts) {
		// What every module declares changed: no component keeps its
		// findings.
		prev = nil
	}
	facts := factOrder(perSystem)
	cs := g.componentSet()
	keys, comp := compKeys{cs: cs}, cs.comp
	if c.oneComponent && len(g.systems) > 0 {
		keys, comp = compKeys{list: []string{componentKey(g.systems)}}, func(int) []*System { return g.systems }
	}
	if len(g.others) > 0 {
		// The systems of other classes are checked once, apart, last: they
		// are no part of any component's microvm.nix checks.
		keys.extra, keys.hasExtra = c.othersKey(g.others), true
	}
	n := keys.len()
	found := map[int][]Finding{} // by place, those with findings
	var todo []int
	derived := prev.derivedTo(keys)
	if derived {
		// The components are prev's but for those the edit changed, at
		// their places: those alone are checked, without a look at
		// every other one.
		for i, fs := range prev.byComp {
			found[i] = fs
		}
		todo = append(todo, cs.changed...)
		if keys.hasExtra && keys.extra != prev.keys.extra {
			todo = append(todo, n-1)
		}
		for _, i := range todo {
			delete(found, i)
		}
	} else {
		for i := range n {
			if prev != nil {
				if j, ok := prev.find(i, keys.at(i)); ok {
					if fs := prev.byComp[j]; len(fs) > 0 {
						found[i] = fs
					}
					continue
				}
			}
			todo = append(todo, i)
		}
	}
	// Components share no system: their checks run on every core, until
	// ctx ends.
	checked := make([][]Finding, len(todo))
	done := make([]bool, len(todo))
	parallelOrPanic(len(todo), func(t int) {
		if ctx.Err() != nil {
			return
		}
		var systems, others []*System
		if keys.hasExtra && todo[t] == n-1 {
			others = g.others
		} else {
			systems = comp(todo[t])
		}
		// The facts the checks require are computed once for all of them.
		results := runGraphFacts(facts, ws, g, wf, systems)
		var fs []Finding
		for _, a := range perSystem {
			p := &GraphPass{Analyzer: a, Workspace: ws, Systems: systems, ResultOf: results, graph: g, wfacts: wf, others: others}
			a.RunGraph(p)
			fs = append(fs, p.findings...)
		}
		checked[t], done[t] = fs, true
	})
	next := &componentFindings{facts: wf, keys: keys, byComp: found}
	for t, i := range todo {
		switch {
		case !done[t]:
			if next.unchecked == nil {
				next.unchecked = map[int]bool{}
			}
			next.unchecked[i] = true
		case len(checked[t]) > 0:
			found[i] = checked[t]
		}
	}
	if next.unchecked != nil {
		// The components checked are whole: the next run keeps them.
		c.graphMu.Lock()
		if c.graph == g {
			if c.compFindings == nil {
				c.compFindings = map[string]*componentFindings{}
			}
			c.compFindings[key] = next
		}
		c.graphMu.Unlock()
		return nil, nil, nil, ctx.Err()
	}
	places := make([]int, 0, len(found))
	for i := range found {
		places = append(places, i)
	}
	slices.Sort(places)
	for _, i := range places {
		out = append(out, found[i]...)
	}
	if len(whole) > 0 {
		results := runGraphFacts(factOrder(whole), ws, g, wf, g.systems)
		for _, a := range whole {
			p := &GraphPass{Analyzer: a, Workspace: ws, Systems: g.systems, ResultOf: results, graph: g, wfacts: wf}
			a.RunGraph(p)
			out = append(out, p.findings...)
			next.whole = append(next.whole, p.findings...)
		}
	}
	if prev != nil && prev.complete {
		touched = map[string]bool{}
		note := func(fs []Finding) {
			for _, f := range fs {
				touched[f.File] = true
			}
		}
		if derived {
			// The components not checked again are prev's.
			for _, i := range todo {
				note(prev.byComp[i])
				note(next.byComp[i])
			}
		} else {
			for i := range n {
				if _, ok := prev.find(i, next.key(i)); !ok {
					note(next.byComp[i])
				}
			}
			for i := range prev.keys.len() {
				if _, ok := next.find(i, prev.key(i)); !ok {
					note(prev.byComp[i])
				}
			}
		}
		note(prev.whole)
		note(next.whole)
		touchedSince = prev.found
	}
	next.found, next.complete = out, true
	c.graphMu.Lock()
	if c.graph == g {
		c.graphFindings[key] = graphFound{found: out, files: ws.state()}
		if c.compFindings == nil {
			c.compFindings = map[string]*componentFindings{}
		}
		c.compFindings[key] = next
	}
	c.graphMu.Unlock()
	return out, touched, touchedSince, nil
}

// graphFound are the graph checks' findings of one graph, with the files
// of the state they were found in.
type graphFound struct {
	found []Finding
	files fileState
}

// changesFlake reports whether a flake.nix is among the changed files.
func changesFlake(changed map[string]bool) bool {
	for p := range changed {
		if path.Base(p) == "flake.nix" {
			return true
		}
	}
	return false
}

// workspaceChecks are the graph checks that read the workspace's files
// rather than its systems: they run once per graph, not per component.
var workspaceChecks = map[string]bool{CodePinnedSourceAbsent: true}

// componentFindings are the graph checks' findings by component (see
// componentKey), with the workspace facts they assumed.
type componentFindings struct {
	facts  *workspaceFacts
	keys   compKeys          // of the components, in the graph's order
	byComp map[int][]Finding // the findings of each, by place (none: absent)
	// unchecked are the places a stopped run did not check: no
	// component's, as if keyed "".
	unchecked map[int]bool
	// misses counts the keys find did not meet at their place; past a few
	// it looks them up in at, built then.
	misses atomic.Int32
	atOnce sync.Once
	at     map[string]int
	whole  []Finding // the workspace checks' findings
	found  []Finding // all of them, as returned
	// complete is false for the components a stopped run checked: no
	// comparison with them says what changed since the last finished run.
	complete bool
}

// compKeys are the keys of the components a run checks, in order: a
// compSet's, or a list's, and last the key of the systems of other
// classes when there are any.
type compKeys struct {
	cs       *compSet
	list     []string // when cs is nil
	extra    string
	hasExtra bool
}

func (k compKeys) len() int {
	n := len(k.list)
	if k.cs != nil {
		n = k.cs.len()
	}
	if k.hasExtra {
		n++
	}
	return n
}

func (k compKeys) at(i int) string {
	switch {
	case k.hasExtra && i == k.len()-1:
		return k.extra
	case k.cs != nil:
		return k.cs.key(i)
	}
	return k.list[i]
}

// key returns the key of the component at i, "" if it was not checked.
func (cf *componentFindings) key(i int) string {
	if cf.unchecked[i] {
		return ""
	}
	return cf.keys.at(i)
}

// derivedTo reports whether the components keyed by keys are those these
// findings are of, but for those at keys' compSet's changed places (and
// the systems of other classes), at the same places: a set derived from
// this one's after an edit (compSet.replaced).
func (cf *componentFindings) derivedTo(keys compKeys) bool {
	return cf != nil && cf.complete && cf.unchecked == nil && keys.cs != nil && cf.keys.cs != nil &&
		keys.cs.parent == cf.keys.cs.id && keys.hasExtra == cf.keys.hasExtra
}

// find returns the place of the component keyed k, which the components
// of a graph derived from the one these findings are of have at i: after
// an edit the components are the last ones, but for those it changed,
// whose keys are new. A few misses are looked for one by one (a walk over
// the keys, no map built per keystroke); past them, in a map.
func (cf *componentFindings) find(i int, k string) (int, bool) {
	if k == "" {
		return 0, false
	}
	n := cf.keys.len()
	if i < n && cf.key(i) == k {
		return i, true
	}
	if cf.misses.Add(1) <= findWalks {
		for j := range n {
			if cf.key(j) == k {
				return j, true
			}
		}
		return -1, false
	}
	cf.atOnce.Do(func() {
		cf.at = make(map[string]int, n)
		for j := range n {
			if k := cf.key(j); k != "" {
				cf.at[k] = j
			}
		}
	})
	j, ok := cf.at[k]
	return j, ok
}

// findWalks is how many misses find looks for by walking the keys.
const findWalks = 16

// components splits systems into groups that share no file (nor a parent):
// the checks find nothing across two such groups, since every place they
// report on, and every group of systems they name together, is in a file
// the systems read. Groups and their systems keep the order of systems.
func components(systems []*System) [][]*System {
	parent := make([]int, len(systems))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		if ra, rb := find(a), find(b); ra != rb {
			if ra < rb {
				parent[rb] = ra
			} else {
				parent[ra] = rb
			}
		}
	}
	owner := make(map[string]int, len(systems))
	index := make(map[*System]int, len(systems))
	for i, s := range systems {
		index[s] = i
	}
	claim := func(i int, file string) {
		if j, ok := owner[file]; ok {
			union(i, j)
		} else {
			owner[file] = i
		}
	}
	for i, s := range systems {
		// Each file once, from the set a system keeps from graph to graph:
		// its elements and definitions name the same few files many times.
		for f := range claims(s) {
			claim(i, f)
		}
		if s.Parent != nil {
			if j, ok := index[s.Parent]; ok {
				union(i, j)
			}
		}
	}
	var out [][]*System
	at := map[int]int{}
	for i, s := range systems {
		r := find(i)
		k, ok := at[r]
		if !ok {
			k = len(out)
			at[r] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], s)
	}
	return out
}

// eachClaim calls fn with each file that puts s in a component with the
// other systems that claim it (fn may see a file more than once).
func eachClaim(s *System, fn func(file string)) {
	fn(s.File)
	for f := range s.visited {
		fn(f)
	}
	for _, h := range s.UnknownAt {
		fn(h.File)
	}
	// Where the checks report: the elements and definitions, and the
	// places that brought them in, each hop of the chains they share once.
	seen := map[*hopLink]bool{}
	for _, e := range s.Elems {
		fn(e.File)
		for h := range e.Via.upOnce(seen) {
			fn(h.File)
		}
	}
	for _, d := range s.Defs {
		fn(d.File)
		for h := range d.Via.upOnce(seen) {
			fn(h.File)
		}
	}
}

// claims returns the files eachClaim names for s, as a set (shared: do
// not modify it). A graph compares a rescanned system's claims with those
// of the one it replaces, which the last graph found as new.
func claims(s *System) map[string]bool {
	s.claimsOnce.Do(func() {
		s.claimed = make(map[string]bool, len(s.visited)+1) // most of the files it names
		eachClaim(s, func(file string) { s.claimed[file] = true })
	})
	return s.claimed
}

// othersKey is the key of the systems of other classes (Cache.graphFindingsFor),
// made again only when they change: every home-manager and nix-darwin
// configuration of a large workspace, whose key was a string of every
// one's number on every keystroke.
func (c *Cache) othersKey(others []*System) string {
	c.othersMu.Lock()
	defer c.othersMu.Unlock()
	if !slices.Equal(others, c.lastOthers) {
		c.lastOthers, c.lastOthersKey = others, "others:"+componentKey(others)
	}
	return c.lastOthersKey
}

// componentKey identifies a component by its systems' numbers: a system
// kept from one graph to the next is the same value, so a component of kept
// systems has the key it had, and a new system has a number never used.
func componentKey(comp []*System) string {
	// Every component's key is made on every run: formatting addresses
	// was a third of what a keystroke cost the graph checks in a workspace
	// of many systems.
	b := make([]byte, 0, 8*len(comp))
	for _, s := range comp {
		b = strconv.AppendUint(b, s.id, 36)
		b = append(b, ',')
	}
	return string(b)
}

// workspaceFacts are what graph checks read of the whole workspace rather
// than of their systems: the options its own modules declare, and whether
// it names home-manager modules of other flakes. Each is found at most once
// per run of the graph checks, from the per-file results of the files that
// may hold it, and only when a check asks.
type workspaceFacts struct {
	ws    *Workspace
	g     *graph
	memos *memoSet

	foreignHome bool

	prefixesOnce sync.Once
	prefixes     [][]string
	prefixesDone atomic.Bool
	declOnce     sync.Once
	decl         [][]string
	declDone     atomic.Bool
}

// declsOf returns the option paths the file at p declares, found once per
// version.
func (wf *workspaceFacts) declsOf(p string) [][]string {
	m := wf.memos.get(p)
	if m == nil {
		return optionDeclarations(wf.ws.File(p))
	}
	m.declOnce.Do(func() { m.decls = optionDeclarations(wf.ws.File(p)) })
	return m.decls
}

func (wf *workspaceFacts) declaredPrefixes() [][]string {
	wf.prefixesOnce.Do(func() {
		for _, p := range wf.g.idx.microvmFiles {
			for _, d := range wf.declsOf(p) {
				if d[0] == "microvm" {
					wf.prefixes = append(wf.prefixes, d)
				}
			}
		}
		wf.prefixesDone.Store(true)
	})
	return wf.prefixes
}

func (wf *workspaceFacts) declaredOptionPaths() [][]string {
	wf.declOnce.Do(func() {
		for _, p := range wf.g.idx.declFiles {
			wf.decl = append(wf.decl, wf.declsOf(p)...)
		}
		wf.declDone.Store(true)
	})
	return wf.decl
}

// holds reports whether the facts an earlier run found are the same in
// this one; those it did not look for no check read. The facts found are
// carried on, so that findings kept over several runs stay checked.
func (wf *workspaceFacts) holds(old *workspaceFacts) bool {
	if old.foreignHome != wf.foreignHome {
		return false
	}
	if wf.sameDeclarations(old) {
		if old.prefixesDone.Load() {
			wf.prefixesOnce.Do(func() { wf.prefixes = old.prefixes; wf.prefixesDone.Store(true) })
		}
		if old.declDone.Load() {
			wf.declOnce.Do(func() { wf.decl = old.decl; wf.declDone.Store(true) })
		}
		return true
	}
	if old.prefixesDone.Load() && !equalPaths(old.prefixes, wf.declaredPrefixes()) {
		return false
	}
	if old.declDone.Load() && !equalPaths(old.decl, wf.declaredOptionPaths()) {
		return false
	}
	return true
}

// sameDeclarations reports, without listing them, whether the options the
// workspace's modules declare are those old's run found: both runs read
// the same lists of files that may declare options, their memos share a
// base, and each of those files whose memo differs declares the same
// paths in both. Typing changes a file or two: this spares going over
// every declaration of the workspace per keystroke.
func (wf *workspaceFacts) sameDeclarations(old *workspaceFacts) bool {
	a, b := old.memos, wf.memos
	if a == nil || b == nil || old.g == nil || wf.g == nil ||
		reflect.ValueOf(a.base).UnsafePointer() != reflect.ValueOf(b.base).UnsafePointer() ||
		!sameList(old.g.idx.declFiles, wf.g.idx.declFiles) || !sameList(old.g.idx.microvmFiles, wf.g.idx.microvmFiles) {
		return false
	}
	read := func(p string) bool {
		_, decl := slices.BinarySearch(wf.g.idx.declFiles, p)
		_, mv := slices.BinarySearch(wf.g.idx.microvmFiles, p)
		return decl || mv
	}
	moved := func(p string) bool {
		om, nm := a.get(p), b.get(p)
		if om == nm || !read(p) {
			return false
		}
		return om == nil || nm == nil || !equalPaths(old.declsOf(p), wf.declsOf(p))
	}
	for p := range a.over {
		if moved(p) {
			return false
		}
	}
	for p := range b.over {
		if _, ok := a.over[p]; !ok && moved(p) {
			return false
		}
	}
	return true
}

// sameList reports whether two lists are the same slice.
func sameList(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// equalPaths reports whether two lists of option paths are equal.
func equalPaths(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}
