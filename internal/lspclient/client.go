// Package lspclient is a small Language Server Protocol client for driving a
// language server binary over its standard input and output: the end-to-end
// latency measurement (e2e/latency) and the cold-start benchmark
// (bench/coldstart) share it.
//
// A Client starts the server with pipes, frames messages with Content-Length
// headers, and reads the server's messages on a goroutine of its own, which
//
//   - hands each response to the Call that waits for it;
//   - answers each request from the server (window/workDoneProgress/create,
//     workspace/configuration, client/registerCapability, ...) with the
//     request handler, by default a null result;
//   - records the arrival of each versioned textDocument/publishDiagnostics,
//     for WaitPublish;
//   - passes each notification ($/progress, publishDiagnostics, logs, ...) to
//     the notification handler, if one is set.
//
// It is written for tests and measurements: it trusts the server to speak
// the protocol, and the first framing or JSON error ends the connection,
// reported by Err.
//
// A typical session:
//
//	c, err := lspclient.Start(bin, []string{"serve"}, nil, "")
//	...
//	defer c.Stop()
//	_, err = c.Call("initialize", params, 30*time.Second)
//	c.Notify("initialized", map[string]any{})
//	c.Notify("textDocument/didOpen", ...)
//	at, err := c.WaitPublish(uri, 1, 5*time.Second)
//	...
//	err = c.Shutdown(10 * time.Second)
package lspclient

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrClosed is the error when the server closed its output without a
// protocol error: it exited or crashed.
var ErrClosed = errors.New("the server closed the connection")

// Notification is a notification from the server.
type Notification struct {
	Method string
	Params json.RawMessage
	// At is when the client read the message.
	At time.Time
}

// NotificationHandler sees each notification from the server, on the
// client's reading goroutine, in the order they arrive. It must return
// quickly and must not call Call (whose response the same goroutine would
// have to read).
type NotificationHandler func(Notification)

// RequestHandler answers a request from the server: the result to send, or
// an error to send instead (a *ResponseError keeps its code; any other error
// is sent as an internal error, -32603). It runs on the client's reading
// goroutine, with the same restrictions as a NotificationHandler.
type RequestHandler func(method string, params json.RawMessage) (result any, err error)

// DefaultRequestHandler answers every request with a null result, except
// workspace/configuration, which gets a null per item asked for (use the
// defaults).
func DefaultRequestHandler(method string, params json.RawMessage) (any, error) {
	if method == "workspace/configuration" {
		var p struct{ Items []json.RawMessage }
		_ = json.Unmarshal(params, &p)
		return make([]any, len(p.Items)), nil
	}
	return nil, nil
}

