package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/ide"
)

func (l lspServer) Definition(ctx context.Context, p *protocol.DefinitionParams) ([]protocol.Location, error) {
	return l.s.definition(ctx, p.TextDocument.URI, p.Position)
}

func (l lspServer) References(ctx context.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	return l.s.references(ctx, p)
}

func (l lspServer) DocumentHighlight(ctx context.Context, p *protocol.DocumentHighlightParams) ([]protocol.DocumentHighlight, error) {
	return l.s.documentHighlight(ctx, p)
}

func (l lspServer) PrepareRename(ctx context.Context, p *protocol.PrepareRenameParams) (*protocol.Range, error) {
	return l.s.prepareRename(ctx, p)
}

func (l lspServer) Rename(ctx context.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	return l.s.rename(ctx, p)
}

// locations converts ide locations; a file outside the snapshot (a path
// that exists only on disk) gets the range 0:0.
func (snap *snapshot) locations(locs []ide.Location) []protocol.Location {
	out := []protocol.Location{}
	for _, l := range locs {
		loc := protocol.Location{URI: snap.uriOf(l.File)}
		if f := snap.at(l.File); f != nil {
			loc.Range = snap.lspRange(f, l.Range)
		}
		out = append(out, loc)
	}
	return out
}

// definition answers textDocument/definition: the binding of a variable,
// the file a path names, the module a module element resolves to through
// the module graph (self.nixosModules.foo, an alias, import ./x.nix).
func (s *Server) definition(ctx context.Context, u protocol.DocumentURI, pos protocol.Position) ([]protocol.Location, error) {
	d, ok := s.docAt(u, pos)
	if !ok {
		return []protocol.Location{}, nil
	}
	ws := s.fileWorkspace(d.snap)
	if ide.InList(d.file, d.off) {
		// the graph is built only when the cursor may be on a module element
		elems, err := s.elementsIn(ctx, d.snap.ws, d.path)
		if err != nil {
			return nil, err
		}
		ws.Elements = map[string][]analysis.ElementTarget{d.path: elems}
	}
	out := d.snap.locations(ide.Definition(ws, d.file, d.off))
	// an option's declaration in the pinned source in the store
	ws.Microvm = s.microvmFactsFor(d.path)
	if file, line, ok := ide.OptionDefinition(ws, d.file, d.off); ok {
		pos := protocol.Position{Line: uint32(line - 1)}
		out = append(out, protocol.Location{URI: pathToURI(file), Range: protocol.Range{Start: pos, End: pos}})
	}
	return out, ctx.Err()
}

// references answers textDocument/references: the uses of a variable, or
// where the file is imported.
func (s *Server) references(ctx context.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	d, ok := s.docAt(p.TextDocument.URI, p.Position)
	if !ok {
		return []protocol.Location{}, nil
	}
	refs, err := ide.References(ctx, s.fileWorkspace(d.snap), d.file, d.off, p.Context.IncludeDeclaration)
	if err != nil {
		return nil, err
	}
	return d.snap.locations(refs), ctx.Err()
}

func (s *Server) documentHighlight(ctx context.Context, p *protocol.DocumentHighlightParams) ([]protocol.DocumentHighlight, error) {
	d, ok := s.docAt(p.TextDocument.URI, p.Position)
	out := []protocol.DocumentHighlight{}
	if !ok {
		return out, nil
	}
	for _, h := range ide.Highlights(s.fileWorkspace(d.snap), d.file, d.off) {
		kind := protocol.DocumentHighlightKindRead
		if h.Write {
			kind = protocol.DocumentHighlightKindWrite
		}
		out = append(out, protocol.DocumentHighlight{Range: d.snap.lspRange(d.file, h.Range), Kind: kind})
	}
	return out, ctx.Err()
}

func (s *Server) prepareRename(ctx context.Context, p *protocol.PrepareRenameParams) (*protocol.Range, error) {
	d, ok := s.docAt(p.TextDocument.URI, p.Position)
	if !ok {
		return nil, requestFailed("the document is not open")
	}
	r, err := ide.PrepareRename(s.fileWorkspace(d.snap), d.file, d.off)
	if err != nil {
		return nil, requestFailed("%v", err)
	}
	lr := d.snap.lspRange(d.file, r)
	return &lr, ctx.Err()
}

// rename answers textDocument/rename with the edits of one document,
// versioned when the client takes documentChanges.
func (s *Server) rename(ctx context.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	d, ok := s.docAt(p.TextDocument.URI, p.Position)
	if !ok {
		return nil, requestFailed("the document is not open")
	}
	edits, err := ide.Rename(s.fileWorkspace(d.snap), d.file, d.off, p.NewName)
	if err != nil {
		return nil, requestFailed("cannot rename: %v", err)
	}
	return s.ideEdit(d, edits), ctx.Err()
}

// ideEdit turns edits of the request's document into a WorkspaceEdit.
func (s *Server) ideEdit(d docRequest, edits []ide.Edit) *protocol.WorkspaceEdit {
	s.mu.Lock()
	docChanges := s.caps.Workspace.WorkspaceEdit.DocumentChanges
	s.mu.Unlock()
	tes := []protocol.TextEdit{}
	for _, e := range edits {
		tes = append(tes, protocol.TextEdit{Range: d.snap.lspRange(d.file, e.Range), NewText: e.New})
	}
	u := d.snap.uriOf(d.path)
	if docChanges {
		return &protocol.WorkspaceEdit{DocumentChanges: []protocol.TextDocumentEdit{{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: d.snap.versionOf(d.path)},
			Edits:        tes,
		}}}
	}
	return &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{u: tes}}
}
