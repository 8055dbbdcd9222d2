package main

import (
	"math/rand"
	"strings"
	"testing"
)

// applyChange applies an LSP content change to text, by line and column.
func applyChange(t *testing.T, text string, change map[string]any) string {
	r := change["range"].(map[string]any)
	off := func(p map[string]int) int {
		lines := strings.SplitAfter(text, "\n")
		o := 0
		for _, l := range lines[:p["line"]] {
			o += len(l)
		}
		return o + p["character"]
	}
	start, end := off(r["start"].(map[string]int)), off(r["end"].(map[string]int))
	if start > end || end > len(text) {
		t.Fatalf("bad range %v in a text of %d bytes", r, len(text))
	}
	return text[:start] + change["text"].(string) + text[end:]
}

// The LSP changes a session sends, applied by line and column, give the
// session's own text; the file's last lines (its duplicate attribute) stay;
// and typing with auto-closed brackets leaves them balanced when a typed
// line is complete.
func TestSessionChanges(t *testing.T) {
	for _, d := range []document{
		{"module.nix", nixosModule(300), typedModule},
		{"pkgs.nix", packageSet(60_000), typedPackage},
	} {
		sess := newSession(rand.New(rand.NewSource(7)), d.text, d.typed)
		text := d.text
		tail := d.text[strings.LastIndex(d.text[:len(d.text)-3], "\n"):]
		kinds := map[string]int{}
		for i := 0; i < 3000; i++ {
			e := sess.before()
			kinds[e.kind]++
			text = applyChange(t, text, e.change)
			if text != sess.text {
				t.Fatalf("%s: edit %d (%s): the change gives another text than the session's", d.name, i, e.kind)
			}
			if !strings.HasSuffix(text, tail) {
				t.Fatalf("%s: edit %d (%s) touched the last lines", d.name, i, e.kind)
			}
		}
		for _, k := range []string{"char", "backspace", "enter", "paste", "cut", "replace"} {
			if kinds[k] == 0 {
				t.Errorf("%s: no %q edit in 3000: %v", d.name, k, kinds)
			}
		}
		if kinds["char"] < 3000/2 {
			t.Errorf("%s: typed characters are not most edits: %v", d.name, kinds)
		}
	}
}

// A binding typed in full, with the editor's auto-closing of brackets and
// quotes, appears in the text exactly as written.
// With -tail, a session leaves everything before its last lines as it was.
func TestSessionTail(t *testing.T) {
	defer func(n int) { tailLines = n }(tailLines)
	tailLines = 40
	text := packageSet(60_000)
	sess := newSession(rand.New(rand.NewSource(3)), text, typedPackage)
	keep := sess.lines[len(sess.lines)-1-4-tailLines]
	for i := 0; i < 2000; i++ {
		sess.before()
		if !strings.HasPrefix(sess.text, text[:keep]) {
			t.Fatalf("edit %d changed the text before the last %d lines", i, tailLines)
		}
	}
	if sess.text == text {
		t.Fatal("no edit changed the text")
	}
}

func TestSessionTypesBindings(t *testing.T) {
	for n := 0; n < 3; n++ {
		sess := newSession(rand.New(rand.NewSource(int64(n))), nixosModule(100), typedModule)
		sess.actions = n
		sess.planTyping()
		found := false
		for len(sess.queue) > 0 {
			step := sess.queue[0]
			sess.queue = sess.queue[1:]
			step()
			for _, line := range strings.Split(sess.text, "\n") {
				found = found || strings.TrimLeft(line, " ") == typedModule(n)
			}
		}
		if !found {
			t.Errorf("%q never appears whole on a line of its own", typedModule(n))
		}
	}
}
