package nixast

// Nodes are allocated from chunks: a file has hundreds of thousands of
// small nodes, and one allocation per node made the garbage collector the
// parser's main cost.

// Chunks start small, so that a small file allocates little, and double
// up to chunkSize.
const chunkSize = 256

func alloc[T any](buf *[]T) *T {
	if len(*buf) == cap(*buf) {
		n := 2 * cap(*buf)
		if n < 8 {
			n = 8
		} else if n > chunkSize {
			n = chunkSize
		}
		*buf = make([]T, 0, n)
	}
	*buf = (*buf)[:len(*buf)+1]
	return &(*buf)[len(*buf)-1]
}

// put stores v in a chunk and returns its address.
func put[T any](buf *[]T, v T) *T {
	x := alloc(buf)
	*x = v
	return x
}

// carve copies items into a shared backing array and returns a slice of
// exactly their length (a later append to it reallocates, never overwrites).
func carve[T any](buf *[]T, items []T) []T {
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
func grab[T any](buf *[]T, n int) []T {
	if cap(*buf)-len(*buf) < n {
		c := min(max(16, 2*cap(*buf)), 4*chunkSize)
		*buf = make([]T, 0, max(c, n))
	}
	start := len(*buf)
	*buf = (*buf)[:start+n]
	return (*buf)[start : start+n : start+n]
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
	idents   []Ident
	names    []AttrName
	paths    []AttrPath
	assigns  []AttrAssign
	texts    []TextPart
	strs     []StringLit
	applies  []Apply
	selects  []Select
	interps  []Interp
	ints     []IntLit
	entries  []attrEntry
	namePtrs []*AttrName
	parts    []StringPart
	bindings []Binding
	exprs    []Expr
	attrSets []AttrSet
	binaries []Binary
	lists    []List
	inherits []Inherit
	pathLits []PathLit
	ifs      []If
	lambdas  []Lambda
	comments []Comment

	bindStack []Binding // bindings of the sets being parsed, innermost last
	keyStack  []string  // their plain names, likewise
	sets      []attrEntries
}

// presize gives the node kinds whose number the tokens bound a first chunk
// of that size: chunks that double from 8 leave up to half of the last one
// empty, and in a workspace of small files that was a quarter of the heap.
// A kind the bound misses (error recovery) grows as before.
func (s *slabs) presize(toks []Token) {
	var n [len(kindNames)]int32
	for _, t := range toks {
		n[t.Kind]++
	}
	s.idents = chunk(s.idents, n[IDENT])
	s.assigns = chunk(s.assigns, n[ASSIGN])
	s.strs = chunk(s.strs, n[STRING_OPEN]+n[IND_STRING_OPEN])
	texts := n[STRING_TEXT] + n[IND_STRING_TEXT] + n[IND_STRING_ESCAPE] + n[PATH_TEXT] + n[PATH] + n[HPATH]
	s.texts = chunk(s.texts, texts)
	s.parts = chunk(s.parts, texts+n[DOLLAR_CURLY])
	s.bindings = chunk(s.bindings, n[ASSIGN]+n[INHERIT])
	s.interps = chunk(s.interps, n[DOLLAR_CURLY])
	s.attrSets = chunk(s.attrSets, n[LBRACE])
	s.lists = chunk(s.lists, n[LBRACK])
	s.ints = chunk(s.ints, n[INT])
	s.inherits = chunk(s.inherits, n[INHERIT])
	s.ifs = chunk(s.ifs, n[IF])
}

// chunk returns an empty chunk for n items (none for none).
func chunk[T any](buf []T, n int32) []T {
	if n == 0 {
		return buf
	}
	return make([]T, 0, n)
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
