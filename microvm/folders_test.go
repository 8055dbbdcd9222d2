package microvm

import "testing"

// For picks the innermost folder that holds the file, and a folder holds
// only what is below it: /ws/ab is not inside /ws/a.
func TestFoldersFor(t *testing.T) {
	a, ab, inner := &Facts{}, &Facts{}, &Facts{}
	f := &Folders{Dirs: []string{"/ws/a", "/ws/ab", "/ws/a/b"}, Facts: []*Facts{a, ab, inner}}
	for file, want := range map[string]*Facts{
		"/ws/a": a, "/ws/a/x.nix": a, "/ws/ab/x.nix": ab, "/ws/a/b": inner, "/ws/a/b/c/x.nix": inner,
		"/ws/a/bc.nix": a, "/ws/abc/x.nix": nil, "/ws/x.nix": nil, "/ws": nil,
	} {
		got, ok := f.For(file)
		if got != want || ok != (want != nil) {
			t.Errorf("For(%s) = %p, %t; want %p", file, got, ok, want)
		}
	}
	if _, ok := (*Folders)(nil).For("/ws/a"); ok {
		t.Error("no folders hold a file")
	}
}
