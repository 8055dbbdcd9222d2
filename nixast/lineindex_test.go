package nixast

import (
	"math/rand"
	"slices"
	"testing"
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
		got := old.edited(next, a, b, len(ins)-(b-a))
		if want := NewLineIndex(next).lines(); !slices.Equal(got.lines(), want) {
			t.Fatalf("%q with %q at [%d,%d) replaced by %q: lines %v, want %v", src, src[a:b], a, b, ins, got.lines(), want)
		}
		edits++
	}
	// An index not yet made is not read: the edited one makes its own.
	src := []byte("a\nb\n")
	if got := NewLineIndex(src).edited([]byte("a\nxb\n"), 2, 2, 1); got.indexed.Load() {
		t.Error("an index made from one never indexed was filled at once")
	}
}
