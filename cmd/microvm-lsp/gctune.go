package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// gcFloor keeps the collector's goal at least floor bytes above the live
// heap, re-reading the live heap after each collection. With the percent
// alone, a small workspace (a live heap of 20 MB) collects every few dozen
// keystrokes, and the edits that overlap a collection are the slowest; with
// the floor it collects every few hundred. A large heap keeps base, and the
// memory limit still bounds both.
func gcFloor(base int, floor uint64) *gcTuner {
	t := &gcTuner{floor: floor, last: base}
	t.base.Store(int64(base))
	if v, ok := readBytes("/gc/heap/allocs:bytes", "/gc/cycles/total:gc-cycles"); ok {
		t.allocsAtGC.Store(v[0])
		t.cyclesAtGC.Store(v[1])
	}
	if n, ok := gcPauses(); ok {
		t.pausesAtGC.Store(n)
	}
	debug.SetGCPercent(base)
	t.arm()
	return t
}

type gcTuner struct {
	base    atomic.Int64 // the percent for a large live heap (setBase)
	floor   uint64
	last    int
	limit   atomic.Uint64 // the soft memory limit for a small live heap (limitMemory); 0: not set
	lastLim uint64        // the limit adjust last set
	// liveAtGC is the live heap the last collection adjust saw left.
	liveAtGC atomic.Uint64
	stopped  atomic.Bool
	running  atomic.Bool // an idle collection
	// allocsAtGC is the count of bytes ever allocated when the last
	// collection ended.
	allocsAtGC atomic.Uint64
	cyclesAtGC atomic.Uint64 // the count of collections then
	pausesAtGC atomic.Uint64 // and of the collector's stops of the world (collecting)
	// allocsAtIdle is the count of bytes ever allocated when idle was last
	// called (burstCollects).
	allocsAtIdle atomic.Uint64
}

// stop ends the tuning.
func (t *gcTuner) stop() { t.stopped.Store(true) }

// setBase makes percent the base from the next collection on.
func (t *gcTuner) setBase(percent int) { t.base.Store(int64(percent)) }

// idle collects in the background, when the server is still idle a
// moment later and more than idleShare of the way from the live heap to the
// goal is used, the work that just ended was a burst (burstCollects), or
// the heap is about to outgrow the memory it holds (spareCollects), unless
// the runtime is collecting already (collecting). A collection otherwise
// starts when an allocation crosses its trigger, that is during an edit,
// whose analysis then shares the cores with marking and pays assists;
// while the user pauses between keystrokes the cores are free. Edits that
// follow each other at once (a paste, a replayed session) never wait for
// idleDelay, and collect as before.
func (t *gcTuner) idle(still func() bool) {
	if t.stopped.Load() {
		return
	}
	// What the work that just ended allocated: from the last publication
	// with nothing left to do to this one.
	var burst uint64
	if v, ok := readBytes("/gc/heap/allocs:bytes"); ok {
		burst = v[0] - min(v[0], t.allocsAtIdle.Swap(v[0]))
	}
	if t.running.Load() {
		return
	}
	time.AfterFunc(idleDelay, func() {
		if !still() || !t.needsCollection(burst) || !t.running.CompareAndSwap(false, true) {
			return
		}
		defer t.running.Store(false)
		runtime.GC()
	})
}

// idleDelay is how long the server must stay idle before it collects: less
// than the pause between two keystrokes of a fast typist (about 70 ms).
const idleDelay = 15 * time.Millisecond

func (t *gcTuner) needsCollection(burst uint64) bool {
	if t.stopped.Load() {
		return false
	}
	// What was allocated since the last collection, not the heap's objects:
	// right after a collection those still count the garbage it has not
	// swept yet, and an idle moment then collected again for nothing.
	v, ok := readBytes("/gc/heap/live:bytes", "/gc/heap/goal:bytes", "/gc/heap/allocs:bytes", "/gc/cycles/total:gc-cycles")
	if !ok {
		return false
	}
	if v[3] != t.cyclesAtGC.Load() {
		// A collection ended that adjust has not seen: it just collected.
		// adjust may never see it: a sentinel allocated while that
		// collection marked survives it. What adjust records is then
		// recorded here, as of now; left stale, it read as a collection
		// that never ended (collecting), and no idle moment collected
		// again until the heap reached its goal.
		t.allocsAtGC.Store(v[2])
		t.liveAtGC.Store(v[0])
		t.cyclesAtGC.Store(v[3])
		if n, ok := gcPauses(); ok {
			t.pausesAtGC.Store(n)
		}
		return false
	}
	if t.collecting() {
		return false
	}
	since := v[2] - min(v[2], t.allocsAtGC.Load())
	if idleCollects(v[0], v[1], v[0]+since) || burstCollects(burst, since) {
		return true
	}
	spare, ok := readBytes(spareMetrics...)
	return ok && spareCollects(v[0], spare[0]+spare[1], since, burst)
}

// collecting reports whether the runtime has begun a collection since the
// last one ended: its first stop of the world (sweep termination) is
// counted then, its last (mark termination) when it ends. runtime.GC
// would wait for that collection to end and run a whole one more: during
// typing, two marks back to back (a keystroke in a module that 200 hosts
// import took 20-40 ms instead of 4 for 25 edits).
func (t *gcTuner) collecting() bool {
	n, ok := gcPauses()
	return ok && n > t.pausesAtGC.Load()
}

