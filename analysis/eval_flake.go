// Flakes in the abstract evaluator: a file's root, a flake's inputs and the arguments its outputs get.

package analysis

import (
	"path"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

type flakeInfo struct {
	microvmInputs map[string]bool
	forkInputs    map[string]bool // microvm.nix from another owner
	inputNames    []string
	inputURLs     map[string]string // by input name, the literal url
	args          *attrsV
}

// fileRoot is the lazily evaluated root expression of a workspace file.
func (ev *evaluator) fileRoot(file string) *thunk {
	if t, ok := ev.fileRoots[file]; ok {
		return t
	}
	f := ev.ws.File(file)
	t := ev.mk(f.Root, nil, file)
	ev.fileRoots[file] = t
	return t
}

func (ev *evaluator) isFlake(file string, x *nixast.AttrSet) bool {
	if path.Base(file) != "flake.nix" {
		return false
	}
	f := ev.ws.File(file)
	return f != nil && nixast.Unparen(f.Root) == nixast.Expr(x)
}

// setupFlake rewrites the outputs attribute of a flake's root set: outputs
// becomes the result of applying the outputs function to the inputs.
func (ev *evaluator) setupFlake(a *attrsV, x *nixast.AttrSet, file string) {
	info := &flakeInfo{microvmInputs: map[string]bool{}, forkInputs: map[string]bool{}}
	ev.flakes[file] = info
	ev.flattenBindings(x.Bindings, nil, func(p []string, b *nixast.AttrAssign, v nixast.Expr) bool {
		if len(p) >= 1 && p[0] != "inputs" {
			return false
		}
		if len(p) == 3 && p[2] == "url" {
			if s, ok := nixast.Unparen(v).(*nixast.StringLit); ok {
				if val, ok := s.StaticValue(); ok {
					if info.inputURLs == nil {
						info.inputURLs = map[string]string{}
					}
					info.inputURLs[p[1]] = val
				}
				if val, ok := s.StaticValue(); ok && microvm.IsFlakeURL(val) {
					info.microvmInputs[p[1]] = true
					if microvm.IsFork(val) {
						info.forkInputs[p[1]] = true
					}
				}
			}
		}
		if len(p) >= 2 {
			info.inputNames = append(info.inputNames, p[1])
		}
		return len(p) < 3
	})
	out, ok := a.Attrs["outputs"]
	if !ok {
		return
	}
	args := &attrsV{Attrs: map[string]*thunk{}, Complete: false}
	for _, n := range info.inputNames {
		if info.microvmInputs[n] {
			args.Attrs[n] = valThunk(&flakeV{Fork: info.forkInputs[n]})
		} else if n != "self" {
			args.Attrs[n] = valThunk(ev.ws.Sources.input(file, n))
		}
	}
	outT := out
	res := &thunk{file: file}
	res.fn = func() Value { return ev.apply(ev.force(outT), valThunk(args), nil, file) }
	args.Attrs["self"] = res
	a.Attrs["outputs"] = res
	info.args = args
}

// flattenBindings calls cb for each assignment with its full attribute path
// (prefix + the binding's names); when cb returns true and the value is an
// attribute set literal, its bindings are visited too. Bindings with dynamic
// names are skipped. cb must not modify the path it gets, and must copy
// what it keeps of it: it may be shared, and the next binding's path may
// reuse its memory.
func (ev *evaluator) flattenBindings(binds []nixast.Binding, prefix []string, cb func(p []string, b *nixast.AttrAssign, v nixast.Expr) bool) {
	paths := ev.staticPaths(binds)
	// The paths below a prefix (config = mkIf cfg.enable { ... }, read
	// once per system that imports the module) share one buffer: made one
	// by one they were a quarter of what an edit of such a module allocated.
	var buf []string
	for i, b := range binds {
		a, ok := b.(*nixast.AttrAssign)
		if !ok || !paths[i].static {
			continue
		}
		names := paths[i].names
		p := names
		if len(prefix) > 0 {
			if buf == nil {
				buf = make([]string, len(prefix), len(prefix)+8)
				copy(buf, prefix)
			}
			p = append(buf, names...)
			buf = p[:len(prefix)]
		}
		if cb(p, a, a.Value) {
			if s, ok := nixast.Unparen(a.Value).(*nixast.AttrSet); ok {
				ev.flattenBindings(s.Bindings, p, cb)
			}
		}
	}
}
