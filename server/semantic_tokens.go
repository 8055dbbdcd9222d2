package server

import (
	"bytes"
	"context"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func (l lspServer) SemanticTokensFull(ctx context.Context, p *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	return l.s.semanticTokens(ctx, p.TextDocument.URI, nil)
}

func (l lspServer) SemanticTokensRange(ctx context.Context, p *protocol.SemanticTokensRangeParams) (*protocol.SemanticTokens, error) {
	return l.s.semanticTokens(ctx, p.TextDocument.URI, &p.Range)
}

// semanticTokensLegend is the legend advertised at initialize.
func semanticTokensLegend() protocol.SemanticTokensLegend {
	var types []protocol.SemanticTokenTypes
	for _, t := range ide.TokenTypes {
		types = append(types, protocol.SemanticTokenTypes(t))
	}
	return protocol.SemanticTokensLegend{TokenTypes: types, TokenModifiers: []protocol.SemanticTokenModifiers{}}
}

// semanticTokens answers textDocument/semanticTokens/full and /range. A
// token spanning lines is sent one piece per line, since clients need not
// support multi-line tokens.
func (s *Server) semanticTokens(ctx context.Context, u protocol.DocumentURI, r *protocol.Range) (*protocol.SemanticTokens, error) {
	snap := s.snapshot()
	f := snap.tree(uriToPath(u))
	out := &protocol.SemanticTokens{Data: []uint32{}}
	if f == nil {
		return out, nil
	}
	from, to := 0, len(f.Src)
	if r != nil {
		from, _ = offsetAt(f.Lines, toWire(r.Start), snap.enc)
		to, _ = offsetAt(f.Lines, toWire(r.End), snap.enc)
	}
	var prevLine, prevCol uint32
	emit := func(pos, end, typ int) {
		start := positionOf(f.Lines, pos, snap.enc)
		stop := positionOf(f.Lines, end, snap.enc)
		if stop.Line != start.Line || stop.Character <= start.Character {
			return
		}
		dl, dc := start.Line-prevLine, start.Character
		if dl == 0 {
			dc = start.Character - prevCol
		}
		out.Data = append(out.Data, dl, dc, stop.Character-start.Character, uint32(typ), 0)
		prevLine, prevCol = start.Line, start.Character
	}
	for _, t := range ide.SemanticTokens(s.fileWorkspace(snap), f, from, to) {
		forEachLine(f, t.Pos, t.End, func(pos, end int) { emit(pos, end, t.Type) })
	}
	return out, ctx.Err()
}

// forEachLine calls fn with the pieces of [pos, end) on each line, line
// breaks left out.
func forEachLine(f *nixast.File, pos, end int, fn func(pos, end int)) {
	for pos < end {
		stop := end
		if i := bytes.IndexByte(f.Src[pos:end], '\n'); i >= 0 {
			stop = pos + i
		}
		seg := stop
		if seg > pos && f.Src[seg-1] == '\r' {
			seg--
		}
		if seg > pos {
			fn(pos, seg)
		}
		pos = stop + 1
	}
}
