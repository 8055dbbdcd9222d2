package nixast

import "math/bits"

// Nodes are allocated from chunks: a file has hundreds of thousands of
// small nodes, and one allocation per node made the garbage collector the
// parser's main cost.

// Chunks start small, so that a small file allocates little, and double
// up to chunkSize.
const chunkSize = 256

func alloc[T any](b *slab[T]) *T {
	if len(b.cur) == cap(b.cur) {
		b.refill(1, min(max(8, 2*cap(b.cur)), chunkSize))
	}
	b.cur = b.cur[:len(b.cur)+1]
	return &b.cur[len(b.cur)-1]
}

// slab is the chunk that nodes of one kind are allocated from. A parse
// that keeps no tree (Checker) recycles the chunks of the files before.
type slab[T any] struct {
	cur []T
	rec *recycled[T] // nil: chunks are dropped when full
}

// recycled holds the chunks of one node kind for a Checker.
type recycled[T any] struct {
	used [][]T // filled in this parse
	// free are the cleared chunks, to fill again, by size: free[k] holds
	// those of 2^k to 2^(k+1)-1 items.
	free [bits.UintSize][][]T
}

// take returns a free chunk of at least n items and less than 8n, or nil.
// Not any chunk that fits: a tree that is kept (TreeArena.Keep) keeps its
// chunks whole, and a small file's nodes in the chunks of a large one
// kept ten times their size (806 MB live instead of 740 in a workspace of
// 56 MB whose every file a system imports).
func (r *recycled[T]) take(n int) []T {
	k := bits.Len(uint(n)) - 1
	for j := k; j < min(k+3, len(r.free)); j++ {
		bucket := r.free[j]
		for i := len(bucket) - 1; i >= 0; i-- {
			if c := bucket[i]; cap(c) >= n {
				bucket[i] = bucket[len(bucket)-1]
				bucket[len(bucket)-1] = nil
				r.free[j] = bucket[:len(bucket)-1]
				return c[:0]
			}
		}
	}
	return nil
}

// refill makes room for n items in a new chunk of at least size items:
// a free one when recycling, else a fresh one.
func (b *slab[T]) refill(n, size int) {
	r := b.rec
	if r == nil {
		b.cur = make([]T, 0, max(size, n))
		return
	}
	if b.cur != nil {
		r.used = append(r.used, b.cur)
	}
	if c := r.take(max(size, n)); c != nil {
		b.cur = c
		return
	}
	b.cur = make([]T, 0, max(size, n))
}

// recycle clears the chunks used since the last call and frees them for
// the next parse; with keep, it leaves them to the tree they hold, and the
// next parse fills other chunks.
func (b *slab[T]) recycle(keep bool) {
	r := b.rec
	if r == nil {
		r = &recycled[T]{}
		b.rec = r
	}
	if keep {
		clear(r.used)
		r.used = r.used[:0]
		b.cur = nil
		return
	}
	if b.cur != nil {
		r.used = append(r.used, b.cur)
	}
	for _, c := range r.used {
		clear(c[:len(c)])
		k := bits.Len(uint(cap(c))) - 1
		r.free[k] = append(r.free[k], c[:0])
	}
	clear(r.used)
	r.used = r.used[:0]
	b.cur = nil
}

// put stores v in a chunk and returns its address.
func put[T any](buf *slab[T], v T) *T {
	x := alloc(buf)
	*x = v
	return x
}

// carve copies items into a shared backing array and returns a slice of
// exactly their length (a later append to it reallocates, never overwrites).
func carve[T any](buf *slab[T], items []T) []T {
	if len(items) == 0 {
		return nil
	}
	out := grab(buf, len(items))
	copy(out, items)
	return out
}

// grab returns a slice of n zero items from a shared backing array, of
// exactly that length (a later append to it reallocates, never
// overwrites). Chunks double from 16 up to 4*chunkSize items.
func grab[T any](b *slab[T], n int) []T {
	if cap(b.cur)-len(b.cur) < n {
		b.refill(n, min(max(16, 2*cap(b.cur)), 4*chunkSize))
	}
	start := len(b.cur)
	b.cur = b.cur[:start+n]
	return b.cur[start : start+n : start+n]
}

// push appends v to a stack, doubling its capacity when full: append grows
// large slices by a quarter, which for the stack of a set with 100,000
// bindings left four times its size behind as garbage.
func push[T any](stack *[]T, v T) {
	if len(*stack) == cap(*stack) {
		grown := make([]T, len(*stack), max(16, 2*cap(*stack)))
		copy(grown, *stack)
		*stack = grown
	}
	*stack = append(*stack, v)
}

type slabs struct {
	idents   slab[Ident]
	names    slab[AttrName]
	paths    slab[AttrPath]
	assigns  slab[AttrAssign]
	texts    slab[TextPart]
	strs     slab[StringLit]
	applies  slab[Apply]
	selects  slab[Select]
	interps  slab[Interp]
	ints     slab[IntLit]
	namePtrs slab[*AttrName]
	parts    slab[StringPart]
	bindings slab[Binding]
	exprs    slab[Expr]
	attrSets slab[AttrSet]
	binaries slab[Binary]
	lists    slab[List]
	inherits slab[Inherit]
	pathLits slab[PathLit]
	ifs      slab[If]
	lambdas  slab[Lambda]
	comments slab[Comment]
	asserts  slab[Assert]
	withs    slab[With]
	lets     slab[Let]
	parens   slab[Paren]

	bindStack []Binding // bindings of the sets being parsed, innermost last
	keyStack  []string  // their plain names, likewise
}

