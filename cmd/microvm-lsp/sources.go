package main

import (
	"path"
	"path/filepath"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/internal/readfile"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex"
	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// inputSources returns the sources of the flake inputs that each flake.nix
// among keys (absolute, slash-separated) pins in its flake.lock, so that
// the module graph follows modules taken from them; nil when no flake
// has a flake.lock.
func inputSources(keys []string, storeRoot string) *analysis.Sources {
	var src *analysis.Sources
	store := nixstore.Default(storeRoot)
	for _, k := range keys {
		if path.Base(k) != "flake.nix" {
			continue
		}
		present, absent := optindex.ModuleInputs(filepath.FromSlash(path.Dir(k)), store)
		if present == nil && absent == nil {
			continue
		}
		if src == nil {
			src = &analysis.Sources{Dirs: map[string]map[string]string{}, Absent: map[string][]string{},
				// A regular file only, no larger than the parser reads: a
				// source may hold a link to anything (/dev/zero was read
				// until memory ran out).
				Read: func(p string) ([]byte, error) {
					return readfile.Regular(filepath.FromSlash(p), nil, nixast.MaxFileSize)
				}}
		}
		src.Dirs[k], src.Absent[k] = present, absent
	}
	return src
}
