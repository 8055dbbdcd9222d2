package analysis

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

func TestAnalyzerDeclarations(t *testing.T) {
	if err := checkDeclarations(Analyzers); err != nil {
		t.Fatal(err)
	}
	graphFact := &Analyzer{Name: "g", Doc: "d", RunGraph: func(*GraphPass) any { return nil }}
	fileFact := &Analyzer{Name: "f", Doc: "d", RunFile: func(*FilePass) any { return nil }}
	code := []Code{{Name: "c", Short: "A finding."}}
	for _, tc := range []struct {
		name   string
		checks []*Analyzer
		want   string
	}{
		{"per-file check requiring a graph fact", []*Analyzer{{Name: "a", Doc: "d", Codes: code, Requires: []*Analyzer{graphFact},
			RunFile: func(*FilePass) any { return nil }}}, "reads the module graph"},
		{"a check required as a fact",
			[]*Analyzer{{Name: "a", Doc: "d", Codes: code, Requires: []*Analyzer{{Name: "b", Doc: "d", Codes: []Code{{Name: "x", Short: "X."}},
				RunGraph: func(*GraphPass) any { return nil }}}, RunGraph: func(*GraphPass) any { return nil }}}, "not a fact"},
		{"graph check requiring a per-file fact", []*Analyzer{{Name: "a", Doc: "d", Codes: code, Requires: []*Analyzer{fileFact},
			RunGraph: func(*GraphPass) any { return nil }}}, "a per-file fact"},
		{"two analyzers of one name", []*Analyzer{{Name: "a", Doc: "d", Codes: code, RunGraph: func(*GraphPass) any { return nil }},
			{Name: "a", Doc: "d", Codes: []Code{{Name: "x", Short: "X."}}, RunFile: func(*FilePass) any { return nil }}}, "two analyzers"},
		{"two run functions", []*Analyzer{{Name: "a", Doc: "d", Codes: code, RunFile: func(*FilePass) any { return nil },
			RunGraph: func(*GraphPass) any { return nil }}}, "exactly one"},
		{"a check without codes", []*Analyzer{{Name: "a", Doc: "d", RunGraph: func(*GraphPass) any { return nil }}}, "declares codes"},
		{"a fact with codes", []*Analyzer{{Name: "a", Doc: "d", Codes: code, Requires: []*Analyzer{{Name: "f", Doc: "d", Codes: code,
			RunFile: func(*FilePass) any { return nil }}}, RunFile: func(*FilePass) any { return nil }}}, "not a fact"},
		{"a code twice", []*Analyzer{{Name: "a", Doc: "d", Codes: code, RunGraph: func(*GraphPass) any { return nil }},
			{Name: "b", Doc: "d", Codes: code, RunFile: func(*FilePass) any { return nil }}}, "declared by a and b"},
		{"a short description of two sentences", []*Analyzer{{Name: "a", Doc: "d", Codes: []Code{{Name: "c", Short: "One. Two."}},
			RunFile: func(*FilePass) any { return nil }, Requires: []*Analyzer{fileFact}}}, "one sentence"},
	} {
		err := checkDeclarations(tc.checks)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// TestFilePassCannotReachTheGraph holds the per-file pass to one file:
// none of its fields leads to the workspace, the module graph or a system.
func TestFilePassCannotReachTheGraph(t *testing.T) {
	forbidden := map[reflect.Type]bool{
		reflect.TypeOf(&Workspace{}): true, reflect.TypeOf(&graph{}): true, reflect.TypeOf(&System{}): true,
		reflect.TypeOf(&Cache{}): true, reflect.TypeOf(&fileMemo{}): true, reflect.TypeOf(&GraphPass{}): true,
	}
	typ := reflect.TypeOf(FilePass{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if forbidden[f.Type] || f.Type.Kind() == reflect.Slice && forbidden[f.Type.Elem()] {
			t.Errorf("FilePass.%s (%s) reaches beyond its file", f.Name, f.Type)
		}
	}
	for _, a := range Analyzers {
		if a.Kind() == ModuleGraph {
			continue
		}
		for _, r := range factOrder([]*Analyzer{a}) {
			if r.Kind() != PerFile {
				t.Errorf("per-file %s requires graph fact %s", a.Name, r.Name)
			}
		}
	}
}

// TestFactsRunOncePerRun: a fact two checks require is computed once per
// analysis (per file, for a per-file fact; per component of systems, for a
// graph fact), and the checks read its result.
func TestFactsRunOncePerRun(t *testing.T) {
	saved := Analyzers
	defer func() { Analyzers = saved }()
	// checks of one file may run at once
	var mu sync.Mutex
	fileRuns, graphRuns := 0, 0
	fileFact := &Analyzer{Name: "count-file", Doc: "d", RunFile: func(p *FilePass) any {
		mu.Lock()
		defer mu.Unlock()
		fileRuns++
		return len(p.File.Src)
	}}
	graphFact := &Analyzer{Name: "count-graph", Doc: "d", RunGraph: func(p *GraphPass) any { graphRuns++; return len(p.Systems) }}
	var sizes []int
	mkFile := func(code string) *Analyzer {
		return &Analyzer{Name: code, Doc: "d", Codes: []Code{{Name: code, Short: "S."}}, Requires: []*Analyzer{fileFact},
			RunFile: check(func(p *FilePass) {
				n := result[int](p.ResultOf, fileFact, p.Analyzer)
				mu.Lock()
				defer mu.Unlock()
				sizes = append(sizes, n)
			})}
	}
	mkGraph := func(code string) *Analyzer {
		return &Analyzer{Name: code, Doc: "d", Codes: []Code{{Name: code, Short: "S."}}, Requires: []*Analyzer{graphFact},
			RunGraph: check(func(p *GraphPass) { result[int](p.ResultOf, graphFact, p.Analyzer) })}
	}
	Analyzers = []*Analyzer{mkFile("f1"), mkFile("f2"), mkGraph("g1"), mkGraph("g2")}
	ws := &Workspace{Files: map[string]*nixast.File{
		"/ws/a.nix": nixast.Parse("/ws/a.nix", []byte("{ a = 1; }")),
		"/ws/b.nix": nixast.Parse("/ws/b.nix", []byte("{ b = 22; }")),
		// one system, so one component
		"/ws/configuration.nix": nixast.Parse("/ws/configuration.nix", []byte("{ }")),
	}}
	c := NewCache()
	c.Analyze(ws, Config{})
	if fileRuns != 3 || graphRuns != 1 {
		t.Errorf("facts ran %d times per file set of 3 and %d times on the graph, want 3 and 1", fileRuns, graphRuns)
	}
	if len(sizes) != 6 {
		t.Errorf("per-file checks read %v, want 6 results", sizes)
	}
	// Unchanged files keep their findings: nothing runs again.
	c.Analyze(ws, Config{})
	if fileRuns != 3 || graphRuns != 1 {
		t.Errorf("second run of the same workspace ran the facts again: %d, %d", fileRuns, graphRuns)
	}
	// A fact whose checks are all disabled does not run.
	NewCache().Analyze(ws, Config{Disabled: map[string]bool{"f1": true, "f2": true, "g1": true, "g2": true}})
	if fileRuns != 3 || graphRuns != 1 {
		t.Errorf("facts of disabled checks ran: %d, %d", fileRuns, graphRuns)
	}
	// A graph fact that the checks requiring it do not read does not run:
	// they read most only once they have something to report.
	Analyzers = []*Analyzer{{Name: "g3", Doc: "d", Codes: []Code{{Name: "g3", Short: "S."}}, Requires: []*Analyzer{graphFact},
		RunGraph: check(func(p *GraphPass) {})}}
	NewCache().Analyze(ws, Config{})
	if graphRuns != 1 {
		t.Errorf("a graph fact nothing read ran: %d runs, want 1", graphRuns)
	}
}
