package analysis

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"

	"github.com/microvm-lsp/microvm-lsp/microvm"
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
	mu        sync.Mutex
	files     map[*nixast.File]*fileMemo
	checkSets map[string]*checkSet // the sets of checks run on files (checkSetOf)

	// The counts of uses and bindings of each large file's last resolved
	// version (resolveSized).
	sizesMu    sync.Mutex
	scopeSizes map[string][2]int

	// The systems of other classes of the last graph checks, and their
	// key (othersKey).
	othersMu      sync.Mutex
	lastOthers    []*System
	lastOthersKey string

	// The answer of the last Systems call, and the graph and infoKey it
	// is for (Cache.systemsOf).
	infoMu    sync.Mutex
	infoGraph weak.Pointer[graph]
	infosKey  infoKey
	infos     []*SystemInfo

	// The last module graph, the files it was built from and the findings
	// of the graph checks (by the set of disabled codes). An edit to a file
	// that the graph did not read, and that declares no system, leaves all
	// of them as they were.
	graphMu       sync.Mutex
	graph         *graph
	graphFiles    fileState
	graphSources  *Sources // the input sources the graph was built with
	graphRootish  rootish  // files that declared systems or named a configuration.nix
	graphFindings map[string]graphFound
	compFindings  map[string]*componentFindings // by the same key: the graph checks' findings by component
	// stopped is the last build stopped before it finished (a newer state
	// or a cancelled request), whose whole roots a later build takes over.
	stopped *stoppedGraph

	// trees are the trees of summaries parsed again, while a root's scan
	// reads them.
	trees treeStore

	// The state the next one is derived from: an edit changes a file or
	// two of thousands, and the work of a keystroke must not depend on the
	// size of the workspace. lastMemos holds the memos of the state last
	// looked up, lastResult the last analysis; diffs the last comparisons
	// of two states' files.
	lastMu     sync.Mutex
	lastMemos  *memoState
	lastResult *analysed
	diffs      [4]fileDiff
	swept      *byte         // the readsID of the graph of the last sweep of trees
	sweptStop  *stoppedGraph // the stopped build whose trees it kept
	sweptTrees int           // and how many trees it left
	sweptRead  int           // and how many files the roots read

	// oneComponent runs the graph checks on all systems at once: what the
	// checks find per component must equal it (derive_test.go).
	oneComponent bool
}

// memoState is the memos of one state's files.
type memoState struct {
	files fileState
	memos *memoSet
}

// memoSet holds the per-file memos of one workspace state: those of a base
// state, and those of the files changed since. A keystroke then makes a map
// of the few files it changed, not a copy of one entry per file.
type memoSet struct {
	base, over map[string]*fileMemo
}

// maxOver is how many changed files a memoSet or a Findings holds beside
// its base before a new base is made.
const maxOver = 256

// get returns the memo of the file at p, nil if there is none.
func (ms *memoSet) get(p string) *fileMemo {
	if ms == nil {
		return nil
	}
	if m, ok := ms.over[p]; ok {
		return m
	}
	return ms.base[p]
}

// memoSetOf returns the memos of the workspace's files, each scanned,
// without a Cache.
func memoSetOf(ws *Workspace) *memoSet {
	ms := &memoSet{base: make(map[string]*fileMemo, ws.Len())}
	for p, f := range ws.All() {
		m := &fileMemo{path: p}
		m.scan(f)
		ms.base[p] = m
	}
	return ms
}

// Derivation is how a workspace's files differ from those of an earlier
// state, From: the files at the paths in Changed differ, came or went; no
// other does. It spares the analysis a comparison of every file after an
// edit.
type Derivation struct {
	From    map[string]*nixast.File
	Changed []string
}

// fileDiff is the comparison of two states' files: the paths whose file
// differs, and whether both have the same paths. The maps of both states
// are held as pointers so that no address is reused while the entry may be
// looked up.
type fileDiff struct {
	old, new  stateKey
	changed   map[string]bool
	samePaths bool
}

