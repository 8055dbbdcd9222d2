package ide

import (
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// scopesOf returns the names of f: the workspace's (the analysis keeps each
// file version's, resolved once), else resolved here.
func scopesOf(ws *Workspace, f *nixast.File) *scope.Scopes {
	if ws != nil && ws.Scopes != nil {
		if sc := ws.Scopes(f); sc != nil {
			return sc
		}
	}
	return scope.Resolve(f)
}

// builtinOf returns the builtin a global name stands for: map, or add for
// __add.
func builtinOf(name string) (Builtin, bool) {
	if b, ok := builtins()[name]; ok && b.Global {
		return b, true
	}
	if len(name) > 2 && name[:2] == "__" {
		if b, ok := builtins()[name[2:]]; ok && !b.Global {
			return b, true
		}
	}
	return Builtin{}, false
}
