package nixast

import (
	"runtime"
	"sync/atomic"
)

// splitState coordinates the second parser of a streamed file with the
// first: whichever comes first to the split point claims it.
type splitState struct {
	at     atomic.Pointer[splitPoint] // published by the scanner
	state  atomic.Int32
	parsed chan struct{} // closed when result is set
	result *splitResult
	wait   bool // the first parser waits for the second to start (parseSplit)
}

const (
	splitIdle    = iota // the second parser has not started
	splitRunning        // it runs; the first parser waits for it at the split point
	splitDropped        // the first parser goes on alone
)

// splitResult is what the second parser found from the split point to the
// end of the set: used only if it met no error.
type splitResult struct {
	ok        bool
	binds     []Binding
	keys      []string
	ti        int
	tok       Token
	prevEndAt int
	maxDepth  int
	chainOps  int
	newSyntax []int
	withAttrs []*AttrSet
	nonPlain  []int
}

// parseFrom parses the bindings from sp to the end of their set, as the
// first parser would, on the scanner's core.
func parseFrom(src []byte, str string, toks []Token, lines *LineIndex, sp splitPoint, state *atomic.Int32) *splitResult {
	q := &parser{src: src, str: str, toks: toks, lines: lines, abort: state}
	q.ti, q.tok = sp.start-1, toks[sp.start-1]
	q.next()
	q.pushCloser(RBRACE)
	q.bindingList(RBRACE, false)
	return &splitResult{
		ok:    len(q.errs) == 0 && !q.tooDeep && state.Load() == splitRunning,
		binds: q.bindStack, keys: q.keyStack,
		ti: q.ti, tok: q.tok, prevEndAt: q.prevEndAt,
		maxDepth: q.maxDepth, chainOps: q.chainOps, newSyntax: q.newSyntax, withAttrs: q.withAttrs, nonPlain: q.nonPlain,
	}
}

// splice takes the second parser's bindings when the first parser reaches
// the split point inside the set whose '{' is token lbrace. It reports
// whether it moved the parser to the end of the set.
func (p *parser) splice(lbrace int) bool {
	sp := p.stream.split.at.Load()
	if sp == nil || sp.start != p.ti || sp.lbrace != lbrace {
		return false
	}
	st := p.stream.split
	for st.wait && st.state.Load() == splitIdle {
		runtime.Gosched()
	}
	if st.state.CompareAndSwap(splitIdle, splitDropped) {
		return false // the second parser has not started: go on alone
	}
	<-st.parsed
	r := st.result
	// Deeper here than the second parser was, its input may be too deep.
	if !r.ok || p.depth+r.maxDepth > MaxDepth {
		return false
	}
	p.bindStack = append(p.bindStack, r.binds...)
	p.keyStack = append(p.keyStack, r.keys...)
	p.withAttrs = append(p.withAttrs, r.withAttrs...)
	p.nonPlain = append(p.nonPlain, r.nonPlain...)
	p.newSyntax = append(p.newSyntax, r.newSyntax...)
	p.maxDepth = max(p.maxDepth, p.depth+r.maxDepth)
	p.chainOps += r.chainOps
	p.ti, p.tok, p.prevEndAt = r.ti, r.tok, r.prevEndAt
	splices.Add(1)
	return true
}

// splices counts the splices made, for tests.
var splices atomic.Int64
