package server

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/microvm-lsp/microvm-lsp/analysis"
	"github.com/microvm-lsp/microvm-lsp/ide"
	"github.com/microvm-lsp/microvm-lsp/nixast"
	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Options configure a Server. The zero value works.
type Options struct {
	// Version is reported to the client as serverInfo.version.
	Version string
	// Logger receives the server's log; nil discards it. It must not write
	// to the LSP stream.
	Logger *zap.Logger
	// Level, if set, is the level of Logger; the logLevel setting changes it.
	Level *zap.AtomicLevel
	// Analyze computes findings; nil means analysis.Analyze. Tests inject
	// fakes here to get findings and fixes the real checks do not have.
	Analyze func(*analysis.Workspace, analysis.Config) []analysis.Finding
	// Debug enables the microvm-lsp/debug/* requests used by consistency
	// tests. Off in normal use.
	Debug bool
	// Debounce is how long diagnostics wait for a burst of changes to end;
	// zero means no wait: a change during an analysis stops it, and the
	// newest state is analysed instead.
	Debounce time.Duration
	// ParentPollInterval is how often the client's process is checked for
	// life; zero means 3s.
	ParentPollInterval time.Duration
	// Idle, if set, is called when diagnostics are published and no change
	// waits: the server has nothing to do until the client speaks. It must
	// not block; still reports, when called later, whether nothing changed
	// since (the server is still idle).
	Idle func(still func() bool)
	// Systems, if set, replaces the module graph's systems for editor
	// features; tests inject slow ones here. It should return soon after
	// ctx ends (its result is then dropped).
	Systems func(ctx context.Context, ws *analysis.Workspace) []*analysis.SystemInfo
	// HeapProfile, if set, names a file that microvm-lsp/debug/stats
	// writes the live heap's profile to, after its collection: where the
	// memory of an indexed workspace is.
	HeapProfile string

	// analyzeContext, if set, replaces the analysis (tests: one that
	// watches its context).
	analyzeContext func(context.Context, *analysis.Workspace, analysis.Config) (*analysis.Findings, error)
	// beforeRead, if set, is called before a file is read from disk into
	// the index (tests: a slow disk).
	beforeRead func(path string)
}

// lifecycle is where the server is in LSP's initialize/shutdown protocol.
type lifecycle int

const (
	stateUninitialized lifecycle = iota
	stateInitialized
	stateShutdown
)

// Server is one language server session on one connection.
type Server struct {
	opts Options
	log  *zap.Logger
	// indexing counts the folder scans under way: diagnostics wait for
	// them, as findings that depend on the whole workspace (an option a
	// module not yet read declares) would be wrong meanwhile.
	indexing atomic.Int32
	// analyze, systems and elementsIn stop with ctx's error once their
	// context ends: a newer state or a cancelled request.
	analyze func(context.Context, *analysis.Workspace, analysis.Config) (*analysis.Findings, error)
	systems func(context.Context, *analysis.Workspace) ([]*analysis.SystemInfo, error)
	// elementsIn resolves the module elements of a file (go to definition).
	elementsIn func(context.Context, *analysis.Workspace, string) ([]analysis.ElementTarget, error)
	// scopes returns the resolved names of a file version, once per
	// version (the analysis' cache); nil: the editor features resolve.
	scopes func(string, *nixast.File) *scope.Scopes
	// fileCache keeps what the features that read every file read of each.
	fileCache ide.FileCache
	// prepare parses a file read from disk into the analysis' cache and
	// returns what the index keeps of it (analysis.Cache.PrepareSource):
	// the file, or a summary, whose tree's memory the next file parsed in
	// the arena then takes; nil keeps every tree. workspaceOf makes a
	// snapshot's workspace.
	prepare     func(arena *nixast.TreeArena, path string, src []byte) *nixast.File
	workspaceOf func(files, open map[string]*nixast.File) *analysis.Workspace

	conn jsonrpc2.Conn
	ctx  context.Context // ends when the session does; background work watches it
	bg   sync.WaitGroup

	bgMu     sync.Mutex
	bgClosed bool // Serve is waiting for bg: no more background work

	stopOnce sync.Once
	stopped  chan struct{} // closed when the session must end

	docs *documentStore
	// tokens: the last semantic tokens sent for each open document
	// (SemanticTokensFullDelta).
	tokens tokenResults
	index  *workspaceIndex
	diags  *diagnosticsState
	cache  analysisCache
	snaps  snapshotCache
	// watched queues file events for one reader (workspace.go).
	watched watchedQueue
	reads   readLog  // files read from disk, with Options.Debug (debug.go)
	ide     ideCache // systems for editor features (ide.go)
	// options are the option facts of the pinned microvm.nix (options.go)
	options optionSources

	// gen counts changes that can change findings (documents, files,
	// settings). Results computed at an older gen are never published.
	gen atomic.Uint64
	// current cancels the work on a state when a change supersedes it.
	current supersession
	trigger chan struct{} // wakes the diagnostics loop; buffered, 1
	settled chan struct{} // closed once the client's settings were asked for after initialized
	pullMu  sync.Mutex    // one workspace/configuration pull at a time, see pullSettings
	pulls   pullQueue     // the pull waiting for pullMu, see didChangeConfiguration

	protocolHandler jsonrpc2.Handler // protocol's dispatcher over lspServer
	stream          *stream          // conn's; replies and notifications are written to it directly (writeValue)
	inflight        inflight
	sched           *scheduler // runs the handlers of messages (dispatch.go)

	mu              sync.Mutex // guards the fields below
	state           lifecycle
	shutdownAsked   bool
	enc             positionEncoding
	caps            clientCapabilities
	initSettings    settings // from initializationOptions
	settings        settings // initSettings overridden by the client's configuration
	cfg             analysis.Config
	docsLink        string // settings.docsLink(): codeDescription's base, or none
	scope           diagnosticsScope
	exclude         *excludeMatcher
	indexStarted    bool // the first scan began; later exclude changes rescan
	initializedSeen bool
}

