package server

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// inputSources returns the sources of the flake inputs that the workspace
// folders' flake.lock files pin, for the module graph to follow modules
// taken from them (analysis.Sources); nil when no folder has a flake.lock.
// The value stays the same while no folder's facts change, so the files
// it parsed are kept.
func (s *Server) inputSources() *analysis.Sources {
	folders := s.index.folderList()
	facts := make([]*folderOptions, len(folders))
	keys := make([]string, len(folders))
	for i, f := range folders {
		facts[i] = s.folderFacts(f)
		keys[i] = f + "\x00" + facts[i].key
	}
	key := strings.Join(keys, "\x01")
	o := &s.options
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sourcesKey == key {
		return o.sources
	}
	var src *analysis.Sources
	for i, f := range folders {
		fo := facts[i]
		if fo.inputs == nil && fo.gone == nil {
			continue
		}
		if src == nil {
			src = &analysis.Sources{Dirs: map[string]map[string]string{}, Absent: map[string][]string{},
				Read: func(p string) ([]byte, error) { return os.ReadFile(filepath.FromSlash(p)) }}
		}
		fl := path.Join(strings.TrimSuffix(f, "/"), "flake.nix")
		src.Dirs[fl], src.Absent[fl] = fo.inputs, fo.gone
	}
	o.sources, o.sourcesKey = src, key
	return src
}
