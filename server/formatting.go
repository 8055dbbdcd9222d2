package server

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"time"

	"go.lsp.dev/protocol"
)

// formatTimeout bounds one run of the external formatter.
const formatTimeout = 10 * time.Second

func (l lspServer) Formatting(ctx context.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	return l.s.formatting(ctx, p)
}

// formatting answers textDocument/formatting by piping the document through
// the formatter command (no shell) and replacing the whole text.
func (s *Server) formatting(ctx context.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	snap := s.snapshot()
	path := uriToPath(p.TextDocument.URI)
	f := snap.tree(path)
	if f == nil {
		return nil, requestFailed("%s is not open", p.TextDocument.URI)
	}
	src := f.Src
	if d := snap.docs[path]; d != nil {
		src = []byte(d.text)
	}
	s.mu.Lock()
	argv := s.settings.Formatter
	s.mu.Unlock()
	if len(argv) == 0 {
		// The only program the server ever runs: nixfmt unless configured.
		argv = []string{"nixfmt"}
	}
	out, err := runFormatter(ctx, argv, src)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(out, src) {
		return []protocol.TextEdit{}, nil
	}
	return []protocol.TextEdit{{Range: rangeOf(f.Lines, 0, len(f.Src), snap.enc), NewText: string(out)}}, nil
}

// runFormatter runs argv with src on stdin and returns its stdout.
func runFormatter(ctx context.Context, argv []string, src []byte) ([]byte, error) {
	prog, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, requestFailed("%s not found on PATH; set microvm-lsp.formatter", argv[0])
	}
	ctx, cancel := context.WithTimeout(ctx, formatTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, argv[1:]...)
	cmd.Stdin = bytes.NewReader(src)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, requestFailed("%s did not finish within %s", argv[0], formatTimeout)
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, requestFailed("%s failed: %s", argv[0], msg)
	}
	return stdout.Bytes(), nil
}
