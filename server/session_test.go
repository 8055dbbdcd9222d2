package server

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
)

// The session tests run a Server in-process and talk to it over a pipe with
// a scripted client built from jsonrpc2 and protocol types, as an editor
// would.

// waitTimeout bounds every wait for the server; tests never sleep to let
// the debounce pass, they wait for the notification.
const waitTimeout = 2 * time.Second

// testClient is the editor side of a session.
type testClient struct {
	t      testing.TB
	srv    *Server
	conn   jsonrpc2.Conn
	stream *recordingStream
	exit   chan int // the server's exit code

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced whenever something arrives
	diagnostics map[protocol.DocumentURI]publishDiagnosticsParams
	progress    []map[string]any // $/progress values, in order
	requests    []string         // methods of server->client requests
	messages    []string         // window/showMessage texts, in order
	config      json.RawMessage  // answer to workspace/configuration
	configDelay []time.Duration  // the n-th workspace/configuration is answered this late
	configGate  chan struct{}    // if set, workspace/configuration is answered once it is closed
	// if set, client/registerCapability and window/workDoneProgress/create
	// are answered once it is closed
	registerGate chan struct{}
	versions     map[protocol.DocumentURI]int32
	texts        map[protocol.DocumentURI]string // what the editor holds
}

type sessionOptions struct {
	server       Options
	capabilities map[string]any // client capabilities; nil: a VS Code-like set
	initOptions  any
	rootURI      protocol.DocumentURI
	processID    int
}

// vscodeCapabilities is the subset of VS Code's client capabilities the
// server reads.
func vscodeCapabilities() map[string]any {
	return map[string]any{
		"workspace": map[string]any{
			"configuration":         true,
			"workspaceFolders":      true,
			"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true},
			"workspaceEdit":         map[string]any{"documentChanges": true},
		},
		"window": map[string]any{"workDoneProgress": true},
		"textDocument": map[string]any{
			"codeAction": map[string]any{"codeActionLiteralSupport": map[string]any{"codeActionKind": map[string]any{"valueSet": []string{"quickfix", "source"}}}},
		},
	}
}

// startSession starts a server and returns a client connected to it, not yet
// initialized.
func startSession(t testing.TB, opts Options) *testClient {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	}
	if opts.Debounce == 0 {
		opts.Debounce = 5 * time.Millisecond
	}
	opts.Debug = true
	serverSide, clientSide := net.Pipe()
	c := &testClient{
		t:           t,
		exit:        make(chan int, 1),
		changed:     make(chan struct{}),
		diagnostics: map[protocol.DocumentURI]publishDiagnosticsParams{},
		versions:    map[protocol.DocumentURI]int32{},
		texts:       map[protocol.DocumentURI]string{},
	}
	srv := New(opts)
	c.srv = srv
	go func() { c.exit <- srv.Serve(context.Background(), serverSide) }()
	c.stream = &recordingStream{stream: newStream(clientSide, zap.NewNop()), responses: map[string]*jsonrpc2.Response{}, arrived: make(chan struct{})}
	c.conn = jsonrpc2.NewConn(c.stream)
	c.conn.Go(context.Background(), c.handle)
	t.Cleanup(func() {
		c.conn.Close()
		select {
		case <-c.exit:
		case <-time.After(waitTimeout):
			t.Error("server did not stop after the connection closed")
		}
	})
	return c
}

// initialize runs the initialize handshake and returns the result.
func (c *testClient) initialize(so sessionOptions) map[string]any {
	c.t.Helper()
	caps := so.capabilities
	if caps == nil {
		caps = vscodeCapabilities()
	}
	params := map[string]any{
		"processId":    nil,
		"capabilities": caps,
		"clientInfo":   map[string]any{"name": "session-test"},
	}
	if so.processID != 0 {
		params["processId"] = so.processID
	}
	if so.rootURI != "" {
		params["rootUri"] = so.rootURI
	}
	if so.initOptions != nil {
		params["initializationOptions"] = so.initOptions
	}
	var result map[string]any
	c.call(protocol.MethodInitialize, params, &result)
	if err := c.conn.Notify(context.Background(), protocol.MethodInitialized, map[string]any{}); err != nil {
		c.t.Fatal(err)
	}
	return result
}

