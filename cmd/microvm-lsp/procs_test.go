package main

import (
	"runtime"
	"testing"
)

// TestOneMoreProcessorOnce: the first idle moment adds one processor to
// those the runtime chose, and later ones add none.
func TestOneMoreProcessorOnce(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(before)
	idle := onFirstIdle(oneMoreProcessor)
	still := func() bool { return true }
	idle(still)
	if got := runtime.GOMAXPROCS(0); got != before+1 {
		t.Fatalf("after the first idle moment: GOMAXPROCS %d, want %d", got, before+1)
	}
	idle(still)
	idle(still)
	if got := runtime.GOMAXPROCS(0); got != before+1 {
		t.Fatalf("after three idle moments: GOMAXPROCS %d, want %d", got, before+1)
	}
}
