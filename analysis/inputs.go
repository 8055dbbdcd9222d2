package analysis

import (
	"path"
	"strings"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Modules from a flake input's source: `inputs.X.nixosModules.Y`,
// `inputs.X + "/modules"` or `"${inputs.X}/modules"` name files that are
// not in the workspace but in the Nix store, where flake.lock pins X. When
// that source is on disk the module graph reads X's flake.nix outputs as it
// reads the workspace's and follows the module into the source's files, so
// that a system whose host module comes through X (X's module importing
// microvm.nix's) has a known closure. When flake.lock pins X but its source
// is absent, the element is unknown (the closure is partial there); without
// any flake.lock it stays what it was: a module of another flake, not
// microvm.nix's. nixpkgs, home-manager and nix-darwin are never followed
// (optindex.ModuleInputs).

// Sources are the sources of flake inputs that the module graph may read.
// The files below them are never analysed for findings of their own.
type Sources struct {
	// Dirs maps each flake.nix of the workspace (a key of Workspace.Files)
	// to the source directories (slash-separated) of its inputs, by input
	// name. Inputs not listed are not followed.
	Dirs map[string]map[string]string
	// Absent names, per flake.nix, the inputs whose source is not on
	// disk: a module taken from one is unknown (it may import anything).
	Absent map[string][]string
	// Read returns the content of a file below one of the directories.
	Read func(path string) ([]byte, error)

	mu    sync.Mutex
	files map[string]*nixast.File // parsed on first use; nil: not readable
}

// maxSourceFile bounds the size of a source file the graph parses.
const maxSourceFile = 1 << 20

// holds reports whether p is below one of the source directories.
func (s *Sources) holds(p string) bool {
	if s == nil {
		return false
	}
	for _, dirs := range s.Dirs {
		for _, d := range dirs {
			if strings.HasPrefix(p, strings.TrimSuffix(d, "/")+"/") {
				return true
			}
		}
	}
	return false
}

// file returns the parsed file at p below a source directory, nil when p
// is not there or cannot be read.
func (s *Sources) file(p string) *nixast.File {
	if s == nil || s.Read == nil || !s.holds(p) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.files[p]; ok {
		return f
	}
	if s.files == nil {
		s.files = map[string]*nixast.File{}
	}
	var f *nixast.File
	if src, err := s.Read(p); err == nil && len(src) <= maxSourceFile {
		f = nixast.ParseWithoutTokens(p, src)
	}
	s.files[p] = f
	return f
}

// input returns the value of an input of flake other than microvm.nix.
func (s *Sources) input(flake, input string) *foreignV {
	v := &foreignV{Input: input}
	if s == nil {
		return v
	}
	v.Dir = s.Dirs[flake][input]
	for _, a := range s.Absent[flake] {
		v.Absent = v.Absent || a == input
	}
	return v
}

// fromSource reports whether a finding's file is one of an input's
// source: nobody can edit it, so it gets no finding.
func (ws *Workspace) fromSource(file string) bool {
	return ws.At(file) == nil && ws.Sources.holds(file)
}

// sourceFile resolves a path below a source directory to the file it
// names (the path itself, or its default.nix), "" when there is none.
func (ev *evaluator) sourceFile(p string) string {
	if !ev.ws.Sources.holds(p) {
		return ""
	}
	if !strings.HasSuffix(p, "/") && ev.ws.Sources.file(p) != nil {
		return p
	}
	if d := path.Join(p, "default.nix"); ev.ws.Sources.file(d) != nil {
		return d
	}
	return ""
}

// sourcePath is the path value of text when it names a file or directory
// below a source directory (an input's outPath with a suffix); nil when
// it does not.
func (ev *evaluator) sourcePath(text string) Value {
	if known, _, unknown := strings.Cut(text, "\x00"); unknown {
		if ev.ws.Sources.holds(known) {
			return &foreignV{} // some file of the input: not microvm.nix's
		}
		return nil
	}
	if !ev.ws.Sources.holds(text + "/") {
		return nil
	}
	p := path.Clean(text)
	return &pathV{File: ev.sourceFile(p), Text: p, Abs: p}
}

// selectSource selects name from an input whose source is on disk: its
// outPath, or the outputs its flake.nix defines; nil when the outputs
// are not read for that name. From an input whose source is absent, its
// modules are unknown.
func (ev *evaluator) selectSource(v *foreignV, name, file string) Value {
	if v.Absent {
		switch name {
		case "nixosModules", "nixosModule", "modules", "outPath":
			return unknown
		}
		return nil
	}
	switch name {
	case "outPath":
		return &pathV{File: ev.sourceFile(v.Dir), Text: v.Dir, Abs: v.Dir}
	case "nixosModules", "nixosModule", "modules", "flakeModules", "flakeModule":
	default:
		return nil
	}
	fl := path.Join(v.Dir, "flake.nix")
	if ev.ws.Sources.file(fl) == nil {
		return nil
	}
	root, ok := ev.force(ev.fileRoot(fl)).(*attrsV)
	if !ok {
		return nil
	}
	out := ev.force(root.Attrs["outputs"])
	if out == nil {
		return nil
	}
	return ev.selectAttr(out, name, file)
}
