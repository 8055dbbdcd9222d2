package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// Methods the front handler answers itself, before protocol's dispatcher:
// LSP 3.16/3.17 additions that protocol (LSP 3.15) does not know, and
// messages whose protocol decoding loses information.
const (
	methodDiagnostic        = "textDocument/diagnostic"
	methodCodeActionResolve = "codeAction/resolve"
	methodDebugDocText      = "microvm-lsp/debug/documentText"
)

// handler returns the connection's message handler. The jsonrpc2 read loop
// calls it for every incoming message, one at a time; it must not block,
// because our own requests to the client are answered through that loop.
// Nor does it write: a client whose read loop is busy writing to us would
// deadlock with a server whose read loop is writing to it.
//
// Ordering: notifications are handled one after another in arrival order;
// each request runs once every notification received before it is handled,
// so a code action sees the edit sent just before it. Requests run side by
// side on a bounded number of goroutines (scheduler).
func (s *Server) handler() jsonrpc2.Handler {
	s.protocolHandler = protocol.ServerHandler(lspServer{s}, nil)
	return func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		if req.Method() == protocol.MethodCancelRequest {
			// Cancellation must not wait behind the work it cancels.
			var p struct {
				ID jsonrpc2.ID `json:"id"`
			}
			if err := json.Unmarshal(req.Params(), &p); err != nil {
				s.log.Debug("malformed $/cancelRequest", zap.Error(err))
				return nil
			}
			// Answered at once, queued or running: its context ends, so
			// that its work stops at its next check and a queued one
			// never starts, and its late reply is dropped.
			if cancelled := s.inflight.cancel(p.ID); cancelled != nil {
				s.sched.write(cancelled)
			}
			return nil
		}
		return s.dispatch(ctx, reply, req)
	}
}

// inflight tracks the requests not answered yet, to cancel them. (jsonrpc2's
// CancelHandler does this too, but never releases a finished request's
// context, and protocol's wrapper of it misreads numeric ids.)
type inflight struct {
	mu       sync.Mutex
	requests map[jsonrpc2.ID]inflightRequest
}

type inflightRequest struct {
	cancel context.CancelFunc
	reply  jsonrpc2.Replier
}

// track records a request, with the cancel function of its context, and
// returns the Replier that forgets it once answered. reply must answer a
// request whose context ended with RequestCancelled (guardReply).
func (in *inflight) track(id jsonrpc2.ID, cancel context.CancelFunc, reply jsonrpc2.Replier) jsonrpc2.Replier {
	tracked := func(rctx context.Context, result any, err error) error {
		in.mu.Lock()
		delete(in.requests, id)
		in.mu.Unlock()
		defer cancel()
		return reply(rctx, result, err)
	}
	in.mu.Lock()
	if in.requests == nil {
		in.requests = map[jsonrpc2.ID]inflightRequest{}
	}
	in.requests[id] = inflightRequest{cancel: cancel, reply: tracked}
	in.mu.Unlock()
	return tracked
}

// cancel ends the context of the request id, and returns the write of its
// RequestCancelled reply (nil: no such request is waiting for an answer).
func (in *inflight) cancel(id jsonrpc2.ID) func() {
	in.mu.Lock()
	r, ok := in.requests[id]
	in.mu.Unlock()
	if !ok {
		return nil
	}
	r.cancel()
	return func() { r.reply(context.Background(), nil, protocol.ErrRequestCancelled) }
}

// dispatch checks the lifecycle state and schedules the message. It never
// returns an error: jsonrpc2 would close the connection.
func (s *Server) dispatch(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	method := req.Method()
	call, isCall := req.(*jsonrpc2.Call)
	var replied func() bool
	if isCall {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		reply, replied = s.guardReply(ctx, reply, req)
		reply = s.inflight.track(call.ID(), cancel, reply)
	} else {
		reply, replied = s.guardReply(ctx, reply, req)
	}

	s.mu.Lock()
	state := s.state
	if method == protocol.MethodShutdown && state == stateInitialized {
		// Recorded here, in the read loop, not when the request's turn
		// comes: a client may send exit right behind shutdown without
		// waiting for the reply, and exit (a notification) does not wait
		// for requests. Messages after this one see the shutdown state.
		s.state = stateShutdown
		s.shutdownAsked = true
	}
	s.mu.Unlock()
	switch {
	case method == protocol.MethodShutdown && state == stateInitialized:
		// Answered below, after the notifications received before it.
	case method == protocol.MethodInitialize:
		// Handled in the read loop so that nothing can overtake it; the
		// reply is written elsewhere, like every write (see handler).
		s.safely(method, reply, replied, func() {
			result, err := s.initialize(req.Params())
			s.sched.write(func() { reply(ctx, result, err) })
		})
		return nil
	case method == protocol.MethodExit:
	case state == stateUninitialized:
		if isCall {
			s.sched.write(func() {
				reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.ServerNotInitialized, "%s before initialize", method))
			})
		}
		return nil
	case state == stateShutdown:
		if isCall {
			s.sched.write(func() { reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "%s after shutdown", method)) })
		}
		return nil
	}

	run := func() { s.safely(method, reply, replied, func() { s.route(ctx, reply, req) }) }
	if isCall {
		s.sched.request(ctx, run)
	} else {
		s.sched.notification(run)
	}
	return nil
}

