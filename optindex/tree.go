package optindex

import "sort"

// node is one element of the option tree: Lookup, Children and HasPrefix
// walk it instead of scanning every option (a NixOS index has tens of
// thousands, and a check asks for each definition of a workspace).
type node struct {
	kids map[string]*node
	opt  *Option
}

// root returns the tree of the index's options, built on first use. The
// index must not change afterwards.
func (ix *Index) root() *node {
	ix.treeOnce.Do(func() {
		r := &node{}
		for i := range ix.Options {
			o := &ix.Options[i]
			n := r
			for _, s := range o.Loc {
				if n.kids == nil {
					n.kids = map[string]*node{}
				}
				k := n.kids[s]
				if k == nil {
					k = &node{}
					n.kids[s] = k
				}
				n = k
			}
			if n.opt == nil {
				n.opt = o
			}
		}
		ix.tree = r
	})
	return ix.tree
}

// walk returns the tree nodes a path reaches: a literal element follows its
// own name and a placeholder ("<name>", "*"); a placeholder written in the
// path follows only the same placeholder.
func (n *node) walk(loc []string, out []*node) []*node {
	if len(loc) == 0 {
		return append(out, n)
	}
	if n.kids == nil {
		return out
	}
	s := loc[0]
	if k := n.kids[s]; k != nil {
		out = k.walk(loc[1:], out)
	}
	if !isPlaceholder(s) {
		for _, p := range [...]string{"<name>", "*"} {
			if k := n.kids[p]; k != nil {
				out = k.walk(loc[1:], out)
			}
		}
	}
	return out
}

// lookupTree is Lookup through the tree: the option whose path matches loc
// with the most literal elements.
func (ix *Index) lookupTree(loc []string) *Option {
	var best *Option
	bestScore := -1
	for _, n := range ix.root().walk(loc, nil) {
		if n.opt == nil {
			continue
		}
		score := 0
		for j, s := range n.opt.Loc {
			if s == loc[j] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = n.opt, score
		}
	}
	return best
}

// childrenTree is Children through the tree.
func (ix *Index) childrenTree(prefix []string) []Child {
	seen := map[string]int{}
	var out []Child
	for _, n := range ix.root().walk(prefix, nil) {
		for name, k := range n.kids {
			i, ok := seen[name]
			if !ok {
				seen[name] = len(out)
				out = append(out, Child{Name: name})
				i = len(out) - 1
			}
			if k.opt != nil && (out[i].Option == nil || out[i].Option.Name > k.opt.Name) {
				out[i].Option = k.opt
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// hasPrefixTree is HasPrefix through the tree.
func (ix *Index) hasPrefixTree(prefix []string) bool {
	return len(ix.root().walk(prefix, nil)) > 0
}