// New returns a server ready to Serve one connection.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.ParentPollInterval == 0 {
		opts.ParentPollInterval = 3 * time.Second
	}
	s := &Server{
		opts:    opts,
		log:     opts.Logger,
		stopped: make(chan struct{}),
		docs:    newDocumentStore(),
		index:   newWorkspaceIndex(),
		diags:   newDiagnosticsState(),
		trigger: make(chan struct{}, 1),
		settled: make(chan struct{}),
		cfg:     analysis.Config{Disabled: map[string]bool{}, Severity: map[string]analysis.Severity{}},
	}
	switch {
	case opts.analyzeContext != nil:
		s.analyze = opts.analyzeContext
	case opts.Analyze != nil:
		s.analyze = func(ctx context.Context, ws *analysis.Workspace, cfg analysis.Config) (*analysis.Findings, error) {
			return analysis.FindingsOf(opts.Analyze(ws, cfg)), ctx.Err()
		}
	default:
		// One cache for the session: unchanged files keep their per-file
		// results, and the module graph survives edits it cannot see.
		cache := analysis.NewCache()
		s.analyze, s.systems, s.elementsIn, s.scopes = cache.AnalyzeFiles, cache.SystemsContext, cache.ElementTargetsIn, cache.Scopes
		s.prepare, s.workspaceOf = cache.PrepareSource, cache.Workspace
	}
	if s.workspaceOf == nil {
		s.workspaceOf = func(files, open map[string]*nixast.File) *analysis.Workspace {
			return &analysis.Workspace{Files: files, Open: open}
		}
	}
	if opts.Systems != nil {
		s.systems = func(ctx context.Context, ws *analysis.Workspace) ([]*analysis.SystemInfo, error) {
			out := opts.Systems(ctx, ws)
			return out, ctx.Err()
		}
	}
	if s.systems == nil {
		s.systems = func(ctx context.Context, ws *analysis.Workspace) ([]*analysis.SystemInfo, error) {
			return analysis.Systems(ws), ctx.Err()
		}
	}
	if s.elementsIn == nil {
		s.elementsIn = func(ctx context.Context, ws *analysis.Workspace, file string) ([]analysis.ElementTarget, error) {
			return analysis.ElementTargetsIn(ws, file), ctx.Err()
		}
	}
	s.ide.compute = make(chan struct{}, 1)
	s.cache.lock = make(chan struct{}, 1)
	s.sched = newScheduler()
	return s
}

// Serve speaks LSP on rwc until the client sends exit, closes the stream,
// or its process dies, or ctx ends. It returns the process exit code LSP
// prescribes: 0 if shutdown came first, 1 otherwise.
func (s *Server) Serve(ctx context.Context, rwc io.ReadWriteCloser) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.ctx = ctx
	s.stream = newStream(rwc, s.log)
	s.conn = jsonrpc2.NewConn(s.stream)
	s.conn.Go(ctx, s.handler())
	s.background(s.diagnosticsLoop)

	select {
	case <-s.stopped:
	case <-s.conn.Done():
		s.log.Info("the client closed the connection", zap.Error(s.conn.Err()))
	case <-ctx.Done():
	}
	cancel()
	s.conn.Close()
	// Background work checks ctx often; do not hang the exit on a slow
	// file system, though.
	s.bgMu.Lock()
	s.bgClosed = true
	s.bgMu.Unlock()
	waited := make(chan struct{})
	go func() { s.bg.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(2 * time.Second):
		s.log.Warn("background work did not stop in time")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdownAsked {
		return 0
	}
	return 1
}

