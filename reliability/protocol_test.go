package reliability

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// JSON-RPC and LSP error codes.
const (
	codeParseError           = -32700
	codeInvalidRequest       = -32600
	codeMethodNotFound       = -32601
	codeInvalidParams        = -32602
	codeServerNotInitialized = -32002
)

const probeURI = "file:///reliability/probe.nix"
const probeText = "{ a = 1; b = \"é😀\"; }\n"

// newProbed starts an initialized server with the probe document open.
func newProbed(t *testing.T) *server {
	s := startServer(t, startOptions{})
	s.initialize()
	s.open(probeURI, probeText)
	probe(t, s)
	return s
}

// probe checks that the server is alive and answers ordinary requests
// correctly: a code action on an open document and its stored text.
func probe(t *testing.T, s *server) {
	t.Helper()
	s.alive()
	s.codeActions(probeURI, mkRange(0, 0, 0, 3))
	if got := s.documentText(probeURI); got.Text != probeText {
		t.Fatalf("probe document holds %q, want %q", got.Text, probeText)
	}
}

// probeAfterResync is probe for input that breaks the framing: the server
// may swallow the first probe while it finds the next header, but one of a
// few must be answered.
func probeAfterResync(t *testing.T, s *server) {
	t.Helper()
	for i := 0; i < 10; i++ {
		_, ch := s.request("microvm-lsp/debug/documentText", map[string]any{"uri": probeURI})
		select {
		case m := <-ch:
			if m.Error != nil {
				t.Fatalf("probe after bad framing: %v", m.Error)
			}
			probe(t, s)
			return
		case <-s.exited:
			t.Fatalf("the server exited after bad framing: %v", s.exitErr)
		case <-time.After(500 * time.Millisecond):
		}
	}
	t.Fatal("the server answers nothing after bad framing")
}

// registerID waits for a response to an id the test writes itself.
func (s *server) registerID(id string) (string, <-chan message) {
	ch := make(chan message, 1)
	s.mu.Lock()
	s.waiters[id] = ch
	s.mu.Unlock()
	return id, ch
}

func (s *server) waitID(t *testing.T, ch <-chan message) message {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-s.exited:
		t.Fatalf("the server exited: %v", s.exitErr)
	case <-time.After(timeout):
		t.Fatal("no response")
	}
	return message{}
}

func wantCode(t *testing.T, what string, m message, code int) {
	t.Helper()
	if m.Error == nil {
		t.Errorf("%s: result %s, want error %d", what, m.Result, code)
		return
	}
	if m.Error.Code != code {
		t.Errorf("%s: error %v, want code %d", what, m.Error, code)
	}
}

// TestBadFraming: headers and bodies that break LSP's framing. The server
// logs, finds the next header and carries on.
func TestBadFraming(t *testing.T) {
	good := `{"jsonrpc":"2.0","method":"$/noSuchNotification","params":{}}`
	cases := map[string]string{
		"non-numeric length":   "Content-Length: abc\r\n\r\n" + good,
		"negative length":      "Content-Length: -5\r\n\r\n" + good,
		"overflowing length":   "Content-Length: 99999999999999999999999\r\n\r\n" + good,
		"huge length":          "Content-Length: 1099511627776\r\n\r\n" + good,
		"missing length":       "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + good,
		"header without colon": "this is not a header\r\n\r\n" + good,
		"empty header block":   "\r\n\r\n",
		"truncated body":       "Content-Length: 400\r\n\r\n" + good[:20],
		"length too short":     fmt.Sprintf("Content-Length: %d\r\n\r\n", len(good)-10) + good,
		"binary junk":          "\x00\xff\xfe\x01garbage\n\x00\x00",
		"bare LF headers":      fmt.Sprintf("Content-Length: %d\n\n", len(good)) + good,
	}
	for name, input := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newProbed(t)
			s.writeRaw([]byte(input))
			probeAfterResync(t, s)
		})
	}
}

