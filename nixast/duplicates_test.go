package nixast

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestRepeats holds repeats to a plain map over lists short and long,
// with a repeat anywhere or none, one after the other as the pool hands
// the same table out again (a stale slot from a longer list would report
// a repeat that is not there).
func TestRepeats(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	want := func(names []string) bool {
		seen := map[string]bool{}
		for _, n := range names {
			if seen[n] {
				return true
			}
			seen[n] = true
		}
		return false
	}
	for _, n := range []int{0, 1, 2, attrMapThreshold, attrMapThreshold + 1, 100, 5000, 26000, 40, 3} {
		for trial := 0; trial < 6; trial++ {
			names := make([]string, n)
			for i := range names {
				names[i] = fmt.Sprintf("pkg%d", i)
			}
			rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
			if trial%2 == 1 && n > 1 {
				i, j := rng.Intn(n), rng.Intn(n)
				if i == j {
					j = (i + 1) % n
				}
				names[j] = names[i]
			}
			if got, w := repeats(names), want(names); got != w {
				t.Errorf("repeats of %d names (trial %d) = %v, want %v", n, trial, got, w)
			}
		}
	}
}
