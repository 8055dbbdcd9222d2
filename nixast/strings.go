package nixast

import "strings"

// unescapeString decodes the raw text of a "..." string piece: \n, \r, \t
// become control characters, any other \c becomes c, and CR or CRLF become LF.
func unescapeString(raw string) string {
	// Most pieces have neither: vectorised searches instead of a loop over
	// every byte (a parse spent 5% of its time here), and runs between
	// escapes copied whole.
	i := nextEscape(raw)
	if i < 0 {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw))
	for ; i >= 0; i = nextEscape(raw) {
		b.WriteString(raw[:i])
		switch {
		case raw[i] == '\\' && i+1 < len(raw):
			b.WriteByte(unescapeChar(raw[i+1]))
			i++
		case raw[i] == '\r':
			b.WriteByte('\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		default: // a backslash that ends the piece
			b.WriteByte('\\')
		}
		raw = raw[i+1:]
	}
	b.WriteString(raw)
	return b.String()
}

// nextEscape returns the index of the first backslash or CR in raw, or -1.
func nextEscape(raw string) int {
	i := strings.IndexByte(raw, '\\')
	before := raw
	if i >= 0 {
		before = raw[:i]
	}
	if j := strings.IndexByte(before, '\r'); j >= 0 {
		return j
	}
	return i
}

func unescapeChar(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c
}

// indEscapeValue decodes an IND_STRING_ESCAPE token: ”$, ”', ”\x, $ or '.
func indEscapeValue(raw string) string {
	switch {
	case raw == "''$" || raw == "$":
		return "$"
	case raw == "'''":
		return "''"
	case strings.HasPrefix(raw, "''\\") && len(raw) > 3:
		return unescapeString(raw[2:])
	}
	return raw
}

// StripIndentation applies the indentation stripping of indented strings to
// their parts, as Nix does: the smallest indentation of the lines that hold
// text (interpolations and escapes count as text) is removed from every line,
// and a last line of spaces only is dropped. It returns new parts; Interp parts
// are kept as they are, text parts carry the stripped Value.
func StripIndentation(parts []StringPart) []StringPart {
	if len(parts) == 0 {
		return nil
	}
	atStart := true
	minIndent := 1000000
	cur := 0
	for _, p := range parts {
		t, ok := p.(*TextPart)
		if !ok || !t.Indentable {
			if atStart {
				atStart = false
				if cur < minIndent {
					minIndent = cur
				}
			}
			continue
		}
		for j := 0; j < len(t.Value); j++ {
			c := t.Value[j]
			if atStart {
				switch c {
				case ' ':
					cur++
				case '\n':
					cur = 0
				default:
					atStart = false
					if cur < minIndent {
						minIndent = cur
					}
				}
			} else if c == '\n' {
				atStart = true
				cur = 0
			}
		}
	}

	out := make([]StringPart, 0, len(parts))
	atStart = true
	dropped := 0
	for i, p := range parts {
		t, ok := p.(*TextPart)
		if !ok {
			atStart = false
			dropped = 0
			out = append(out, p)
			continue
		}
		var b strings.Builder
		for j := 0; j < len(t.Value); j++ {
			c := t.Value[j]
			if atStart {
				switch c {
				case ' ':
					if dropped >= minIndent {
						b.WriteByte(c)
					}
					dropped++
				case '\n':
					dropped = 0
					b.WriteByte(c)
				default:
					atStart = false
					dropped = 0
					b.WriteByte(c)
				}
			} else {
				b.WriteByte(c)
				if c == '\n' {
					atStart = true
				}
			}
		}
		s := b.String()
		if i == len(parts)-1 {
			// Drop a last line that holds only spaces.
			if k := strings.LastIndexByte(s, '\n'); k >= 0 && strings.Trim(s[k+1:], " ") == "" {
				s = s[:k+1]
			}
		}
		nt := *t
		nt.Value = s
		out = append(out, &nt)
	}
	return out
}
