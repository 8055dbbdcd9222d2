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
	if cap(*buf)-len(*buf) < len(items) {
		n := 2 * cap(*buf)
		if n < 16 {
			n = 16
		} else if n > 4*chunkSize {
			n = 4 * chunkSize
		}
		if len(items) > n {
			n = len(items)
		}
		*buf = make([]T, 0, n)
	}
	start := len(*buf)
	*buf = append(*buf, items...)
	return (*buf)[start:len(*buf):len(*buf)]
}

// grab returns a slice of n zero items from a shared backing array, of
// exactly that length (as carve, for a copy filled in place).
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
