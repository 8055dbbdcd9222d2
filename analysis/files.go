package analysis

import (
	"iter"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// A workspace's files are Files with Open laid over them (see Workspace).
// A language server keeps the files read from disk in one map that every
// state shares while the user types, and the editor's versions of open
// documents in a small one made per state: a keystroke then costs the open
// documents, not a copy of an entry per file of the workspace.

// FileAt returns the file at p of files with open laid over them, nil if
// there is none.
func FileAt(files, open map[string]*nixast.File, p string) *nixast.File {
	if f, ok := open[p]; ok {
		return f
	}
	return files[p]
}

// FileCount returns how many files there are in files with open laid over
// them, in the cost of open.
func FileCount(files, open map[string]*nixast.File) int {
	n := len(files)
	for p, f := range open {
		_, under := files[p]
		switch {
		case f != nil && !under:
			n++
		case f == nil && under:
			n--
		}
	}
	return n
}

// AllFiles yields every path and file of files with open laid over them,
// in no order.
func AllFiles(files, open map[string]*nixast.File) iter.Seq2[string, *nixast.File] {
	return func(yield func(string, *nixast.File) bool) {
		for p, f := range files {
			if _, ok := open[p]; ok {
				continue
			}
			if !yield(p, f) {
				return
			}
		}
		for p, f := range open {
			if f != nil && !yield(p, f) {
				return
			}
		}
	}
}

// At returns the file at p as the workspace holds it (it may be a summary:
// File parses it again), nil if there is none.
func (ws *Workspace) At(p string) *nixast.File { return FileAt(ws.Files, ws.Open, p) }

// Len returns the number of files.
func (ws *Workspace) Len() int { return FileCount(ws.Files, ws.Open) }

// All yields every path and file, in no order.
func (ws *Workspace) All() iter.Seq2[string, *nixast.File] { return AllFiles(ws.Files, ws.Open) }

// fileState identifies the files of one state: two states with the same
// maps have the same files.
type fileState struct {
	files, open map[string]*nixast.File
}

func (ws *Workspace) state() fileState { return fileState{ws.Files, ws.Open} }

func (st fileState) at(p string) *nixast.File { return FileAt(st.files, st.open, p) }
