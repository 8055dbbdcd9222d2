package server

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// progress reports one long task through LSP work-done progress. It is a
// no-op for clients that do not support it, or refuse the token. The task
// does not wait for the client to accept the token: reports before that are
// dropped, and a task that ends first is reported begun and ended at once.
type progress struct {
	s     *Server
	token string
	title string

	mu       sync.Mutex
	enabled  bool   // the client accepted the token and begin went out
	ended    bool   // end was called
	endMsg   string // its message
	lastSent time.Time
	reported bool // the first report goes out at once
}

var progressSeq atomic.Uint64

// progressInterval limits report notifications: a scan of thousands of
// files would otherwise flood the client.
const progressInterval = 100 * time.Millisecond

func (s *Server) startProgress(ctx context.Context, title string) *progress {
	p := &progress{s: s, token: fmt.Sprintf("microvm-lsp/%d", progressSeq.Add(1)), title: title}
	s.mu.Lock()
	supported := s.caps.Window.WorkDoneProgress
	s.mu.Unlock()
	if !supported {
		return p
	}
	s.background(func() {
		if err := s.callClient(ctx, "window/workDoneProgress/create", map[string]any{"token": p.token}, nil); err != nil {
			s.log.Debug("window/workDoneProgress/create failed; indexing without progress", zap.Error(err))
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		p.enabled = true
		p.send(protocol.WorkDoneProgressBegin{Kind: protocol.WorkDoneProgressKindBegin, Title: p.title})
		p.lastSent = time.Now()
		if p.ended {
			p.send(protocol.WorkDoneProgressEnd{Kind: protocol.WorkDoneProgressKindEnd, Message: p.endMsg})
		}
	})
	return p
}

func (p *progress) send(value any) {
	p.s.notifyClient("$/progress", map[string]any{"token": p.token, "value": value})
}

func (p *progress) report(message string, percentage uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.enabled || p.ended || p.reported && time.Since(p.lastSent) < progressInterval && percentage < 100 {
		return
	}
	p.reported = true
	p.lastSent = time.Now()
	p.send(protocol.WorkDoneProgressReport{Kind: protocol.WorkDoneProgressKindReport, Message: message, Percentage: percentage})
}

func (p *progress) end(message string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	p.ended, p.endMsg = true, message
	if p.enabled {
		p.send(protocol.WorkDoneProgressEnd{Kind: protocol.WorkDoneProgressKindEnd, Message: message})
	}
}
