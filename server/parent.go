package server

import (
	"time"

	"go.uber.org/zap"
)

// watchParent ends the session when the client's process is gone, so that
// a crashed editor does not leave servers behind. Polling is cheap: one
// signal-0 kill every few seconds.
func (s *Server) watchParent(pid int) {
	if !processAlive(pid) {
		// The client runs where we cannot see it (another PID namespace,
		// a container): its processId means nothing here.
		s.log.Info("the client's processId is not visible from here; not watching it", zap.Int("pid", pid))
		return
	}
	s.background(func() { s.pollParent(pid) })
}

func (s *Server) pollParent(pid int) {
	t := time.NewTicker(s.opts.ParentPollInterval)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			if !processAlive(pid) {
				s.log.Info("the client process is gone; exiting", zap.Int("pid", pid))
				s.stop()
				return
			}
		}
	}
}
