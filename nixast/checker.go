package nixast

import "runtime"

// A Checker checks the syntax of files one after another and keeps no
// tree: the memory of each parse (tokens, nodes, stacks) is cleared and
// reused by the next. For a batch of thousands of small files this is most
// of the cost saved: fresh memory costs a page fault per 4 KB, more than
// parsing what fills it. The zero Checker is ready; it is not safe for
// concurrent use (use one per goroutine).
type Checker struct {
	p     parser
	file  File      // what parseWith fills, the Errors only read
	lines LineIndex // the parser's, for positions in messages
	scratch
}

// Check returns the syntax errors of src: File.Errors of Parse(name, src).
// They share no memory with src, which the caller may change or reuse once
// Check returns.
func (c *Checker) Check(src []byte) []Error {
	if len(src) > MaxFileSize || len(src) >= streamThreshold && runtime.GOMAXPROCS(0) > 1 {
		// Parse reads a large file on two cores; its memory is its own.
		return Parse("", src).Errors
	}
	return parseWith(c, nil, "", src, parsePlain).Errors
}

// start readies c's parser for src, keeping the capacity of its chunks
// and stacks.
func (c *Checker) start(src []byte, str string) *parser {
	p := &c.p
	c.lines = LineIndex{src: src}
	*p = parser{
		src: src, str: str, lines: &c.lines,
		slabs:     p.slabs,
		closers:   p.closers[:0],
		withAttrs: p.withAttrs[:0],
		nonPlain:  p.nonPlain[:0],
	}
	return p
}

// finish recycles the memory of the parse just done. The File's errors
// are the only part of it still used, and are not recycled.
func (c *Checker) finish() {
	p := &c.p
	p.slabs.recycle()
	// parseBindings cleared the stacks as it popped them.
	p.bindStack, p.keyStack = p.bindStack[:0], p.keyStack[:0]
	clear(p.withAttrs)
	p.errs = nil
}
