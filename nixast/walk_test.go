package nixast

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPreorderMatchesInspect: Preorder visits the nodes Inspect visits, in
// the same order, over the parser corpus (broken files included).
func TestPreorderMatchesInspect(t *testing.T) {
	files, _ := filepath.Glob("../testdata/parse/*/*.nix")
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f := Parse(name, src)
		var want, got []Node
		Inspect(f.Root, func(n Node) bool {
			if n != nil {
				want = append(want, n)
			}
			return true
		})
		Preorder(f.Root, func(n Node) { got = append(got, n) })
		if len(got) != len(want) {
			t.Errorf("%s: Preorder visits %d nodes, Inspect %d", name, len(got), len(want))
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: node %d is %T at %d, Inspect has %T at %d", name, i, got[i], got[i].Pos(), want[i], want[i].Pos())
				break
			}
		}
	}
}
