package optindex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestExtract runs the extractor over each fixture tree in testdata and
// compares what it finds with the archive's want section.
func TestExtract(t *testing.T) {
	archives, _ := filepath.Glob("testdata/*.txtar")
	if len(archives) == 0 {
		t.Fatal("no fixtures")
	}
	for _, name := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(name)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var want string
			for _, f := range ar.Files {
				if f.Name == "want" {
					want = string(f.Data)
					continue
				}
				p := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			entries := fixtureEntries(t, string(ar.Comment))
			if len(entries) == 1 && entries[0] == "default" {
				entries = DefaultEntries(dir)
			}
			ix, err := Build(dir, entries)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(ix); got != want {
				t.Errorf("options of %s:\n%s\nwant:\n%s", name, got, want)
			}
		})
	}
}

func fixtureEntries(t *testing.T, comment string) []string {
	for _, line := range strings.Split(comment, "\n") {
		if rest, ok := strings.CutPrefix(line, "entries:"); ok {
			return strings.Fields(rest)
		}
	}
	t.Fatal("fixture has no entries: line")
	return nil
}

// render prints an index in the fixtures' want form.
func render(ix *Index) string {
	var b strings.Builder
	for _, o := range ix.Options {
		b.WriteString(o.Name + ": " + o.Type)
		if o.Default != "" {
			b.WriteString(" = " + o.Default)
		}
		for _, f := range []struct {
			on   bool
			word string
		}{{o.Internal, "internal"}, {o.ReadOnly, "readOnly"}, {!o.Visible, "invisible"}, {o.Shallow, "shallow"}, {o.Hidden, "hidden"}} {
			if f.on {
				b.WriteString(" " + f.word)
			}
		}
		b.WriteString("\n")
	}
	for _, f := range ix.Freeform {
		b.WriteString("freeform " + ShowOption(f) + "\n")
	}
	for _, r := range ix.Renames {
		b.WriteString(string(r.Kind) + " " + r.FromName())
		if r.Kind == Removed {
			b.WriteString(": " + r.Message)
		} else {
			b.WriteString(" -> " + r.ToName())
		}
		b.WriteString("\n")
	}
	for _, p := range ix.Partial {
		b.WriteString("partial " + p + "\n")
	}
	return b.String()
}

func TestShowOption(t *testing.T) {
	for _, c := range []struct {
		loc  []string
		want string
	}{
		{[]string{"a", "b"}, "a.b"},
		{[]string{"services", "<name>", "x"}, "services.<name>.x"},
		{[]string{"a", "*", "b"}, "a.*.b"},
		{[]string{"users", "with.dot"}, `users."with.dot"`},
		{[]string{"x", "1abc"}, `x."1abc"`},
		{[]string{"x", "a-b'c"}, "x.a-b'c"},
		{[]string{"x", "in"}, `x."in"`},
		{[]string{"x", `q"${y}`}, `x."q\"\${y}"`},
	} {
		if got := ShowOption(c.loc); got != c.want {
			t.Errorf("ShowOption(%q) = %s, want %s", c.loc, got, c.want)
		}
	}
}

func TestLookup(t *testing.T) {
	ix := &Index{Options: []Option{
		{Name: "a.<name>.b", Loc: []string{"a", "<name>", "b"}},
		{Name: "a.special.b", Loc: []string{"a", "special", "b"}},
		{Name: "l.*.c", Loc: []string{"l", "*", "c"}},
	}, Freeform: [][]string{{"a", "<name>", "settings"}}, Renames: []Rename{{Kind: Renamed, From: []string{"old"}, To: []string{"a"}}}}
	if o := ix.Lookup([]string{"a", "x", "b"}); o == nil || o.Name != "a.<name>.b" {
		t.Errorf("Lookup(a.x.b) = %v", o)
	}
	if o := ix.Lookup([]string{"a", "special", "b"}); o == nil || o.Name != "a.special.b" {
		t.Errorf("a literal declaration loses to a placeholder: %v", o)
	}
	if o := ix.Lookup([]string{"a", "x"}); o != nil {
		t.Errorf("Lookup(a.x) = %v, want nil (a prefix)", o)
	}
	if !ix.HasPrefix([]string{"a", "y"}) || ix.HasPrefix([]string{"b"}) {
		t.Error("HasPrefix")
	}
	if cs := ix.Children([]string{"a"}); len(cs) != 2 || cs[0].Name != "<name>" || cs[1].Name != "special" {
		t.Errorf("Children(a) = %v", cs)
	}
	if cs := ix.Children([]string{"a", "q"}); len(cs) != 1 || cs[0].Name != "b" || cs[0].Option == nil {
		t.Errorf("Children(a.q) = %v", cs)
	}
	if !ix.IsFreeform([]string{"a", "q", "settings", "x"}) || ix.IsFreeform([]string{"a", "q", "settings"}) {
		t.Error("IsFreeform")
	}
	if r := ix.Rename([]string{"old", "deeper"}); r == nil || r.ToName() != "a" {
		t.Errorf("Rename(old.deeper) = %v", r)
	}
}
