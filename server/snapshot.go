package server

import (
	"sort"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// snapshot is a consistent view of the workspace for one analysis: files
// from disk with open documents laid over them, and the settings. Parsed
// files are shared between snapshots; nothing in one ever changes.
type snapshot struct {
	gen   uint64 // Server.gen when the snapshot was taken
	files map[string]*nixast.File
	ws    *analysis.Workspace  // files, for analysis and features; reparses summaries
	docs  map[string]*document // open documents by path: versions and URIs
	cfg   analysis.Config
	scope diagnosticsScope
	enc   positionEncoding
	// docsLink is the base of diagnostics' codeDescription links
	// (settings.docsLink), or "" for none.
	docsLink string
}

// snapshotCache holds the snapshot of the newest state: every request and
// analysis of one state shares it, so that the index is copied and the open
// documents parsed once per change, not once per request.
type snapshotCache struct {
	mu   sync.Mutex
	last *snapshot
}

// snapshot returns the snapshot of the current state.
func (s *Server) snapshot() *snapshot {
	gen := s.gen.Load()
	s.snaps.mu.Lock()
	defer s.snaps.mu.Unlock()
	if last := s.snaps.last; last != nil && last.gen == gen {
		return last
	}
	snap := s.takeSnapshot()
	s.snaps.last = snap
	return snap
}

// takeSnapshot builds a snapshot of the current state. gen is read first: a
// change racing with the copy makes the snapshot look older than it is,
// never newer, so its results are at worst discarded (and it is not shared
// as the current one).
func (s *Server) takeSnapshot() *snapshot {
	gen := s.gen.Load()
	docs := s.docs.byPath()
	files := s.index.copyFiles()
	exclude := s.excluder()
	for p, d := range docs {
		if exclude(p) {
			delete(files, p)
			continue
		}
		files[p] = d.parse()
	}
	s.mu.Lock()
	cfg, enc, docsLink, scope := s.cfg, s.enc, s.docsLink, s.scope
	s.mu.Unlock()
	ws := s.workspaceOf(files)
	ws.Microvm, ws.AbsentInputs, ws.Exists = s.microvmFacts(), s.absentInputs(), existsOnDisk
	ws.MicrovmFolders = s.microvmFolders()
	ws.Options = s.optionFolders()
	ws.Sources = s.inputSources()
	return &snapshot{gen: gen, files: files, ws: ws, docs: docs, cfg: cfg, scope: scope, enc: enc, docsLink: docsLink}
}

// tree returns the file at p with its syntax tree (see analysis.IsSummary),
// nil if the snapshot has none.
func (snap *snapshot) tree(p string) *nixast.File { return snap.ws.Tree(p) }

// uriOf returns the URI to show the client for a path: the one it opened
// the document with, if open.
func (snap *snapshot) uriOf(p string) protocol.DocumentURI {
	if d := snap.docs[p]; d != nil {
		return d.uri
	}
	return pathToURI(p)
}

// versionOf returns the version of an open document, nil for a file that is
// not open.
func (snap *snapshot) versionOf(p string) *int32 {
	if d := snap.docs[p]; d != nil {
		v := d.version
		return &v
	}
	return nil
}

func (snap *snapshot) lines(p string) *nixast.LineIndex {
	if f := snap.files[p]; f != nil {
		return f.Lines
	}
	return nil
}

// analysisResult is the findings of one snapshot, by file.
type analysisResult struct {
	snap   *snapshot
	byPath map[string][]analysis.Finding
}

// analysisCache keeps the newest result: diagnostics, code actions and pull
// diagnostics of the same state share one analysis.
type analysisCache struct {
	mu   sync.Mutex // held during analysis, so that it runs once per state
	last *analysisResult
}

// currentAnalysis returns the findings of the current state, analysing it
// unless the cached result is already current.
func (s *Server) currentAnalysis() *analysisResult {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	if s.cache.last != nil && s.cache.last.snap.gen == s.gen.Load() {
		return s.cache.last
	}
	start := time.Now()
	snap := s.snapshot()
	parsed := time.Now()
	findings := s.analyze(snap.ws, snap.cfg)
	if ce := s.log.Check(zap.DebugLevel, "analysed"); ce != nil {
		ce.Write(zap.Uint64("gen", snap.gen), zap.Duration("parse", parsed.Sub(start)), zap.Duration("analysis", time.Since(parsed)), zap.Int("findings", len(findings)))
	}
	r := &analysisResult{snap: snap, byPath: map[string][]analysis.Finding{}}
	for _, f := range findings {
		if snap.files[f.File] == nil {
			continue // analysis reported on a file it was not given
		}
		r.byPath[f.File] = append(r.byPath[f.File], f)
	}
	for _, list := range r.byPath {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Pos < list[j].Pos })
	}
	s.cache.last = r
	return r
}
