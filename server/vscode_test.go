package server

import "unicode/utf16"

// vscodeApply applies an edit to text the way vscode-languageserver-textdocument
// (TextDocument.update) does, working in UTF-16 code units as JavaScript
// strings do. It is written independently of the server's LineIndex so that
// the two can check each other.
func vscodeApply(text string, r wireRange, newText string) string {
	u := utf16.Encode([]rune(text))
	lineOffsets := vscodeLineOffsets(u)
	start, end := r.Start, r.End
	if start.Line > end.Line || start.Line == end.Line && start.Character > end.Character {
		start, end = end, start
	}
	so, eo := vscodeOffsetAt(u, lineOffsets, start), vscodeOffsetAt(u, lineOffsets, end)
	out := append(append(append([]uint16(nil), u[:so]...), utf16.Encode([]rune(newText))...), u[eo:]...)
	return string(utf16.Decode(out))
}

func vscodeLineOffsets(u []uint16) []int {
	res := []int{0}
	for i := 0; i < len(u); i++ {
		if ch := u[i]; ch == '\r' || ch == '\n' {
			if ch == '\r' && i+1 < len(u) && u[i+1] == '\n' {
				i++
			}
			res = append(res, i+1)
		}
	}
	return res
}

func vscodeOffsetAt(u []uint16, lineOffsets []int, p wirePosition) int {
	if p.Line >= len(lineOffsets) {
		return len(u)
	}
	if p.Line < 0 {
		return 0
	}
	lineOffset := lineOffsets[p.Line]
	if p.Character <= 0 {
		return lineOffset
	}
	next := len(u)
	if p.Line+1 < len(lineOffsets) {
		next = lineOffsets[p.Line+1]
	}
	off := min(lineOffset+p.Character, next)
	for off > lineOffset && (u[off-1] == '\r' || u[off-1] == '\n') {
		off--
	}
	return off
}
