package nixast

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// TestEditedLineIndexAgrees: the index of an edited text, made from the
// index of the text before it, has the lines an index of its own finds,
// for edits that add, remove and split line breaks of every kind (a "\r"
// and a "\n" typed next to each other, a "\r\n" cut in two), at the start,
// in the middle and at the end.
func TestEditedLineIndexAgrees(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	pieces := []string{"\n", "\r", "\r\n", "a", "bc", " ", "é"}
	text := func(n int) []byte {
		var b []byte
		for range n {
			b = append(b, pieces[r.Intn(len(pieces))]...)
		}
		return b
	}
	edits := 0
	for range 20000 {
		src := text(r.Intn(12))
		old := NewLineIndex(src)
		old.lines()
		a := r.Intn(len(src) + 1)
		b := a + r.Intn(len(src)-a+1)
		ins := text(r.Intn(3))
		next := append(append(append([]byte(nil), src[:a]...), ins...), src[b:]...)
		got := old.Edited(next, a, b, len(ins)-(b-a))
		if want := NewLineIndex(next).lines(); !slices.Equal(got.lines(), want) {
			t.Fatalf("%q with %q at [%d,%d) replaced by %q: lines %v, want %v", src, src[a:b], a, b, ins, got.lines(), want)
		}
		edits++
	}
	// An index not yet made is not read: the edited one makes its own.
	src := []byte("a\nb\n")
	if got := NewLineIndex(src).Edited([]byte("a\nxb\n"), 2, 2, 1); got.indexed.Load() {
		t.Error("an index made from one never indexed was filled at once")
	}
}

// TestLongLinesAgree: on lines long enough to have marks (utf16Marks), a
// UTF-16 column and its offset are those that counting from the line's
// start finds, at every offset and column, whatever the characters: ASCII
// only, two and four bytes wide (one astral character across a mark's
// place), invalid bytes, and every kind of line break.
func TestLongLinesAgree(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	// A line that ends just past a mark's place, after an astral
	// character across it: its mark falls on the line break.
	edges := []string{strings.Repeat("x", markStride-1) + "😀\n", strings.Repeat("x", markStride-2) + "😀y\r\nz"}
	for round := range 40 + len(edges) {
		src := randomLines(r, round%4 == 0)
		if round >= 40 {
			src = []byte(edges[round-40])
		}
		x := NewLineIndex(src)
		for _, off := range near(r, len(src)+1, x.lines()) {
			line, col := x.PositionUTF16(off)
			if wl, wc := countedPosition(x, off); line != wl || col != wc {
				t.Fatalf("round %d: offset %d: %d:%d, counted %d:%d", round, off, line, col, wl, wc)
			}
		}
		for line := range x.LineCount() {
			for _, col := range near(r, x.lineEnd(line)-x.LineStart(line)+4, []int{0}) {
				off, ok := x.OffsetUTF16(line, col)
				if wo, wok := countedOffset(x, line, col); off != wo || ok != wok {
					t.Fatalf("round %d: %d:%d: offset %d %v, counted %d %v", round, line, col, off, ok, wo, wok)
				}
			}
		}
	}
}

// near returns the numbers below n within a few of a multiple of
// markStride from one of the starts (where marks are, and where a line
// starts), and a few hundred others: counting from the line's start for
// each of them all took seconds with the race detector.
func near(r *rand.Rand, n int, starts []int) []int {
	var out []int
	for _, s := range starts {
		for m := s; m < n; m += markStride {
			for k := max(0, m-6); k < min(n, m+7); k++ {
				out = append(out, k)
			}
		}
	}
	for range 300 {
		out = append(out, r.Intn(n))
	}
	return out
}

