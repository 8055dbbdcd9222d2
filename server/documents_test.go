package server

import (
	"fmt"
	"math/rand"
	"runtime"
	"strings"
	"testing"
	"weak"

	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// TestApplyChangeClampsLikeVSCode checks the store against an independent
// implementation of VS Code's clamping, for ranges inside and outside the
// text, with CRLF and characters outside the BMP.
func TestApplyChangeClampsLikeVSCode(t *testing.T) {
	texts := []string{
		"",
		"{ a = 1; }",
		"{\r\n  a = \"é\";\r\n  b = \"😀x\";\r\n}\r\n",
		"line1\nline2\rline3\r\n",
		"no newline at end",
	}
	ranges := []wireRange{
		rng(0, 0, 0, 0),
		rng(0, 1, 0, 3),
		rng(1, 0, 2, 4),
		rng(0, 100, 0, 200),   // past the end of a line
		rng(1, 3, 50, 0),      // past the last line
		rng(99, 0, 99, 5),     // wholly past the end
		rng(2, 4, 0, 1),       // reversed
		rng(-1, 0, 0, 2),      // negative line
		rng(1, -5, 1, 2),      // negative column
		rng(2, 9, 2, 10),      // after the emoji (UTF-16 columns)
		rng(0, 3, 1, 0),       // across a line break
		rng(1, 1000, 2, 1000), // both clamped to line ends
	}
	for _, text := range texts {
		for _, r := range ranges {
			want := vscodeApply(text, r, "XY")
			got, _, _, _ := applyChange(text, nixast.NewLineIndex([]byte(text)), contentChange{Range: &r, Text: "XY"}, encUTF16)
			if got != want {
				t.Errorf("apply %v to %q:\n got %q\nwant %q", r, text, got, want)
			}
		}
	}
}

func TestApplyChangeReportsClamping(t *testing.T) {
	text := "ab\ncd"
	lines := nixast.NewLineIndex([]byte(text))
	in := rng(1, 0, 1, 2)
	if _, _, _, clamped := applyChange(text, lines, contentChange{Range: &in, Text: ""}, encUTF16); clamped {
		t.Error("an in-range change was reported as clamped")
	}
	out := rng(1, 0, 5, 0)
	if _, _, _, clamped := applyChange(text, lines, contentChange{Range: &out, Text: ""}, encUTF16); !clamped {
		t.Error("an out-of-range change was not reported")
	}
}

func TestApplyChangeUTF8Columns(t *testing.T) {
	text := "é = 1;" // é is two bytes, one UTF-16 unit
	r := rng(0, 2, 0, 2)
	got, _, _, _ := applyChange(text, nixast.NewLineIndex([]byte(text)), contentChange{Range: &r, Text: "x"}, encUTF8)
	if got != "éx = 1;" {
		t.Errorf("utf-8 columns: got %q", got)
	}
	got, _, _, _ = applyChange(text, nixast.NewLineIndex([]byte(text)), contentChange{Range: &r, Text: "x"}, encUTF16)
	if got != "é x= 1;" {
		t.Errorf("utf-16 columns: got %q", got)
	}
}

func TestDocumentStoreVersionsAndUnopened(t *testing.T) {
	st := newDocumentStore()
	if d, w := st.change("file:///x.nix", 2, nil, encUTF16); d != nil || len(w) == 0 {
		t.Errorf("change to an unopened document: doc %v, warnings %v", d, w)
	}
	st.open("file:///x.nix", 5, "abc")
	d, w := st.change("file:///x.nix", 3, []contentChange{{Text: "new"}}, encUTF16)
	if d == nil || d.text != "new" || d.version != 3 || len(w) == 0 {
		t.Errorf("backwards version: doc %+v, warnings %v", d, w)
	}
	// Several changes in one notification apply one after another.
	r1, r2 := rng(0, 0, 0, 0), rng(0, 4, 0, 4)
	d, _ = st.change("file:///x.nix", 4, []contentChange{{Range: &r1, Text: "1\n"}, {Range: &r2, Text: "!"}}, encUTF16)
	if want := vscodeApply(vscodeApply("new", r1, "1\n"), r2, "!"); d.text != want {
		t.Errorf("sequential changes: got %q, want %q", d.text, want)
	}
}

// TestDocumentVersionsReparse: a version of a large document is parsed from
// the newest parsed one before it, and gives what a fresh parse gives, also
// when versions in between were never parsed.
func TestDocumentVersionsReparse(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\n")
	for i := 0; b.Len() < 80<<10; i++ {
		fmt.Fprintf(&b, "  p%d = { name = \"p%d\"; deps = [ p%d ]; };\n", i, i, max(i-1, 0))
	}
	b.WriteString("}\n")
	st := newDocumentStore()
	u := protocol.DocumentURI("file:///big.nix")
	d := st.open(u, 1, b.String())
	first := d.parse()
	edits := []struct {
		line, col int
		text      string
	}{
		{10, 10, "x"},         // inside a binding
		{20, 0, "  q = 1;\n"}, // a binding added
		{30, 0, "\n"},         // whitespace
		{40, 4, "= broken"},   // an error
		{50, 4, "z"},          // while the file is broken
	}
	for i, e := range edits {
		r := wireRange{Start: wirePosition{e.line, e.col}, End: wirePosition{e.line, e.col}}
		d, _ = st.change(u, int32(i+2), []contentChange{{Range: &r, Text: e.text}}, encUTF16)
		if i == 2 {
			continue // this version is never parsed: the next starts from the one before
		}
		got, want := d.parse(), nixast.Parse("big.nix", []byte(d.text))
		cfg := nixast.PrintConfig{BaseDir: "/"}
		if nixast.Print(got.Root, cfg) != nixast.Print(want.Root, cfg) || fmt.Sprint(got.Errors) != fmt.Sprint(want.Errors) {
			t.Fatalf("edit %d: reparsed version differs from a fresh parse", i)
		}
	}
	if first.Root == d.parse().Root {
		t.Fatal("the last version shares the first one's root")
	}
}

// BenchmarkManyChangesInOneDidChange: one didChange of 1,000 changes, each
// a character typed at the start of a line of a 4 MB document: from the
// last line to the first, as VS Code sends the edits of 1,000 cursors
// (applied in one pass), and in no order (one after another).
func BenchmarkManyChangesInOneDidChange(b *testing.B) {
	var src strings.Builder
	for i := range 200000 {
		fmt.Fprintf(&src, "  a%d = a%d;\n", i, i)
	}
	for _, order := range []string{"cursors", "scattered"} {
		b.Run(order, func(b *testing.B) {
			changes := make([]contentChange, 1000)
			for k := range changes {
				line := k * 7919 % 200000 // lines 7,919 apart
				if order == "cursors" {
					line = (999 - k) * 200
				}
				r := rng(line, 0, line, 0)
				changes[k] = contentChange{Range: &r, Text: "x"}
			}
			st := newDocumentStore()
			for b.Loop() {
				st.open("file:///big.nix", 1, src.String())
				st.change("file:///big.nix", 2, changes, encUTF16)
			}
		})
	}
}

// TestChangesOfManyCursors: the changes of one didChange give the text that
// applying them one after another gives, whether they run from the last
// cursor to the first (applied in one pass), touch, cross, or mix: random
// texts of characters one to four bytes wide (a column inside one
// included) and every kind of line break, in both position encodings.
func TestChangesOfManyCursors(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	pieces := []string{"a", "bc", "\n", "\r\n", "\r", "é", "中", "😀", " "}
	text := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		return b.String()
	}
	for round := range 3000 {
		enc := positionEncoding(encUTF16)
		if round%2 == 1 {
			enc = encUTF8
		}
		src := text(5 + r.Intn(60))
		lines := nixast.NewLineIndex([]byte(src))
		var changes []contentChange
		line, col := lines.LineCount()-1, 12
		for range 1 + r.Intn(6) {
			// Mostly before the last change, as several cursors' edits
			// come; now and then anywhere.
			if r.Intn(5) == 0 {
				line, col = r.Intn(lines.LineCount()+1), r.Intn(8)
			} else {
				line, col = max(0, line-r.Intn(2)), max(0, col-1-r.Intn(4))
			}
			rg := rng(line, col, line, col+r.Intn(3))
			if r.Intn(3) == 0 {
				rg = rng(max(0, line-1), col, line, col)
			}
			changes = append(changes, contentChange{Range: &rg, Text: text(r.Intn(3))})
		}
		want := src
		for _, c := range changes {
			want, _, _, _ = applyChange(want, nixast.NewLineIndex([]byte(want)), c, enc)
		}
		st := newDocumentStore()
		st.open("file:///m.nix", 1, src)
		if d, _ := st.change("file:///m.nix", 2, changes, enc); d.text != want {
			t.Fatalf("round %d (%v): %q with %+v\ngot  %q\nwant %q", round, enc, src, changes, d.text, want)
		}
	}
}

// TestClosedDocumentIsFreed: the tree of a closed document that is not on
// disk leaves memory once the next state is analysed (a 4 MB one stayed,
// 140 MB of tree, for the rest of the session: kept by the analysis cache's
// memo of it and by its comparison of the states it was in).
func TestClosedDocumentIsFreed(t *testing.T) {
	c := start(t, Options{})
	u := protocol.DocumentURI("file:///ws/big.nix")
	c.open(u, "["+strings.Repeat(" 1", 100000)+" ]")
	c.waitCount(u, 0)
	gone := weak.Make(c.srv.snapshot().tree(uriToPath(u)))
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": u}})
	other := protocol.DocumentURI("file:///ws/small.nix")
	c.open(other, "{ a = 1; }")
	c.waitCount(other, 0)
	runtime.GC()
	runtime.GC()
	if gone.Value() != nil {
		t.Error("the closed document's tree is still in memory")
	}
}