// start is startSession plus initialize with default options.
func start(t *testing.T, opts Options) *testClient {
	c := startSession(t, opts)
	c.initialize(sessionOptions{})
	return c
}

func (c *testClient) call(method string, params, result any) {
	c.t.Helper()
	if err := c.callErr(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *testClient) callErr(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	_, err := c.conn.Call(ctx, method, params, result)
	return err
}

func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// handle answers the server's requests and records its notifications.
func (c *testClient) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	c.mu.Lock()
	defer func() {
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}()
	switch req.Method() {
	case "textDocument/publishDiagnostics":
		var p publishDiagnosticsParams
		if err := json.Unmarshal(req.Params(), &p); err != nil {
			c.t.Errorf("publishDiagnostics: %v", err)
		}
		c.diagnostics[p.URI] = p
		return nil
	case "$/progress":
		var p struct {
			Value map[string]any `json:"value"`
		}
		json.Unmarshal(req.Params(), &p)
		c.progress = append(c.progress, p.Value)
		return nil
	case "window/showMessage":
		var p protocol.ShowMessageParams
		json.Unmarshal(req.Params(), &p)
		c.messages = append(c.messages, p.Message)
		c.requests = append(c.requests, req.Method()+": "+p.Message)
		return nil
	case "workspace/configuration":
		c.requests = append(c.requests, req.Method())
		var items []json.RawMessage
		var p protocol.ConfigurationParams
		json.Unmarshal(req.Params(), &p)
		for range p.Items {
			cfg := c.config
			if cfg == nil {
				cfg = json.RawMessage("null")
			}
			items = append(items, cfg)
		}
		if gate := c.configGate; gate != nil {
			go func() {
				<-gate
				reply(ctx, items, nil)
			}()
			return nil
		}
		if n := countString(c.requests, req.Method()); n <= len(c.configDelay) && c.configDelay[n-1] > 0 {
			d := c.configDelay[n-1]
			go func() {
				time.Sleep(d)
				reply(ctx, items, nil)
			}()
			return nil
		}
		return reply(ctx, items, nil)
	case "client/registerCapability", "window/workDoneProgress/create":
		c.requests = append(c.requests, req.Method())
		if gate := c.registerGate; gate != nil {
			go func() {
				<-gate
				reply(ctx, nil, nil)
			}()
			return nil
		}
		return reply(ctx, nil, nil)
	}
	if _, ok := req.(*jsonrpc2.Call); ok {
		return reply(ctx, nil, jsonrpc2.ErrMethodNotFound)
	}
	return nil
}

// waitFor waits until cond, evaluated under the client's lock, holds.
func (c *testClient) waitFor(what string, cond func() bool) {
	c.t.Helper()
	c.waitForOr(what, cond, func() string { return "" })
}

// waitForOr is waitFor that explains a timeout with last().
func (c *testClient) waitForOr(what string, cond func() bool, last func() string) {
	c.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		c.mu.Lock()
		ok := cond()
		ch := c.changed
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			c.mu.Lock()
			explain := last()
			c.mu.Unlock()
			c.t.Fatalf("timed out waiting for %s; %s", what, explain)
		}
	}
}

// waitDiagnostics waits until the latest diagnostics published for u
// satisfy cond, and returns them.
func (c *testClient) waitDiagnostics(u protocol.DocumentURI, what string, cond func(publishDiagnosticsParams) bool) publishDiagnosticsParams {
	c.t.Helper()
	var got publishDiagnosticsParams
	var seen bool
	c.waitForOr("diagnostics of "+string(u)+": "+what, func() bool {
		got, seen = c.diagnostics[u]
		return seen && cond(got)
	}, func() string {
		if !seen {
			return "nothing published"
		}
		b, _ := json.MarshalIndent(got, "", "  ")
		return "last published: " + string(b)
	})
	return got
}

// waitCount waits for exactly n diagnostics on u.
func (c *testClient) waitCount(u protocol.DocumentURI, n int) []protocol.Diagnostic {
	c.t.Helper()
	return c.waitDiagnostics(u, strings.Repeat("I", n)+" diagnostics", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) == n }).Diagnostics
}

func (c *testClient) open(u protocol.DocumentURI, text string) {
	c.t.Helper()
	c.mu.Lock()
	c.versions[u] = 1
	c.texts[u] = text
	c.mu.Unlock()
	c.notify(protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "nix", Version: 1, Text: text}})
}

