package analysis

import (
	"fmt"
	"strings"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// The check API, after golang.org/x/tools/go/analysis. A check is an
// Analyzer value: it declares the codes it reports, its documentation,
// whether it reads one file or the module graph, and the analyzers whose
// results it reads. An analyzer without codes is a fact: its Run returns a
// result that the driver computes once per run (per file for a per-file
// fact) and hands to every analyzer that requires it, as ResultOf.

// Code is a finding code an Analyzer reports.
type Code struct {
	Name string // stable: settings, suppression comments and docs/diagnostics.md name it
	// Short is one sentence saying what a finding of the code means: the
	// SARIF rule's short description.
	Short string
}

// Kind says what an Analyzer reads.
type Kind int

const (
	// PerFile analyzers read one file: their findings in a file depend on
	// that file alone and are kept while it is unchanged.
	PerFile Kind = iota + 1
	// ModuleGraph analyzers read the workspace and its systems.
	ModuleGraph
)

// Analyzer is one check, or one fact that checks share.
type Analyzer struct {
	Name string
	// Doc is a paragraph on what the analyzer reports and why: the full
	// description of each of its codes.
	Doc string
	// Codes are the codes its findings carry; none for a fact.
	Codes []Code
	// Requires are the facts whose results it reads from ResultOf, of its
	// own Kind: a per-file analyzer cannot require the module graph.
	Requires []*Analyzer
	// Exactly one of RunFile and RunGraph is set: it says the Kind. A
	// check reports through the pass and returns nil; a fact returns its
	// result.
	RunFile  func(*FilePass) any
	RunGraph func(*GraphPass) any
}

// Kind returns what the analyzer reads.
func (a *Analyzer) Kind() Kind {
	if a.RunFile != nil {
		return PerFile
	}
	return ModuleGraph
}

// enabled reports whether some code of a check is enabled.
func (a *Analyzer) enabled(cfg Config) bool {
	for _, c := range a.Codes {
		if !cfg.Disabled[c.Name] {
			return true
		}
	}
	return false
}

// check adapts a check's run function, which has no result.
func check[P any](run func(P)) func(P) any {
	return func(p P) any { run(p); return nil }
}

// FilePass is what a per-file analyzer's RunFile gets: one file, the
// results of the per-file facts it requires on that file, and a way to
// report findings. It has no way to reach other files or the module graph.
type FilePass struct {
	Analyzer *Analyzer
	Path     string       // the file's key in the workspace
	File     *nixast.File // with its tree, also for a summary
	// ResultOf holds the result of each required fact on this file.
	ResultOf map[*Analyzer]any

	names      func() *scope.Scopes
	badIgnores []Finding // the unknown codes of the file's suppression comments
	findings   []Finding
	seen       map[string]bool
}

// Names returns the file's resolved names: resolved once per file version
// and shared with the editor features, like the tree itself.
func (p *FilePass) Names() *scope.Scopes { return p.names() }

// Report adds a finding in the pass' file, once per code and range.
func (p *FilePass) Report(f Finding) {
	p.findings, p.seen = report(p.findings, p.seen, f)
}

// workspace is the pass' file alone, as the fix helpers read it.
func (p *FilePass) workspace() *Workspace {
	return &Workspace{Files: map[string]*nixast.File{p.Path: p.File}}
}

// GraphPass is what a module-graph analyzer's RunGraph gets: the
// workspace, its systems, the results of the facts it requires, and a way
// to report findings.
type GraphPass struct {
	Analyzer  *Analyzer
	Workspace *Workspace
	Systems   []*System
	// ResultOf holds the result of each required fact, computed once per
	// run of the graph checks.
	ResultOf map[*Analyzer]any

	graph    *graph
	wfacts   *workspaceFacts // what the checks read of the whole workspace
	others   []*System       // systems of other classes this pass checks (allSystems)
	findings []Finding
	seen     map[string]bool
	about    map[string]int // findings that name their systems, by code, range and message (checks_roles.go)
}

// Report adds a finding, once per code and range.
func (p *GraphPass) Report(f Finding) {
	p.findings, p.seen = report(p.findings, p.seen, f)
}

func report(list []Finding, seen map[string]bool, f Finding) ([]Finding, map[string]bool) {
	key := fmt.Sprintf("%s|%s|%d|%d", f.Code, f.File, f.Pos, f.End)
	if seen == nil {
		seen = map[string]bool{}
	}
	if seen[key] {
		return list, seen
	}
	seen[key] = true
	return append(list, withPreferred(f)), seen
}

// withPreferred marks the first fix of a finding preferred when none is:
// an editor's quick fix and `check --fix` take exactly one.
func withPreferred(f Finding) Finding {
	for _, fx := range f.Fixes {
		if fx.Preferred {
			return f
		}
	}
	if len(f.Fixes) > 0 {
		f.Fixes = append([]Fix(nil), f.Fixes...)
		f.Fixes[0].Preferred = true
	}
	return f
}

// result returns the result of a required fact; requiring it is part of
// the analyzer's declaration, so a missing one is a programming error.
func result[T any](resultOf map[*Analyzer]any, fact *Analyzer, user *Analyzer) T {
	r, ok := resultOf[fact]
	if !ok {
		panic(fmt.Sprintf("analyzer %s reads fact %s without requiring it", user.Name, fact.Name))
	}
	if l, ok := r.(*lazyFact); ok {
		r = l.get()
	}
	return r.(T)
}

// factOrder returns the facts that checks require, transitively, each
// after the facts it requires itself.
func factOrder(checks []*Analyzer) []*Analyzer {
	var out []*Analyzer
	seen := map[*Analyzer]bool{}
	var visit func(a *Analyzer)
	visit = func(a *Analyzer) {
		for _, r := range a.Requires {
			if !seen[r] {
				seen[r] = true
				visit(r)
				out = append(out, r)
			}
		}
	}
	for _, a := range checks {
		visit(a)
	}
	return out
}

// validate reports what is wrong with a declaration.
func (a *Analyzer) validate(isCheck bool) error {
	if a.Name == "" || a.Doc == "" {
		return fmt.Errorf("analyzer %q: a name and a doc are required", a.Name)
	}
	if (a.RunFile == nil) == (a.RunGraph == nil) {
		return fmt.Errorf("analyzer %s: exactly one of RunFile and RunGraph must be set", a.Name)
	}
	if isCheck != (len(a.Codes) > 0) {
		return fmt.Errorf("analyzer %s: a check declares codes, a fact none", a.Name)
	}
	for _, c := range a.Codes {
		s := strings.TrimSpace(c.Short)
		if c.Name == "" || s == "" || !strings.HasSuffix(s, ".") || strings.Contains(strings.TrimSuffix(s, "."), ". ") {
			return fmt.Errorf("analyzer %s: code %q needs a short description of one sentence", a.Name, c.Name)
		}
	}
	for _, r := range a.Requires {
		if len(r.Codes) > 0 {
			return fmt.Errorf("analyzer %s requires %s, which is a check, not a fact", a.Name, r.Name)
		}
		if a.Kind() == PerFile && r.Kind() != PerFile {
			return fmt.Errorf("per-file analyzer %s requires %s, which reads the module graph", a.Name, r.Name)
		}
		if a.Kind() == ModuleGraph && r.Kind() != ModuleGraph {
			// the driver computes a graph check's facts on the graph
			return fmt.Errorf("graph analyzer %s requires %s, a per-file fact", a.Name, r.Name)
		}
	}
	return nil
}

// checkDeclarations validates every check and every fact they require,
// and that no code or name is declared twice.
func checkDeclarations(checks []*Analyzer) error {
	codes := map[string]string{}
	for _, a := range checks {
		if err := a.validate(true); err != nil {
			return err
		}
		for _, c := range a.Codes {
			if other, dup := codes[c.Name]; dup {
				return fmt.Errorf("code %s is declared by %s and %s", c.Name, other, a.Name)
			}
			codes[c.Name] = a.Name
		}
	}
	names := map[string]bool{}
	for _, a := range append(append([]*Analyzer(nil), checks...), factOrder(checks)...) {
		if names[a.Name] {
			// the cache keeps each file's findings by analyzer name
			return fmt.Errorf("two analyzers are named %s", a.Name)
		}
		names[a.Name] = true
	}
	for _, f := range factOrder(checks) {
		if err := f.validate(false); err != nil {
			return err
		}
	}
	return nil
}

// fileFacts are the per-file facts of one file version, each computed
// once, when the first check that requires it runs: checks of one file may
// run at once, and one that requires no fact need not wait for them.
type fileFacts struct {
	path    string
	file    *nixast.File
	names   func() *scope.Scopes
	results map[*Analyzer]*factResult // filled before use: read only after
}

type factResult struct {
	once sync.Once
	v    any
}

func newFileFacts(facts []*Analyzer, path string, f *nixast.File, names func() *scope.Scopes) *fileFacts {
	ff := &fileFacts{path: path, file: f, names: names, results: make(map[*Analyzer]*factResult, len(facts))}
	for _, fa := range facts {
		ff.results[fa] = &factResult{}
	}
	return ff
}

// resultsFor returns the results of the facts a requires, computing those
// not yet computed.
func (ff *fileFacts) resultsFor(a *Analyzer) map[*Analyzer]any {
	if len(a.Requires) == 0 {
		return nil // most checks: an empty map per check and file was 4% of indexing's allocation
	}
	out := make(map[*Analyzer]any, len(a.Requires))
	for _, fa := range a.Requires {
		r := ff.results[fa]
		r.once.Do(func() {
			r.v = fa.RunFile(&FilePass{Analyzer: fa, Path: ff.path, File: ff.file, ResultOf: ff.resultsFor(fa), names: ff.names})
		})
		out[fa] = r.v
	}
	return out
}

// runGraphFacts returns the facts checks require on systems (a component
// of the graph), each computed on its first read (result): the checks read
// most of them only once they have something to report (which systems
// read a place, for a fix), and a keystroke in a module that 200 systems
// import spent 7% of its time indexing readers that nothing read.
func runGraphFacts(facts []*Analyzer, ws *Workspace, g *graph, wf *workspaceFacts, systems []*System) map[*Analyzer]any {
	out := make(map[*Analyzer]any, len(facts))
	for _, fa := range facts {
		out[fa] = &lazyFact{run: func() any {
			return fa.RunGraph(&GraphPass{Analyzer: fa, Workspace: ws, Systems: systems, ResultOf: out, graph: g, wfacts: wf})
		}}
	}
	return out
}

// lazyFact is a graph fact's result, computed on first need.
type lazyFact struct {
	once sync.Once
	run  func() any
	v    any
}

func (l *lazyFact) get() any {
	l.once.Do(func() { l.v, l.run = l.run(), nil })
	return l.v
}
