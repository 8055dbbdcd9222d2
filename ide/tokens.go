package ide

import (
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Semantic token types, in the order of TokenTypes (the legend).
const (
	TokKeyword = iota
	TokVariable
	TokParameter
	TokProperty
	TokString
	TokNumber
	TokComment
	TokOperator
	TokFunction
	TokNamespace
)

// TokenTypes is the legend of semantic token types: LSP's standard names.
var TokenTypes = []string{"keyword", "variable", "parameter", "property", "string", "number", "comment", "operator", "function", "namespace"}

// SemToken is a classified range of the source. A token may span lines.
type SemToken struct {
	Range
	Type int
}

// SemanticTokens classifies the tokens of f that overlap [from, to), in
// source order.
func SemanticTokens(ws *Workspace, f *nixast.File, from, to int) []SemToken {
	idents := identTypes(ws, f)
	var out []SemToken
	for _, t := range f.AllTokens() {
		if t.End() <= from || t.Pos() >= to || t.End() == t.Pos() {
			continue
		}
		typ := -1
		switch k := t.Kind; {
		case k == nixast.COMMENT:
			typ = TokComment
		case k.IsKeyword():
			typ = TokKeyword
		case k == nixast.INT || k == nixast.FLOAT:
			typ = TokNumber
		case k == nixast.IDENT:
			typ = TokVariable
			if x, ok := idents[t.Pos()]; ok {
				typ = x
			}
		case k >= nixast.URI && k <= nixast.PATH_TEXT, k >= nixast.STRING_OPEN && k <= nixast.IND_STRING_ESCAPE:
			typ = TokString
		case k >= nixast.EQ && k <= nixast.PIPE_FROM, k == nixast.NOT, k == nixast.PLUS, k == nixast.MINUS,
			k == nixast.STAR, k == nixast.SLASH, k == nixast.LT, k == nixast.GT, k == nixast.QUESTION:
			typ = TokOperator
		}
		if typ >= 0 {
			out = append(out, SemToken{Range: Range{t.Pos(), t.End()}, Type: typ})
		}
	}
	return out
}

// identTypes classifies identifiers by what they name.
func identTypes(ws *Workspace, f *nixast.File) map[int]int {
	m := map[int]int{}
	var builtinFns []int
	for _, r := range roots(f) {
		nixast.Inspect(r, func(n nixast.Node) bool {
			switch n := n.(type) {
			case *nixast.AttrName:
				if id := n.Ident(); id != nil {
					m[id.Pos()] = TokProperty
				}
			case *nixast.Select:
				if id, ok := nixast.Unparen(n.X).(*nixast.Ident); ok && id.Name == "builtins" && n.Path != nil && len(n.Path.Names) > 0 {
					if first := n.Path.Names[0].Ident(); first != nil {
						builtinFns = append(builtinFns, first.Pos())
					}
				}
			}
			return true
		})
	}
	for _, p := range builtinFns {
		m[p] = TokFunction
	}
	sc := scopesOf(ws, f)
	for _, d := range sc.Defs {
		switch d.Kind {
		case scope.Formal, scope.Param:
			m[int(d.Pos)] = TokParameter
		case scope.Let:
			m[int(d.Pos)] = TokVariable
		}
	}
	for i := range sc.Refs {
		r := &sc.Refs[i]
		p := int(r.Pos)
		switch {
		case r.Def != nil && (r.Def.Kind == scope.Formal || r.Def.Kind == scope.Param):
			if !r.Inherit {
				m[p] = TokParameter
			}
		case r.Def != nil:
			if !r.Inherit {
				m[p] = TokVariable
			}
		case r.InWith || r.Inherit || !r.Global:
		case r.Name() == "builtins":
			m[p] = TokNamespace
		case r.Name() == "true" || r.Name() == "false" || r.Name() == "null":
			m[p] = TokKeyword
		default:
			m[p] = TokFunction
		}
	}
	return m
}
