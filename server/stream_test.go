package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// decodeMessage reads every body as jsonrpc2.DecodeMessage does: the same
// kind of message, method, id and params (as JSON values), or an error for
// both.
func TestDecodeMessageAgrees(t *testing.T) {
	for _, body := range decodeBodies() {
		got, gerr := decodeMessage([]byte(body))
		want, werr := jsonrpc2.DecodeMessage([]byte(body))
		if (gerr != nil) != (werr != nil) {
			t.Errorf("%s: error %v, DecodeMessage's %v", body, gerr, werr)
			continue
		}
		if gerr != nil {
			continue
		}
		if g, w := describeMessage(t, got), describeMessage(t, want); g != w {
			t.Errorf("%s:\n got %s\nwant %s", body, g, w)
		}
	}
}

// FuzzDecodeMessage: decodeMessage agrees with jsonrpc2.DecodeMessage on
// any body.
func FuzzDecodeMessage(f *testing.F) {
	for _, body := range decodeBodies() {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gerr := decodeMessage(body)
		want, werr := jsonrpc2.DecodeMessage(body)
		if (gerr != nil) != (werr != nil) {
			t.Fatalf("%q: error %v, DecodeMessage's %v", body, gerr, werr)
		}
		if gerr == nil {
			if g, w := describeMessage(t, got), describeMessage(t, want); g != w {
				t.Fatalf("%q:\n got %s\nwant %s", body, g, w)
			}
		}
	})
}

// decodeBodies are message bodies of every kind, valid, odd and broken.
func decodeBodies() []string {
	text := strings.Repeat(`{ a = "<b> & c"; }\n`, 20)
	return []string{
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.nix","version":3},"contentChanges":[{"text":"` + text + `"}]}}`,
		`{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"position":{"line":1,"character":2}}}`,
		`{"jsonrpc":"2.0","id":"x-1","method":"textDocument/completion","params":{}}`,
		`{"id":1,"method":"m","params":[1,2]}`,
		` { "method" : "m" , "params" : { "a" : [ 1 , 2 ] } } `,
		`{"jsonrpc":"2.0","id":null,"method":"m","params":{}}`,
		`{"jsonrpc":"2.0","method":"exit"}`,
		`{"jsonrpc":"2.0","id":2,"method":"shutdown","params":null}`,
		`{"jsonrpc":"2.0","method":"m","params":"s"}`,
		`{"jsonrpc":"1.0","method":"m","params":{}}`,
		`{"jsonrpc":null,"method":"m","params":{}}`,
		`{"jsonrpC":null,"method":"0","pArAms":{}}`,
		`{"JSONRPC":"2.0","Method":"m","Params":{}}`,
		`{"jsonrpc":"2\u002e0","method":"m","params":{}}`,
		`{"jsonrpc":2,"method":"m","params":{}}`,
		`{"jsonrpc":"2.0","id":1.5,"method":"m","params":{}}`,
		`{"jsonrpc":"2.0","id":{},"method":"m","params":{}}`,
		`{"jsonrpc":"2.0","method":"","params":{}}`,
		`{"jsonrpc":"2.0","id":3,"result":{"a":1}}`,
		`{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"no"}}`,
		`{"jsonrpc":"2.0","method":"m","params":{}} trailing`,
		`{"jsonrpc":"2.0","method":"m","params":{}}{"method":"n","params":{}}`,
		`{"jsonrpc":"2.0","method":"m","params":{"a":}}`,
		`{"jsonrpc":"2.0","METHOD":"m","Params":{}}`,
		`{"jsonrpc":"2.0","method":"m","method":"n","params":{}}`,
		`[]`, `null`, `"x"`, `{}`, ``,
	}
}

// describeMessage prints a message's kind, id, method and params.
func describeMessage(t *testing.T, m jsonrpc2.Message) string {
	t.Helper()
	params := func(raw json.RawMessage) string {
		if len(raw) == 0 {
			return "none"
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("params %s: %v", raw, err)
		}
		return fmt.Sprintf("%#v", v)
	}
	switch m := m.(type) {
	case *jsonrpc2.Call:
		return fmt.Sprintf("call %v %s %s", m.ID(), m.Method(), params(m.Params()))
	case *jsonrpc2.Notification:
		return fmt.Sprintf("notification %s %s", m.Method(), params(m.Params()))
	case *jsonrpc2.Response:
		return fmt.Sprintf("response %v %s %v", m.ID(), params(m.Result()), m.Err())
	}
	return fmt.Sprintf("%T", m)
}

