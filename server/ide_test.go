package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// cursorDoc opens a document given with a "|" cursor marker and returns its
// URI and the cursor's position.
func (c *testClient) cursorDoc(name, src string) (protocol.DocumentURI, protocol.Position) {
	c.t.Helper()
	off := strings.Index(src, "|")
	text := src[:off] + src[off+1:]
	line := strings.Count(text[:off], "\n")
	col := off - strings.LastIndex(text[:off], "\n") - 1
	u := protocol.DocumentURI("file:///ws/" + name)
	c.open(u, text)
	return u, protocol.Position{Line: uint32(line), Character: uint32(col)}
}

func TestCapabilitiesAdvertiseFeatures(t *testing.T) {
	c := startSession(t, Options{})
	res := c.initialize(sessionOptions{})
	caps, _ := res["capabilities"].(map[string]any)
	for _, k := range []string{"hoverProvider", "completionProvider", "documentSymbolProvider", "workspaceSymbolProvider", "foldingRangeProvider", "selectionRangeProvider"} {
		if caps[k] == nil || caps[k] == false {
			t.Errorf("capability %s not advertised: %v", k, caps[k])
		}
	}
}

func TestHoverOverProtocol(t *testing.T) {
	c := start(t, Options{})
	u, p := c.cursorDoc("a.nix", `{ microvm.hyper|visor = "qemu"; }`)
	var h protocol.Hover
	c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}}, &h)
	if !strings.Contains(h.Contents.Value, "cloud-hypervisor") || h.Contents.Kind != protocol.Markdown {
		t.Fatalf("hover: %+v", h)
	}
	if h.Range == nil || h.Range.Start.Character != 10 || h.Range.End.Character != 20 {
		t.Errorf("range: %+v", h.Range)
	}
	// nothing to say: null
	u2, p2 := c.cursorDoc("b.nix", `{ a = 1;| }`)
	var raw json.RawMessage
	c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u2}, Position: p2}}, &raw)
	if len(raw) != 0 && string(raw) != "null" {
		t.Errorf("want null, got %s", raw)
	}
}

func TestCompletionOverProtocol(t *testing.T) {
	c := start(t, Options{})
	u, p := c.cursorDoc("a.nix", `{ microvm.hypervisor = "fi|"; }`)
	var list protocol.CompletionList
	c.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}}, &list)
	var found *protocol.CompletionItem
	for i := range list.Items {
		if list.Items[i].Label == "firecracker" {
			found = &list.Items[i]
		}
	}
	if found == nil || found.TextEdit == nil {
		t.Fatalf("no firecracker item with an edit: %+v", list.Items)
	}
	if found.TextEdit.Range.Start.Character != 24 || found.TextEdit.Range.End.Character != 26 {
		t.Errorf("edit range %+v, want the string's content", found.TextEdit.Range)
	}
}

// TestCompletionIsBounded: a list longer than maxCompletionItems is cut
// there and marked incomplete, so that the client asks again as the word
// grows; the items that start the word typed are all there.
func TestCompletionIsBounded(t *testing.T) {
	c := start(t, Options{})
	var b strings.Builder
	b.WriteString("let\n")
	for i := range maxCompletionItems + 100 {
		fmt.Fprintf(&b, "  v%d = %d;\n", i, i)
	}
	u, p := c.cursorDoc("big.nix", b.String()+"in [ |v42 ]")
	ask := func(p protocol.Position) protocol.CompletionList {
		var list protocol.CompletionList
		c.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}}, &list)
		return list
	}
	if list := ask(p); len(list.Items) != maxCompletionItems || !list.IsIncomplete {
		t.Errorf("empty word: %d items, incomplete %v", len(list.Items), list.IsIncomplete)
	}
	p.Character += 3 // after "v42"
	list := ask(p)
	if list.IsIncomplete || len(list.Items) != 111 { // v42, v420 to v429, v4200 to v4299
		t.Errorf("after v42: %d items, incomplete %v", len(list.Items), list.IsIncomplete)
	}
}

