package microvm

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated tables in docs/diagnostics.md")

// TestDocsTables holds the tables docs/diagnostics.md shows of the
// capability matrix and of the removed options to what this package holds.
func TestDocsTables(t *testing.T) {
	const path = "../docs/diagnostics.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, blk := range []struct{ name, want string }{
		{"capabilities", MatrixMarkdown()},
		{"removed-options", RemovalsMarkdown()},
	} {
		begin, end := "<!-- generated: "+blk.name+" -->\n", "<!-- end: "+blk.name+" -->"
		i := strings.Index(doc, begin)
		j := strings.Index(doc, end)
		if i < 0 || j < i {
			t.Errorf("%s: no block between %q and %q", path, begin, end)
			continue
		}
		got := doc[i+len(begin) : j]
		if got != blk.want {
			if *update {
				doc = doc[:i+len(begin)] + blk.want + doc[j:]
				continue
			}
			t.Errorf("%s: the %s table differs from package microvm's (go test ./microvm -update):\n%s", path, blk.name, blk.want)
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
