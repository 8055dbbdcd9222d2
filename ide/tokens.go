package ide

import (
	"iter"

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

// SemanticTokens yields the classified tokens of f that overlap [from, to),
// in source order, as it finds them: after every keystroke in a package set
// of 1.5 MB, the list of its 260,000 tokens was memory of its own.
func SemanticTokens(ws *Workspace, f *nixast.File, from, to int) iter.Seq[SemToken] {
	return func(yield func(SemToken) bool) {
		if to < from {
			return
		}
		// The identifiers classified: from the start of the first token
		// in the range, which may begin before it.
		lo := from
		for t := range f.Tokens() {
			if t.End() > from {
				lo = min(from, t.Pos())
				break
			}
		}
		idents := identTypes(ws, f, lo, to)
		for t := range f.Tokens() {
			if t.Pos() >= to {
				return
			}
			if t.End() <= from || t.End() == t.Pos() {
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
				if x := idents[t.Pos()-lo]; x != 0 {
					typ = int(x) - 1
				}
			case k >= nixast.URI && k <= nixast.PATH_TEXT, k >= nixast.STRING_OPEN && k <= nixast.IND_STRING_ESCAPE:
				typ = TokString
			case k >= nixast.EQ && k <= nixast.PIPE_FROM, k == nixast.NOT, k == nixast.PLUS, k == nixast.MINUS,
				k == nixast.STAR, k == nixast.SLASH, k == nixast.LT, k == nixast.GT, k == nixast.QUESTION:
				typ = TokOperator
			}
			if typ >= 0 && !yield(SemToken{Range: Range{t.Pos(), t.End()}, Type: typ}) {
				return
			}
		}
	}
}

// identTypes classifies the identifiers that start in [from, to) by what
// they name: the type of the one at pos is types[pos-from]-1 (0: none). A
// slice as long as the range, not a map: in a package set of 1.5 MB, a
// map of its 100,000 identifiers was half the work of its tokens.
func identTypes(ws *Workspace, f *nixast.File, from, to int) (types []int8) {
	types = make([]int8, to-from)
	set := func(pos, typ int) {
		if pos >= from && pos < to {
			types[pos-from] = int8(typ + 1)
		}
	}
	var builtinFns []int
	for _, r := range roots(f) {
		nixast.Inspect(r, func(n nixast.Node) bool {
			switch n := n.(type) {
			case *nixast.AttrName:
				if id := n.Ident(); id != nil {
					set(id.Pos(), TokProperty)
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
		set(p, TokFunction)
	}
	sc := scopesOf(ws, f)
	for _, d := range sc.Defs {
		switch d.Kind {
		case scope.Formal, scope.Param:
			set(int(d.Pos), TokParameter)
		case scope.Let:
			set(int(d.Pos), TokVariable)
		}
	}
	for i := range sc.Refs {
		r := &sc.Refs[i]
		p := int(r.Pos)
		switch {
		case r.Def != nil && (r.Def.Kind == scope.Formal || r.Def.Kind == scope.Param):
			if !r.Inherit {
				set(p, TokParameter)
			}
		case r.Def != nil:
			if !r.Inherit {
				set(p, TokVariable)
			}
		case r.InWith || r.Inherit || !r.Global:
		case r.Name() == "builtins":
			set(p, TokNamespace)
		case r.Name() == "true" || r.Name() == "false" || r.Name() == "null":
			set(p, TokKeyword)
		default:
			set(p, TokFunction)
		}
	}
	return types
}
