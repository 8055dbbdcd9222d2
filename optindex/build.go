package optindex

// Build extracts, without evaluating Nix, the options that the modules
// reachable from entries declare. root is the source's directory; entries
// are files or directories relative to it (a directory means its
// default.nix), or flake output references as DefaultEntries returns them.
// A file that cannot be read or parsed is recorded in Index.Partial, not
// returned as an error; the error is for a root that cannot be read.
func Build(root string, entries []string) (*Index, error) {
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
