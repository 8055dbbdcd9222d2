package reliability

import "unicode/utf16"

// model is the client's copy of a document, edited with the semantics of
// vscode-languageserver-textdocument's TextDocument.update: UTF-16 code
// units, positions clamped to the text, a column past a line's end clamped
// to before its line break, reversed ranges swapped. It is a port of
// server/vscode_test.go, kept independent of the server's own code.
type model struct {
	u    []uint16
	utf8 bool // columns count UTF-8 bytes instead of UTF-16 units
}

func newModel(text string) *model { return &model{u: utf16.Encode([]rune(text))} }

func (m *model) text() string { return string(utf16.Decode(m.u)) }

func (m *model) apply(r rng, newText string) {
	start, end := r.Start, r.End
	if start.Line > end.Line || start.Line == end.Line && start.Character > end.Character {
		start, end = end, start
	}
	offsets := m.lineOffsets()
	so, eo := m.offsetAt(offsets, start), m.offsetAt(offsets, end)
	if so > eo {
		// Possible after clamping (a negative line sorts first); VS Code's
		// substring then swaps them too.
		so, eo = eo, so
	}
	ins := utf16.Encode([]rune(newText))
	out := make([]uint16, 0, len(m.u)-(eo-so)+len(ins))
	out = append(append(append(out, m.u[:so]...), ins...), m.u[eo:]...)
	m.u = out
}

func (m *model) lineOffsets() []int {
	res := []int{0}
	for i := 0; i < len(m.u); i++ {
		if ch := m.u[i]; ch == '\r' || ch == '\n' {
			if ch == '\r' && i+1 < len(m.u) && m.u[i+1] == '\n' {
				i++
			}
			res = append(res, i+1)
		}
	}
	return res
}

func (m *model) offsetAt(lineOffsets []int, p pos) int {
	if p.Line >= len(lineOffsets) {
		return len(m.u)
	}
	if p.Line < 0 {
		return 0
	}
	lineOffset := lineOffsets[p.Line]
	if p.Character <= 0 {
		return lineOffset
	}
	next := len(m.u)
	if p.Line+1 < len(lineOffsets) {
		next = lineOffsets[p.Line+1]
	}
	col := p.Character
	if m.utf8 {
		col = m.utf8Column(lineOffset, next, col)
	}
	off := min(lineOffset+col, next)
	for off > lineOffset && (m.u[off-1] == '\r' || m.u[off-1] == '\n') {
		off--
	}
	return m.snap(lineOffset, off)
}
