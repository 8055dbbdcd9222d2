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
	return c.memo(path, f).resolve(c, f)
}

func (m *fileMemo) resolve(c *Cache, f *nixast.File) *scope.Scopes {
	m.scopesMu.Lock()
	defer m.scopesMu.Unlock()
	if m.scopes == nil {
		m.scopes = c.resolveSized(m.path, f)
	}
	return m.scopes
}

// sizedFrom is the source size from which a file's next version is
// resolved with room for the names of its last one (scope.ResolveSized):
// below it the estimate from the size costs little.
const sizedFrom = 64 << 10

// resolveSized resolves f, a version of the file at path, with room for as
// many names as its last version had. Each keystroke in a 1.5 MB file
// resolved it into slices sized from its source, half again too large,
// and then copied them to their length: 2.8 of its 25 MB.
func (c *Cache) resolveSized(path string, f *nixast.File) *scope.Scopes {
	if len(f.Src) < sizedFrom {
		return scope.Resolve(f)
	}
	c.sizesMu.Lock()
	last, ok := c.scopeSizes[path]
	c.sizesMu.Unlock()
	var s *scope.Scopes
	if ok {
		// An edit moves the counts by a few: a little room beyond them.
		refs, defs := last[0], last[1]
		s = scope.ResolveSized(f, refs+refs/32+8, defs+defs/32+8)
	} else {
		s = scope.Resolve(f)
	}
	c.sizesMu.Lock()
	if c.scopeSizes == nil {
		c.scopeSizes = map[string][2]int{}
	}
	c.scopeSizes[path] = [2]int{len(s.Refs), len(s.Defs)}
	c.sizesMu.Unlock()
	return s
}
