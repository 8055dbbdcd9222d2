package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
)

// methodSelectionRange is LSP 3.15's textDocument/selectionRange, which the
// protocol package does not dispatch: it reaches lspServer.Request.
const methodSelectionRange = "textDocument/selectionRange"

// maxSelectionRanges bounds the ranges of a position, each nested in the
// next (a level of JSON each), well inside maxJSONDepth; far more than a
// user widens a selection.
const maxSelectionRanges = 1000

type selectionRange struct {
	Range  protocol.Range  `json:"range"`
	Parent *selectionRange `json:"parent,omitempty"`
}

// selectionRanges answers textDocument/selectionRange: for each position,
// the ranges of the syntax nodes holding it, innermost first.
func (s *Server) selectionRanges(ctx context.Context, raw any) (any, error) {
	b, _ := json.Marshal(raw)
	var p struct {
		TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
		Positions    []protocol.Position             `json:"positions"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %v", methodSelectionRange, err)
	}
	snap := s.snapshot()
	f := snap.tree(uriToPath(p.TextDocument.URI))
	out := []*selectionRange{}
	if f == nil {
		return out, nil
	}
	for _, pos := range p.Positions {
		off, _ := offsetAt(f.Lines, toWire(pos), snap.enc)
		ranges := ide.SelectionRanges(f, off)
		if len(ranges) > maxSelectionRanges {
			// The innermost ranges and the whole file: a chain of 99,000
			// '+' nests as deep, and a reply nested deeper than
			// maxJSONDepth is one that no decoder of this server, nor
			// Go's own, nor many a client's, reads.
			ranges = append(ranges[:maxSelectionRanges-1], ranges[len(ranges)-1])
		}
		var sr *selectionRange
		for i := len(ranges) - 1; i >= 0; i-- {
			sr = &selectionRange{Range: snap.lspRange(f, ranges[i]), Parent: sr}
		}
		out = append(out, sr)
	}
	return out, ctx.Err()
}
