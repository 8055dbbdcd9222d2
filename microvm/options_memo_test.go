package microvm

import (
	"fmt"
	"testing"
)

// TestFactsMemo: what Facts derive once (HostOnly, Enums, Walk) is what a
// scan of the whole index gives on each call.
func TestFactsMemo(t *testing.T) {
	f := Embedded()
	names := map[string]bool{"nonexistent": true}
	var enums []EnumOption
	for i := range f.Index.Options {
		o := &f.Index.Options[i]
		if len(o.Loc) >= 2 && o.Loc[0] == "microvm" {
			names[o.Loc[1]] = true
		}
		if v := f.EnumValues(o.Name); len(v) > 0 {
			enums = append(enums, EnumOption{Option: o, Values: v})
		}
	}
	hostOnly := 0
	for name := range names {
		host, guest := false, false
		for j := range f.Index.Options {
			o := &f.Index.Options[j]
			if len(o.Loc) < 2 || o.Loc[0] != "microvm" || o.Loc[1] != name || len(o.Declarations) == 0 {
				continue
			}
			if ModuleOf(o) == ModHost {
				host = true
			} else {
				guest = true
			}
		}
		if got, want := f.HostOnly(name), host && !guest; got != want {
			t.Errorf("HostOnly(%q) = %v, want %v", name, got, want)
		}
		if host && !guest {
			hostOnly++
		}
	}
	if hostOnly == 0 || len(enums) == 0 {
		t.Fatalf("%d host-only names and %d enums: the index was not read", hostOnly, len(enums))
	}
	if got, want := fmt.Sprint(f.Enums()), fmt.Sprint(enums); got != want {
		t.Errorf("Enums() = %s\nwant %s", got, want)
	}
	for round := range 2 { // the second from the memo
		for i := range f.Index.Options {
			loc := f.Index.Options[i].Loc
			for _, path := range [][]string{loc, append(append([]string{}, loc...), "x"), loc[:1]} {
				if got, want := f.Walk(path), f.walk(path); got != want {
					t.Fatalf("round %d: Walk(%q) = %+v, want %+v", round, path, got, want)
				}
			}
		}
	}
}
