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

// maxCompletionItems bounds a completion list, which is then incomplete: a
// let of 200,000 bindings offered them all on every keystroke (30 MB and a
// second), and a set of 500,000 formals 80 MB. The bound is well above what
// an option set offers at one place.
const maxCompletionItems = 5000

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
	items := ide.Complete(ws, d.file, d.off)
	if len(items) > maxCompletionItems {
		// The client asks again as the word grows, and the items narrow.
		items, list.IsIncomplete = items[:maxCompletionItems], true
	}
	for _, it := range items {
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
