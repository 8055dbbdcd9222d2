package reliability

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// pieces of text the random edits insert: multi-byte characters, emoji
// (surrogate pairs in UTF-16), every kind of line break, Nix.
var pieces = []string{"", "a", "é", "😀", "👩‍👩‍👧", "中文", "\r\n", "\n", "\r", "\t", "{ x = 1; }", "${", "\"", "# c\r\n", "𝄞x", "\x00"}

// TestRandomEditsStayInSync applies thousands of random incremental edits
// through the protocol to the real binary, in UTF-16 and in UTF-8 columns,
// and after every didChange compares the server's text with the client's
// model of VS Code's buffer.
func TestRandomEditsStayInSync(t *testing.T) {
	for _, enc := range []string{"utf-16", "utf-8"} {
		for _, seed := range []int64{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/seed%d", enc, seed), func(t *testing.T) {
				t.Parallel()
				randomEdits(t, enc, seed, 700)
			})
		}
	}
}

func randomEdits(t *testing.T, enc string, seed int64, steps int) {
	s := startServer(t, startOptions{})
	s.callOK("initialize", map[string]any{"processId": nil, "workspaceFolders": []any{},
		"capabilities": map[string]any{"general": map[string]any{"positionEncodings": []string{enc}}}}, nil)
	s.notify("initialized", map[string]any{})
	rnd := rand.New(rand.NewSource(seed))
	u := fmt.Sprintf("file:///reliability/sync-%s-%d.nix", enc, seed)
	m := newModel("{\r\n  a = \"é😀\";\n\r  b = 2;\r\n}\r\n")
	m.utf8 = enc == "utf-8"
	s.open(u, m.text())
	version := 1
	for step := 0; step < steps; step++ {
		n := 1 + rnd.Intn(3)
		var changes []any
		var log []string
		for i := 0; i < n; i++ {
			if rnd.Intn(40) == 0 {
				text := m.randomText(rnd, 5)
				m.set(text)
				changes = append(changes, map[string]any{"text": text})
				log = append(log, fmt.Sprintf("replace all with %q", text))
				continue
			}
			r := m.randomRange(rnd)
			text := ""
			if len(m.u) < 3000 || rnd.Intn(3) == 0 {
				text = m.randomText(rnd, 3)
			}
			m.apply(r, text)
			changes = append(changes, map[string]any{"range": r, "text": text})
			log = append(log, fmt.Sprintf("%v %q", r, text))
		}
		version++
		s.change(u, version, changes...)
		got := s.documentText(u)
		if got.Text != m.text() || got.Version != version {
			t.Fatalf("step %d (%s): after %s\nserver v%d %q\nclient v%d %q", step, enc, strings.Join(log, "; "), got.Version, got.Text, version, m.text())
		}
	}
	// The session is still healthy.
	s.codeActions(u, mkRange(0, 0, 1, 0))
}

func (m *model) set(text string) { m.u = utf16.Encode([]rune(text)) }

func (m *model) randomText(rnd *rand.Rand, maxPieces int) string {
	var b strings.Builder
	for i := rnd.Intn(maxPieces + 1); i > 0; i-- {
		b.WriteString(pieces[rnd.Intn(len(pieces))])
	}
	return b.String()
}

// randomRange returns a range that is mostly valid, often at awkward
// places (inside surrogate pairs, past line ends, between \r and \n) and
// sometimes out of bounds or reversed.
func (m *model) randomRange(rnd *rand.Rand) rng {
	offsets := m.lineOffsets()
	p := func() pos {
		line := rnd.Intn(len(offsets)+2) - 1
		if rnd.Intn(20) == 0 {
			line = len(offsets) + rnd.Intn(5)
		}
		width := 4
		if line >= 0 && line < len(offsets) {
			width = m.lineWidth(offsets, line)
		}
		return pos{line, rnd.Intn(width+3) - 1}
	}
	a, b := p(), p()
	if rnd.Intn(3) == 0 {
		b = a
		b.Character += rnd.Intn(3)
	}
	return rng{a, b}
}

// lineWidth is the length of a line in the model's column unit, line break
// excluded.
func (m *model) lineWidth(offsets []int, line int) int {
	end := len(m.u)
	if line+1 < len(offsets) {
		end = offsets[line+1]
	}
	start := offsets[line]
	for end > start && (m.u[end-1] == '\r' || m.u[end-1] == '\n') {
		end--
	}
	if !m.utf8 {
		return end - start
	}
	return len(string(utf16.Decode(m.u[start:end])))
}

// The model's rules where the server must deviate from a JavaScript
// buffer: a UTF-8 buffer cannot hold half a character, so a column inside
// a surrogate pair (UTF-16) or inside a character's bytes (UTF-8) means the
// start of that character. server's LineIndex documents the same rule.
func (m *model) snap(lineOffset, off int) int {
	if off > lineOffset && off < len(m.u) && utf16.IsSurrogate(rune(m.u[off])) && m.u[off] >= 0xdc00 {
		return off - 1
	}
	return off
}

// utf8Column converts a UTF-8 column on a line to UTF-16 units, snapping a
// column inside a character to its start.
func (m *model) utf8Column(lineOffset, next, col int) int {
	units, bytes := 0, 0
	for i := lineOffset; i < next; {
		r := rune(m.u[i])
		w := 1
		if utf16.IsSurrogate(r) && i+1 < next {
			r = utf16.DecodeRune(r, rune(m.u[i+1]))
			w = 2
		}
		n := utf8.RuneLen(r)
		if n < 0 {
			n = 3 // U+FFFD
		}
		if bytes+n > col {
			return units
		}
		bytes += n
		units += w
		i += w
	}
	return units + (col - bytes) // past the end: clamped by the caller
}
