package analysis

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/microvm-lsp/microvm-lsp/modsys"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Hop is one step of an import chain: the element that brought a module in.
type Hop struct {
	File string
	Pos  int
	End  int
}

// ModElem is one element of a module list in a system's closure.
type ModElem struct {
	File     string
	Node     nixast.Expr
	Pos, End int
	Cond     string   // the condition text when conditional
	Which    string   // ModHost, ModMicrovm, ModOptions, or "" for other modules
	Unknown  bool     // could not be resolved
	Implicit bool     // the guest module a host injects into microvm.vms.<n>.config
	Via      []Hop    // the elements that brought in the module holding this one
	bad      *badElem // a value that cannot be a module (checks_module.go)
}

// OptDef is a definition of a microvm.* option in a module of a system.
type OptDef struct {
	Path    []string // full attribute path, starting with "microvm"
	File    string
	Binding *nixast.AttrAssign
	Pos     int // range of the binding's attribute path
	End     int
	Via     []Hop
	// Computed is the value the evaluator gives a definition that is not
	// a literal, when it knows it (computed.go); nil otherwise.
	Computed *string
}

// setRef is an attribute set literal in a file.
type setRef struct {
	File string
	Set  *nixast.AttrSet
}

// System is one NixOS system and what its module closure holds.
type System struct {
	Name          string
	Kind          string // "nixos", "vm", "container", "configuration"; "darwin", "home" (wiring_classes.go)
	File          string
	Pos           int
	Elems         []*ModElem
	Defs          []*OptDef
	Unknown       bool // some module could not be resolved
	Opaque        bool // a config or microvm value is not a literal: any microvm.* option may be set
	GuestDisabled bool
	BareMetal     bool
	MicrovmSets   []setRef  // `microvm = { ... }` sets in its modules
	GuestEnable   []*OptDef // definitions of microvm.guest.enable
	FirstSet      *setRef   // the first attribute-set module
	Parent        *System
	named         bool // named by nixosConfigurations.<name>
	template      bool // declared in a function's body: each application makes a system
	// Fork is set when a microvm.nix module comes from a fork: the checks
	// of option values (which the fork may have changed) skip the system.
	Fork bool
	// Autostart holds the known names of microvm.autostart.
	Autostart []string
	// Wiring names how the system is built: "nixosSystem", "flake-parts",
	// "snowfall", "colmena", "clan", "digga", "flake-utils-plus",
	// "easy-hosts", "ez-configs", "readDir", "haumea", "configuration",
	// or "vm" / "container" for nested systems.
	Wiring string
	// UnknownAt holds the module elements (or lists) that could not be
	// followed: why the closure is partial.
	UnknownAt []Hop

	visited  map[string]bool
	modSets  map[*nixast.AttrSet]modRead // the module sets read, with how the first read reached them
	args     *attrsV
	children []*childPart

	// The system's optView, built on first use. A system is kept from one
	// graph to the next while its root reads no changed file, and so is its
	// view: an edit to one host does not make the others' views again.
	viewOnce sync.Once
	view     *optView
}

type childPart struct {
	kind, name string
	config     *thunkExpr
	parts      []childConfigPart // config.<path> = value bindings
	extra      *thunkExpr
	special    *thunkExpr
	via        []Hop
	file       string
	pos        int
}

// childConfigPart is a binding below vms.<n>.config, read as a module of
// its own: set holds the binding with the names up to config cut off.
type childConfigPart struct {
	set  *nixast.AttrSet
	env  *env
	file string
}

type thunkExpr struct {
	x    nixast.Expr
	env  *env
	file string
}

// Has reports whether the closure holds the module which.
func (s *System) Has(which string) bool {
	for _, e := range s.Elems {
		if e.Which == which {
			return true
		}
	}
	return false
}

type graph struct {
	template int // scanning the body of a function: systems found are templates
	ev       *evaluator
	ws       *Workspace
	systems  []*System
	others   []*System // systems of other classes: nix-darwin, home-manager (wiring_classes.go)
	root     string    // directory holding every file, for short names in messages
	rootOnce sync.Once // root is found on first need, by whichever reader comes first

	roots     map[string]*rootScan // by "scan:"+file or "config:"+file
	skip      []string             // files that are no NixOS system though they look like one
	rescanned int                  // roots scanned rather than reused from old
	scanned   int                  // roots scanned, not taken from old or a stopped build
	alsoReads map[string]bool      // files a scan depends on beyond what it evaluates (outputsSystems)

	idx  *pathIndex      // the paths and the files' scan facts, kept by a rebuild (paths.go)
	refd map[string]bool // files named by a relative configuration.nix path

	// What the systems read, as unions over the roots: the files some
	// system other than a lone module's is declared in or visits
	// (inSystem), and those a system other than a configuration.nix
	// visits (visited). A rebuild whose rescanned roots yield the same
	// sets keeps the last graph's, so that an edit does not walk every
	// system's closure.
	inSystem, visited map[string]bool
	// readsID is new when what the roots read differs from the last
	// graph's (Cache.sweepTrees).
	readsID *byte

	// The components of systems (components), found on first use; a
	// rebuild whose systems each read what the one it replaces read
	// derives them from the last graph's when those were found.
	compsOnce sync.Once
	comps     atomic.Pointer[[][]*System]
	compsFrom *derivableComps
	derived   bool // the components were derived from the last graph's
}

// derivableComps are the last graph's components, and which of its
// systems the new graph replaces by which.
type derivableComps struct {
	systems []*System
	comps   [][]*System
	sub     map[*System]*System
}

// buildGraph finds the systems of the workspace and their module closures.
// memos (may be nil) holds per-file facts: only files that mention
// nixosSystem or nixosConfigurations are scanned for systems; the evaluation
// still follows imports and helper functions into any file.
func buildGraph(ws *Workspace, memos *memoSet) *graph {
	g, _ := rebuildGraph(context.Background(), ws, memos, nil, nil, nil)
	return g
}

// stoppedBuild is a graph whose build was stopped, and the files changed
// since: a build of a later state takes over its roots that read none of
// them.
type stoppedBuild struct {
	g       *graph
	changed map[string]bool
}

