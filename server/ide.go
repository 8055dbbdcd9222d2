package server

import (
	"context"
	"os"
	"path/filepath"
	"sync"

	"go.lsp.dev/jsonrpc2"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/ide"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Editor features (hover, completion, symbols...) work on a snapshot: the
// parsed file of the document and, where the workspace matters, the systems
// the analysis finds. The Nix knowledge is in package ide; here positions
// become offsets and results become LSP types.

// ideCache keeps the systems of the newest snapshot, so that a burst of
// hovers and lenses builds the module graph once per change.
type ideCache struct {
	// compute is held (a token in it) while systems are computed; a
	// channel, so that a cancelled request stops waiting for it.
	compute chan struct{}
	mu      sync.Mutex
	gen     uint64
	systems []*analysis.SystemInfo
	valid   bool
	// refreshing is set while a background computation of the systems of
	// a newer state runs (see ideWorkspaceNow).
	refreshing bool
}

// docRequest is a request about one document position, resolved.
type docRequest struct {
	snap *snapshot
	path string
	file *nixast.File
	off  int
}

// docAt resolves a document and position; ok is false for a document the
// server does not know.
func (s *Server) docAt(u protocol.DocumentURI, p protocol.Position) (docRequest, bool) {
	snap := s.snapshot()
	path := uriToPath(u)
	f := snap.tree(path)
	if f == nil {
		return docRequest{}, false
	}
	off, _ := offsetAt(f.Lines, toWire(p), snap.enc)
	return docRequest{snap: snap, path: path, file: f, off: off}, true
}

// ideWorkspace returns the workspace view of package ide for a snapshot,
// with the systems of the analysis; ctx's error when ctx ends first (the
// systems half computed are dropped).
func (s *Server) ideWorkspace(ctx context.Context, snap *snapshot) (*ide.Workspace, error) {
	// One computation at a time; mu is not held during it, so that
	// ideWorkspaceNow can answer with the systems it has meanwhile.
	select {
	case s.ide.compute <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.ide.compute }()
	s.ide.mu.Lock()
	if s.ide.valid && s.ide.gen == snap.gen {
		systems := s.ide.systems
		s.ide.mu.Unlock()
		return s.ideView(snap, systems), nil
	}
	s.ide.mu.Unlock()
	systems, err := s.systems(ctx, snap.ws)
	if err != nil {
		return nil, err
	}
	s.ide.mu.Lock()
	if !s.ide.valid || snap.gen >= s.ide.gen {
		s.ide.systems, s.ide.gen, s.ide.valid = systems, snap.gen, true
	}
	s.ide.mu.Unlock()
	return s.ideView(snap, systems), nil
}

// ideWorkspaceNow is ideWorkspace for features that must answer at once
// (hover, completion): when the systems of snap are not known yet, it
// answers with those of an earlier state, and computes the new ones in the
// background, rather than waiting for a module graph to be built (which
// may wait behind an analysis that rebuilds it).
func (s *Server) ideWorkspaceNow(ctx context.Context, snap *snapshot) (*ide.Workspace, error) {
	s.ide.mu.Lock()
	if !s.ide.valid || s.ide.gen == snap.gen {
		s.ide.mu.Unlock()
		return s.ideWorkspace(ctx, snap)
	}
	systems := s.ide.systems
	if !s.ide.refreshing {
		s.ide.refreshing = true
		s.background(func() {
			defer func() {
				s.ide.mu.Lock()
				s.ide.refreshing = false
				s.ide.mu.Unlock()
			}()
			// A newer state stops this one's systems: the next hover
			// asks for that state's.
			snap := s.snapshot()
			ctx, release := s.whileCurrent(s.ctx, snap.gen)
			defer release()
			s.ideWorkspace(ctx, snap)
		})
	}
	s.ide.mu.Unlock()
	return s.ideView(snap, systems), nil
}

// ideView is the workspace view of package ide for a snapshot and the
// systems known for it.
func (s *Server) ideView(snap *snapshot, systems []*analysis.SystemInfo) *ide.Workspace {
	ws := s.fileWorkspace(snap)
	ws.Systems = systems
	ws.Microvm = s.microvmFacts()
	return ws
}

// fileWorkspace returns the workspace view of package ide for features
// that need no systems: the files (with their trees on demand), the disk,
// and each file version's names, resolved once.
func (s *Server) fileWorkspace(snap *snapshot) *ide.Workspace {
	ws := &ide.Workspace{Files: snap.files, Open: snap.open, Exists: existsOnDisk, Tree: snap.tree, Options: snap.ws.Options, FileCache: &s.fileCache}
	if ws.Options != nil {
		ws.Classes = s.fileClasses(snap, ws)
	}
	if s.scopes != nil {
		ws.Scopes = func(f *nixast.File) *scope.Scopes { return s.scopes(f.Name, f) }
	}
	return ws
}

// existsOnDisk reports whether a workspace path names a file or directory.
func existsOnDisk(p string) bool {
	if !isFilePath(p) {
		return false
	}
	_, err := os.Stat(filepath.FromSlash(p))
	return err == nil
}

// requestFailed is LSP's RequestFailed error: the request was understood
// and cannot be done, for the reason given.
func requestFailed(format string, args ...any) error {
	return jsonrpc2.Errorf(jsonrpc2.Code(-32803), format, args...)
}

// lspRange converts a byte range of a file of the snapshot.
func (snap *snapshot) lspRange(f *nixast.File, r ide.Range) protocol.Range {
	return rangeOf(f.Lines, r.Pos, r.End, snap.enc)
}

// featureCapabilities are the server capabilities of the editor features.
type featureCapabilities struct {
	HoverProvider              bool                            `json:"hoverProvider"`
	CompletionProvider         *protocol.CompletionOptions     `json:"completionProvider,omitempty"`
	DocumentSymbolProvider     bool                            `json:"documentSymbolProvider"`
	WorkspaceSymbolProvider    bool                            `json:"workspaceSymbolProvider"`
	FoldingRangeProvider       bool                            `json:"foldingRangeProvider"`
	SelectionRangeProvider     bool                            `json:"selectionRangeProvider"`
	DefinitionProvider         bool                            `json:"definitionProvider"`
	ReferencesProvider         bool                            `json:"referencesProvider"`
	DocumentHighlightProvider  bool                            `json:"documentHighlightProvider"`
	RenameProvider             any                             `json:"renameProvider"`
	CodeLensProvider           *protocol.CodeLensOptions       `json:"codeLensProvider,omitempty"`
	ExecuteCommandProvider     *protocol.ExecuteCommandOptions `json:"executeCommandProvider,omitempty"`
	SemanticTokensProvider     any                             `json:"semanticTokensProvider,omitempty"`
	DocumentLinkProvider       *protocol.DocumentLinkOptions   `json:"documentLinkProvider,omitempty"`
	DocumentFormattingProvider bool                            `json:"documentFormattingProvider"`
}

func newFeatureCapabilities() featureCapabilities {
	return featureCapabilities{
		HoverProvider:              true,
		CompletionProvider:         &protocol.CompletionOptions{TriggerCharacters: []string{".", "\""}},
		DocumentSymbolProvider:     true,
		WorkspaceSymbolProvider:    true,
		FoldingRangeProvider:       true,
		SelectionRangeProvider:     true,
		DefinitionProvider:         true,
		ReferencesProvider:         true,
		DocumentHighlightProvider:  true,
		RenameProvider:             map[string]bool{"prepareProvider": true},
		CodeLensProvider:           &protocol.CodeLensOptions{},
		DocumentFormattingProvider: true,
		DocumentLinkProvider:       &protocol.DocumentLinkOptions{},
		SemanticTokensProvider:     map[string]any{"legend": semanticTokensLegend(), "full": map[string]any{"delta": true}, "range": true},
		ExecuteCommandProvider:     &protocol.ExecuteCommandOptions{Commands: []string{commandShowRoles}},
	}
}