// A keystroke's didChange is read without a 32 KB buffer.
func TestDecodeMessageSmall(t *testing.T) {
	body := []byte(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.nix","version":3},"contentChanges":[{"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":2}},"text":"x"}]}}`)
	bytesOf := func(f func()) uint64 {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		for range 50 {
			f()
		}
		runtime.ReadMemStats(&b)
		return (b.TotalAlloc - a.TotalAlloc) / 50
	}
	got := bytesOf(func() { decodeMessage(body) })
	want := bytesOf(func() { jsonrpc2.DecodeMessage(body) })
	t.Logf("%d bytes, DecodeMessage %d", got, want)
	if got > 4096 || got*4 > want {
		t.Errorf("decodeMessage allocates %d bytes per didChange, DecodeMessage %d", got, want)
	}
}

// The requests routed past protocol's dispatcher (directRequests) get the
// answers it gives them: the same result, or an error for both, for good
// params and for params of the wrong shape.
func TestDirectRequestsAgree(t *testing.T) {
	c, u := directSession(t)
	doc := map[string]any{"uri": u}
	rng := map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 6, "character": 0}}
	c.mu.Lock()
	diags := c.diagnostics[u].Diagnostics // the duplicate x, for its quick fix
	c.mu.Unlock()
	at := func(line, char int) map[string]any {
		return map[string]any{"textDocument": doc, "position": map[string]any{"line": line, "character": char}, "range": rng,
			"context": map[string]any{"diagnostics": diags, "includeDeclaration": true}}
	}
	// on the use of port; after "services."; on the second x
	for _, params := range []any{at(4, 43), at(3, 11), at(5, 10), map[string]any{"textDocument": doc, "position": "x", "range": 1}, []any{1}} {
		raw, _ := json.Marshal(params)
		for method := range directRequests {
			if msg := directAgrees(c, method, raw); msg != "" {
				t.Error(msg)
			}
		}
	}
}

// FuzzDirectRequests: any params get the same answer from directRequests
// as from protocol's dispatcher.
func FuzzDirectRequests(f *testing.F) {
	f.Add(`{"textDocument":{"uri":"URI"},"position":{"line":4,"character":43}}`)
	f.Add(`{"textDocument":{"uri":"URI"},"range":{"start":{"line":0,"character":0},"end":{"line":6,"character":0}},"context":{"diagnostics":[{"range":{"start":{"line":5,"character":9},"end":{"line":5,"character":10}},"message":"m","code":"duplicate-attribute","severity":1}]}}`)
	f.Add(`{"textDocument":{"uri":"URI"},"position":{"line":1e2,"character":-1}}`)
	c, u := directSession(f)
	f.Fuzz(func(t *testing.T, params string) {
		// Params are one JSON value by the time they are dispatched, as
		// written between the spaces around it.
		raw := bytes.TrimSpace([]byte(strings.ReplaceAll(params, "URI", string(u))))
		if !json.Valid(raw) {
			return
		}
		for method := range directRequests {
			if msg := directAgrees(c, method, raw); msg != "" {
				t.Fatal(msg)
			}
		}
	})
}

// directAgrees asks for method with raw params both ways and describes
// how the answers differ ("" when they agree).
func directAgrees(c *testClient, method string, raw json.RawMessage) string {
	// Semantic tokens are answered from the last result sent (full/delta),
	// each under an id of its own: both ways start without one, and the
	// ids are left out of the comparison.
	forget := func() {
		c.srv.tokens.mu.Lock()
		clear(c.srv.tokens.last)
		c.srv.tokens.mu.Unlock()
	}
	forget()
	got, gerr := directRequests[method](context.Background(), lspServer{c.srv}, raw)
	call, _ := jsonrpc2.NewCall(jsonrpc2.NewNumberID(1), method, raw)
	var want any
	var werr error
	forget()
	c.srv.protocolHandler(context.Background(), func(_ context.Context, result any, err error) error {
		want, werr = result, err
		return nil
	}, call)
	if (gerr != nil) != (werr != nil) {
		return fmt.Sprintf("%s %s: error %v, protocol's %v", method, raw, gerr, werr)
	}
	withoutID := func(v any) []byte {
		b, _ := json.Marshal(v)
		var m map[string]any
		if json.Unmarshal(b, &m) == nil && m["resultId"] != nil {
			delete(m, "resultId")
			b, _ = json.Marshal(m)
		}
		return b
	}
	g, w := withoutID(got), withoutID(want)
	if string(g) != string(w) {
		return fmt.Sprintf("%s %s:\n got %s\nwant %s", method, raw, g, w)
	}
	return ""
}

// directSession is a session with directSrc open, its diagnostics in.
func directSession(t testing.TB) (*testClient, protocol.DocumentURI) {
	dir := normalizePath(workspace(t, map[string]string{"m.nix": directSrc}))
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	u := fileURI(dir + "/m.nix")
	c.open(u, directSrc)
	c.waitCount(u, 1)
	return c, u
}

