package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
)

func (l lspServer) Hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	return l.s.hover(ctx, p)
}

// hover answers textDocument/hover with ide.Hover's markdown.
func (s *Server) hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	d, ok := s.docAt(p.TextDocument.URI, p.Position)
	if !ok {
		return nil, nil
	}
	ws, err := s.ideWorkspaceNow(ctx, d.snap)
	if err != nil {
		return nil, err
	}
	ws.Microvm = s.microvmFactsFor(d.path)
	h := ide.Hover(ws, d.file, d.off)
	if h == nil || ctx.Err() != nil {
		return nil, ctx.Err()
	}
	r := d.snap.lspRange(d.file, h.Range)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: h.Markdown}, Range: &r}, nil
}