func mapPointer(m map[string]*nixast.File) unsafe.Pointer { return reflect.ValueOf(m).UnsafePointer() }

// stateKey identifies a state's files by the addresses of its maps.
type stateKey [2]unsafe.Pointer

func (st fileState) key() stateKey { return stateKey{mapPointer(st.files), mapPointer(st.open)} }

// diff compares the files of an earlier state with those of ws. A state
// derived from the other by an edit shares its Files: then only the two
// Open maps are compared. Otherwise the memos, the analysis and the module
// graph of one state ask for the same comparison: the last few are kept.
// When ws is given as one map derived from a state that is not old, but
// whose comparison with old is kept (an analysis of it was stopped before
// it finished), the two are composed: a run after stopped ones still
// compares only the files changed since the last one that finished.
func (c *Cache) diff(old fileState, ws *Workspace) (changed map[string]bool, samePaths bool) {
	nw := ws.state()
	if mapPointer(old.files) == mapPointer(nw.files) {
		changed, samePaths = map[string]bool{}, true
		note := func(p string) {
			if o, n := old.at(p), nw.at(p); o != n {
				changed[p] = true
				if (o == nil) != (n == nil) {
					samePaths = false
				}
			}
		}
		for p := range old.open {
			note(p)
		}
		for p := range nw.open {
			if _, ok := old.open[p]; !ok {
				note(p)
			}
		}
		return changed, samePaths
	}
	op, np := old.key(), nw.key()
	if d, ok := c.keptDiff(op, np); ok {
		return d.changed, d.samePaths
	}
	var via fileDiff
	derived := false
	if d := ws.Derived; d != nil && nw.open == nil {
		fp := fileState{files: d.From}.key()
		if fp == op {
			derived = true
		} else {
			via, derived = c.keptDiff(op, fp)
		}
	}
	if derived {
		// Only the paths changed on the way can differ.
		changed, samePaths = map[string]bool{}, true
		check := func(p string) {
			o, n := old.at(p), nw.at(p)
			if o != n {
				changed[p] = true
			}
			if (o == nil) != (n == nil) {
				samePaths = false
			}
		}
		for _, p := range ws.Derived.Changed {
			check(p)
		}
		for p := range via.changed {
			check(p)
		}
	} else {
		fullDiffs.Add(1)
		changed, samePaths = diffFiles(old, nw)
	}
	c.lastMu.Lock()
	copy(c.diffs[1:], c.diffs[:len(c.diffs)-1])
	c.diffs[0] = fileDiff{old: op, new: np, changed: changed, samePaths: samePaths}
	c.lastMu.Unlock()
	return changed, samePaths
}

// keptDiff returns the kept comparison of the states whose files are at
// old and new.
func (c *Cache) keptDiff(old, new stateKey) (fileDiff, bool) {
	c.lastMu.Lock()
	defer c.lastMu.Unlock()
	for _, d := range c.diffs {
		if d.old == old && d.new == new && d.changed != nil {
			return d, true
		}
	}
	return fileDiff{}, false
}

// fullDiffs counts the comparisons of every file of two states.
var fullDiffs atomic.Int64

// WholeComparisons returns how many times since the process started the
// files of two states were compared one by one, every file of the
// workspace, rather than by what changed between them. The server's debug
// statistics report it: typing must compare the open documents alone.
func WholeComparisons() int64 { return fullDiffs.Load() }

// diffFiles compares two states' files one by one.
func diffFiles(old, new fileState) (changed map[string]bool, samePaths bool) {
	changed = map[string]bool{}
	samePaths = FileCount(old.files, old.open) == FileCount(new.files, new.open)
	for p, f := range AllFiles(new.files, new.open) {
		o := old.at(p)
		if o == nil {
			samePaths = false
			changed[p] = true
		} else if o != f {
			changed[p] = true
		}
	}
	if !samePaths {
		for p := range AllFiles(old.files, old.open) {
			if new.at(p) == nil {
				changed[p] = true
			}
		}
	}
	return changed, samePaths
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{files: map[*nixast.File]*fileMemo{}} }

