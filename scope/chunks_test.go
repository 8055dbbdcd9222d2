package scope

import "testing"

// chunked hands out zero values that stay where they are as more are
// handed out, and reset clears them all, keeping at most keep chunks, whose
// memory the next values reuse.
func TestChunked(t *testing.T) {
	var c chunked[[2]*int]
	x := 1
	for round := range 3 {
		var got []*[2]*int
		for i := range 500 {
			v := c.next()
			if *v != [2]*int{} {
				t.Fatalf("round %d: value %d handed out holds %v", round, i, *v)
			}
			v[0], v[1] = &x, &x
			got = append(got, v)
		}
		for i := range got {
			for j := range i {
				if got[i] == got[j] {
					t.Fatalf("round %d: values %d and %d are one", round, j, i)
				}
			}
		}
		first := &c.chunks[0][:1][0]
		c.reset(4)
		if len(c.chunks) != 4 || c.used != 0 {
			t.Fatalf("round %d: reset kept %d chunks, %d used", round, len(c.chunks), c.used)
		}
		for _, ch := range c.chunks {
			for _, v := range ch[:cap(ch)] {
				if v != [2]*int{} {
					t.Fatalf("round %d: reset left %v", round, v)
				}
			}
		}
		if c.next() != first {
			t.Fatalf("round %d: the first value after reset is not in the kept memory", round)
		}
		c.reset(4)
	}
}
