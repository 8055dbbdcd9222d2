package optindex

import (
	"os"
	"path/filepath"
	"strings"
)

// Class is the module system an option index describes: modules of one
// class are evaluated together, with the options of that class.
type Class string

// The classes microvm-lsp indexes.
const (
	NixOS       Class = "nixos"
	HomeManager Class = "home-manager"
	Darwin      Class = "darwin"
)

// Tree is a module tree of a source: the entries whose closure is every
// module of one class the source declares.
type Tree struct {
	Class   Class
	Entries []string
}

// moduleTrees are the module trees a source may hold, recognised by the
// files that make them: nixpkgs' NixOS modules, home-manager's modules
// (and its NixOS and nix-darwin modules, which declare home-manager.*),
// nix-darwin's modules.
var moduleTrees = []struct {
	marker []string // files that must all exist
	tree   Tree
}{
	{[]string{"nixos/modules/module-list.nix", "lib/modules.nix"}, Tree{NixOS, []string{"nixos/modules/module-list.nix"}}},
	{[]string{"modules/modules.nix", "modules/home-environment.nix"}, Tree{HomeManager, []string{"modules/modules.nix"}}},
	{[]string{"modules/home-environment.nix", "nixos/default.nix"}, Tree{NixOS, []string{"nixos/default.nix"}}},
	{[]string{"modules/home-environment.nix", "nix-darwin/default.nix"}, Tree{Darwin, []string{"nix-darwin/default.nix"}}},
	{[]string{"modules/module-list.nix", "modules/system/activation-scripts.nix"}, Tree{Darwin, []string{"modules/module-list.nix"}}},
}

// ModuleTrees returns the module trees a source directory holds, by the
// files it has; none for a source that is no known module collection.
func ModuleTrees(dir string) []Tree {
	var out []Tree
	for _, t := range moduleTrees {
		ok := true
		for _, m := range t.marker {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(m))); err != nil {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, t.tree)
		}
	}
	return out
}

// InputClasses guesses, from a locked reference alone, which classes an
// input's source would declare options of: for an absent source, to know
// which prefixes are not known ("github:NixOS/nixpkgs/..." declares NixOS
// options). The input's name decides when the reference says nothing.
func InputClasses(input, ref string) []Class {
	r := strings.ToLower(ref)
	has := func(s string) bool { return strings.Contains(r, s) }
	switch {
	case has("/nixpkgs") || has(":nixpkgs") || input == "nixpkgs" || input == "<nixpkgs>":
		if has("nixpkgs.lib") || has("nixpkgs-lib") {
			return nil
		}
		return []Class{NixOS}
	case has("home-manager") || input == "home-manager":
		return []Class{HomeManager, NixOS, Darwin}
	case has("nix-darwin") || input == "nix-darwin" || input == "darwin":
		return []Class{Darwin}
	}
	return nil
}

// Indexed is the option index of one module tree of a source.
type Indexed struct {
	Class Class
	// Input is the flake input ("nixpkgs") or search path ("<nixpkgs>").
	Input string
	// Rev is the source's revision, when known.
	Rev string
	// StorePath is the source's store path, when it is one.
	StorePath string
	Index     *Index
}

// Origin names the source for messages: "input nixpkgs (1a2b3c4)".
func (x *Indexed) Origin() string {
	s := x.Input
	if !strings.HasPrefix(s, "<") {
		s = "input " + s
	}
	if x.Rev != "" {
		r := x.Rev
		if len(r) > 7 {
			r = r[:7]
		}
		s += " (" + r + ")"
	}
	return s
}

// Sets are the option indexes of a workspace's sources, by class.
type Sets struct {
	Indexed []*Indexed
	// Unindexed lists the classes that some source the workspace refers to
	// declares options of but that is not indexed (its source is absent):
	// names of those classes are never reported unknown.
	Unindexed []Class
}

