package optindex

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/internal/readfile"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/optindex/flakelock"
	"github.com/microvm-lsp/microvm-lsp/optindex/nixstore"
)

// Source is a source tree of Nix modules that a workspace refers to: a locked
// flake input, a path: input, or <nixpkgs> through NIX_PATH.
type Source struct {
	// Input is the input's name in flake.lock ("microvm"), or the search
	// path entry ("<nixpkgs>").
	Input string
	// Ref is the locked reference for messages ("github:owner/repo/rev");
	// empty for a search path.
	Ref string
	// Rev is the locked revision, when there is one.
	Rev string
	// StorePath is the logical store path (/nix/store/...-source); empty
	// when the source is not in the store (a path: input outside it, a
	// NIX_PATH directory).
	StorePath string
	// Dir is the directory on disk holding the source's root (the flake's
	// dir= subdirectory included), under the store's root directory.
	Dir string
	// Absent says why the source is not on disk (never fetched, garbage
	// collected); nil when Dir exists.
	Absent error
}

// Present reports whether the source's directory exists on disk.
func (s *Source) Present() bool { return s.Absent == nil }

// ErrAbsent is wrapped by Source.Absent for a store path that is not on disk.
var ErrAbsent = errors.New("not in the Nix store")

// Locate returns the sources the workspace's flake.lock pins, in input order;
// without a flake.lock, <nixpkgs> from nixPath (NIX_PATH's syntax; "" for
// none), and the path: inputs flake.nix names. path: inputs are resolved
// against the workspace directory. It reads nothing but flake.lock (or
// flake.nix without one) and the existence of directories.
func Locate(workspace string, store nixstore.Store, nixPath string) ([]Source, error) {
	lock, err := flakelock.Read(filepath.Join(workspace, "flake.lock"))
	if errors.Is(err, fs.ErrNotExist) {
		return append(locatePathInputs(workspace, store), locateNixPath(nixPath, store)...), nil
	}
	if err != nil {
		return nil, err
	}
	return LocateLock(lock, workspace, store), nil
}

// LocateLock returns the sources of a parsed flake.lock's root inputs.
func LocateLock(lock *flakelock.Lock, workspace string, store nixstore.Store) []Source {
	var out []Source
	for _, in := range lock.RootInputs() {
		out = append(out, locateInput(in, workspace, store))
	}
	return out
}

func locateInput(in flakelock.Locked, workspace string, store nixstore.Store) Source {
	r := in.Ref
	src := Source{Input: in.Name(), Ref: r.String(), Rev: r.Rev}
	if r.NarHash != "" {
		p, err := store.SourcePath(r.NarHash, r.StoreName())
		if err != nil {
			src.Absent = err
			return src
		}
		src.StorePath = p
		src.Dir = store.Physical(p)
	} else if r.Type == "path" {
		// An unlocked path: input (a local checkout) is read in place.
		p := r.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(workspace, p)
		}
		src.Dir = p
	} else {
		src.Absent = fmt.Errorf("input %s has no narHash in flake.lock", src.Input)
		return src
	}
	if r.Dir != "" {
		src.Dir = filepath.Join(src.Dir, r.Dir)
	}
	if st, err := os.Stat(src.Dir); err != nil || !st.IsDir() {
		where := src.StorePath
		if where == "" {
			where = src.Dir
		}
		src.Absent = fmt.Errorf("%s (input %s, %s) is %w", where, src.Input, src.Ref, ErrAbsent)
	}
	return src
}

