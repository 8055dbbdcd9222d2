package server

import (
	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/ide"
)

// refactorActions returns ide's rewrites for a range of a document as
// refactor.rewrite code actions.
func (s *Server) refactorActions(snap *snapshot, path string, r protocol.Range) []protocol.CodeAction {
	f := snap.tree(path)
	if f == nil {
		return nil
	}
	from, _ := offsetAt(f.Lines, toWire(r.Start), snap.enc)
	to, _ := offsetAt(f.Lines, toWire(r.End), snap.enc)
	if from > to {
		from, to = to, from
	}
	var out []protocol.CodeAction
	for _, rf := range ide.Refactors(s.fileWorkspace(snap), f, from, to) {
		d := docRequest{snap: snap, path: path, file: f}
		out = append(out, protocol.CodeAction{Title: rf.Title, Kind: protocol.RefactorRewrite, Edit: s.ideEdit(d, rf.Edits)})
	}
	return out
}
