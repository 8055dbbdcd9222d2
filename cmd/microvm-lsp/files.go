package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// skipDir reports whether a directory below a given tree is left out: what
// no Nix configuration lives in, and the results of builds.
func skipDir(name string) bool {
	switch name {
	case ".git", "node_modules", ".direnv":
		return true
	}
	return false
}

// walkNix returns the *.nix files below dir, in lexical order, as paths
// under dir as written (a symlinked dir, such as /etc/nixos often is, is
// followed). Symlinks to files are taken; symlinks to directories below
// dir are not followed (they may loop). skip, if set, leaves out a path
// (and all below it when it is a directory).
func walkNix(dir string, skip func(path string) bool) ([]string, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != real && errors.Is(err, fs.ErrPermission) {
				return nil // an unreadable corner is not the user's question
			}
			return err
		}
		rel, _ := filepath.Rel(real, p)
		name := filepath.Join(dir, rel)
		if d.IsDir() {
			if p != real && (skipDir(d.Name()) || skip != nil && skip(name)) {
				return filepath.SkipDir
			}
			return nil
		}
		if filepath.Ext(p) != ".nix" || skip != nil && skip(name) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if info, err := os.Stat(p); err != nil || !info.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		out = append(out, name)
		return nil
	})
	sort.Strings(out)
	return out, err
}

// collectNixFiles expands directories into the *.nix files below them, in
// lexical order; plain files are taken as given. A directory without any
// is an error.
func collectNixFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		files, err := walkNix(p, nil)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no .nix files below %s", p)
		}
		out = append(out, files...)
	}
	return out, nil
}

// workspaceRoot returns the directory of the workspace a file belongs to:
// the nearest directory at or above dir with a flake.nix, else the nearest
// with a .git; "" when there is neither.
func workspaceRoot(dir string) string {
	for _, marker := range []string{"flake.nix", ".git"} {
		for d := dir; ; {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d
			}
			parent := filepath.Dir(d)
			if parent == d {
				break
			}
			d = parent
		}
	}
	return ""
}
