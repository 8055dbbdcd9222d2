package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestFindNixFilesSkipsAndSurvivesLoops(t *testing.T) {
	dir := workspace(t, map[string]string{
		"flake.nix":              "{ }",
		"hosts/a.nix":            "{ }",
		"hosts/notes.txt":        "",
		".git/x.nix":             "{ }",
		"node_modules/y.nix":     "{ }",
		"result-dir/z.nix":       "{ }",
		"out/real.nix":           "{ }",
		"vendor/v.nix":           "{ }",
		"hosts/result.nix":       "{ }", // a file named result*.nix is a module
		"elsewhere/outside.nix":  "{ }",
		"elsewhere/nested/n.nix": "{ }",
	})
	must := func(err error) {
		if err != nil {
			t.Fatal("cannot make the symlinks of the test:", err)
		}
	}
	must(os.Symlink(filepath.Join(dir, "out"), filepath.Join(dir, "result")))          // nix-build's link
	must(os.Symlink(dir, filepath.Join(dir, "hosts", "loop")))                         // a loop
	must(os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "linked")))    // followed once
	must(os.Symlink(filepath.Join(dir, "flake.nix"), filepath.Join(dir, "alias.nix"))) // a linked file
	must(os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling.nix")))

	root := normalizePath(dir)
	exclude := newExcludeMatcher([]string{"vendor"})
	got := findNixFiles(context.Background(), root, func(p string) bool { return exclude.excluded(p, []string{root}) }, zap.NewNop())
	var rel []string
	for _, p := range got {
		rel = append(rel, p[len(root)+1:])
	}
	want := []string{
		"alias.nix",
		"elsewhere/nested/n.nix",
		"elsewhere/outside.nix",
		"flake.nix",
		"hosts/a.nix",
		"hosts/result.nix",
		"out/real.nix",
	}
	// "linked" reaches the directory "elsewhere" already visited (or about
	// to be): each real directory is read once, under whichever name
	// comes first.
	if !reflect.DeepEqual(rel, want) {
		alt := []string{"alias.nix", "flake.nix", "hosts/a.nix", "hosts/result.nix", "linked/nested/n.nix", "linked/outside.nix", "out/real.nix"}
		if !reflect.DeepEqual(rel, alt) {
			t.Errorf("found %q\nwant %q", rel, want)
		}
	}
}

func TestReadNixFileSkipsHugeFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.nix")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: the size is what counts, and the test stays fast.
	if err := f.Truncate(maxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, ok := readSource(normalizePath(p), zap.NewNop()); ok {
		t.Error("a file over 64 MiB was read")
	}
}

// Indexing and the first diagnostics do not wait for the client to answer
// the watcher's registration or the progress token's creation (the server
// waits up to clientCallTimeout, far beyond waitTimeout); once the token
// is accepted, after indexing ended, the progress is begun and ended.
func TestIndexingDoesNotWaitForTheClient(t *testing.T) {
	dir := workspace(t, map[string]string{"broken.nix": "{ a = 1 }"})
	c := startSession(t, Options{})
	gate := make(chan struct{})
	c.registerGate = gate
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	broken := fileURI(normalizePath(dir) + "/broken.nix")
	c.waitDiagnostics(broken, "an error in a file that is not open, before the client answered", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) == 1 })
	c.mu.Lock()
	early := len(c.progress)
	c.mu.Unlock()
	if early != 0 {
		t.Errorf("%d progress notifications before the token was accepted", early)
	}
	close(gate)
	c.waitFor("progress to begin and end", func() bool { return progressEnded(c.progress) })
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.progress) != 2 || c.progress[0]["kind"] != "begin" || c.progress[1]["kind"] != "end" || c.progress[1]["message"] != "1 files" {
		t.Errorf("progress %v", c.progress)
	}
}

