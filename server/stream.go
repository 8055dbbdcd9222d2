package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// stream is a jsonrpc2.Stream with LSP's Content-Length framing. Unlike
// jsonrpc2's own, a message whose body is not valid JSON-RPC is logged and
// skipped instead of ending the connection: the framing is intact, so the
// next message can still be read.
type stream struct {
	in     *bufio.Reader
	rwc    io.ReadWriteCloser
	log    *zap.Logger
	writeM sync.Mutex
}

func newStream(rwc io.ReadWriteCloser, log *zap.Logger) *stream {
	return &stream{in: bufio.NewReader(rwc), rwc: rwc, log: log}
}

func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	var total int64
	for {
		body, n, err := s.readFrame()
		total += n
		if err != nil {
			return nil, total, err
		}
		msg, err := jsonrpc2.DecodeMessage(body)
		if err != nil {
			s.log.Error("skipping a message that is not JSON-RPC", zap.Error(err), zap.ByteString("body", truncate(body, 500)))
			continue
		}
		if ce := s.log.Check(zap.DebugLevel, "<- client"); ce != nil {
			ce.Write(zap.ByteString("message", truncate(body, 2000)))
		}
		return msg, total, nil
	}
}

func (s *stream) readFrame() ([]byte, int64, error) {
	var total int64
	length := -1
	for {
		line, err := s.in.ReadString('\n')
		total += int64(len(line))
		if err != nil {
			if err == io.EOF && total == 0 {
				return nil, total, io.EOF
			}
			return nil, total, fmt.Errorf("reading a header: %w", err)
		}
		line = strings.TrimSpace(line)
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, total, fmt.Errorf("invalid header line %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, total, fmt.Errorf("invalid Content-Length %q", value)
			}
			length = n
		}
	}
	if length < 0 {
		return nil, total, fmt.Errorf("message without a Content-Length header")
	}
	body := make([]byte, length)
	n, err := io.ReadFull(s.in, body)
	total += int64(n)
	if err != nil {
		return nil, total, fmt.Errorf("reading a message body: %w", err)
	}
	return body, total, nil
}

func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	body, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("encoding a message: %w", err)
	}
	if ce := s.log.Check(zap.DebugLevel, "-> client"); ce != nil {
		ce.Write(zap.ByteString("message", truncate(body, 2000)))
	}
	// One write per message, so that header and body are never split by
	// another writer.
	frame := make([]byte, 0, len(body)+32)
	frame = append(frame, "Content-Length: "...)
	frame = strconv.AppendInt(frame, int64(len(body)), 10)
	frame = append(frame, "\r\n\r\n"...)
	frame = append(frame, body...)
	s.writeM.Lock()
	defer s.writeM.Unlock()
	n, err := s.rwc.Write(frame)
	return int64(n), err
}

func (s *stream) Close() error { return s.rwc.Close() }

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
