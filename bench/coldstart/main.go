// Command coldstart measures how microvm-lsp starts on a large workspace
// (issue #7): it generates a corpus (by default 12,000 files, about 80 MB),
// starts the real binary over stdio with MICROVM_LSP_DEBUG=1, initializes
// with the corpus as the workspace folder and a client that supports
// work-done progress, and reports
//
//   - the time from initialize sent to the $/progress end of the workspace
//     index, and to the first publishDiagnostics after it (the analysis of
//     the whole workspace: the server publishes after analysing everything);
//   - the peak resident set (VmHWM of /proc/PID/status);
//   - the CPU the server uses while idle after indexing (utime+stime of
//     /proc/PID/stat over -idle), which should be about zero;
//   - the live heap after indexing (microvm-lsp/debug/stats, after a GC) per
//     byte of source.
//
// The corpus gets one extra file, sorted last, with a duplicate attribute, so
// that the analysis of the whole workspace always publishes something.
//
// It exits non-zero only when the server crashes, breaks the protocol or
// times out, never because a number is slow.
//
//	go run ./bench/coldstart -bin bin/microvm-lsp [-files 12000] [-big 1500000] [-idle 5s] [-timeout 120s]
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/microvm-lsp/microvm-lsp/internal/corpus"
)

// sentinel is the last file of the corpus in path order: its duplicate
// attribute guarantees a diagnostic once the whole workspace is analysed.
const (
	sentinelName = "zzzz-coldstart-sentinel.nix"
	sentinelText = "{ a = 1; a = 2; }\n"
)

func main() {
	bin := flag.String("bin", "bin/microvm-lsp", "the microvm-lsp `binary` to measure")
	files := flag.Int("files", 12000, "module and flake files in the generated corpus")
	big := flag.Int("big", 1500000, "size in bytes of the corpus' all-packages-style file")
	idle := flag.Duration("idle", 5*time.Second, "how long to measure CPU use while idle after indexing")
	timeout := flag.Duration("timeout", 120*time.Second, "give up when the server has not indexed and analysed the corpus after this long")
	keep := flag.String("dir", "", "generate the corpus into `DIR` and keep it (default: a temporary directory, removed)")
	flag.Parse()
	if err := run(*bin, *files, *big, *idle, *timeout, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

func run(bin string, files, big int, idle, timeout time.Duration, dir string) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "microvm-lsp-coldstart-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	// Symbolic links in the temporary directory's path would make the
	// server's paths differ from ours; it resolves only the root anyway.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}

	t0 := time.Now()
	n, bytes, err := corpus.Write(dir, files, big)
	if err != nil {
		return fmt.Errorf("generating the corpus: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, sentinelName), []byte(sentinelText), 0o644); err != nil {
		return err
	}
	n++
	bytes += int64(len(sentinelText))
	genTime := time.Since(t0)

	out, _ := exec.Command(bin, "version").Output()
	fmt.Printf("%s; corpus: %d files, %d bytes (%.1f MB), generated in %s\n\n",
		strings.TrimSpace(string(out)), n, bytes, float64(bytes)/1e6, genTime.Round(time.Millisecond))

	c, err := start(bin)
	if err != nil {
		return err
	}
	defer c.stop()
	pid := c.cmd.Process.Pid

	root := "file://" + dir
	sent := time.Now()
	if _, err := c.call("initialize", map[string]any{
		"processId": os.Getpid(),
		"rootUri":   root,
		"capabilities": map[string]any{
			"window":       map[string]any{"workDoneProgress": true},
			"textDocument": map[string]any{"publishDiagnostics": map[string]any{"versionSupport": true, "relatedInformation": true}},
			"workspace":    map[string]any{"workspaceFolders": true, "configuration": true},
		},
		"workspaceFolders": []any{map[string]any{"uri": root, "name": "corpus"}},
	}, timeout); err != nil {
		return fmt.Errorf("initialize: %v", err)
	}
	initAt := time.Now()
	c.notify("initialized", map[string]any{})

	deadline := time.Now().Add(timeout)
	endAt, err := c.waitIndexEnd(deadline)
	if err != nil {
		return err
	}
	sentinelURI := root + "/" + sentinelName
	pubAt, early, err := c.waitPublishAfter(endAt, sentinelURI, deadline)
	if err != nil {
		return err
	}
	// Let the rest of the publications go out before measuring idleness.
	if err := c.waitQuiet(time.Second, deadline); err != nil {
		return err
	}

	cpu0, err := cpuTicks(pid)
	if err != nil {
		return err
	}
	time.Sleep(idle)
	cpu1, err := cpuTicks(pid)
	if err != nil {
		return err
	}
	raw, err := c.call("microvm-lsp/debug/stats", map[string]any{}, 30*time.Second)
	if err != nil {
		return fmt.Errorf("debug stats (is MICROVM_LSP_DEBUG honoured?): %v", err)
	}
	var stats struct {
		Goroutines     int    `json:"goroutines"`
		HeapAlloc      uint64 `json:"heapAlloc"`
		HeapInuse      uint64 `json:"heapInuse"`
		Indexed        int    `json:"indexedFiles"`
		FilesReadCount int    `json:"filesReadCount"`
	}
	if err := json.Unmarshal(raw, &stats); err != nil {
		return fmt.Errorf("debug stats: %v in %s", err, raw)
	}
	hwm, err := statusKB(pid, "VmHWM")
	if err != nil {
		return err
	}
	rss, _ := statusKB(pid, "VmRSS")

	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	analysed := ms(pubAt.Sub(sent))
	if early {
		analysed = "n/a (the sentinel's diagnostics came before the index ended)"
	}
	rows := [][2]string{
		{"initialize sent -> initialize result", ms(initAt.Sub(sent))},
		{"initialize sent -> index $/progress end", ms(endAt.Sub(sent))},
		{"initialize sent -> first publishDiagnostics after it", analysed},
		{"files indexed / read (debug stats)", fmt.Sprintf("%d / %d of %d", stats.Indexed, stats.FilesReadCount, n)},
		{"peak RSS (VmHWM)", fmt.Sprintf("%.1f MB", float64(hwm)/1e3)},
		{"RSS after indexing (VmRSS)", fmt.Sprintf("%.1f MB", float64(rss)/1e3)},
		{fmt.Sprintf("idle CPU over %s after indexing", idle), fmt.Sprintf("%d ticks (utime+stime, 1 tick = 10 ms)", cpu1-cpu0)},
		{"live heap after indexing (heapAlloc, after GC)", fmt.Sprintf("%.1f MB", float64(stats.HeapAlloc)/1e6)},
		{"heap bytes per source byte", fmt.Sprintf("%.2f", float64(stats.HeapAlloc)/float64(bytes))},
		{"goroutines when idle", strconv.Itoa(stats.Goroutines)},
	}
	fmt.Printf("%-52s %s\n", "cold start", "value")
	for _, r := range rows {
		fmt.Printf("%-52s %s\n", r[0], r[1])
	}
	return c.shutdown(30 * time.Second)
}

// cpuTicks is utime+stime of a process, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after its closing parenthesis, where field 3 (state) starts.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected %q", pid, s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected %q", pid, s)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return utime + stime, nil
}

// statusKB reads one "kB" line of /proc/PID/status.
func statusKB(pid int, key string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, key)
}

