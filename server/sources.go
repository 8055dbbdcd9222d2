package server

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/internal/readfile"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// inputSources returns the sources of the flake inputs that the folders'
// flake.lock files pin (their facts, by folder), for the module graph to
// follow modules taken from them (analysis.Sources); nil when no folder
// has a flake.lock. Made once per state of the facts (folderViews), so the
// files it parsed are kept.
func inputSources(folders []string, facts []*folderOptions) *analysis.Sources {
	var src *analysis.Sources
	for i, f := range folders {
		fo := facts[i]
		if fo.inputs == nil && fo.gone == nil {
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
		fl := path.Join(strings.TrimSuffix(f, "/"), "flake.nix")
		src.Dirs[fl], src.Absent[fl] = fo.inputs, fo.gone
	}
	return src
}