// presize gives the node kinds whose number the tokens bound a first chunk
// of that size: chunks that double from 8 leave up to half of the last one
// empty, and in a workspace of small files that was a quarter of the heap.
// A kind the bound misses (error recovery) grows as before.
func (s *slabs) presize(toks []Token) {
	c := countTokens(toks)
	n := &c.kinds
	s.names.presize(c.names())
	s.namePtrs.presize(c.names())
	s.paths.presize(c.paths())
	s.selects.presize(c.selects)
	s.pathLits.presize(n[PATH] + n[HPATH])
	s.idents.presize(n[IDENT])
	s.assigns.presize(n[ASSIGN])
	s.strs.presize(n[STRING_OPEN] + n[IND_STRING_OPEN])
	texts := n[STRING_TEXT] + n[IND_STRING_TEXT] + n[IND_STRING_ESCAPE] + n[PATH_TEXT] + n[PATH] + n[HPATH]
	s.texts.presize(texts)
	s.parts.presize(texts + n[DOLLAR_CURLY])
	s.bindings.presize(n[ASSIGN] + n[INHERIT])
	s.interps.presize(n[DOLLAR_CURLY])
	s.attrSets.presize(n[LBRACE])
	s.lists.presize(n[LBRACK])
	s.ints.presize(n[INT])
	s.inherits.presize(n[INHERIT])
	s.ifs.presize(n[IF])
	s.withs.presize(n[WITH])
	s.lets.presize(n[LET])
	s.asserts.presize(n[ASSERT])
	s.parens.presize(n[LPAREN])
	s.lambdas.presize(n[COLON])
}

// presize makes room for n items (nothing for none).
func (b *slab[T]) presize(n int32) {
	if n == 0 || cap(b.cur)-len(b.cur) >= int(n) {
		return
	}
	if b.rec != nil {
		if b.cur != nil {
			b.rec.used = append(b.rec.used, b.cur)
		}
		if c := b.rec.take(int(n)); c != nil {
			b.cur = c // one of the files before
			return
		}
	}
	b.cur = make([]T, 0, n)
}

// recycle readies every slab for the next parse of a Checker (keep: the
// tree just parsed keeps its memory; see TreeArena).
func (s *slabs) recycle(keep bool) {
	s.idents.recycle(keep)
	s.names.recycle(keep)
	s.paths.recycle(keep)
	s.assigns.recycle(keep)
	s.texts.recycle(keep)
	s.strs.recycle(keep)
	s.applies.recycle(keep)
	s.selects.recycle(keep)
	s.interps.recycle(keep)
	s.ints.recycle(keep)
	s.namePtrs.recycle(keep)
	s.parts.recycle(keep)
	s.bindings.recycle(keep)
	s.exprs.recycle(keep)
	s.attrSets.recycle(keep)
	s.binaries.recycle(keep)
	s.lists.recycle(keep)
	s.inherits.recycle(keep)
	s.pathLits.recycle(keep)
	s.ifs.recycle(keep)
	s.lambdas.recycle(keep)
	s.comments.recycle(keep)
	s.asserts.recycle(keep)
	s.withs.recycle(keep)
	s.lets.recycle(keep)
	s.parens.recycle(keep)
}

// chunks collects items in chunks that double in size, none copied while it
// grows.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, max(64, 2*cap(c.cur)))
	}
	c.cur = append(c.cur, v)
	c.n++
}

// tokenCounts is what a file's tokens bound: the tokens of each kind, and
// from them its attribute names (those of binding paths, selections, ?
// tests and inherits), paths and selections. Left to grow from 8, these
// last kinds left a seventh of the trees of a workspace empty.
//
// A name is a binding's first (its =), one after each '.' and a '?' test's
// first, or a name of an inherit. A selection is a run of names joined by
// dots, unless an '=' ends it (a binding's path). Some count more than the
// parser makes: a formal's default ('?': a name and a path), a '?' test of
// several names and a selection through a string or ${} (a selection):
// room left empty, never a shortfall for a file that parses.
type tokenCounts struct {
	kinds        [len(kindNames)]int32
	inheritNames int32 // names of inherits, outside their (from)
	selects      int32
}

func (c *tokenCounts) names() int32 {
	return c.kinds[ASSIGN] + c.kinds[DOT] + c.kinds[QUESTION] + c.inheritNames
}

func (c *tokenCounts) paths() int32 { return c.kinds[ASSIGN] + c.kinds[QUESTION] + c.selects }

// countTokens counts toks in one pass.
func countTokens(toks []Token) (c tokenCounts) {
	dots := 0         // dots in the run of plain names being read
	inherit := false  // between 'inherit' and its ';'
	depth := 0        // parentheses open in an inherit's (from)
	prev := Kind(EOF) // the last token's kind
	for _, t := range toks {
		k := t.Kind
		c.kinds[k]++
		switch k {
		case DOT:
			if prev == IDENT || prev == OR_KW {
				dots++
			} else {
				dots = 1 // after a string, ${} or ( ): a selection of its own
			}
		case IDENT, OR_KW:
			if inherit && depth == 0 {
				c.inheritNames++
			}
			if prev != DOT {
				if dots > 0 {
					c.selects++
				}
				dots = 0
			}
		default:
			switch k {
			case ASSIGN:
				dots = 0 // a binding's path
			case INHERIT:
				inherit, depth = true, 0
			case LPAREN:
				depth++
			case RPAREN:
				depth--
			case SEMI:
				inherit = inherit && depth > 0 // not a ; inside the (from)
			case STRING_OPEN, DOLLAR_CURLY:
				if inherit && depth == 0 {
					c.inheritNames++
				}
			}
			if dots > 0 {
				c.selects++
				dots = 0
			}
		}
		prev = k
	}
	return c
}
