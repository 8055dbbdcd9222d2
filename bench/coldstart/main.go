// Command coldstart measures how microvm-lsp starts on a large workspace
// (issue #7): it generates a corpus (by default 10,000 files, 50.7 MB),
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
// With -workspace, the corpus is instead the *.nix files of an existing
// directory (a checkout of real repositories), hard-linked -copies times
// into a temporary directory, so that the directory itself is never
// written. With -open, one file of the corpus is open in the editor, as
// when a user starts an editor on it. The "quiet" row is when the server's
// CPU use fell back to idle after the first diagnostics: no more than one
// clock tick in a 500 ms window; the next row is the CPU time the server
// used until then, which a machine whose speed drifts stretches less.
//
// It exits non-zero only when the server crashes, breaks the protocol or
// times out, never because a number is slow.
//
//	go run ./bench/coldstart -bin bin/microvm-lsp [-files 10000] [-lines 75] [-big 1500000] [-idle 5s] [-timeout 120s]
//	go run ./bench/coldstart -bin bin/microvm-lsp -workspace DIR [-copies 3] [-open REL]
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/microvm-lsp/microvm-lsp/internal/corpus"
	"github.com/microvm-lsp/microvm-lsp/internal/lspclient"
)

// sentinel is the last file of the corpus in path order: its duplicate
// attribute guarantees a diagnostic once the whole workspace is analysed.
const (
	sentinelName = "zzzz-coldstart-sentinel.nix"
	sentinelText = "{ a = 1; a = 2; }\n"
)

