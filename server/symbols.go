package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
)

func (l lspServer) DocumentSymbol(ctx context.Context, p *protocol.DocumentSymbolParams) ([]any, error) {
	return l.s.documentSymbols(ctx, p)
}

func (l lspServer) Symbols(ctx context.Context, p *protocol.WorkspaceSymbolParams) ([]protocol.SymbolInformation, error) {
	return l.s.workspaceSymbols(ctx, p)
}

var symbolKinds = map[ide.SymbolKind]protocol.SymbolKind{
	ide.SymProperty:  protocol.SymbolKindProperty,
	ide.SymObject:    protocol.SymbolKindObject,
	ide.SymVariable:  protocol.SymbolKindVariable,
	ide.SymFunction:  protocol.SymbolKindFunction,
	ide.SymModule:    protocol.SymbolKindModule,
	ide.SymNamespace: protocol.SymbolKindNamespace,
}

// documentSymbols answers textDocument/documentSymbol with a hierarchy.
func (s *Server) documentSymbols(ctx context.Context, p *protocol.DocumentSymbolParams) ([]any, error) {
	snap := s.snapshot()
	f := snap.tree(uriToPath(p.TextDocument.URI))
	out := []any{}
	if f == nil {
		return out, nil
	}
	var conv func(sym ide.Symbol) protocol.DocumentSymbol
	conv = func(sym ide.Symbol) protocol.DocumentSymbol {
		d := protocol.DocumentSymbol{
			Name: sym.Name, Detail: sym.Detail, Kind: symbolKinds[sym.Kind],
			Range: snap.lspRange(f, sym.Range), SelectionRange: snap.lspRange(f, sym.Selection),
		}
		if d.Name == "" {
			d.Name = "?" // clients refuse empty names
		}
		for _, c := range sym.Children {
			d.Children = append(d.Children, conv(c))
		}
		return d
	}
	ws, err := s.ideWorkspace(ctx, snap)
	if err != nil {
		return nil, err
	}
	for _, sym := range ide.DocumentSymbols(ws, f) {
		out = append(out, conv(sym))
	}
	return out, ctx.Err()
}

// workspaceSymbols answers workspace/symbol: systems and top-level
// bindings of every file.
func (s *Server) workspaceSymbols(ctx context.Context, p *protocol.WorkspaceSymbolParams) ([]protocol.SymbolInformation, error) {
	snap := s.snapshot()
	ws, err := s.ideWorkspace(ctx, snap)
	if err != nil {
		return nil, err
	}
	syms, err := ide.WorkspaceSymbols(ctx, ws, p.Query)
	if err != nil {
		return nil, err
	}
	out := []protocol.SymbolInformation{}
	for _, sym := range syms {
		f := snap.at(sym.File)
		if f == nil {
			continue
		}
		out = append(out, protocol.SymbolInformation{
			Name: sym.Name, Kind: symbolKinds[sym.Kind], ContainerName: sym.Container,
			Location: protocol.Location{URI: snap.uriOf(sym.File), Range: snap.lspRange(f, sym.Range)},
		})
	}
	return out, ctx.Err()
}