const directSrc = `{ config, lib, pkgs, ... }:
let port = 80; in {
  networking.hostName = "h";
  services.nginx.enable = true;
  networking.firewall.allowedTCPPorts = [ port ];
  x = 1; x = 2;
}
`

// The stream writes a message as it encodes itself: valid JSON that reads
// back as what json.Marshal of the message would give, whatever its
// strings hold.
func TestWriteEncodesMessages(t *testing.T) {
	odd := "a <b> & \"c\" \u2028 \u2029 \x01 é \\ /"
	note, _ := jsonrpc2.NewNotification("textDocument/publishDiagnostics", map[string]any{"message": odd, "n": []int{1, 2}})
	call, _ := jsonrpc2.NewCall(jsonrpc2.NewStringID("x"), "workspace/configuration", []any{odd})
	resp, _ := jsonrpc2.NewResponse(jsonrpc2.NewNumberID(7), map[string]any{"label": odd}, nil)
	failed, _ := jsonrpc2.NewResponse(jsonrpc2.NewNumberID(8), nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "bad %s", odd))
	for _, msg := range []jsonrpc2.Message{note, call, resp, failed} {
		var out bytes.Buffer
		s := newStream(nopCloser{&out}, zap.NewNop())
		if _, err := s.Write(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		_, body, ok := bytes.Cut(out.Bytes(), []byte("\r\n\r\n"))
		if !ok || !json.Valid(body) {
			t.Fatalf("%T: not a framed JSON body: %q", msg, out.Bytes())
		}
		want, _ := json.Marshal(msg)
		var g, w any
		json.Unmarshal(body, &g)
		json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%T: wrote %s, json.Marshal gives %s", msg, body, want)
		}
	}
}

// Replies and notifications that the stream encodes itself (writeResult,
// writeNotification) read back as jsonrpc2's own messages of the same
// content do.
func TestWriteValueEncodesAsJSONRPC(t *testing.T) {
	odd := "a <b> & \"c\" \u2028 \u2029 \x01 é \\ /"
	type pair struct {
		write func(*stream) error
		msg   jsonrpc2.Message
	}
	var cases []pair
	for _, id := range []jsonrpc2.ID{jsonrpc2.NewNumberID(7), jsonrpc2.NewStringID(odd)} {
		for _, result := range []any{nil, odd, map[string]any{"label": odd, "n": []int{1, 2}}, protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.Markdown, Value: odd}}} {
			resp, _ := jsonrpc2.NewResponse(id, result, nil)
			cases = append(cases, pair{func(s *stream) error { return s.writeResult(id, result) }, resp})
		}
	}
	for _, method := range []string{"textDocument/publishDiagnostics", odd} {
		params := map[string]any{"message": odd}
		note, _ := jsonrpc2.NewNotification(method, params)
		cases = append(cases, pair{func(s *stream) error { return s.writeNotification(method, params) }, note})
	}
	for _, c := range cases {
		var out bytes.Buffer
		s := newStream(nopCloser{&out}, zap.NewNop())
		if err := c.write(s); err != nil {
			t.Fatal(err)
		}
		header, body, ok := bytes.Cut(out.Bytes(), []byte("\r\n\r\n"))
		if !ok || !json.Valid(body) || string(header) != fmt.Sprintf("Content-Length: %d", len(body)) {
			t.Fatalf("not a framed JSON body: %q", out.Bytes())
		}
		want, _ := json.Marshal(c.msg)
		var g, w any
		json.Unmarshal(body, &g)
		json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("wrote %s, jsonrpc2 gives %s", body, want)
		}
	}
	var out bytes.Buffer
	if err := newStream(nopCloser{&out}, zap.NewNop()).writeResult(jsonrpc2.NewNumberID(1), func() {}); !errors.Is(err, errEncoding) || out.Len() != 0 {
		t.Errorf("a result JSON cannot hold: error %v, wrote %q", err, out.Bytes())
	}
}

