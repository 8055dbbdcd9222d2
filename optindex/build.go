package optindex

import (
	"fmt"
	"os"
)

// Build extracts, without evaluating Nix, the options that the modules
// reachable from entries declare. root is the source's directory; entries
// are files or directories relative to it (a directory means its
// default.nix), or flake output references as DefaultEntries returns them.
// A file that cannot be read or parsed is recorded in Index.Partial, not
// returned as an error; the error is for a root that cannot be read.
func Build(root string, entries []string) (ix *Index, err error) {
	if st, err := os.Stat(root); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", root)
	}
	defer func() {
		// The evaluator walks arbitrary source: a bug there must cost the
		// index, never the process.
		if r := recover(); r != nil {
			ix, err = nil, fmt.Errorf("indexing %s: internal error: %v", root, r)
		}
	}()
	b := newBuilder(root)
	for _, e := range entries {
		b.entry(e)
	}
	return b.finish(), nil
}

// DefaultEntries returns the module entries of a source: the module outputs
// of its flake.nix (nixosModules, homeManagerModules, homeModules,
// darwinModules, flakeModules, and the singular nixosModule etc.), written
// "flake.nix#nixosModules.NAME"; or "default.nix" when there is no
// flake.nix.
func DefaultEntries(root string) []string {
	return defaultEntries(root)
}
