package analysis

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/microvm"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// InvalidOptionValue reports enum options set to a literal outside their type.
var InvalidOptionValue = &Analyzer{
	Name: CodeInvalidOptionValue,
	Doc: "A microvm.* option of an enum type (microvm.hypervisor, microvm.shares.*.proto, " +
		"microvm.interfaces.*.type...: every enum option the microvm.nix option index holds) is set to a " +
		"string literal that is not one of its values (microvm.hypervisor also when computed, with a value the " +
		"module graph's evaluator knows). Evaluation fails with \"is not of type `one of …'\". " +
		"The fix replaces the value with the closest allowed one when there is a close one.",
	Codes:    []Code{{Name: CodeInvalidOptionValue, Short: "An enum option of microvm.nix is set to a string that is not one of its values."}},
	Requires: []*Analyzer{optionViewsFact},
	RunGraph: check(runInvalidOptionValue),
}

// enumOption is an option whose type is an enum of strings.
type enumOption struct {
	list     string // "" for a top-level option, else the list option (shares...)
	path     []string
	values   []string
	nullable bool
}

// enumOptions returns the enum options of the facts that a view can read:
// under microvm, at most one list element ("*") deep.
func enumOptions(f *microvm.Facts) []enumOption {
	var out []enumOption
	for _, en := range f.Enums() {
		o, values := en.Option, en.Values
		if len(o.Loc) < 2 || o.Loc[0] != "microvm" {
			continue
		}
		e := enumOption{values: values, nullable: strings.HasPrefix(o.Type, "null or ")}
		star := -1
		for k, s := range o.Loc {
			if s == "<name>" || s == "*" && star >= 0 {
				star = -2
				break
			}
			if s == "*" {
				star = k
			}
		}
		switch {
		case star == -1:
			e.path = o.Loc[1:]
		case star == 2:
			e.list, e.path = o.Loc[1], o.Loc[3:]
		default:
			continue
		}
		out = append(out, e)
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// invalidEnum reports whether x is a literal outside the enum.
func invalidEnum(x nixast.Expr, values []string, nullable bool) (string, bool) {
	l, ok := literalOf(x)
	if !ok {
		return "", false
	}
	switch l.Kind {
	case "string":
		return strconv.Quote(l.S), !contains(values, l.S)
	case "null":
		return "null", !nullable
	case "int":
		return strconv.FormatInt(l.I, 10), true
	case "bool":
		return strconv.FormatBool(l.B), true
	}
	return "", false
}

func quoteAll(xs []string) string {
	var q []string
	for _, x := range xs {
		q = append(q, strconv.Quote(x))
	}
	return strings.Join(q, ", ")
}

func runInvalidOptionValue(p *GraphPass) {
	var full []string                            // microvm.<path>, reused: every system asks for every option
	enumsOf := map[*microvm.Facts][]enumOption{} // per folder's facts, once
	for _, s := range p.Systems {
		if s.Fork {
			continue // a fork of microvm.nix may accept other values
		}
		facts := p.facts(s)
		enums, ok := enumsOf[facts]
		if !ok {
			enums = enumOptions(facts)
			enumsOf[facts] = enums
		}
		v := p.view(s)
		for _, o := range enums {
			if o.list == "" {
				full = append(append(full[:0], "microvm"), o.path...)
				for _, d := range v.get(full...) {
					p.reportEnum(d.X, d.File, "microvm."+optPath(o.path...), o)
					p.reportComputedEnum(d, "microvm."+optPath(o.path...), o)
				}
				continue
			}
			items, _ := v.items("microvm", o.list)
			for _, it := range items {
				for _, d := range it.vals.get(o.path...) {
					p.reportEnum(d.X, d.File, "microvm."+o.list+".*."+optPath(o.path...), o)
				}
			}
		}
	}
}

func (p *GraphPass) reportEnum(x nixast.Expr, file, name string, o enumOption) {
	if x == nil {
		return
	}
	text, bad := invalidEnum(x, o.values, o.nullable)
	if !bad {
		return
	}
	allowed := quoteAll(o.values)
	if o.nullable {
		allowed += " or null"
	}
	msg := fmt.Sprintf("%s is not a valid value of %s; allowed values are %s", text, name, allowed)
	f := Finding{File: file, Pos: x.Pos(), End: x.End(), Severity: SeverityError, Code: CodeInvalidOptionValue, Message: msg}
	if l, _ := literalOf(x); l.Kind == "string" {
		if best, ok := closest(l.S, o.values); ok {
			f.Message += fmt.Sprintf(" (did you mean %q?)", best)
			f.Fixes = append(f.Fixes, Fix{Title: fmt.Sprintf("Replace with %q", best), Preferred: true,
				Edits: []TextEdit{{File: file, Pos: x.Pos(), End: x.End(), NewText: strconv.Quote(best)}}})
		}
	}
	p.Report(f)
}

// closest returns the allowed value nearest to s by edit distance, when it
// is near enough to be a typo.
func closest(s string, values []string) (string, bool) {
	best, bestD := "", -1
	for _, v := range values {
		d := editDistance(strings.ToLower(s), strings.ToLower(v))
		if bestD < 0 || d < bestD {
			best, bestD = v, d
		}
	}
	if bestD < 0 || bestD > 1+len(s)/4 || bestD >= len(s) {
		return "", false
	}
	return best, true
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
