package analysis

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// TestSummariesMatchTrees: a workspace whose files went through Prepare
// (most of them kept as summaries, without their tree) gets the findings,
// systems and module elements of the same workspace with every tree, also
// with checks disabled first and enabled later (their findings were
// computed at Prepare), and after an edit that makes a summary part of a
// module graph. The files are parsed as the index parses them, into one
// TreeArena whose next parses take the memory of every tree Prepare
// summarized: a summary or memo that kept a node would read another file's.
func TestSummariesMatchTrees(t *testing.T) {
	fixtures, _ := filepath.Glob("../testdata/analysis/*.txtar")
	if len(fixtures) == 0 {
		t.Fatal("no fixtures")
	}
	summaries := 0
	var arena nixast.TreeArena
	for _, fx := range fixtures {
		full, _ := loadFixture(t, fx)
		c := NewCache()
		files := map[string]*nixast.File{}
		paths := make([]string, 0, len(full.Files))
		for p, f := range full.Files {
			// Prepare sees what the index reads from disk: a fresh parse.
			files[p] = c.PrepareSource(&arena, p, append([]byte(nil), f.Src...))
			if IsSummary(files[p]) {
				summaries++
			}
			paths = append(paths, p)
		}
		sort.Strings(paths)
		ws := c.Workspace(files, nil)
		ws.Exists, ws.Microvm, ws.AbsentInputs, ws.Options, ws.Sources = full.Exists, full.Microvm, full.AbsentInputs, full.Options, full.Sources
		name := filepath.Base(fx)
		some := Config{Disabled: map[string]bool{CodeUnusedBinding: true}}
		if got, want := encode(c.Analyze(ws, some)), encode(Analyze(full, some)); got != want {
			t.Errorf("%s: with a check disabled, summaries give\n %s\nwant\n %s", name, got, want)
		}
		if got, want := encode(c.Analyze(ws, Config{})), encode(Analyze(full, Config{})); got != want {
			t.Errorf("%s: summaries give\n %s\nwant\n %s", name, got, want)
		}
		if got, want := encode(c.Systems(ws)), encode(Systems(full)); got != want {
			t.Errorf("%s: systems of summaries\n %s\nwant\n %s", name, got, want)
		}
		for _, p := range paths {
			elems, err := c.ElementTargetsIn(context.Background(), ws, p)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := encode(elems), encode(ElementTargetsIn(full, p)); got != want {
				t.Errorf("%s: elements of %s from summaries\n %s\nwant\n %s", name, p, got, want)
			}
			if got := ws.Tree(p); IsSummary(got) || string(got.Src) != string(full.Files[p].Src) {
				t.Errorf("%s: Tree(%s) is not the file's tree", name, p)
			}
		}
		// A new root that imports every other file: the graph parses the
		// summaries again.
		var imports string
		for _, p := range paths {
			imports += " " + p
		}
		edited, editedFull := map[string]*nixast.File{}, map[string]*nixast.File{}
		for p := range files {
			edited[p], editedFull[p] = files[p], full.Files[p]
		}
		root := nixast.Parse("/ws/zz-root.nix", []byte("{ nixpkgs, microvm, ... }: { nixosConfigurations.all = nixpkgs.lib.nixosSystem { modules = ["+imports+" ]; }; }\n"))
		edited[root.Name], editedFull[root.Name] = root, root
		if got, want := encode(c.Analyze(c.Workspace(edited, nil), Config{})), encode(Analyze(&Workspace{Files: editedFull}, Config{})); got != want {
			t.Errorf("%s: with a root over every file, summaries give\n %s\nwant\n %s", name, got, want)
		}
	}
	if summaries == 0 {
		t.Fatal("no file was kept as a summary: the test compares nothing")
	}
}