// Of returns the indexes of a class.
func (s *Sets) Of(c Class) []*Indexed {
	if s == nil {
		return nil
	}
	var out []*Indexed
	for _, x := range s.Indexed {
		if x.Class == c {
			out = append(out, x)
		}
	}
	return out
}

// Complete reports whether every source of a class is indexed: only then
// may a name the indexes lack be called unknown.
func (s *Sets) Complete(c Class) bool {
	if s == nil || len(s.Of(c)) == 0 {
		return false
	}
	for _, u := range s.Unindexed {
		if u == c {
			return false
		}
	}
	return true
}

// Lookup returns the option a path of a class names, and its index.
func (s *Sets) Lookup(c Class, loc []string) (*Option, *Indexed) {
	for _, x := range s.Of(c) {
		if o := x.Index.lookupListed(loc); o != nil {
			return o, x
		}
	}
	return nil, nil
}

// Children returns the names that may follow a prefix in a class, over
// every index of the class (below a list of submodules, its element's).
func (s *Sets) Children(c Class, prefix []string) []Child {
	seen := map[string]int{}
	var out []Child
	for _, x := range s.Of(c) {
		for _, ch := range x.Index.childrenListed(prefix) {
			if i, ok := seen[ch.Name]; ok {
				if out[i].Option == nil {
					out[i].Option = ch.Option
				}
				continue
			}
			seen[ch.Name] = len(out)
			out = append(out, ch)
		}
	}
	return out
}

// Rename returns the rename entry for a path of a class, or nil.
func (s *Sets) Rename(c Class, loc []string) (*Rename, *Indexed) {
	for _, x := range s.Of(c) {
		if r := x.Index.Rename(loc); r != nil {
			return r, x
		}
	}
	return nil, nil
}

// Mount returns the class of the modules an option's value is made of,
// when the type description names another module system: home-manager's
// home-manager.users is an "attribute set of (Home Manager module)".
func Mount(o *Option) (Class, bool) {
	switch {
	case strings.Contains(o.Type, "Home Manager module"):
		return HomeManager, true
	case strings.Contains(o.Type, "NixOS module") || strings.Contains(o.Type, "NixOS configuration"):
		return NixOS, true
	}
	return "", false
}

// listed inserts the "*" of a list of submodules that a path leaves out
// (microvm.shares.proto for microvm.shares.*.proto is not written, but
// a list element's set is completed with its element's options).
func (ix *Index) listed(loc []string) []string {
	for i := 1; i < len(loc); i++ {
		if p := ix.lookupTree(loc[:i]); p != nil && isListOfSubmodules(p.Type) && loc[i] != "*" {
			return append(append(append([]string{}, loc[:i]...), "*"), loc[i:]...)
		}
	}
	return loc
}

func (ix *Index) lookupListed(loc []string) *Option {
	if o := ix.lookupTree(loc); o != nil {
		return o
	}
	if l := ix.listed(loc); len(l) != len(loc) {
		return ix.lookupTree(l)
	}
	return nil
}

func (ix *Index) childrenListed(prefix []string) []Child {
	p := ix.listed(prefix)
	if o := ix.lookupTree(p); o != nil && isListOfSubmodules(o.Type) {
		p = append(append([]string{}, p...), "*")
	}
	return ix.childrenTree(p)
}

func isListOfSubmodules(typ string) bool {
	t := strings.TrimPrefix(typ, "null or ")
	return strings.HasPrefix(t, "list of (submodule") || strings.HasPrefix(t, "list of submodule")
}

// isSubmoduleType reports whether a type description is made of options.
func isSubmoduleType(typ string) bool {
	t := strings.TrimPrefix(typ, "null or ")
	for _, p := range []string{"attribute set of ", "lazy attribute set of ", "list of "} {
		t = strings.TrimPrefix(t, p)
	}
	t = strings.Trim(t, "()")
	return strings.HasPrefix(t, "submodule")
}

