package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercentFor(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{20 * mb, 640},  // 20 MB + 128 MB
		{64 * mb, 300},  // 64 + 192 > 64 + 128: base
		{700 * mb, 300}, // large heaps keep base
		{0, 300},
		{1, 100_000}, // capped
	} {
		if got := percentFor(300, 128*mb, c.live); got != c.want {
			t.Errorf("percentFor(300, 128 MB, %d) = %d, want %d", c.live, got, c.want)
		}
	}
}

// After a collection of this test's small heap, the floor has raised the
// percent above base; stopped, it no longer changes it.
func TestGCFloorRaisesPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	tuner := gcFloor(100, 1<<30)
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		if p > 100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("percent still %d after collections", p)
		}
	}
	tuner.stop()
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	debug.SetGCPercent(123)
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if p := debug.SetGCPercent(100); p != 123 {
		t.Errorf("stopped tuner changed the percent to %d", p)
	}
}

func TestIdleCollects(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, goal, used uint64
		want             bool
	}{
		{100 * mb, 400 * mb, 150 * mb, false}, // a sixth of the way
		{100 * mb, 400 * mb, 300 * mb, true},  // two thirds
		{100 * mb, 400 * mb, 90 * mb, false},  // below live (freed since)
		{0, 0, 10 * mb, false},
	} {
		if got := idleCollects(c.live, c.goal, c.used); got != c.want {
			t.Errorf("idleCollects(%d, %d, %d) = %v, want %v", c.live>>20, c.goal>>20, c.used>>20, got, c.want)
		}
	}
}

func TestBurstCollects(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		burst, since uint64
		want         bool
	}{
		{400 * mb, 350 * mb, true},   // a workspace indexed since the last idle moment
		{20 * mb, 350 * mb, false},   // a keystroke: the goal decides
		{400 * mb, 40 * mb, false},   // collected during the burst already
		{128 * mb, 128 * mb, true},   // at the bounds
		{127 * mb, 1000 * mb, false}, // just below
	} {
		if got := burstCollects(c.burst, c.since); got != c.want {
			t.Errorf("burstCollects(%d MB, %d MB) = %v, want %v", c.burst>>20, c.since>>20, got, c.want)
		}
	}
}

func TestSpareCollects(t *testing.T) {
	if _, ok := readBytes(spareMetrics...); !ok {
		t.Fatalf("this runtime lacks one of %v", spareMetrics)
	}
	const mb = 1 << 20
	for _, c := range []struct {
		live, spare, since, burst uint64
		want                      bool
	}{
		{17 * mb, 10 * mb, 20 * mb, 1 * mb, true},    // keystrokes in a small module, the held memory used up
		{17 * mb, 40 * mb, 20 * mb, 1 * mb, false},   // memory left to reuse
		{17 * mb, 10 * mb, 10 * mb, 1 * mb, false},   // too little allocated since the last collection
		{300 * mb, 0, 100 * mb, 1 * mb, false},       // a large heap: not before half of it
		{300 * mb, 0, 150 * mb, 1 * mb, true},        // and then
		{50 * mb, 10 * mb, 100 * mb, 17 * mb, false}, // the edits of a large file reach the goal soon
		{17 * mb, 16 * mb, 20 * mb, 1 * mb, false},   // at the bound
		{17 * mb, 10 * mb, 20 * mb, 4 * mb, false},   // a burst at its bound
	} {
		if got := spareCollects(c.live, c.spare, c.since, c.burst); got != c.want {
			t.Errorf("spareCollects(%d, %d, %d, %d MB) = %v, want %v", c.live>>20, c.spare>>20, c.since>>20, c.burst>>20, got, c.want)
		}
	}
}

// A collection that adjust never saw (its sentinel outlived it) is
// recorded at the next idle moment: until then it reads as one that never
// ended, and no idle moment collects.
func TestNeedsCollectionSeesAMissedCollection(t *testing.T) {
	runtime.GC()
	tu := &gcTuner{} // as if adjust had seen no collection of this process
	if !tu.collecting() {
		t.Fatal("a tuner that saw no collection does not read the last one as still running")
	}
	if tu.needsCollection(0) {
		t.Fatal("an idle moment right after a collection collects")
	}
	if tu.collecting() {
		t.Fatal("still collecting after needsCollection recorded the collection that ended")
	}
	v, _ := readBytes("/gc/cycles/total:gc-cycles")
	if got := tu.cyclesAtGC.Load(); got != v[0] {
		t.Fatalf("cycles recorded %d, the runtime's %d", got, v[0])
	}
}

