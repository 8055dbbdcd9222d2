package server

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// codeActions offers the fixes of the findings that overlap the requested
// range as quick fixes, and every preferred fix of the file at once as
// source.fixAll.microvm-lsp.
func (s *Server) codeActions(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	r, err := s.currentAnalysis(ctx)
	if err != nil {
		return nil, err
	}
	snap := r.snap
	path := uriToPath(p.TextDocument.URI)
	lines := snap.lines(path)
	if lines == nil {
		return []protocol.CodeAction{}, nil
	}
	start, _ := offsetAt(lines, toWire(p.Range.Start), snap.enc)
	end, _ := offsetAt(lines, toWire(p.Range.End), snap.enc)
	if start > end {
		start, end = end, start
	}
	s.mu.Lock()
	docChanges := s.caps.Workspace.WorkspaceEdit.DocumentChanges
	lazy := s.caps.resolvesEdits()
	s.mu.Unlock()

	actions := []protocol.CodeAction{}
	findings := r.of(path)
	if kindRequested(p.Context.Only, protocol.QuickFix) {
		for _, f := range findings {
			if f.Pos > end || start > f.End || len(f.Fixes) == 0 {
				continue
			}
			diag, _ := toDiagnostic(snap, f)
			for _, fix := range f.Fixes {
				edit, ok := s.workspaceEdit(snap, fix.Edits, docChanges)
				if !ok {
					continue
				}
				actions = append(actions, protocol.CodeAction{
					Title:       fix.Title,
					Kind:        protocol.QuickFix,
					Diagnostics: []protocol.Diagnostic{diag},
					IsPreferred: fix.Preferred,
					Edit:        edit,
				})
			}
		}
	}
	if kindRequested(p.Context.Only, fixAllKind) {
		if lazy {
			// Its edit when it is picked (codeAction/resolve): editors
			// ask for the actions at every move of the cursor, and in
			// a file of 20,000 findings the edit of all their fixes
			// was 6 MB and 0.2 s each time.
			if hasPreferredFix(findings) {
				actions = append(actions, protocol.CodeAction{Title: fixAllTitle, Kind: fixAllKind, Data: fixAllData{FixAll: p.TextDocument.URI}})
			}
		} else if a, ok := s.fixAll(snap, findings, docChanges); ok {
			actions = append(actions, a)
		}
	}
	if kindRequested(p.Context.Only, protocol.RefactorRewrite) {
		actions = append(actions, s.refactorActions(snap, path, p.Range)...) // refactor.go
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return actions, nil
}

// kindRequested reports whether a code action of kind is wanted by a
// request's "only" filter: kinds are hierarchical, "source" covers
// "source.fixAll.microvm-lsp".
func kindRequested(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(string(kind), string(o)+".") {
			return true
		}
	}
	return false
}

const fixAllTitle = "Apply all preferred microvm-lsp fixes"

// fixAllData is the data of a fix-all action whose edit is resolved when
// it is picked: the document it fixes.
type fixAllData struct {
	FixAll protocol.DocumentURI `json:"fixAll"`
}

// fixAll combines the first preferred fix of each finding into one action,
// leaving out fixes whose edits would collide with one already taken.
func (s *Server) fixAll(snap *snapshot, findings []analysis.Finding, docChanges bool) (protocol.CodeAction, bool) {
	taken, fixed := preferredFixes(findings)
	if len(taken) == 0 {
		return protocol.CodeAction{}, false
	}
	edit, ok := s.workspaceEdit(snap, taken, docChanges)
	if !ok {
		return protocol.CodeAction{}, false
	}
	var diags []protocol.Diagnostic
	for _, i := range fixed {
		if d, ok := toDiagnostic(snap, findings[i]); ok {
			diags = append(diags, d)
		}
	}
	return protocol.CodeAction{Title: fixAllTitle, Kind: fixAllKind, Diagnostics: diags, Edit: edit}, true
}

// preferredFixes returns the edits of the first preferred fix of each
// finding, less the fixes that collide with one taken before, and the
// indexes of the findings whose fix was taken.
func preferredFixes(findings []analysis.Finding) (taken []analysis.TextEdit, fixed []int) {
	var set analysis.EditSet
	for i, f := range findings {
		for _, fix := range f.Fixes {
			if !fix.Preferred {
				continue
			}
			if !set.Collides(fix.Edits) {
				set.Add(fix.Edits)
				taken = append(taken, fix.Edits...)
				fixed = append(fixed, i)
			}
			break
		}
	}
	return taken, fixed
}

// hasPreferredFix reports whether a finding has a preferred fix.
func hasPreferredFix(findings []analysis.Finding) bool {
	for _, f := range findings {
		for _, fix := range f.Fixes {
			if fix.Preferred {
				return true
			}
		}
	}
	return false
}

// resolveCodeAction answers codeAction/resolve: a fix-all action gets the
// edit of the document's fixes as they are now; any other action is
// complete already and comes back as it was sent.
func (s *Server) resolveCodeAction(ctx context.Context, params json.RawMessage) (any, error) {
	// Data as it came, not as protocol decodes it (it hides the embedded
	// field): the action goes back with the client's data byte for byte.
	var action struct {
		protocol.CodeAction
		Data json.RawMessage `json:"data,omitempty"`
	}
	if err := json.Unmarshal(params, &action); err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "codeAction/resolve: %v", err)
	}
	var data fixAllData
	if json.Unmarshal(action.Data, &data) != nil || data.FixAll == "" {
		return action, nil
	}
	r, err := s.currentAnalysis(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	docChanges := s.caps.Workspace.WorkspaceEdit.DocumentChanges
	s.mu.Unlock()
	if taken, _ := preferredFixes(r.of(uriToPath(data.FixAll))); len(taken) > 0 {
		if edit, ok := s.workspaceEdit(r.snap, taken, docChanges); ok {
			action.Edit = edit
		}
	}
	return action, ctx.Err()
}

// workspaceEdit converts edits (maybe in several files) to a WorkspaceEdit
// on the snapshot the findings came from. With documentChanges, open
// documents carry their version, so the client refuses the edit if the text
// moved on since.
func (s *Server) workspaceEdit(snap *snapshot, edits []analysis.TextEdit, docChanges bool) (*protocol.WorkspaceEdit, bool) {
	byFile := map[string][]analysis.TextEdit{}
	var files []string
	for _, e := range edits {
		if _, seen := byFile[e.File]; !seen {
			files = append(files, e.File)
		}
		byFile[e.File] = append(byFile[e.File], e)
	}
	we := &protocol.WorkspaceEdit{}
	for _, file := range files {
		lines := snap.lines(file)
		if lines == nil {
			s.log.Warn("a fix edits a file outside the workspace; not offered", zap.String("file", file))
			return nil, false
		}
		list := byFile[file]
		sort.SliceStable(list, func(i, j int) bool { return list[i].Pos < list[j].Pos })
		var tes []protocol.TextEdit
		for _, e := range list {
			tes = append(tes, protocol.TextEdit{Range: rangeOf(lines, e.Pos, e.End, snap.enc), NewText: e.NewText})
		}
		u := snap.uriOf(file)
		if docChanges {
			we.DocumentChanges = append(we.DocumentChanges, protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
					TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u},
					Version:                snap.versionOf(file),
				},
				Edits: tes,
			})
		} else {
			if we.Changes == nil {
				we.Changes = map[protocol.DocumentURI][]protocol.TextEdit{}
			}
			we.Changes[u] = tes
		}
	}
	return we, true
}