// ResponseError is a JSON-RPC error, as answered by the server to a Call.
type ResponseError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`

	method string
	raw    json.RawMessage
}

func (e *ResponseError) Error() string {
	if e.method == "" {
		return fmt.Sprintf("error %d: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s failed: %s", e.method, e.raw)
}

// Client is a connection to a language server process. Its methods may be
// called from several goroutines at once.
type Client struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	wmu sync.Mutex // serializes writes to in

	mu        sync.Mutex
	nextID    int
	responses map[int]chan response
	published map[string]map[int]time.Time // uri -> version -> arrival
	changed   chan struct{}                // closed and replaced on each publication
	lastMsg   time.Time
	err       error // the protocol error that ended the connection
	onNotify  NotificationHandler
	onRequest RequestHandler

	done chan struct{} // closed when the reading goroutine ends
}

type response struct {
	result json.RawMessage
	err    json.RawMessage
}

// Start starts bin with args, its standard input and output connected to the
// client and its standard error to this process's. env holds "KEY=value"
// entries added to this process's environment (nil: the environment
// unchanged); dir is the working directory ("": this process's).
//
// The server sends nothing before it is initialized, so handlers set with
// OnNotification and OnRequest before the initialize Call see every message.
func Start(bin string, args []string, env []string, dir string) (*Client, error) {
	return StartStderr(bin, args, env, dir, os.Stderr)
}

// StartStderr is Start with the server's stderr written to stderr.
func StartStderr(bin string, args []string, env []string, dir string, stderr io.Writer) (*Client, error) {
	cmd := exec.Command(bin, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.Dir = dir
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &Client{
		cmd:       cmd,
		in:        in,
		responses: map[int]chan response{},
		published: map[string]map[int]time.Time{},
		changed:   make(chan struct{}),
		onRequest: DefaultRequestHandler,
		done:      make(chan struct{}),
	}
	go c.read(bufio.NewReaderSize(out, 1<<20))
	return c, nil
}

// PID is the server's process id.
func (c *Client) PID() int { return c.cmd.Process.Pid }

// OnNotification sets the handler of the server's notifications (nil: none).
func (c *Client) OnNotification(h NotificationHandler) {
	c.mu.Lock()
	c.onNotify = h
	c.mu.Unlock()
}

// OnRequest sets the handler of the server's requests (nil:
// DefaultRequestHandler).
func (c *Client) OnRequest(h RequestHandler) {
	if h == nil {
		h = DefaultRequestHandler
	}
	c.mu.Lock()
	c.onRequest = h
	c.mu.Unlock()
}

// Done is closed when the connection has ended: the server closed its
// output, or sent something the client could not read (see Err).
func (c *Client) Done() <-chan struct{} { return c.done }

// Err explains why the connection ended: the protocol error, or ErrClosed.
// It is nil while the connection lasts.
func (c *Client) Err() error {
	select {
	case <-c.done:
	default:
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	return ErrClosed
}

// LastMessage is when the client read the server's latest message of any
// kind (zero before the first).
func (c *Client) LastMessage() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastMsg
}

type message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  json.RawMessage `json:"error,omitempty"`
}

func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
}

func (c *Client) read(r *bufio.Reader) {
	defer close(c.done)
	for {
		length := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if err != io.EOF || line != "" {
					c.fail(fmt.Errorf("reading a header: %v", err))
				}
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(strings.ToLower(line), "content-length:"); ok {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		if length < 0 {
			c.fail(errors.New("a message without Content-Length"))
			return
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			c.fail(fmt.Errorf("reading a body: %v", err))
			return
		}
		now := time.Now()
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			c.fail(fmt.Errorf("invalid JSON from the server: %v", err))
			return
		}
		c.mu.Lock()
		c.lastMsg = now
		onNotify, onRequest := c.onNotify, c.onRequest
		c.mu.Unlock()
		switch {
		case m.Method != "" && len(m.ID) > 0:
			c.answer(m.ID, onRequest, m.Method, m.Params)
		case m.Method != "":
			if m.Method == "textDocument/publishDiagnostics" {
				c.recordPublish(m.Params, now)
			}
			if onNotify != nil {
				onNotify(Notification{Method: m.Method, Params: m.Params, At: now})
			}
		case len(m.ID) > 0:
			id, _ := strconv.Atoi(string(m.ID))
			c.mu.Lock()
			ch := c.responses[id]
			delete(c.responses, id)
			c.mu.Unlock()
			if ch != nil {
				ch <- response{m.Result, m.Error}
			}
		}
	}
}

func (c *Client) answer(id json.RawMessage, h RequestHandler, method string, params json.RawMessage) {
	result, err := h(method, params)
	if err == nil {
		c.send(map[string]any{"jsonrpc": "2.0", "id": id, "result": result})
		return
	}
	var re *ResponseError
	if !errors.As(err, &re) {
		re = &ResponseError{Code: -32603, Message: err.Error()}
	}
	e := map[string]any{"code": re.Code, "message": re.Message}
	if len(re.Data) > 0 {
		e["data"] = re.Data
	}
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "error": e})
}

func (c *Client) recordPublish(params json.RawMessage, at time.Time) {
	var p struct {
		URI     string `json:"uri"`
		Version *int   `json:"version"`
	}
	if json.Unmarshal(params, &p) != nil || p.Version == nil {
		return
	}
	c.mu.Lock()
	if c.published[p.URI] == nil {
		c.published[p.URI] = map[int]time.Time{}
	}
	c.published[p.URI][*p.Version] = at
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

func (c *Client) send(v any) {
	b, _ := json.Marshal(v)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	fmt.Fprintf(c.in, "Content-Length: %d\r\n\r\n%s", len(b), b)
}

// Notify sends a notification.
func (c *Client) Notify(method string, params any) {
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// Call sends a request and returns the result of its response. An error
// response is returned as a *ResponseError; when no response comes within
// timeout, or the connection ends first, Call returns an error too.
func (c *Client) Call(method string, params any, timeout time.Duration) (json.RawMessage, error) {
	ch := make(chan response, 1)
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.responses[id] = ch
	c.mu.Unlock()
	forget := func() {
		c.mu.Lock()
		delete(c.responses, id)
		c.mu.Unlock()
	}
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-ch:
		if len(r.err) > 0 && string(r.err) != "null" {
			re := &ResponseError{method: method, raw: r.err}
			_ = json.Unmarshal(r.err, re)
			return nil, re
		}
		return r.result, nil
	case <-c.done:
		forget()
		return nil, c.Err()
	case <-timer.C:
		forget()
		return nil, fmt.Errorf("no answer to %s within %s", method, timeout)
	}
}

// WaitPublish returns when the diagnostics of uri at version were published
// (at once if they already were): their arrival time. Publications without a
// version (of documents not open) are not recorded.
func (c *Client) WaitPublish(uri string, version int, timeout time.Duration) (time.Time, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		c.mu.Lock()
		at, ok := c.published[uri][version]
		changed := c.changed
		c.mu.Unlock()
		if ok {
			return at, nil
		}
		select {
		case <-changed:
		case <-c.done:
			return time.Time{}, c.Err()
		case <-timer.C:
			return time.Time{}, fmt.Errorf("no diagnostics for version %d within %s", version, timeout)
		}
	}
}

// Shutdown asks the server to shut down and exit, and waits for it to,
// timeout for each step. The error says what went wrong: no answer, no exit,
// or a non-zero exit status.
func (c *Client) Shutdown(timeout time.Duration) error {
	if _, err := c.Call("shutdown", nil, timeout); err != nil {
		return err
	}
	c.Notify("exit", nil)
	c.in.Close()
	select {
	case <-c.done:
	case <-time.After(timeout):
		return errors.New("the server did not exit after shutdown and exit")
	}
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("server exit: %v", err)
	}
	return nil
}

// Stop ends the server if Shutdown did not: it closes the server's input,
// waits up to two seconds for it to exit, then kills it. It is safe to call
// after Shutdown (typically deferred).
func (c *Client) Stop() {
	if c.cmd.ProcessState != nil {
		return
	}
	c.in.Close()
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
		c.cmd.Process.Kill()
	}
	c.cmd.Wait()
}