type fileMemo struct {
	path string
	// ran are the per-file checks run on this version, found the findings
	// of those that found any (nil: none, as in most files); under Cache.mu.
	ran      *checkSet
	found    map[string][]Finding
	scopesMu sync.Mutex
	scopes   *scope.Scopes    // kept with the version: editor features read it too
	ignores  map[int][]string // line → codes ignored there (empty: all codes)
	// badIgnores are findings on codes of suppression comments that no
	// check reports.
	badIgnores []Finding
	hasRoots   bool // may declare systems (mentions nixosSystem or nixosConfigurations)
	microvm    bool // mentions microvm: may set microvm.* options
	declares   bool // mentions lib's option makers: may declare options
	// foreignHome names home-manager modules of other flakes
	// (foreignHomeModules)
	foreignHome bool
	relPaths    []string // relative paths to a configuration.nix: is that file imported
	// decls are the option paths the file declares (optionDeclarations),
	// found once per version.
	declOnce sync.Once
	decls    [][]string
	scanOnce sync.Once
	scanned  atomic.Bool   // scan has run (several analyses may ask at once)
	needles  sourceNeedles // what the scan found in the source; read once scanned is set
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
// fresh is false when nothing was scanned again. A build that ctx cancels
// does not become the last graph; its whole roots are kept for the next
// build to take over (stoppedGraph).
func (c *Cache) graphFor(ctx context.Context, ws *Workspace, memos *memoSet) (g *graph, fresh bool, err error) {
	c.graphMu.Lock()
	defer c.graphMu.Unlock()
	if c.graph != nil && c.graphSources == ws.Sources { // other input sources: other closures
		if changed, ok := c.incrementalChanges(ws, memos); ok {
			if len(changed) == 0 {
				return c.graph, false, nil
			}
			g, err = rebuildGraph(ctx, ws, memos, c.graph, changed, c.stoppedFor(ws, memos))
			if err != nil {
				c.stopped = newStoppedGraph(g, ws, memos)
				return nil, false, err
			}
			c.setGraph(g, ws, memos, changed)
			if g.rescanned == 0 {
				// Same systems: the graph's findings still hold.
				return g, false, nil
			}
			c.graphFindings = map[string]graphFound{}
			return g, true, nil
		}
	}
	g, err = rebuildGraph(ctx, ws, memos, nil, nil, c.stoppedFor(ws, memos))
	if err != nil {
		c.stopped = newStoppedGraph(g, ws, memos)
		return nil, false, err
	}
	c.setGraph(g, ws, memos, nil)
	c.graphFindings = map[string]graphFound{}
	return g, true, nil
}

// stoppedGraph is a build that was stopped: its roots, the state it was
// built for, and which of that state's files were rootish.
type stoppedGraph struct {
	g       *graph
	files   fileState
	sources *Sources
	rootish rootish
}

func newStoppedGraph(g *graph, ws *Workspace, memos *memoSet) *stoppedGraph {
	return &stoppedGraph{g: g, files: ws.state(), sources: ws.Sources, rootish: rootishOf(g, memos)}
}

// rootish are the files that decide which roots a graph has: those that
// declare systems, and those that name a configuration.nix by a relative
// path (which is then no root of its own), with the paths they named.
type rootish struct {
	roots map[string]bool
	rel   map[string][]string
}

// rootishOf returns the rootish files of g, built with memos.
func rootishOf(g *graph, memos *memoSet) rootish {
	r := rootish{roots: make(map[string]bool, len(g.idx.rootFiles)), rel: make(map[string][]string, len(g.idx.relFiles))}
	for _, p := range g.idx.rootFiles {
		r.roots[p] = true
	}
	for _, p := range g.idx.relFiles {
		r.rel[p] = slices.Clone(memos.get(p).relPaths)
	}
	return r
}

// keeps reports whether a file p, now with memo m, leaves the roots as
// they were: it declares systems after the change if it did before, and
// names the same configuration.nix files (typed around, not changed).
// Which systems a root declares its rescan finds.
func (r rootish) keeps(p string, m *fileMemo) bool {
	return m.hasRoots == r.roots[p] && slices.Equal(m.relPaths, r.rel[p])
}

// stoppedGraph returns the graph of the stopped build, nil if there is
// none. Under graphMu.
func (c *Cache) stoppedGraph() *graph {
	if c.stopped == nil {
		return nil
	}
	return c.stopped.g
}

// stoppedFor returns the stopped build whose roots a build of ws may take
// over, with the files changed since, on the terms of a rebuild from the
// last graph (incrementalChanges); nil when there is none.
func (c *Cache) stoppedFor(ws *Workspace, memos *memoSet) *stoppedBuild {
	st := c.stopped
	if st == nil || st.sources != ws.Sources {
		return nil
	}
	changed, same := c.diff(st.files, ws)
	if !same {
		return nil
	}
	for p := range changed {
		if !st.rootish.keeps(p, memos.get(p)) {
			return nil
		}
	}
	return &stoppedBuild{g: st.g, changed: changed}
}

// setGraph makes g the last graph; changed are the files changed since the
// last one (nil: g was built afresh).
func (c *Cache) setGraph(g *graph, ws *Workspace, memos *memoSet, changed map[string]bool) {
	c.graph, c.graphFiles, c.graphSources = g, ws.state(), ws.Sources
	c.stopped = nil
	if changed != nil {
		// A rebuild happens only when the changed files keep the roots
		// (rootish.keeps): the last full build's rootish files still hold.
		return
	}
	c.graphRootish = rootishOf(g, memos)
}

// incrementalChanges returns the files changed since the last graph, and
// false when the change can alter which roots there are: files came or
// went (paths resolve differently), or a changed file starts or stops
// declaring systems, or now names other configuration.nix files than
// before (rootish.keeps). A configuration.nix is a root of its own unless
// another file names it or a system reads it, which its own text does not
// decide: typing in it, or in a file that imports one, rescans the roots
// that read it, as in any module; typing in a flake.nix rescans its roots.
func (c *Cache) incrementalChanges(ws *Workspace, memos *memoSet) (map[string]bool, bool) {
	changed, same := c.diff(c.graphFiles, ws)
	if !same {
		return nil, false
	}
	for p := range changed {
		if !c.graphRootish.keeps(p, memos.get(p)) {
			return nil, false
		}
	}
	return changed, true
}

// Systems returns every system of the workspace with its role, reusing the
// module graph of the last analysis when it still holds.
func (c *Cache) Systems(ws *Workspace) []*SystemInfo {
	out, _ := c.SystemsContext(context.Background(), ws)
	return out
}

// SystemsContext is Systems for a caller that may stop waiting: it returns
// ctx's error, and keeps nothing of the work, once ctx is done.
func (c *Cache) SystemsContext(ctx context.Context, ws *Workspace) ([]*SystemInfo, error) {
	ws = c.bind(ws)
	memos, err := c.memos(ctx, ws)
	if err != nil {
		return nil, err
	}
	g, _, err := c.graphFor(ctx, ws, memos)
	if err != nil {
		return nil, err
	}
	return c.systemsOf(g, ws), nil
}

// infoKey is what a system's info reads beyond the system and the files
// its root read (systemInfo).
type infoKey struct {
	microvm *microvm.Facts
	folders *microvm.Folders
	sources *Sources
	root    string
}

// keyedInfo is a system's info and the infoKey it was made with.
type keyedInfo struct {
	key infoKey
	si  *SystemInfo
}

// systemsOf is systemsOf with each system's info kept with the system: a
// system is kept only while its root read no changed file, so its info is
// the same. Typing in one module then describes the systems that read it,
// not every system of the workspace; and a graph asked again (every
// request after a keystroke) gets the same answer, made once.
func (c *Cache) systemsOf(g *graph, ws *Workspace) []*SystemInfo {
	key := infoKey{ws.Microvm, ws.MicrovmFolders, ws.Sources, ws.Root}
	c.infoMu.Lock()
	if c.infoGraph.Value() == g && c.infosKey == key {
		out := c.infos
		c.infoMu.Unlock()
		return out
	}
	c.infoMu.Unlock()
	out := systemsWith(g, func(s *System) *SystemInfo {
		if e := s.info.Load(); e != nil && e.key == key {
			return e.si
		}
		info := systemInfo(g, s, ws)
		s.info.Store(&keyedInfo{key, &info})
		return &info
	})
	c.infoMu.Lock()
	c.infoGraph, c.infosKey, c.infos = weak.Make(g), key, out
	c.infoMu.Unlock()
	return out
}

// memos returns the per-file memos of ws, scanning new files on every core.
// A state with the same paths as the last one looked up gets that state's
// memos with those of its changed files laid over them. When ctx ends
// during the scans, the memos scanned are kept (a memo is scanned whole or
// not at all) and the state is not recorded as the last one.
func (c *Cache) memos(ctx context.Context, ws *Workspace) (*memoSet, error) {
	c.lastMu.Lock()
	last := c.lastMemos
	c.lastMu.Unlock()
	if last != nil {
		changed, samePaths := c.diff(last.files, ws)
		if samePaths && len(changed) == 0 {
			return last.memos, nil
		}
		if samePaths && len(last.memos.over)+len(changed) <= maxOver {
			over := make(map[string]*fileMemo, len(last.memos.over)+len(changed))
			for p, m := range last.memos.over {
				if !changed[p] {
					over[p] = m
				}
			}
			for p := range changed {
				f := ws.At(p)
				m := c.memo(p, f)
				var prev *fileMemo
				var prevSrc []byte
				if old := last.files.at(p); old != nil {
					c.mu.Lock()
					prev, prevSrc = c.files[old], old.Src
					c.mu.Unlock()
				}
				m.scanOnce.Do(func() { m.scanAfter(f, prev, prevSrc) })
				over[p] = m
				// The replaced version's memo goes with it (an older state
				// that asks again gets a new one, pruned later).
				if old := last.files.at(p); old != nil {
					c.mu.Lock()
					if om := c.files[old]; om != nil && om != m {
						delete(c.files, old)
					}
					c.mu.Unlock()
				}
			}
			ms := &memoSet{base: last.memos.base, over: over}
			c.lastMu.Lock()
			c.lastMemos = &memoState{files: ws.state(), memos: ms}
			c.lastMu.Unlock()
			return ms, nil
		}
	}
	base := make(map[string]*fileMemo, ws.Len())
	var fresh []*fileMemo
	for path, f := range ws.All() {
		m := c.memo(path, f)
		base[path] = m
		if !m.scanned.Load() {
			fresh = append(fresh, m)
		}
	}
	c.prune(base)
	parallel(len(fresh), func(i int) {
		if ctx.Err() == nil {
			fresh[i].scanOnce.Do(func() { fresh[i].scan(ws.At(fresh[i].path)) })
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ms := &memoSet{base: base}
	c.lastMu.Lock()
	c.lastMemos = &memoState{files: ws.state(), memos: ms}
	c.lastMu.Unlock()
	return ms, nil
}

// prune forgets the memos of files that are not those of base (a state's
// memos, by path): each keeps its file's tree, and a closed document that
// is not on disk (a 4 MB one: 140 MB of tree) stayed in memory while the
// memos of fewer than 256 files that had gone kept it company. Memos of
// versions an older state asks for again are made again. It runs after a
// walk of every file of a state: when its paths changed, or many of its
// files did (memos of edited versions otherwise go as they are replaced).
func (c *Cache) prune(base map[string]*fileMemo) {
	c.sizesMu.Lock()
	for p := range c.scopeSizes {
		if base[p] == nil {
			delete(c.scopeSizes, p) // a few large files: looked up, not walked
		}
	}
	c.sizesMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for f, m := range c.files {
		if base[m.path] != m {
			delete(c.files, f)
		}
	}
}

// scan fills the cheap per-file facts read from the tokens and the tree.
func (m *fileMemo) scan(f *nixast.File) { m.scanAfter(f, nil, nil) }

// tokenBufs hold the token slices scanAfter reads once: indexing scans the
// tokens of thousands of files.
var tokenBufs = sync.Pool{New: func() any { return new([]nixast.Token) }}

// scanAfter is scan for a new version of the file whose last version had
// the source prevSrc and the memo prev (nil: none scanned): when neither
// version names a word the scan looks for where they differ, the words
// found are the last version's. Typing in a large file then searches the
// few bytes around the edit, not the whole file.
func (m *fileMemo) scanAfter(f *nixast.File, prev *fileMemo, prevSrc []byte) {
	defer m.scanned.Store(true)
	// What the scan looks for is spelled out in the source: most files
	// mention none of it, and searching their bytes costs a fraction of
	// rebuilding their tokens.
	var n sourceNeedles
	if prev != nil && prev.scanned.Load() && !prev.needles.tokens && sameNeedles(prevSrc, f.Src) {
		n = prev.needles
	} else {
		n = findNeedles(f.Src)
	}
	m.needles = n
	m.microvm, m.declares, m.foreignHome = n.microvm, n.declares, n.foreignHome
	if !n.tokens {
		return
	}
	buf := tokenBufs.Get().(*[]nixast.Token)
	toks := f.AppendTokens(*buf)
	defer func() {
		*buf = toks[:0]
		tokenBufs.Put(buf)
	}()
	for i, t := range toks {
		switch t.Kind {
		case nixast.IDENT:
			if t.End()-t.Pos() >= len("clan") && rootIdents[string(f.Src[t.Pos():t.End()])] {
				m.hasRoots = true
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

// runPerFile runs the per-file checks on the files at paths whose findings
// of some of them are not kept from an earlier call, files on every core,
// and keeps their findings in the files' memos. The facts the checks
// require are computed once per file, for the checks that run on it.
//
// A file's findings are kept once all its checks ran: when ctx ends, the
// files not started are left for the next call, and ctx's error returned.
func (c *Cache) runPerFile(ctx context.Context, checks []*Analyzer, ws *Workspace, memos *memoSet, paths []string) error {
	type job struct {
		path string
		m    *fileMemo
		todo []*Analyzer
	}
	var jobs []job
	c.mu.Lock()
	for _, path := range paths {
		m := memos.get(path)
		if m == nil {
			continue
		}
		var todo []*Analyzer
		for _, a := range checks {
			if !m.ran.has(a.Name) {
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
	concurrent := len(jobs) < 2*cores
	parallel(len(jobs), func(i int) {
		if ctx.Err() == nil {
			c.runFileChecks(jobs[i].path, jobs[i].m, jobs[i].todo, ws, concurrent, !IsSummary(ws.At(jobs[i].path)))
		}
	})
	return ctx.Err()
}

// scratches lend resolutions whose names nothing keeps their memory.
var scratches = sync.Pool{New: func() any { return new(scope.Scratch) }}

// runFileChecks runs checks on the file at p and keeps their findings in
// its memo m; concurrent runs each check on a goroutine of its own.
// keepNames says whether the memo keeps the file's names. A summary's
// does not (they would keep its tree alive), nor does that of a file
// Prepare makes one: its names are resolved in a scratch's memory, which
// the next file's reuse.
func (c *Cache) runFileChecks(p string, m *fileMemo, checks []*Analyzer, ws *Workspace, concurrent, keepNames bool) {
	f := ws.File(p)
	names := func() *scope.Scopes { return m.resolve(c, f) }
	var scratch *scope.Scratch
	if !keepNames {
		names = sync.OnceValue(func() *scope.Scopes {
			scratch = scratches.Get().(*scope.Scratch)
			return scope.ResolveInto(f, scratch)
		})
	}
	facts := newFileFacts(factOrder(checks), p, f, names)
	found := make([][]Finding, len(checks))
	passes := make([]FilePass, len(checks)) // one allocation for the file, not one per check
	run := func(k int) {
		a := checks[k]
		fp := &passes[k]
		*fp = FilePass{Analyzer: a, Path: p, File: f, ResultOf: facts.resultsFor(a), names: names, badIgnores: m.badIgnores}
		a.RunFile(fp)
		found[k] = fp.findings
	}
	if concurrent {
		// On every core, each goroutine taking the next check: a long
		// one (names in a large file) keeps one core, the others the rest.
		onGoroutines(min(cores, len(checks)), len(checks), run)
	} else {
		for k := range checks {
			run(k)
		}
	}
	if scratch != nil {
		// Findings copy what they say of names: none holds the scratch's.
		scratch.Reset()
		scratches.Put(scratch)
	}
	c.mu.Lock()
	ran := make([]string, 0, len(checks)+m.ran.len())
	for k, a := range checks {
		ran = append(ran, a.Name)
		if len(found[k]) == 0 {
			continue
		}
		if m.found == nil {
			m.found = map[string][]Finding{}
		}
		m.found[a.Name] = found[k]
	}
	m.ran = c.checkSetOf(append(ran, m.ran.list()...))
	c.mu.Unlock()
}

// checkSet is a set of per-file checks that ran on a file version. Almost
// every file runs the same checks, so the sets are shared (Cache.checkSetOf):
// in a workspace of 39,000 files a map of its own per file held 14 MB and
// tens of thousands of objects for the collector to mark.
type checkSet struct {
	names map[string]bool
}

func (s *checkSet) has(name string) bool { return s != nil && s.names[name] }

func (s *checkSet) len() int {
	if s == nil {
		return 0
	}
	return len(s.names)
}

// list returns the names of the set, in no order.
func (s *checkSet) list() []string {
	if s == nil {
		return nil
	}
	return slices.Collect(maps.Keys(s.names))
}

// checkSetOf returns the shared set of names. Under c.mu.
func (c *Cache) checkSetOf(names []string) *checkSet {
	slices.Sort(names)
	names = slices.Compact(names)
	// The key is made on the stack, and a string of it only for a new set:
	// every file of a workspace asks once.
	var buf [1024]byte
	key := appendKey(buf[:0], names)
	if s := c.checkSets[string(key)]; s != nil {
		return s
	}
	s := &checkSet{names: map[string]bool{}}
	for _, n := range names {
		s.names[n] = true
	}
	if c.checkSets == nil {
		c.checkSets = map[string]*checkSet{}
	}
	c.checkSets[string(key)] = s
	return s
}

// sweepTrees drops the trees of summaries that no root of the module graph
// (or of a stopped build, which the next build takes over) reads: what a
// check or a feature parsed again for itself. Nothing to do when the graph
// and the number of trees are those of the last sweep.
func (c *Cache) sweepTrees() {
	c.graphMu.Lock()
	defer c.graphMu.Unlock()
	if n := c.trees.count(); c.graph != nil && c.graph.readsID == c.swept && c.stopped == c.sweptStop && n == c.sweptTrees {
		return
	}
	defer func() {
		c.swept, c.sweptStop, c.sweptTrees = nil, c.stopped, c.trees.count()
		if c.graph != nil {
			c.swept = c.graph.readsID
		}
	}()
	read := make(map[string]bool, c.sweptRead) // room for the last sweep's
	defer func() { c.sweptRead = len(read) }()
	for _, g := range []*graph{c.graph, c.stoppedGraph()} {
		if g == nil {
			continue
		}
		g.eachScan(func(_ string, rs *rootScan) {
			for p := range rs.reads {
				read[p] = true
			}
		})
	}
	c.trees.sweep(func(p string) bool { return read[p] })
}