// route handles one message: the methods that need our own decoding here,
// everything else through protocol's dispatcher and lspServer.
func (s *Server) route(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) {
	params := req.Params()
	switch req.Method() {
	case protocol.MethodInitialized:
		s.initialized()
		return
	case protocol.MethodShutdown:
		s.shutdown()
		reply(ctx, nil, nil)
		return
	case protocol.MethodExit:
		s.log.Info("exit")
		s.stop()
		return
	case protocol.MethodTextDocumentDidChange:
		// protocol's TextDocumentContentChangeEvent cannot tell a change
		// without a range (the whole text) from an insertion at 0:0.
		var p struct {
			TextDocument struct {
				URI     protocol.DocumentURI `json:"uri"`
				Version int32                `json:"version"`
			} `json:"textDocument"`
			ContentChanges []contentChange `json:"contentChanges"`
		}
		if err := json.Unmarshal(params, &p); err != nil {
			s.log.Error("didChange could not be decoded; the document may now differ from the editor's", zap.Error(err))
			return
		}
		s.didChange(p.TextDocument.URI, p.TextDocument.Version, p.ContentChanges)
		return
	case methodDiagnostic:
		var p struct {
			TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
		}
		if err := json.Unmarshal(params, &p); err != nil {
			reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %v", methodDiagnostic, err))
			return
		}
		report, err := s.pullDiagnostics(ctx, p.TextDocument.URI)
		if err != nil {
			reply(ctx, nil, err)
			return
		}
		reply(ctx, report, nil)
		return
	case methodCodeActionResolve:
		if ctx.Err() != nil {
			reply(ctx, nil, protocol.ErrRequestCancelled)
			return
		}
		result, err := s.resolveCodeAction(ctx, params)
		reply(ctx, result, err)
		return
	case methodDebugDocText:
		if s.opts.Debug {
			result, err := s.debugDocumentText(params)
			reply(ctx, result, err)
			return
		}
	case methodDebugStats:
		if s.opts.Debug {
			reply(ctx, s.debugStats(params), nil)
			return
		}
	}
	if len(params) == 0 {
		// Every LSP method protocol dispatches has params; without them
		// the dispatcher would report a parse error for an unknown method.
		reply(ctx, nil, methodNotFound(req.Method()))
		return
	}
	if decode, ok := directRequests[req.Method()]; ok {
		if ctx.Err() != nil {
			reply(ctx, nil, protocol.ErrRequestCancelled)
			return
		}
		result, err := decode(ctx, lspServer{s}, params)
		reply(ctx, result, err)
		return
	}
	if err := s.protocolHandler(ctx, reply, req); err != nil {
		s.log.Debug("reply failed", zap.String("method", req.Method()), zap.Error(err))
	}
}

// directRequests are the requests editors send after every keystroke or
// cursor move, whose params are decoded here, as protocol's dispatcher
// would decode them, rather than by it: its decoder allocates a buffer of
// 32 KB for each.
var directRequests = map[string]func(context.Context, lspServer, json.RawMessage) (any, error){
	protocol.MethodTextDocumentCompletion:        direct(lspServer.Completion),
	protocol.MethodTextDocumentHover:             direct(lspServer.Hover),
	protocol.MethodTextDocumentCodeAction:        direct(lspServer.CodeAction),
	protocol.MethodTextDocumentDocumentHighlight: direct(lspServer.DocumentHighlight),
	protocol.MethodTextDocumentDocumentSymbol:    direct(lspServer.DocumentSymbol),
	protocol.MethodSemanticTokensFull:            direct(lspServer.SemanticTokensFull),
	protocol.MethodSemanticTokensRange:           direct(lspServer.SemanticTokensRange),
	protocol.MethodSemanticTokensFullDelta:       direct(lspServer.SemanticTokensFullDelta),
	protocol.MethodTextDocumentFoldingRange:      direct(lspServer.FoldingRanges),
	protocol.MethodTextDocumentCodeLens:          direct(lspServer.CodeLens),
	protocol.MethodTextDocumentDocumentLink:      direct(lspServer.DocumentLink),
	protocol.MethodTextDocumentDefinition:        direct(lspServer.Definition),
}

