package nixast

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAttrNameCountsBoundTheTree checks the room presize makes for
// attribute names, paths and selections against the nodes the parser makes
// of every valid fixture: never less (a file that parses fills no second
// chunk of these kinds), and in all little more.
func TestAttrNameCountsBoundTheTree(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "parse", "valid", "*.nix"))
	if len(files) < 100 {
		t.Fatalf("%d fixtures: the glob is wrong", len(files))
	}
	var sum, want [3]int // names, paths, selections
	// An arena's slabs record each chunk they fill (once it has recycled):
	// a parse of a valid file fills one of each of these kinds at most.
	var a TreeArena
	a.Parse("first.nix", []byte("{ a.b = x.y; }"))
	a.Reuse()
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f := Parse(name, src)
		if len(f.Errors) > 0 {
			continue
		}
		a.Parse(name, src)
		s := &a.c.p.slabs
		for what, used := range map[string]int{"names": len(s.names.rec.used), "name lists": len(s.namePtrs.rec.used),
			"paths": len(s.paths.rec.used), "selections": len(s.selects.rec.used)} {
			if used > 0 {
				t.Errorf("%s: the parse filled %d chunks of %s before its last", name, used, what)
			}
		}
		a.Reuse()
		var got [3]int
		Preorder(f.Root, func(n Node) {
			switch n.(type) {
			case *AttrName:
				got[0]++
			case *AttrPath:
				got[1]++
			case *Select:
				got[2]++
			}
		})
		toks, _ := scanInto(nil, src, false, nil)
		c := countTokens(toks)
		counted := [3]int{int(c.names()), int(c.paths()), int(c.selects)}
		for k, what := range []string{"attribute names", "attribute paths", "selections"} {
			if counted[k] < got[k] {
				t.Errorf("%s: room for %d %s, the tree has %d", name, counted[k], what, got[k])
			}
			sum[k] += counted[k]
			want[k] += got[k]
		}
	}
	for k, what := range []string{"attribute names", "attribute paths", "selections"} {
		if sum[k] > want[k]+want[k]/20 {
			t.Errorf("room for %d %s in all, the trees have %d: more than 5%% too much", sum[k], what, want[k])
		}
		t.Logf("%s: room for %d, %d made", what, sum[k], want[k])
	}
}
