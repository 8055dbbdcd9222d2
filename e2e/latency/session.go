package main

import (
	"fmt"
	"math/rand"
	"strings"
)

// An edit replaces text[start:end] with text, as one didChange.
type edit struct {
	start, end int
	text       string
	kind       string         // "char", "backspace", "enter", "paste", "cut", "replace"
	change     map[string]any // the LSP content change, against the text before
}

// A session replays how a person edits a file in an editor that closes
// brackets and quotes as they are typed: most edits are one character typed
// or deleted, inside bindings being written, so most versions in between do
// not parse. It keeps the document's text so that each edit's position is
// valid, and it never touches the last lines (the duplicate attribute that
// makes every version publish a diagnostic).
type session struct {
	rng     *rand.Rand
	text    string
	lines   []int    // line start offsets of text
	queue   []func() // steps of the current action, each making one edit
	out     *edit
	typed   func(n int) string // what is typed as the n-th new binding
	actions int
}

func newSession(rng *rand.Rand, text string, typed func(n int) string) *session {
	s := &session{rng: rng, typed: typed}
	s.set(text)
	return s
}

func (s *session) set(text string) {
	s.text = text
	s.lines = s.lines[:0]
	s.lines = append(s.lines, 0)
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
}

// before returns the next edit and applies it to the session's text.
func (s *session) before() edit {
	for len(s.queue) == 0 {
		s.plan()
	}
	for s.out == nil {
		step := s.queue[0]
		s.queue = s.queue[1:]
		step()
		for len(s.queue) == 0 && s.out == nil {
			s.plan()
		}
	}
	e := *s.out
	s.out = nil
	return e
}

func (s *session) apply(e edit) {
	l1, c1 := s.pos(e.start)
	l2, c2 := s.pos(e.end)
	e.change = map[string]any{"range": rng0(l1, c1, l2, c2), "text": e.text}
	s.set(s.text[:e.start] + e.text + s.text[e.end:])
	s.out = &e
}

// pos converts an offset to an LSP position (the generated text is ASCII,
// so UTF-16 columns are byte columns).
func (s *session) pos(off int) (line, col int) {
	lo, hi := 0, len(s.lines)
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if s.lines[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return lo, off - s.lines[lo]
}

// word returns the position of the first letter of a line of the body that
// has one, as a place to hover, chosen with rng.
func (s *session) word(rng *rand.Rand) (line, col int) {
	n := len(s.lines) - 1
	for tries := 0; tries < 20; tries++ {
		l := 6 + rng.Intn(n-10)
		text := s.text[s.lines[l]:s.lineEnd(l)]
		if i := strings.IndexFunc(text, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }); i >= 0 {
			return l, i
		}
	}
	return 6, 0
}

// line picks a line in the body: after the header, before the last three;
// with -tail, among the last tailLines of those.
func (s *session) line() int {
	n := len(s.lines) - 1
	if tailLines > 0 && tailLines < n-10 {
		return n - 4 - tailLines + s.rng.Intn(tailLines)
	}
	return 6 + s.rng.Intn(n-10)
}

func (s *session) lineEnd(l int) int { return s.lines[l+1] - 1 }

func indentOf(line string) string {
	return line[:len(line)-len(strings.TrimLeft(line, " "))]
}

// plan queues the steps of one action.
func (s *session) plan() {
	s.actions++
	switch r := s.rng.Intn(10); {
	case r < 6:
		s.planTyping()
	case r < 8:
		s.planPaste()
	default:
		s.planReplace()
	}
}