// direct makes a request's handler of an lspServer method: its params
// decoded, a parse error as protocol's dispatcher reports it.
func direct[P, R any](method func(lspServer, context.Context, *P) (R, error)) func(context.Context, lspServer, json.RawMessage) (any, error) {
	return func(ctx context.Context, l lspServer, raw json.RawMessage) (any, error) {
		var p P
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", jsonrpc2.ErrParse, err)
		}
		return method(l, ctx, &p)
	}
}

// guardReply wraps a Replier: replies at most once, never on a cancelled
// context (the write would fail), turns the result or error of a cancelled
// request into RequestCancelled, and gives every error a JSON-RPC code.
func (s *Server) guardReply(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) (jsonrpc2.Replier, func() bool) {
	var done atomic.Bool
	_, isCall := req.(*jsonrpc2.Call)
	guarded := func(_ context.Context, result any, err error) error {
		if !isCall {
			if err != nil {
				s.log.Warn("notification failed", zap.String("method", req.Method()), zap.Error(err))
			}
			return nil
		}
		if !done.CompareAndSwap(false, true) {
			if ctx.Err() == nil {
				s.log.Error("second reply to a request dropped", zap.String("method", req.Method()))
			}
			return nil
		}
		if ctx.Err() != nil {
			// Cancelled: whatever the work ended with (often ctx's
			// own error, as it stopped early) is of no use.
			result, err = nil, protocol.ErrRequestCancelled
		}
		if err == nil {
			werr := s.stream.writeResult(req.(*jsonrpc2.Call).ID(), result)
			if !errors.Is(werr, errEncoding) {
				return werr
			}
			// Nothing was written: the client gets an error instead.
			err = werr
		}
		result, err = nil, wireError(err)
		s.log.Debug("request failed", zap.String("method", req.Method()), zap.Error(err))
		return reply(context.WithoutCancel(ctx), result, err)
	}
	return guarded, done.Load
}

// wireError gives err a JSON-RPC error code: its own if it wraps a
// *jsonrpc2.Error (keeping the outer message), InvalidParams for protocol's
// failures to decode params, InternalError otherwise.
func wireError(err error) *jsonrpc2.Error {
	var we *jsonrpc2.Error
	if errors.As(err, &we) {
		if we == err {
			return we
		}
		return jsonrpc2.NewError(we.Code, err.Error())
	}
	// protocol's dispatcher reports params it cannot decode as
	// fmt.Errorf("%s: %w", jsonrpc2.ErrParse, err), which wraps the decoding
	// error, not ErrParse. The message itself was valid JSON-RPC, or it
	// would not have been dispatched: the params are what is invalid.
	if strings.HasPrefix(err.Error(), jsonrpc2.ErrParse.Error()+": ") {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, err.Error())
	}
	return jsonrpc2.NewError(jsonrpc2.InternalError, err.Error())
}

// safely runs fn and turns a panic into a log entry with the stack and, for a
// request not yet answered, an InternalError reply: one bad message must not
// end the session.
func (s *Server) safely(method string, reply jsonrpc2.Replier, replied func() bool, fn func()) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		s.log.Error("panic while handling a message; the server carries on",
			zap.String("method", method), zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
		if !replied() {
			reply(context.Background(), nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, r))
		}
	}()
	fn()
}

// recoverAndLog is safely for work that answers nobody.
func (s *Server) recoverAndLog(what string) {
	if r := recover(); r != nil {
		s.log.Error("panic in "+what+"; the server carries on", zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
	}
}

func methodNotFound(method string) error {
	return jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", method)
}

// errUnreachable marks protocol.Server methods that the front handler
// answers itself, so the dispatcher never calls them.
func errUnreachable(method string) error {
	return fmt.Errorf("%s is handled before protocol's dispatcher", method)
}