func main() {
	bin := flag.String("bin", "bin/microvm-lsp", "the microvm-lsp `binary` to measure")
	files := flag.Int("files", 10000, "module and flake files in the generated corpus")
	lines := flag.Int("lines", 75, "module length in percent of the generator's default (60 to 360 lines)")
	big := flag.Int("big", 1500000, "size in bytes of the corpus' all-packages-style file")
	idle := flag.Duration("idle", 5*time.Second, "how long to measure CPU use while idle after indexing")
	timeout := flag.Duration("timeout", 120*time.Second, "give up when the server has not indexed and analysed the corpus after this long")
	keep := flag.String("dir", "", "generate the corpus into `DIR` and keep it (default: a temporary directory, removed)")
	flag.StringVar(&workspace, "workspace", "", "use the *.nix files below `DIR` as the corpus instead of generating one")
	flag.IntVar(&copies, "copies", 1, "with -workspace, hard-link this many copies of it side by side")
	flag.StringVar(&scope, "scope", "all", "the server's diagnosticsScope setting (all: the sentinel's diagnostics mark the end of the analysis of every file)")
	flag.StringVar(&openRel, "open", "", "open the corpus file at this relative `PATH` in the editor (with -workspace and -copies, in the first copy); \"first\" opens the first module in path order")
	flag.Parse()
	if err := run(*bin, *files, *big, *lines, *idle, *timeout, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

var (
	workspace string
	copies    int
	openRel   string
	scope     string
)

func run(bin string, files, big, lines int, idle, timeout time.Duration, dir string) error {
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
	var n int
	var bytes int64
	if workspace != "" {
		n, bytes, err = corpus.LinkCopies(workspace, dir, copies)
	} else {
		n, bytes, err = corpus.Write(dir, files, big, lines)
	}
	if err != nil {
		return fmt.Errorf("preparing the corpus: %v", err)
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

	c, err := lspclient.Start(bin, []string{"serve", "--log-level", "warn"}, []string{"MICROVM_LSP_DEBUG=1"}, "")
	if err != nil {
		return err
	}
	defer c.Stop()
	pid := c.PID()
	w := newWatcher(c)
	c.OnNotification(w.notification)

	root := "file://" + dir
	sent := time.Now()
	if _, err := c.Call("initialize", map[string]any{
		"processId": os.Getpid(),
		"rootUri":   root,
		"capabilities": map[string]any{
			"window":       map[string]any{"workDoneProgress": true},
			"textDocument": map[string]any{"publishDiagnostics": map[string]any{"versionSupport": true, "relatedInformation": true}},
			"workspace":    map[string]any{"workspaceFolders": true, "configuration": true},
		},
		"workspaceFolders":      []any{map[string]any{"uri": root, "name": "corpus"}},
		"initializationOptions": map[string]any{"diagnosticsScope": scope},
	}, timeout); err != nil {
		return fmt.Errorf("initialize: %v", err)
	}
	initAt := time.Now()
	c.Notify("initialized", map[string]any{})
	if openRel != "" {
		rel := openRel
		if rel == "first" {
			if rel, err = firstModule(dir); err != nil {
				return err
			}
		}
		text, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return fmt.Errorf("-open: %v", err)
		}
		c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": root + "/" + filepath.ToSlash(rel), "languageId": "nix", "version": 1, "text": string(text)}})
	}
	cpuLog := startCPULog(pid)

	deadline := time.Now().Add(timeout)
	endAt, err := w.waitIndexEnd(deadline)
	if err != nil {
		return err
	}
	sentinelURI := root + "/" + sentinelName
	pubAt, early, err := w.waitPublishAfter(endAt, sentinelURI, deadline)
	if err != nil {
		return err
	}
	// Let the rest of the publications go out before measuring idleness.
	if err := w.waitQuiet(time.Second, deadline); err != nil {
		return err
	}

	// The CPU may still be busy then (a collection of a heap of GBs takes
	// seconds on two cores): wait for the first quiet window, as long as
	// the deadline allows.
	quiet := cpuLog.quietAfter(pubAt, 500*time.Millisecond)
	for quiet.at.IsZero() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		quiet = cpuLog.quietAfter(pubAt, 500*time.Millisecond)
	}
	quietAt := quiet.at
	cpu0, err := lspclient.CPUTicks(pid)
	if err != nil {
		return err
	}
	time.Sleep(idle)
	cpu1, err := lspclient.CPUTicks(pid)
	if err != nil {
		return err
	}
	raw, err := c.Call("microvm-lsp/debug/stats", map[string]any{}, 30*time.Second)
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
		{"initialize sent -> quiet (CPU back to idle)", quietRow(quietAt, sent, ms)},
		// Steadier than the time to quiet on a machine whose speed drifts.
		{"server CPU until quiet (utime+stime)", cpuRow(quiet)},
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
	return c.Shutdown(30 * time.Second)
}

func quietRow(at, sent time.Time, ms func(time.Duration) string) string {
	if at.IsZero() {
		return "not quiet before the idle measurement"
	}
	return ms(at.Sub(sent))
}

func cpuRow(quiet cpuSample) string {
	if quiet.at.IsZero() {
		return "n/a"
	}
	return fmt.Sprintf("%d ms", quiet.ticks*10)
}

// cpuLog samples a process' CPU ticks every 100 ms.
type cpuLog struct {
	mu      sync.Mutex
	samples []cpuSample
}

type cpuSample struct {
	at    time.Time
	ticks int64
}

func startCPULog(pid int) *cpuLog {
	l := &cpuLog{}
	go func() {
		for {
			t, err := lspclient.CPUTicks(pid)
			if err != nil {
				return
			}
			l.mu.Lock()
			l.samples = append(l.samples, cpuSample{time.Now(), t})
			l.mu.Unlock()
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return l
}

// quietAfter returns the sample that starts the first window of length w
// after t in which the process used at most one tick; zero if there was
// none yet.
func (l *cpuLog) quietAfter(t time.Time, w time.Duration) cpuSample {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, a := range l.samples {
		if a.at.Before(t) {
			continue
		}
		for _, b := range l.samples[i+1:] {
			if b.at.Sub(a.at) >= w {
				if b.ticks-a.ticks <= 1 {
					return a
				}
				break
			}
		}
	}
	return cpuSample{}
}

// firstModule returns the first *.nix file below dir in path order, other
// than the sentinel.
func firstModule(dir string) (string, error) {
	var found string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || found != "" {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".nix") && d.Name() != sentinelName {
			found, _ = filepath.Rel(dir, p)
			return filepath.SkipAll
		}
		return nil
	})
	if found == "" && err == nil {
		err = errors.New("-open first: no *.nix file in the corpus")
	}
	return found, err
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

// watcher records, from the server's notifications, the progress of the
// workspace index and the publications, with their arrival times.
type watcher struct {
	c *lspclient.Client

	mu        sync.Mutex
	titles    map[string]string // progress token -> title of its begin
	indexEnd  time.Time         // arrival of the index's progress end
	publishes []publication
	wake      chan struct{}
}

type publication struct {
	uri string
	at  time.Time
}

func newWatcher(c *lspclient.Client) *watcher {
	return &watcher{c: c, titles: map[string]string{}, wake: make(chan struct{}, 1)}
}

// notification is the client's notification handler.
func (w *watcher) notification(n lspclient.Notification) {
	switch n.Method {
	case "textDocument/publishDiagnostics":
		var p struct {
			URI string `json:"uri"`
		}
		_ = json.Unmarshal(n.Params, &p)
		w.mu.Lock()
		w.publishes = append(w.publishes, publication{p.URI, n.At})
		w.mu.Unlock()
	case "$/progress":
		var p struct {
			Token any `json:"token"`
			Value struct {
				Kind  string `json:"kind"`
				Title string `json:"title"`
			} `json:"value"`
		}
		_ = json.Unmarshal(n.Params, &p)
		tok := fmt.Sprint(p.Token)
		w.mu.Lock()
		switch p.Value.Kind {
		case "begin":
			w.titles[tok] = p.Value.Title
		case "end":
			if strings.Contains(strings.ToLower(w.titles[tok]), "index") && w.indexEnd.IsZero() {
				w.indexEnd = n.At
			}
		}
		w.mu.Unlock()
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// waitFor returns when cond, checked under w.mu after every notification,
// holds.
func (w *watcher) waitFor(what string, deadline time.Time, cond func() bool) error {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		w.mu.Lock()
		ok := cond()
		w.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-w.wake:
		case <-w.c.Done():
			return fmt.Errorf("waiting for %s: %v", what, w.c.Err())
		case <-timer.C:
			return fmt.Errorf("timed out waiting for %s", what)
		}
	}
}

func (w *watcher) waitIndexEnd(deadline time.Time) (time.Time, error) {
	var at time.Time
	err := w.waitFor("the $/progress end of the workspace index", deadline, func() bool {
		at = w.indexEnd
		return !at.IsZero()
	})
	return at, err
}

// waitPublishAfter returns the arrival of the first publishDiagnostics after
// t. If the sentinel's diagnostics were published before t (an analysis that
// started just before the index ended saw every file), the analysis after
// the index may have nothing new to publish: it reports early instead of
// waiting.
func (w *watcher) waitPublishAfter(t time.Time, sentinel string, deadline time.Time) (time.Time, bool, error) {
	var at time.Time
	early := false
	err := w.waitFor("publishDiagnostics after the index", deadline, func() bool {
		for _, p := range w.publishes {
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
func (w *watcher) waitQuiet(quiet time.Duration, deadline time.Time) error {
	for time.Now().Before(deadline) {
		since := time.Since(w.c.LastMessage())
		if since >= quiet {
			return nil
		}
		select {
		case <-w.c.Done():
			return w.c.Err()
		case <-time.After(quiet - since):
		}
	}
	return errors.New("timed out waiting for the server to fall quiet")
}
