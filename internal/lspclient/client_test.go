package lspclient

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain doubles as a fake server: with LSPCLIENT_FAKE_SERVER set, the
// test binary writes that text to its output and exits.
func TestMain(m *testing.M) {
	if out, ok := os.LookupEnv("LSPCLIENT_FAKE_SERVER"); ok {
		os.Stdout.WriteString(out)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// buildServer builds cmd/microvm-lsp into a temporary directory, unless
// $MICROVM_LSP_E2E_BIN names one (make test builds it once for every package).
func buildServer(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("MICROVM_LSP_E2E_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "microvm-lsp")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	build := exec.Command(goTool, "build", "-o", bin, "github.com/microvm-lsp/microvm-lsp/cmd/microvm-lsp")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/microvm-lsp: %v\n%s", err, out)
	}
	return bin
}

// TestSession drives the real server: initialize with work-done progress
// and configuration, open a file with a syntax error, wait for its
// diagnostics, then shut down.
func TestSession(t *testing.T) {
	bin := buildServer(t)
	ws := t.TempDir()
	if real, err := filepath.EvalSymlinks(ws); err == nil {
		ws = real
	}
	if err := os.WriteFile(filepath.Join(ws, "ok.nix"), []byte("{ a = 1; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	c, err := Start(bin, []string{"serve", "--log-level", "warn"}, []string{"MICROVM_LSP_DEBUG=1"}, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()

	var mu sync.Mutex
	var requests []string
	c.OnRequest(func(method string, params json.RawMessage) (any, error) {
		mu.Lock()
		requests = append(requests, method)
		mu.Unlock()
		return DefaultRequestHandler(method, params)
	})
	notes := make(chan Notification, 1000)
	c.OnNotification(func(n Notification) {
		select {
		case notes <- n:
		default:
		}
	})

	root := "file://" + ws
	if _, err := c.Call("initialize", map[string]any{
		"processId": os.Getpid(),
		"rootUri":   root,
		"capabilities": map[string]any{
			"window":       map[string]any{"workDoneProgress": true},
			"textDocument": map[string]any{"publishDiagnostics": map[string]any{"versionSupport": true}},
			"workspace":    map[string]any{"workspaceFolders": true, "configuration": true},
		},
		"workspaceFolders": []any{map[string]any{"uri": root, "name": "ws"}},
	}, 30*time.Second); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	c.Notify("initialized", map[string]any{})

	uri := root + "/bad.nix"
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "nix", "version": 1, "text": "{ a = ; }\n",
	}})
	at, err := c.WaitPublish(uri, 1, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if at.IsZero() {
		t.Error("WaitPublish returned a zero arrival time")
	}
	// Once published, WaitPublish answers at once.
	if again, err := c.WaitPublish(uri, 1, 0); err != nil || !again.Equal(at) {
		t.Errorf("WaitPublish again = %v, %v; want %v", again, err, at)
	}
	if _, err := c.WaitPublish(uri, 99, 50*time.Millisecond); err == nil {
		t.Error("WaitPublish of a version never sent succeeded")
	}

	// The notifications: the syntax error's diagnostics, and the index's
	// progress from begin to end.
	var sawError, sawEnd bool
	timeout := time.After(20 * time.Second)
	for !sawError || !sawEnd {
		select {
		case n := <-notes:
			switch n.Method {
			case "textDocument/publishDiagnostics":
				var p struct {
					URI         string            `json:"uri"`
					Version     *int              `json:"version"`
					Diagnostics []json.RawMessage `json:"diagnostics"`
				}
				if err := json.Unmarshal(n.Params, &p); err != nil {
					t.Fatal(err)
				}
				if p.URI == uri && p.Version != nil && *p.Version == 1 {
					if len(p.Diagnostics) == 0 {
						t.Errorf("no diagnostics for a syntax error: %s", n.Params)
					}
					sawError = true
				}
			case "$/progress":
				if strings.Contains(string(n.Params), `"kind":"end"`) {
					sawEnd = true
				}
			}
		case <-timeout:
			t.Fatalf("timed out: diagnostics of bad.nix seen %v, a $/progress end seen %v", sawError, sawEnd)
		}
	}
	mu.Lock()
	got := strings.Join(requests, " ")
	mu.Unlock()
	for _, want := range []string{"window/workDoneProgress/create", "workspace/configuration"} {
		if !strings.Contains(got, want) {
			t.Errorf("the server's requests %q lack %s", got, want)
		}
	}
	if c.LastMessage().IsZero() {
		t.Error("LastMessage is zero after messages")
	}

	// A request the server does not know: an error response.
	_, err = c.Call("microvm-lsp/no-such-method", map[string]any{}, 10*time.Second)
	var re *ResponseError
	if !errors.As(err, &re) || re.Code != -32601 {
		t.Errorf("unknown method: err = %v, want a ResponseError with code -32601", err)
	}
	// A request the debug mode adds, answered with a result.
	if raw, err := c.Call("microvm-lsp/debug/stats", map[string]any{}, 10*time.Second); err != nil || len(raw) == 0 {
		t.Errorf("debug stats (MICROVM_LSP_DEBUG=1 from env): %s, %v", raw, err)
	}

	if c.Err() != nil {
		t.Errorf("Err = %v while connected", c.Err())
	}
	if err := c.Shutdown(10 * time.Second); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	<-c.Done()
	if !errors.Is(c.Err(), ErrClosed) {
		t.Errorf("Err after exit = %v, want ErrClosed", c.Err())
	}
	c.Stop() // harmless after Shutdown
}

// TestProtocolError: what the server writes that the client cannot read
// ends the connection, with the reason in Err and in pending calls.
func TestProtocolError(t *testing.T) {
	for _, tc := range []struct{ out, want string }{
		{"Content-Length: 5\r\n\r\nnot{}", "invalid JSON"},
		{"X-Nothing: 1\r\n\r\n", "without Content-Length"},
		{"Content-Length: 50\r\n\r\n{}", "reading a body"},
		{"", ErrClosed.Error()},
	} {
		c, err := Start(os.Args[0], nil, []string{"LSPCLIENT_FAKE_SERVER=" + tc.out}, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Call("initialize", map[string]any{}, 10*time.Second)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: Call error = %v, want %q", tc.out, err, tc.want)
		}
		if err := c.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: Err = %v, want %q", tc.out, err, tc.want)
		}
		c.Stop()
	}
}

// TestDefaultRequestHandler: null, or a null per configuration item.
func TestDefaultRequestHandler(t *testing.T) {
	for _, tc := range []struct{ method, params, want string }{
		{"window/workDoneProgress/create", `{"token":"t"}`, "null"},
		{"workspace/configuration", `{"items":[{"section":"a"},{"section":"b"}]}`, "[null,null]"},
		{"client/registerCapability", `{"registrations":[]}`, "null"},
	} {
		res, err := DefaultRequestHandler(tc.method, json.RawMessage(tc.params))
		b, _ := json.Marshal(res)
		if err != nil || string(b) != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.method, b, err, tc.want)
		}
	}
}
