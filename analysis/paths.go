package analysis

import (
	"path"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
)

// pathIndex is what the module graph and the checks read of the workspace's
// set of paths and of each file's scan: which files declare systems, which
// mention microvm, which may declare options. A graph rebuilt after an edit
// has the same paths (Cache.incrementalChanges), so it derives its index
// from the last graph's in the cost of the changed files, rather than
// walking every file again after each keystroke.
type pathIndex struct {
	paths []string // every path, sorted, flake.nix files first
	// rootFiles may declare systems, configs are the configuration.nix
	// files, relFiles name a configuration.nix by a relative path: all in
	// the order of paths; no edit a rebuild allows changes them.
	rootFiles, configs, relFiles []string
	// Files whose source mentions microvm (they may set or declare
	// microvm.* options), lib's option makers (they may declare options)
	// or home-manager modules of other flakes (foreignHomeModules): sorted.
	microvmFiles, declFiles, homeFiles []string
	byBase                             atomic.Pointer[map[string][]string] // paths by base name, built on first use
	sorted                             atomic.Pointer[[]string]            // paths in byte order, built on first use
}

// newPathIndex indexes every file of the workspace.
func newPathIndex(files []string, memos *memoSet) *pathIndex {
	x := &pathIndex{paths: append([]string(nil), files...)}
	sort.Strings(x.paths)
	// flake.nix files first
	sort.SliceStable(x.paths, func(i, j int) bool {
		return path.Base(x.paths[i]) == "flake.nix" && path.Base(x.paths[j]) != "flake.nix"
	})
	for _, p := range x.paths {
		m := memos.get(p)
		if m.hasRoots {
			x.rootFiles = append(x.rootFiles, p)
		}
		if path.Base(p) == "configuration.nix" {
			x.configs = append(x.configs, p)
		}
		if len(m.relPaths) > 0 {
			x.relFiles = append(x.relFiles, p)
		}
		x.note(p, m)
	}
	sort.Strings(x.microvmFiles)
	sort.Strings(x.declFiles)
	sort.Strings(x.homeFiles)
	return x
}

// note adds p to the lists of the file facts its memo holds.
func (x *pathIndex) note(p string, m *fileMemo) {
	if m.microvm {
		x.microvmFiles = append(x.microvmFiles, p)
	}
	if m.declares {
		x.declFiles = append(x.declFiles, p)
	}
	if m.foreignHome {
		x.homeFiles = append(x.homeFiles, p)
	}
}

// derive returns the index of the same paths after the files in changed
// changed (none of them declares systems or names a configuration.nix,
// before or after).
func (x *pathIndex) derive(changed map[string]bool, memos *memoSet) *pathIndex {
	y := &pathIndex{paths: x.paths, rootFiles: x.rootFiles, configs: x.configs, relFiles: x.relFiles}
	y.byBase.Store(x.byBase.Load())
	y.sorted.Store(x.sorted.Load())
	// A list none of whose changed files came or went is shared: typing
	// seldom changes what a file mentions.
	derive := func(list []string, has func(*fileMemo) bool) []string {
		same := true
		for p := range changed {
			_, in := slices.BinarySearch(list, p)
			if m := memos.get(p); in != (m != nil && has(m)) {
				same = false
				break
			}
		}
		if same {
			return list
		}
		out := make([]string, 0, len(list)+len(changed))
		for _, p := range list {
			if !changed[p] {
				out = append(out, p)
			}
		}
		for p := range changed {
			if m := memos.get(p); m != nil && has(m) {
				out = append(out, p)
			}
		}
		sort.Strings(out)
		return out
	}
	y.microvmFiles = derive(x.microvmFiles, func(m *fileMemo) bool { return m.microvm })
	y.declFiles = derive(x.declFiles, func(m *fileMemo) bool { return m.declares })
	y.homeFiles = derive(x.homeFiles, func(m *fileMemo) bool { return m.foreignHome })
	return y
}

// named returns the paths whose base name is base.
func (x *pathIndex) named(base string) []string {
	m := x.byBase.Load()
	if m == nil {
		idx := map[string][]string{}
		for _, p := range x.paths {
			b := path.Base(p)
			idx[b] = append(idx[b], p)
		}
		x.byBase.Store(&idx)
		m = &idx
	}
	return (*m)[base]
}

// withPrefix returns the paths that start with prefix, in byte order: the
// files below a directory, found by a binary search rather than a look at
// every path (host maps list directories of workspaces of thousands of
// files).
func (x *pathIndex) withPrefix(prefix string) []string {
	sp := x.sorted.Load()
	if sp == nil {
		s := append([]string(nil), x.paths...)
		sort.Strings(s)
		sp = &s
		x.sorted.Store(sp)
	}
	s := *sp
	i := sort.SearchStrings(s, prefix)
	j := i
	for j < len(s) && strings.HasPrefix(s[j], prefix) {
		j++
	}
	return s[i:j]
}