// rootScan is what scanning one root (a file that declares systems, or a
// lone configuration.nix) produced, and every file that scan read.
type rootScan struct {
	systems []*System
	reads   map[string]bool
	skip    []string // files the scan found are no NixOS system (a clan's darwin machine)
	// sysFiles are the files its systems are declared in or visit;
	// visited those its systems but configuration.nix ones visit.
	sysFiles, visited map[string]bool
}

// newRootScan records what a scan found: systems, and the files it read.
func newRootScan(systems []*System, reads map[string]bool, skip []string) *rootScan {
	rs := &rootScan{systems: systems, reads: reads, skip: skip, sysFiles: map[string]bool{}, visited: map[string]bool{}}
	for _, s := range systems {
		rs.sysFiles[s.File] = true
		for f := range s.visited {
			rs.sysFiles[f] = true
			if s.Kind != "configuration" {
				rs.visited[f] = true
			}
		}
	}
	return rs
}

// derivable returns what the components of a graph rebuilt from old,
// whose roots are roots, derive from: nil when old's components were not
// found, or a rescanned root's systems differ from those they replace in
// number, order, the files they claim (components) or their parents.
func derivable(old *graph, roots map[string]*rootScan, rescanned []string) *derivableComps {
	if old == nil {
		return nil
	}
	comps := old.comps.Load()
	if comps == nil {
		return nil
	}
	sub := map[*System]*System{}
	for _, k := range rescanned {
		o, n := old.roots[k], roots[k]
		if o == nil || len(o.systems) != len(n.systems) {
			return nil
		}
		for i, os := range o.systems {
			if !sameSet(claims(os), claims(n.systems[i])) {
				return nil
			}
			sub[os] = n.systems[i]
		}
	}
	for o, n := range sub {
		switch {
		case o.Parent == nil && n.Parent == nil:
		case o.Parent == nil || n.Parent == nil:
			return nil
		case n.Parent != o.Parent && sub[o.Parent] != n.Parent:
			return nil
		}
	}
	return &derivableComps{systems: old.systems, comps: *comps, sub: sub}
}

// components returns the components of the graph's systems (see
// components), found once.
func (g *graph) components() [][]*System {
	g.compsOnce.Do(func() {
		comps, ok := g.compsFrom.derive(g.systems)
		if !ok {
			comps = components(g.systems)
		}
		g.derived = ok
		g.compsFrom = nil
		g.comps.Store(&comps)
	})
	return *g.comps.Load()
}

// derive returns the last graph's components with its systems replaced,
// when systems are its systems, each the same or its replacement.
func (d *derivableComps) derive(systems []*System) ([][]*System, bool) {
	if d == nil || len(systems) != len(d.systems) {
		return nil, false
	}
	for i, s := range systems {
		if o := d.systems[i]; d.sub[o] != s && (s != o || d.sub[o] != nil) {
			return nil, false
		}
	}
	out := make([][]*System, len(d.comps))
	for i, comp := range d.comps {
		c := make([]*System, len(comp))
		for j, s := range comp {
			if n := d.sub[s]; n != nil {
				s = n
			}
			c[j] = s
		}
		out[i] = c
	}
	return out, true
}

// sameSet reports whether two sets hold the same keys.
func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// unionOf returns the union of one set of each root whose key pick accepts.
func unionOf(roots map[string]*rootScan, pick func(key string) bool, set func(*rootScan) map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k, rs := range roots {
		if pick(k) {
			for f := range set(rs) {
				out[f] = true
			}
		}
	}
	return out
}

