package server

import (
	"go.lsp.dev/protocol"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// positionEncoding is the unit of LSP column numbers agreed at initialize.
type positionEncoding int

const (
	encUTF16 positionEncoding = iota // LSP's default, what every client supports
	encUTF8                          // bytes; cheaper, offered by some clients
)

func (e positionEncoding) String() string {
	if e == encUTF8 {
		return "utf-8"
	}
	return "utf-16"
}

// wirePosition is an LSP position as sent by a client. Its fields are signed
// so that a buggy negative value is clamped like VS Code does rather than
// failing to decode the whole message and losing the edit.
type wirePosition struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type wireRange struct {
	Start wirePosition `json:"start"`
	End   wirePosition `json:"end"`
}

// offsetAt returns the byte offset of a client position in the text of lines.
// Out-of-range positions are clamped as VS Code's text model clamps them: a
// negative line to the start of the text, a line past the last to the end of
// the text, a column past the end of its line to that line's end (before the
// line break). ok is false when clamping happened.
func offsetAt(lines *nixast.LineIndex, p wirePosition, enc positionEncoding) (off int, ok bool) {
	if p.Line < 0 {
		return 0, false
	}
	ok = true
	if p.Character < 0 {
		p.Character, ok = 0, false
	}
	var inRange bool
	if enc == encUTF8 {
		off, inRange = lines.Offset(p.Line, p.Character)
	} else {
		off, inRange = lines.OffsetUTF16(p.Line, p.Character)
	}
	return off, ok && inRange
}

// positionOf returns the LSP position of a byte offset.
func positionOf(lines *nixast.LineIndex, off int, enc positionEncoding) protocol.Position {
	var line, col int
	if enc == encUTF8 {
		line, col = lines.Position(off)
	} else {
		line, col = lines.PositionUTF16(off)
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// rangeOf returns the LSP range of the byte range [pos, end).
func rangeOf(lines *nixast.LineIndex, pos, end int, enc positionEncoding) protocol.Range {
	if end < pos {
		end = pos
	}
	return protocol.Range{Start: positionOf(lines, pos, enc), End: positionOf(lines, end, enc)}
}

// toWire converts a protocol position (from a request decoded by the
// protocol package) to the signed form offsetAt takes.
func toWire(p protocol.Position) wirePosition {
	return wirePosition{Line: int(p.Line), Character: int(p.Character)}
}