func TestSymbolsFoldingSelectionOverProtocol(t *testing.T) {
	c := start(t, Options{})
	src := "# a\n# b\nlet\n  x = {\n    y = 1;\n  };\nin\n{\n  z = x;\n}\n"
	u := protocol.DocumentURI("file:///ws/s.nix")
	c.open(u, src)
	var syms []protocol.DocumentSymbol
	c.call(protocol.MethodTextDocumentDocumentSymbol, protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, &syms)
	if len(syms) != 2 || syms[0].Name != "x" || len(syms[0].Children) != 1 || syms[0].Children[0].Name != "y" || syms[1].Name != "z" {
		t.Errorf("symbols: %+v", syms)
	}
	var folds []protocol.FoldingRange
	c.call(protocol.MethodTextDocumentFoldingRange, protocol.FoldingRangeParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}}, &folds)
	want := map[[2]uint32]bool{{0, 1}: true, {2, 5}: true, {3, 4}: true, {7, 8}: true}
	for _, f := range folds {
		delete(want, [2]uint32{f.StartLine, f.EndLine})
	}
	if len(want) > 0 {
		t.Errorf("folds %+v lack %v", folds, want)
	}
	var sel []selectionRange
	c.call(methodSelectionRange, map[string]any{"textDocument": map[string]any{"uri": u}, "positions": []protocol.Position{{Line: 4, Character: 4}}}, &sel)
	if len(sel) != 1 || sel[0].Parent == nil || sel[0].Range.Start != (protocol.Position{Line: 4, Character: 4}) {
		t.Fatalf("selection: %+v", sel)
	}
	// A position at the bottom of a chain of 6,000 '+': the innermost
	// ranges, up to the bound, then the whole file, nested no deeper than a
	// reply encoding/json decodes.
	chainURI := protocol.DocumentURI("file:///ws/deep.nix")
	chainSrc := "1" + strings.Repeat(" + 1", 6000)
	c.open(chainURI, chainSrc)
	var chain []selectionRange
	c.call(methodSelectionRange, map[string]any{"textDocument": map[string]any{"uri": chainURI}, "positions": []protocol.Position{{Line: 0, Character: 0}}}, &chain)
	if len(chain) != 1 {
		t.Fatalf("selection in the chain: %d results", len(chain))
	}
	n, last := 0, protocol.Range{}
	for sr := &chain[0]; sr != nil; sr = sr.Parent {
		if n < 2 && sr.Range.End.Character != uint32(1+4*n) {
			t.Errorf("range %d of the chain: %+v", n, sr.Range)
		}
		n, last = n+1, sr.Range
	}
	if n != maxSelectionRanges || last.End.Character != uint32(len(chainSrc)) || last.Start.Character != 0 {
		t.Errorf("selection in the chain: %d ranges, the last %+v", n, last)
	}
	var ws []protocol.SymbolInformation
	c.call(protocol.MethodWorkspaceSymbol, protocol.WorkspaceSymbolParams{Query: "x"}, &ws)
	if len(ws) == 0 || ws[0].Name != "x" {
		t.Errorf("workspace symbols: %+v", ws)
	}
}

func TestCodeLensAndShowRoles(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///ws/flake.nix")
	c.open(u, `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem {
      modules = [ microvm.nixosModules.host microvm.nixosModules.microvm ./hardware-configuration.nix ];
    };
  };
}
`)
	var lenses []protocol.CodeLens
	c.call(protocol.MethodTextDocumentCodeLens, protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, &lenses)
	if len(lenses) != 1 || lenses[0].Command == nil || lenses[0].Command.Title != "microvm role: conflict" || lenses[0].Range.Start.Line != 3 {
		t.Fatalf("lenses: %+v %+v", lenses, lenses[0].Command)
	}
	var text string
	c.call(protocol.MethodWorkspaceExecuteCommand, protocol.ExecuteCommandParams{Command: lenses[0].Command.Command, Arguments: lenses[0].Command.Arguments}, &text)
	if !strings.Contains(text, "system box: conflict") || !strings.Contains(text, "microvm.nixosModules.microvm via flake.nix:5") {
		t.Errorf("showRoles: %q", text)
	}
	if err := c.callErr(protocol.MethodWorkspaceExecuteCommand, protocol.ExecuteCommandParams{Command: "nope"}, nil); err == nil {
		t.Error("an unknown command succeeded")
	}
}

