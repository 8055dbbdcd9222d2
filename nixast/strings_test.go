package nixast

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

// TestUnescapeString decodes random pieces of string text, escapes and
// line ends anywhere (first, last, doubled, a backslash that ends the
// piece), and requires what a decoding byte by byte gives: Nix's rules.
func TestUnescapeString(t *testing.T) {
	byByte := func(raw string) string {
		var b strings.Builder
		for i := 0; i < len(raw); i++ {
			switch c := raw[i]; {
			case c == '\\' && i+1 < len(raw):
				i++
				switch raw[i] {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(raw[i])
				}
			case c == '\r':
				b.WriteByte('\n')
				if i+1 < len(raw) && raw[i+1] == '\n' {
					i++
				}
			default:
				b.WriteByte(c)
			}
		}
		return b.String()
	}
	const alphabet = "ab\\\\\r\nntr$\""
	rng := rand.New(rand.NewSource(1))
	cases := []string{"", "plain", "\\", "\\\\", "\r", "\r\n", "\r\r\n", "a\\", "\\n\\t\\r\\x", "\\\r\n", strings.Repeat("x", 100) + "\\n"}
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.Intn(24))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, raw := range cases {
		if got, want := unescapeString(raw), byByte(raw); got != want {
			t.Fatalf("unescapeString(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestByteSearch asks for the next quote, backslash and dollar from
// growing positions, in steps of one and of many, and requires what a
// search from each position gives.
func TestByteSearch(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for round := 0; round < 200; round++ {
		src := make([]byte, rng.Intn(300))
		for i := range src {
			src[i] = "ab\"\\$x"[rng.Intn(6)]
		}
		var s [3]byteSearch
		for i := 0; i <= len(src); i += 1 + rng.Intn(4)*rng.Intn(4) {
			for k, c := range []byte{'"', '\\', '$'} {
				want := len(src)
				if j := bytes.IndexByte(src[i:], c); j >= 0 {
					want = i + j
				}
				if got := s[k].next(src, c, i); got != want {
					t.Fatalf("next %q from %d in %q: %d, want %d", c, i, src, got, want)
				}
			}
		}
	}
}