// client is a minimal LSP client over the server's stdin and stdout that
// records progress and publications with their arrival times.
type client struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	wmu    sync.Mutex
	nextID int

	mu        sync.Mutex
	titles    map[string]string // progress token -> title of its begin
	indexEnd  time.Time         // arrival of the index's progress end
	publishes []publication
	lastMsg   time.Time
	protoErr  error
	responses map[int]chan response
	wake      chan struct{}
	done      chan struct{}
}

type publication struct {
	uri string
	at  time.Time
}

type response struct {
	result json.RawMessage
	err    json.RawMessage
}

func start(bin string) (*client, error) {
	cmd := exec.Command(bin, "serve", "--log-level", "warn")
	cmd.Env = append(os.Environ(), "MICROVM_LSP_DEBUG=1")
	cmd.Stderr = os.Stderr
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
	c := &client{cmd: cmd, in: in, titles: map[string]string{}, responses: map[int]chan response{},
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	go c.read(bufio.NewReaderSize(out, 1<<20))
	return c, nil
}

type message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  json.RawMessage `json:"error,omitempty"`
}

func (c *client) fail(err error) {
	c.mu.Lock()
	if c.protoErr == nil {
		c.protoErr = err
	}
	c.mu.Unlock()
}

func (c *client) read(r *bufio.Reader) {
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
		c.mu.Unlock()
		switch {
		case m.Method == "textDocument/publishDiagnostics":
			var p struct {
				URI string `json:"uri"`
			}
			_ = json.Unmarshal(m.Params, &p)
			c.mu.Lock()
			c.publishes = append(c.publishes, publication{p.URI, now})
			c.mu.Unlock()
		case m.Method == "$/progress":
			var p struct {
				Token any `json:"token"`
				Value struct {
					Kind  string `json:"kind"`
					Title string `json:"title"`
				} `json:"value"`
			}
			_ = json.Unmarshal(m.Params, &p)
			tok := fmt.Sprint(p.Token)
			c.mu.Lock()
			switch p.Value.Kind {
			case "begin":
				c.titles[tok] = p.Value.Title
			case "end":
				if strings.Contains(strings.ToLower(c.titles[tok]), "index") && c.indexEnd.IsZero() {
					c.indexEnd = now
				}
			}
			c.mu.Unlock()
		case m.Method != "" && len(m.ID) > 0:
			// A request from the server: window/workDoneProgress/create,
			// workspace/configuration (a null per item: the defaults),
			// anything else gets null.
			var result any
			if m.Method == "workspace/configuration" {
				var p struct{ Items []any }
				_ = json.Unmarshal(m.Params, &p)
				result = make([]any, len(p.Items))
			}
			c.send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
		case m.Method == "" && len(m.ID) > 0:
			id, _ := strconv.Atoi(string(m.ID))
			c.mu.Lock()
			ch := c.responses[id]
			delete(c.responses, id)
			c.mu.Unlock()
			if ch != nil {
				ch <- response{m.Result, m.Error}
			}
		}
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

func (c *client) send(v any) {
	b, _ := json.Marshal(v)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	fmt.Fprintf(c.in, "Content-Length: %d\r\n\r\n%s", len(b), b)
}

func (c *client) notify(method string, params any) {
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// gone explains why the connection ended.
func (c *client) gone() error {
	c.mu.Lock()
	err := c.protoErr
	c.mu.Unlock()
	if err != nil {
		return err
	}
	return errors.New("the server closed the connection (crashed?)")
}

func (c *client) call(method string, params any, timeout time.Duration) (json.RawMessage, error) {
	ch := make(chan response, 1)
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.responses[id] = ch
	c.mu.Unlock()
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	select {
	case r := <-ch:
		if len(r.err) > 0 && string(r.err) != "null" {
			return nil, fmt.Errorf("%s failed: %s", method, r.err)
		}
		return r.result, nil
	case <-c.done:
		return nil, c.gone()
	case <-time.After(timeout):
		return nil, fmt.Errorf("no answer to %s within %s", method, timeout)
	}
}

// waitFor returns when cond, checked under c.mu after every message, holds.
func (c *client) waitFor(what string, deadline time.Time, cond func() bool) error {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		c.mu.Lock()
		ok := cond()
		c.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-c.wake:
		case <-c.done:
			return fmt.Errorf("waiting for %s: %v", what, c.gone())
		case <-timer.C:
			return fmt.Errorf("timed out waiting for %s", what)
		}
	}
}