func TestWorkspaceIsIndexedWithProgress(t *testing.T) {
	dir := workspace(t, map[string]string{
		"broken.nix":        "{ a = 1 }",
		"ok/fine.nix":       "{ a = 1; }",
		".git/hidden.nix":   "{ a = 1 }",
		"vendor/vendor.nix": "{ a = 1 }",
	})
	root := normalizePath(dir)
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: fileURI(dir), initOptions: map[string]any{"excludePaths": []string{"vendor/**"}}})
	broken := fileURI(root + "/broken.nix")
	got := c.waitDiagnostics(broken, "an error in a file that is not open", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) == 1 })
	if got.Version != nil {
		t.Errorf("a closed file's diagnostics carry version %d", *got.Version)
	}
	c.waitFor("progress to end", func() bool { return progressEnded(c.progress) })
	// The file watcher is registered beside the indexing, not before it:
	// two files may be indexed before the request is written.
	c.waitFor("the file watcher's registration", func() bool { return countString(c.requests, "client/registerCapability") > 0 })
	c.mu.Lock()
	kinds := []string{}
	for _, v := range c.progress {
		kinds = append(kinds, v["kind"].(string))
	}
	end := c.progress[len(c.progress)-1]
	published := map[protocol.DocumentURI]bool{}
	for u := range c.diagnostics {
		published[u] = true
	}
	requests := append([]string(nil), c.requests...)
	c.mu.Unlock()
	if kinds[0] != "begin" || kinds[len(kinds)-1] != "end" || end["message"] != "2 files" {
		t.Errorf("progress %v, end %v", kinds, end)
	}
	for _, hidden := range []string{"/.git/hidden.nix", "/vendor/vendor.nix"} {
		if published[fileURI(root+hidden)] {
			t.Errorf("%s was analysed", hidden)
		}
	}
	if countString(requests, "client/registerCapability") != 1 || countString(requests, "window/workDoneProgress/create") != 1 {
		t.Errorf("requests to the client: %v", requests)
	}

	// A file changed outside the editor: the watcher tells us.
	fine := root + "/ok/fine.nix"
	if err := os.WriteFile(filepath.FromSlash(fine), []byte("{ b = }"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, map[string]any{"changes": []map[string]any{{"uri": fileURI(fine), "type": protocol.FileChangeTypeChanged}}})
	c.waitDiagnostics(fileURI(fine), "errors after a change on disk", func(p publishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	// Deleted: its diagnostics go away.
	os.Remove(filepath.FromSlash(fine))
	c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, map[string]any{"changes": []map[string]any{{"uri": fileURI(fine), "type": protocol.FileChangeTypeDeleted}}})
	c.waitCount(fileURI(fine), 0)

	// An open document overrides the disk, and closing it goes back to disk.
	c.open(broken, "{ a = 1; }")
	c.waitCount(broken, 0)
	c.notify(protocol.MethodTextDocumentDidClose, protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: broken}})
	c.waitCount(broken, 1)
}

func TestWorkspaceFoldersChange(t *testing.T) {
	first := workspace(t, map[string]string{"one.nix": "{ a = 1 }"})
	second := workspace(t, map[string]string{"two.nix": "{ a = 1 }"})
	c := startSession(t, Options{})
	c.initialize(sessionOptions{rootURI: fileURI(first)})
	one, two := fileURI(normalizePath(first)+"/one.nix"), fileURI(normalizePath(second)+"/two.nix")
	c.waitCount(one, 1)
	c.notify(protocol.MethodWorkspaceDidChangeWorkspaceFolders, map[string]any{"event": map[string]any{
		"added":   []map[string]any{{"uri": fileURI(second), "name": "second"}},
		"removed": []map[string]any{{"uri": fileURI(first), "name": "first"}},
	}})
	c.waitCount(two, 1)
	c.waitCount(one, 0)
}

func TestExcludePathsChangeReindexes(t *testing.T) {
	dir := workspace(t, map[string]string{"gen/x.nix": "{ a = 1 }"})
	c := startSession(t, Options{})
	c.setConfig(map[string]any{"excludePaths": []string{"gen"}})
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	x := fileURI(normalizePath(dir) + "/gen/x.nix")
	c.setConfig(map[string]any{"excludePaths": []string{}})
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	c.waitCount(x, 1)
	c.setConfig(map[string]any{"excludePaths": []string{"gen/**"}})
	c.notify(protocol.MethodWorkspaceDidChangeConfiguration, map[string]any{"settings": nil})
	c.waitCount(x, 0)
}

