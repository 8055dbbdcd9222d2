package server

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// document is one open text document at one version. It never changes: an
// edit makes a new document, so a snapshot can hold it while the user types.
type document struct {
	uri     protocol.DocumentURI
	path    string // workspace key, see uriToPath
	version int32
	// opening counts didOpens: each one, even of an open document with
	// the same version and text, publishes the document's diagnostics.
	opening uint64
	text    string
	lines   func() *nixast.LineIndex     // indexes once, on first use
	parse   func() *nixast.File          // parses once, on first use
	parsed  *atomic.Bool                 // whether parse has run
	base    *atomic.Pointer[nixast.File] // the newest parsed version before this one, until parsed
}

// lastParsed returns the newest parsed File of this version or those before.
func (d *document) lastParsed() *nixast.File {
	if d.parsed.Load() {
		return d.parse()
	}
	if b := d.base.Load(); b != nil {
		return b
	}
	// Parsed meanwhile.
	if d.parsed.Load() {
		return d.parse()
	}
	return nil
}

// textBytes returns a document's text as the bytes nixast reads, without a
// copy: neither the parser, the File nor the line index writes to them
// (nixast sees Src as a string too), and a copy of a 1.5 MB package set on
// every keystroke is as much garbage for the collector.
func textBytes(text string) []byte {
	if text == "" {
		return []byte{}
	}
	return unsafe.Slice(unsafe.StringData(text), len(text))
}

// newDocument makes a version of a document. base, the newest earlier
// version that was parsed, lets the parser parse again only what changed.
func newDocument(u protocol.DocumentURI, version int32, text string, base *nixast.File) *document {
	src := textBytes(text)
	p := uriToPath(u)
	parsed := new(atomic.Bool)
	prev := new(atomic.Pointer[nixast.File])
	prev.Store(base)
	// Parsing waits for the next analysis: a burst of keystrokes that
	// arrives while one runs makes many versions, and only the last is read.
	parse := sync.OnceValue(func() *nixast.File {
		f := nixast.Reparse(prev.Load(), p, src)
		parsed.Store(true)
		prev.Store(nil)
		return f
	})
	return &document{
		uri:     u,
		path:    p,
		version: version,
		text:    text,
		// Only the next edit needs the lines, and the parser indexes them
		// too: a version that was analysed lends its index.
		lines: sync.OnceValue(func() *nixast.LineIndex {
			if parsed.Load() {
				return parse().Lines
			}
			return nixast.NewLineIndex(src)
		}),
		parse:  parse,
		parsed: parsed,
		base:   prev,
	}
}

// contentChange is one entry of didChange's contentChanges. A nil Range
// replaces the whole text.
type contentChange struct {
	Range *wireRange `json:"range,omitempty"`
	Text  string     `json:"text"`
}

// documentStore holds the open documents. Edits are applied in the order the
// client sent them, so that the text here is the text in the editor.
type documentStore struct {
	mu       sync.Mutex
	docs     map[protocol.DocumentURI]*document
	openings uint64 // didOpens so far
}

func newDocumentStore() *documentStore {
	return &documentStore{docs: map[protocol.DocumentURI]*document{}}
}

// open stores a document as the client opened it. Opening an open document
// again replaces its text and version (eglot does so while it applies a
// workspace edit): the client's word is final.
func (st *documentStore) open(u protocol.DocumentURI, version int32, text string) *document {
	d := newDocument(u, version, text, nil)
	st.mu.Lock()
	st.openings++
	d.opening = st.openings
	st.docs[u] = d
	st.mu.Unlock()
	return d
}

// change applies a didChange. It always applies what it can, and returns
// problems (an unopened document, a version that does not increase, ranges
// that had to be clamped) as warnings for the log; the store then holds what
// a VS Code buffer would hold after the same edits.
func (st *documentStore) change(u protocol.DocumentURI, version int32, changes []contentChange, enc positionEncoding) (d *document, warnings []string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	old := st.docs[u]
	if old == nil {
		return nil, []string{"change to a document that is not open; ignored"}
	}
	if version <= old.version {
		warnings = append(warnings, fmt.Sprintf("version %d does not follow %d; applied anyway", version, old.version))
	}
	text, lines := old.text, old.lines()
	first := 0
	if len(changes) > 1 {
		if spans := disjointRun(text, lines, changes, enc); len(spans) > 1 {
			text, first = applyRun(text, changes, spans), len(spans)
			if first < len(changes) {
				lines = nixast.NewLineIndex(textBytes(text))
			}
		}
	}
	for i := first; i < len(changes); i++ {
		c := changes[i]
		next, start, end, clamped := applyChange(text, lines, c, enc)
		if clamped {
			warnings = append(warnings, fmt.Sprintf("change %d: range %v is outside the document; clamped", i, *c.Range))
		}
		if i < len(changes)-1 {
			// The next change's positions are in this text: its lines are
			// the last ones around the change, and those found again in
			// it. Indexing the whole text again for each change (and
			// copying it to do so) made one didChange of 1,000 cursors in
			// a 4 MB file take 3.6 s.
			if c.Range == nil {
				lines = nixast.NewLineIndex(textBytes(next))
			} else {
				lines = lines.Edited(textBytes(next), start, end, len(next)-len(text))
			}
		}
		text = next
	}
	d = newDocument(u, version, text, old.lastParsed())
	d.opening = old.opening
	st.docs[u] = d
	return d, warnings
}