// gcPauses returns how many times the collector has stopped the world.
func gcPauses() (uint64, bool) {
	s := []metrics.Sample{{Name: "/sched/pauses/total/gc:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return 0, false
	}
	var n uint64
	for _, c := range s[0].Value.Float64Histogram().Counts {
		n += c
	}
	return n, true
}

// burstBytes is the allocation between two publications with nothing
// left to do above which an idle moment collects: a workspace indexed, a
// branch checked out, never a keystroke (an edit of a 1.5 MB file
// allocates about 17 MB).
const burstBytes = 128 << 20

// burstCollects reports whether an idle moment after a burst of work that
// allocated burst bytes, since bytes since the last collection, collects.
// The goal may still be far: without a collection the next edits would
// grow the heap past what the burst used, into memory never touched,
// whose page faults made each keystroke in a 300-line module cost 3-4 ms
// more (about 5.7 instead of 1.7 ms) until the goal was reached. Collected
// now, they reuse the burst's garbage.
func burstCollects(burst, since uint64) bool {
	return burst >= burstBytes && since >= burstBytes
}

// readBytes reads runtime metrics that are counts (of bytes, of cycles); ok is false if this
// runtime lacks one of them.
func readBytes(names ...string) ([]uint64, bool) {
	s := make([]metrics.Sample, len(names))
	for i, n := range names {
		s[i].Name = n
	}
	metrics.Read(s)
	out := make([]uint64, len(s))
	for i, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return nil, false
		}
		out[i] = x.Value.Uint64()
	}
	return out, true
}

// spareBytes is the heap memory the process holds and no object uses below
// which an idle moment collects (spareCollects).
const spareBytes = 16 << 20

// spareMetrics are the heap's bytes that no object uses: free pages it
// keeps (not given back), and free slots in its spans.
var spareMetrics = []string{"/memory/classes/heap/free:bytes", "/memory/classes/heap/unused:bytes"}

// spareCollects reports whether an idle moment collects because the heap is
// about to outgrow the memory the process already holds: spare bytes of it
// are free (pages the heap keeps, slots in its spans), since bytes were
// allocated since the last collection, burst by the work that just ended.
// Past that, each allocation touches a page the process never had, and a
// page fault per 4 KB made a keystroke in a 300-line module cost 4.3
// instead of 1.8 ms (median, 70 ms between keystrokes, a live heap of
// 17 MB growing towards a goal 128 MB above it, which such edits took the
// whole session to reach): collected now, the next edits reuse the last
// ones' garbage. Only after small edits (a quarter of spareBytes): the
// edits of a 1.5 MB file reach the goal within a few keystrokes and then
// reuse its memory, and marking their larger heap every few keystrokes
// cost them more CPU than the faults. It waits for half the live heap to
// be allocated since the last collection, so that a heap that grows for
// good is not marked at every pause.
func spareCollects(live, spare, since, burst uint64) bool {
	return spare < spareBytes && burst < spareBytes/4 && since >= max(spareBytes, live/2)
}

// idleShare is the share of the way from the live heap to the goal after
// which an idle moment collects.
const idleShare = 0.6

func idleCollects(live, goal, used uint64) bool {
	return goal > live && used > live && float64(used-live) > idleShare*float64(goal-live)
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
// or base if that is more (capped for a nearly empty heap).
func percentFor(base int, floor, live uint64) int {
	if live == 0 {
		return base
	}
	p := int(min(floor*100/live, 100_000))
	return max(p, base)
}

func (t *gcTuner) adjust() {
	v, ok := readBytes("/gc/heap/live:bytes", "/gc/heap/allocs:bytes", "/gc/cycles/total:gc-cycles")
	if !ok {
		return
	}
	// The heap this collection marked: what the last one left and what was
	// allocated since.
	marked := t.liveAtGC.Swap(v[0]) + v[1] - min(v[1], t.allocsAtGC.Load())
	t.allocsAtGC.Store(v[1])
	t.cyclesAtGC.Store(v[2])
	if n, ok := gcPauses(); ok {
		t.pausesAtGC.Store(n)
	}
	p := percentFor(int(t.base.Load()), t.floor, v[0])
	// Small changes are not worth a new goal.
	if p*10 < t.last*9 || p*10 > t.last*11 {
		debug.SetGCPercent(p)
		t.last = p
	}
	if base := t.limit.Load(); base > 0 {
		if l := limitFor(base, v[0], growing(v[0], marked)); l != t.lastLim {
			debug.SetMemoryLimit(int64(l))
			t.lastLim = l
		}
	}
}

// limitMemory sets a soft memory limit of base bytes, which adjust raises
// for a live heap of more than half of it (limitFor).
func (t *gcTuner) limitMemory(base uint64) {
	debug.SetMemoryLimit(int64(base))
	t.limit.Store(base)
}

// limitFor returns the soft memory limit for a live heap: base, or twice
// the live heap when that is more. Near the limit the collector runs as
// soon as the heap grows; with half of it free an edit still fits between
// two collections. A heap that grows with what it keeps (growing: the
// first analysis of a workspace whose every file a system imports reads
// 1.3 GB of trees) gets three times its live heap, so that the percent
// sets the goal: at twice, the collector marked the whole heap from one
// collection to the next, found almost all of it live each time, and took
// about a third of the CPU (a quiet server after 9.3-10.4 s rather than
// 7.4 s, in a generated workspace of 33,000 files).
func limitFor(base, live uint64, growing bool) uint64 {
	if growing {
		return max(base, 3*live)
	}
	return max(base, 2*live)
}

// growingShare is the share of the heap it marked that a collection must
// find live for the heap to be growing with what it keeps.
const growingShare = 0.8

// growing reports whether a collection that marked a heap of marked bytes
// and left live of them found the heap growing (growingShare). A heap
// still small (under 64 MB) is not: the limit does not bind there.
func growing(live, marked uint64) bool {
	return live >= 64<<20 && marked > 0 && float64(live) >= growingShare*float64(marked)
}