func (s *Server) stop() { s.stopOnce.Do(func() { close(s.stopped) }) }

// background runs fn on a goroutine that Serve waits for; a panic in it is
// logged and does not end the session.
func (s *Server) background(fn func()) {
	// Serve waits for background work once the connection is gone; a
	// handler still running then (initialized, arriving as the client
	// leaves) starts nothing new: its context is cancelled anyway, and an
	// Add during that Wait would race with it.
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.bgClosed {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.recoverAndLog("background work")
		fn()
	}()
}

// changed records a change that can change findings, stops the work on
// the state it supersedes, and wakes diagnostics.
func (s *Server) changed() {
	s.gen.Add(1)
	s.current.supersede()
	select {
	case s.trigger <- struct{}{}:
	default:
	}
}

// reindex scans dirs again in the background; diagnostics wait for it.
func (s *Server) reindex(dirs []string) {
	s.indexing.Add(1)
	s.background(func() {
		s.indexFolders(s.ctx, dirs)
		s.indexed()
	})
}

// indexed ends a scan that indexing counted, and publishes what it held.
func (s *Server) indexed() {
	s.indexing.Add(-1)
	s.changed()
}

// clientCallTimeout bounds how long we wait for the client to answer one of
// our requests, so that a client that never answers does not pin work.
const clientCallTimeout = 10 * time.Second

// callClient sends a request to the client and waits for its answer.
func (s *Server) callClient(ctx context.Context, method string, params, result any) error {
	ctx, cancel := context.WithTimeout(ctx, clientCallTimeout)
	defer cancel()
	_, err := s.conn.Call(ctx, method, params, result)
	return err
}

// clientCallFailed logs a failed request to the client; quietly when the
// session is ending anyway.
func (s *Server) clientCallFailed(msg string, err error) {
	if s.ctx.Err() != nil {
		s.log.Debug(msg, zap.Error(err))
		return
	}
	s.log.Warn(msg, zap.Error(err))
}

func (s *Server) notifyClient(method string, params any) {
	if err := s.stream.writeNotification(method, params); err != nil {
		s.log.Debug("could not notify the client", zap.String("method", method), zap.Error(err))
	}
}

