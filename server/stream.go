package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	segjson "github.com/segmentio/encoding/json"
	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// maxMessageSize bounds one message body. A didOpen of a file at
// nixast.MaxFileSize, JSON-escaped, fits several times over; a larger
// Content-Length is a framing error, not an allocation.
const maxMessageSize = 512 << 20

// maxJSONDepth bounds the nesting of a message body, as encoding/json's
// own decoder does: jsonrpc2's decoder and the handlers' recurse once per
// level, and a body of five million nested arrays (10 MB) overflowed the
// stack, which no recover catches.
const maxJSONDepth = 10000

// tooDeep reports whether body nests arrays and objects deeper than
// maxJSONDepth, outside strings. It reads every message, among them the
// whole text of each keystroke's didChange from a client that syncs full
// documents: strings are passed over from quote to quote at memory speed
// rather than byte by byte (a 1.5 MB file took 2 ms).
func tooDeep(body []byte) bool {
	depth := 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '"':
			i = stringEnd(body, i+1)
		case '[', '{':
			if depth++; depth > maxJSONDepth {
				return true
			}
		case ']', '}':
			depth--
		}
	}
	return false
}

// stringEnd returns the index of the quote that ends the JSON string whose
// text starts at i, or len(b): the first quote after an even number of
// backslashes.
func stringEnd(b []byte, i int) int {
	for i < len(b) {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return len(b)
		}
		n := 0
		for k := i + q - 1; k >= i && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i + q
		}
		i += q + 1
	}
	return len(b)
}

// stream is a jsonrpc2.Stream with LSP's Content-Length framing. Unlike
// jsonrpc2's own, it survives bad input: a body that is not JSON-RPC is
// answered with the JSON-RPC error for it (ParseError, InvalidRequest) and
// skipped, and a broken header (no, a non-numeric, negative or huge
// Content-Length, a line that is not a header) is logged and skipped up to
// the next Content-Length header. Only the end of the input ends a stream.
type stream struct {
	in     *bufio.Reader
	rwc    io.ReadWriteCloser
	log    *zap.Logger
	writeM sync.Mutex
	resync bool // after a framing error: skip input up to a Content-Length header

	// invalid holds the answers to invalid messages not written yet: one
	// goroutine writes them, however many a client sends.
	invalid serial
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
		if body == nil {
			continue // a framing error, logged
		}
		var msg jsonrpc2.Message
		if tooDeep(body) {
			err = jsonrpc2.Errorf(jsonrpc2.ParseError, "JSON nested deeper than %d", maxJSONDepth)
		} else {
			msg, err = decodeMessage(body)
		}
		if err == nil {
			if resp, ok := msg.(*jsonrpc2.Response); ok {
				err = checkResponse(resp, body)
			}
		}
		if err != nil {
			s.log.Error("skipping a message that is not JSON-RPC", zap.Error(err), zap.ByteString("body", truncate(body, 500)))
			s.replyInvalid(body, err)
			continue
		}
		if ce := s.log.Check(zap.DebugLevel, "<- client"); ce != nil {
			ce.Write(zap.ByteString("message", truncate(body, 2000)))
		}
		return msg, total, nil
	}
}

// smallMessage is the size below which decodeMessage reads a request
// itself: jsonrpc2.DecodeMessage's decoder reads every message into a
// buffer of 32 KB or more of its own.
const smallMessage = 32 << 10

// decodeMessage is jsonrpc2.DecodeMessage, without the decoder's buffer
// for a small request or notification whose params are an object or an
// array: a keystroke's didChange, and the completion, hover and other
// requests editors send with it, each cost a buffer, most of what reading
// a message allocated. Anything else (a response, a large or unusual
// message, anything the plain decode does not read) DecodeMessage reads.
func decodeMessage(body []byte) (jsonrpc2.Message, error) {
	if len(body) <= smallMessage {
		var m struct {
			// Raw: a version given as null is no version, and
			// DecodeMessage rejects it, as any but "2.0"; absent, it
			// reads the message.
			JSONRPC json.RawMessage `json:"jsonrpc"`
			ID      *jsonrpc2.ID    `json:"id"`
			Method  string          `json:"method"`
			Params  json.RawMessage `json:"params"`
		}
		if json.Unmarshal(body, &m) == nil && m.Method != "" && (m.JSONRPC == nil || string(m.JSONRPC) == `"`+jsonrpc2.Version+`"`) &&
			len(m.Params) > 0 && (m.Params[0] == '{' || m.Params[0] == '[') {
			if m.ID == nil {
				if n, err := jsonrpc2.NewNotification(m.Method, m.Params); err == nil {
					return n, nil
				}
			} else if c, err := jsonrpc2.NewCall(*m.ID, m.Method, m.Params); err == nil {
				return c, nil
			}
		}
	}
	return jsonrpc2.DecodeMessage(body)
}