// randomLines returns up to four lines of up to three times markStride
// bytes: of the characters above, or ASCII only.
func randomLines(r *rand.Rand, ascii bool) []byte {
	pieces := []string{"a", "bc", "é", "😀", "\xff", "\xe2\x82", "€"}
	var src []byte
	for range 1 + r.Intn(4) {
		n := len(src) + r.Intn(3*markStride)
		for len(src) < n {
			p := pieces[r.Intn(len(pieces))]
			if ascii {
				p = "x"
			}
			src = append(src, p...)
		}
		src = append(src, []string{"\n", "\r\n", "\r"}[r.Intn(3)]...)
	}
	return src
}

// countedPosition is PositionUTF16 counting from the line's start.
func countedPosition(x *LineIndex, off int) (line, col int) {
	off = x.clamp(off)
	line = x.Line(off)
	if end := x.lineEnd(line); off > end {
		off = end
	}
	for i := x.LineStart(line); i < off; {
		r, n := utf8.DecodeRune(x.src[i:])
		if i+n > off {
			break
		}
		i += n
		col += utf16.RuneLen(r) // U+FFFD for an invalid byte: one unit
	}
	return line, col
}

// countedOffset is OffsetUTF16 counting from the line's start, with Go's
// own decoding of a string (an invalid byte is one U+FFFD, one unit).
func countedOffset(x *LineIndex, line, col int) (int, bool) {
	start, end := x.LineStart(line), x.lineEnd(line)
	units := 0
	for i, r := range string(x.src[start:end]) {
		if units+utf16.RuneLen(r) > col {
			return start + i, true
		}
		units += utf16.RuneLen(r)
	}
	return end, units >= col
}

// BenchmarkPositionUTF16LongLine: the column of an offset in the middle of
// a 2 MB line with a character that is not ASCII near its start (then
// every column is counted, not subtracted).
func BenchmarkPositionUTF16LongLine(b *testing.B) {
	src := []byte("é" + strings.Repeat("x", 2<<20))
	x := NewLineIndex(src)
	x.PositionUTF16(0)
	for i := 0; b.Loop(); i++ {
		x.PositionUTF16(1<<20 + i%4096)
	}
}

// Line finds the line of an offset whatever the order it is asked in: in
// order (where it starts from the line it found last), backwards, and at
// random, on short and empty lines and every kind of line break.
func TestLineInAnyOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	var b strings.Builder
	for b.Len() < 20000 {
		b.WriteString(strings.Repeat("x", rng.Intn(4)))
		b.WriteString([]string{"\n", "\r\n", "\r", "\n\n"}[rng.Intn(4)])
	}
	src := []byte(b.String())
	// The reference: lines counted from the start.
	want := make([]int, len(src)+1)
	line := 0
	for i := range src {
		want[i] = line
		if src[i] == '\n' || src[i] == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			line++
		}
	}
	want[len(src)] = line
	x := NewLineIndex(src)
	orders := [][]int{make([]int, len(want)), make([]int, len(want)), rng.Perm(len(want))}
	for i := range want {
		orders[0][i], orders[1][i] = i, len(want)-1-i
	}
	// The starts of every second and third line, and the offsets before
	// them: a line or two past the last one found.
	var starts []int
	for i := 1; i < len(want); i++ {
		if want[i] != want[i-1] {
			starts = append(starts, i)
		}
	}
	for _, step := range []int{2, 3} {
		var o []int
		for i := 0; i < len(starts); i += step {
			o = append(o, starts[i]-1, starts[i])
		}
		orders = append(orders, o)
	}
	for n, order := range orders {
		for _, off := range order {
			if got := x.Line(off); got != want[off] {
				t.Fatalf("order %d: Line(%d) = %d, want %d", n, off, got, want[off])
			}
		}
	}
}

// BenchmarkPositionInOrder: the positions of a 1.5 MB file's tokens, one
// after another, as semantic tokens convert them.
func BenchmarkPositionInOrder(b *testing.B) {
	src := []byte(strings.Repeat("  pkg = callPackage ./pkg { inherit (pkgs) lib; };\n", 30000))
	x := NewLineIndex(src)
	x.Position(0)
	for b.Loop() {
		for off := 0; off < len(src); off += 6 {
			x.PositionUTF16(off)
		}
	}
}
