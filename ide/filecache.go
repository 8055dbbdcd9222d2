package ide

import (
	"context"
	"sort"
	"strings"
	"sync"
	"weak"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// FileCache keeps what the features that read every file of the workspace
// (workspace symbols, the references of a file) read of each file version:
// its top-level symbols and its path literals, for the next such request.
// They read every file, and a file the index keeps only as a summary was
// parsed again each time (half a second for each keystroke in the symbol
// picker of a 56 MB workspace). Files are held weakly: a version no longer
// in the workspace is dropped by the next request that reads them all. The
// zero FileCache is ready, and safe for concurrent use; a nil one keeps
// nothing.
type FileCache struct {
	mu    sync.Mutex
	files map[weak.Pointer[nixast.File]]*fileFacts
}

// fileFacts are a file's top-level symbols and its path literals without
// interpolation, packed: their names and texts one after another in a
// string of their own (the cache must not keep the text of a tree parsed
// again for a request alone), and for each the end of its name or text
// there and its range. Unpacked, the symbols alone of a 56 MB workspace
// took 11 MB.
type fileFacts struct {
	text  string
	syms  []packedSymbol
	paths []packedPath
}

type packedSymbol struct {
	nameEnd, pos, end int32
	kind              uint8
}

type packedPath struct{ textEnd, pos, end int32 }

// factsOf reads the facts of a file with its tree.
func factsOf(f *nixast.File) *fileFacts {
	var text strings.Builder
	out := &fileFacts{}
	for _, s := range exprSymbols(f, f.Root, 0) {
		text.WriteString(s.Name)
		out.syms = append(out.syms, packedSymbol{int32(text.Len()), int32(s.Selection.Pos), int32(s.Selection.End), uint8(s.Kind)})
	}
	nixast.Inspect(f.Root, func(n nixast.Node) bool {
		pl, ok := n.(*nixast.PathLit)
		if !ok {
			return true
		}
		if t, ok := staticPath(pl); ok {
			text.WriteString(t)
			out.paths = append(out.paths, packedPath{int32(text.Len()), int32(pl.Pos()), int32(pl.End())})
		}
		return false
	})
	out.text = text.String()
	return out
}

func (ff *fileFacts) eachSymbol(fn func(name string, kind SymbolKind, r Range)) {
	start := 0
	for _, s := range ff.syms {
		fn(ff.text[start:s.nameEnd], SymbolKind(s.kind), Range{int(s.pos), int(s.end)})
		start = int(s.nameEnd)
	}
}

func (ff *fileFacts) eachPath(fn func(text string, r Range)) {
	start := 0
	if n := len(ff.syms); n > 0 {
		start = int(ff.syms[n-1].nameEnd)
	}
	for _, p := range ff.paths {
		fn(ff.text[start:p.textEnd], Range{int(p.pos), int(p.end)})
		start = int(p.textEnd)
	}
}

// eachFileFacts calls fn with the facts of every file of ws, in path order,
// from ws.FileCache or read from the file's tree (and kept there); ctx's
// error once ctx ends.
func (ws *Workspace) eachFileFacts(ctx context.Context, fn func(path string, ff *fileFacts)) error {
	paths := make([]string, 0, ws.Len())
	for p := range ws.All() {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	read := make(map[weak.Pointer[nixast.File]]*fileFacts, len(paths))
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			ws.FileCache.keep(read, false)
			return err
		}
		key := weak.Make(ws.At(p))
		ff, ok := ws.FileCache.get(key)
		if !ok {
			ff = factsOf(ws.tree(p))
		}
		read[key] = ff
		fn(p, ff)
	}
	ws.FileCache.keep(read, true)
	return nil
}

func (c *FileCache) get(f weak.Pointer[nixast.File]) (*fileFacts, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ff, ok := c.files[f]
	return ff, ok
}

// keep stores what a request read: in place of everything when it read
// every file (all), else along with what the cache holds.
func (c *FileCache) keep(read map[weak.Pointer[nixast.File]]*fileFacts, all bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if all || c.files == nil {
		c.files = read
		return
	}
	for k, v := range read {
		c.files[k] = v
	}
}
