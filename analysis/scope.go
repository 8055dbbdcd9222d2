package analysis

import (
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Name resolution is package scope's. The cache keeps each file version's
// with its other per-file results: the diagnostics and the editor features
// (hover, completion, navigation, rename) read the same one, resolved once.

// Scopes returns the names of a workspace file version, resolved at most
// once while the version is in the cache.
func (c *Cache) Scopes(path string, f *nixast.File) *scope.Scopes {
	return c.memo(path, f).resolve(f)
}

func (m *fileMemo) resolve(f *nixast.File) *scope.Scopes {
	m.scopesMu.Lock()
	defer m.scopesMu.Unlock()
	if m.scopes == nil {
		m.scopes = scope.Resolve(f)
	}
	return m.scopes
}
