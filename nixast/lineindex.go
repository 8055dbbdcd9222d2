package nixast

import (
	"bytes"
	"sort"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// LineIndex converts byte offsets to and from line/column positions.
//
// Lines end at "\n", "\r\n" or a lone "\r", as in LSP and in Nix's own error
// positions. Lines and columns are 0-based here; callers that print them for
// people add 1. Columns come in two units: bytes (UTF-8) and UTF-16 code
// units (LSP's default). Invalid UTF-8 counts one byte as one UTF-16 unit,
// as a decoder that yields U+FFFD per bad byte would.
type LineIndex struct {
	src     []byte
	once    sync.Once
	starts  []int       // offset of the first byte of each line; see lines
	indexed atomic.Bool // starts is set (Edited reads it)

	marks atomic.Pointer[utf16Marks] // see utf16

	// hint is the line Line found last: a reader that converts offsets in
	// order (semantic tokens, a file's findings) finds the next one on
	// that line or the one after it, without a search.
	hint atomic.Int32
}

// utf16Marks are UTF-16 columns at points of long lines: on each line
// longer than markStride with a byte that is not ASCII, the first
// character boundary at or after every markStride bytes from its start.
// A column there is counted from the mark before it, not from the line's
// start: semantic tokens, say, convert every token of a 2 MB line, and
// counting from its start each time took minutes.
type utf16Marks struct {
	off []int // ascending
	col []int // the UTF-16 column at off
}

const markStride = 1024

// NewLineIndex indexes src. src must not change afterwards. The lines are
// found on first use: most files parsed in a batch, or indexed in a
// workspace, are never asked for a position.
func NewLineIndex(src []byte) *LineIndex {
	return &LineIndex{src: src}
}

// lines returns the offsets of the line starts, finding them once.
func (x *LineIndex) lines() []int {
	x.once.Do(func() {
		x.index()
		x.indexed.Store(true)
	})
	return x.starts
}

// Edited returns the index of src, which is x's text with x.src[a:b]
// replaced by src[a:b+d] (Reparse's next version, or a client's changes
// applied one after another). When x's lines are known, the new ones are
// its own around the edit and those found again in it: a keystroke in a
// 1.5 MB file no longer looks through the whole file for its 26,000 lines.
func (x *LineIndex) Edited(src []byte, a, b, d int) *LineIndex {
	if x == nil || !x.indexed.Load() || a < 0 || b < a || b+d < a || b+d > len(src) {
		return NewLineIndex(src)
	}
	old := x.starts
	// A line starts at s after a "\n", or after a "\r" that no "\n"
	// follows: it depends on the two bytes before s and the one at s. The
	// starts before a, and from b+2 on (moved by d), stand as they were;
	// those between are found again.
	head := max(1, sort.SearchInts(old, a)) // line 0 starts at 0
	tail := sort.SearchInts(old, b+2)
	starts := make([]int, 0, len(old)+1)
	starts = append(starts, old[:head]...)
	for p := max(a, 1); p < b+2+d && p <= len(src); p++ {
		if c := src[p-1]; c == '\n' || c == '\r' && (p == len(src) || src[p] != '\n') {
			starts = append(starts, p)
		}
	}
	for _, s := range old[tail:] {
		starts = append(starts, s+d)
	}
	n := &LineIndex{src: src, starts: starts}
	n.once.Do(func() {})
	n.indexed.Store(true)
	return n
}

func (x *LineIndex) index() {
	src := x.src
	starts := make([]int, 1, len(src)/40+1)
	if bytes.IndexByte(src, '\r') < 0 {
		// The common case: only LF, found with the vectorized IndexByte.
		for off := 0; ; {
			i := bytes.IndexByte(src[off:], '\n')
			if i < 0 {
				break
			}
			off += i + 1
			starts = append(starts, off)
		}
		x.starts = starts
		return
	}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	x.starts = starts
}

// LineCount returns the number of lines (at least 1).
func (x *LineIndex) LineCount() int { return len(x.lines()) }

// LineStart returns the offset of the first byte of line (0-based), clamped.
func (x *LineIndex) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	starts := x.lines()
	if line >= len(starts) {
		return len(x.src)
	}
	return starts[line]
}

// lineEnd returns the offset of the line terminator of line (or len(src)).
func (x *LineIndex) lineEnd(line int) int {
	if starts := x.lines(); line+1 < len(starts) {
		end := starts[line+1] - 1
		if x.src[end] == '\n' && end > starts[line] && x.src[end-1] == '\r' {
			end--
		}
		return end
	}
	return len(x.src)
}

func (x *LineIndex) clamp(off int) int {
	if off < 0 {
		return 0
	}
	if off > len(x.src) {
		return len(x.src)
	}
	return off
}

// Line returns the 0-based line of the offset (clamped to the source).
func (x *LineIndex) Line(off int) int {
	off = x.clamp(off)
	starts := x.lines()
	if h := int(x.hint.Load()); h < len(starts) && starts[h] <= off {
		if h+1 == len(starts) || off < starts[h+1] {
			return h
		}
		if h+2 == len(starts) || off < starts[h+2] {
			x.hint.Store(int32(h + 1))
			return h + 1
		}
	}
	line := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	x.hint.Store(int32(line))
	return line
}