// rebuildGraph builds the graph of ws. Roots of old whose scan read none of
// the changed files keep their systems; the others are scanned again. Each
// root is evaluated on its own, so that what it read is known exactly.
// Roots of stopped (may be nil) whose scan read none of its changed files
// are taken over as well. Once ctx ends no further root is scanned, and the
// graph is returned half built with ctx's error: its roots are whole, for a
// later build to take over; nothing else of it may be used (old is never
// written).
func rebuildGraph(ctx context.Context, ws *Workspace, memos *memoSet, old *graph, changed map[string]bool, stopped *stoppedBuild) (*graph, error) {
	if memos == nil {
		memos = memoSetOf(ws)
	}
	g := &graph{ev: newEvaluator(ws), ws: ws, roots: map[string]*rootScan{}}
	if old != nil && old.idx != nil {
		// A rebuild has the same paths (Cache.incrementalChanges): what
		// depends on them alone is kept.
		g.idx, g.refd = old.idx.derive(changed, memos), old.refd
		old.rootOnce.Do(func() { old.root = workspaceRoot(old.ws) })
		g.root = old.root
		g.rootOnce.Do(func() {})
	} else {
		files := make([]string, 0, ws.Len())
		for p := range ws.All() {
			files = append(files, p)
		}
		g.idx = newPathIndex(files, memos)
	}
	g.ev.idx = g.idx
	var rescanned []string // keys of the roots scanned again or taken from stopped
	// keptScan returns the scan of old's root key when it read no changed
	// file, else that of stopped's (taken: its systems are not old's).
	keptScan := func(key string) (rs *rootScan, taken bool) {
		if old != nil {
			if rs := old.roots[key]; rs != nil && !readsAny(rs.reads, changed) {
				return rs, false
			}
		}
		if stopped != nil {
			if rs := stopped.g.roots[key]; rs != nil && !readsAny(rs.reads, stopped.changed) {
				return rs, true
			}
		}
		return nil, false
	}
	// scanOne scans a root on on, with an evaluator of its own, and
	// returns what it found and read.
	scanOne := func(on *graph, file string, scan func(*graph)) *rootScan {
		on.ev = newEvaluator(ws)
		on.ev.idx = g.idx
		start, skipStart := len(on.systems), len(on.skip)
		scan(on)
		systems := append([]*System(nil), on.systems[start:]...)
		reads := map[string]bool{file: true}
		for p := range on.ev.fileRoots {
			reads[p] = true
		}
		for p := range on.alsoReads {
			reads[p] = true
		}
		on.alsoReads = nil
		for _, s := range systems {
			for p := range s.visited {
				reads[p] = true
			}
		}
		return newRootScan(systems, reads, append([]string(nil), on.skip[skipStart:]...))
	}
	// root scans a root on g itself, after the roots before it: its scan
	// reads the systems they found.
	root := func(key, file string, scan func(*graph)) {
		if rs, taken := keptScan(key); rs != nil {
			g.systems = append(g.systems, rs.systems...)
			g.roots[key] = rs
			g.skip = append(g.skip, rs.skip...)
			if taken {
				g.rescanned++ // other systems than old's
				rescanned = append(rescanned, key)
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		g.roots[key] = scanOne(g, file, scan)
		g.rescanned++
		g.scanned++
		rescanned = append(rescanned, key)
	}
	// roots scans roots whose scans read nothing other roots found, on
	// every core, each on a graph of its own; their systems are added in
	// the order of jobs, as root would add them one after the other.
	type rootJob struct {
		key, file string
		scan      func(*graph)
	}
	roots := func(jobs []rootJob) {
		found := make([]*rootScan, len(jobs))
		taken := make([]bool, len(jobs))
		evs := make([]*evaluator, len(jobs))
		var todo []int
		for i, j := range jobs {
			if found[i], taken[i] = keptScan(j.key); found[i] == nil {
				todo = append(todo, i)
			}
		}
		if len(todo) > 0 {
			// the short names of files in messages, found once for all
			g.rootOnce.Do(func() { g.root = workspaceRoot(g.ws) })
		}
		parallelOrPanic(len(todo), func(k int) {
			if ctx.Err() != nil {
				return // not scanned: a stopped build keeps whole roots only
			}
			i := todo[k]
			sub := &graph{ws: ws, idx: g.idx, refd: g.refd, root: g.root}
			sub.rootOnce.Do(func() {})
			found[i] = scanOne(sub, jobs[i].file, jobs[i].scan)
			evs[i] = sub.ev
		})
		for i, j := range jobs {
			rs := found[i]
			if rs == nil {
				continue // ctx ended first
			}
			g.systems = append(g.systems, rs.systems...)
			g.roots[j.key] = rs
			g.skip = append(g.skip, rs.skip...)
			if evs[i] != nil {
				g.ev = evs[i] // the last scan's evaluator, as after root
				g.rescanned++
				g.scanned++
				rescanned = append(rescanned, j.key)
			} else if taken[i] {
				g.rescanned++ // other systems than old's
				rescanned = append(rescanned, j.key)
			}
		}
	}
	// unchanged reports whether the roots that pick accepts are those of
	// old, each one scanned again with the same set as before: then what
	// the graph keeps of their union is old's.
	unchanged := func(pick func(string) bool, set func(*rootScan) map[string]bool) bool {
		if old == nil {
			return false
		}
		n := 0
		for k := range old.roots {
			if pick(k) {
				if g.roots[k] == nil {
					return false
				}
				n++
			}
		}
		for k := range g.roots {
			if pick(k) {
				n--
			}
		}
		if n != 0 {
			return false
		}
		for _, k := range rescanned {
			if pick(k) && (old.roots[k] == nil || !sameSet(set(old.roots[k]), set(g.roots[k]))) {
				return false
			}
		}
		return true
	}
	notFile := func(k string) bool { return !strings.HasPrefix(k, "file:") }
	anyRoot := func(string) bool { return true }
	sysFilesOf := func(rs *rootScan) map[string]bool { return rs.sysFiles }
	visitedOf := func(rs *rootScan) map[string]bool { return rs.visited }
	readsOf := func(rs *rootScan) map[string]bool { return rs.reads }
	var jobs []rootJob
	for _, p := range g.idx.rootFiles {
		p := p
		jobs = append(jobs, rootJob{"scan:" + p, p, func(g *graph) { g.scanRoot(p) }})
	}
	roots(jobs)
	// systems of flake outputs that are a call, which the scans above
	// did not find with their arguments (wiring_flakeparts.go)
	for _, p := range g.idx.named("flake.nix") {
		if m := memos.get(p); m != nil && m.hasRoots && outputsAreCall(ws.File(p)) {
			p := p
			root("outputs:"+p, p, func(g *graph) { g.outputsSystems(p) })
		}
	}
	// lone configuration.nix files
	if g.refd == nil {
		g.refd = g.referencedFiles(memos)
	}
	refd := g.refd
	if len(g.skip) > 0 {
		refd = make(map[string]bool, len(g.refd)+len(g.skip))
		for p := range g.refd {
			refd[p] = true
		}
		for _, p := range g.skip {
			refd[p] = true
		}
	}
	jobs = nil
	for _, p := range g.idx.configs {
		if !refd[p] {
			p := p
			jobs = append(jobs, rootJob{"config:" + p, p, func(g *graph) {
				s := g.newSystem(strings.TrimSuffix(path.Dir(p), "/"), "configuration", p, 0)
				if s.Name == "." || s.Name == "/ws" || s.Name == "" {
					s.Name = "configuration"
				}
				// clan's convention: machines/<name>/configuration.nix is machine <name>
				if dir := path.Dir(p); path.Base(path.Dir(dir)) == "machines" {
					if fl := g.flakeArgsFor(p); fl != nil && g.flakeHasInput(p, "clan") {
						s.Name, s.Wiring, s.named = path.Base(dir), "clan", true
						s.args = fl
					}
				}
				s.visited[p] = true
				if !g.module(s, g.ev.force(g.ev.fileRoot(p)), nil) {
					s.partial(p, 0, 0)
				}
				g.finish(s)
			}})
		}
	}
	roots(jobs)
	// A module that sets microvm.* but that no system reads still gets
	// the checks that need no system (removed options, invalid values):
	// it is read as a system of kind "file" of its own.
	if unchanged(notFile, sysFilesOf) && old.inSystem != nil {
		g.inSystem = old.inSystem
	} else {
		g.inSystem = unionOf(g.roots, notFile, sysFilesOf)
	}
	jobs = nil
	for _, p := range g.idx.microvmFiles {
		if g.inSystem[p] || memos.get(p).hasRoots || path.Base(p) == "flake.nix" {
			continue
		}
		p := p
		jobs = append(jobs, rootJob{"file:" + p, p, func(g *graph) {
			s := g.newSystem(p, "file", p, 0)
			s.Unknown = true // the systems that will read it are not known: no finding on what is absent
			s.Fork = g.flakeHasForkInput(p)
			s.visited[p] = true
			g.module(s, g.ev.force(g.ev.fileRoot(p)), nil)
			s.children = nil
		}})
	}
	roots(jobs)
	if err := ctx.Err(); err != nil {
		return g, err
	}
	if old != nil {
		// a module that came to be read by a system, or stopped setting
		// microvm.*, changes the findings as a rescan would
		for k := range old.roots {
			if strings.HasPrefix(k, "file:") && g.roots[k] == nil {
				g.rescanned++
			}
		}
	}
	// A configuration.nix that another system reads (a VM's module, a host
	// file imported through an expression the path scan did not see) is
	// not a system of its own.
	if unchanged(anyRoot, visitedOf) && old.visited != nil {
		g.visited = old.visited
	} else {
		g.visited = unionOf(g.roots, anyRoot, visitedOf)
	}
	read := g.visited
	if unchanged(anyRoot, readsOf) {
		g.readsID = old.readsID
	} else {
		g.readsID = new(byte)
	}
	g.compsFrom = derivable(old, g.roots, rescanned)
	// The same system reached twice (a host map scanned as a file of its
	// own and through the flake that calls it) is one system; a nameless
	// one at a call that a named system also reaches is that call seen
	// without its arguments, and goes.
	namedAt := map[Hop]bool{}
	for _, s := range g.systems {
		if topLevelKind(s.Kind) && s.Name != "?" {
			namedAt[Hop{File: s.File, Pos: s.Pos}] = true
		}
	}
	type declKey struct {
		file     string
		pos      int
		name     string
		template bool
	}
	seenDecl := map[declKey]bool{}
	dedup := g.systems[:0]
	for _, s := range g.systems {
		if topLevelKind(s.Kind) && s.Name == "?" && namedAt[Hop{File: s.File, Pos: s.Pos}] {
			continue
		}
		if topLevelKind(s.Kind) {
			k := declKey{s.File, s.Pos, s.Name, s.template}
			if seenDecl[k] {
				continue
			}
			seenDecl[k] = true
		}
		dedup = append(dedup, s)
	}
	g.systems = dropUnseenTwins(dedup)
	// A template whose function is applied somewhere is known through its
	// applications.
	applied := map[Hop]bool{}
	for _, s := range g.systems {
		if !s.template && topLevelKind(s.Kind) {
			applied[Hop{File: s.File, Pos: s.Pos}] = true
		}
	}
	kept := g.systems[:0]
	for _, s := range g.systems {
		if s.template && applied[Hop{File: s.File, Pos: s.Pos}] {
			continue
		}
		if s.Kind != "configuration" || !read[s.File] {
			kept = append(kept, s)
		}
	}
	g.systems = kept
	// named nixosConfigurations first
	rank := func(s *System) int {
		switch {
		case topLevelKind(s.Kind) && s.named:
			return 0
		case topLevelKind(s.Kind):
			return 1
		}
		return 2
	}
	sort.SliceStable(g.systems, func(i, j int) bool { return rank(g.systems[i]) < rank(g.systems[j]) })
	g.separateClasses()
	return g, nil
}

func readsAny(reads, changed map[string]bool) bool {
	for p := range changed {
		if reads[p] {
			return true
		}
	}
	return false
}

func (g *graph) referencedFiles(memos *memoSet) map[string]bool {
	out := map[string]bool{}
	for _, p := range g.idx.relFiles {
		for _, rel := range memos.get(p).relPaths {
			if r := g.ev.resolvePath(p, rel); r != "" && r != p {
				out[r] = true
			}
		}
	}
	return out
}

// partial marks s's closure as partial because of the expression at
// file:pos..end, which could not be followed.
func (s *System) partial(file string, pos, end int) {
	s.Unknown = true
	for _, h := range s.UnknownAt {
		if h.File == file && h.Pos == pos {
			return
		}
	}
	if len(s.UnknownAt) < 64 {
		s.UnknownAt = append(s.UnknownAt, Hop{File: file, Pos: pos, End: end})
	}
}

// partialExpr is partial for an expression (nil: the system's declaration).
func (s *System) partialExpr(file string, x nixast.Node) {
	if x == nil {
		s.partial(s.File, s.Pos, s.Pos)
		return
	}
	s.partial(file, x.Pos(), x.End())
}

func (g *graph) newSystem(name, kind, file string, pos int) *System {
	s := &System{Name: name, Kind: kind, File: file, Pos: pos, visited: map[string]bool{}, Wiring: kind}
	if topLevelKind(kind) {
		s.Wiring = wiringOfKind(kind)
	}
	g.systems = append(g.systems, s)
	return s
}

func systemName(names []string) string {
	for i, n := range names {
		if configurationsAttrs[n] && i+1 < len(names) {
			return names[i+1]
		}
	}
	if len(names) > 0 {
		return names[len(names)-1]
	}
	return "?"
}

// scanRoot scans a file that may declare systems. A file that is a
// function taking inputs or self (a flake-parts module, a host map called
// from flake.nix) gets the inputs of the flake it belongs to: the nearest
// flake.nix above it.
func (g *graph) scanRoot(file string) {
	root := g.ws.File(file).Root
	l, ok := nixast.Unparen(root).(*nixast.Lambda)
	if !ok || path.Base(file) == "flake.nix" {
		g.scan(root, nil, file, nil, true)
		return
	}
	args := g.flakeArgsFor(file)
	if args == nil {
		g.scan(root, nil, file, nil, true)
		return
	}
	g.scan(l.Body, g.ev.bindLambda(&lambdaV{L: l, File: file}, valThunk(args)), file, nil, false)
}

// flakeArgsFor returns the module arguments a flake gives the files below
// it: inputs, self, and each input by name (as specialArgs usually do);
// nil when no flake.nix holds the file.
func (g *graph) flakeArgsFor(file string) *attrsV {
	for dir := path.Dir(file); ; dir = path.Dir(dir) {
		fl := path.Join(dir, "flake.nix")
		if g.ws.At(fl) != nil {
			g.ev.force(g.ev.fileRoot(fl))
			info := g.ev.flakes[fl]
			if info == nil || info.args == nil {
				return nil
			}
			a := &attrsV{Attrs: map[string]*thunk{}, Complete: false}
			for k, v := range info.args.Attrs {
				a.Attrs[k] = v
			}
			a.Attrs["inputs"] = valThunk(info.args)
			return a
		}
		if dir == "/" || dir == "." || dir == "" {
			return nil
		}
	}
}

// scan walks a file's tree looking for nixosSystem calls.
func (g *graph) scan(x nixast.Expr, e *env, file string, names []string, root bool) {
	ev := g.ev
	if ev.steps > maxSteps {
		return
	}
	switch x := x.(type) {
	case *nixast.Paren:
		g.scan(x.X, e, file, names, root)
	case *nixast.AttrSet:
		inner := e
		a, _ := ev.eval(x, e, file).(*attrsV)
		if x.Rec >= 0 && a != nil {
			inner = e.extend(a.Attrs)
		}
		info := ev.flakes[file]
		for _, b := range x.Bindings {
			as, ok := b.(*nixast.AttrAssign)
			if !ok {
				continue
			}
			nn := append(append([]string{}, names...), g.attrPathNames(as.Path, inner, file)...)
			if root && info != nil && len(nn) == 1 && nn[0] == "outputs" {
				if l, ok := nixast.Unparen(as.Value).(*nixast.Lambda); ok {
					env2 := ev.bindLambda(&lambdaV{L: l, Env: inner, File: file}, valThunk(info.args))
					g.scan(l.Body, env2, file, nn, false)
					continue
				}
			}
			if g.frameworkAttr(nn, as.Value, inner, file) {
				continue
			}
			g.scan(as.Value, inner, file, nn, false)
		}
	case *nixast.Let:
		e2 := ev.bindLet(x.Bindings, e, file)
		for _, b := range x.Bindings {
			if as, ok := b.(*nixast.AttrAssign); ok {
				g.scan(as.Value, e2, file, append(append([]string{}, names...), attrPathStrings(as.Path)...), false)
			}
		}
		g.scan(x.Body, e2, file, names, false)
	case *nixast.With:
		g.scan(x.Body, &env{parent: e, with: ev.mk(x.X, e, file)}, file, names, false)
	case *nixast.Assert:
		g.scan(x.Body, e, file, names, false)
	case *nixast.Lambda:
		// Systems found in a function's body are templates: the
		// applications of the function make the real ones.
		// A flake-parts `flake = { config, lib, ... }: { … }` is a module
		// the framework evaluates once, not a template.
		module := len(names) > 0 && names[len(names)-1] == "flake"
		if !module {
			g.template++
		}
		g.scan(x.Body, ev.bindLambda(&lambdaV{L: x, Env: e, File: file}, valThunk(unknown)), file, names, false)
		if !module {
			g.template--
		}
	case *nixast.If:
		g.scan(x.Then, e, file, names, false)
		g.scan(x.Else, e, file, names, false)
	case *nixast.List:
		for _, el := range x.Elems {
			g.scan(el, e, file, names, false)
		}
	case *nixast.Binary:
		g.scan(x.X, e, file, names, false)
		g.scan(x.Y, e, file, names, false)
	case *nixast.Ident, *nixast.Select:
		if underConfigurations(names) {
			g.systemMap(ev.eval(x, e, file), names)
		}
	case *nixast.Apply:
		v := ev.eval(x, e, file)
		if underConfigurations(names) && g.systemMap(v, names) {
			return
		}
		if g.frameworkCall(x, e, file) {
			return
		}
		if sv, ok := v.(*systemV); ok {
			s := g.addNixosSystem(sv, systemName(names))
			s.template = g.template > 0
			for i, n := range names {
				if configurationsAttrs[n] {
					s.named = true
					if i > 0 && names[i-1] == "flake" {
						s.Wiring = "flake-parts"
					}
				}
			}
			return
		}
		g.scan(x.Fn, e, file, names, false)
		g.scan(x.Arg, e, file, names, false)
	}
}

// underConfigurations reports whether an attribute path ends in
// nixosConfigurations (or darwinConfigurations, homeConfigurations): its
// value is a map of systems.
func underConfigurations(names []string) bool {
	return len(names) > 0 && configurationsAttrs[names[len(names)-1]]
}

// systemMap adds the systems of an attribute set of nixosSystem results
// (`mapAttrs (name: _: nixosSystem { … }) (readDir ./hosts)`); false when v
// is not an attribute set.
func (g *graph) systemMap(v Value, names []string) bool {
	set, ok := v.(*attrsV)
	if !ok {
		return false
	}
	for _, k := range sortedKeys(set) {
		if sv, ok := g.ev.force(set.Attrs[k]).(*systemV); ok {
			s := g.addNixosSystem(sv, k)
			s.named = true
			s.template = g.template > 0
			if sv.mapped != "" {
				s.Wiring = sv.mapped
			} else if len(names) > 1 && names[len(names)-2] == "flake" {
				s.Wiring = "flake-parts"
			}
		}
	}
	return true
}

// attrPathNames is attrPathStrings with dynamic names evaluated where they
// are known (`nixosConfigurations."${name}"` with name bound by a let).
func (g *graph) attrPathNames(p *nixast.AttrPath, e *env, file string) []string {
	out := attrPathStrings(p)
	for i, n := range p.Names {
		if out[i] != "?" {
			continue
		}
		var v Value
		switch {
		case n.String != nil:
			v = g.ev.evalString(n.String.Parts, e, file)
		case n.Interp != nil:
			v = g.ev.eval(n.Interp.X, e, file)
		}
		if s, ok := knownString(v); ok {
			out[i] = s
		}
	}
	return out
}

func attrPathStrings(p *nixast.AttrPath) []string {
	var out []string
	for _, n := range p.Names {
		s, ok := n.StaticName()
		if !ok {
			s = "?"
		}
		out = append(out, s)
	}
	return out
}

func (g *graph) addNixosSystem(sv *systemV, name string) *System {
	ev := g.ev
	pos := 0
	if sv.Call != nil {
		pos = sv.Call.Pos()
	}
	kind := sv.kind
	if kind == "" {
		kind = "nixos"
	}
	s := g.newSystem(name, kind, sv.File, pos)
	arg, ok := ev.force(sv.Arg).(*attrsV)
	if !ok {
		s.partialExpr(sv.File, sv.Arg.expr)
		return s
	}
	if sa, ok := arg.Attrs[specialArgsAttr(kind)]; ok {
		if a, ok := ev.force(sa).(*attrsV); ok {
			s.args = a
		}
	}
	mt, ok := arg.Attrs["modules"]
	if !ok {
		if !arg.Complete {
			s.partialExpr(sv.File, sv.Arg.expr)
		}
		g.finish(s)
		return s
	}
	l, ok := ev.force(mt).(*listV)
	if !ok {
		s.partialExpr(mt.file, mt.expr)
		g.finish(s)
		return s
	}
	for _, el := range l.Elems {
		g.addElem(s, el, nil)
	}
	g.finish(s)
	return s
}

// maxNesting is how deep systems nest in systems (a VM in a VM in a
// host...) before the graph stops building them.
const maxNesting = 8

// finish builds the systems nested in s (microvm.vms.<n>.config, containers).
func (g *graph) finish(s *System) {
	ev := g.ev
	if otherClass(s) {
		s.children = nil // microvm.vms and containers are NixOS options
	}
	depth := 0
	for p := s.Parent; p != nil; p = p.Parent {
		depth++
	}
	if depth >= maxNesting {
		// A VM whose config declares itself again nests without end, as
		// Nix would build it; the systems below stay unknown.
		for _, c := range s.children {
			s.partial(c.file, c.pos, c.pos)
		}
		s.children = nil
	}
	for _, c := range s.children {
		cs := g.newSystem(c.name, c.kind, c.file, c.pos)
		cs.Parent = s
		cs.Fork = s.Fork
		if c.kind == "vm" {
			cs.Elems = append(cs.Elems, &ModElem{File: c.file, Pos: c.pos, End: c.pos, Which: ModMicrovm, Implicit: true})
		}
		if c.special != nil {
			if a, ok := ev.eval(c.special.x, c.special.env, c.special.file).(*attrsV); ok {
				cs.args = a
			}
		}
		if c.config != nil {
			if !g.moduleExpr(cs, c.config.x, c.config.env, c.config.file, c.via) {
				cs.partialExpr(c.config.file, c.config.x)
			}
		}
		for _, part := range c.parts {
			g.moduleSet(cs, part.set, part.env, part.file, c.via, "")
		}
		if c.extra != nil {
			l, ok := ev.eval(c.extra.x, c.extra.env, c.extra.file).(*listV)
			if !ok {
				cs.partialExpr(c.extra.file, c.extra.x)
			} else {
				for _, el := range l.Elems {
					g.addElem(cs, el, c.via)
				}
			}
		}
		g.finish(cs)
	}
	s.children = nil
}

func (g *graph) addElem(s *System, el elem, via []Hop) {
	ev := g.ev
	me := &ModElem{File: el.File, Node: el.Node, Cond: el.Cond, Via: via}
	if el.Node != nil {
		me.Pos, me.End = el.Node.Pos(), el.Node.End()
	}
	v := ev.force(el.th)
	s.Elems = append(s.Elems, me)
	hop := Hop{File: me.File, Pos: me.Pos, End: me.End}
	via2 := append(append([]Hop{}, via...), hop)
	switch v := v.(type) {
	case *modRefV:
		me.Which = v.Which
		s.Fork = s.Fork || v.Fork
		return
	case *pathV:
		if path.Base(v.Text) == "hardware-configuration.nix" {
			s.BareMetal = true
		}
		if v.File == "" {
			if path.Base(v.Text) == "hardware-configuration.nix" {
				return // generated by nixos-generate-config: never microvm's
			}
			me.bad = missingPath(el.File, v)
			me.Unknown = true
			s.partial(me.File, me.Pos, me.End)
			return
		}
		if path.Base(v.File) == "hardware-configuration.nix" {
			s.BareMetal = true
		}
		if s.visited[v.File] {
			return
		}
		s.visited[v.File] = true
		if !g.module(s, ev.force(ev.fileRoot(v.File)), via2) {
			me.Unknown = true
			s.partial(me.File, me.Pos, me.End)
		}
	default:
		me.bad = notModule(v, el.Node)
		if !g.module(s, v, via2) {
			me.Unknown = true
			s.partial(me.File, me.Pos, me.End)
		}
	}
}

func (g *graph) moduleArgs(s *System) *thunk {
	a := &attrsV{Attrs: map[string]*thunk{"modulesPath": valThunk(&foreignV{})}, Complete: false}
	if s.args != nil {
		for k, v := range s.args.Attrs {
			a.Attrs[k] = v
		}
	}
	return valThunk(a)
}

// module processes a module value; false when it is not understood.
func (g *graph) module(s *System, v Value, via []Hop) bool {
	switch v := v.(type) {
	case *lambdaV:
		e := g.ev.bindLambda(v, g.moduleArgs(s))
		return g.moduleExpr(s, v.L.Body, e, v.File, via)
	case *attrsV:
		if v.Node == nil {
			// a module made by a function (import-tree): only its imports
			l, ok := g.ev.force(v.Attrs["imports"]).(*listV)
			if !ok || len(v.Attrs) != 1 {
				s.Unknown = true
				return false
			}
			for _, el := range l.Elems {
				g.addElem(s, el, via)
			}
			return true
		}
		e := v.Env
		if v.Node.Rec >= 0 {
			e = e.extend(v.Attrs)
		}
		g.moduleSet(s, v.Node, e, v.File, via, "")
		return true
	case *modRefV, *foreignV:
		return true
	}
	s.Unknown = true
	return false
}

func (g *graph) moduleExpr(s *System, x nixast.Expr, e *env, file string, via []Hop) bool {
	ev := g.ev
	switch x := x.(type) {
	case *nixast.Paren:
		return g.moduleExpr(s, x.X, e, file, via)
	case *nixast.Let:
		return g.moduleExpr(s, x.Body, ev.bindLet(x.Bindings, e, file), file, via)
	case *nixast.With:
		return g.moduleExpr(s, x.Body, &env{parent: e, with: ev.mk(x.X, e, file)}, file, via)
	case *nixast.Assert:
		return g.moduleExpr(s, x.Body, e, file, via)
	case *nixast.AttrSet:
		if x.Rec >= 0 {
			if a, ok := ev.eval(x, e, file).(*attrsV); ok {
				e = e.extend(a.Attrs)
			}
		}
		g.moduleSet(s, x, e, file, via, "")
		return true
	case *nixast.Binary:
		if x.Op == nixast.UPDATE {
			// `{ … } // lib.optionalAttrs c { … }`: both sets are read
			return g.moduleUpdate(s, x, e, file, via)
		}
	}
	return g.module(s, ev.eval(x, e, file), via)
}

// unwrapMk strips the module system's wrappers (package modsys: lib.mkIf c,
// mkDefault, mkOverride n, mkBefore..., mkMerge [x] of a single element)
// and parentheses.
func (g *graph) unwrapMk(x nixast.Expr, e *env, file string) (nixast.Expr, string) {
	cond := ""
	for i := 0; i < 10; i++ {
		x = nixast.Unparen(x)
		app, ok := x.(*nixast.Apply)
		if !ok {
			return x, cond
		}
		fn, args := splitApply(app)
		bv, ok := g.ev.eval(fn, e, file).(*builtinV)
		if !ok {
			return x, cond
		}
		mf, known := modsys.Lookup(bv.Name)
		if !known || !mf.Wraps() || len(args) != mf.Arity {
			return x, cond
		}
		if mf.Role == modsys.Condition {
			cond = joinCond(cond, condText(g.ws, file, args[0]))
		}
		x = args[mf.Value]
		if l, ok := nixast.Unparen(x).(*nixast.List); ok && mf.Role == modsys.Merge {
			if len(l.Elems) != 1 {
				return l, cond
			}
			x = l.Elems[0]
		}
	}
	return x, cond
}

func splitApply(a *nixast.Apply) (nixast.Expr, []nixast.Expr) {
	var args []nixast.Expr
	var x nixast.Expr = a
	for {
		ap, ok := x.(*nixast.Apply)
		if !ok {
			break
		}
		args = append([]nixast.Expr{ap.Arg}, args...)
		x = nixast.Unparen(ap.Fn)
	}
	return x, args
}

// moduleSet reads a module's attribute set: imports, microvm.* definitions,
// bare-metal signs, nested systems.
func (g *graph) moduleSet(s *System, set *nixast.AttrSet, e *env, file string, via []Hop, cond string) {
	if s.FirstSet == nil {
		s.FirstSet = &setRef{File: file, Set: set}
	}
	if s.modSets == nil {
		s.modSets = map[*nixast.AttrSet]modRead{}
	}
	if _, ok := s.modSets[set]; !ok {
		s.modSets[set] = modRead{file: file, via: via}
	}
	g.defs(s, set.Bindings, nil, e, file, via, true)
}

func (g *graph) defs(s *System, binds []nixast.Binding, prefix []string, e *env, file string, via []Hop, top bool) {
	ev := g.ev
	var cb func(p []string, b *nixast.AttrAssign, v nixast.Expr) bool
	recurse := func(p []string, v nixast.Expr, onSet func(*nixast.AttrSet)) {
		inner, _ := g.unwrapMk(v, e, file)
		switch x := inner.(type) {
		default:
			q := p
			if top && len(q) > 0 && q[0] == "config" {
				q = q[1:]
			}
			if len(q) == 0 || (len(q) == 1 && q[0] == "microvm") {
				s.Opaque = true
			}
		case *nixast.AttrSet:
			if onSet != nil {
				onSet(x)
			}
			ev.flattenBindings(x.Bindings, p, cb)
		case *nixast.List: // mkMerge [ ... ]
			for _, el := range x.Elems {
				in2, _ := g.unwrapMk(el, e, file)
				if as, ok := in2.(*nixast.AttrSet); ok {
					ev.flattenBindings(as.Bindings, p, cb)
				}
			}
		}
	}
	cb = func(p []string, b *nixast.AttrAssign, v nixast.Expr) bool {
		q := p
		if top && len(q) > 0 && q[0] == "config" {
			q = q[1:]
		}
		if len(q) == 0 {
			recurse(p, v, nil)
			return false
		}
		if top && len(p) == 1 && p[0] == "imports" {
			l, ok := ev.eval(v, e, file).(*listV)
			if !ok {
				s.partialExpr(file, v)
				return false
			}
			for _, el := range l.Elems {
				g.addElem(s, el, via)
			}
			return false
		}
		if top && (q[0] == "options" || q[0] == "_module") {
			return false
		}
		switch q[0] {
		case "microvm":
			if len(q) == 1 {
				recurse(p, v, func(as *nixast.AttrSet) {
					s.MicrovmSets = append(s.MicrovmSets, setRef{File: file, Set: as})
				})
				return false
			}
			if len(q)-len(b.Path.Names) < 2 {
				s.Defs = append(s.Defs, &OptDef{Path: append([]string{}, q...), File: file, Binding: b, Pos: b.Path.Pos(), End: b.Path.End(), Via: via})
				g.compute(s.Defs[len(s.Defs)-1], v, e, file)
			}
			switch {
			case len(q) == 2 && q[1] == "autostart":
				// VMs the host starts by name, also those the microvm
				// command manages (not in microvm.vms)
				if l, ok := ev.eval(v, e, file).(*listV); ok {
					for _, el := range l.Elems {
						if n, ok := knownString(ev.force(el.th)); ok {
							s.Autostart = append(s.Autostart, n)
						}
					}
				}
			case len(q) == 2 && (q[1] == "guest" || q[1] == "vms"):
				recurse(p, v, nil)
			case len(q) == 3 && q[1] == "vms":
				recurse(p, v, nil)
			case len(q) == 3 && q[1] == "guest" && q[2] == "enable":
				s.GuestEnable = append(s.GuestEnable, &OptDef{Path: append([]string{}, q...), File: file, Binding: b, Pos: b.Path.Pos(), End: b.Path.End(), Via: via})
				inner, _ := g.unwrapMk(v, e, file)
				// anything but a literal true may be false: not a guess
				if id, ok := inner.(*nixast.Ident); !ok || id.Name != "true" {
					s.GuestDisabled = true
				}
			case len(q) == 4 && q[1] == "vms":
				g.child(s, "vm", q[2], q[3], v, e, file, via, b)
			case len(q) > 4 && q[1] == "vms" && q[3] == "config":
				// vms.<n>.config.imports = [ … ]: a part of the VM's module
				g.childPart(s, q[2], len(q)-4, v, e, file, via, b)
			}
			return false
		case "boot":
			if len(q) >= 2 && q[1] == "loader" {
				s.BareMetal = true
				return false
			}
			if len(q) == 1 {
				recurse(p, v, nil)
			}
			return false
		case "fileSystems":
			if len(q) == 3 && q[1] == "/" && q[2] == "device" {
				s.BareMetal = true
				return false
			}
			if len(q) < 3 && (len(q) == 1 || q[1] == "/") {
				recurse(p, v, nil)
			}
			return false
		case "containers":
			if len(q) < 3 {
				recurse(p, v, nil)
			} else if len(q) == 3 {
				g.child(s, "container", q[1], q[2], v, e, file, via, b)
			}
			return false
		}
		return false
	}
	ev.flattenBindings(binds, prefix, cb)
}

// childPart records a binding that sets part of microvm.vms.<name>.config:
// its last rest names are the path below config.
func (g *graph) childPart(s *System, name string, rest int, v nixast.Expr, e *env, file string, via []Hop, b *nixast.AttrAssign) {
	names := b.Path.Names
	if rest > len(names) || rest == 0 {
		return
	}
	c := g.childOf(s, "vm", name, file, via, b)
	as := &nixast.AttrAssign{Path: &nixast.AttrPath{Names: names[len(names)-rest:]}, Eq: b.Eq, Value: v, Semi: b.Semi, Stop: b.Stop}
	set := &nixast.AttrSet{Rec: -1, Lbrace: as.Path.Pos(), Bindings: []nixast.Binding{as}, Rbrace: -1, Stop: b.Stop}
	c.parts = append(c.parts, childConfigPart{set: set, env: e, file: file})
}

func (g *graph) childOf(s *System, kind, name, file string, via []Hop, b *nixast.AttrAssign) *childPart {
	for _, x := range s.children {
		if x.kind == kind && x.name == name {
			return x
		}
	}
	hop := Hop{File: file, Pos: b.Pos(), End: b.Path.End()}
	c := &childPart{kind: kind, name: name, file: file, pos: b.Pos(), via: append(append([]Hop{}, via...), hop)}
	s.children = append(s.children, c)
	return c
}

func (g *graph) child(s *System, kind, name, attr string, v nixast.Expr, e *env, file string, via []Hop, b *nixast.AttrAssign) {
	var c *childPart
	for _, x := range s.children {
		if x.kind == kind && x.name == name {
			c = x
		}
	}
	if c == nil {
		hop := Hop{File: file, Pos: b.Pos(), End: b.Path.End()}
		c = &childPart{kind: kind, name: name, file: file, pos: b.Pos(), via: append(append([]Hop{}, via...), hop)}
		s.children = append(s.children, c)
	}
	te := &thunkExpr{x: v, env: e, file: file}
	switch attr {
	case "config":
		c.config = te
	case "extraModules":
		if kind == "vm" {
			c.extra = te
		}
	case "specialArgs":
		c.special = te
	}
}

// line returns "file:line" (1-based) for a position, file relative to /ws/.
func (g *graph) where(file string, pos int) string {
	f := g.ws.At(file)
	if f == nil {
		f = g.ws.Sources.file(file)
	}
	line := 0
	if f != nil {
		line = f.Lines.Line(pos)
	}
	return fmt.Sprintf("%s:%d", g.shortName(file), line+1)
}

// shortName names a file relative to the directory that holds the whole
// workspace, as people see it in their editor.
func (g *graph) shortName(file string) string {
	if g.ws.Root != "" {
		return relativeName(g.ws.Root, file)
	}
	g.rootOnce.Do(func() { g.root = workspaceRoot(g.ws) })
	return strings.TrimPrefix(file, g.root)
}

// workspaceRoot returns the longest directory prefix (with its trailing
// slash) shared by every file of the workspace.
func workspaceRoot(ws *Workspace) string {
	root := ""
	first := true
	for name := range ws.All() {
		dir := name[:strings.LastIndexByte(name, '/')+1]
		if first {
			root, first = dir, false
			continue
		}
		for !strings.HasPrefix(dir, root) {
			root = root[:strings.LastIndexByte(root[:len(root)-1], '/')+1]
		}
	}
	return root
}

// relativeName writes the slash path file relative to the directory dir,
// with ../ where it lies outside; as it is when one of them is not absolute
// or they have no directory in common.
func relativeName(dir, file string) string {
	if !strings.HasPrefix(dir, "/") || !strings.HasPrefix(file, "/") {
		return file
	}
	d := strings.Split(strings.Trim(path.Clean(dir), "/"), "/")
	f := strings.Split(strings.Trim(path.Clean(file), "/"), "/")
	if len(d) == 1 && d[0] == "" {
		d = nil
	}
	i := 0
	for i < len(d) && i < len(f)-1 && d[i] == f[i] {
		i++
	}
	if i == 0 && len(d) > 0 {
		return file // nothing in common but /: ../../ up to it says less
	}
	parts := make([]string, 0, len(d)-i+len(f)-i)
	for range d[i:] {
		parts = append(parts, "..")
	}
	return strings.Join(append(parts, f[i:]...), "/")
}

// flakeHasInput reports whether the flake holding file has an input whose
// name contains part.
func (g *graph) flakeHasInput(file, part string) bool {
	for dir := path.Dir(file); dir != "/" && dir != "." && dir != ""; dir = path.Dir(dir) {
		if fl := path.Join(dir, "flake.nix"); g.ws.At(fl) != nil {
			return g.hasInput(fl, part)
		}
	}
	return false
}

// flakeHasForkInput reports whether the flake holding file takes
// microvm.nix from a fork.
func (g *graph) flakeHasForkInput(file string) bool {
	for dir := path.Dir(file); dir != "/" && dir != "." && dir != ""; dir = path.Dir(dir) {
		if fl := path.Join(dir, "flake.nix"); g.ws.At(fl) != nil {
			g.ev.force(g.ev.fileRoot(fl))
			info := g.ev.flakes[fl]
			return info != nil && len(info.forkInputs) > 0
		}
	}
	return false
}
