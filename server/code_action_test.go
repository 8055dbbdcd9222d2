package server

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// fixingAnalysis reports "bad" wherever it appears in file a, with two
// fixes: a preferred one that edits a and b, and another one.
func fixingAnalysis(aPath, bPath string) func(*analysis.Workspace, analysis.Config) []analysis.Finding {
	return func(ws *analysis.Workspace, _ analysis.Config) []analysis.Finding {
		return findBad(ws, aPath, bPath)
	}
}

func findBad(ws *analysis.Workspace, aPath, bPath string) []analysis.Finding {
	a := ws.At(aPath)
	if a == nil {
		return nil
	}
	var out []analysis.Finding
	src := string(a.Src)
	for off := 0; ; {
		i := strings.Index(src[off:], "bad")
		if i < 0 {
			break
		}
		pos := off + i
		out = append(out, analysis.Finding{
			File: aPath, Pos: pos, End: pos + 3, Severity: analysis.SeverityWarning, Code: "fake-bad", Message: "bad",
			Fixes: []analysis.Fix{
				{Title: "make it good everywhere", Preferred: true, Edits: []analysis.TextEdit{
					{File: aPath, Pos: pos, End: pos + 3, NewText: "good"},
					{File: bPath, Pos: 0, End: 0, NewText: "# fixed\n"},
				}},
				{Title: "remove it", Edits: []analysis.TextEdit{{File: aPath, Pos: pos, End: pos + 3}}},
			},
		})
		off = pos + 3
	}
	return out
}

func TestCodeActionOffersMultiFileFix(t *testing.T) {
	// b.nix is on disk and not open: its edit carries no version.
	dir := workspace(t, map[string]string{"b.nix": "{ }\n"})
	root := normalizePath(dir)
	c := startSession(t, Options{Analyze: fixingAnalysis(root+"/a.nix", root+"/b.nix")})
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	a, b := fileURI(root+"/a.nix"), fileURI(root+"/b.nix")
	c.open(a, "[\n  bad\n]\n")
	c.waitCount(a, 1)

	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: a},
		Range:        protocol.Range{Start: protocol.Position{Line: 1, Character: 3}, End: protocol.Position{Line: 1, Character: 3}},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.QuickFix}},
	}, &actions)
	if len(actions) != 2 {
		t.Fatalf("got %d actions, want 2: %+v", len(actions), actions)
	}
	fix := actions[0]
	if fix.Title != "make it good everywhere" || fix.Kind != protocol.QuickFix || !fix.IsPreferred || actions[1].IsPreferred {
		t.Errorf("action = %+v", fix)
	}
	if len(fix.Diagnostics) != 1 || fix.Diagnostics[0].Code != "fake-bad" {
		t.Errorf("diagnostics = %+v", fix.Diagnostics)
	}
	if fix.Edit == nil || len(fix.Edit.DocumentChanges) != 2 {
		t.Fatalf("edit = %+v", fix.Edit)
	}
	edA, edB := fix.Edit.DocumentChanges[0], fix.Edit.DocumentChanges[1]
	if edA.TextDocument.URI != a || edA.TextDocument.Version == nil || *edA.TextDocument.Version != 1 {
		t.Errorf("a.nix edit = %+v", edA.TextDocument)
	}
	if edB.TextDocument.URI != b || edB.TextDocument.Version != nil || len(edB.Edits) != 1 || edB.Edits[0].NewText != "# fixed\n" {
		t.Errorf("b.nix edit = %+v", edB)
	}
	want := protocol.Range{Start: protocol.Position{Line: 1, Character: 2}, End: protocol.Position{Line: 1, Character: 5}}
	if edA.Edits[0].Range != want || edA.Edits[0].NewText != "good" {
		t.Errorf("a.nix text edit = %+v", edA.Edits[0])
	}

	// Away from the finding there is nothing to fix.
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: a},
		Range:        protocol.Range{Start: protocol.Position{Line: 0, Character: 0}, End: protocol.Position{Line: 0, Character: 1}},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.QuickFix}},
	}, &actions)
	if len(actions) != 0 {
		t.Errorf("actions away from the finding: %+v", actions)
	}
}

func TestCodeActionWithoutDocumentChanges(t *testing.T) {
	c := startSession(t, Options{Analyze: fixingAnalysis("/w/a.nix", "/w/b.nix")})
	caps := vscodeCapabilities()
	caps["workspace"].(map[string]any)["workspaceEdit"] = map[string]any{"documentChanges": false}
	c.initialize(sessionOptions{capabilities: caps})
	a := protocol.DocumentURI("file:///w/a.nix")
	c.open("file:///w/b.nix", "{ }\n")
	c.open(a, "bad")
	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: a},
		Range:        protocol.Range{End: protocol.Position{Character: 3}},
	}, &actions)
	if len(actions) == 0 || actions[0].Edit == nil || len(actions[0].Edit.Changes) != 2 || actions[0].Edit.DocumentChanges != nil {
		t.Fatalf("actions = %+v", actions)
	}
}

