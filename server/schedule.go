package server

import (
	"context"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/analysis"
)

// scheduler runs the handlers of incoming messages on a bounded number of
// goroutines, whatever the client sends: notifications one at a time in
// arrival order; requests on at most maxWorkers goroutines, each once
// every notification received before it is handled; and replies the read
// loop must not write itself on one goroutine. Goroutines are started when
// work comes and end when none is left.
type scheduler struct {
	mu sync.Mutex

	notes serial // its done counts handled and wakes the requests
	// received and handled count notifications.
	received, handled uint64

	reqs       []queuedRequest // in arrival order
	maxWorkers int
	workers    int // running worker goroutines
	busy       int // of them, those running a handler

	writes serial
}

// serial runs work one item at a time, in order, on a goroutine started
// when work comes and ended when none is left; done, if set, runs after
// each item.
type serial struct {
	mu      sync.Mutex
	fns     []func()
	running bool
	done    func()
}

// add queues fn.
func (q *serial) add(fn func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.fns = append(q.fns, fn)
	if !q.running {
		q.running = true
		go q.drain()
	}
}

func (q *serial) drain() {
	q.mu.Lock()
	for len(q.fns) > 0 {
		fn := q.fns[0]
		q.fns[0] = nil
		q.fns = q.fns[1:]
		q.mu.Unlock()
		fn()
		if q.done != nil {
			q.done()
		}
		q.mu.Lock()
	}
	q.fns = nil // let the backing array go
	q.running = false
	q.mu.Unlock()
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
	sc := &scheduler{maxWorkers: requestWorkers * analysis.Cores()}
	sc.notes.done = func() {
		sc.mu.Lock()
		sc.handled++
		sc.startWorkersLocked()
		sc.mu.Unlock()
	}
	return sc
}

// notification queues the handler of a notification.
func (sc *scheduler) notification(run func()) {
	sc.mu.Lock()
	sc.received++ // before the queue: a later request waits for run
	sc.mu.Unlock()
	sc.notes.add(run)
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
func (sc *scheduler) write(fn func()) { sc.writes.add(fn) }

// queued returns how many requests wait and how many run.
func (sc *scheduler) queued() (waiting, running int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return len(sc.reqs), sc.busy
}
