package analysis

import (
	"fmt"
	"strconv"

	"github.com/microvm-lsp/microvm-lsp/nixast"
)

// Values computed by the configuration: `microvm.hypervisor = info.hypervisor`
// where info comes from the repository's own helpers (a host's directory
// name split into parts). The graph's evaluator knows such a value when
// every step is known; the option view then reads it as if it were written
// there, so the capability checks see the hypervisor, and invalid-option-value
// reports a value that is no hypervisor at the expression that computes it.

// computedOptions are the options whose computed values are kept.
var computedOptions = map[string]bool{"hypervisor": true}

// compute records the value the evaluator gives d's definition v (in env
// e) when it is not a literal and the evaluator knows it.
func (g *graph) compute(d *OptDef, v nixast.Expr, e *env, file string) {
	if len(d.Path) != 2 || !computedOptions[d.Path[1]] || len(d.Binding.Path.Names) > 2 {
		return
	}
	x, _ := g.unwrapMk(v, e, file)
	if _, ok := literalOf(x); ok {
		return
	}
	if s, ok := knownString(g.ev.eval(x, e, file)); ok {
		d.Computed = &s
	}
}

// lit is the value's literal: written there, or computed.
func (d *optVal) lit() (literal, bool) {
	if l, ok := literalOf(d.X); ok {
		return l, true
	}
	if d.Computed != nil {
		return *d.Computed, true
	}
	return literal{}, false
}

// reportComputedEnum reports a computed value that is not one of an enum
// option's values, at the expression that computes it.
func (p *GraphPass) reportComputedEnum(d *optVal, name string, o enumOption) {
	if d.Computed == nil || d.X == nil || d.Computed.Kind != "string" || contains(o.values, d.Computed.S) {
		return
	}
	if _, ok := literalOf(d.X); ok {
		return // written there: reportEnum
	}
	msg := fmt.Sprintf("%s evaluates to %s, which is not a valid value of %s; allowed values are %s",
		nodeText(p.Workspace, d.File, d.X), strconv.Quote(d.Computed.S), name, quoteAll(o.values))
	p.Report(Finding{File: d.File, Pos: d.X.Pos(), End: d.X.End(), Severity: SeverityError, Code: CodeInvalidOptionValue, Message: msg})
}

// nodeText is the source text of a node, shortened for a message.
func nodeText(ws *Workspace, file string, n nixast.Node) string {
	f := ws.File(file)
	if f == nil || n.End() > len(f.Src) {
		return "the value"
	}
	t := string(f.Src[n.Pos():n.End()])
	if len(t) > 40 {
		t = t[:37] + "..."
	}
	return "`" + t + "`"
}