func TestFixAllAppliesPreferredFixesOnce(t *testing.T) {
	c := start(t, Options{Analyze: fixingAnalysis("/w/a.nix", "/w/b.nix")})
	a := protocol.DocumentURI("file:///w/a.nix")
	c.open("file:///w/b.nix", "{ }\n")
	c.open(a, "[ bad bad ]")
	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: a},
		Context:      protocol.CodeActionContext{Only: []protocol.CodeActionKind{"source.fixAll"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Kind != fixAllKind {
		t.Fatalf("actions = %+v", actions)
	}
	// Both findings insert the same text at the start of b.nix: the second
	// fix collides with the first and is left out.
	var edits int
	for _, dc := range actions[0].Edit.DocumentChanges {
		edits += len(dc.Edits)
	}
	if edits != 2 || len(actions[0].Diagnostics) != 1 {
		t.Errorf("fix all: %d edits, %d diagnostics; want 2 and 1: %+v", edits, len(actions[0].Diagnostics), actions[0].Edit)
	}
}

// A client that resolves a code action's edit when it is picked gets the
// fix-all action without its edit, and the edit of the document's fixes as
// they are then from codeAction/resolve.
func TestFixAllResolvedWhenPicked(t *testing.T) {
	c := startSession(t, Options{Analyze: fixingAnalysis("/w/a.nix", "/w/b.nix")})
	caps := vscodeCapabilities()
	ca := caps["textDocument"].(map[string]any)["codeAction"].(map[string]any)
	ca["dataSupport"] = true
	ca["resolveSupport"] = map[string]any{"properties": []string{"edit"}}
	init := c.initialize(sessionOptions{capabilities: caps})
	if p, _ := init["capabilities"].(map[string]any)["codeActionProvider"].(map[string]any); p["resolveProvider"] != true {
		t.Fatalf("codeActionProvider %v", p)
	}
	a := protocol.DocumentURI("file:///w/a.nix")
	c.open("file:///w/b.nix", "{ }\n")
	c.open(a, "[ bad bad ]")
	actions := func() []protocol.CodeAction {
		var actions []protocol.CodeAction
		c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: a},
			Range:        protocol.Range{Start: protocol.Position{Character: 2}, End: protocol.Position{Character: 2}},
		}, &actions)
		return actions
	}
	var fixAll, quick *protocol.CodeAction
	for _, act := range actions() {
		switch act.Kind {
		case fixAllKind:
			fixAll = &act
		case protocol.QuickFix:
			quick = &act
		}
	}
	if fixAll == nil || fixAll.Edit != nil || fixAll.Data == nil || len(fixAll.Diagnostics) != 0 || quick == nil || quick.Edit == nil {
		t.Fatalf("fix all %+v, quick fix %+v", fixAll, quick)
	}
	var resolved protocol.CodeAction
	c.call(methodCodeActionResolve, fixAll, &resolved)
	var edits int
	if resolved.Edit != nil {
		for _, dc := range resolved.Edit.DocumentChanges {
			edits += len(dc.Edits)
		}
	}
	if edits != 2 || resolved.Title != fixAll.Title || resolved.Kind != fixAllKind {
		t.Errorf("resolved: %d edits, want 2: %+v", edits, resolved)
	}
	// A quick fix is complete already: it comes back as sent.
	var same protocol.CodeAction
	c.call(methodCodeActionResolve, quick, &same)
	if same.Title != quick.Title || same.Edit == nil || len(same.Edit.DocumentChanges) != len(quick.Edit.DocumentChanges) {
		t.Errorf("quick fix resolved to %+v", same)
	}
	// Data that is not ours, or names no document: the action as sent.
	for _, data := range []any{5, map[string]any{"fixAll": "file:///w/none.nix"}, map[string]any{"other": 1}} {
		var back protocol.CodeAction
		c.call(methodCodeActionResolve, map[string]any{"title": "t", "data": data}, &back)
		if back.Title != "t" || back.Edit != nil {
			t.Errorf("data %v: resolved to %+v", data, back)
		}
	}
	// Resolved after the findings are gone: no edit.
	c.replaceAll(a, "[ good ]")
	var none protocol.CodeAction
	c.call(methodCodeActionResolve, fixAll, &none)
	if none.Edit != nil {
		t.Errorf("resolved with nothing to fix: %+v", none.Edit)
	}
}
