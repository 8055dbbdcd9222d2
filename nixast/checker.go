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
	// trees is set for a TreeArena's parses: each makes a File of its own,
	// and the caller decides what becomes of its memory.
	trees bool
}

// Check returns the syntax errors of src: File.Errors of Parse(name, src).
// They share no memory with src, which the caller may change or reuse once
// Check returns.
func (c *Checker) Check(src []byte) []Error {
	if len(src) > MaxFileSize || len(src) >= streamThreshold && runtime.GOMAXPROCS(0) > 1 {
		// Parse reads a large file on two cores; its memory is its own.
		return Parse("", src).Errors
	}
	return parseWith(c, nil, "", src, parsePlain, 0).Errors
}

// start readies c's parser for src, keeping the capacity of its chunks
// and stacks.
func (c *Checker) start(src []byte, str string) *parser {
	p := &c.p
	lines, nonPlain := &c.lines, p.nonPlain[:0]
	if c.trees {
		// The File keeps both.
		lines, nonPlain = NewLineIndex(src), nil
	} else {
		c.lines = LineIndex{src: src}
	}
	*p = parser{
		src: src, str: str, lines: lines,
		slabs:     p.slabs,
		closers:   p.closers[:0],
		withAttrs: p.withAttrs[:0],
		nonPlain:  nonPlain,
		noTree:    !c.trees,
	}
	return p
}

// finish recycles the memory of the parse just done. The File's errors
// are the only part of it still used, and are not recycled. With keep, the
// tree keeps its nodes' memory, and the next parse takes other chunks.
func (c *Checker) finish(keep bool) {
	p := &c.p
	p.slabs.recycle(keep)
	// parseBindings cleared the stacks as it popped them.
	p.bindStack, p.keyStack = p.bindStack[:0], p.keyStack[:0]
	clear(p.withAttrs)
	p.errs = nil
}

// A TreeArena parses files one after another, as ParseWithoutTokens does,
// into memory that a later parse may take again. The workspace index reads
// thousands of files and keeps most only as summaries: each tree was
// checked once and dropped, and its nodes were fresh memory for the
// collector to clear and take back. After each Parse the caller says what
// becomes of the tree: Reuse drops it, Keep lets it live on; the next Parse
// keeps it when neither was called. The zero TreeArena is ready; it is not
// safe for concurrent use (use one per goroutine).
type TreeArena struct {
	c    Checker
	held bool // the last tree is in the arena's chunks, neither kept nor dropped yet
}

// Parse parses src as ParseWithoutTokens does. Its File keeps src, its
// line index and its errors in memory of their own; its nodes are in the
// arena's until Keep.
func (a *TreeArena) Parse(name string, src []byte) *File {
	a.Keep()
	if modeFor(src) != parsePlain || len(src) > MaxFileSize {
		return ParseWithoutTokens(name, src)
	}
	a.c.trees, a.held = true, true
	return parseWith(&a.c, nil, name, src, parsePlain, 0)
}

// Reuse gives the memory of the last tree to the next Parse. Nothing may
// read that tree's nodes afterwards: they are cleared.
func (a *TreeArena) Reuse() {
	if a.held {
		a.c.finish(false)
		a.held = false
	}
}

// Keep leaves the last tree its memory.
func (a *TreeArena) Keep() {
	if a.held {
		a.c.finish(true)
		a.held = false
	}
}
