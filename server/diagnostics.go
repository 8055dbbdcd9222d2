package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

const (
	// maxDiagnosticsPerFile keeps a broken or generated file from flooding
	// the editor; errors are kept before warnings.
	maxDiagnosticsPerFile = 200
	diagnosticSource      = "microvm-lsp"
)

// diagnosticsScope is which files get published diagnostics. A workspace
// the size of nixpkgs has findings in thousands of files nobody is editing:
// publishing them all floods the editor's problem list and costs the
// encoding of every one after each change that moves them.
type diagnosticsScope int

const (
	// scopeAll publishes the findings of every file (the default).
	scopeAll diagnosticsScope = iota
	// scopeAuto is scopeAll in a workspace of at most autoScopeFiles
	// files, scopeOpen in a larger one.
	scopeAuto
	// scopeOpen publishes the findings of open documents and of the files
	// in some system's module closure.
	scopeOpen
)

// autoScopeFiles is the largest workspace in which scopeAuto publishes
// every file's diagnostics.
const autoScopeFiles = 5000

// parseDiagnosticsScope reads the diagnosticsScope setting: "all" (or
// empty), "auto" or "open". scopeOpen costs the systems of every state
// (their module closures), so it is not the default.
func parseDiagnosticsScope(v string, warn func(string)) diagnosticsScope {
	switch v {
	case "", "all":
		return scopeAll
	case "auto":
		return scopeAuto
	case "open":
		return scopeOpen
	}
	warn(fmt.Sprintf("diagnosticsScope %q is not one of all, auto, open; using all", v))
	return scopeAll
}

// publishedFiles returns the test of which files of r get diagnostics;
// ctx's error when it ends while the systems are computed.
func (s *Server) publishedFiles(ctx context.Context, r *analysisResult) (func(string) bool, error) {
	scope := r.snap.scope
	if scope == scopeAuto {
		scope = scopeAll
		if analysis.FileCount(r.snap.files, r.snap.open) > autoScopeFiles {
			scope = scopeOpen
		}
	}
	if scope == scopeAll {
		return func(string) bool { return true }, nil
	}
	ws, err := s.ideWorkspace(ctx, r.snap)
	if err != nil {
		return nil, err
	}
	inClosure := map[string]bool{}
	for _, sys := range ws.Systems {
		for _, f := range sys.Files {
			inClosure[f] = true
		}
	}
	return func(p string) bool { return r.snap.docs[p] != nil || inClosure[p] }, nil
}

// diagnosticsState remembers what each file's diagnostics were when last
// published, so that only changes are sent. Only diagnosticsLoop uses
// published; every analysis marks the files whose findings changed since
// it last published.
type diagnosticsState struct {
	published map[string]publishedFile // by path
	// settings are those diagnostics were last published with: other
	// settings change every file's.
	settings publishSettings

	mu       sync.Mutex
	dirty    map[string]bool
	dirtyAll bool
}

type publishSettings struct {
	docsLink string
	enc      positionEncoding
	scope    diagnosticsScope
}

// markDirty records files whose findings changed (all: any file's may).
func (st *diagnosticsState) markDirty(paths []string, all bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.dirtyAll = st.dirtyAll || all
	for _, p := range paths {
		st.dirty[p] = true
	}
}

// takeDirty returns and forgets the files marked dirty.
func (st *diagnosticsState) takeDirty() (map[string]bool, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	d, all := st.dirty, st.dirtyAll
	st.dirty, st.dirtyAll = map[string]bool{}, false
	return d, all
}

type publishedFile struct {
	uri protocol.DocumentURI
	key string // the diagnostics as JSON, to compare
}

func newDiagnosticsState() *diagnosticsState {
	return &diagnosticsState{published: map[string]publishedFile{}, dirty: map[string]bool{}}
}

