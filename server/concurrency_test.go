package server

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// TestHoverDoesNotWaitForTheModuleGraph: once the systems of a state are
// known, a hover after an edit answers with them while the systems of the
// new state are still being computed (here: blocked until the test ends).
func TestHoverDoesNotWaitForTheModuleGraph(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	opts := Options{Systems: func(_ context.Context, ws *analysis.Workspace) []*analysis.SystemInfo {
		if calls.Add(1) > 1 {
			<-release
		}
		return analysis.Systems(ws)
	}}
	c := start(t, opts)
	defer close(release)
	u, p := c.cursorDoc("a.nix", `{ microvm.hyper|visor = "qemu"; }`)
	hover := func() protocol.Hover {
		var h protocol.Hover
		c.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}}, &h)
		return h
	}
	if h := hover(); !strings.Contains(h.Contents.Value, "cloud-hypervisor") {
		t.Fatalf("first hover: %+v", h)
	}
	// An edit after the cursor: a new state whose systems block.
	c.edit(u, rng(0, 31, 0, 31), " ")
	if h := hover(); !strings.Contains(h.Contents.Value, "cloud-hypervisor") {
		t.Fatalf("hover after an edit: %+v", h)
	}
	for deadline := time.Now().Add(waitTimeout); calls.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if calls.Load() < 2 {
		t.Fatalf("the systems of the new state were never asked for (%d calls): the test proves nothing", calls.Load())
	}
}

// TestRequestsShareOneSnapshot: requests on an unchanged state reuse its
// snapshot; a change makes a new one.
func TestRequestsShareOneSnapshot(t *testing.T) {
	s := New(Options{Logger: nopLogger()})
	s.docs.open("file:///ws/a.nix", 1, "{ a = 1; }")
	s.changed()
	a, b := s.snapshot(), s.snapshot()
	if a != b {
		t.Fatal("two snapshots of one state")
	}
	s.docs.change("file:///ws/a.nix", 2, []contentChange{{Text: "{ a = 2; }"}}, encUTF16)
	s.changed()
	c := s.snapshot()
	if c == a || string(c.at("/ws/a.nix").Src) != "{ a = 2; }" {
		t.Fatal("a change did not make a new snapshot")
	}
	// Typing shares the files from disk: no copy of them per keystroke.
	if !sameMap(c.files, a.files) {
		t.Error("an edit to an open document copied the files of the index")
	}
}

// TestDiagnosticsScopeOpen: with diagnosticsScope "open", a file of the
// workspace that is neither open nor in a system gets no diagnostics, and
// gets them when opened; its findings are still computed.
func TestDiagnosticsScopeOpen(t *testing.T) {
	dir := workspace(t, map[string]string{"flake.nix": "{ outputs = { ... }: { }; }\n", "lone.nix": "{ a = 1; a = 2; }\n"})
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: fileURI(dir), initOptions: map[string]any{"diagnosticsScope": "open"}})
	lone := fileURI(dir + "/lone.nix")
	other := fileURI(dir + "/other.nix")
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	// A published document marks an analysis that ran after the index.
	c.open(other, "{ b = 1; b = 2; }")
	c.waitCount(other, 1)
	c.mu.Lock()
	_, published := c.diagnostics[lone]
	c.mu.Unlock()
	if published {
		t.Fatal("diagnostics published for a closed file outside every system")
	}
	c.open(lone, "{ a = 1; a = 2; }\n")
	c.waitCount(lone, 1)
}