// initializeParams is the part of InitializeParams we read. It is our own
// type because protocol's lacks general.positionEncodings (LSP 3.17) and
// cannot tell a null processId or rootUri from a missing one.
type initializeParams struct {
	ProcessID             *int                       `json:"processId"`
	RootPath              *string                    `json:"rootPath"`
	RootURI               *string                    `json:"rootUri"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
	Capabilities          clientCapabilities         `json:"capabilities"`
	ClientInfo            *protocol.ClientInfo       `json:"clientInfo"`
}

// clientCapabilities holds the client capabilities the server acts on.
type clientCapabilities struct {
	General struct {
		PositionEncodings []string `json:"positionEncodings"`
	} `json:"general"`
	Workspace struct {
		Configuration         bool `json:"configuration"`
		DidChangeWatchedFiles struct {
			DynamicRegistration bool `json:"dynamicRegistration"`
		} `json:"didChangeWatchedFiles"`
		WorkspaceEdit struct {
			DocumentChanges bool `json:"documentChanges"`
		} `json:"workspaceEdit"`
	} `json:"workspace"`
	Window struct {
		WorkDoneProgress bool `json:"workDoneProgress"`
	} `json:"window"`
	TextDocument struct {
		CodeAction struct {
			CodeActionLiteralSupport json.RawMessage `json:"codeActionLiteralSupport"`
			DataSupport              bool            `json:"dataSupport"`
			ResolveSupport           struct {
				Properties []string `json:"properties"`
			} `json:"resolveSupport"`
		} `json:"codeAction"`
	} `json:"textDocument"`
}

// resolvesEdits reports whether the client asks for a code action's edit
// when the user picks it (codeAction/resolve), rather than with the list.
func (c *clientCapabilities) resolvesEdits() bool {
	ca := &c.TextDocument.CodeAction
	return ca.DataSupport && slices.Contains(ca.ResolveSupport.Properties, "edit")
}

// initializeResult is our own type for the same reason as initializeParams:
// positionEncoding (LSP 3.17) is not in protocol's.
type initializeResult struct {
	Capabilities serverCapabilities  `json:"capabilities"`
	ServerInfo   protocol.ServerInfo `json:"serverInfo"`
}

type serverCapabilities struct {
	PositionEncoding    string                           `json:"positionEncoding"`
	TextDocumentSync    protocol.TextDocumentSyncOptions `json:"textDocumentSync"`
	CodeActionProvider  any                              `json:"codeActionProvider"`
	Workspace           workspaceServerCapabilities      `json:"workspace"`
	featureCapabilities                                  // editor features, see ide.go
	// No diagnosticProvider: diagnostics are pushed, because a finding in
	// one file can come from an edit in another. Advertising pull as well
	// would make VS Code show every diagnostic twice; textDocument/diagnostic
	// is still answered for clients that send it unasked.
}

type workspaceServerCapabilities struct {
	WorkspaceFolders struct {
		Supported           bool `json:"supported"`
		ChangeNotifications bool `json:"changeNotifications"`
	} `json:"workspaceFolders"`
}

// fixAllKind is the code action kind of "apply every preferred fix".
const fixAllKind protocol.CodeActionKind = "source.fixAll.microvm-lsp"

func (s *Server) initialize(params json.RawMessage) (any, error) {
	var p initializeParams
	if err := json.Unmarshal(params, &p); err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "initialize: %v", err)
	}
	enc := encUTF16
	for _, e := range p.Capabilities.General.PositionEncodings {
		if e == "utf-8" {
			enc = encUTF8
		}
	}
	var folders []string
	switch {
	case p.WorkspaceFolders != nil:
		for _, f := range p.WorkspaceFolders {
			folders = append(folders, folderPath(protocol.DocumentURI(f.URI)))
		}
	case p.RootURI != nil && *p.RootURI != "":
		folders = append(folders, folderPath(protocol.DocumentURI(*p.RootURI)))
	case p.RootPath != nil && *p.RootPath != "":
		folders = append(folders, normalizePath(*p.RootPath))
	}
	// The workspace's settings file first, the editor's settings over it.
	base, warnings := folderSettings(folders)
	init, more := mergeSettings(base, p.InitializationOptions)
	warnings = append(warnings, more...)

	s.mu.Lock()
	if s.state != stateUninitialized {
		s.mu.Unlock()
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "initialize was already called")
	}
	s.state = stateInitialized
	s.enc = enc
	s.caps = p.Capabilities
	s.initSettings = init
	s.mu.Unlock()
	s.applySettings(init, warnings)
	s.index.addFolders(folders)

	client := "unknown"
	if p.ClientInfo != nil {
		client = p.ClientInfo.Name + " " + p.ClientInfo.Version
	}
	s.log.Info("initialize", zap.String("client", client), zap.Stringer("positionEncoding", enc), zap.Strings("folders", s.index.folderList()))
	if p.ProcessID != nil && *p.ProcessID > 0 {
		s.watchParent(*p.ProcessID)
	}

	var caps serverCapabilities
	caps.PositionEncoding = enc.String()
	caps.TextDocumentSync = protocol.TextDocumentSyncOptions{OpenClose: true, Change: protocol.TextDocumentSyncKindIncremental}
	if p.Capabilities.TextDocument.CodeAction.CodeActionLiteralSupport != nil {
		caps.CodeActionProvider = protocol.CodeActionOptions{
			CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix, fixAllKind, protocol.RefactorRewrite},
			ResolveProvider: p.Capabilities.resolvesEdits(),
		}
	} else {
		caps.CodeActionProvider = true
	}
	caps.featureCapabilities = newFeatureCapabilities()
	caps.Workspace.WorkspaceFolders.Supported = true
	caps.Workspace.WorkspaceFolders.ChangeNotifications = true
	return initializeResult{Capabilities: caps, ServerInfo: protocol.ServerInfo{Name: "microvm-lsp", Version: s.opts.Version}}, nil
}

// folderPath returns the path of a workspace folder URI; a folder that is
// not a file URI yields a key no file path can be within.
func folderPath(u protocol.DocumentURI) string { return uriToPath(u) }

// initialized starts the work that needs the client's help: reading its
// configuration, watching files, indexing the workspace. It runs in the
// background so that the client's edits keep flowing meanwhile.
func (s *Server) initialized() {
	s.mu.Lock()
	again := s.initializedSeen
	s.initializedSeen = true
	s.mu.Unlock()
	if again {
		s.log.Warn("initialized sent twice; ignored")
		return
	}
	s.background(func() {
		s.pullSettings(s.ctx)
		s.indexing.Add(1) // before settled lets the first diagnostics out
		close(s.settled)
		// Indexing does not wait for the client's answer: one that never
		// answers (lsp-mode when a handler of its own fails) held the first
		// diagnostics back for clientCallTimeout.
		s.background(func() { s.registerFileWatcher(s.ctx) })
		s.mu.Lock()
		s.indexStarted = true
		s.mu.Unlock()
		s.indexFolders(s.ctx, s.index.folderList())
		s.indexed()
	})
	s.changed()
}

// shutdown answers the shutdown request. dispatch has already moved the
// session to stateShutdown when the request arrived (see there).
func (s *Server) shutdown() {
	s.mu.Lock()
	s.state = stateShutdown
	s.shutdownAsked = true
	s.mu.Unlock()
	s.log.Info("shutdown")
}