// TestMalformedMessages: well-framed bodies that are not valid JSON-RPC get
// the JSON-RPC error the spec prescribes where an answer is possible.
func TestMalformedMessages(t *testing.T) {
	t.Parallel()
	s := newProbed(t)

	for _, body := range []string{`{"jsonrpc":"2.0","id":1,`, `{]`, "\x00", `{"jsonrpc":"2.0","id":"x","method":"textDocument/hover","params":{"a":"\xff` + "\x00" + `"}`} {
		_, ch := s.registerID("null")
		s.writeRaw(frame([]byte(body)))
		wantCode(t, fmt.Sprintf("body %q", body), s.waitID(t, ch), codeParseError)
		probe(t, s)
	}
	for _, body := range []string{`[]`, `[1,2]`, `42`, `"str"`, `null`, `{"jsonrpc":"2.0"}`, `{"jsonrpc":"2.0","id":{"a":1},"method":"x"}`} {
		_, ch := s.registerID("null")
		s.writeRaw(frame([]byte(body)))
		wantCode(t, fmt.Sprintf("body %q", body), s.waitID(t, ch), codeInvalidRequest)
		probe(t, s)
	}
	// A request whose method is not a string still has a readable id.
	_, ch := s.registerID("77")
	s.writeRaw(frame([]byte(`{"jsonrpc":"2.0","id":77,"method":5}`)))
	wantCode(t, "method 5", s.waitID(t, ch), codeInvalidRequest)
	probe(t, s)
}

// TestWrongParams: requests with params of the wrong shape are answered
// InvalidParams; notifications with them are dropped with a log entry.
func TestWrongParams(t *testing.T) {
	t.Parallel()
	s := newProbed(t)
	requests := []struct {
		method string
		params any
	}{
		{"textDocument/codeAction", map[string]any{"textDocument": 5}},
		{"textDocument/codeAction", "a string"},
		{"textDocument/codeAction", []any{1, 2}},
		{"textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": probeURI}, "range": map[string]any{"start": map[string]any{"line": "zero"}}}},
		{"textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": 7}, "position": map[string]any{"line": 0, "character": 0}}},
		{"textDocument/diagnostic", map[string]any{"textDocument": []int{1}}},
		{"codeAction/resolve", "a string"},
		{"codeAction/resolve", map[string]any{"title": 5}},
		{"textDocument/semanticTokens/full/delta", map[string]any{"textDocument": map[string]any{"uri": probeURI}, "previousResultId": 5}},
		{"microvm-lsp/debug/documentText", map[string]any{"uri": 5}},
		{"workspace/executeCommand", map[string]any{"command": 5}},
	}
	for _, r := range requests {
		m := s.call(r.method, r.params)
		wantCode(t, fmt.Sprintf("%s %v", r.method, r.params), m, codeInvalidParams)
		probe(t, s)
	}
	notifications := []struct {
		method string
		params any
	}{
		{"textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": probeURI, "text": 5}}},
		{"textDocument/didOpen", "x"},
		{"textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": probeURI, "version": 9}, "contentChanges": "x"}},
		{"textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": probeURI, "version": 9}, "contentChanges": []any{map[string]any{"range": 5, "text": "x"}}}},
		{"textDocument/didClose", map[string]any{"textDocument": 1}},
		{"workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"microvm-lsp": map[string]any{"disabledChecks": 5, "severity": []int{1}, "logLevel": 3}}}},
		{"workspace/didChangeWatchedFiles", map[string]any{"changes": []any{nil, 5, map[string]any{"uri": 3, "type": "x"}}}},
		{"workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{"added": 1}}},
		{"$/cancelRequest", map[string]any{"id": []int{1}}},
		{"$/setTrace", 5},
		{"initialized", "x"},
	}
	for _, n := range notifications {
		s.notify(n.method, n.params)
		probe(t, s)
	}
}

// TestUnknownMethods: unknown requests get MethodNotFound, with or without
// params, including $/ requests; unknown notifications are ignored.
func TestUnknownMethods(t *testing.T) {
	t.Parallel()
	s := newProbed(t)
	for _, params := range []any{nil, map[string]any{}, []any{1}} {
		for _, method := range []string{"no/such/method", "$/noSuchRequest", "textDocument/noSuch", ""} {
			wantCode(t, fmt.Sprintf("%q with params %v", method, params), s.call(method, params), codeMethodNotFound)
		}
		s.notify("no/such/notification", params)
		s.notify("$/noSuchNotification", params)
		probe(t, s)
	}
}

