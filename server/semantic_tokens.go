package server

import (
	"bytes"
	"context"
	"strconv"
	"sync"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func (l lspServer) SemanticTokensFull(ctx context.Context, p *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	toks, err := l.s.semanticTokens(ctx, p.TextDocument.URI, nil)
	if err != nil {
		return nil, err
	}
	toks.ResultID, _, _ = l.s.tokens.swap(l.s.docs, p.TextDocument.URI, "", toks.Data)
	return toks, nil
}

// SemanticTokensFullDelta answers with the edits from the result the client
// names to the document's tokens now: editors ask after every keystroke,
// and in a package set of 1.5 MB the whole list is 1.3 MB of JSON for the
// editor to read, where the edits of a keystroke are a few numbers. A
// result not kept (another was sent since, or the document was closed) is
// answered with the whole list.
func (l lspServer) SemanticTokensFullDelta(ctx context.Context, p *protocol.SemanticTokensDeltaParams) (any, error) {
	u := p.TextDocument.URI
	toks, err := l.s.semanticTokens(ctx, u, nil)
	if err != nil {
		return nil, err
	}
	id, prev, ok := l.s.tokens.swap(l.s.docs, u, p.PreviousResultID, toks.Data)
	if !ok {
		toks.ResultID = id
		return toks, nil
	}
	return &protocol.SemanticTokensDelta{ResultID: id, Edits: tokenEdits(prev, toks.Data)}, nil
}

// tokenResults keeps the last full list of tokens sent for each open
// document, under the id it was sent with.
type tokenResults struct {
	mu   sync.Mutex
	next uint64
	last map[protocol.DocumentURI]tokenResult
}

type tokenResult struct {
	id   string
	data []uint32
}

// swap records data as the document's last result and returns its new id,
// with the result it replaces when that is the one the client named (prevID;
// ok false otherwise). For a document not open in docs (no close would drop it),
// nothing is recorded and the id is "". Whether it is open is read under
// the lock that drop takes after the document is closed: a request that
// ends as its document closes records nothing, or is dropped.
func (t *tokenResults) swap(docs *documentStore, u protocol.DocumentURI, prevID string, data []uint32) (id string, prev []uint32, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	old, had := t.last[u]
	if docs.get(u) == nil {
		delete(t.last, u)
		return "", nil, false
	}
	t.next++
	id = strconv.FormatUint(t.next, 10)
	if t.last == nil {
		t.last = map[protocol.DocumentURI]tokenResult{}
	}
	t.last[u] = tokenResult{id: id, data: data}
	if had && prevID != "" && old.id == prevID {
		return id, old.data, true
	}
	return id, nil, false
}

// lastLen returns the length of the document's last result (0: none).
func (t *tokenResults) lastLen(u protocol.DocumentURI) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.last[u].data)
}

// drop forgets the document's last result.
func (t *tokenResults) drop(u protocol.DocumentURI) {
	t.mu.Lock()
	delete(t.last, u)
	t.mu.Unlock()
}

// tokenEdits returns the edit that turns the token data old into new: what
// lies between their common start and common end, in whole tokens (five
// numbers each). An edit in a file changes the tokens around it, and
// leaves those before it as they were and those after it too (each token's
// line and column are counted from the token before it). Equal lists give
// no edit.
func tokenEdits(old, new []uint32) []protocol.SemanticTokensEdit {
	const w = 5
	n := min(len(old), len(new))
	start := 0
	for start < n && old[start] == new[start] {
		start++
	}
	start -= start % w
	end := 0 // the length of the common end
	for end < n-start && old[len(old)-1-end] == new[len(new)-1-end] {
		end++
	}
	end -= end % w
	if start == len(old) && start == len(new) {
		return []protocol.SemanticTokensEdit{}
	}
	return []protocol.SemanticTokensEdit{{
		Start:       uint32(start),
		DeleteCount: uint32(len(old) - start - end),
		Data:        new[start : len(new)-end],
	}}
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
	if r == nil {
		// About as many as the last time: room made once.
		out.Data = make([]uint32, 0, s.tokens.lastLen(u)*9/8)
	}
	for t := range ide.SemanticTokens(s.fileWorkspace(snap), f, from, to) {
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
