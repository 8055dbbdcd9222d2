package scope

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// FuzzResolve resolves any input, broken or not, and asks every query at
// every offset: nothing may panic, and a use's binding has the use's name.
func FuzzResolve(f *testing.F) {
	files, _ := filepath.Glob("../testdata/parse/*/*.nix")
	for _, p := range files {
		if src, err := os.ReadFile(p); err == nil && len(src) < 4096 {
			f.Add(src)
		}
	}
	f.Add([]byte("{ a = rec { b = 1; }; a.c = b; a = { ${x} = 1; }; }"))
	f.Add([]byte("let a.b = 1; a.c = a; ${\"d\"} = 2; inherit (x) ; in with a; [ d "))
	f.Fuzz(func(t *testing.T, src []byte) {
		file := nixast.Parse("a.nix", src)
		sc := Resolve(file)
		for i := range sc.Refs {
			r := &sc.Refs[i]
			if r.Def != nil && r.Def.Name != r.Name() {
				t.Fatalf("use of %q bound to %q", r.Name(), r.Def.Name)
			}
		}
		for off := 0; off <= len(src); off++ {
			sc.DefAt(off)
			sc.Visible(off)
			sc.InWith(off)
		}
		for _, d := range sc.Defs {
			sc.RefsOf(d)
		}
		sc.Undefined()
	})
}
