package ide

import (
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Fold is a range of lines (0-based, inclusive) that an editor can fold.
type Fold struct {
	StartLine, EndLine int
	Comment            bool
}

// FoldingRanges returns the foldable regions of f: attribute sets, lists,
// lets, parenthesised expressions, multi-line strings and comments.
func FoldingRanges(f *nixast.File) []Fold {
	var out []Fold
	line := f.Lines.Line
	add := func(pos, end int, comment bool) {
		if end <= pos {
			return
		}
		s, e := line(pos), line(end)
		if e > s {
			out = append(out, Fold{StartLine: s, EndLine: e, Comment: comment})
		}
	}
	// closing brackets stay visible: fold up to the line before them
	bracket := func(open, close int) {
		if close < 0 {
			return
		}
		s, e := line(open), line(close)
		if e-1 > s {
			out = append(out, Fold{StartLine: s, EndLine: e - 1})
		}
	}
	for _, r := range roots(f) {
		nixast.Inspect(r, func(n nixast.Node) bool {
			switch n := n.(type) {
			case *nixast.AttrSet:
				bracket(int(n.Lbrace), int(n.Rbrace))
			case *nixast.List:
				bracket(int(n.Lbrack), int(n.Rbrack))
			case *nixast.Paren:
				bracket(n.Lparen, n.Rparen)
			case *nixast.Let:
				if n.InPos >= 0 {
					bracket(n.LetPos, n.InPos)
				}
			case *nixast.StringLit:
				if n.Close >= 0 {
					bracket(int(n.Open), int(n.Close))
				}
			}
			return true
		})
	}
	// comments: a block comment, or a run of line comments
	runStart, runEnd, runLine := -1, -1, -2
	flush := func() {
		if runStart >= 0 {
			add(runStart, runEnd-1, true)
		}
		runStart, runEnd = -1, -1
	}
	for t := range f.Tokens() {
		if t.Kind != nixast.COMMENT {
			continue
		}
		if f.Src[t.Pos()] == '/' {
			flush()
			add(t.Pos(), t.End()-1, true)
			runLine = -2
			continue
		}
		l := line(t.Pos())
		if l == runLine+1 && runStart >= 0 {
			runEnd, runLine = t.End(), l
			continue
		}
		flush()
		runStart, runEnd, runLine = t.Pos(), t.End(), l
	}
	flush()
	return out
}

// SelectionRanges returns, for off, the ranges of the nodes holding it,
// innermost first, each strictly larger than the one before.
func SelectionRanges(f *nixast.File, off int) []Range {
	anc := Enclosing(f, off)
	var out []Range
	for i := len(anc) - 1; i >= 0; i-- {
		r := Range{anc[i].Pos(), anc[i].End()}
		if len(out) > 0 {
			last := out[len(out)-1]
			if r == last || r.Pos > last.Pos || r.End < last.End {
				continue
			}
		}
		out = append(out, r)
	}
	whole := Range{0, len(f.Src)}
	if len(out) == 0 || out[len(out)-1] != whole {
		out = append(out, whole)
	}
	return out
}