// publishDiagnosticsParams is protocol's with a version that can be 0 (some
// clients start there) and can be left out (files that are not open).
type publishDiagnosticsParams struct {
	URI         protocol.DocumentURI  `json:"uri"`
	Version     *int32                `json:"version,omitempty"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
}

// settleTimeout bounds how long the first diagnostics wait for settings.
const settleTimeout = 2 * time.Second

// diagnosticsLoop publishes diagnostics after changes. By default it starts
// at once and coalesces: a change that arrives while an analysis runs stops
// it, and the newest state is analysed instead (currentAnalysis), so typing
// is never flooded and an idle editor gets its diagnostics without delay.
// With Options.Debounce set, it waits until a burst of changes has been
// quiet that long.
func (s *Server) diagnosticsLoop() {
	// The first diagnostics wait for the client's settings (a disabled check
	// or a severity override must apply from the start), but not forever.
	select {
	case <-s.settled:
	case <-s.ctx.Done():
		return
	case <-time.After(settleTimeout):
	}
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.trigger:
		}
		if d := s.opts.Debounce; d > 0 {
			timer := time.NewTimer(d)
		quiet:
			for {
				select {
				case <-s.ctx.Done():
					timer.Stop()
					return
				case <-s.trigger:
					timer.Reset(d)
				case <-timer.C:
					break quiet
				}
			}
		}
		if s.indexing.Load() > 0 {
			continue // the end of the scan triggers again
		}
		s.publishDiagnostics()
		if s.opts.Idle != nil && len(s.trigger) == 0 {
			gen := s.gen.Load()
			s.opts.Idle(func() bool { return s.gen.Load() == gen && len(s.trigger) == 0 })
		}
	}
}

// publishDiagnostics analyses the current state and sends the diagnostics of
// every file whose diagnostics changed, an empty list where they went away.
func (s *Server) publishDiagnostics() {
	defer s.recoverAndLog("diagnostics")
	s.mu.Lock()
	state := s.state
	s.mu.Unlock()
	if state != stateInitialized {
		return
	}
	r, err := s.currentAnalysis(s.ctx)
	if err != nil {
		return // the session ends
	}
	if ce := s.log.Check(zap.DebugLevel, "publishing"); ce != nil {
		start := time.Now()
		defer func() { ce.Write(zap.Uint64("gen", r.snap.gen), zap.Duration("took", time.Since(start))) }()
	}
	// Only the files whose findings changed since the last publication
	// are looked at, unless settings that change every file's did, or
	// which files are shown depends on the systems.
	dirty, all := s.diags.takeDirty()
	set := publishSettings{docsLink: r.snap.docsLink, enc: r.snap.enc, scope: r.snap.scope}
	if set != s.diags.settings || set.scope != scopeAll {
		all = true
	}
	s.diags.settings = set
	if all {
		for _, p := range r.found.Files() {
			dirty[p] = true
		}
		for p := range s.diags.published {
			dirty[p] = true
		}
	}
	// Every open document gets its diagnostics, an empty list when it has
	// none, so that a client never keeps stale ones.
	for p := range r.snap.docs {
		dirty[p] = true
	}
	paths := make([]string, 0, len(dirty))
	for p := range dirty {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	done := 0
	defer func() {
		if done < len(paths) {
			// Superseded: the next run publishes the rest.
			s.diags.markDirty(paths[done:], all)
		}
	}()
	// The systems are those of r's state: a change stops their build, and
	// these results are not published.
	sctx, release := s.whileCurrent(s.ctx, r.snap.gen)
	shown, err := s.publishedFiles(sctx, r)
	release()
	if err != nil {
		return // the change has scheduled another run
	}
	for i, p := range paths {
		done = i
		if r.snap.gen != s.gen.Load() {
			// Something changed since the snapshot: these results may
			// describe text the editor no longer has. The change has
			// scheduled another run.
			return
		}
		var diags []protocol.Diagnostic
		if shown(p) {
			diags = toDiagnostics(r.snap, r.of(p))
		} else {
			diags = []protocol.Diagnostic{}
		}
		key, err := json.Marshal(diags)
		if err != nil {
			s.log.Error("diagnostics cannot be encoded", zap.String("path", p), zap.Error(err))
			continue
		}
		u := r.snap.uriOf(p)
		version := r.snap.versionOf(p)
		if version != nil {
			// An open document's diagnostics are sent again for each new
			// version and each didOpen, even unchanged: the client learns
			// they are current.
			key = append(key, fmt.Sprintf("@%d#%d", *version, r.snap.docs[p].opening)...)
		}
		old, had := s.diags.published[p]
		if had && old.key == string(key) && old.uri == u || !had && len(diags) == 0 && version == nil {
			continue
		}
		if had && old.uri != u {
			// The client knows the file by another URI now: clear the old one.
			s.notifyClient("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: old.uri, Diagnostics: []protocol.Diagnostic{}})
		}
		if len(diags) == 0 && version == nil {
			delete(s.diags.published, p)
		} else {
			s.diags.published[p] = publishedFile{uri: u, key: string(key)}
		}
		s.notifyClient("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: u, Version: version, Diagnostics: diags})
	}
	done = len(paths)
}

// toDiagnostics converts one file's findings, capped.
func toDiagnostics(snap *snapshot, findings []analysis.Finding) []protocol.Diagnostic {
	out := []protocol.Diagnostic{}
	if len(findings) > maxDiagnosticsPerFile {
		kept := append([]analysis.Finding(nil), findings...)
		sort.SliceStable(kept, func(i, j int) bool { return severityRank(kept[i].Severity) < severityRank(kept[j].Severity) })
		kept = kept[:maxDiagnosticsPerFile]
		sort.SliceStable(kept, func(i, j int) bool { return kept[i].Pos < kept[j].Pos })
		findings = kept
	}
	for _, f := range findings {
		if d, ok := toDiagnostic(snap, f); ok {
			out = append(out, d)
		}
	}
	return out
}

// severityRank orders severities most severe first; an unset one counts as
// an error, as clients read it.
func severityRank(sev analysis.Severity) int {
	if sev == 0 {
		return int(analysis.SeverityError)
	}
	return int(sev)
}

func toDiagnostic(snap *snapshot, f analysis.Finding) (protocol.Diagnostic, bool) {
	lines := snap.lines(f.File)
	if lines == nil {
		return protocol.Diagnostic{}, false
	}
	d := protocol.Diagnostic{
		Range:    rangeOf(lines, f.Pos, f.End, snap.enc),
		Severity: protocol.DiagnosticSeverity(f.Severity),
		Source:   diagnosticSource,
		Message:  f.Message,
	}
	if f.Code != "" {
		d.Code = f.Code
		if snap.docsLink != "" {
			// docs/diagnostics.md has a "## code" heading per code.
			d.CodeDescription = &protocol.CodeDescription{Href: protocol.URI(snap.docsLink + "#" + f.Code)}
		}
	}
	for _, t := range f.Tags {
		d.Tags = append(d.Tags, protocol.DiagnosticTag(t))
	}
	for _, rel := range f.Related {
		rl := snap.lines(rel.File)
		if rl == nil {
			continue // a place outside the workspace has no position to show
		}
		d.RelatedInformation = append(d.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: snap.uriOf(rel.File), Range: rangeOf(rl, rel.Pos, rel.End, snap.enc)},
			Message:  rel.Message,
		})
	}
	return d, true
}

// fullDiagnosticReport is LSP 3.17's FullDocumentDiagnosticReport.
type fullDiagnosticReport struct {
	Kind  string                `json:"kind"`
	Items []protocol.Diagnostic `json:"items"`
}

// pullDiagnostics answers textDocument/diagnostic with the document's
// current diagnostics.
func (s *Server) pullDiagnostics(ctx context.Context, u protocol.DocumentURI) (fullDiagnosticReport, error) {
	r, err := s.currentAnalysis(ctx)
	if err != nil {
		return fullDiagnosticReport{}, err
	}
	return fullDiagnosticReport{Kind: "full", Items: toDiagnostics(r.snap, r.of(uriToPath(u)))}, nil
}
