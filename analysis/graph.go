package analysis

import (
	"context"
	"fmt"
	"iter"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Hop is one step of an import chain: the element that brought a module in.
type Hop struct {
	File string
	Pos  int
	End  int
}

// Hops is the path of module elements that brought a module in, from the
// system's own list down. A chain extends the one it came through without
// copying it: each module of an import chain thousands deep held a copy of
// the whole chain above it, memory that grew with the square of the depth
// (10,000 deep: 1.66 GB). The zero Hops is the empty chain.
type Hops struct{ last *hopLink }

type hopLink struct {
	Hop
	up *hopLink
	n  int // hops up to and with this one
}

// Len returns the number of hops.
func (h Hops) Len() int {
	if h.last == nil {
		return 0
	}
	return h.last.n
}

// With returns the chain h followed by x; h is left as it was.
func (h Hops) With(x Hop) Hops { return Hops{&hopLink{Hop: x, up: h.last, n: h.Len() + 1}} }

// Slice returns the hops, the first (the system's list) first.
func (h Hops) Slice() []Hop {
	out := make([]Hop, h.Len())
	for l, i := h.last, len(out)-1; l != nil; l, i = l.up, i-1 {
		out[i] = l.Hop
	}
	return out
}

// Up yields the hops from the last to the first, without a slice: for
// readers to whom the order is of no matter.
func (h Hops) Up() iter.Seq[Hop] {
	return func(yield func(Hop) bool) {
		for l := h.last; l != nil; l = l.up {
			if !yield(l.Hop) {
				return
			}
		}
	}
}

// upOnce is Up for one reader of many chains, who reads each to its end:
// it yields only the hops not in seen, adding them, and stops at the first
// it has seen (the hops above it were yielded with it).
func (h Hops) upOnce(seen map[*hopLink]bool) iter.Seq[Hop] {
	return func(yield func(Hop) bool) {
		for l := h.last; l != nil && !seen[l]; l = l.up {
			seen[l] = true
			if !yield(l.Hop) {
				return
			}
		}
	}
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
	Via      Hops     // the elements that brought in the module holding this one
	bad      *badElem // a value that cannot be a module (checks_module.go)
}

// OptDef is a definition of a microvm.* option in a module of a system.
type OptDef struct {
	Path    []string // full attribute path, starting with "microvm"
	File    string
	Binding *nixast.AttrAssign
	Pos     int // range of the binding's attribute path
	End     int
	Via     Hops
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

	modArgs atomic.Pointer[modArgs] // the arguments its modules are called with (moduleArgs)
	id      uint64                  // its number, never another system's (componentKey)

	claimsOnce  sync.Once
	claimed     map[string]bool // claims, found once: a scanned system no longer changes
	byPlaceOnce sync.Once
	byPlace     map[placeKey]*ModElem // elemsByPlace

	// The system's optView, built on first use. A system is kept from one
	// graph to the next while its root reads no changed file, and so is its
	// view: an edit to one host does not make the others' views again.
	viewOnce sync.Once
	view     *optView

	// info is the system's SystemInfo, with what it read beyond the
	// system (Cache.systemsOf): kept with the system from graph to graph.
	info atomic.Pointer[keyedInfo]
}

type childPart struct {
	kind, name string
	config     *thunkExpr
	parts      []childConfigPart // config.<path> = value bindings
	extra      *thunkExpr
	special    *thunkExpr
	via        Hops
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

	// roots are the scans by "scan:"+file or "config:"+file: a map of its
	// own, or, for a graph built in place, the last graph's map (never
	// written once shared) with the scans that replace some in rootsOver
	// (scanOf, eachScan).
	roots     map[string]*rootScan
	rootsOver map[string]*rootScan
	skip      []string        // files that are no NixOS system though they look like one
	rescanned int             // roots scanned rather than reused from old
	scanned   int             // roots scanned, not taken from old or a stopped build
	alsoReads map[string]bool // files a scan depends on beyond what it evaluates (outputsSystems)

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
	comps     atomic.Pointer[compSet]
	compsFrom *derivableComps
	derived   bool // the components were derived from the last graph's
	inPlace   bool // built by rebuildInPlace

	readers *rootReaders // which roots read a file, shared while readsID is

	// The places of the systems (placeIndex): set by rebuildInPlace, or
	// made on first use.
	placesOnce sync.Once
	places     *placeIndex
}

// buildGraph finds the systems of the workspace and their module closures.
// memos (may be nil) holds per-file facts: only files that mention
// nixosSystem or nixosConfigurations are scanned for systems; the evaluation
// still follows imports and helper functions into any file.
func buildGraph(ws *Workspace, memos *memoSet) *graph {
	g, _ := rebuildGraph(context.Background(), ws, memos, nil, nil, nil)
	return g
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
	g := &graph{ev: newEvaluator(ws), ws: ws, readers: &rootReaders{}}
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
	if old != nil && old.idx != nil && stopped == nil {
		if done, err := g.rebuildInPlace(ctx, old, changed); done {
			return g, err
		}
	}
	// Room for what the last graph had: grown from nothing, these maps
	// were half of a whole rebuild among thousands of roots.
	var lastRoots, lastInSystem, lastVisited int
	if old != nil {
		lastRoots, lastInSystem, lastVisited = len(old.roots)+len(old.rootsOver), len(old.inSystem), len(old.visited)
	}
	g.roots = make(map[string]*rootScan, lastRoots)
	var rescanned []string // keys of the roots scanned again or taken from stopped
	// keptScan returns the scan of old's root key when it read no changed
	// file, else that of stopped's (taken: its systems are not old's).
	keptScan := func(key string) (rs *rootScan, taken bool) {
		if old != nil {
			if rs := old.scanOf(key); rs != nil && !readsAny(rs.reads, changed) {
				return rs, false
			}
		}
		if stopped != nil {
			if rs := stopped.g.scanOf(key); rs != nil && !readsAny(rs.reads, stopped.changed) {
				return rs, true
			}
		}
		return nil, false
	}
	// scanOne scans a root on on, with an evaluator of its own, and
	// returns what it found and read.
	scanOne := func(on *graph, file string, scan func(*graph)) *rootScan {
		return scanRootOn(ws, g.idx, on, file, scan)
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
			if pick(k) && (old.scanOf(k) == nil || !sameSet(set(old.scanOf(k)), set(g.roots[k]))) {
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
			jobs = append(jobs, rootJob{"config:" + p, p, func(g *graph) { g.scanConfig(p) }})
		}
	}
	roots(jobs)
	// A module that sets microvm.* but that no system reads still gets
	// the checks that need no system (removed options, invalid values):
	// it is read as a system of kind "file" of its own.
	if unchanged(notFile, sysFilesOf) && old.inSystem != nil {
		g.inSystem = old.inSystem
	} else {
		g.inSystem = unionOf(g, notFile, sysFilesOf, lastInSystem)
	}
	jobs = nil
	for _, p := range g.idx.microvmFiles {
		if g.inSystem[p] || memos.get(p).hasRoots || path.Base(p) == "flake.nix" {
			continue
		}
		p := p
		jobs = append(jobs, rootJob{"file:" + p, p, func(g *graph) { g.scanLoneModule(p) }})
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
		g.visited = unionOf(g, anyRoot, visitedOf, lastVisited)
	}
	read := g.visited
	if unchanged(anyRoot, readsOf) {
		g.readsID, g.readers = old.readsID, old.readers
	} else {
		g.readsID = new(byte)
	}
	g.compsFrom = derivable(old, g, rescanned)
	// The same system reached twice (a host map scanned as a file of its
	// own and through the flake that calls it) is one system; a nameless
	// one at a call that a named system also reaches is that call seen
	// without its arguments, and goes.
	namedAt := make(map[Hop]bool, len(g.systems))
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
	seenDecl := make(map[declKey]bool, len(g.systems))
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
	applied := make(map[Hop]bool, len(g.systems))
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

// scanRootOn scans a root on on, with an evaluator of its own, and returns
// what it found and read.
func scanRootOn(ws *Workspace, idx *pathIndex, on *graph, file string, scan func(*graph)) *rootScan {
	on.ev = newEvaluator(ws)
	on.ev.idx = idx
	start, skipStart := len(on.systems), len(on.skip)
	scan(on)
	// The systems' values keep the evaluator; its memo of static paths
	// served the scan (a module read once per system) and would stay with
	// them: 77 MB of a workspace of 33,000 modules. A value forced later
	// computes what it needs again.
	on.ev.paths = nil
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

// scanConfig makes the system of a lone configuration.nix, p.
func (g *graph) scanConfig(p string) {
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
	if !g.module(s, g.ev.force(g.ev.fileRoot(p)), Hops{}) {
		s.partial(p, 0, 0)
	}
	g.finish(s)
}

// scanLoneModule makes the system of kind "file" of a module p that sets
// microvm.* and that no system reads.
func (g *graph) scanLoneModule(p string) {
	s := g.newSystem(p, "file", p, 0)
	s.Unknown = true // the systems that will read it are not known: no finding on what is absent
	s.Fork = g.flakeHasForkInput(p)
	s.visited[p] = true
	g.module(s, g.ev.force(g.ev.fileRoot(p)), Hops{})
	s.children = nil
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