// TestIndexKeepsNoTreeForOpenDocuments: while a document is open the
// editor's text is what gets analysed, so the index drops its disk tree
// (half the memory of a large open file) and takes it again on close.
func TestIndexKeepsNoTreeForOpenDocuments(t *testing.T) {
	x := newWorkspaceIndex()
	x.addFolders([]string{"/ws"})
	disk := nixast.Parse("/ws/a.nix", []byte("{ a = 1; }"))
	x.putEvent("/ws/a.nix", disk)
	x.putEvent("/ws/b.nix", nixast.Parse("/ws/b.nix", []byte("{ }")))
	x.setOpen("/ws/a.nix", true)
	if f, ok := x.copyFiles()["/ws/a.nix"]; ok {
		t.Fatalf("open document still in the index: %v", f)
	}
	// A scan or a watched-file event while open stores no tree either.
	x.putScanned("/ws/a.nix", disk, x.scanStart())
	x.putEvent("/ws/a.nix", disk)
	files := x.copyFiles()
	if _, ok := files["/ws/a.nix"]; ok || files["/ws/b.nix"] == nil {
		t.Fatalf("files = %v", files)
	}
	x.setOpen("/ws/a.nix", false)
	x.putEvent("/ws/a.nix", disk)
	if x.copyFiles()["/ws/a.nix"] != disk {
		t.Fatal("closed document not back in the index")
	}
}