func TestFormattingRunsTheConfiguredCommand(t *testing.T) {
	c := startSession(t, Options{})
	// tr stands in for a formatter: it reads stdin and writes stdout
	c.initialize(sessionOptions{initOptions: map[string]any{"formatter": []string{"tr", "a", "b"}}})
	u := protocol.DocumentURI("file:///ws/f.nix")
	c.open(u, "{ a = 1; }\n")
	var edits []protocol.TextEdit
	c.call(protocol.MethodTextDocumentFormatting, protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, &edits)
	if len(edits) != 1 || edits[0].NewText != "{ b = 1; }\n" || edits[0].Range.End.Line != 1 {
		t.Fatalf("edits: %+v", edits)
	}
}

func TestFormattingWithoutFormatterSaysWhatToDo(t *testing.T) {
	c := startSession(t, Options{})
	c.initialize(sessionOptions{initOptions: map[string]any{"microvm-lsp": map[string]any{"formatter": []string{"no-such-formatter-xyz"}}}})
	u := protocol.DocumentURI("file:///ws/f.nix")
	c.open(u, "{ }\n")
	err := c.callErr(protocol.MethodTextDocumentFormatting, protocol.DocumentFormattingParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, nil)
	if err == nil || !strings.Contains(err.Error(), "no-such-formatter-xyz not found on PATH; set microvm-lsp.formatter") {
		t.Fatalf("err = %v", err)
	}
}

func TestSemanticTokensAndLinksOverProtocol(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///ws/t.nix")
	c.open(u, "# é\nlet x = ''\n  a\n''; in x # \"https://example.org\"\n")
	var toks protocol.SemanticTokens
	c.call(protocol.MethodSemanticTokensFull, protocol.SemanticTokensParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, &toks)
	// comment "# é" (3 UTF-16 units); let; x; the string in 3 pieces; in; x; comment
	want := []uint32{
		0, 0, 3, 6, 0,
		1, 0, 3, 0, 0,
		0, 4, 1, 1, 0,
		0, 4, 2, 4, 0,
		1, 0, 3, 4, 0,
		1, 0, 2, 4, 0,
		0, 4, 2, 0, 0,
		0, 3, 1, 1, 0,
		0, 2, 23, 6, 0,
	}
	if len(toks.Data) != len(want) {
		t.Fatalf("data %v, want %v", toks.Data, want)
	}
	for i := range want {
		if toks.Data[i] != want[i] {
			t.Fatalf("data %v, want %v (index %d)", toks.Data, want, i)
		}
	}
	var part protocol.SemanticTokens
	c.call(protocol.MethodSemanticTokensRange, protocol.SemanticTokensRangeParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Range: protocol.Range{Start: protocol.Position{Line: 1}, End: protocol.Position{Line: 1, Character: 5}}}, &part)
	if len(part.Data) != 10 {
		t.Errorf("range tokens: %v", part.Data)
	}
	c.open("file:///ws/l.nix", `{ url = "github:microvm-nix/microvm.nix"; }`)
	var links []protocol.DocumentLink
	c.call(protocol.MethodTextDocumentDocumentLink, protocol.DocumentLinkParams{TextDocument: protocol.TextDocumentIdentifier{URI: "file:///ws/l.nix"}}, &links)
	if len(links) != 1 || links[0].Target != "https://github.com/microvm-nix/microvm.nix" {
		t.Errorf("links: %+v", links)
	}
}

