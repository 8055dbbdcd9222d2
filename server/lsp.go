package server

import (
	"context"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// The protocol.Server methods that do something. Methods the front handler
// answers (see route) only exist to satisfy the interface.

func (lspServer) Initialize(context.Context, *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	return nil, errUnreachable(protocol.MethodInitialize)
}

func (lspServer) Initialized(context.Context, *protocol.InitializedParams) error {
	return errUnreachable(protocol.MethodInitialized)
}

func (lspServer) Shutdown(context.Context) error { return errUnreachable(protocol.MethodShutdown) }

func (lspServer) Exit(context.Context) error { return errUnreachable(protocol.MethodExit) }

func (lspServer) DidChange(context.Context, *protocol.DidChangeTextDocumentParams) error {
	return errUnreachable(protocol.MethodTextDocumentDidChange)
}

// Request receives every method protocol does not know.
func (l lspServer) Request(ctx context.Context, method string, params any) (any, error) {
	switch method {
	case methodSelectionRange:
		return l.s.selectionRanges(ctx, params)
	}
	return nil, methodNotFound(method)
}

func (l lspServer) DidOpen(_ context.Context, p *protocol.DidOpenTextDocumentParams) error {
	l.s.didOpen(p.TextDocument.URI, p.TextDocument.Version, p.TextDocument.Text)
	return nil
}

func (l lspServer) DidClose(_ context.Context, p *protocol.DidCloseTextDocumentParams) error {
	l.s.didClose(p.TextDocument.URI)
	return nil
}

func (l lspServer) CodeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	return l.s.codeActions(ctx, p)
}

func (l lspServer) DidChangeConfiguration(_ context.Context, p *protocol.DidChangeConfigurationParams) error {
	l.s.didChangeConfiguration(p.Settings)
	return nil
}

func (l lspServer) DidChangeWatchedFiles(_ context.Context, p *protocol.DidChangeWatchedFilesParams) error {
	l.s.didChangeWatchedFiles(p.Changes)
	return nil
}

func (l lspServer) DidChangeWorkspaceFolders(_ context.Context, p *protocol.DidChangeWorkspaceFoldersParams) error {
	l.s.didChangeWorkspaceFolders(p.Event)
	return nil
}

func (s *Server) didOpen(u protocol.DocumentURI, version int32, text string) {
	s.docs.open(u, version, text)
	s.index.setOpen(uriToPath(u), true)
	s.log.Debug("didOpen", zap.String("uri", string(u)), zap.Int32("version", version))
	s.changed()
}

func (s *Server) didChange(u protocol.DocumentURI, version int32, changes []contentChange) {
	s.mu.Lock()
	enc := s.enc
	s.mu.Unlock()
	d, warnings := s.docs.change(u, version, changes, enc)
	for _, w := range warnings {
		s.log.Warn("didChange: "+w, zap.String("uri", string(u)), zap.Int32("version", version))
	}
	if d != nil {
		s.changed()
	}
}

func (s *Server) didClose(u protocol.DocumentURI) {
	d := s.docs.close(u)
	s.tokens.drop(u)
	if d == nil {
		s.log.Warn("didClose of a document that is not open", zap.String("uri", string(u)))
		return
	}
	// The editor may close without saving: from now on the disk is the truth.
	s.index.setOpen(d.path, false)
	s.refreshFromDisk(d.path)
	s.changed()
}