// checkResponse rejects what jsonrpc2 decodes as a response but is not one:
// a request with an empty method name, or an object with an id and nothing
// else. Left alone, the first would never be answered.
func checkResponse(resp *jsonrpc2.Response, body []byte) error {
	var raw struct {
		Method json.RawMessage `json:"method"`
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return err
	}
	switch {
	case raw.Method != nil:
		return jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", raw.Method)
	case raw.Result == nil && raw.Error == nil:
		return jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "a message with an id but no method, result or error")
	}
	return nil
}

// replyInvalid answers a body that could not be decoded, as JSON-RPC
// prescribes: ParseError for invalid JSON, InvalidRequest (or the code err
// carries) otherwise, with the message's id when it has a readable one and
// null when not. Messages without an id that are valid JSON are
// notifications, which are never answered. The reply is queued for a
// writer goroutine: the read loop must not block on writing.
func (s *stream) replyInvalid(body []byte, err error) {
	code := jsonrpc2.InvalidRequest
	id := json.RawMessage("null")
	if !json.Valid(body) {
		code = jsonrpc2.ParseError
	} else {
		var raw struct {
			ID     json.RawMessage `json:"id"`
			Method json.RawMessage `json:"method"`
		}
		if json.Unmarshal(body, &raw) == nil {
			if raw.ID == nil && raw.Method != nil {
				return // a notification
			}
			if isIDValue(raw.ID) {
				id = raw.ID
			}
		}
		var we *jsonrpc2.Error
		if errors.As(err, &we) && we.Code != jsonrpc2.ParseError {
			code = we.Code
		}
	}
	out, merr := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *jsonrpc2.Error `json:"error"`
	}{"2.0", id, jsonrpc2.NewError(code, err.Error())})
	if merr != nil {
		return
	}
	s.invalid.add(func() {
		if _, werr := s.writeBody(out); werr != nil {
			s.log.Debug("could not answer an invalid message", zap.Error(werr))
		}
	})
}

// isIDValue reports whether raw JSON is a valid request id: a string or a
// number.
func isIDValue(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	switch v.(type) {
	case string, float64:
		return true
	}
	return false
}

// readFrame reads one message body. A nil body with a nil error is a
// framing error, already logged; the stream then resynchronises on the next
// Content-Length header.
func (s *stream) readFrame() ([]byte, int64, error) {
	var total int64
	length := -1
	sawHeader := false
	for {
		line, err := s.in.ReadString('\n')
		total += int64(len(line))
		if err != nil {
			if err == io.EOF && total == 0 {
				return nil, total, io.EOF
			}
			return nil, total, fmt.Errorf("reading a header: %w", err)
		}
		// A header can follow junk on the same line: the end of a body
		// longer than its Content-Length said, or garbage.
		if i := indexContentLength(line); i > 0 {
			s.log.Warn("skipping input before a header", zap.ByteString("skipped", truncate([]byte(line[:i]), 200)))
			line = line[i:]
			s.resync = false
		}
		if s.resync {
			if indexContentLength(line) < 0 {
				continue
			}
			s.resync = false
		}
		line = strings.TrimSpace(line)
		if line == "" {
			if !sawHeader {
				continue // blank lines between messages are harmless
			}
			break
		}
		sawHeader = true
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return s.framingError(total, fmt.Sprintf("invalid header line %q", truncate([]byte(line), 200)))
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || n < 0 || n > maxMessageSize {
				return s.framingError(total, fmt.Sprintf("invalid Content-Length %q", truncate([]byte(value), 200)))
			}
			length = int(n)
		}
	}
	if length < 0 {
		return s.framingError(total, "message without a Content-Length header")
	}
	// Grow as the data arrives rather than trusting the length up front.
	var body bytes.Buffer
	body.Grow(min(length, 1<<20))
	n, err := io.CopyN(&body, s.in, int64(length))
	total += n
	if err != nil {
		return nil, total, fmt.Errorf("reading a message body: %w", err)
	}
	return body.Bytes(), total, nil
}

