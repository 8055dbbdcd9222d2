package ide

import (
	"context"
	"sort"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// SymbolKind classifies a symbol.
type SymbolKind int

const (
	SymProperty  SymbolKind = iota // an attribute
	SymObject                      // an attribute whose value is a set
	SymVariable                    // a let binding
	SymFunction                    // a binding whose value is a function
	SymModule                      // a NixOS system declaration
	SymNamespace                   // a file's top level
)

// Symbol is a named part of a file, with its children.
type Symbol struct {
	Name      string
	Detail    string
	Kind      SymbolKind
	Range     Range // the whole binding
	Selection Range // its name
	Children  []Symbol
}

// DocumentSymbols returns the outline of f: attribute bindings, let bindings
// and the systems declared in it.
func DocumentSymbols(ws *Workspace, f *nixast.File) []Symbol {
	var out []Symbol
	for _, r := range roots(f) {
		out = append(out, exprSymbols(f, r.(nixast.Expr), 0)...)
	}
	if ws != nil {
		for _, s := range ws.Systems {
			if s.File == f.Name {
				markSystem(out, s.Pos, s.Name, s.Role)
			}
		}
	}
	return out
}

// markSystem labels the innermost binding holding pos as a system.
func markSystem(syms []Symbol, pos int, name, role string) bool {
	for i := range syms {
		s := &syms[i]
		if s.Range.Pos <= pos && pos < s.Range.End {
			if markSystem(s.Children, pos, name, role) {
				return true
			}
			s.Kind = SymModule
			s.Detail = "system " + name + ": " + role
			return true
		}
	}
	return false
}

const maxSymbolDepth = 64

func exprSymbols(f *nixast.File, x nixast.Expr, depth int) []Symbol {
	if depth > maxSymbolDepth {
		return nil
	}
	switch x := x.(type) {
	case nil:
		return nil
	case *nixast.AttrSet:
		return bindingSymbols(f, x.Bindings, SymProperty, depth)
	case *nixast.LegacyLet:
		return bindingSymbols(f, x.Bindings, SymProperty, depth)
	case *nixast.Let:
		return append(bindingSymbols(f, x.Bindings, SymVariable, depth), exprSymbols(f, x.Body, depth+1)...)
	case *nixast.Lambda:
		return exprSymbols(f, x.Body, depth+1)
	case *nixast.Paren:
		return exprSymbols(f, x.X, depth+1)
	case *nixast.With:
		return exprSymbols(f, x.Body, depth+1)
	case *nixast.Assert:
		return exprSymbols(f, x.Body, depth+1)
	case *nixast.Apply:
		return append(exprSymbols(f, x.Fn, depth+1), exprSymbols(f, x.Arg, depth+1)...)
	case *nixast.Binary:
		return append(exprSymbols(f, x.X, depth+1), exprSymbols(f, x.Y, depth+1)...)
	case *nixast.If:
		return append(exprSymbols(f, x.Then, depth+1), exprSymbols(f, x.Else, depth+1)...)
	case *nixast.List:
		var out []Symbol
		for _, e := range x.Elems {
			out = append(out, exprSymbols(f, e, depth+1)...)
		}
		return out
	}
	return nil
}

func bindingSymbols(f *nixast.File, binds []nixast.Binding, kind SymbolKind, depth int) []Symbol {
	var out []Symbol
	for _, b := range binds {
		switch b := b.(type) {
		case *nixast.AttrAssign:
			if b.Path == nil || len(b.Path.Names) == 0 {
				continue
			}
			s := Symbol{Name: pathText(f, b.Path), Kind: kind, Range: Range{b.Pos(), b.End()}, Selection: Range{b.Path.Pos(), b.Path.End()}}
			switch v := nixast.Unparen(b.Value).(type) {
			case *nixast.Lambda:
				s.Kind = SymFunction
			case *nixast.AttrSet:
				if kind == SymProperty {
					s.Kind = SymObject
				}
			default:
				_ = v
			}
			s.Children = exprSymbols(f, b.Value, depth+1)
			out = append(out, s)
		case *nixast.Inherit:
			for _, n := range b.Names {
				name, ok := n.StaticName()
				if !ok {
					continue
				}
				out = append(out, Symbol{Name: name, Detail: "inherit", Kind: kind, Range: Range{n.Pos(), n.End()}, Selection: Range{n.Pos(), n.End()}})
			}
		}
	}
	return out
}

// pathText is an attribute path as written, without inner spaces.
func pathText(f *nixast.File, p *nixast.AttrPath) string {
	var parts []string
	for _, n := range p.Names {
		parts = append(parts, string(f.Src[n.Pos():n.End()]))
	}
	return strings.Join(parts, ".")
}

// WorkspaceSymbol is a symbol found across the workspace.
type WorkspaceSymbol struct {
	Name      string
	Kind      SymbolKind
	File      string
	Range     Range
	Container string
}

// maxWorkspaceSymbols bounds a search's results, the best first: a
// query of one letter matched 100,000 bindings of a 56 MB workspace (9 MB
// of reply, for each keystroke in the editor's symbol picker).
const maxWorkspaceSymbols = 256

// WorkspaceSymbols returns the systems and every file's top-level bindings
// whose names contain query (case-insensitive), the best matches first (a
// name equal to the query, then one it starts, then shorter names), at most
// maxWorkspaceSymbols; ctx's error once ctx ends.
func WorkspaceSymbols(ctx context.Context, ws *Workspace, query string) ([]WorkspaceSymbol, error) {
	q := strings.ToLower(query)
	var found []rankedSymbol
	seen := 0 // matches so far: their order breaks ties
	add := func(s WorkspaceSymbol) {
		name := strings.ToLower(s.Name)
		rank := 2
		switch {
		case name == q:
			rank = 0
		case strings.HasPrefix(name, q):
			rank = 1
		case !strings.Contains(name, q):
			return
		}
		found = append(found, rankedSymbol{s, rank, seen})
		seen++
		if len(found) >= 4*maxWorkspaceSymbols {
			found = bestSymbols(found)
		}
	}
	for _, s := range ws.Systems {
		add(WorkspaceSymbol{Name: s.Name, Kind: SymModule, File: s.File, Range: Range{s.Pos, s.End}, Container: "system: " + s.Role})
	}
	err := ws.eachFileFacts(ctx, func(p string, ff *fileFacts) {
		ff.eachSymbol(func(name string, kind SymbolKind, r Range) {
			add(WorkspaceSymbol{Name: name, Kind: kind, File: p, Range: r, Container: baseName(p)})
		})
	})
	if err != nil {
		return nil, err
	}
	found = bestSymbols(found)
	out := make([]WorkspaceSymbol, len(found))
	for i, r := range found {
		out[i] = r.WorkspaceSymbol
	}
	return out, nil
}

type rankedSymbol struct {
	WorkspaceSymbol
	rank, order int
}

// bestSymbols returns the best maxWorkspaceSymbols of found, in order.
func bestSymbols(found []rankedSymbol) []rankedSymbol {
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if len(a.Name) != len(b.Name) {
			return len(a.Name) < len(b.Name)
		}
		return a.order < b.order
	})
	return found[:min(len(found), maxWorkspaceSymbols)]
}

func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }
