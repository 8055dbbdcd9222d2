package server

import (
	"context"
	"errors"
	"sync"
)

// errSuperseded is the cause of a context that ended because a change
// made a newer state: the work on the old one is of no use.
var errSuperseded = errors.New("superseded by a newer state")

// supersession holds the cancel functions of work on the current state
// (Server.gen), called when a change supersedes it.
type supersession struct {
	mu      sync.Mutex
	next    uint64
	cancels map[uint64]context.CancelCauseFunc
}

// whileCurrent returns a context that ends with ctx or as soon as the
// state gen is superseded (at once if it already is), and the function
// that releases it. The cause of a superseded context is errSuperseded.
func (s *Server) whileCurrent(ctx context.Context, gen uint64) (context.Context, context.CancelFunc) {
	wctx, cancel := context.WithCancelCause(ctx)
	sup := &s.current
	sup.mu.Lock()
	// changed() counts the new state before it takes mu: read under mu, a
	// gen still current here is superseded by a supersede() that follows.
	if s.gen.Load() != gen {
		sup.mu.Unlock()
		cancel(errSuperseded)
		return wctx, func() {}
	}
	if sup.cancels == nil {
		sup.cancels = map[uint64]context.CancelCauseFunc{}
	}
	id := sup.next
	sup.next++
	sup.cancels[id] = cancel
	sup.mu.Unlock()
	return wctx, func() {
		sup.mu.Lock()
		delete(sup.cancels, id)
		sup.mu.Unlock()
		cancel(nil)
	}
}

// supersede ends every context whileCurrent handed out.
func (sup *supersession) supersede() {
	sup.mu.Lock()
	cancels := sup.cancels
	sup.cancels = nil
	sup.mu.Unlock()
	for _, cancel := range cancels {
		cancel(errSuperseded)
	}
}

// superseded reports whether ctx ended because its state was superseded
// (not because the request or the session ended).
func superseded(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errSuperseded)
}
