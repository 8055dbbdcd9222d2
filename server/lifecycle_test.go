package server

import (
	"encoding/json"
	"net"
	"os/exec"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestInitializeAnswersTruthfully(t *testing.T) {
	c := startSession(t, Options{Version: "1.2.3"})
	res := c.initialize(sessionOptions{})
	info := res["serverInfo"].(map[string]any)
	if info["name"] != "microvm-lsp" || info["version"] != "1.2.3" {
		t.Errorf("serverInfo = %v", info)
	}
	caps := res["capabilities"].(map[string]any)
	if caps["positionEncoding"] != "utf-16" {
		t.Errorf("positionEncoding = %v, want utf-16 for a client that offers nothing else", caps["positionEncoding"])
	}
	sync := caps["textDocumentSync"].(map[string]any)
	if sync["change"] != float64(protocol.TextDocumentSyncKindIncremental) || sync["openClose"] != true {
		t.Errorf("textDocumentSync = %v", sync)
	}
	kinds := caps["codeActionProvider"].(map[string]any)["codeActionKinds"]
	if b, _ := json.Marshal(kinds); string(b) != `["quickfix","source.fixAll.microvm-lsp","refactor.rewrite"]` {
		t.Errorf("codeActionKinds = %s", b)
	}
	for _, absent := range []string{"signatureHelpProvider", "diagnosticProvider"} {
		if _, ok := caps[absent]; ok {
			t.Errorf("capability %s is advertised but not implemented", absent)
		}
	}
	if code := c.shutdownAndExit(); code != 0 {
		t.Errorf("exit after shutdown: code %d, want 0", code)
	}
}

func TestInitializeNegotiatesUTF8(t *testing.T) {
	c := startSession(t, Options{})
	caps := vscodeCapabilities()
	caps["general"] = map[string]any{"positionEncodings": []string{"utf-8", "utf-16"}}
	res := c.initialize(sessionOptions{capabilities: caps})
	if got := res["capabilities"].(map[string]any)["positionEncoding"]; got != "utf-8" {
		t.Fatalf("positionEncoding = %v, want utf-8", got)
	}
	// "é" is 2 bytes and one UTF-16 unit: the columns after it differ.
	u := protocol.DocumentURI("file:///w/utf8.nix")
	text := `{ a = "é"; b = }`
	f := nixast.Parse("/w/utf8.nix", []byte(text))
	findings := analysis.Analyze(&analysis.Workspace{Files: map[string]*nixast.File{"/w/utf8.nix": f}}, analysis.Config{})
	if len(findings) == 0 {
		t.Fatal("the analysis finds nothing in a broken file")
	}
	_, byteCol := f.Lines.Position(findings[0].Pos)
	_, utf16Col := f.Lines.PositionUTF16(findings[0].Pos)
	if byteCol == utf16Col {
		t.Fatal("test text does not tell the encodings apart")
	}
	c.open(u, text)
	got := c.waitDiagnostics(u, "some", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if col := got.Diagnostics[0].Range.Start.Character; int(col) != byteCol {
		t.Errorf("first diagnostic at column %d, want byte column %d (UTF-16 column is %d)", col, byteCol, utf16Col)
	}
}

func TestExitWithoutShutdownIsCode1(t *testing.T) {
	c := start(t, Options{})
	c.notify(protocol.MethodExit, nil)
	if code := c.waitExit(); code != 1 {
		t.Errorf("exit without shutdown: code %d, want 1", code)
	}
}

// TestExitRightBehindShutdownIsCode0: a client may send exit without
// waiting for shutdown's reply. Exit is a notification and does not wait for
// the request, so the shutdown must count from its arrival; before it did,
// about one session in five ended with code 1.
func TestExitRightBehindShutdownIsCode0(t *testing.T) {
	for i := range 100 {
		c := start(t, Options{})
		c.rawCall("shutdown", protocol.MethodShutdown, nil)
		c.notify(protocol.MethodExit, nil)
		if code := c.waitExit(); code != 0 {
			t.Fatalf("session %d: exit right behind shutdown: code %d, want 0", i+1, code)
		}
	}
}

func TestClosedInputEndsTheSession(t *testing.T) {
	serverSide, clientSide := net.Pipe()
	done := make(chan int, 1)
	go func() { done <- New(Options{}).Serve(t.Context(), serverSide) }()
	clientSide.Close()
	select {
	case code := <-done:
		if code != 1 {
			t.Errorf("code %d, want 1 (no shutdown)", code)
		}
	case <-time.After(waitTimeout):
		t.Fatal("server did not stop when its input closed")
	}
}

func TestDeadClientProcessEndsTheSession(t *testing.T) {
	cmd := exec.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Fatal("cannot start a process:", err)
	}
	c := startSession(t, Options{ParentPollInterval: 5 * time.Millisecond})
	c.initialize(sessionOptions{processID: cmd.Process.Pid})
	cmd.Process.Kill()
	cmd.Wait()
	if code := c.waitExit(); code != 1 {
		t.Errorf("code %d, want 1", code)
	}
}

func TestRequestsBeforeInitializeAndAfterShutdown(t *testing.T) {
	c := startSession(t, Options{})
	err := c.callErr("textDocument/codeAction", map[string]any{}, nil)
	if rpcCode(err) != jsonrpc2.ServerNotInitialized {
		t.Errorf("before initialize: %v, want ServerNotInitialized", err)
	}
	c.initialize(sessionOptions{})
	c.call(protocol.MethodShutdown, nil, nil)
	err = c.callErr("textDocument/codeAction", map[string]any{}, nil)
	if rpcCode(err) != jsonrpc2.InvalidRequest {
		t.Errorf("after shutdown: %v, want InvalidRequest", err)
	}
	c.notify(protocol.MethodExit, nil)
	if code := c.waitExit(); code != 0 {
		t.Errorf("code %d, want 0", code)
	}
}

func TestUnknownMethodIsMethodNotFound(t *testing.T) {
	c := start(t, Options{})
	for _, tc := range []struct {
		method string
		params any
	}{
		{"custom/thing", map[string]any{"x": 1}},
		{"custom/noParams", nil},
		{"textDocument/signatureHelp", map[string]any{"textDocument": map[string]any{"uri": "file:///x.nix"}, "position": map[string]any{"line": 0, "character": 0}}},
		{methodDebugDocText + "Nope", map[string]any{}},
	} {
		err := c.callErr(tc.method, tc.params, nil)
		if rpcCode(err) != jsonrpc2.MethodNotFound {
			t.Errorf("%s: %v, want MethodNotFound", tc.method, err)
		}
	}
	// Unknown notifications are ignored, and the session goes on.
	c.notify("$/unknownNotification", map[string]any{})
	c.notify("custom/notification", nil)
	u := protocol.DocumentURI("file:///w/still.nix")
	c.open(u, "{ a = 1 }")
	c.waitCount(u, 1)
}

func TestDebugHookNeedsTheOption(t *testing.T) {
	serverSide, clientSide := net.Pipe()
	go New(Options{}).Serve(t.Context(), serverSide)
	conn := jsonrpc2.NewConn(newStream(clientSide, nopLogger()))
	conn.Go(t.Context(), jsonrpc2.MethodNotFoundHandler)
	defer conn.Close()
	ctx := t.Context()
	if _, err := conn.Call(ctx, "initialize", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := conn.Call(ctx, methodDebugDocText, map[string]any{"uri": "file:///x.nix"}, nil)
	if rpcCode(err) != jsonrpc2.MethodNotFound {
		t.Errorf("debug hook without Options.Debug: %v, want MethodNotFound", err)
	}
}

func TestMalformedMessageIsSkipped(t *testing.T) {
	c := start(t, Options{})
	frame := "Content-Length: 9\r\n\r\n{not json"
	c.stream.writeM.Lock()
	_, err := c.stream.rwc.Write([]byte(frame))
	c.stream.writeM.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	u := protocol.DocumentURI("file:///w/after.nix")
	c.open(u, "{ a = 1 }")
	c.waitCount(u, 1)
}