// After an edit, full/delta answers with the edit of the token list the
// client holds: applied to it, the list a full request gives.
func TestSemanticTokensDeltaOverProtocol(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///ws/d.nix")
	var b strings.Builder
	b.WriteString("{ lib, pkgs }:\n{\n")
	for i := range 400 {
		fmt.Fprintf(&b, "  p%d = pkgs.callPackage ./p%d { inherit lib; };\n", i, i)
	}
	b.WriteString("}\n")
	c.open(u, b.String())
	td := protocol.TextDocumentIdentifier{URI: u}
	var full protocol.SemanticTokens
	c.call(protocol.MethodSemanticTokensFull, protocol.SemanticTokensParams{TextDocument: td}, &full)
	if full.ResultID == "" || len(full.Data) < 400*5 {
		t.Fatalf("full: id %q, %d numbers", full.ResultID, len(full.Data))
	}
	held, id := full.Data, full.ResultID
	version := int32(1)
	for _, edit := range []struct {
		line, col int
		text      string
	}{{200, 2, "x"}, {2, 0, "  q = lib.id 1;\n"}, {401, 0, ""}, {100, 2, "r = 2; "}} {
		version++
		c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
			"textDocument":   map[string]any{"uri": u, "version": version},
			"contentChanges": []any{map[string]any{"range": protocol.Range{Start: protocol.Position{Line: uint32(edit.line), Character: uint32(edit.col)}, End: protocol.Position{Line: uint32(edit.line), Character: uint32(edit.col)}}, "text": edit.text}},
		})
		var delta struct {
			ResultID string                        `json:"resultId"`
			Edits    []protocol.SemanticTokensEdit `json:"edits"`
			Data     []uint32                      `json:"data"`
		}
		c.call(protocol.MethodSemanticTokensFullDelta, protocol.SemanticTokensDeltaParams{TextDocument: td, PreviousResultID: id}, &delta)
		if delta.Data != nil || delta.Edits == nil || delta.ResultID == "" || delta.ResultID == id {
			t.Fatalf("after edit %d: not a delta: %+v", version, delta)
		}
		for _, e := range delta.Edits {
			if e.Start%5 != 0 || e.DeleteCount%5 != 0 || len(e.Data)%5 != 0 {
				t.Errorf("edit not in whole tokens: %+v", e)
			}
			if len(e.Data) > 40 {
				t.Errorf("after edit %d: %d numbers sent, the edit touches a line's tokens", version, len(e.Data))
			}
			held = slices.Concat(held[:e.Start], e.Data, held[e.Start+e.DeleteCount:])
		}
		var now protocol.SemanticTokens
		c.call(protocol.MethodSemanticTokensFull, protocol.SemanticTokensParams{TextDocument: td}, &now)
		if !slices.Equal(held, now.Data) {
			t.Fatalf("after edit %d: the delta applied gives another list than a full request", version)
		}
		// The full request just made is now the last result.
		id = now.ResultID
	}
	// A result not kept, or no longer: the whole list.
	for _, prev := range []string{"", "no-such-id"} {
		var raw map[string]json.RawMessage
		c.call(protocol.MethodSemanticTokensFullDelta, protocol.SemanticTokensDeltaParams{TextDocument: td, PreviousResultID: prev}, &raw)
		if raw["data"] == nil || raw["edits"] != nil {
			t.Errorf("previous result %q: want the whole list, got %v", prev, slices.Collect(maps.Keys(raw)))
		}
	}
	c.notify(protocol.MethodTextDocumentDidClose, map[string]any{"textDocument": map[string]any{"uri": u}})
	kept := func() int {
		c.srv.tokens.mu.Lock()
		defer c.srv.tokens.mu.Unlock()
		return len(c.srv.tokens.last)
	}
	// A request on another document: the close before it has been handled.
	var other protocol.SemanticTokens
	c.call(protocol.MethodSemanticTokensFull, protocol.SemanticTokensParams{TextDocument: protocol.TextDocumentIdentifier{URI: "file:///ws/other.nix"}}, &other)
	if n := kept(); n != 0 || other.ResultID != "" {
		t.Errorf("closed: %d results kept; a document not open got the id %q", n, other.ResultID)
	}
	var closed protocol.SemanticTokens
	c.call(protocol.MethodSemanticTokensFull, protocol.SemanticTokensParams{TextDocument: td}, &closed)
	if n := kept(); n != 0 || closed.ResultID != "" {
		t.Errorf("closed: %d results kept, id %q", n, closed.ResultID)
	}
}

