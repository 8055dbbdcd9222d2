package server

import (
	"encoding/json"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// TestPanicIsRecovered: an analysis that panics on some input fails the
// request that needed it with InternalError; the session carries on.
func TestPanicIsRecovered(t *testing.T) {
	panicky := func(ws *analysis.Workspace, cfg analysis.Config) []analysis.Finding {
		for _, f := range ws.All() {
			if strings.Contains(string(f.Src), "PANIC") {
				panic("analysis exploded")
			}
		}
		return analysis.Analyze(ws, cfg)
	}
	c := start(t, Options{Analyze: panicky})
	u := protocol.DocumentURI("file:///w/p.nix")
	c.open(u, "PANIC")
	err := c.callErr(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, nil)
	if rpcCode(err) != jsonrpc2.InternalError {
		t.Fatalf("code action over a panicking analysis: %v, want InternalError", err)
	}
	// The same session still answers and still publishes.
	c.replaceAll(u, "{ a = 1 }")
	c.waitCount(u, 1)
	var actions []protocol.CodeAction
	c.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}, &actions)
}

// TestCancelRequest: a request cancelled while it waits is answered with
// RequestCancelled.
func TestCancelRequest(t *testing.T) {
	gate := make(chan struct{})
	blocking := func(ws *analysis.Workspace, cfg analysis.Config) []analysis.Finding {
		for _, f := range ws.All() {
			if strings.Contains(string(f.Src), "BLOCK") {
				<-gate
			}
		}
		return analysis.Analyze(ws, cfg)
	}
	c := start(t, Options{Analyze: blocking})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release) // runs before the session's cleanup
	u := protocol.DocumentURI("file:///w/slow.nix")
	c.open(u, "BLOCK")
	c.rawCall("test-1", protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	c.notify(protocol.MethodCancelRequest, map[string]any{"id": "test-1"})
	resp := c.waitResponse("test-1")
	if rpcCode(resp.Err()) != protocol.CodeRequestCancelled {
		t.Errorf("cancelled request answered %v, want RequestCancelled", resp.Err())
	}
	release()
	c.replaceAll(u, "{ a = 1 }")
	c.waitCount(u, 1)
}

// TestOutOfRangeEditsKeepTheStoreInSync sends edits with ranges past line
// ends, past the end of the text and reversed, alongside ordinary ones, and
// checks that the server holds what a VS Code buffer would hold.
func TestOutOfRangeEditsKeepTheStoreInSync(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/sync.nix")
	c.open(u, "{\r\n  a = \"é😀\";\r\n  b = 2;\r\n}\r\n")
	rnd := rand.New(rand.NewSource(1))
	inserts := []string{"", "x", "\r\n", "\n", "😀", "é = 1;", "\r"}
	for i := 0; i < 200; i++ {
		r := rng(rnd.Intn(8)-1, rnd.Intn(14)-1, rnd.Intn(8)-1, rnd.Intn(14)-1)
		c.edit(u, r, inserts[rnd.Intn(len(inserts))])
	}
	got := c.storedText(u)
	c.mu.Lock()
	want, version := c.texts[u], c.versions[u]
	c.mu.Unlock()
	if got.Text != want || got.Version != version {
		t.Errorf("server holds version %d %q\nclient holds version %d %q", got.Version, got.Text, version, want)
	}
}

func TestEditOfUnopenedDocumentIsIgnored(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///w/never-opened.nix")
	c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
		"textDocument":   map[string]any{"uri": u, "version": 2},
		"contentChanges": []map[string]any{{"range": rng(0, 0, 0, 0), "text": "x"}},
	})
	err := c.callErr(methodDebugDocText, map[string]any{"uri": u}, nil)
	if rpcCode(err) != jsonrpc2.InvalidParams {
		t.Errorf("document text of an unopened document: %v", err)
	}
}

func TestCancelRequestIDs(t *testing.T) {
	for raw, want := range map[string]jsonrpc2.ID{`{"id": 7}`: jsonrpc2.NewNumberID(7), `{"id": "abc"}`: jsonrpc2.NewStringID("abc")} {
		var p struct {
			ID jsonrpc2.ID `json:"id"`
		}
		if err := json.Unmarshal([]byte(raw), &p); err != nil || p.ID != want {
			t.Errorf("%s: got %v (%v), want %v", raw, p.ID, err, want)
		}
	}
}
