package server

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// progress reports one long task through LSP work-done progress. It is a
// no-op for clients that do not support it, or refuse the token.
type progress struct {
	s        *Server
	token    string
	enabled  bool
	lastSent time.Time
	reported bool // the first report goes out at once
}

var progressSeq atomic.Uint64

// progressInterval limits report notifications: a scan of thousands of
// files would otherwise flood the client.
const progressInterval = 100 * time.Millisecond

func (s *Server) startProgress(ctx context.Context, title string) *progress {
	p := &progress{s: s, token: fmt.Sprintf("microvm-lsp/%d", progressSeq.Add(1))}
	s.mu.Lock()
	supported := s.caps.Window.WorkDoneProgress
	s.mu.Unlock()
	if !supported {
		return p
	}
	if err := s.callClient(ctx, "window/workDoneProgress/create", map[string]any{"token": p.token}, nil); err != nil {
		s.log.Debug("window/workDoneProgress/create failed; indexing without progress", zap.Error(err))
		return p
	}
	p.enabled = true
	p.send(protocol.WorkDoneProgressBegin{Kind: protocol.WorkDoneProgressKindBegin, Title: title})
	p.lastSent = time.Now()
	return p
}

func (p *progress) send(value any) {
	p.s.notifyClient("$/progress", map[string]any{"token": p.token, "value": value})
}

func (p *progress) report(message string, percentage uint32) {
	if !p.enabled || p.reported && time.Since(p.lastSent) < progressInterval && percentage < 100 {
		return
	}
	p.reported = true
	p.lastSent = time.Now()
	p.send(protocol.WorkDoneProgressReport{Kind: protocol.WorkDoneProgressKindReport, Message: message, Percentage: percentage})
}

func (p *progress) end(message string) {
	if p.enabled {
		p.send(protocol.WorkDoneProgressEnd{Kind: protocol.WorkDoneProgressKindEnd, Message: message})
	}
}
