package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/internal/readfile"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// maxFileSize is the largest file read from disk; nixast refuses larger
// sources anyway, and a file that big is not a hand-written module.
const maxFileSize = 64 << 20

// workspaceIndex holds the workspace folders and every *.nix file read from
// disk below them, parsed. Open documents are not here: snapshots lay them
// over these files.
type workspaceIndex struct {
	mu      sync.Mutex
	folders []string                // paths of the workspace folders
	files   map[string]*nixast.File // path -> file as on disk
	// seq numbers changes; touched records the seq of the last watched-file
	// event per path, so that a scan that read a file before the event does
	// not overwrite what the event brought.
	seq     uint64
	touched map[string]uint64
	// version counts changes to files, so that a snapshot can tell that
	// the index is as its predecessor saw it.
	version uint64
	// open holds the paths of open documents: the editor's text is the
	// truth for them, so their entry keeps no tree (nil) until they close.
	open map[string]bool
}

func newWorkspaceIndex() *workspaceIndex {
	return &workspaceIndex{files: map[string]*nixast.File{}, touched: map[string]uint64{}, open: map[string]bool{}}
}

// setOpen records that the document at p was opened or closed. A closed
// document is read again from disk by the caller.
func (x *workspaceIndex) setOpen(p string, open bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !open {
		delete(x.open, p)
		return
	}
	x.open[p] = true
	if _, ok := x.files[p]; ok {
		x.files[p] = nil
		x.version++
	}
}

// keep is what the index stores for a file read from disk.
func (x *workspaceIndex) keep(p string, f *nixast.File) *nixast.File {
	if x.open[p] {
		return nil
	}
	return f
}

func (x *workspaceIndex) folderList() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]string(nil), x.folders...)
}

// addFolders adds folders and returns those that were new.
func (x *workspaceIndex) addFolders(dirs []string) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	var added []string
	for _, d := range dirs {
		if !containsString(x.folders, d) {
			x.folders = append(x.folders, d)
			added = append(added, d)
		}
	}
	return added
}

// removeFolder forgets a folder and the files only it contained.
func (x *workspaceIndex) removeFolder(dir string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	kept := x.folders[:0]
	for _, d := range x.folders {
		if d != dir {
			kept = append(kept, d)
		}
	}
	x.folders = kept
	for p := range x.files {
		if !x.inFolderLocked(p) {
			delete(x.files, p)
			x.version++
		}
	}
}

func (x *workspaceIndex) inFolderLocked(p string) bool {
	for _, d := range x.folders {
		if within(p, d) {
			return true
		}
	}
	return false
}

// scanStart returns the seq a scan compares against in putScanned.
func (x *workspaceIndex) scanStart() uint64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.seq
}

// putScanned stores a file read by a scan that started at seq, unless a
// watched-file event since then has the newer word, or its folder was
// removed meanwhile.
func (x *workspaceIndex) putScanned(p string, f *nixast.File, seq uint64) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.touched[p] > seq || !x.inFolderLocked(p) {
		return false
	}
	x.files[p] = x.keep(p, f)
	x.version++
	return true
}

// removeTree removes a deleted path and, if it was a directory, every file
// below it.
func (x *workspaceIndex) removeTree(p string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.seq++
	x.removeTreeLocked(p)
}

func (x *workspaceIndex) removeTreeLocked(p string) {
	for q := range x.files {
		if within(q, p) {
			x.touched[q] = x.seq
			delete(x.files, q)
			x.version++
		}
	}
	x.touched[p] = x.seq
}

// applyEvents applies a batch of file events at once, in their order: a
// snapshot sees all of them or none.
func (x *workspaceIndex) applyEvents(events []fileEvent) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.seq++
	for _, ev := range events {
		switch {
		case ev.deleted:
			x.removeTreeLocked(ev.path)
		case ev.read:
			x.touched[ev.path] = x.seq
			if ev.file == nil {
				delete(x.files, ev.path)
			} else {
				x.files[ev.path] = x.keep(ev.path, ev.file)
			}
			x.version++
		}
	}
}

// putEvent stores (f != nil) or removes (f == nil) a file after a
// watched-file event or a close.
func (x *workspaceIndex) putEvent(p string, f *nixast.File) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.seq++
	x.touched[p] = x.seq
	if f == nil {
		delete(x.files, p)
	} else {
		x.files[p] = x.keep(p, f)
	}
	x.version++
}

// dropExcluded removes the files now excluded by settings.
func (x *workspaceIndex) dropExcluded(m *excludeMatcher) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for p := range x.files {
		if m.excluded(p, x.folders) {
			delete(x.files, p)
			x.version++
		}
	}
}

