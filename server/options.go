package server

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/ide"
	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// optionSources finds the sources each workspace folder's flake.lock pins
// (or <nixpkgs> in NIX_PATH without one) and keeps their option facts: the
// index of microvm.nix's source in the Nix store (under the storeRoot
// setting), or nil for the index built in; and the indexes of the NixOS,
// home-manager and nix-darwin sources that are present. An absent pinned
// source is said once. A folder's facts are read again when its flake.lock
// changes (its size or time), so an edit of the lock or `nix flake update`
// is seen at the next analysis.
type optionSources struct {
	mu      sync.Mutex
	folders map[string]*folderOptions
	cache   *optindex.Cache
	warned  map[string]bool
	// views are what analyses read of the current facts of every folder;
	// new ones are made whenever some folder's facts change, so analyses
	// keyed on them rerun.
	views *folderViews

	// classes caches ide.FileClasses for one snapshot's files (and open
	// documents); classFrom are the files of classFiles that
	// ide.NamesClassModules.
	classMu    sync.Mutex
	classFiles map[string]*nixast.File
	classOpen  map[string]*nixast.File
	classes    map[string]optindex.Class
	classFrom  []string
}

// folderOptions are the option facts of one workspace folder.
type folderOptions struct {
	key    string // store root and flake.lock's stamp the facts are for
	facts  *microvm.Facts
	absent []string // inputs whose pinned source is absent
	sets   *optindex.Sets
	// inputs and gone: the inputs whose modules the module graph follows
	// into their source (optindex.ModuleInputs), present and absent
	inputs map[string]string
	gone   []string
}

// lockStamp identifies a version of a folder's flake.lock without reading
// it: a changed lock has another size or modification time.
func lockStamp(folder string) string {
	st, err := os.Stat(filepath.Join(folder, "flake.lock"))
	if err != nil {
		return "no lock"
	}
	return fmt.Sprintf("%d/%d", st.Size(), st.ModTime().UnixNano())
}

// folderFacts returns the option facts of a folder, computing them when the
// folder's flake.lock or the store root changed.
func (s *Server) folderFacts(folder string) *folderOptions {
	s.mu.Lock()
	root := s.settings.StoreRoot
	s.mu.Unlock()
	o := &s.options
	o.mu.Lock()
	defer o.mu.Unlock()
	key := root + "\x00" + lockStamp(folder)
	if fo := o.folders[folder]; fo != nil && fo.key == key {
		return fo
	}
	if o.folders == nil {
		o.folders = map[string]*folderOptions{}
	}
	if o.cache == nil {
		o.cache = optindex.NewCache("")
	}
	fo := s.readFolderFacts(folder, nixstore.Default(root))
	fo.key = key
	o.folders[folder] = fo
	return fo
}

// readFolderFacts locates the folder's sources and indexes those present.
// Called with options.mu held.
func (s *Server) readFolderFacts(folder string, store nixstore.Store) *folderOptions {
	o := &s.options
	fo := &folderOptions{}
	fo.inputs, fo.gone = optindex.ModuleInputs(folder, store)
	srcs, err := optindex.Locate(folder, store, os.Getenv("NIX_PATH"))
	if err != nil {
		s.log.Debug("no option sources", zap.String("folder", folder), zap.Error(err))
		return fo
	}
	sets := &optindex.Sets{}
	for i := range srcs {
		src := &srcs[i]
		if microvm.IsFlakeURL(src.Ref) || src.Input == "microvm" {
			if fo.facts != nil {
				continue
			}
			if !src.Present() {
				fo.absent = append(fo.absent, src.Input)
				s.warnAbsent(src, "options are checked against "+microvm.Embedded().Origin())
				continue
			}
			ix, err := o.cache.Index(src, microvm.ModuleEntries)
			if err != nil {
				s.log.Warn("could not index microvm.nix", zap.String("dir", src.Dir), zap.Error(err))
				continue
			}
			fo.facts = microvm.FromIndex(ix, src.Input, src.Rev, src.StorePath)
			continue
		}
		if !src.Present() {
			if classes := optindex.InputClasses(src.Input, src.Ref); len(classes) > 0 {
				sets.Unindexed = append(sets.Unindexed, classes...)
				fo.absent = append(fo.absent, src.Input)
				s.warnAbsent(src, "its options are not known")
			}
			continue
		}
		for _, t := range optindex.ModuleTrees(src.Dir) {
			if !o.cache.Ready(src, t.Entries) {
				// a large tree (NixOS) takes seconds the first time: built
				// aside, its class unchecked meanwhile, then read again
				sets.Unindexed = append(sets.Unindexed, t.Class)
				s.buildAside(folder, *src, t)
				continue
			}
			start := time.Now()
			ix, err := o.cache.Index(src, t.Entries)
			if err != nil {
				s.log.Warn("could not index a pinned source", zap.String("dir", src.Dir), zap.Error(err))
				sets.Unindexed = append(sets.Unindexed, t.Class)
				continue
			}
			s.log.Debug("option index", zap.String("input", src.Input), zap.String("class", string(t.Class)),
				zap.Int("options", len(ix.Options)), zap.Duration("took", time.Since(start)))
			sets.Indexed = append(sets.Indexed, &optindex.Indexed{Class: t.Class, Input: src.Input, Rev: src.Rev,
				StorePath: src.StorePath, Index: ix})
		}
	}
	if len(sets.Indexed) > 0 || len(sets.Unindexed) > 0 {
		fo.sets = sets
	}
	return fo
}

