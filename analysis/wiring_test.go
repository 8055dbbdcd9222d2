package analysis

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestWiringSystems checks the systems each wiring-*.txtar fixture
// declares in its comment, one line per system:
//
//	system: NAME WIRING ROLE CLOSURE [kind=KIND] [guest=VM:ROLE ...]
//
// ROLE is host, guest, both or none (the microvm.nix modules imported),
// CLOSURE complete or partial; a guest's ROLE is ? when it is not known.
// KIND is darwin or home for a nix-darwin system or a home-manager
// configuration.
// The systems found (but the VMs nested in them) must be exactly those.
func TestWiringSystems(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "analysis", "wiring-*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no wiring fixtures: %v", err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for _, line := range strings.Split(string(ar.Comment), "\n") {
				rest, ok := strings.CutPrefix(line, "system: ")
				if !ok {
					continue
				}
				f := strings.Fields(rest)
				if len(f) < 4 {
					t.Fatalf("bad system line %q", line)
				}
				want[f[0]] = strings.Join(f[1:], " ")
			}
			if len(want) == 0 {
				t.Fatal("the fixture lists no system: line")
			}
			ws, _ := loadFixture(t, path)
			got := map[string]string{}
			for _, s := range Systems(ws) {
				if s.Parent != "" || s.Template {
					continue
				}
				closure := "complete"
				if s.Unknown {
					closure = "partial"
				}
				d := []string{s.Wiring, s.Imports, closure}
				if s.Kind == KindDarwin || s.Kind == KindHome {
					d = append(d, "kind="+s.Kind)
				}
				var guests []string
				for _, g := range s.Guests {
					role := g.Imports
					if role == "" {
						role = "?"
					}
					guests = append(guests, "guest="+g.Name+":"+role)
				}
				sort.Strings(guests)
				got[s.Name] = strings.Join(append(d, guests...), " ")
			}
			for n, w := range want {
				if got[n] != w {
					t.Errorf("system %s: got %q, want %q", n, got[n], w)
				}
			}
			for n, g := range got {
				if _, ok := want[n]; !ok {
					t.Errorf("unexpected system %s: %s", n, g)
				}
			}
		})
	}
}
