package server

import (
	"context"
	"errors"
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
	index uint64 // the workspace index' version it was taken from
	// files are those read from disk, shared by the snapshots of one
	// state of the index; open holds the open documents' versions, laid
	// over them (analysis.Workspace's Files and Open).
	files, open map[string]*nixast.File
	ws          *analysis.Workspace  // files, for analysis and features; reparses summaries
	docs        map[string]*document // open documents by path: versions and URIs
	cfg         analysis.Config
	scope       diagnosticsScope
	enc         positionEncoding
	// docsLink is the base of diagnostics' codeDescription links
	// (settings.docsLink), or "" for none.
	docsLink string
}

// snapshotCache holds the snapshot of the newest state: every request and
// analysis of one state shares it, so that the open documents are parsed
// once per change, not once per request, and the index copied once per
// change of the index.
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
	exclude := s.excluder()
	s.mu.Lock()
	cfg, enc, docsLink, scope := s.cfg, s.enc, s.docsLink, s.scope
	s.mu.Unlock()
	var files map[string]*nixast.File
	var version uint64
	if prev := s.snaps.last; prev != nil && prev.index == s.index.currentVersion() && sameDocs(prev, docs, exclude) {
		// Typing: the index is as the last snapshot saw it and the same
		// documents are open. The snapshot shares its files: the
		// analysis compares the open documents alone, and a keystroke
		// costs no copy of an entry per file of the workspace.
		files, version = prev.files, prev.index
	} else {
		files, version = s.index.copyFilesVersion()
		for p := range docs {
			delete(files, p) // the editor's text is the truth
		}
	}
	open := make(map[string]*nixast.File, len(docs))
	for p, d := range docs {
		if !exclude(p) {
			open[p] = d.parse()
		}
	}
	ws := s.workspaceOf(files, open)
	ws.Microvm, ws.AbsentInputs, ws.Exists = s.microvmFacts(), s.absentInputs(), existsOnDisk
	views := s.folderViews()
	ws.MicrovmFolders, ws.Options, ws.Sources = views.microvm, views.options, views.sources
	return &snapshot{gen: gen, index: version, files: files, open: open, ws: ws, docs: docs, cfg: cfg, scope: scope, enc: enc, docsLink: docsLink}
}

// at returns the file at p, nil if the snapshot has none (it may be a
// summary without a tree: see tree).
func (snap *snapshot) at(p string) *nixast.File { return analysis.FileAt(snap.files, snap.open, p) }

// sameDocs reports whether docs are the open documents of prev, each in
// its files (none excluded).
func sameDocs(prev *snapshot, docs map[string]*document, exclude func(string) bool) bool {
	if len(prev.docs) != len(docs) {
		return false
	}
	for p := range docs {
		if prev.docs[p] == nil || prev.open[p] == nil || exclude(p) {
			return false
		}
	}
	return true
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
	if f := snap.at(p); f != nil {
		return f.Lines
	}
	return nil
}

// analysisResult is the findings of one snapshot, by file.
type analysisResult struct {
	snap  *snapshot
	found *analysis.Findings
}

// of returns the findings in the file at p, sorted by position.
func (r *analysisResult) of(p string) []analysis.Finding {
	if r.snap.at(p) == nil {
		return nil // analysis reported on a file it was not given
	}
	return r.found.Of(p)
}

// analysisCache keeps the newest result: diagnostics, code actions and pull
// diagnostics of the same state share one analysis.
type analysisCache struct {
	// lock holds a token during analysis, so that it runs once per state;
	// a channel, so that a cancelled request stops waiting for it.
	lock chan struct{}
	last *analysisResult
}

// currentAnalysis returns the findings of the current state, analysing it
// unless the cached result is already current. A change that arrives
// during the analysis stops it, and the newer state is analysed instead;
// when ctx ends first, ctx's error is returned.
func (s *Server) currentAnalysis(ctx context.Context) (*analysisResult, error) {
	select {
	case s.cache.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.cache.lock }()
	for {
		if s.cache.last != nil && s.cache.last.snap.gen == s.gen.Load() {
			return s.cache.last, nil
		}
		r, err := s.analyzeCurrent(ctx)
		if err == nil {
			return r, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !errors.Is(err, errSuperseded) {
			return nil, err
		}
	}
}

// analyzeCurrent analyses the current state, unless a change supersedes
// it first (errSuperseded). Under cache.lock.
func (s *Server) analyzeCurrent(ctx context.Context) (*analysisResult, error) {
	start := time.Now()
	snap := s.snapshot()
	parsed := time.Now()
	actx, release := s.whileCurrent(ctx, snap.gen)
	found, err := s.analyze(actx, snap.ws, snap.cfg)
	stopped := superseded(actx)
	release()
	if err != nil {
		if ctx.Err() == nil && stopped {
			s.log.Debug("analysis superseded", zap.Uint64("gen", snap.gen), zap.Duration("after", time.Since(parsed)))
			return nil, errSuperseded
		}
		return nil, err
	}
	// A finished analysis is kept even when superseded meanwhile: the
	// next one's changes are relative to it.
	changed, all := found.Changed()
	if ce := s.log.Check(zap.DebugLevel, "analysed"); ce != nil {
		ce.Write(zap.Uint64("gen", snap.gen), zap.Duration("parse", parsed.Sub(start)), zap.Duration("analysis", time.Since(parsed)), zap.Int("changed", len(changed)), zap.Bool("all", all))
	}
	// Each analysis' changes are relative to the one before: the next
	// publication sends them, whichever result it publishes.
	s.diags.markDirty(changed, all)
	r := &analysisResult{snap: snap, found: found}
	s.cache.last = r
	return r, nil
}