// locateNixPath finds <nixpkgs> in a NIX_PATH value: "nixpkgs=DIR" entries,
// or a bare directory that holds nixpkgs/.
func locateNixPath(nixPath string, store nixstore.Store) []Source {
	for _, entry := range strings.Split(nixPath, ":") {
		var dir string
		if v, ok := strings.CutPrefix(entry, "nixpkgs="); ok {
			dir = v
		} else if !strings.Contains(entry, "=") && entry != "" {
			dir = filepath.Join(entry, "nixpkgs")
		} else {
			continue
		}
		if strings.Contains(dir, "://") || strings.HasPrefix(dir, "flake:") {
			continue // fetched at evaluation time: never by us
		}
		src := Source{Input: "<nixpkgs>", Dir: dir}
		if strings.HasPrefix(dir, store.Dir+"/") {
			src.StorePath = dir
			src.Dir = store.Physical(dir)
		}
		if st, err := os.Stat(src.Dir); err != nil || !st.IsDir() {
			src.Absent = fmt.Errorf("%s (<nixpkgs> in NIX_PATH) is %w", dir, ErrAbsent)
			if !strings.HasPrefix(dir, store.Dir+"/") {
				continue
			}
		}
		return []Source{src}
	}
	return nil
}

// locatePathInputs returns the path: inputs of a flake.nix that has no
// flake.lock yet (inputs.NAME.url = "path:DIR", in any of its spellings):
// local checkouts, read in place.
func locatePathInputs(workspace string, store nixstore.Store) []Source {
	src, err := readfile.Regular(filepath.Join(workspace, "flake.nix"), nil, nixast.MaxFileSize)
	if err != nil {
		return nil
	}
	root, ok := nixast.Unparen(nixast.Parse("flake.nix", src).Root).(*nixast.AttrSet)
	if !ok {
		return nil
	}
	var out []Source
	var walk func(prefix []string, binds []nixast.Binding)
	walk = func(prefix []string, binds []nixast.Binding) {
		for _, b := range binds {
			a, ok := b.(*nixast.AttrAssign)
			if !ok || a.Path == nil {
				continue
			}
			names, static := a.Path.StaticNames()
			if !static {
				continue
			}
			p := append(append([]string{}, prefix...), names...)
			if len(p) > 3 || p[0] != "inputs" {
				continue
			}
			if set, ok := nixast.Unparen(a.Value).(*nixast.AttrSet); ok {
				walk(p, set.Bindings)
				continue
			}
			lit, ok := nixast.Unparen(a.Value).(*nixast.StringLit)
			if !ok || len(p) != 3 || p[2] != "url" {
				continue
			}
			url, ok := lit.StaticValue()
			dir, isPath := strings.CutPrefix(url, "path:")
			if !ok || !isPath {
				continue
			}
			dir, _, _ = strings.Cut(dir, "?")
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(workspace, dir)
			}
			s := Source{Input: p[1], Ref: url, Dir: dir}
			if strings.HasPrefix(dir, store.Dir+"/") {
				s.StorePath, s.Dir = dir, store.Physical(dir)
			}
			if st, err := os.Stat(s.Dir); err != nil || !st.IsDir() {
				s.Absent = fmt.Errorf("%s (input %s, %s) is %w", dir, s.Input, url, ErrAbsent)
			}
			out = append(out, s)
		}
	}
	walk(nil, root.Bindings)
	return out
}

// ModuleInputs returns the root inputs of the flake.lock in dir whose
// NixOS modules a module graph may follow into their files: every input
// but the module collections whose options are indexed as sets
// (InputClasses: nixpkgs, home-manager, nix-darwin). present maps the
// inputs whose source is on disk to its directory (slash-separated);
// absent names the others. Both nil without a flake.lock.
func ModuleInputs(dir string, store nixstore.Store) (present map[string]string, absent []string) {
	lock, err := flakelock.Read(filepath.Join(dir, "flake.lock"))
	if err != nil {
		return nil, nil
	}
	present = map[string]string{}
	for _, src := range LocateLock(lock, dir, store) {
		switch {
		case len(InputClasses(src.Input, src.Ref)) > 0:
		case src.Present():
			present[src.Input] = filepath.ToSlash(src.Dir)
		default:
			absent = append(absent, src.Input)
		}
	}
	return present, absent
}
