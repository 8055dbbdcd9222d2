package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
)

func (l lspServer) DocumentLink(ctx context.Context, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	return l.s.documentLinks(ctx, p)
}

// documentLinks answers textDocument/documentLink: paths to workspace
// files, URLs and flake references.
func (s *Server) documentLinks(ctx context.Context, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	snap := s.snapshot()
	f := snap.tree(uriToPath(p.TextDocument.URI))
	out := []protocol.DocumentLink{}
	if f == nil {
		return out, nil
	}
	ws := &ide.Workspace{Files: snap.files, Open: snap.open, Exists: existsOnDisk}
	for _, l := range ide.Links(ws, f) {
		target := protocol.DocumentURI(l.URL)
		if l.File != "" {
			target = snap.uriOf(l.File)
		}
		out = append(out, protocol.DocumentLink{Range: snap.lspRange(f, l.Range), Target: target})
	}
	return out, ctx.Err()
}
