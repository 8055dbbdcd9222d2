package microvm

import "strings"

// Folders are the option facts of several workspace folders, each from the
// microvm.nix its own flake.lock pins: a file is checked against the
// microvm.nix of the folder that holds it.
type Folders struct {
	Dirs  []string // slash-separated, without a trailing slash
	Facts []*Facts // nil: the embedded index
}

// For returns the facts of the innermost folder holding file; false when no
// folder holds it.
func (f *Folders) For(file string) (*Facts, bool) {
	if f == nil {
		return nil, false
	}
	best := -1
	for i, d := range f.Dirs {
		// d+"/" would be a string per folder per call: every system's
		// every file asks, on every keystroke.
		inside := file == d || len(file) > len(d) && file[len(d)] == '/' && strings.HasPrefix(file, d)
		if inside && (best < 0 || len(d) > len(f.Dirs[best])) {
			best = i
		}
	}
	if best < 0 {
		return nil, false
	}
	return f.Facts[best], true
}
