package server

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// FuzzDocumentEdits applies a fuzzed sequence of incremental edits to the
// document store, in both position encodings. The store must not panic,
// must keep valid UTF-8 text valid, and, for text without characters
// outside the BMP (where a JavaScript buffer and a UTF-8 one can disagree
// about half a surrogate pair), must hold what VS Code's buffer holds.
//
// ops is read 9 bytes per edit: 4 signed 16-bit numbers (start line and
// character, end line and character) and one byte choosing the inserted
// text from inserts.
func FuzzDocumentEdits(f *testing.F) {
	f.Add("{\r\n  a = \"é😀\";\r\n}\r\n", []byte("\x00\x00\x00\x01\x00\x01\x00\x03\x02"), false)
	f.Add("a\nb\rc\r\nd", []byte("\x00\x01\x00\x00\x00\x02\x00\x01\x01\xff\xff\xff\xff\x7f\xff\x7f\xff\x03"), true)
	f.Add("😀😀😀", []byte("\x00\x00\x00\x01\x00\x00\x00\x03\x04\x00\x00\x00\x02\x00\x00\x00\x02\x05"), false)
	f.Add("é中\x00x", []byte("\x00\x00\x00\x01\x00\x00\x00\x04\x06"), true)
	f.Add("", []byte("\x80\x00\x80\x00\x00\x05\x00\x05\x07"), false)
	inserts := []string{"", "x", "\r\n", "\n", "\r", "😀", "é = 1;", "\x00", "中"}
	f.Fuzz(func(t *testing.T, text string, ops []byte, utf8Columns bool) {
		if len(text) > 1<<12 || len(ops) > 9*64 {
			return
		}
		enc := encUTF16
		if utf8Columns {
			enc = encUTF8
		}
		st := newDocumentStore()
		u := protocol.DocumentURI("file:///fuzz.nix")
		st.open(u, 1, text)
		model := text
		valid := utf8.ValidString(text)
		for i := 0; i+9 <= len(ops); i += 9 {
			n := func(k int) int { return int(int16(binary.BigEndian.Uint16(ops[i+2*k:]))) }
			r := wireRange{Start: wirePosition{n(0), n(1)}, End: wirePosition{n(2), n(3)}}
			ins := inserts[int(ops[i+8])%len(inserts)]
			d, _ := st.change(u, int32(i+2), []contentChange{{Range: &r, Text: ins}}, enc)
			if d == nil {
				t.Fatal("change of an open document returned nil")
			}
			if valid && !utf8.ValidString(d.text) {
				t.Fatalf("edit %v %q made the text invalid UTF-8: %q", r, ins, d.text)
			}
			if enc == encUTF16 && valid && !hasAstral(model) {
				model = vscodeApply(model, r, ins)
				if d.text != model {
					t.Fatalf("edit %v %q: store %q, VS Code %q", r, ins, d.text, model)
				}
			}
			model = d.text
		}
	})
}

func hasAstral(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 0x10000 }) >= 0
}
