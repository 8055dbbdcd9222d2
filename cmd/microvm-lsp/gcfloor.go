package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// gcFloor keeps the collector's goal at least floor bytes above the live
// heap, re-reading the live heap after each collection. With the percent
// alone, a small workspace (a live heap of 20 MB) collects every few dozen
// keystrokes, and the edits that overlap a collection are the slowest; with
// the floor it collects every few hundred. A large heap keeps base, and the
// memory limit still bounds both. stop ends the tuning.
func gcFloor(base int, floor uint64) (stop func()) {
	t := &gcTuner{base: base, floor: floor, last: base}
	debug.SetGCPercent(base)
	t.arm()
	return func() { t.stopped.Store(true) }
}

type gcTuner struct {
	base    int
	floor   uint64
	last    int
	stopped atomic.Bool
}

// sentinel is an object the next collection frees; its cleanup runs after
// that collection. It holds a pointer so that the allocator does not batch
// it with other small objects, which would keep it alive.
type sentinel struct{ _ *int }

func (t *gcTuner) arm() {
	runtime.AddCleanup(new(sentinel), func(t *gcTuner) {
		if t.stopped.Load() {
			return
		}
		t.adjust()
		t.arm()
	}, t)
}

// percentFor returns the percent that puts the goal floor bytes above live,
// or base if that is more; at most 100 times the floor's own percent keeps
// a nearly empty heap from an absurd number.
func percentFor(base int, floor, live uint64) int {
	if live == 0 {
		return base
	}
	p := int(min(floor*100/live, 100_000))
	return max(p, base)
}

func (t *gcTuner) adjust() {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	p := percentFor(t.base, t.floor, s[0].Value.Uint64())
	// Small changes are not worth a new goal.
	if p*10 < t.last*9 || p*10 > t.last*11 {
		debug.SetGCPercent(p)
		t.last = p
	}
}