func TestTokenEdits(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	tokens := func(n int) []uint32 {
		d := make([]uint32, 5*n)
		for i := range d {
			d[i] = uint32(rng.Intn(3))
		}
		return d
	}
	for i := 0; i < 2000; i++ {
		old := tokens(rng.Intn(30))
		cut := 5 * rng.Intn(len(old)/5+1)
		end := cut + 5*rng.Intn((len(old)-cut)/5+1)
		inserted := tokens(rng.Intn(4))
		new := slices.Concat(old[:cut], inserted, old[end:])
		unrelated := rng.Intn(4) == 0
		if unrelated {
			new = tokens(rng.Intn(30))
		}
		edits := tokenEdits(old, new)
		got := old
		for _, e := range edits {
			if e.Start%5 != 0 || e.DeleteCount%5 != 0 || int(e.Start+e.DeleteCount) > len(got) {
				t.Fatalf("%v -> %v: edit %+v", old, new, e)
			}
			got = slices.Concat(got[:e.Start], e.Data, got[e.Start+e.DeleteCount:])
		}
		if !slices.Equal(got, new) {
			t.Fatalf("%v -> %v: edits %+v give %v", old, new, edits, got)
		}
		if slices.Equal(old, new) != (len(edits) == 0) || len(edits) > 1 {
			t.Fatalf("%v -> %v: edits %+v", old, new, edits)
		}
		// What both lists share at their ends is not sent again.
		if !unrelated && len(edits) == 1 && len(edits[0].Data) > len(inserted) {
			t.Fatalf("%v -> %v: %d numbers sent for %d inserted", old, new, len(edits[0].Data), len(inserted))
		}
	}
}

func TestNavigationAndRenameOverProtocol(t *testing.T) {
	c := start(t, Options{})
	u, p := c.cursorDoc("n.nix", "let x = 1; in x + |x")
	tdp := protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}
	var locs []protocol.Location
	c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: tdp}, &locs)
	if len(locs) != 1 || locs[0].Range.Start.Character != 4 {
		t.Errorf("definition: %+v", locs)
	}
	c.call(protocol.MethodTextDocumentReferences, protocol.ReferenceParams{TextDocumentPositionParams: tdp, Context: protocol.ReferenceContext{IncludeDeclaration: true}}, &locs)
	if len(locs) != 3 {
		t.Errorf("references: %+v", locs)
	}
	var hs []protocol.DocumentHighlight
	c.call(protocol.MethodTextDocumentDocumentHighlight, protocol.DocumentHighlightParams{TextDocumentPositionParams: tdp}, &hs)
	if len(hs) != 3 || hs[0].Kind != protocol.DocumentHighlightKindWrite {
		t.Errorf("highlights: %+v", hs)
	}
	var edit protocol.WorkspaceEdit
	c.call(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: tdp, NewName: "y"}, &edit)
	if len(edit.DocumentChanges) != 1 || len(edit.DocumentChanges[0].Edits) != 3 || *edit.DocumentChanges[0].TextDocument.Version != 1 {
		t.Errorf("rename: %+v", edit)
	}
	err := c.callErr(protocol.MethodTextDocumentPrepareRename, protocol.PrepareRenameParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: tdp.TextDocument, Position: protocol.Position{Line: 0, Character: 1}}}, nil)
	if err == nil || !strings.Contains(err.Error(), "no variable here") {
		t.Errorf("prepareRename on a keyword: %v", err)
	}
}

