// Package ide owns the Nix knowledge behind editor features: hover,
// completion, symbols, folding, selection ranges, semantic tokens, links,
// definitions, references, renames and refactorings.
//
// Every feature is a pure function from a *nixast.File (and, where the
// workspace matters, the analysis' view of it) and a byte offset to results
// with byte offsets. ide knows nothing of LSP: it must not import server,
// LSP or JSON-RPC packages; the server converts offsets to positions.
package ide

import (
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Range is a byte range [Pos, End) in one file.
type Range struct {
	Pos, End int
}

// roots returns the top-level expressions of a file: its root and any
// expressions found after it in a broken file.
func roots(f *nixast.File) []nixast.Node {
	out := []nixast.Node{f.Root}
	for _, t := range f.Trailing {
		out = append(out, t)
	}
	return out
}

// Enclosing returns the nodes containing off, outermost first. A node
// contains off when Pos <= off < End; a node ending exactly at off is taken
// when nothing else contains it, so that a cursor just after a name finds it.
func Enclosing(f *nixast.File, off int) []nixast.Node {
	var out []nixast.Node
	var p picker
	for _, r := range roots(f) {
		p.see(r, off)
	}
	for next := p.picked(); next != nil; next = p.picked() {
		out = append(out, next)
		// The children are looked at one by one, never put in a slice:
		// a package set's top-level set has thousands, and every request
		// in it made that slice several times.
		p = picker{}
		nixast.EachChild(next, func(c nixast.Node) { p.see(c, off) })
	}
	return out
}

// picker picks, among nodes seen in source order, the first that contains
// an offset, else the first that ends at it.
type picker struct{ hit, touching nixast.Node }

func (p *picker) see(c nixast.Node, off int) {
	if p.hit != nil {
		return
	}
	pos, end := c.Pos(), c.End()
	if pos <= off && off < end {
		p.hit = c
	} else if end == off && pos < end && p.touching == nil {
		p.touching = c
	}
}

func (p *picker) picked() nixast.Node {
	if p.hit != nil {
		return p.hit
	}
	return p.touching
}

// identAt returns the identifier at off, if any.
func identAt(f *nixast.File, off int) *nixast.Ident {
	anc := Enclosing(f, off)
	if len(anc) == 0 {
		return nil
	}
	id, _ := anc[len(anc)-1].(*nixast.Ident)
	return id
}

// Keywords of the Nix language.
var Keywords = []string{"if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"}

// IsKeyword reports whether s is a Nix keyword.
func IsKeyword(s string) bool {
	for _, k := range Keywords {
		if k == s {
			return true
		}
	}
	return false
}

// IsIdent reports whether s is a valid Nix identifier that is no keyword.
func IsIdent(s string) bool {
	if s == "" || IsKeyword(s) {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '\'' || c == '-'):
		default:
			return false
		}
	}
	return true
}