// TestLargeReplyIsNotKept: jsonrpc2 encodes through a pool of buffers that
// keep the size of the largest message they held, and a message written
// between two collections takes such a buffer out again: after one reply of
// 40 MB, 50 MB stayed for the rest of a session. A reply is now encoded
// into memory the collector takes back.
func TestLargeReplyIsNotKept(t *testing.T) {
	// On one processor a pool's buffer goes back to the one slot the next
	// message takes from: the case where the buffer never leaves.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	// Collections only where the test makes them, as in a server whose
	// large heap collects seldom: one the reply set off would empty the
	// pool before a message took the buffer out.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	c := start(t, Options{})
	big := protocol.DocumentURI("file:///ws/big.nix")
	var b strings.Builder
	b.WriteString("{\n")
	n := 40000
	if testing.Short() {
		n = 15000 // the race run
	}
	for i := range n {
		fmt.Fprintf(&b, "  binding%d = %d;\n", i, i)
	}
	b.WriteString("}\n")
	c.open(big, b.String())
	c.waitCount(big, 0)
	small := protocol.DocumentURI("file:///ws/small.nix")
	c.open(small, "{ a = 1; }")
	c.waitCount(small, 0)
	hover := func() {
		var h json.RawMessage
		c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": small}, "position": map[string]any{"line": 0, "character": 2}}, &h)
	}
	// The heap after a collection that follows a message: what a
	// session that goes on holds (a pool empties only at the second
	// collection without a message).
	heap := func() uint64 {
		hover()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	hover()
	before := heap()
	var symbols json.RawMessage
	// Seconds with the race detector on one processor.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.conn.Call(ctx, "textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": big}}, &symbols); err != nil {
		t.Fatal(err)
	}
	size := len(symbols)
	symbols = nil
	for range 8 {
		runtime.GC()
		hover()
	}
	after := heap()
	if size < 2<<20 {
		t.Fatalf("the reply is %d bytes: too small to tell", size)
	}
	if grown := int64(after) - int64(before); grown > int64(size)/4 {
		t.Errorf("after a reply of %d bytes and small messages, the heap grew by %d bytes", size, grown)
	}
}

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

// TestStreamRefusesDeepNesting: a body of five million nested arrays
// overflowed the stack of jsonrpc2's decoder, a fatal error that no recover
// catches: one such message ended the server. A body nested deeper than
// maxJSONDepth is answered with a parse error, and the stream reads on; a
// deep nesting inside a string is text, and read.
func TestStreamRefusesDeepNesting(t *testing.T) {
	deep := `{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":` + strings.Repeat("[", 5000000) + strings.Repeat("]", 5000000) + `}`
	inString := `{"jsonrpc":"2.0","method":"m","params":{"s":"` + strings.Repeat("[", maxJSONDepth+1) + `\"` + `"}}`
	next := `{"jsonrpc":"2.0","method":"exit"}`
	var in bytes.Buffer
	for _, body := range []string{deep, inString, next} {
		fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n%s", len(body), body)
	}
	out := &syncBuffer{}
	s := newStream(readWriter{&in, out}, zap.NewNop())
	for _, want := range []string{"m", "exit"} {
		msg, _, err := s.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := msg.(*jsonrpc2.Notification); !ok || n.Method() != want {
			t.Fatalf("read %v, want the notification %s", msg, want)
		}
	}
	// The answer is written by a goroutine of its own.
	for deadline := time.Now().Add(time.Minute); !strings.Contains(out.String(), `"code":-32700`) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if got := out.String(); !strings.Contains(got, `"code":-32700`) || !strings.Contains(got, "deeper than") {
		t.Errorf("the deep request's answer: %.300q, want a parse error", got)
	}
}

// syncBuffer is a bytes.Buffer that a writer goroutine and a test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type readWriter struct {
	r io.Reader
	w io.Writer
}

func (rw readWriter) Read(p []byte) (int, error)  { return rw.r.Read(p) }
func (rw readWriter) Write(p []byte) (int, error) { return rw.w.Write(p) }
func (readWriter) Close() error                   { return nil }

// TestTooDeepPassesOverStrings: tooDeep passes over strings from quote to
// quote; it must find the nesting the byte-by-byte reading finds, whatever
// the backslashes before a quote.
func TestTooDeepPassesOverStrings(t *testing.T) {
	byteByByte := func(body []byte) bool {
		depth, inString, escaped := 0, false, false
		for _, c := range body {
			switch {
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
			case c == '"':
				inString = true
			case c == '[' || c == '{':
				if depth++; depth > maxJSONDepth {
					return true
				}
			case c == ']' || c == '}':
				depth--
			}
		}
		return false
	}
	deep := strings.Repeat("[", maxJSONDepth+1)
	for _, body := range []string{`{"a":"\\"}` + deep, `{"a":"\"` + deep + `"}`, `"\\\"` + deep, `"\\\\"` + deep, deep[1:], "[" + deep[2:] + `"]"` + "["} {
		if got, want := tooDeep([]byte(body)), byteByByte([]byte(body)); got != want {
			t.Errorf("%.40q...: %v, want %v", body, got, want)
		}
	}
	r := rand.New(rand.NewSource(1))
	pieces := []string{"[", "[", "[", "]", "{", "}", `"`, `\`, `\\`, "x"}
	for i := 0; i < 300; i++ {
		var b strings.Builder
		for b.Len() < 3*maxJSONDepth {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		body := []byte(b.String())
		if got, want := tooDeep(body), byteByByte(body); got != want {
			t.Fatalf("random body %d: %v, want %v", i, got, want)
		}
	}
}
