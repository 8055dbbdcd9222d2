package analysis

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"unsafe"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// TestCacheMatchesFreshAnalysis edits every file of every fixture, one at a
// time, in ways that keep or break what the graph sees, and checks that an
// analysis through a warm Cache equals a fresh one.
func TestCacheMatchesFreshAnalysis(t *testing.T) {
	fixtures, _ := filepath.Glob("../testdata/analysis/*.txtar")
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	edits := []func([]byte) []byte{
		func(src []byte) []byte { return append(append([]byte(nil), src...), "\n# edited\n"...) },
		func(src []byte) []byte { return []byte("{ }\n") },
		func(src []byte) []byte {
			return []byte("{ nixpkgs, microvm, ... }: { nixosConfigurations.extra = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host microvm.nixosModules.microvm ]; }; }\n")
		},
	}
	for _, fx := range fixtures {
		ws, _ := loadFixture(t, fx)
		c := NewCache()
		c.Analyze(ws, Config{})
		c.Systems(ws)
		paths := make([]string, 0, len(ws.Files))
		for p := range ws.Files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for k, p := range paths {
			for i, edit := range edits {
				if testing.Short() && i != k%len(edits) {
					// -short is the race detector's run: each file gets one
					// of the edits, in turn, and every edit some file.
					continue
				}
				files := map[string]*nixast.File{}
				for k, v := range ws.Files {
					files[k] = v
				}
				files[p] = nixast.Parse(p, edit(ws.Files[p].Src))
				next := &Workspace{Files: files, Exists: ws.Exists}
				got := encode(c.Analyze(next, Config{}))
				want := encode(Analyze(next, Config{}))
				if got != want {
					t.Errorf("%s: edit %d of %s: cached analysis differs from a fresh one:\n got  %s\n want %s", filepath.Base(fx), i, p, got, want)
				}
				if gs, ws := encode(c.Systems(next)), encode(Systems(next)); gs != ws {
					t.Errorf("%s: edit %d of %s: cached systems differ:\n got  %s\n want %s", filepath.Base(fx), i, p, gs, ws)
				}
				// Back to the original, through the same cache.
				c.Analyze(ws, Config{})
			}
		}
	}
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestGraphRescansOnlyAffectedRoots: an edit to a module that one of two
// flakes imports scans that flake again and reuses the other.
func TestGraphRescansOnlyAffectedRoots(t *testing.T) {
	flake := func(mod string) string {
		return `{
  inputs.microvm.url = "github:microvm-nix/microvm.nix";
  outputs = { nixpkgs, microvm, ... }: {
    nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host ./` + mod + ` ]; };
  };
}
`
	}
	src := map[string]string{
		"/ws/a/flake.nix": flake("m.nix"), "/ws/a/m.nix": "{ boot.loader.grub.device = \"/dev/sda\"; }\n",
		"/ws/b/flake.nix": flake("n.nix"), "/ws/b/n.nix": "{ networking.hostName = \"b\"; }\n",
	}
	ws := &Workspace{Files: map[string]*nixast.File{}}
	for p, s := range src {
		ws.Files[p] = nixast.Parse(p, []byte(s))
	}
	c := NewCache()
	c.Analyze(ws, Config{})
	if c.graph.rescanned != 2 {
		t.Fatalf("first analysis scanned %d roots, want 2", c.graph.rescanned)
	}
	files := map[string]*nixast.File{}
	for k, v := range ws.Files {
		files[k] = v
	}
	files["/ws/a/m.nix"] = nixast.Parse("/ws/a/m.nix", []byte("{ imports = [ microvm.nixosModules.microvm ]; boot.loader.grub.device = \"/dev/sda\"; }\n"))
	next := &Workspace{Files: files}
	got := encode(c.Analyze(next, Config{}))
	if c.graph.rescanned != 1 {
		t.Errorf("an edit of a/m.nix scanned %d roots, want 1", c.graph.rescanned)
	}
	if want := encode(Analyze(next, Config{})); got != want {
		t.Errorf("incremental analysis differs:\n got  %s\n want %s", got, want)
	}
}

// Systems describes a system once while it is kept: the same graph asked
// again gets the same answer; after an edit, the system of the other flake
// keeps its info, and the edited one is described anew; what the infos
// read besides the systems (here the workspace's root) changing describes
// them all anew. Each answer is the one a fresh Systems gives.
func TestSystemsKeepInfos(t *testing.T) {
	flake := func(mod string) string {
		return "{ outputs = { nixpkgs, microvm, ... }: { nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ microvm.nixosModules.host ./" + mod + " ]; }; }; }\n"
	}
	files := map[string]*nixast.File{}
	for p, s := range map[string]string{
		"/ws/a/flake.nix": flake("m.nix"), "/ws/a/m.nix": "{ }\n",
		"/ws/b/flake.nix": flake("n.nix"), "/ws/b/n.nix": "{ }\n",
	} {
		files[p] = nixast.Parse(p, []byte(s))
	}
	byFile := func(infos []*SystemInfo) map[string]*SystemInfo {
		out := map[string]*SystemInfo{}
		for _, si := range infos {
			out[si.File] = si
		}
		return out
	}
	c := NewCache()
	ws := &Workspace{Files: files}
	first := c.Systems(ws)
	if again := c.Systems(ws); len(first) != 2 || &again[0] != &first[0] {
		t.Fatalf("%d systems; the same graph asked again made a new answer", len(first))
	}
	edited := maps.Clone(files)
	edited["/ws/a/m.nix"] = nixast.Parse("/ws/a/m.nix", []byte("{ imports = [ microvm.nixosModules.microvm ]; }\n"))
	next := &Workspace{Files: edited}
	before, after := byFile(first), byFile(c.Systems(next))
	if after["/ws/b/flake.nix"] != before["/ws/b/flake.nix"] || after["/ws/a/flake.nix"] == before["/ws/a/flake.nix"] {
		t.Error("after an edit of a/m.nix, b's system was described anew, or a's was not")
	}
	if got, want := encode(c.Systems(next)), encode(Systems(next)); got != want {
		t.Errorf("systems after the edit:\n got  %s\n want %s", got, want)
	}
	rooted := &Workspace{Files: edited, Root: "/ws"}
	if byFile(c.Systems(rooted))["/ws/b/flake.nix"] == after["/ws/b/flake.nix"] {
		t.Error("with another root, b's info was kept")
	}
	if got, want := encode(c.Systems(rooted)), encode(Systems(rooted)); got != want {
		t.Errorf("systems with a root:\n got  %s\n want %s", got, want)
	}
}

// TestScanFindsEachFact checks that the search that lets scan skip a file
// never skips one that holds a fact: each alone in a file.
func TestScanFindsEachFact(t *testing.T) {
	for _, tc := range []struct {
		src      string
		roots    bool
		relPaths int
		ignores  int
	}{
		{"{ x = lib.nixosSystem { }; }", true, 0, 0},
		{"{ nixosConfigurations = { }; }", true, 0, 0},
		{"{ imports = [ ./hosts/configuration.nix ]; }", false, 1, 0},
		{"{\n  # microvm-lsp: ignore unused-binding\n  x = 1;\n}", false, 0, 1},
		{"{ x = \"nixosSystem\"; y = /etc/configuration.nix; } # microvm-lsp ignore", false, 0, 0},
	} {
		m := &fileMemo{}
		m.scan(nixast.Parse("/ws/default.nix", []byte(tc.src)))
		if m.hasRoots != tc.roots || len(m.relPaths) != tc.relPaths || len(m.ignores) != tc.ignores {
			t.Errorf("%q: roots %v, %d relative paths, %d ignore comments; want %v, %d, %d",
				tc.src, m.hasRoots, len(m.relPaths), len(m.ignores), tc.roots, tc.relPaths, tc.ignores)
		}
	}
}

// TestMemosShareCheckSets: files that ran the same checks share one set of
// their names, and a file without findings keeps no map of them; a file with
// findings keeps those, and its later analysis reports them again.
func TestMemosShareCheckSets(t *testing.T) {
	files := map[string]*nixast.File{}
	for i := range 50 {
		p := filepath.Join("/ws", "m"+string(rune('a'+i%26))+string(rune('a'+i/26))+".nix")
		files[p] = nixast.Parse(p, []byte("{ lib, ... }: { a = lib.mkDefault 1; }\n"))
	}
	bad := "/ws/bad.nix"
	files[bad] = nixast.Parse(bad, []byte("{ x = let unused = 1; in 2; }\n"))
	ws := &Workspace{Files: files}
	c := NewCache()
	first := encode(c.Analyze(ws, Config{}))
	var shared *checkSet
	for p, f := range files {
		m := c.files[f]
		if m == nil || m.ran.len() == 0 {
			t.Fatalf("%s: no checks ran", p)
		}
		if shared == nil {
			shared = m.ran
		} else if m.ran != shared {
			t.Errorf("%s: a set of checks of its own", p)
		}
		if p == bad {
			if len(m.found) == 0 {
				t.Errorf("%s: its findings were not kept", p)
			}
		} else if m.found != nil {
			t.Errorf("%s: a map of findings for a file without any: %v", p, m.found)
		}
	}
	for _, a := range Analyzers {
		if a.Kind() == PerFile && !shared.has(a.Name) {
			t.Errorf("check %s is not in the set", a.Name)
		}
	}
	if again := encode(c.Analyze(ws, Config{})); again != first || !strings.Contains(again, "unused") {
		t.Errorf("analysis from the memos differs or lost the finding:\n got  %s\n want %s", again, first)
	}
}

// The key of the systems of other classes is made again only when they
// change, and is always theirs.
func TestOthersKeyFollowsOthers(t *testing.T) {
	c := NewCache()
	a, b := &System{id: 1}, &System{id: 2}
	first := c.othersKey([]*System{a, b})
	if first != "others:"+componentKey([]*System{a, b}) {
		t.Fatalf("key %q", first)
	}
	if again := c.othersKey([]*System{a, b}); unsafe.StringData(again) != unsafe.StringData(first) {
		t.Error("the same systems' key was made again")
	}
	if fewer := c.othersKey([]*System{a}); fewer != "others:"+componentKey([]*System{a}) {
		t.Errorf("after a change, key %q", fewer)
	}
}

// TestEditsKeepTheHeapFlat: a session of keystrokes in a module that 200
// systems import keeps what one keystroke needs, not every version since:
// a derived set of components once held every set before it, and their
// systems (0.65 MB a keystroke here).
func TestEditsKeepTheHeapFlat(t *testing.T) {
	ws := sharedModuleWorkspace(200, 300)
	c := NewCache()
	if _, err := c.AnalyzeFiles(context.Background(), ws, Config{}); err != nil {
		t.Fatal(err)
	}
	path := "/ws/shared.nix"
	src := string(ws.Files[path].Src)
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	edits := 160
	if testing.Short() {
		edits = 80
	}
	var before uint64
	for i := range edits {
		text := src
		if i%2 == 0 {
			text = src[:10] + " " + src[10:]
		}
		next := &Workspace{Files: ws.Files, Open: map[string]*nixast.File{path: nixast.Parse(path, []byte(text))}}
		if _, err := c.AnalyzeFiles(context.Background(), next, Config{}); err != nil {
			t.Fatal(err)
		}
		if i == 10 {
			before = live()
		}
	}
	after := live()
	runtime.KeepAlive(c) // what it holds is what is measured
	if after > before+16<<20 {
		t.Errorf("live heap %.1f MB after 10 keystrokes, %.1f MB after %d", float64(before)/1e6, float64(after)/1e6, edits)
	}
}