func (c *client) waitIndexEnd(deadline time.Time) (time.Time, error) {
	var at time.Time
	err := c.waitFor("the $/progress end of the workspace index", deadline, func() bool {
		at = c.indexEnd
		return !at.IsZero()
	})
	return at, err
}

// waitPublishAfter returns the arrival of the first publishDiagnostics after
// t. If the sentinel's diagnostics were published before t (an analysis that
// started just before the index ended saw every file), the analysis after
// the index may have nothing new to publish: it reports early instead of
// waiting.
func (c *client) waitPublishAfter(t time.Time, sentinel string, deadline time.Time) (time.Time, bool, error) {
	var at time.Time
	early := false
	err := c.waitFor("publishDiagnostics after the index", deadline, func() bool {
		for _, p := range c.publishes {
			if p.at.After(t) {
				at = p.at
				return true
			}
			if p.uri == sentinel {
				early = true
			}
		}
		return early
	})
	return at, early, err
}

// waitQuiet returns once the server has sent nothing for quiet.
func (c *client) waitQuiet(quiet time.Duration, deadline time.Time) error {
	for time.Now().Before(deadline) {
		c.mu.Lock()
		since := time.Since(c.lastMsg)
		c.mu.Unlock()
		if since >= quiet {
			return nil
		}
		select {
		case <-c.done:
			return c.gone()
		case <-time.After(quiet - since):
		}
	}
	return errors.New("timed out waiting for the server to fall quiet")
}

func (c *client) shutdown(timeout time.Duration) error {
	if _, err := c.call("shutdown", nil, timeout); err != nil {
		return err
	}
	c.notify("exit", nil)
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

func (c *client) stop() {
	if c.cmd.ProcessState == nil {
		c.in.Close()
		select {
		case <-c.done:
		case <-time.After(2 * time.Second):
			c.cmd.Process.Kill()
		}
		c.cmd.Wait()
	}
}
