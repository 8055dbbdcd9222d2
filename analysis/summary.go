package analysis

import (
	"path"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// A large workspace cannot keep every file's syntax tree: trees take about
// ten times the memory of their source. A summary is a *nixast.File that
// keeps what the features read of a file that nobody is looking at (its
// name, source, line index and syntax errors) and drops the tree; its Root
// is an empty placeholder. The Cache keeps a summary's per-file findings and
// facts as it does a file's, and the tree is parsed again from the kept
// source when something needs it: a module graph that reads the file, a
// check the file's findings lack, a cross-file editor feature.

// summaryRoot is the Root of every summary.
var summaryRoot nixast.Expr = &nixast.BadExpr{}

// IsSummary reports whether f is a summary, a file without its tree.
func IsSummary(f *nixast.File) bool { return f != nil && f.Root == summaryRoot }

// summarize returns the summary of f.
func summarize(f *nixast.File) *nixast.File {
	if IsSummary(f) {
		return f
	}
	return &nixast.File{Name: f.Name, Src: f.Src, Root: summaryRoot, Errors: f.Errors, Lines: f.Lines, NewSyntax: f.NewSyntax}
}

// parseAgain returns the tree of a summary, parsed from its source.
func parseAgain(f *nixast.File) *nixast.File {
	full := nixast.ParseWithoutTokens(f.Name, f.Src)
	// The summary's line index is the same text's, maybe already built.
	full.Lines = f.Lines
	return full
}

// treeStore holds the trees parsed again for summaries, so that a module
// graph sees one tree per file (its systems keep nodes of it, and later
// scans compare nodes by identity). Trees no root's scan read are dropped
// after each analysis.
type treeStore struct {
	mu    sync.Mutex
	trees map[*nixast.File]*storedTree // by summary
}

type storedTree struct {
	path string
	mu   sync.Mutex
	tree *nixast.File
}

// get returns the tree of summary f, parsing it once.
func (s *treeStore) get(p string, f *nixast.File) *nixast.File {
	s.mu.Lock()
	if s.trees == nil {
		s.trees = map[*nixast.File]*storedTree{}
	}
	st := s.trees[f]
	if st == nil {
		st = &storedTree{path: p}
		s.trees[f] = st
	}
	s.mu.Unlock()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.tree == nil {
		st.tree = parseAgain(f)
	}
	return st.tree
}

// stored returns the stored tree of summary f, nil if there is none.
func (s *treeStore) stored(f *nixast.File) *nixast.File {
	s.mu.Lock()
	st := s.trees[f]
	s.mu.Unlock()
	if st == nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.tree
}

// count returns how many trees are held.
func (s *treeStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.trees)
}

// sweep drops the trees whose file keep rejects.
func (s *treeStore) sweep(keep func(path string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for f, st := range s.trees {
		if !keep(st.path) {
			delete(s.trees, f)
		}
	}
}

// File returns the file at p with its tree: the file itself, or for a
// summary its tree parsed again (once per Cache while a module graph reads
// it, else once per Workspace); a file below one of ws.Sources, parsed
// once. Nil if p is neither.
func (ws *Workspace) File(p string) *nixast.File {
	f := ws.At(p)
	if f == nil {
		return ws.Sources.file(p) // a file of an input's source, or nil
	}
	if !IsSummary(f) {
		return f
	}
	ws.treesOnce.Do(func() {
		if ws.trees == nil {
			ws.trees = &treeStore{}
		}
	})
	return ws.trees.get(p, f)
}

// Tree is File for features that read many files once (every path literal
// of the workspace, every symbol): the tree of a summary no analysis holds
// is parsed for the caller alone and not kept.
func (ws *Workspace) Tree(p string) *nixast.File {
	f := ws.At(p)
	if !IsSummary(f) {
		return f
	}
	if ws.trees != nil {
		if t := ws.trees.stored(f); t != nil {
			return t
		}
	}
	return parseAgain(f)
}

// bind returns ws with this cache's trees.
func (c *Cache) bind(ws *Workspace) *Workspace {
	if ws.trees == &c.trees {
		return ws
	}
	return &Workspace{Files: ws.Files, Open: ws.Open, Microvm: ws.Microvm, MicrovmFolders: ws.MicrovmFolders, AbsentInputs: ws.AbsentInputs, Options: ws.Options, Exists: ws.Exists, Root: ws.Root, Sources: ws.Sources, Derived: ws.Derived, trees: &c.trees}
}

// Workspace returns a workspace of files whose summaries share this cache's
// trees: the view to give every analysis and feature of one state.
func (c *Cache) Workspace(files, open map[string]*nixast.File) *Workspace {
	return &Workspace{Files: files, Open: open, trees: &c.trees}
}

// Prepare takes a file read from disk into the cache before its first
// analysis, and returns what to keep of it: the file itself when the
// module graph will read it for sure (it declares systems, names a
// configuration.nix, or is one, or is a flake), its summary otherwise.
// Either way every per-file check has run on it already, so an analysis
// needs its tree again only when a system's modules include it. Neither a
// summary nor what the cache keeps of the file refers to f's tree: the
// caller may give its memory to the next parse (PrepareSource does).
func (c *Cache) Prepare(p string, f *nixast.File) *nixast.File {
	m := c.memo(p, f)
	m.scanOnce.Do(func() { m.scan(f) })
	ws := &Workspace{Files: map[string]*nixast.File{p: f}}
	var checks []*Analyzer
	for _, a := range Analyzers {
		if a.Kind() == PerFile {
			checks = append(checks, a)
		}
	}
	// The caller prepares files on every core: the checks of one file run
	// one after the other, on the stack its parse has grown already. A
	// file kept whole gets them here too, rather than in the first
	// analysis, which has the module graph to build.
	keep := m.hasRoots || len(m.relPaths) > 0 || path.Base(p) == "configuration.nix" || path.Base(p) == "flake.nix"
	c.runFileChecks(p, m, checks, ws, false, keep)
	if keep {
		return f
	}
	sum := summarize(f)
	c.mu.Lock()
	c.files[sum] = m
	delete(c.files, f)
	c.mu.Unlock()
	return sum
}

// PrepareSource parses src into arena and returns what Prepare keeps of it.
// When that is a summary, the tree's memory goes back to the arena for its
// next parse; a file kept whole keeps its memory.
func (c *Cache) PrepareSource(arena *nixast.TreeArena, p string, src []byte) *nixast.File {
	f := arena.Parse(p, src)
	kept := c.Prepare(p, f)
	if kept != f {
		arena.Reuse()
	} else {
		arena.Keep()
	}
	return kept
}