// Position returns the 0-based line and byte column of off. An offset inside
// a "\r\n" pair is reported at the end of its line.
func (x *LineIndex) Position(off int) (line, col int) {
	off = x.clamp(off)
	line = x.Line(off)
	if end := x.lineEnd(line); off > end {
		off = end
	}
	return line, off - x.lines()[line]
}

// PositionUTF16 returns the 0-based line and UTF-16 column of off. An offset
// inside a multi-byte character is reported at that character's start.
func (x *LineIndex) PositionUTF16(off int) (line, col int) {
	off = x.clamp(off)
	line = x.Line(off)
	if end := x.lineEnd(line); off > end {
		off = end
	}
	start := x.lines()[line]
	i := start
	if off-start > markStride+utf8.UTFMax {
		i, col = x.utf16().before(start, off)
	}
	return line, col + utf16Len(x.src, i, off)
}

// utf16Len returns the UTF-16 length of the characters that src[i:] begins
// with and that end at or before off (i is a character boundary).
func utf16Len(src []byte, i, off int) (n int) {
	for i < off {
		c := src[i]
		if c < utf8.RuneSelf {
			i++
			n++
			continue
		}
		r, w := utf8.DecodeRune(src[i:])
		if i+w > off {
			break
		}
		i += w
		n += utf16.RuneLen(r) // two for an astral character; U+FFFD (a bad byte) one
	}
	return n
}

// utf16 returns the marks of the long lines, finding them on first use
// (two goroutines may both find them, and store the same).
func (x *LineIndex) utf16() *utf16Marks {
	if m := x.marks.Load(); m != nil {
		return m
	}
	starts, m := x.lines(), &utf16Marks{}
	for line, start := range starts {
		end := len(x.src)
		if line+1 < len(starts) {
			end = starts[line+1]
		}
		if end-start <= markStride || !hasNonASCII(x.src[start:end]) {
			continue
		}
		col, next := 0, start+markStride
		for i := start; i < end; {
			if i >= next {
				m.off = append(m.off, i)
				m.col = append(m.col, col)
				next += markStride
			}
			r, w := utf8.DecodeRune(x.src[i:])
			i += w
			col += utf16.RuneLen(r)
		}
	}
	x.marks.Store(m)
	return m
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// before returns the last mark at or before off on the line that starts
// at start (a character boundary) and the column there: the line's start
// and 0 when there is none, or when off is far enough from the start that
// the line would have one and does not (an ASCII line), off itself and its
// column.
func (m *utf16Marks) before(start, off int) (int, int) {
	k := sort.SearchInts(m.off, off+1) - 1
	if k >= 0 && m.off[k] >= start {
		return m.off[k], m.col[k]
	}
	if off-start > markStride+utf8.UTFMax {
		// Past the first mark's place: a line with a mark has one here.
		return off, off - start
	}
	return start, 0
}

// Offset returns the offset of a 0-based line and byte column. Positions past
// the end of a line or of the file are clamped to that end; ok is false then.
func (x *LineIndex) Offset(line, col int) (off int, ok bool) {
	if line < 0 || col < 0 {
		return 0, false
	}
	starts := x.lines()
	if line >= len(starts) {
		return len(x.src), false
	}
	start, end := starts[line], x.lineEnd(line)
	if start+col > end {
		return end, false
	}
	return start + col, true
}

// OffsetUTF16 returns the offset of a 0-based line and UTF-16 column. Positions
// past the end of a line or file are clamped (ok false); a column in the middle
// of a surrogate pair maps to the start of that character.
func (x *LineIndex) OffsetUTF16(line, col int) (off int, ok bool) {
	if line < 0 || col < 0 {
		return 0, false
	}
	starts := x.lines()
	if line >= len(starts) {
		return len(x.src), false
	}
	i, end := starts[line], x.lineEnd(line)
	units := 0
	if col > markStride {
		i, units = x.utf16().atColumn(i, end, col)
	}
	for units < col {
		if i >= end {
			return end, false
		}
		r, n := utf8.DecodeRune(x.src[i:end])
		w := utf16.RuneLen(r)
		if units+w > col {
			return i, true
		}
		units += w
		i += n
	}
	return i, true
}

// atColumn returns the last mark of the line [start, end) whose column is
// at most col, and that column; for a long line without marks (ASCII), the
// offset of col itself, clamped to the line's end; else start and 0.
func (m *utf16Marks) atColumn(start, end, col int) (int, int) {
	lo := sort.SearchInts(m.off, start)
	hi := sort.SearchInts(m.off, end)
	if lo == hi {
		if end-start > markStride+utf8.UTFMax {
			// Long enough to have a mark before end if it were not ASCII.
			n := min(col, end-start)
			return start + n, n
		}
		return start, 0
	}
	k := lo + sort.Search(hi-lo, func(j int) bool { return m.col[lo+j] > col }) - 1
	if k < lo {
		return start, 0
	}
	return m.off[k], m.col[k]
}