// applyChange returns text with one change applied, and the range of text
// it replaced. Ranges are clamped the way VS Code clamps them (see
// offsetAt), and a reversed range is swapped.
func applyChange(text string, lines *nixast.LineIndex, c contentChange, enc positionEncoding) (next string, start, end int, clamped bool) {
	if c.Range == nil {
		return c.Text, 0, len(text), false
	}
	start, end, clamped = changeSpan(text, lines, c, enc)
	var b strings.Builder
	b.Grow(len(text) - (end - start) + len(c.Text))
	b.WriteString(text[:start])
	b.WriteString(c.Text)
	b.WriteString(text[end:])
	return b.String(), start, end, clamped
}

// changeSpan returns the range of text a change with a range replaces.
func changeSpan(text string, lines *nixast.LineIndex, c contentChange, enc positionEncoding) (start, end int, clamped bool) {
	start, ok1 := offsetAt(lines, c.Range.Start, enc)
	end, ok2 := offsetAt(lines, c.Range.End, enc)
	if enc == encUTF8 {
		// A column inside a character's bytes means its start, as one
		// inside a surrogate pair does in UTF-16: an edit must not split a
		// character and leave invalid UTF-8 behind.
		start, end = charStart(text, start), charStart(text, end)
	}
	if start > end {
		start, end = end, start
	}
	return start, end, !ok1 || !ok2
}

// disjointRun returns the spans in text of the longest run of changes, from
// the first, that each end before the start of the one before, with no
// position clamped: the text before a change is the same after it, and so
// is the place of each later position, which can be found in text itself.
// (Not at the start: a column inside a character there means its start in
// text, and may mean a character the change before wrote.) VS Code sends
// the edits of several cursors so, from the last to the first.
func disjointRun(text string, lines *nixast.LineIndex, changes []contentChange, enc positionEncoding) [][2]int {
	var spans [][2]int
	for _, c := range changes {
		if c.Range == nil {
			break
		}
		start, end, clamped := changeSpan(text, lines, c, enc)
		if clamped || len(spans) > 0 && end >= spans[len(spans)-1][0] {
			break
		}
		spans = append(spans, [2]int{start, end})
	}
	return spans
}

// applyRun applies the changes of a run (disjointRun) in one pass over
// text, from its start: one after another, each copied the whole text,
// and one didChange of 1,000 cursors in a 4 MB file copied 4 GB.
func applyRun(text string, changes []contentChange, spans [][2]int) string {
	n := len(text)
	for i, sp := range spans {
		n += len(changes[i].Text) - (sp[1] - sp[0])
	}
	var b strings.Builder
	b.Grow(n)
	at := 0
	for i := len(spans) - 1; i >= 0; i-- {
		b.WriteString(text[at:spans[i][0]])
		b.WriteString(changes[i].Text)
		at = spans[i][1]
	}
	b.WriteString(text[at:])
	return b.String()
}

// charStart returns the offset of the character whose UTF-8 encoding
// contains byte off: off itself unless it is inside a multi-byte character.
func charStart(text string, off int) int {
	if off <= 0 || off >= len(text) || utf8.RuneStart(text[off]) {
		return off
	}
	for j := off - 1; j >= 0 && j > off-utf8.UTFMax; j-- {
		if utf8.RuneStart(text[j]) {
			if _, n := utf8.DecodeRuneInString(text[j:]); j+n > off {
				return j
			}
			return off
		}
	}
	return off
}

// close forgets a document and returns what it held (nil if it was not open).
func (st *documentStore) close(u protocol.DocumentURI) *document {
	st.mu.Lock()
	defer st.mu.Unlock()
	d := st.docs[u]
	delete(st.docs, u)
	return d
}

func (st *documentStore) get(u protocol.DocumentURI) *document {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.docs[u]
}

// byPath returns the open documents keyed by workspace path. Two URIs that
// name the same file (the client's business) resolve to the newer version.
func (st *documentStore) byPath() map[string]*document {
	st.mu.Lock()
	docs := make([]*document, 0, len(st.docs))
	for _, d := range st.docs {
		docs = append(docs, d)
	}
	st.mu.Unlock()
	sort.Slice(docs, func(i, j int) bool { return docs[i].uri < docs[j].uri })
	out := make(map[string]*document, len(docs))
	for _, d := range docs {
		if prev := out[d.path]; prev == nil || d.version > prev.version {
			out[d.path] = d
		}
	}
	return out
}
