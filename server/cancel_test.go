package server

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// TestNewVersionStopsTheRunningAnalysis: an analysis of a document's
// version 1, running when version 2 arrives, is stopped (its context ends,
// superseded), and version 2 is analysed and published. The analysis of
// version 1 never ends on its own: without the stop, nothing is published.
func TestNewVersionStopsTheRunningAnalysis(t *testing.T) {
	started := make(chan struct{})
	var startOnce sync.Once
	var stopped atomic.Bool
	analyze := func(ctx context.Context, ws *analysis.Workspace, cfg analysis.Config) (*analysis.Findings, error) {
		for _, f := range ws.All() {
			if strings.Contains(string(f.Src), "version one") {
				startOnce.Do(func() { close(started) })
				<-ctx.Done()
				stopped.Store(superseded(ctx))
				return nil, ctx.Err()
			}
		}
		return analysis.FindingsOf(analysis.Analyze(ws, cfg)), nil
	}
	c := start(t, Options{analyzeContext: analyze})
	u := protocol.DocumentURI("file:///w/a.nix")
	c.open(u, "# version one\n{ a = 1; a = 2; }\n")
	select {
	case <-started:
	case <-time.After(waitTimeout):
		t.Fatal("version 1 was never analysed")
	}
	v := c.replaceAll(u, "# version two\n{ a = 1; a = 2; b = 1; b = 2; }\n")
	got := c.waitDiagnostics(u, "version 2", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == v })
	if len(got.Diagnostics) != 2 {
		t.Errorf("version 2 published %d diagnostics, want 2 (duplicate a and b)", len(got.Diagnostics))
	}
	if !stopped.Load() {
		t.Error("the analysis of version 1 ended, but not because version 2 superseded it")
	}
}

// TestCancelledRequestStopsItsWork: a workspace/symbol request cancelled
// while its systems are computed is answered RequestCancelled, the
// computation sees its context end, and the handler returns: the next
// request, which needs the same (one at a time) computation, is answered.
func TestCancelledRequestStopsItsWork(t *testing.T) {
	started := make(chan struct{})
	stopped := make(chan struct{})
	var calls atomic.Int32
	systems := func(ctx context.Context, ws *analysis.Workspace) []*analysis.SystemInfo {
		if calls.Add(1) == 1 {
			close(started)
			<-ctx.Done() // the work of the first request ends only when cancelled
			close(stopped)
			return nil
		}
		return analysis.Systems(ws)
	}
	c := start(t, Options{Systems: systems})
	u := protocol.DocumentURI("file:///w/a.nix")
	c.open(u, "{ alpha = 1; }\n")
	c.rawCall("test-sym", protocol.MethodWorkspaceSymbol, protocol.WorkspaceSymbolParams{Query: "alpha"})
	select {
	case <-started:
	case <-time.After(waitTimeout):
		t.Fatal("the request never asked for the systems")
	}
	c.notify(protocol.MethodCancelRequest, map[string]any{"id": "test-sym"})
	if resp := c.waitResponse("test-sym"); rpcCode(resp.Err()) != protocol.CodeRequestCancelled {
		t.Fatalf("cancelled request answered %v, want RequestCancelled", resp.Err())
	}
	select {
	case <-stopped:
	case <-time.After(waitTimeout):
		t.Fatal("the cancelled request's work did not see its context end")
	}
	var syms []protocol.SymbolInformation
	c.call(protocol.MethodWorkspaceSymbol, protocol.WorkspaceSymbolParams{Query: "alpha"}, &syms)
	if len(syms) != 1 || syms[0].Name != "alpha" {
		t.Errorf("the request after the cancelled one: %+v", syms)
	}
}