// edit sends one incremental change, applies it to the client's own copy
// the way VS Code would, and returns the new version.
func (c *testClient) edit(u protocol.DocumentURI, r wireRange, text string) int32 {
	c.t.Helper()
	c.mu.Lock()
	c.versions[u]++
	v := c.versions[u]
	c.texts[u] = vscodeApply(c.texts[u], r, text)
	c.mu.Unlock()
	c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
		"textDocument":   map[string]any{"uri": u, "version": v},
		"contentChanges": []map[string]any{{"range": r, "text": text}},
	})
	return v
}

// replaceAll sends a change without a range.
func (c *testClient) replaceAll(u protocol.DocumentURI, text string) int32 {
	c.t.Helper()
	c.mu.Lock()
	c.versions[u]++
	v := c.versions[u]
	c.texts[u] = text
	c.mu.Unlock()
	c.notify(protocol.MethodTextDocumentDidChange, map[string]any{
		"textDocument":   map[string]any{"uri": u, "version": v},
		"contentChanges": []map[string]any{{"text": text}},
	})
	return v
}

// storedText asks the server (debug hook) what it holds for u.
func (c *testClient) storedText(u protocol.DocumentURI) documentTextResult {
	c.t.Helper()
	var r documentTextResult
	c.call(methodDebugDocText, map[string]any{"uri": u}, &r)
	return r
}

func (c *testClient) setConfig(v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.config = raw
	c.mu.Unlock()
}

// shutdownAndExit ends the session politely and returns the exit code.
func (c *testClient) shutdownAndExit() int {
	c.t.Helper()
	c.call(protocol.MethodShutdown, nil, nil)
	c.notify(protocol.MethodExit, nil)
	return c.waitExit()
}

func (c *testClient) waitExit() int {
	c.t.Helper()
	select {
	case code := <-c.exit:
		c.exit <- code // for Cleanup
		return code
	case <-time.After(waitTimeout):
		c.t.Fatal("server did not exit")
		return -1
	}
}

// rpcCode returns the JSON-RPC error code of err, or 0.
func rpcCode(err error) jsonrpc2.Code {
	var we *jsonrpc2.Error
	if errors.As(err, &we) {
		return we.Code
	}
	return 0
}

// recordingStream lets a test send requests with ids of its choosing and
// see their responses, which jsonrpc2.Conn would otherwise drop.
type recordingStream struct {
	*stream
	mu        sync.Mutex
	responses map[string]*jsonrpc2.Response // by string id
	arrived   chan struct{}
}

func (s *recordingStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	msg, n, err := s.stream.Read(ctx)
	if r, ok := msg.(*jsonrpc2.Response); ok {
		if id := r.ID(); strings.HasPrefix(fmtID(id), "test-") {
			s.mu.Lock()
			s.responses[fmtID(id)] = r
			close(s.arrived)
			s.arrived = make(chan struct{})
			s.mu.Unlock()
		}
	}
	return msg, n, err
}

func fmtID(id jsonrpc2.ID) string {
	b, _ := json.Marshal(&id)
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	return string(b)
}

// rawCall sends a request with a string id; waitResponse collects it.
func (c *testClient) rawCall(id, method string, params any) {
	c.t.Helper()
	call, err := jsonrpc2.NewCall(jsonrpc2.NewStringID(id), method, params)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.stream.Write(context.Background(), call); err != nil {
		c.t.Fatal(err)
	}
}

func (c *testClient) waitResponse(id string) *jsonrpc2.Response {
	c.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		c.stream.mu.Lock()
		r := c.stream.responses[id]
		ch := c.stream.arrived
		c.stream.mu.Unlock()
		if r != nil {
			return r
		}
		select {
		case <-ch:
		case <-deadline:
			c.t.Fatalf("no response to %s", id)
		}
	}
}

// workspace writes files into a temporary directory and returns its path.
func workspace(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fileURI(p string) protocol.DocumentURI { return pathToURI(normalizePath(p)) }

// pos and rng build positions for edits.
func pos(line, char int) wirePosition  { return wirePosition{Line: line, Character: char} }
func rng(l1, c1, l2, c2 int) wireRange { return wireRange{Start: pos(l1, c1), End: pos(l2, c2)} }

func nopLogger() *zap.Logger { return zap.NewNop() }
