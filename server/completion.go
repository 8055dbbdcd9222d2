package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
)

func (l lspServer) Completion(ctx context.Context, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	return l.s.completion(ctx, p)
}

var completionKinds = map[ide.ItemKind]protocol.CompletionItemKind{
	ide.KindKeyword:    protocol.CompletionItemKindKeyword,
	ide.KindVariable:   protocol.CompletionItemKindVariable,
	ide.KindFunction:   protocol.CompletionItemKindFunction,
	ide.KindProperty:   protocol.CompletionItemKindProperty,
	ide.KindEnumMember: protocol.CompletionItemKindEnumMember,
	ide.KindModule:     protocol.CompletionItemKindModule,
}

// completion answers textDocument/completion with ide.Complete's items,
// each replacing the word being typed.
func (s *Server) completion(ctx context.Context, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	list := &protocol.CompletionList{Items: []protocol.CompletionItem{}}
	d, ok := s.docAt(p.TextDocument.URI, p.Position)
	if !ok {
		return list, nil
	}
	ws, err := s.ideWorkspaceNow(ctx, d.snap)
	if err != nil {
		return nil, err
	}
	ws.Microvm = s.microvmFactsFor(d.path)
	for _, it := range ide.Complete(ws, d.file, d.off) {
		ci := protocol.CompletionItem{
			Label:    it.Label,
			Kind:     completionKinds[it.Kind],
			Detail:   it.Detail,
			TextEdit: &protocol.TextEdit{Range: d.snap.lspRange(d.file, it.Range), NewText: it.Insert},
		}
		if it.Doc != "" {
			ci.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Doc}
		}
		list.Items = append(list.Items, ci)
	}
	return list, ctx.Err()
}
