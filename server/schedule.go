package server

import (
	"context"
	"runtime"
	"sync"
)

// scheduler runs the handlers of incoming messages on a bounded number of
// goroutines, whatever the client sends: notifications one at a time in
// arrival order; requests on at most maxWorkers goroutines, each once
// every notification received before it is handled; and replies the read
// loop must not write itself on one goroutine. Goroutines are started when
// work comes and end when none is left.
type scheduler struct {
	mu sync.Mutex

	notes       []func()
	noteRunning bool
	// received and handled count notifications.
	received, handled uint64

	reqs       []queuedRequest // in arrival order
	maxWorkers int
	workers    int // running worker goroutines
	busy       int // of them, those running a handler

	writes  []func()
	writing bool
}

type queuedRequest struct {
	ctx   context.Context
	after uint64 // notifications received before it
	run   func()
}

// requestWorkers is how many requests run at once per core: handlers mostly
// wait (for a snapshot, the analysis, the module graph), so more than one
// a core, but never one per request of a client that floods.
const requestWorkers = 8

func newScheduler() *scheduler {
	return &scheduler{maxWorkers: requestWorkers * runtime.GOMAXPROCS(0)}
}

// notification queues the handler of a notification.
func (sc *scheduler) notification(run func()) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.received++
	sc.notes = append(sc.notes, run)
	if !sc.noteRunning {
		sc.noteRunning = true
		go sc.runNotifications()
	}
}

func (sc *scheduler) runNotifications() {
	sc.mu.Lock()
	for len(sc.notes) > 0 {
		run := sc.notes[0]
		sc.notes[0] = nil
		sc.notes = sc.notes[1:]
		sc.mu.Unlock()
		run()
		sc.mu.Lock()
		sc.handled++
		sc.startWorkersLocked()
	}
	sc.notes = nil // let the backing array go
	sc.noteRunning = false
	sc.mu.Unlock()
}

// request queues the handler of a request. A request whose ctx has ended
// when its turn comes is not run: it was answered when cancelled.
func (sc *scheduler) request(ctx context.Context, run func()) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.reqs = append(sc.reqs, queuedRequest{ctx: ctx, after: sc.received, run: run})
	sc.startWorkersLocked()
}

// startWorkersLocked starts the workers the ready requests need: those at
// the head of the queue whose notifications are handled (their after
// never decreases), beyond the workers not busy, up to maxWorkers.
func (sc *scheduler) startWorkersLocked() {
	idle := sc.workers - sc.busy
	for i := 0; i < len(sc.reqs) && sc.workers < sc.maxWorkers && sc.reqs[i].after <= sc.handled; i++ {
		if idle > 0 {
			idle--
			continue
		}
		sc.workers++
		go sc.work()
	}
}

func (sc *scheduler) work() {
	sc.mu.Lock()
	for len(sc.reqs) > 0 && sc.reqs[0].after <= sc.handled {
		q := sc.reqs[0]
		sc.reqs[0] = queuedRequest{}
		sc.reqs = sc.reqs[1:]
		if q.ctx.Err() != nil {
			continue
		}
		sc.busy++
		sc.mu.Unlock()
		q.run()
		sc.mu.Lock()
		sc.busy--
	}
	if len(sc.reqs) == 0 {
		sc.reqs = nil
	}
	sc.workers--
	sc.mu.Unlock()
}

// write queues a write to the client (a reply) for the read loop, which
// must not write.
func (sc *scheduler) write(fn func()) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.writes = append(sc.writes, fn)
	if !sc.writing {
		sc.writing = true
		go sc.runWrites()
	}
}

func (sc *scheduler) runWrites() {
	sc.mu.Lock()
	for len(sc.writes) > 0 {
		fn := sc.writes[0]
		sc.writes[0] = nil
		sc.writes = sc.writes[1:]
		sc.mu.Unlock()
		fn()
		sc.mu.Lock()
	}
	sc.writes = nil
	sc.writing = false
	sc.mu.Unlock()
}

// queued returns how many requests wait and how many run.
func (sc *scheduler) queued() (waiting, running int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return len(sc.reqs), sc.busy
}