// TestFloodOfRequestsRunsOnBoundedGoroutines: a client with a thousand
// requests in flight (each waiting for the module graph, which blocks)
// gets no goroutine per request; a request cancelled while queued behind
// them is answered at once; once the graph is built every request is
// answered.
func TestFloodOfRequestsRunsOnBoundedGoroutines(t *testing.T) {
	const n = 1000
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	systems := func(ctx context.Context, ws *analysis.Workspace) []*analysis.SystemInfo {
		select {
		case <-gate:
		case <-ctx.Done():
		}
		return analysis.Systems(ws)
	}
	c := start(t, Options{Systems: systems})
	u := protocol.DocumentURI("file:///w/a.nix")
	c.open(u, "{ alpha = 1; }\n")
	c.waitCount(u, 0) // the session is idle: what follows is the flood's
	base := runtime.NumGoroutine()
	params := protocol.WorkspaceSymbolParams{Query: "alpha"}
	for i := range n {
		c.rawCall(fmt.Sprintf("test-%d", i), protocol.MethodWorkspaceSymbol, params)
	}
	// Every request is in: running, or waiting in the queue.
	sched := c.srv.sched
	for deadline := time.Now().Add(waitTimeout); ; time.Sleep(time.Millisecond) {
		waiting, running := sched.queued()
		if waiting+running >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiting and %d running of %d requests sent", waiting, running, n)
		}
	}
	if got, limit := runtime.NumGoroutine()-base, sched.maxWorkers+8; got > limit {
		t.Errorf("%d requests in flight took %d more goroutines, want at most %d", n, got, limit)
	}
	if _, running := sched.queued(); running > sched.maxWorkers {
		t.Errorf("%d requests run at once, want at most %d", running, sched.maxWorkers)
	}
	// The last request waits in the queue: cancelled, it is answered
	// while every worker is still busy.
	c.notify(protocol.MethodCancelRequest, map[string]any{"id": fmt.Sprintf("test-%d", n-1)})
	if resp := c.waitResponse(fmt.Sprintf("test-%d", n-1)); rpcCode(resp.Err()) != protocol.CodeRequestCancelled {
		t.Fatalf("a queued request, cancelled: %v, want RequestCancelled", resp.Err())
	}
	if waiting, _ := sched.queued(); waiting == 0 {
		t.Fatal("the queue was empty before the graph was released: the test proves nothing")
	}
	release()
	for i := range n - 1 {
		resp := c.waitResponse(fmt.Sprintf("test-%d", i))
		if resp.Err() != nil {
			t.Fatalf("request %d: %v", i, resp.Err())
		}
		var got []protocol.SymbolInformation
		if err := json.Unmarshal(resp.Result(), &got); err != nil || len(got) != 1 {
			t.Fatalf("request %d answered %s (%v)", i, resp.Result(), err)
		}
	}
}

// TestFloodOfConfigurationChangesWaitsOnBoundedGoroutines: hundreds of
// didChangeConfiguration notifications while a pull of the settings waits
// for the client start at most one more pull, not a goroutine each.
func TestFloodOfConfigurationChangesWaitsOnBoundedGoroutines(t *testing.T) {
	const n = 500
	c := start(t, Options{})
	pulls := func() int { return countString(c.requests, protocol.MethodWorkspaceConfiguration) }
	c.waitFor("the first pull", func() bool { return pulls() >= 1 })
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	c.mu.Lock()
	c.configGate = gate
	c.mu.Unlock()
	base := runtime.NumGoroutine()
	for range n {
		c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	}
	sched := c.srv.sched
	for deadline := time.Now().Add(waitTimeout); ; time.Sleep(time.Millisecond) {
		sched.mu.Lock()
		done := sched.handled == sched.received
		sched.mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the notifications were never handled")
		}
	}
	c.waitFor("the flood's pull", func() bool { return pulls() >= 2 })
	if got := runtime.NumGoroutine() - base; got > 16 {
		t.Errorf("%d configuration changes took %d more goroutines", n, got)
	}
	c.mu.Lock()
	asked := pulls()
	c.mu.Unlock()
	if asked != 2 {
		t.Errorf("%d pulls while the first waits for the client, want 2 (the first after initialized, one for the flood)", asked)
	}
	release()
}