// collecting sees a collection that has begun and not ended, and none
// once it has ended (and adjust has run).
func TestCollectingSeesAMark(t *testing.T) {
	if _, ok := gcPauses(); !ok {
		t.Fatal("this runtime counts no pauses of the collector")
	}
	// A heap of pointers whose marking takes a while.
	type node struct{ next *node }
	var head *node
	for i := 0; i < 4_000_000; i++ {
		head = &node{next: head}
	}
	runtime.GC()
	tu := &gcTuner{}
	tu.adjust()
	if tu.collecting() {
		t.Fatal("collecting after a collection ended")
	}
	done := make(chan struct{})
	go func() { runtime.GC(); close(done) }()
	seen := false
	for !seen {
		select {
		case <-done:
			t.Fatal("a whole collection ran and collecting never saw it")
		default:
		}
		seen = tu.collecting()
	}
	<-done
	tu.adjust()
	if tu.collecting() {
		t.Error("collecting after the collection ended")
	}
	runtime.KeepAlive(head)
}

func TestLimitFor(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct{ live, want uint64 }{
		{250 * mb, 900 * mb},  // the 107 MB workspace: the base
		{450 * mb, 900 * mb},  // half of it
		{600 * mb, 1200 * mb}, // more: twice the live heap
		{0, 900 * mb},
	} {
		if got := limitFor(900*mb, c.live, false); got != c.want {
			t.Errorf("limitFor(900 MB, %d MB) = %d MB, want %d MB", c.live>>20, got>>20, c.want>>20)
		}
	}
	// A heap that grows with what it keeps: three times the live heap.
	for _, c := range []struct{ live, want uint64 }{
		{250 * mb, 900 * mb},
		{600 * mb, 1800 * mb},
	} {
		if got := limitFor(900*mb, c.live, true); got != c.want {
			t.Errorf("limitFor(900 MB, %d MB, growing) = %d MB, want %d MB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

func TestGrowing(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, marked uint64
		want         bool
	}{
		{657 * mb, 734 * mb, true},  // the first analysis reading trees: 90% live
		{340 * mb, 900 * mb, false}, // typing: most of the heap was garbage
		{30 * mb, 31 * mb, false},   // a small heap
		{200 * mb, 0, false},        // nothing known of the heap marked
	} {
		if got := growing(c.live, c.marked); got != c.want {
			t.Errorf("growing(%d MB live of %d MB) = %v, want %v", c.live>>20, c.marked>>20, got, c.want)
		}
	}
}

// A live heap of more than half the base limit raises the limit to twice
// the live heap after a collection.
func TestLimitFollowsLiveHeap(t *testing.T) {
	oldLimit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(oldLimit)
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	tuner := gcFloor(100, 1<<20)
	defer tuner.stop()
	const base = 1 << 20 // far below this test's live heap
	tuner.limitMemory(base)
	live := make([]byte, 32<<20) // kept live until the end
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		if l := debug.SetMemoryLimit(-1); l >= 2*int64(len(live)) {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("limit %d MB after collections with %d MB live", l>>20, len(live)>>20)
		}
	}
	runtime.KeepAlive(live)
}

// The indexing percent holds until the first idle moment, and the typing
// percent after it (serve's onFirstIdle and setBase); collections in between
// keep the one in force.
func TestGCUntilIdle(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	percent := func() int {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	waitFor := func(want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
			if p := percent(); p == want {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("percent %d after collections, want %d", p, want)
			}
		}
	}
	tuner := gcFloor(indexingGCPercent, 1) // a floor of one byte: the base decides
	defer tuner.stop()
	idle := onFirstIdle(func() { tuner.setBase(typingGCPercent) })
	if p := percent(); p != indexingGCPercent {
		t.Fatalf("percent %d at the start, want %d", p, indexingGCPercent)
	}
	waitFor(indexingGCPercent)
	idle(func() bool { return false })
	waitFor(typingGCPercent)
	idle(func() bool { return false })
	waitFor(typingGCPercent)
}
