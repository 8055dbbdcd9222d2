// What a rebuilt module graph keeps of the last one: the scans of roots that read no changed file, and the unions and components their systems give.

package analysis

// derivableComps are the last graph's components, and which of its
// systems the new graph replaces by which.
type derivableComps struct {
	systems []*System
	comps   [][]*System
	sub     map[*System]*System
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

func readsAny(reads, changed map[string]bool) bool {
	for p := range changed {
		if reads[p] {
			return true
		}
	}
	return false
}
