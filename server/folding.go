package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
)

func (l lspServer) FoldingRanges(ctx context.Context, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	return l.s.foldingRanges(ctx, p)
}

// foldingRanges answers textDocument/foldingRange (lines only).
func (s *Server) foldingRanges(ctx context.Context, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	snap := s.snapshot()
	f := snap.tree(uriToPath(p.TextDocument.URI))
	out := []protocol.FoldingRange{}
	if f == nil {
		return out, nil
	}
	for _, fr := range ide.FoldingRanges(f) {
		r := protocol.FoldingRange{StartLine: uint32(fr.StartLine), EndLine: uint32(fr.EndLine), Kind: protocol.RegionFoldingRange}
		if fr.Comment {
			r.Kind = protocol.CommentFoldingRange
		}
		out = append(out, r)
	}
	return out, ctx.Err()
}
