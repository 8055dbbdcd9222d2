package server

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
)

// commandShowRoles is the command of a role lens. Its one argument is an
// ide.RoleDetails; executed on the server it answers the details as text.
const commandShowRoles = "microvm-lsp.showRoles"

func (l lspServer) CodeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	return l.s.codeLens(ctx, p)
}

func (l lspServer) ExecuteCommand(ctx context.Context, p *protocol.ExecuteCommandParams) (any, error) {
	return l.s.executeCommand(ctx, p)
}

// codeLens answers textDocument/codeLens: the role of each system declared
// in the document.
func (s *Server) codeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	snap := s.snapshot()
	path := uriToPath(p.TextDocument.URI)
	f := snap.tree(path)
	out := []protocol.CodeLens{}
	if f == nil {
		return out, nil
	}
	ws, err := s.ideWorkspace(ctx, snap)
	if err != nil {
		return nil, err
	}
	for _, l := range ide.RoleLenses(ws, path) {
		out = append(out, protocol.CodeLens{
			Range:   snap.lspRange(f, l.Range),
			Command: &protocol.Command{Title: l.Title, Command: commandShowRoles, Arguments: []any{l.Details}},
		})
	}
	return out, ctx.Err()
}

// executeCommand runs microvm-lsp.showRoles: it returns the text of the
// role details it is given.
func (s *Server) executeCommand(_ context.Context, p *protocol.ExecuteCommandParams) (any, error) {
	if p.Command != commandShowRoles {
		return nil, requestFailed("unknown command %q", p.Command)
	}
	if len(p.Arguments) != 1 {
		return nil, requestFailed("%s takes one argument, the role details of a code lens", commandShowRoles)
	}
	b, _ := json.Marshal(p.Arguments[0])
	var d ide.RoleDetails
	if err := json.Unmarshal(b, &d); err != nil || d.System == "" {
		return nil, requestFailed("%s: the argument is not role details: %s", commandShowRoles, b)
	}
	return d.Text(), nil
}