// buildAside builds a source's index off the request path; when it is
// done, the folder's facts are read again and the workspace analysed.
func (s *Server) buildAside(folder string, src optindex.Source, t optindex.Tree) {
	o := &s.options
	cache := o.cache
	s.background(func() {
		start := time.Now()
		ix, err := cache.Index(&src, t.Entries)
		if err != nil {
			s.log.Warn("could not index a pinned source", zap.String("dir", src.Dir), zap.Error(err))
		} else {
			s.log.Info("option index built", zap.String("input", src.Input), zap.String("class", string(t.Class)),
				zap.Int("options", len(ix.Options)), zap.Duration("took", time.Since(start)))
		}
		o.mu.Lock()
		if fo := o.folders[folder]; fo != nil {
			fo.key = "" // read again
		}
		o.mu.Unlock()
		s.changed()
	})
}

// warnAbsent says once per locked source that it is absent from the store.
func (s *Server) warnAbsent(src *optindex.Source, consequence string) {
	o := &s.options
	if o.warned == nil {
		o.warned = map[string]bool{}
	}
	id := src.Input + "\x00" + src.Ref
	if o.warned[id] {
		return
	}
	o.warned[id] = true
	what := "input " + src.Input
	if src.Ref != "" {
		what += ", " + src.Ref
	}
	s.notifyClient("window/showMessage", &protocol.ShowMessageParams{Type: protocol.MessageTypeInfo,
		Message: "microvm-lsp: the source that flake.lock pins (" + what + ") is not in the Nix store; " + consequence +
			". `nix flake archive` puts the pinned sources in the store."})
}

// microvmFolders returns the microvm.nix option facts of every workspace
// folder, each from its own flake.lock: the analysis checks a system
// against those of the folder holding it. The same value while none
// changes.
func (s *Server) microvmFolders() *microvm.Folders { return s.folderViews().microvm }

// microvmFacts returns the option facts of the first workspace folder's
// pinned microvm.nix, nil for the built-in index: for files outside every
// folder (microvmFolders has each folder's).
func (s *Server) microvmFacts() *microvm.Facts {
	folders := s.index.folderList()
	if len(folders) == 0 {
		return nil
	}
	return s.folderFacts(folders[0]).facts
}

// microvmFactsFor returns the microvm.nix option facts of the folder
// holding a file.
func (s *Server) microvmFactsFor(path string) *microvm.Facts {
	if f := s.folderOf(path); f != "" {
		return s.folderFacts(f).facts
	}
	return s.microvmFacts()
}

// folderOf returns the innermost workspace folder holding path.
func (s *Server) folderOf(path string) string {
	best := ""
	for _, f := range s.index.folderList() {
		if (path == f || strings.HasPrefix(path, strings.TrimSuffix(f, "/")+"/")) && len(f) > len(best) {
			best = f
		}
	}
	return best
}

