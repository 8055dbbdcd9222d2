package microvm

import (
	"github.com/microvm-lsp/microvm-lsp/optindex"
	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// Pinned returns the option facts of the microvm.nix a workspace's
// flake.lock pins, indexed from its source in store (through cache). facts
// is nil when no microvm.nix is pinned or its source is absent; absent is
// then the pinned source, to be named to the user.
func Pinned(workspace string, store nixstore.Store, nixPath string, cache *optindex.Cache) (facts *Facts, absent *optindex.Source, err error) {
	srcs, err := optindex.Locate(workspace, store, nixPath)
	if err != nil {
		return nil, nil, err
	}
	for i := range srcs {
		src := &srcs[i]
		if !IsFlakeURL(src.Ref) && src.Input != "microvm" {
			continue
		}
		if !src.Present() {
			return nil, src, nil
		}
		ix, err := cache.Index(src, ModuleEntries)
		if err != nil {
			return nil, nil, err
		}
		return FromIndex(ix, src.Input, src.Rev, src.StorePath), nil, nil
	}
	return nil, nil, nil
}