// TestBeforeInitialize: requests before initialize are refused with
// ServerNotInitialized and notifications dropped; initialize still works.
func TestBeforeInitialize(t *testing.T) {
	t.Parallel()
	s := startServer(t, startOptions{})
	for _, method := range []string{"textDocument/codeAction", "textDocument/hover", "shutdown", "microvm-lsp/debug/documentText", "no/such/method"} {
		wantCode(t, method+" before initialize", s.call(method, map[string]any{"textDocument": map[string]any{"uri": probeURI}}), codeServerNotInitialized)
	}
	s.open(probeURI, "dropped")
	s.notify("initialized", map[string]any{})
	s.initialize()
	m := s.call("microvm-lsp/debug/documentText", map[string]any{"uri": probeURI})
	wantCode(t, "a document opened before initialize", m, codeInvalidParams)
	wantCode(t, "second initialize", s.call("initialize", map[string]any{"capabilities": map[string]any{}}), codeInvalidRequest)
	s.open(probeURI, probeText)
	probe(t, s)
	s.shutdown()
}

// TestHostileDocuments: edits for unopened documents, ranges past the end,
// negative positions, invalid UTF-8, NUL bytes, a 10 MB line and 100,000
// nested brackets. The server stays in sync with the client's model and
// answers.
func TestHostileDocuments(t *testing.T) {
	t.Parallel()
	s := newProbed(t)

	s.change("file:///reliability/never-opened.nix", 2, map[string]any{"range": mkRange(0, 0, 0, 0), "text": "x"})
	wantCode(t, "text of an unopened document", s.call("microvm-lsp/debug/documentText", map[string]any{"uri": "file:///reliability/never-opened.nix"}), codeInvalidParams)
	s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": "file:///reliability/never-opened.nix"}})
	probe(t, s)

	u := "file:///reliability/edit.nix"
	model := newModel("{\r\n  a = \"é😀\";\r\n}\r\n")
	s.open(u, model.text())
	version := 1
	edit := func(r rng, text string) {
		version++
		model.apply(r, text)
		s.change(u, version, map[string]any{"range": r, "text": text})
		if got := s.documentText(u); got.Text != model.text() || got.Version != version {
			t.Fatalf("after edit %v %q: server holds v%d %q, client v%d %q", r, text, got.Version, got.Text, version, model.text())
		}
	}
	edit(mkRange(100, 0, 200, 5), "past the end")
	edit(mkRange(0, 100, 0, 200), "past a line end")
	edit(mkRange(-1, -1, 0, 1), "negative")
	edit(mkRange(0, -5, -3, 2), "negative and reversed")
	edit(mkRange(1, 7, 1, 8), "inside a surrogate pair")
	edit(mkRange(0, 1, 1, 0), "inside CRLF?")
	edit(mkRange(2, 0, 1, 3), "reversed")
	edit(mkRange(-2147483648, 2147483647, 2147483647, -2147483648), "extremes")
	edit(mkRange(0, 0, 0, 0), "nul\x00byte\x00")
	probe(t, s)

	// Invalid UTF-8 and lone surrogates arrive as U+FFFD, as any JSON
	// decoder makes them; the server must agree with itself and carry on.
	s.writeRaw(frame([]byte(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///reliability/bad-utf8.nix","languageId":"nix","version":1,"text":"{ a = \"` + "\xff\xfe\xc3" + `\ud800 \udc00 x\"; }"}}}`)))
	if got := s.documentText("file:///reliability/bad-utf8.nix"); !strings.Contains(got.Text, "x") {
		t.Errorf("document with invalid UTF-8 holds %q", got.Text)
	}
	s.codeActions("file:///reliability/bad-utf8.nix", mkRange(0, 0, 0, 100))
	probe(t, s)

	// Big and deep documents: diagnostics arrive, requests are answered.
	big := "file:///reliability/big.nix"
	line := "[ " + strings.Repeat("1 ", 5<<20) + "] +" // a syntax error at the end
	start := time.Now()
	// Parsing and analysing it takes seconds on two busy cores
	// (BenchmarkParseHugeLine measures it); here it must be answered.
	s.patience = time.Minute
	s.open(big, line)
	s.codeActions(big, mkRange(0, 5<<20, 0, 5<<20+10))
	s.waitUntil("diagnostics of the 10 MB line", func() bool { return s.diags[big] != nil })
	var report struct {
		Kind string `json:"kind"`
	}
	s.callOK("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": big}}, &report)
	if report.Kind != "full" {
		t.Errorf("pull diagnostics of the 10 MB line: kind %q", report.Kind)
	}
	t.Logf("10 MB line: answered and diagnosed in %v", time.Since(start))
	probe(t, s)

	deep := "file:///reliability/deep.nix"
	start = time.Now()
	s.open(deep, strings.Repeat("[", 100000)+strings.Repeat("]", 100000))
	s.waitUntil("diagnostics of 100,000 nested brackets", func() bool { return s.diags[deep] != nil })
	var d struct {
		Diagnostics []json.RawMessage `json:"diagnostics"`
	}
	s.mu.Lock()
	json.Unmarshal(s.diags[deep], &d)
	s.mu.Unlock()
	if len(d.Diagnostics) == 0 {
		t.Errorf("100,000 nested brackets: no diagnostic about the depth")
	}
	s.codeActions(deep, mkRange(0, 0, 0, 200000))
	t.Logf("100,000 brackets: diagnosed in %v", time.Since(start))
	s.open(deep, strings.Repeat("{a=", 100000)+strings.Repeat(";}", 100000)+strings.Repeat("(", 50000)+strings.Repeat("let x = ", 50000))
	probe(t, s)
	s.shutdown()
}

// TestPathologicalShapes: every request at the start, the middle and the
// end of documents whose shape once made requests take minutes: chains of
// operators and applications 99,000 long (each node's start was found by
// walking the rest of the chain), a 2 MB line with a character that is not
// ASCII (each column was counted from the line's start), and a binding
// path of 300,000 names (completion copied the path at each name). Each
// request is answered within the harness's patience, and the server
// stays alive.
func TestPathologicalShapes(t *testing.T) {
	t.Parallel()
	s := newProbed(t)
	shapes := map[string]string{
		"plus":  "1" + strings.Repeat(" + 1", 99000),
		"apply": "f" + strings.Repeat(" x", 99000),
		"line":  `[ "é"` + strings.Repeat(" 1", 1<<20) + " ]",
		"path":  "{ x" + strings.Repeat(".a", 300000) + " = 1; }",
	}
	for name, text := range shapes {
		u := "file:///reliability/shape-" + name + ".nix"
		s.open(u, text)
		s.waitUntil("diagnostics of "+name, func() bool { return s.diags[u] != nil })
		end := len([]rune(text)) // one line; é is one UTF-16 unit
		doc := map[string]any{"uri": u}
		for _, c := range []int{0, 1, end / 2, end - 1, end} {
			at := map[string]any{"textDocument": doc, "position": pos{0, c}}
			for _, m := range []string{"textDocument/hover", "textDocument/completion", "textDocument/definition",
				"textDocument/documentHighlight", "textDocument/prepareRename", "textDocument/signatureHelp"} {
				s.call(m, at)
			}
			s.call("textDocument/references", map[string]any{"textDocument": doc, "position": pos{0, c}, "context": map[string]any{"includeDeclaration": true}})
			s.call("textDocument/rename", map[string]any{"textDocument": doc, "position": pos{0, c}, "newName": "y"})
			s.call("textDocument/selectionRange", map[string]any{"textDocument": doc, "positions": []pos{{0, c}}})
		}
		for _, m := range []string{"textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/semanticTokens/full",
			"textDocument/codeLens", "textDocument/documentLink", "textDocument/diagnostic"} {
			s.call(m, map[string]any{"textDocument": doc})
		}
		whole := mkRange(0, 0, 0, end)
		s.call("textDocument/semanticTokens/range", map[string]any{"textDocument": doc, "range": whole})
		s.call("textDocument/inlayHint", map[string]any{"textDocument": doc, "range": whole})
		s.codeActions(u, whole)
		s.notify("textDocument/didClose", map[string]any{"textDocument": doc})
	}
	probe(t, s)
	s.shutdown()
}