// TestWatchedFilesDoNotHoldUpEdits: a branch switch (hundreds of files
// changed on disk, read here from a disk that blocks) does not hold up the
// didChange behind it: its diagnostics are published while the files are
// still being read. The batch is applied at once when read, and the
// editor's text of an open document wins over what its file on disk holds.
func TestWatchedFilesDoNotHoldUpEdits(t *testing.T) {
	dir := normalizePath(workspace(t, map[string]string{"a.nix": "{ x = 1; }\n"}))
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	var armed atomic.Bool
	reading := make(chan struct{}, 1)
	slowDisk := func(p string) {
		if armed.Load() {
			select {
			case reading <- struct{}{}:
			default:
			}
			<-gate
		}
	}
	c := startSession(t, Options{beforeRead: slowDisk})
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	a, dup := fileURI(dir+"/a.nix"), fileURI(dir+"/dup.nix")
	c.open(a, "{ x = 1; }\n")
	c.waitCount(a, 0)

	// The branch switch: a.nix changes on disk (a duplicate y), dup.nix
	// comes, and many files go.
	for name, text := range map[string]string{"a.nix": "{ y = 1; y = 2; }\n", "dup.nix": "{ d = 1; d = 2; }\n"} {
		if err := os.WriteFile(filepath.Join(filepath.FromSlash(dir), name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	changes := []map[string]any{{"uri": a, "type": protocol.FileChangeTypeChanged}, {"uri": dup, "type": protocol.FileChangeTypeCreated}}
	for i := range 500 {
		changes = append(changes, map[string]any{"uri": fileURI(fmt.Sprintf("%s/gone%d.nix", dir, i)), "type": protocol.FileChangeTypeChanged})
	}
	armed.Store(true)
	c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, map[string]any{"changes": changes})
	select {
	case <-reading:
	case <-time.After(waitTimeout):
		t.Fatal("the changed files were never read")
	}
	v := c.replaceAll(a, "{ z = 1; z = 2; }\n")
	got := c.waitDiagnostics(a, "the edit's, while the disk is read", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == v })
	if len(got.Diagnostics) != 1 || !strings.Contains(got.Diagnostics[0].Message, "z") {
		t.Fatalf("diagnostics of the edit: %+v", got.Diagnostics)
	}
	c.mu.Lock()
	_, early := c.diagnostics[dup]
	c.mu.Unlock()
	if early {
		t.Fatal("dup.nix has diagnostics before its file was read")
	}
	release()
	c.waitCount(dup, 1)
	// The batch is in (dup.nix came with it): the open document is still
	// the editor's text.
	c.mu.Lock()
	last := c.diagnostics[a]
	c.mu.Unlock()
	if len(last.Diagnostics) != 1 || !strings.Contains(last.Diagnostics[0].Message, "z") {
		t.Errorf("after the disk was read, the open document's diagnostics are %+v, want the editor's duplicate z", last.Diagnostics)
	}
}

// TestWatchedBatchAppliesInOrder: the events of a batch apply in their
// order (a directory deleted, then a file created in it), each path as
// its last read left it, and an open document keeps no disk tree.
func TestWatchedBatchAppliesInOrder(t *testing.T) {
	x := newWorkspaceIndex()
	x.addFolders([]string{"/ws"})
	parse := func(p, src string) *nixast.File { return nixast.Parse(p, []byte(src)) }
	x.putEvent("/ws/d/old.nix", parse("/ws/d/old.nix", "{ }"))
	x.putEvent("/ws/gone.nix", parse("/ws/gone.nix", "{ }"))
	x.setOpen("/ws/open.nix", true)
	fresh, open := parse("/ws/d/new.nix", "{ a = 1; }"), parse("/ws/open.nix", "{ }")
	before := x.currentVersion()
	x.applyEvents([]fileEvent{
		{path: "/ws/d", deleted: true},
		{path: "/ws/d/new.nix", read: true, file: fresh},
		{path: "/ws/gone.nix", read: true}, // read: no longer on disk
		{path: "/ws/open.nix", read: true, file: open},
	})
	files := x.copyFiles()
	if len(files) != 1 || files["/ws/d/new.nix"] != fresh {
		t.Errorf("after the batch: %v", files)
	}
	if x.currentVersion() == before {
		t.Error("the batch did not change the index' version")
	}
	// A scan that read before the batch does not undo it.
	x.putScanned("/ws/gone.nix", parse("/ws/gone.nix", "{ }"), 0)
	if _, ok := x.copyFiles()["/ws/gone.nix"]; ok {
		t.Error("a scan older than the batch brought back a file it removed")
	}
}

// TestDiagnosticsWaitForIndexing: a document opened while the workspace is
// being indexed gets its diagnostics once the scan ends, not from a
// half-read workspace (where an option another module declares, or a file
// a module imports, would look missing).
func TestDiagnosticsWaitForIndexing(t *testing.T) {
	dir := normalizePath(workspace(t, map[string]string{"a.nix": "{ x = 1; }\n", "slow.nix": "{ }\n"}))
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	reading := make(chan struct{}, 1)
	slowDisk := func(p string) {
		if strings.HasSuffix(p, "/slow.nix") {
			select {
			case reading <- struct{}{}:
			default:
			}
			<-gate
		}
	}
	c := startSession(t, Options{beforeRead: slowDisk})
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	select {
	case <-reading:
	case <-time.After(waitTimeout):
		t.Fatal("the workspace was never read")
	}
	a := fileURI(dir + "/a.nix")
	c.open(a, "{ x = ; }\n")
	// Nothing may be published while slow.nix is read; a request answered
	// after the didOpen shows the server went on with other work meanwhile.
	var hover json.RawMessage
	c.call(protocol.MethodTextDocumentHover, map[string]any{"textDocument": map[string]any{"uri": a}, "position": map[string]any{"line": 0, "character": 2}}, &hover)
	time.Sleep(200 * time.Millisecond)
	c.mu.Lock()
	_, early := c.diagnostics[a]
	c.mu.Unlock()
	if early {
		t.Fatal("diagnostics published while the workspace was still being indexed")
	}
	release()
	if got := c.waitCount(a, 1); got[0].Range.Start.Line != 0 {
		t.Fatalf("diagnostics after indexing: %+v", got)
	}
}

// TestTypingComparesOnlyOpenDocuments: once a file changed on disk after the
// analysis that found the workspace's findings (the index then holds its
// files in a new map), each keystroke in a file of no system (whose edits
// keep the module graph and its findings) is compared with the one before,
// not with that analysis's state: typing never compares every file of the
// workspace again, however many keystrokes there are.
func TestTypingComparesOnlyOpenDocuments(t *testing.T) {
	files := map[string]string{
		"flake.nix": `{
  outputs = { nixpkgs, microvm, ... }: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ ./m.nix microvm.nixosModules.host ]; };
  };
}
`,
		"m.nix":     "{ networking.hostName = \"h\"; }\n",
		"other.nix": "{ a = 1; }\n",
	}
	for i := range 30 {
		files[fmt.Sprintf("pkgs/p%02d.nix", i)] = "{ a = 1; }\n"
	}
	dir := normalizePath(workspace(t, files))
	c := startSession(t, Options{Debug: true})
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	other, p00 := fileURI(dir+"/other.nix"), fileURI(dir+"/pkgs/p00.nix")
	c.open(other, files["other.nix"])
	c.waitCount(other, 0)
	if err := os.WriteFile(filepath.Join(filepath.FromSlash(dir), "pkgs", "p00.nix"), []byte("{ a = 1; a = 2; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, map[string]any{"changes": []map[string]any{{"uri": p00, "type": protocol.FileChangeTypeChanged}}})
	c.waitCount(p00, 1)
	var before, after statsResult
	c.call(methodDebugStats, map[string]any{}, &before)
	for i := range 10 {
		v := c.replaceAll(other, fmt.Sprintf("{ a = %d; }\n", i))
		c.waitDiagnostics(other, "the keystroke's", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == v })
	}
	c.call(methodDebugStats, map[string]any{}, &after)
	if n := after.WholeComparisons - before.WholeComparisons; n > 1 {
		t.Errorf("%d comparisons of every file in 10 keystrokes, want at most 1", n)
	}
}

// debug/stats counts the bytes the server has allocated, and collects
// first unless asked not to ("collect": false, what e2e/latency asks
// between edits).
func TestDebugStatsAllocated(t *testing.T) {
	dir := normalizePath(workspace(t, map[string]string{"m.nix": "{ a = 1; }\n"}))
	c := startSession(t, Options{Debug: true})
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	m := fileURI(dir + "/m.nix")
	c.open(m, "{ a = 1; }\n")
	c.waitCount(m, 0)
	var before, after statsResult
	c.call(methodDebugStats, map[string]any{"collect": false}, &before)
	for i := range 5 {
		v := c.replaceAll(m, fmt.Sprintf("{ a = %d; }\n", i))
		c.waitDiagnostics(m, "the edit's", func(p publishDiagnosticsParams) bool { return p.Version != nil && *p.Version == v })
	}
	c.call(methodDebugStats, map[string]any{"collect": false}, &after)
	if before.Allocated == 0 || after.Allocated <= before.Allocated {
		t.Errorf("allocated %d bytes before five edits and %d after", before.Allocated, after.Allocated)
	}
	gcs := func() uint32 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.NumGC
	}
	n := gcs()
	var collected statsResult
	c.call(methodDebugStats, map[string]any{}, &collected)
	if gcs() == n {
		t.Error("debug/stats without \"collect\": false did not collect")
	}
	// The collection it made is counted in its answer; one without does
	// not collect, so the count it gives stays.
	if collected.Collections <= after.Collections {
		t.Errorf("collections: %d after a collection, %d before it", collected.Collections, after.Collections)
	}
	var again statsResult
	c.call(methodDebugStats, map[string]any{"collect": false}, &again)
	if again.Collections < collected.Collections {
		t.Errorf("collections went down: %d, then %d", collected.Collections, again.Collections)
	}
}

// With Options.HeapProfile, debug/stats writes the live heap's profile
// after its collection (a gzipped protobuf), and none when it does not
// collect.
func TestDebugStatsHeapProfile(t *testing.T) {
	dir := normalizePath(workspace(t, map[string]string{"m.nix": "{ a = 1; }\n"}))
	prof := filepath.Join(t.TempDir(), "heap.prof")
	c := startSession(t, Options{Debug: true, HeapProfile: prof})
	c.initialize(sessionOptions{rootURI: fileURI(dir)})
	c.waitFor("indexing", func() bool { return progressEnded(c.progress) })
	var st statsResult
	c.call(methodDebugStats, map[string]any{"collect": false}, &st)
	if _, err := os.Stat(prof); err == nil {
		t.Fatal("a heap profile was written without a collection")
	}
	c.call(methodDebugStats, map[string]any{}, &st)
	b, err := os.ReadFile(prof)
	if err != nil {
		t.Fatalf("no heap profile after a collection: %v", err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("the heap profile is not gzipped (%d bytes)", len(b))
	}
}