// planTyping: Enter at the end of a line, then a binding typed character
// by character (with a typo fixed on the way now and then); afterwards the
// new line is either kept or removed again with one cut.
func (s *session) planTyping() {
	l := s.line()
	cursor := 0
	var closers []byte // auto-inserted closers after the cursor
	word := s.typed(s.actions)
	typo := -1
	if s.rng.Intn(3) == 0 {
		typo = s.rng.Intn(len(word))
	}
	var lineStart int
	s.queue = append(s.queue, func() {
		end := s.lineEnd(l)
		text := "\n" + indentOf(s.text[s.lines[l]:end])
		s.apply(edit{end, end, text, "enter", nil})
		cursor = end + len(text)
		lineStart = end + 1
	})
	typeChar := func(c byte) func() {
		return func() {
			if len(closers) > 0 && closers[len(closers)-1] == c {
				// Typing over an auto-inserted closer moves the cursor only.
				closers = closers[:len(closers)-1]
				cursor++
				return
			}
			ins := string(c)
			switch c {
			case '"':
				ins, closers = `""`, append(closers, '"')
			case '{':
				ins, closers = "{}", append(closers, '}')
			case '[':
				ins, closers = "[]", append(closers, ']')
			}
			s.apply(edit{cursor, cursor, ins, "char", nil})
			cursor++
		}
	}
	backspace := func() {
		s.apply(edit{cursor - 1, cursor, "", "backspace", nil})
		cursor--
	}
	for i := 0; i < len(word); i++ {
		if i == typo {
			for _, c := range []byte("xq") {
				s.queue = append(s.queue, typeChar(c))
			}
			s.queue = append(s.queue, backspace, backspace)
		}
		s.queue = append(s.queue, typeChar(word[i]))
	}
	if s.rng.Intn(2) == 0 {
		s.queue = append(s.queue, func() {
			// The typed line, with its newline, cut at once.
			s.apply(edit{lineStart - 1, cursor + len(closers), "", "cut", nil})
		})
	}
}

// planPaste: a block of whole bindings, 2 to 12 lines copied from
// elsewhere in the file, is pasted at the start of a line; half the time it
// is cut again later.
func (s *session) planPaste() {
	var at, size int
	s.queue = append(s.queue, func() {
		block := s.block()
		at = s.lines[s.line()]
		s.apply(edit{at, at, block, "paste", nil})
		size = len(block)
	})
	if s.rng.Intn(2) == 0 {
		s.queue = append(s.queue, func() {
			s.apply(edit{at, at + size, "", "cut", nil})
		})
	}
}

// block returns 2 to 12 lines whose brackets balance and whose last line
// ends a binding, or else one line.
func (s *session) block() string {
	for tries := 0; tries < 100; tries++ {
		from := s.line()
		want := 2 + s.rng.Intn(11)
		depth := 0
		for n := 1; n <= 12 && from+n < len(s.lines)-5 && depth >= 0; n++ {
			line := s.text[s.lines[from+n-1]:s.lines[from+n]]
			depth += strings.Count(line, "{") + strings.Count(line, "[") + strings.Count(line, "(") -
				strings.Count(line, "}") - strings.Count(line, "]") - strings.Count(line, ")")
			if n >= want && depth == 0 && strings.HasSuffix(line, ";\n") {
				return s.text[s.lines[from]:s.lines[from+n]]
			}
		}
	}
	l := s.line()
	return s.text[s.lines[l]:s.lines[l+1]]
}

// planReplace: a digit somewhere in the file is typed over (a port, a
// version, a name's number).
func (s *session) planReplace() {
	s.queue = append(s.queue, func() {
		for tries := 0; tries < 50; tries++ {
			l := s.line()
			line := s.text[s.lines[l]:s.lineEnd(l)]
			if i := strings.IndexAny(line, "0123456789"); i >= 0 {
				off := s.lines[l] + i
				d := byte('0' + (s.text[off]-'0'+1)%10)
				s.apply(edit{off, off + 1, string(d), "replace", nil})
				return
			}
		}
	})
}

// typedModule and typedPackage are the bindings typed into a NixOS module
// and into a package set.
func typedModule(n int) string {
	switch n % 3 {
	case 0:
		return fmt.Sprintf(`services.extra%d.enable = true;`, n)
	case 1:
		return fmt.Sprintf(`users.users.dev%d = { isNormalUser = true; extraGroups = [ "wheel" "video" ]; };`, n)
	default:
		return fmt.Sprintf(`environment.etc."extra%d".text = "key = ${config.networking.hostName}";`, n)
	}
}

func typedPackage(n int) string {
	if n%2 == 0 {
		return fmt.Sprintf(`tool%d = callPackage ../tools/tool%d { inherit (pkgs) pkg1; };`, n, n)
	}
	return fmt.Sprintf(`lib%d = pkg3.overrideAttrs (old: { version = "2.%d"; doCheck = false; });`, n, n)
}
