package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the microvm-lsp built for this test run, or
// $MICROVM_LSP_E2E_BIN when set (make test builds it once for every package).
var binary string

func TestMain(m *testing.M) {
	if bin := os.Getenv("MICROVM_LSP_E2E_BIN"); bin != "" {
		binary = bin
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "microvm-lsp-reliability")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "microvm-lsp")
	build := exec.Command("go", "build", "-o", binary, "./cmd/microvm-lsp")
	build.Dir = ".."
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building microvm-lsp:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// timeout bounds every wait for the server.
const timeout = 10 * time.Second

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Message) }

// message is any JSON-RPC message, decoded loosely.
type message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *rpcError       `json:"error,omitempty"`
}

// server is one microvm-lsp process and the client end of its pipes.
type server struct {
	// patience, when set, replaces timeout for calls and waits: a test of
	// huge documents asks for answers, not speed (that is a benchmark's).
	patience time.Duration
	t        *testing.T
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	stderr   *lockedBuffer
	exited   chan struct{}
	exitErr  error

	writeMu sync.Mutex
	mu      sync.Mutex
	nextID  int
	waiters map[string]chan message    // by id text
	diags   map[string]json.RawMessage // newest publishDiagnostics params by URI
	notes   []message                  // every notification, in order
	arrived chan struct{}              // closed and replaced when anything arrives
	extra   []string                   // server->client requests, by method
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type startOptions struct {
	env []string // extra environment
	dir string   // working directory
}

// startServer starts the binary with the debug requests enabled. The
// process is killed at the end of the test if still running; its log is
// printed when the test failed.
func startServer(t *testing.T, o startOptions) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--log-level", "debug")
	cmd.Env = append(append(os.Environ(), "MICROVM_LSP_DEBUG=1"), o.env...)
	cmd.Dir = o.dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, stdin: stdin, stderr: &lockedBuffer{}, exited: make(chan struct{}),
		waiters: map[string]chan message{}, diags: map[string]json.RawMessage{}, arrived: make(chan struct{})}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go s.readLoop(stdout)
	t.Cleanup(func() {
		s.stdin.Close()
		select {
		case <-s.exited:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			log := s.stderr.String()
			if len(log) > 20000 {
				log = "...\n" + log[len(log)-20000:]
			}
			t.Logf("server log:\n%s", log)
		}
	})
	return s
}

func (s *server) readLoop(stdout io.Reader) {
	defer func() {
		s.exitErr = s.cmd.Wait()
		close(s.exited)
		s.signal()
	}()
	r := bufio.NewReaderSize(stdout, 1<<20)
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length:"); ok {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		if length < 0 {
			s.t.Errorf("server sent a message without Content-Length")
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			s.t.Errorf("server sent invalid JSON: %v: %q", err, body)
			continue
		}
		s.received(m)
	}
}

func (s *server) received(m message) {
	switch {
	case m.Method != "" && len(m.ID) > 0:
		// A request from the server: answer like an accommodating editor.
		var result any
		if m.Method == "workspace/configuration" {
			result = []any{nil}
		}
		s.mu.Lock()
		s.extra = append(s.extra, m.Method)
		s.mu.Unlock()
		s.send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
	case m.Method != "":
		s.mu.Lock()
		s.notes = append(s.notes, m)
		if m.Method == "textDocument/publishDiagnostics" {
			var p struct {
				URI string `json:"uri"`
			}
			json.Unmarshal(m.Params, &p)
			s.diags[p.URI] = m.Params
		}
		s.mu.Unlock()
	default:
		s.mu.Lock()
		w := s.waiters[string(m.ID)]
		delete(s.waiters, string(m.ID))
		s.mu.Unlock()
		if w != nil {
			w <- m
		}
	}
	s.signal()
}

func (s *server) signal() {
	s.mu.Lock()
	close(s.arrived)
	s.arrived = make(chan struct{})
	s.mu.Unlock()
}

// writeRaw writes bytes to the server's stdin as they are.
func (s *server) writeRaw(b []byte) {
	s.t.Helper()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := s.stdin.Write(b); err != nil {
		s.t.Fatalf("writing to the server: %v", err)
	}
}

func frame(body []byte) []byte {
	return append([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))), body...)
}

func (s *server) send(v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.t.Fatal(err)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.stdin.Write(frame(body)) // errors show as a dead process
}

// request sends a request and returns a channel for its response.
func (s *server) request(method string, params any) (string, <-chan message) {
	s.mu.Lock()
	s.nextID++
	id := strconv.Itoa(s.nextID)
	ch := make(chan message, 1)
	s.waiters[id] = ch
	s.mu.Unlock()
	msg := map[string]any{"jsonrpc": "2.0", "id": s.nextIDValue(id), "method": method}
	if params != nil {
		msg["params"] = params
	}
	s.send(msg)
	return id, ch
}

func (s *server) nextIDValue(id string) json.RawMessage { return json.RawMessage(id) }