// absentInputs returns the inputs whose pinned source is absent, over every
// workspace folder.
func (s *Server) absentInputs() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range s.index.folderList() {
		for _, in := range s.folderFacts(f).absent {
			if !seen[in] {
				seen[in] = true
				out = append(out, in)
			}
		}
	}
	sort.Strings(out)
	return out
}

// optionFolders returns the NixOS, home-manager and nix-darwin option
// indexes of every workspace folder; the same value while none changes.
func (s *Server) optionFolders() *optindex.Folders { return s.folderViews().options }

// folderViews are what analyses read of every folder's facts: the option
// indexes, the microvm.nix facts and the input sources (sources.go).
type folderViews struct {
	of      []*folderOptions // the facts they are made of, by folder
	options *optindex.Folders
	microvm *microvm.Folders
	sources *analysis.Sources
}

// folderViews returns the views of the current facts: the same value while
// no folder's facts change (folderFacts makes new ones when they do).
func (s *Server) folderViews() *folderViews {
	folders := s.index.folderList()
	of := make([]*folderOptions, len(folders))
	for i, f := range folders {
		of[i] = s.folderFacts(f)
	}
	o := &s.options
	o.mu.Lock()
	defer o.mu.Unlock()
	if v := o.views; v != nil && slices.Equal(v.of, of) {
		return v
	}
	v := &folderViews{of: of}
	if len(folders) > 0 {
		v.microvm = &microvm.Folders{}
	}
	sets := &optindex.Folders{}
	anySets := false
	for i, f := range folders {
		dir := strings.TrimSuffix(f, "/")
		v.microvm.Dirs = append(v.microvm.Dirs, dir)
		v.microvm.Facts = append(v.microvm.Facts, of[i].facts)
		sets.Dirs = append(sets.Dirs, dir)
		sets.Sets = append(sets.Sets, of[i].sets)
		anySets = anySets || of[i].sets != nil
	}
	if anySets {
		v.options = sets
	}
	v.sources = inputSources(folders, of)
	o.views = v
	return v
}

// optionSetsFor returns the option indexes of the folder holding a file.
func (s *Server) optionSetsFor(path string) *optindex.Sets {
	return s.optionFolders().For(path)
}

// fileClasses returns ide.FileClasses of a view, computed once per state of
// the index' files rather than per request or keystroke: typing changes
// the classes only when an open document that may import modules of
// another class, or is one, changes.
func (s *Server) fileClasses(snap *snapshot, ws *ide.Workspace) func() map[string]optindex.Class {
	return func() map[string]optindex.Class {
		o := &s.options
		o.classMu.Lock()
		defer o.classMu.Unlock()
		sameFiles := o.classes != nil && sameMap(o.classFiles, snap.files)
		if sameFiles && (sameMap(o.classOpen, snap.open) || o.classesHold(snap)) {
			o.classOpen = snap.open
			return o.classes
		}
		if !sameFiles {
			o.classFrom = nil
			for p, f := range snap.files {
				if ide.NamesClassModules(f.Src) {
					o.classFrom = append(o.classFrom, p)
				}
			}
		}
		var from []string
		for _, p := range o.classFrom {
			if _, ok := snap.open[p]; !ok {
				from = append(from, p)
			}
		}
		for p, f := range snap.open {
			if f != nil && ide.NamesClassModules(f.Src) {
				from = append(from, p)
			}
		}
		o.classes, o.classFiles, o.classOpen = ide.FileClassesFrom(ws, from), snap.files, snap.open
		return o.classes
	}
}

// classesHold reports whether the cached classes hold for snap, whose files
// are those they were found for: no open document that changed may import
// modules of another class (before or after), or is such a module. Called
// with classMu held.
func (o *optionSources) classesHold(snap *snapshot) bool {
	moved := func(p string) bool {
		old, cur := analysis.FileAt(o.classFiles, o.classOpen, p), snap.at(p)
		if old == cur {
			return false
		}
		_, isModule := o.classes[p]
		return isModule || old != nil && ide.NamesClassModules(old.Src) || cur != nil && ide.NamesClassModules(cur.Src)
	}
	for p := range o.classOpen {
		if moved(p) {
			return false
		}
	}
	for p := range snap.open {
		if moved(p) {
			return false
		}
	}
	return true
}

// sameMap reports whether two maps are the same map (not equal contents).
func sameMap(a, b map[string]*nixast.File) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}
