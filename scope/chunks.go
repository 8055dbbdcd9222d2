package scope

import "sync"

// chunked hands out values from chunks of memory, which a reset keeps for
// the next use: a resolution makes thousands of small values, which it
// keeps with its result (bindings) or drops when it ends (the sets Nix's
// parser would build), and one allocation each was most of its cost.
type chunked[T any] struct {
	chunks [][]T
	used   int // chunks handed out from, the last one in part
	cur    []T
}

// next returns a zero T. Chunks grow from 4 values to 64: most files bind
// few names, and a result kept with its file keeps its chunks.
func (c *chunked[T]) next() *T {
	if len(c.cur) == cap(c.cur) {
		if c.used < len(c.chunks) {
			c.cur = c.chunks[c.used][:0]
		} else {
			c.cur = make([]T, 0, min(64, max(4, 2*cap(c.cur))))
			c.chunks = append(c.chunks, c.cur)
		}
		c.used++
	}
	c.cur = c.cur[:len(c.cur)+1]
	return &c.cur[len(c.cur)-1]
}

// reset clears every value handed out, which may point into a file's tree
// (and would keep it alive), and keeps at most keep chunks for reuse.
func (c *chunked[T]) reset(keep int) {
	for _, ch := range c.chunks[:c.used] {
		clear(ch[:cap(ch)])
	}
	if len(c.chunks) > keep {
		clear(c.chunks[keep:])
		c.chunks = c.chunks[:keep]
	}
	c.used, c.cur = 0, nil
}

// setMem is the memory of the sets build makes as Nix's parser would,
// which live until the resolution ends: a module that writes a set in
// pieces (a = { … }; a.b = …;) builds one per binding on every keystroke,
// most of what resolving it allocated.
type setMem struct {
	sets    chunked[attrs]
	entries chunked[entry]
}

var setMems = sync.Pool{New: func() any { return new(setMem) }}

// newAttrs and newEntry hand out the resolution's sets and entries, from a
// setMem taken from the pool on first use (resolveIn gives it back).
func (r *resolver) newAttrs() *attrs {
	if r.sets == nil {
		r.sets = setMems.Get().(*setMem)
	}
	return r.sets.sets.next()
}

func (r *resolver) newEntry() *entry {
	if r.sets == nil {
		r.sets = setMems.Get().(*setMem)
	}
	return r.sets.entries.next()
}

// release gives the sets' memory back, cleared.
func (r *resolver) release() {
	if r.sets != nil {
		r.sets.sets.reset(16)
		r.sets.entries.reset(64)
		setMems.Put(r.sets)
		r.sets = nil
	}
}
