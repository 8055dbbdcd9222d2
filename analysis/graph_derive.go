// What a rebuilt module graph keeps of the last one: the scans of roots that read no changed file, and the unions and components their systems give.

package analysis

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// derivableComps are the last graph's components, and which of its
// systems the new graph replaces by which.
type derivableComps struct {
	systems []*System
	comps   *compSet
	sub     map[*System]*System
	// exact is set when the new graph's systems are the last one's with
	// sub's replacements, in order, by construction (rebuildInPlace):
	// derive need not check them.
	exact bool
	// spliced are the roots whose nested systems (a host's VMs) an edit
	// added or removed (rebuildInPlace): their components are found
	// again among themselves (deriveSpliced).
	spliced []splice
}

// splice is a root scanned again whose nested systems changed in number:
// the new graph's systems hold now's nested systems where the last one's
// held was's, and the root's other systems are replaced one by one (sub).
type splice struct {
	was, now             []*System // all the root's systems, the last scan's and the new one's
	wasTop, nowTop       []*System // of those, the top-level ones, paired one by one
	wasNested, nowNested []*System // and the nested ones
	at                   int       // where wasNested stand in the graph's systems (spliceNested)
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

// derivable returns what the components of g, rebuilt from old, derive
// from: nil when old's components were not found, or a rescanned root's
// systems differ from those they replace in number, order, the files they
// claim (components) or their parents.
func derivable(old, g *graph, rescanned []string) *derivableComps {
	if old == nil {
		return nil
	}
	comps := old.comps.Load()
	if comps == nil {
		return nil
	}
	sub := map[*System]*System{}
	for _, k := range rescanned {
		o, n := old.scanOf(k), g.scanOf(k)
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
		if !sameParent(o, n, sub) {
			return nil
		}
	}
	return &derivableComps{systems: old.systems, comps: comps, sub: sub}
}

// placeIndex returns the index of the places of g's systems.
func (g *graph) placeIndex() *placeIndex {
	g.placesOnce.Do(func() {
		if g.places == nil {
			g.places = newPlaceIndex()
		}
	})
	return g.places
}

// sameParent reports whether n, which replaces o, has o's parent or its
// replacement (or, as o, none).
func sameParent(o, n *System, sub map[*System]*System) bool {
	switch {
	case o.Parent == nil && n.Parent == nil:
		return true
	case o.Parent == nil || n.Parent == nil:
		return false
	}
	return n.Parent == o.Parent || sub[o.Parent] == n.Parent
}

// components returns the components of the graph's systems (see
// components), found once.
func (g *graph) components() [][]*System {
	comps, _ := g.componentSet().all()
	return comps
}

// componentSet returns the components of the graph's systems with their
// keys, found once.
func (g *graph) componentSet() *compSet {
	g.compsOnce.Do(func() {
		cs, ok := g.compsFrom.derive(g.systems)
		if !ok {
			cs = newCompSet(components(g.systems))
		}
		g.derived = ok
		g.compsFrom = nil
		g.comps.Store(cs)
	})
	return g.comps.Load()
}

// derive returns the last graph's components with its systems replaced,
// when systems are its systems, each the same or its replacement. A
// component none of whose systems is replaced is the last graph's, key
// and all: an edit makes the components it changes, not every one.
func (d *derivableComps) derive(systems []*System) (*compSet, bool) {
	if d != nil && len(d.spliced) > 0 {
		return d.deriveSpliced(systems)
	}
	if d == nil || len(systems) != len(d.systems) {
		return nil, false
	}
	if !d.exact {
		for i, s := range systems {
			if o := d.systems[i]; d.sub[o] != s && (s != o || d.sub[o] != nil) {
				return nil, false
			}
		}
	}
	return d.comps.replaced(d.sub), true
}

// substitute returns a function that gives a system's replacement in sub,
// or the system itself. An edit replaces a few systems: comparing with
// them costs less than a lookup in a map.
func substitute(sub map[*System]*System) func(*System) *System {
	if len(sub) > 8 {
		return func(s *System) *System {
			if n := sub[s]; n != nil {
				return n
			}
			return s
		}
	}
	var olds, news []*System
	for o, n := range sub {
		olds, news = append(olds, o), append(news, n)
	}
	return func(s *System) *System {
		for k, o := range olds {
			if o == s {
				return news[k]
			}
		}
		return s
	}
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

// unionOf returns the union of one set of each root of g whose key pick
// accepts, made with room for hint files (the last graph's union: grown
// from nothing, a union of 33,000 files cost an edit 25 ms).
func unionOf(g *graph, pick func(key string) bool, set func(*rootScan) map[string]bool, hint int) map[string]bool {
	out := make(map[string]bool, hint)
	g.eachScan(func(k string, rs *rootScan) {
		if pick(k) {
			for f := range set(rs) {
				out[f] = true
			}
		}
	})
	return out
}

// scanOf returns the scan of the root keyed k, nil if there is none.
func (g *graph) scanOf(k string) *rootScan {
	if rs, ok := g.rootsOver[k]; ok {
		return rs
	}
	return g.roots[k]
}

// eachScan calls f with each root's key and scan.
func (g *graph) eachScan(f func(k string, rs *rootScan)) {
	for k, rs := range g.roots {
		if o, ok := g.rootsOver[k]; ok {
			rs = o
		}
		f(k, rs)
	}
}

// ownRoots returns g's roots in a map of their own, the scans laid over
// its roots in place.
func (g *graph) ownRoots() map[string]*rootScan {
	out := maps.Clone(g.roots)
	for k, rs := range g.rootsOver {
		out[k] = rs
	}
	return out
}

// maxRootsOver is how many replaced scans a graph built in place keeps
// beside the last graph's map of roots before it makes a map of its own
// (a variable for tests).
var maxRootsOver = 64

func readsAny(reads, changed map[string]bool) bool {
	for p := range changed {
		if reads[p] {
			return true
		}
	}
	return false
}

// rebuildInPlace builds g from old for an edit that changes what no
// system is: each root that read a changed file is scanned again, and when
// every such scan finds systems like those it replaces (the same names,
// kinds and places, in the same order, claiming the same files) and skips
// the same files, g is old with those systems replaced. A root's nested
// systems (its hosts' VMs) may also differ, in number or name: the new
// ones take the place of the last ones (spliceNested). What rebuildGraph
// computes over all roots and systems (which roots there are, the unions,
// duplicates, order) would come out as old's: an edit costs the scans of
// the roots that read it, not a walk over every root of the workspace. It
// reports false, with g untouched, when the edit is not of that kind.
// Once ctx ends, g holds old's roots with the scans that finished, for a
// later build to take over, and ctx's error is returned.
func (g *graph) rebuildInPlace(ctx context.Context, old *graph, changed map[string]bool) (bool, error) {
	if old.inSystem == nil || old.visited == nil || !sameSlice(g.idx.microvmFiles, old.idx.microvmFiles) {
		return false, nil
	}
	for p := range changed {
		if slices.Contains(g.idx.rootFiles, p) {
			// Its scan may now find what rebuildGraph reads across roots:
			// a flake's outputs made by a call (an "outputs:" root).
			return false, nil
		}
	}
	dirty := old.readers.of(old, changed)
	for _, k := range dirty {
		if strings.HasPrefix(k, "outputs:") {
			return false, nil // its scan reads the systems other roots found
		}
	}
	sort.Slice(dirty, func(i, j int) bool { return rootOrder(dirty[i]) < rootOrder(dirty[j]) })
	scans := make([]*rootScan, len(dirty))
	evs := make([]*evaluator, len(dirty))
	parallelOrPanic(len(dirty), func(i int) {
		if ctx.Err() != nil {
			return
		}
		file, scan := rootScanOf(dirty[i])
		sub := &graph{ws: g.ws, idx: g.idx, refd: g.refd, root: g.root}
		sub.rootOnce.Do(func() {})
		scans[i] = scanRootOn(g.ws, g.idx, sub, file, scan)
		evs[i] = sub.ev
	})
	if err := ctx.Err(); err != nil {
		g.roots = old.ownRoots()
		for i, k := range dirty {
			if scans[i] != nil {
				g.roots[k] = scans[i]
			} else {
				delete(g.roots, k)
			}
		}
		return true, err
	}
	sub := map[*System]*System{}
	sameReads := true
	// Systems declared in a changed file may have moved; those at one
	// place must stay at one place, and those apart apart. Only roots
	// that read a file declare systems in it: all such are scanned here.
	type at struct {
		file string
		pos  int
	}
	moved, back := map[at]int{}, map[at]int{}
	var spliced []splice
	for i, k := range dirty {
		o, n := old.scanOf(k), scans[i]
		if !slices.Equal(o.skip, n.skip) || !sameSet(o.sysFiles, n.sysFiles) || !sameSet(o.visited, n.visited) {
			return false, nil
		}
		wasSys, nowSys := o.systems, n.systems
		if !nestedPair(wasSys, nowSys) {
			// A host's VMs came, went or were renamed (a VM's binding
			// typed or broken): its other systems must pair up as ever,
			// and the nested ones are put in place of the last ones
			// (spliceNested).
			sp, ok := nestedSplice(o.systems, n.systems)
			if !ok {
				return false, nil
			}
			spliced = append(spliced, sp)
			wasSys, nowSys = sp.wasTop, sp.nowTop
		}
		for j, was := range wasSys {
			now := nowSys[j]
			if !sameStanding(was, now) {
				return false, nil
			}
			if changed[was.File] {
				if p, ok := moved[at{was.File, was.Pos}]; ok && p != now.Pos {
					return false, nil
				}
				if p, ok := back[at{now.File, now.Pos}]; ok && p != was.Pos {
					return false, nil
				}
				moved[at{was.File, was.Pos}], back[at{now.File, now.Pos}] = now.Pos, was.Pos
			} else if was.Pos != now.Pos {
				return false, nil
			}
			sub[was] = now
		}
		sameReads = sameReads && sameSet(o.reads, n.reads)
	}
	with := substitute(sub)
	replace := func(systems []*System) []*System {
		out := make([]*System, len(systems))
		for i, s := range systems {
			out[i] = with(s)
		}
		return out
	}
	var systems []*System
	if len(spliced) > 0 {
		var ok bool
		if systems, ok = spliceNested(replace(old.systems), spliced); !ok {
			return false, nil
		}
	} else {
		// Every system stays at its place: those replaced are looked up,
		// not every one compared with them.
		var ok bool
		if systems, g.places, ok = old.placeIndex().replaced(old.systems, sub); !ok {
			systems, g.places = replace(old.systems), nil
		}
	}
	// The last graph's roots with the scans replaced, laid over its map:
	// copying a map of every root cost a keystroke 55 µs and 30 KB in a
	// workspace of a thousand roots. Past maxRootsOver replaced scans, a
	// map of its own.
	g.roots, g.rootsOver = old.roots, maps.Clone(old.rootsOver)
	if g.rootsOver == nil {
		g.rootsOver = make(map[string]*rootScan, len(dirty))
	}
	for i, k := range dirty {
		g.rootsOver[k] = scans[i]
	}
	if len(g.rootsOver) > maxRootsOver {
		g.roots, g.rootsOver = g.ownRoots(), nil
	}
	g.systems, g.others = systems, replace(old.others)
	g.skip, g.inSystem, g.visited = old.skip, old.inSystem, old.visited
	if sameReads {
		g.readsID, g.readers = old.readsID, old.readers
	} else {
		g.readsID = new(byte)
	}
	g.rescanned, g.scanned = len(dirty), len(dirty)
	if len(evs) > 0 {
		g.ev = evs[len(evs)-1] // the last scan's, as rebuildGraph leaves it
	}
	if len(spliced) == 0 {
		g.compsFrom = derivable(old, g, dirty)
	} else {
		g.compsFrom = derivableSpliced(old, sub, spliced)
	}
	if g.compsFrom != nil {
		g.compsFrom.exact = true // g.systems are replace(old.systems), spliced
	}
	g.inPlace = true
	return true, nil
}

// nestedSplice pairs the systems of a root's last scan, was, with those of
// its new one, now, when they differ in their nested systems only (a
// host's VMs and containers): the top-level ones in the same number, and
// nested ones before and after, which a rebuild puts after every
// top-level system, in the order of the roots (rebuildGraph's rank).
// Without nested systems before or after, where the new ones would go
// among the other roots' is not known here: ok is false.
func nestedSplice(was, now []*System) (splice, bool) {
	sp := splice{was: was, now: now}
	sp.wasTop, sp.wasNested = byNesting(was)
	sp.nowTop, sp.nowNested = byNesting(now)
	if len(sp.wasNested) == 0 || len(sp.nowNested) == 0 || len(sp.wasTop) != len(sp.nowTop) {
		return splice{}, false
	}
	return sp, true
}

// nestedPair reports whether the nested systems of two scans of a root
// pair up one by one, standing alike, as the others must (sameStanding).
func nestedPair(was, now []*System) bool {
	if len(was) != len(now) {
		return false
	}
	for j, s := range was {
		if !topLevelKind(s.Kind) && !sameStanding(s, now[j]) {
			return false
		}
	}
	return true
}

// byNesting splits systems into those of kinds that stand on their own
// and those nested in another (a VM, a container), in order.
func byNesting(systems []*System) (top, nested []*System) {
	for _, s := range systems {
		if topLevelKind(s.Kind) {
			top = append(top, s)
		} else {
			nested = append(nested, s)
		}
	}
	return top, nested
}

// spliceNested puts each splice's new nested systems where its old ones
// stand in systems: one run, as a rebuild leaves them (the nested systems
// of each root follow each other, after every top-level system). ok is
// false when they are not found so. It orders spliced by that place.
func spliceNested(systems []*System, spliced []splice) ([]*System, bool) {
	for i := range spliced {
		sp := &spliced[i]
		sp.at = slices.Index(systems, sp.wasNested[0])
		if end := sp.at + len(sp.wasNested); sp.at < 0 || end > len(systems) || !slices.Equal(systems[sp.at:end], sp.wasNested) {
			return nil, false
		}
	}
	slices.SortFunc(spliced, func(a, b splice) int { return a.at - b.at })
	out := make([]*System, 0, len(systems))
	next := 0
	for _, sp := range spliced {
		if sp.at < next {
			return nil, false
		}
		out = append(append(out, systems[next:sp.at]...), sp.nowNested...)
		next = sp.at + len(sp.wasNested)
	}
	return append(out, systems[next:]...), true
}

// derivableSpliced is derivable for a graph built in place whose spliced
// roots changed their nested systems (deriveSpliced); nil when the other
// systems replaced do not keep their claims and parents, as derivable
// requires.
func derivableSpliced(old *graph, sub map[*System]*System, spliced []splice) *derivableComps {
	comps := old.comps.Load()
	if comps == nil {
		return nil
	}
	inSplice := map[*System]bool{}
	for _, sp := range spliced {
		for _, s := range sp.was {
			inSplice[s] = true
		}
	}
	for o, n := range sub {
		if inSplice[o] {
			continue
		}
		if !sameSet(claims(o), claims(n)) || !sameParent(o, n, sub) {
			return nil
		}
	}
	return &derivableComps{systems: old.systems, comps: comps, sub: sub, spliced: spliced}
}

// deriveSpliced is derive for spliced roots (derivableSpliced): the
// components that held a spliced root's systems are found again among
// their systems, the others kept, all in the order components gives them
// (by their first system in systems). That is what components finds when
// the root's new systems (those a rebuild keeps, in systems) claim no file
// its last ones (in the last graph's components) did not, so that nothing
// joins them to another component, and their parents are the root's own:
// ok is false otherwise.
func (d *derivableComps) deriveSpliced(systems []*System) (cs *compSet, ok bool) {
	index := make(map[*System]int, len(systems))
	for i, s := range systems {
		index[s] = i
	}
	gone := map[*System]bool{}
	for _, sp := range d.spliced {
		for _, s := range sp.was {
			gone[s] = true
		}
	}
	lastComps, lastKeys := d.comps.all()
	claimed := map[string]bool{}
	for _, c := range lastComps {
		for _, s := range c {
			if gone[s] {
				for f := range claims(s) {
					claimed[f] = true
				}
			}
		}
	}
	var fresh []*System // the spliced roots' systems in systems
	for _, sp := range d.spliced {
		own := map[*System]bool{}
		for _, s := range sp.now {
			own[s] = true
		}
		for _, s := range sp.now {
			if _, in := index[s]; !in {
				continue
			}
			for f := range claims(s) {
				if !claimed[f] {
					return nil, false
				}
			}
			if s.Parent != nil && !own[s.Parent] {
				return nil, false
			}
			fresh = append(fresh, s)
		}
	}
	type comp struct {
		systems []*System
		key     string
		first   int
	}
	var out []comp
	var again []*System
	for i, c := range lastComps {
		if slices.ContainsFunc(c, func(s *System) bool { return gone[s] }) {
			for _, s := range c {
				if gone[s] {
					continue
				}
				if n := d.sub[s]; n != nil {
					s = n
				}
				again = append(again, s)
			}
			continue
		}
		kept := comp{systems: c, key: lastKeys[i]}
		cloned := false
		for j, s := range c {
			if n := d.sub[s]; n != nil {
				if !cloned {
					kept.systems, cloned = slices.Clone(c), true
				}
				kept.systems[j] = n
			}
		}
		if cloned {
			kept.key = componentKey(kept.systems)
		}
		kept.first = index[kept.systems[0]]
		out = append(out, kept)
	}
	again = append(again, fresh...)
	sort.Slice(again, func(i, j int) bool { return index[again[i]] < index[again[j]] })
	for _, c := range components(again) {
		out = append(out, comp{systems: c, key: componentKey(c), first: index[c[0]]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].first < out[j].first })
	comps, keys := make([][]*System, len(out)), make([]string, len(out))
	for i, c := range out {
		comps[i], keys[i] = c.systems, c.key
	}
	return newKeyedCompSet(comps, keys), true
}

// sameStanding reports whether two systems stand alike among the others:
// what rebuildGraph's merging of duplicates, its order and the split by
// class read of them is the same, but for their positions in their file.
func sameStanding(a, b *System) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.File == b.File &&
		a.template == b.template && a.named == b.named && a.Wiring == b.Wiring &&
		a.Unknown == b.Unknown && (len(a.Elems) == 0) == (len(b.Elems) == 0)
}

// rootOrder orders root keys as rebuildGraph scans them: files that declare
// systems, then lone configuration.nix files, then lone modules.
func rootOrder(key string) string {
	switch {
	case strings.HasPrefix(key, "scan:"):
		return "0" + key
	case strings.HasPrefix(key, "config:"):
		return "2" + key
	}
	return "3" + key
}

// rootScanOf returns the file and the scan of a root key other than an
// "outputs:" one.
func rootScanOf(key string) (string, func(*graph)) {
	kind, file, _ := strings.Cut(key, ":")
	switch kind {
	case "scan":
		return file, func(g *graph) { g.scanRoot(file) }
	case "config":
		return file, func(g *graph) { g.scanConfig(file) }
	}
	return file, func(g *graph) { g.scanLoneModule(file) }
}

// sameSlice reports whether a and b are the same slice (a list a rebuild
// shared rather than made again).
func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// rootReaders finds the roots that read given files. While what the roots
// read stays the same from graph to graph (an edit that changes no
// import), the graphs share one, and an edit looks its files up rather
// than every root's reads. It is built on its second use: the first after
// a change of what is read may well be the only one.
type rootReaders struct {
	uses atomic.Int32
	once sync.Once
	by   map[string][]string // file -> keys of the roots that read it
}

// of returns the keys of the roots of g that read a file of changed.
func (x *rootReaders) of(g *graph, changed map[string]bool) []string {
	var out []string
	if x == nil || x.uses.Add(1) < 2 {
		g.eachScan(func(k string, rs *rootScan) {
			if readsAny(rs.reads, changed) {
				out = append(out, k)
			}
		})
		return out
	}
	x.once.Do(func() {
		x.by = map[string][]string{}
		g.eachScan(func(k string, rs *rootScan) {
			for p := range rs.reads {
				x.by[p] = append(x.by[p], k)
			}
		})
	})
	if len(changed) == 1 {
		for p := range changed {
			return append(out, x.by[p]...)
		}
	}
	seen := map[string]bool{}
	for p := range changed {
		for _, k := range x.by[p] {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}