// call sends a request and waits for its response.
func (s *server) call(method string, params any) message {
	s.t.Helper()
	_, ch := s.request(method, params)
	select {
	case m := <-ch:
		return m
	case <-s.exited:
		s.t.Fatalf("%s: the server exited (%v)", method, s.exitErr)
	case <-time.After(s.limit()):
		s.t.Fatalf("%s: no answer within %v", method, s.limit())
	}
	return message{}
}

// callOK is call that fails the test on an error response and decodes the
// result into out (if not nil).
func (s *server) callOK(method string, params, out any) {
	s.t.Helper()
	m := s.call(method, params)
	if m.Error != nil {
		s.t.Fatalf("%s: %v", method, m.Error)
	}
	if out != nil {
		if err := json.Unmarshal(m.Result, out); err != nil {
			s.t.Fatalf("%s: result %s: %v", method, m.Result, err)
		}
	}
}

func (s *server) notify(method string, params any) {
	s.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// initialize runs the handshake with the given workspace folders (paths).
func (s *server) initialize(folders ...string) {
	s.t.Helper()
	var wf []map[string]any
	for _, f := range folders {
		wf = append(wf, map[string]any{"uri": fileURI(f), "name": filepath.Base(f)})
	}
	params := map[string]any{
		"processId": nil,
		"capabilities": map[string]any{
			"workspace": map[string]any{"configuration": true, "workspaceFolders": true,
				"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true},
				"workspaceEdit":         map[string]any{"documentChanges": true}},
			"window":       map[string]any{"workDoneProgress": true},
			"textDocument": map[string]any{"codeAction": map[string]any{"codeActionLiteralSupport": map[string]any{"codeActionKind": map[string]any{"valueSet": []string{"quickfix", "source"}}}}},
		},
		"workspaceFolders": wf,
	}
	if wf == nil {
		params["workspaceFolders"] = []any{}
	}
	s.callOK("initialize", params, nil)
	s.notify("initialized", map[string]any{})
}

// limit is how long a call or wait may take.
func (s *server) limit() time.Duration {
	if s.patience > 0 {
		return s.patience
	}
	return timeout
}

// waitUntil waits until cond (called with the lock held) holds.
func (s *server) waitUntil(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.After(s.limit())
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.arrived
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-s.exited:
			s.mu.Lock()
			ok := cond()
			s.mu.Unlock()
			if !ok {
				s.t.Fatalf("waiting for %s: the server exited (%v)", what, s.exitErr)
			}
			return
		case <-deadline:
			s.t.Fatalf("waiting for %s: timed out", what)
		}
	}
}

// progressEnded reports whether a work-done progress ended (lock held).
func (s *server) progressEndedLocked() bool {
	for _, n := range s.notes {
		if n.Method == "$/progress" && bytes.Contains(n.Params, []byte(`"kind":"end"`)) {
			return true
		}
	}
	return false
}

// alive fails the test if the process has exited.
func (s *server) alive() {
	s.t.Helper()
	select {
	case <-s.exited:
		s.t.Fatalf("the server exited: %v", s.exitErr)
	default:
	}
}

// document helpers

func fileURI(p string) string { return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String() }

func (s *server) open(uri, text string) {
	s.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "nix", "version": 1, "text": text}})
}

func (s *server) change(uri string, version int, changes ...any) {
	s.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": changes,
	})
}

type pos struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type rng struct {
	Start pos `json:"start"`
	End   pos `json:"end"`
}

func mkRange(l1, c1, l2, c2 int) rng { return rng{pos{l1, c1}, pos{l2, c2}} }

type debugText struct {
	URI     string `json:"uri"`
	Version int    `json:"version"`
	Text    string `json:"text"`
}

func (s *server) documentText(uri string) debugText {
	s.t.Helper()
	var r debugText
	s.callOK("microvm-lsp/debug/documentText", map[string]any{"uri": uri}, &r)
	return r
}

func (s *server) codeActions(uri string, r rng) []json.RawMessage {
	s.t.Helper()
	var out []json.RawMessage
	s.callOK("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": uri}, "range": r,
		"context": map[string]any{"diagnostics": []any{}}}, &out)
	return out
}

type stats struct {
	Goroutines int      `json:"goroutines"`
	HeapAlloc  uint64   `json:"heapAlloc"`
	FilesRead  []string `json:"filesRead"`
	Indexed    int      `json:"indexedFiles"`
	Processors int      `json:"processors"`
	Cores      int      `json:"cores"`
}

func (s *server) stats() stats {
	s.t.Helper()
	var st stats
	s.callOK("microvm-lsp/debug/stats", map[string]any{}, &st)
	return st
}

// shutdown ends the session properly and checks the exit code.
func (s *server) shutdown() {
	s.t.Helper()
	s.callOK("shutdown", nil, nil)
	s.send(map[string]any{"jsonrpc": "2.0", "method": "exit"})
	select {
	case <-s.exited:
		if s.exitErr != nil {
			s.t.Errorf("exit after shutdown: %v", s.exitErr)
		}
	case <-time.After(timeout):
		s.t.Fatal("the server did not exit")
	}
}

// writeFiles creates files (path relative to dir -> content).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// requireCI is the rule for missing tools: fail under CI, where they must
// be installed, otherwise too (no test here is optional).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed by this test: %v", name, err)
	}
	return p
}