// copyFiles returns the files for a snapshot, without the open documents
// (the snapshot adds the editor's versions). The *nixast.File values are
// shared: they never change.
func (x *workspaceIndex) copyFiles() map[string]*nixast.File {
	files, _ := x.copyFilesVersion()
	return files
}

// currentVersion returns the index' version.
func (x *workspaceIndex) currentVersion() uint64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.version
}

// copyFilesVersion is copyFiles with the index' version it copied.
func (x *workspaceIndex) copyFilesVersion() (map[string]*nixast.File, uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make(map[string]*nixast.File, len(x.files)+8)
	for p, f := range x.files {
		if f != nil {
			out[p] = f
		}
	}
	return out, x.version
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// skippedName reports directory entries the index never enters: version
// control, JavaScript dependencies, and nix-build's result links.
func skippedName(name string, isDirOrLink bool) bool {
	return name == ".git" || name == "node_modules" || isDirOrLink && strings.HasPrefix(name, "result")
}

// findNixFiles lists the *.nix files below root, in a stable order.
func findNixFiles(ctx context.Context, root string, excluded func(string) bool, log *zap.Logger) []string {
	var out []string
	walkNixFiles(ctx, root, excluded, log, func(p string) { out = append(out, p) })
	sort.Strings(out)
	return out
}

// walkNixFiles calls found with each *.nix file below root, in the order of
// a walk. Symbolic links to directories are followed, each real directory
// once, so a link loop ends at its second visit.
func walkNixFiles(ctx context.Context, root string, excluded func(string) bool, log *zap.Logger, found func(string)) {
	realRoot, err := filepath.EvalSymlinks(filepath.FromSlash(root))
	if err != nil {
		log.Warn("workspace folder cannot be read", zap.String("folder", root), zap.Error(err))
		return
	}
	visited := map[string]bool{realRoot: true}
	var walk func(dir, realDir string)
	walk = func(dir, realDir string) {
		if ctx.Err() != nil {
			return
		}
		entries, err := os.ReadDir(filepath.FromSlash(dir))
		if err != nil {
			if os.IsNotExist(err) {
				log.Debug("directory vanished while indexing", zap.String("dir", dir))
			} else {
				log.Warn("directory cannot be read; its files are not indexed", zap.String("dir", dir), zap.Error(err))
			}
			if len(entries) == 0 {
				return
			}
		}
		for _, e := range entries {
			name := e.Name()
			p := dir + "/" + name
			typ := e.Type()
			isLink := typ&fs.ModeSymlink != 0
			if skippedName(name, isLink || e.IsDir()) || excluded(p) {
				continue
			}
			switch {
			case isLink:
				info, err := os.Stat(filepath.FromSlash(p))
				if err != nil {
					if strings.HasSuffix(name, ".nix") {
						log.Warn("symbolic link cannot be followed; not indexed", zap.String("path", p), zap.Error(err))
					}
					continue // a dangling link, or a loop of links
				}
				if info.IsDir() {
					target, err := filepath.EvalSymlinks(filepath.FromSlash(p))
					if err != nil || visited[target] {
						continue
					}
					visited[target] = true
					walk(p, target)
				} else if strings.HasSuffix(name, ".nix") {
					if info.Mode().IsRegular() {
						found(p)
					} else {
						log.Warn("not a regular file; not indexed", zap.String("path", p), zap.Stringer("mode", info.Mode()))
					}
				}
			case e.IsDir():
				realChild := filepath.Join(realDir, name)
				if visited[realChild] {
					continue
				}
				visited[realChild] = true
				walk(p, realChild)
			case typ.IsRegular() && strings.HasSuffix(name, ".nix"):
				found(p)
			case strings.HasSuffix(name, ".nix"):
				log.Warn("not a regular file; not indexed", zap.String("path", p), zap.Stringer("mode", typ))
			}
		}
	}
	walk(strings.TrimSuffix(root, "/"), realRoot)
}

// readSource reads a file for the index; ok is false when there is none to
// parse (gone, too large, or not a regular file: readfile.Regular opens a
// FIFO without blocking and refuses it), and the log says why.
func readSource(p string, log *zap.Logger) (src []byte, ok bool) {
	src, err := readfile.Regular(filepath.FromSlash(p), nil, maxFileSize)
	switch {
	case err == nil:
		return src, true
	case errors.Is(err, readfile.ErrNotRegular):
		log.Warn("skipping a path that is not a regular file", zap.String("path", p))
	case errors.Is(err, readfile.ErrTooLarge):
		log.Warn("file skipped: larger than 64 MiB", zap.String("path", p))
	case errors.Is(err, fs.ErrNotExist):
	default:
		log.Warn("file cannot be read", zap.String("path", p), zap.Error(err))
	}
	return nil, false
}

// readIndexed reads a file from disk (the directory walk found it, a file
// event named it) and returns what the index keeps of it: most files of a
// large workspace only as a summary (prepare), whose tree's memory the next
// file parsed in the caller's arena takes. The index holds every file of
// the workspace: it keeps no token lists.
func (s *Server) readIndexed(p string, arena *nixast.TreeArena) *nixast.File {
	s.noteRead(p)
	if s.opts.beforeRead != nil {
		s.opts.beforeRead(p)
	}
	src, ok := readSource(p, s.log)
	switch {
	case !ok:
		return nil
	case s.prepare == nil:
		return nixast.ParseWithoutTokens(p, src)
	}
	return s.prepare(arena, p, src)
}

// indexFolders reads every *.nix file below dirs into the index, reporting
// progress to the client, then republishes diagnostics.
func (s *Server) indexFolders(ctx context.Context, dirs []string) {
	if len(dirs) == 0 {
		return
	}
	exclude := s.excluder()
	prog := s.startProgress(ctx, "Indexing Nix files")
	start := time.Now()
	seq := s.index.scanStart()
	// The walk hands each file to the workers as it finds it: in a
	// workspace of tens of thousands of files it takes a good part of a
	// second, which the parsing of the files found first fills.
	work := make(chan string, 256)
	var total atomic.Int64 // the number of files, once the walk has ended
	total.Store(-1)
	go func() {
		defer close(work)
		seen := map[string]bool{} // nested workspace folders find the same files twice
		n := 0
		for _, d := range dirs {
			walkNixFiles(ctx, d, exclude, s.log, func(p string) {
				if len(dirs) > 1 {
					if seen[p] {
						return
					}
					seen[p] = true
				}
				select {
				case work <- p:
					n++
				case <-ctx.Done():
				}
			})
		}
		total.Store(int64(n))
	}()
	prog.report("0 files", 0)
	// Files are read and parsed on every core; this goroutine stores them
	// and reports progress, so the client sees one ordered stream.
	type parsed struct {
		path string
		file *nixast.File
	}
	done := make(chan parsed, 64)
	var wg sync.WaitGroup
	for w := 0; w < analysis.Cores(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var arena nixast.TreeArena
			for p := range work {
				if ctx.Err() != nil {
					continue // drain what the walk sent
				}
				done <- parsed{p, s.readIndexed(p, &arena)}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	n := 0
	for r := range done {
		if r.file != nil {
			s.index.putScanned(r.path, r.file, seq)
		}
		n++
		if n%64 == 0 {
			if t := total.Load(); t > 0 {
				prog.report(fmt.Sprintf("%d/%d files", n, t), uint32(n*100/int(t)))
			} else {
				prog.report(fmt.Sprintf("%d files", n), 0)
			}
		}
	}
	if ctx.Err() != nil {
		prog.end("cancelled")
		return
	}
	prog.end(fmt.Sprintf("%d files", n))
	s.log.Info("indexed", zap.Strings("folders", dirs), zap.Int("files", n), zap.Duration("took", time.Since(start)))
	s.changed()
}

// excluder returns the current exclusion test for paths.
func (s *Server) excluder() func(string) bool {
	s.mu.Lock()
	m := s.exclude
	s.mu.Unlock()
	folders := s.index.folderList()
	return func(p string) bool { return m.excluded(p, folders) }
}

// indexable reports whether a path belongs in the index: a *.nix file below
// a workspace folder, not excluded, and not below a skipped directory.
func (s *Server) indexable(p string) bool {
	if !isFilePath(p) || !strings.HasSuffix(p, ".nix") || s.excluder()(p) {
		return false
	}
	for _, d := range s.index.folderList() {
		if !within(p, d) || p == d {
			continue
		}
		segs := strings.Split(strings.TrimPrefix(p[len(d):], "/"), "/")
		skipped := false
		for _, seg := range segs[:len(segs)-1] {
			if skippedName(seg, true) {
				skipped = true
			}
		}
		if !skipped {
			return true
		}
	}
	return false
}

// refreshFromDisk re-reads one path into the index (or drops it).
func (s *Server) refreshFromDisk(p string) {
	if !s.indexable(p) {
		return
	}
	s.index.putEvent(p, s.readIndexed(p, new(nixast.TreeArena)))
}

// watchedQueue holds file events not yet read: the notification only
// queues them, and one goroutine reads and parses the files (on every
// core) and applies them, so that a branch switch (thousands of events)
// does not hold up the didChange notifications behind it. The editor's
// text of an open document stays what is analysed whatever the disk holds
// (workspaceIndex.keep).
type watchedQueue struct {
	mu      sync.Mutex
	pending []*protocol.FileEvent
	running bool
}

func (s *Server) didChangeWatchedFiles(changes []*protocol.FileEvent) {
	s.watched.mu.Lock()
	s.watched.pending = append(s.watched.pending, changes...)
	start := !s.watched.running
	s.watched.running = true
	s.watched.mu.Unlock()
	if start {
		s.background(s.drainWatchedFiles)
	}
}

// drainWatchedFiles applies queued file events until none is left.
func (s *Server) drainWatchedFiles() {
	for {
		s.watched.mu.Lock()
		batch := s.watched.pending
		s.watched.pending = nil
		if len(batch) == 0 || s.ctx.Err() != nil {
			s.watched.running = false
			s.watched.mu.Unlock()
			return
		}
		s.watched.mu.Unlock()
		s.applyWatchedFiles(batch)
	}
}

// fileEvent is one watched-file event of a batch, with the file read for
// it.
type fileEvent struct {
	path    string
	deleted bool
	read    bool         // the file was read: its last event in the batch
	file    *nixast.File // nil: gone or unreadable
}

// applyWatchedFiles reads the files of a batch of events on every core,
// then applies the batch to the index at once: an analysis never sees a
// branch switch half done.
func (s *Server) applyWatchedFiles(changes []*protocol.FileEvent) {
	events := make([]fileEvent, 0, len(changes))
	last := map[string]int{}
	for _, c := range changes {
		if c == nil {
			continue
		}
		p := uriToPath(protocol.DocumentURI(c.URI))
		if path.Base(p) == "flake.lock" {
			continue // its folder's option sources are read again at the next analysis (server/options.go)
		}
		if c.Type == protocol.FileChangeTypeDeleted {
			events = append(events, fileEvent{path: p, deleted: true})
			continue
		}
		if !s.indexable(p) {
			continue
		}
		last[p] = len(events)
		events = append(events, fileEvent{path: p})
	}
	// A path changed several times is read once, for its last event.
	var reads []*fileEvent
	for i := range events {
		if ev := &events[i]; !ev.deleted && last[ev.path] == i {
			ev.read = true
			reads = append(reads, ev)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < analysis.Cores() && w < len(reads); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var arena nixast.TreeArena // as indexFolders: a branch switch reads thousands
			for s.ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(reads) {
					return
				}
				reads[i].file = s.readIndexed(reads[i].path, &arena)
			}
		}()
	}
	wg.Wait()
	if s.ctx.Err() != nil {
		return
	}
	s.index.applyEvents(events)
	s.changed()
}

func (s *Server) didChangeWorkspaceFolders(ev protocol.WorkspaceFoldersChangeEvent) {
	for _, f := range ev.Removed {
		s.index.removeFolder(folderPath(protocol.DocumentURI(f.URI)))
	}
	var dirs []string
	for _, f := range ev.Added {
		dirs = append(dirs, folderPath(protocol.DocumentURI(f.URI)))
	}
	added := s.index.addFolders(dirs)
	s.log.Info("workspace folders changed", zap.Strings("folders", s.index.folderList()))
	if len(added) > 0 {
		s.reindex(added)
	}
	s.changed()
}

// registerFileWatcher asks the client to tell us about *.nix files changed
// outside the editor, when it lets servers register watchers.
func (s *Server) registerFileWatcher(ctx context.Context) {
	s.mu.Lock()
	dynamic := s.caps.Workspace.DidChangeWatchedFiles.DynamicRegistration
	s.mu.Unlock()
	if !dynamic {
		return
	}
	params := protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID:     "microvm-lsp/watch-nix-files",
		Method: protocol.MethodWorkspaceDidChangeWatchedFiles,
		RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{
			Watchers: []protocol.FileSystemWatcher{{GlobPattern: "**/*.nix"}, {GlobPattern: "**/flake.lock"}},
		},
	}}}
	if err := s.callClient(ctx, protocol.MethodClientRegisterCapability, params, nil); err != nil {
		s.clientCallFailed("could not register a file watcher; files changed outside the editor go unnoticed", err)
	}
}