// Verdict is what a path written in a module is to a class's indexes.
type Verdict struct {
	// Option is the option the path names or lies below.
	Option *Option
	// From is the index that declares it.
	From *Indexed
	// Unknown is the index of the first element no option declares; -1
	// when there is none or nothing can be said.
	Unknown int
	// Open is set below an option whose value is not made of options,
	// a freeform prefix, or a renamed option.
	Open bool
	// Rename is set when the path is (below) a renamed option.
	Rename *Rename
	// Mount is the class the rest of the path belongs to when the path
	// goes into an option made of another class's modules
	// (home-manager.users.<name>); MountAt is the length of its prefix.
	Mount   Class
	MountAt int
}

// Walk tells what a path of a class is to its indexes: the option it names,
// or the first element that none declares. An unknown first element (0)
// may be another source's: the caller decides, from Complete and what else
// its modules declare.
func (s *Sets) Walk(c Class, path []string) Verdict {
	v := Verdict{Unknown: -1}
	if len(path) == 0 {
		return v
	}
	for k := 0; k < len(path); k++ {
		prefix := path[:k+1]
		if r, x := s.Rename(c, prefix); r != nil {
			return Verdict{Unknown: -1, Open: true, Rename: r, From: x}
		}
		for _, x := range s.Of(c) {
			if x.Index.IsFreeform(x.Index.listed(prefix)) {
				return Verdict{Unknown: -1, Open: true, From: x}
			}
		}
		if o, x := s.Lookup(c, prefix); o != nil {
			v.Option, v.From = o, x
			if k+1 == len(path) {
				return v
			}
			if m, ok := Mount(o); ok {
				v.Mount, v.MountAt = m, k+2 // the attribute name follows
				return v
			}
			if !isSubmoduleType(o.Type) || !s.hasOptionsBelow(c, prefix) {
				v.Open = true
				return v
			}
			continue
		}
		found := false
		for _, x := range s.Of(c) {
			if x.Index.hasPrefixTree(x.Index.listed(prefix)) {
				found = true
				break
			}
		}
		if found {
			continue
		}
		v.Unknown = k
		return v
	}
	return v
}

func (s *Sets) hasOptionsBelow(c Class, prefix []string) bool {
	for _, ch := range s.Children(c, prefix) {
		if ch.Name != "_module" {
			return true
		}
	}
	return false
}

// Folders are the option indexes of several workspace folders, each with
// the sources its own flake.lock pins.
type Folders struct {
	Dirs []string // slash-separated, without a trailing slash
	Sets []*Sets
}

// For returns the indexes of the folder holding file (the innermost one),
// or nil.
func (f *Folders) For(file string) *Sets {
	if f == nil {
		return nil
	}
	best := -1
	for i, d := range f.Dirs {
		if (file == d || strings.HasPrefix(file, d+"/")) && (best < 0 || len(d) > len(f.Dirs[best])) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	return f.Sets[best]
}

// BuildSets indexes the module trees of the present sources among srcs,
// now, through cache; skip leaves out sources read another way (microvm.nix).
// Absent sources of a known class make that class Unindexed and are
// returned, to be named to the user.
func BuildSets(srcs []Source, cache *Cache, skip func(*Source) bool) (*Sets, []*Source) {
	sets := &Sets{}
	var absent []*Source
	for i := range srcs {
		src := &srcs[i]
		if skip != nil && skip(src) {
			continue
		}
		if !src.Present() {
			if classes := InputClasses(src.Input, src.Ref); len(classes) > 0 {
				sets.Unindexed = append(sets.Unindexed, classes...)
				absent = append(absent, src)
			}
			continue
		}
		for _, t := range ModuleTrees(src.Dir) {
			ix, err := cache.Index(src, t.Entries)
			if err != nil {
				sets.Unindexed = append(sets.Unindexed, t.Class)
				continue
			}
			sets.Indexed = append(sets.Indexed, &Indexed{Class: t.Class, Input: src.Input, Rev: src.Rev, StorePath: src.StorePath, Index: ix})
		}
	}
	if len(sets.Indexed) == 0 && len(sets.Unindexed) == 0 {
		return nil, absent
	}
	return sets, absent
}