// framingError logs a broken header and makes the stream skip to the next
// Content-Length header.
func (s *stream) framingError(total int64, msg string) ([]byte, int64, error) {
	s.log.Error("skipping input with broken LSP framing: " + msg)
	s.resync = true
	return nil, total, nil
}

// indexContentLength returns the index of a Content-Length header name in
// line, or -1.
func indexContentLength(line string) int {
	const h = "content-length:"
	if len(line) < len(h) {
		return -1
	}
	return strings.Index(strings.ToLower(line), h)
}

func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	var body []byte
	var err error
	if m, ok := msg.(json.Marshaler); ok {
		// jsonrpc2's messages encode themselves, checking their params or
		// result: json.Marshal would check and copy the message once more.
		body, err = m.MarshalJSON()
	} else {
		body, err = json.Marshal(msg)
	}
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errEncoding, err)
	}
	n, err := s.writeBody(body)
	return int64(n), err
}

// errEncoding is the error of a value that cannot be written as JSON.
var errEncoding = errors.New("encoding a message")

// writeValue writes one message: open, v as JSON, then close. It marshals
// into memory of its own, which the collector takes back once written:
// jsonrpc2 marshals through a pool whose buffers keep the size of the
// largest message they held, and the next message takes such a buffer out
// again before two collections can drop it, so that one 40 MB reply kept
// 50 MB for the rest of a session. Our replies and notifications are
// written here; only our requests to the client and error replies go
// through jsonrpc2.
func (s *stream) writeValue(open []byte, v any, close string) error {
	buf := make([]byte, headerRoom, headerRoom+len(open)+256)
	buf = append(buf, open...)
	buf, err := segjson.Append(buf, v, segjson.EscapeHTML|segjson.SortMapKeys)
	if err != nil {
		return fmt.Errorf("%w: %w", errEncoding, err)
	}
	_, err = s.writeFramed(append(buf, close...))
	return err
}

// headerRoom is room for the longest Content-Length header.
const headerRoom = len("Content-Length: ") + 20 + len("\r\n\r\n")

// writeFramed writes the body buf[headerRoom:] with its header, which it
// puts in front of it in buf's first bytes: one buffer, no copy of a large
// body, and one write, so that another writer never splits header and body.
func (s *stream) writeFramed(buf []byte) (int, error) {
	body := buf[headerRoom:]
	if ce := s.log.Check(zap.DebugLevel, "-> client"); ce != nil {
		ce.Write(zap.ByteString("message", truncate(body, 2000)))
	}
	header := strconv.AppendInt([]byte("Content-Length: "), int64(len(body)), 10)
	header = append(header, "\r\n\r\n"...)
	frame := buf[headerRoom-len(header):]
	copy(frame, header)
	s.writeM.Lock()
	defer s.writeM.Unlock()
	return s.rwc.Write(frame)
}

// writeResult writes the reply of the call id whose result is result.
func (s *stream) writeResult(id jsonrpc2.ID, result any) error {
	open, err := segjson.Append([]byte(`{"jsonrpc":"2.0","id":`), &id, 0)
	if err != nil {
		return fmt.Errorf("%w: %w", errEncoding, err)
	}
	return s.writeValue(append(open, `,"result":`...), result, "}")
}

// writeNotification writes the notification of method with params.
func (s *stream) writeNotification(method string, params any) error {
	open := segjson.AppendEscape([]byte(`{"jsonrpc":"2.0","method":`), method, 0)
	return s.writeValue(append(open, `,"params":`...), params, "}")
}

// writeBody writes one body that is already JSON.
func (s *stream) writeBody(body []byte) (int, error) {
	return s.writeFramed(append(make([]byte, headerRoom, headerRoom+len(body)), body...))
}

func (s *stream) Close() error { return s.rwc.Close() }

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