func TestRefactorActionsOverProtocol(t *testing.T) {
	c := start(t, Options{})
	u, p := c.cursorDoc("r.nix", "x: { |x = x; }")
	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, Range: protocol.Range{Start: p, End: p},
		Context: protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.Refactor}},
	}, &actions)
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
		if a.Kind != protocol.RefactorRewrite {
			t.Errorf("kind %s", a.Kind)
		}
	}
	if len(actions) == 0 || actions[0].Title != "Convert to `inherit x;`" || actions[0].Edit.DocumentChanges[0].Edits[0].NewText != "inherit x;" {
		t.Errorf("actions: %v", titles)
	}
}

func TestIssue6FeaturesOverProtocol(t *testing.T) {
	c := start(t, Options{})
	c.open("file:///ws/modules/foo.nix", "{ ... }: { }\n")
	u, p := c.cursorDoc("flake.nix", `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { self, nixpkgs, microvm }: {
    nixosModules.foo = ./modules/foo.nix;
    nixosConfigurations.box = nixpkgs.lib.nixosSystem {
      modules = [ self.nixosModules.f|oo microvm.nixosModules.host ./box.nix ];
    };
  };
}
`)
	// definition of a module element through the module graph
	var locs []protocol.Location
	c.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}}, &locs)
	if len(locs) != 1 || locs[0].URI != "file:///ws/modules/foo.nix" {
		t.Errorf("definition of self.nixosModules.foo: %+v", locs)
	}
	// completion details tell which module the system lacks
	bu, bp := c.cursorDoc("box.nix", "{ microvm.| }\n")
	var list protocol.CompletionList
	c.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: bu}, Position: bp}}, &list)
	found := false
	for _, it := range list.Items {
		if it.Label == "hypervisor" {
			found = strings.Contains(it.Detail, "imports microvm.nixosModules.host only")
		}
	}
	if !found {
		t.Errorf("no role note on hypervisor: %+v", list.Items)
	}
	// rename through inherit keeps the attribute name
	ru, rp := c.cursorDoc("r.nix", "let |x = 1; in { inherit x; }")
	var edit protocol.WorkspaceEdit
	c.call(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: ru}, Position: rp}, NewName: "y"}, &edit)
	var news []string
	if len(edit.DocumentChanges) == 1 {
		for _, e := range edit.DocumentChanges[0].Edits {
			news = append(news, e.NewText)
		}
	}
	if strings.Join(news, "|") != "y|x = y;" {
		t.Errorf("rename through inherit: %v", news)
	}
	// renaming a binding made by inherit is refused
	iu, ip := c.cursorDoc("i.nix", "{ pkgs }: let inherit (pkgs) lib; in |lib")
	err := c.callErr(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: iu}, Position: ip}, NewName: "l"}, nil)
	if err == nil || !strings.Contains(err.Error(), "inherit (pkgs) lib") {
		t.Errorf("rename of an inherited binding: %v", err)
	}
	// an unused formal can be removed
	fu, fp := c.cursorDoc("f.nix", "{ a, |b, ... }: a")
	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: fu}, Range: protocol.Range{Start: fp, End: fp},
		Context: protocol.CodeActionContext{Only: []protocol.CodeActionKind{protocol.Refactor}},
	}, &actions)
	ok := false
	for _, a := range actions {
		if a.Title == "Remove unused formal `b`" {
			e := a.Edit.DocumentChanges[0].Edits[0]
			ok = e.NewText == "" && e.Range.Start.Character == 5 && e.Range.End.Character == 8
		}
	}
	if !ok {
		t.Errorf("remove unused formal: %+v", actions)
	}
}
