package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/microvm-lsp/microvm-lsp/server"
)

var serveHelp = help{
	usage: "microvm-lsp [serve] [flags]",
	about: `
Speaks the Language Server Protocol on stdin and stdout until the client sends
exit or goes away. Editors start it; it is the default command. Logs go to
stderr (or --log-file); stdout carries nothing but the protocol.

Settings come from the editor (initializationOptions, workspace/configuration,
section "microvm-lsp") over the settings file ` + "`" + `.microvm-lsp.json` + "`" + ` in the root of
the first workspace folder that has one, read at start. Bad settings are shown
in the editor (window/showMessage).`,
	exit: `  0  the client sent shutdown, then exit
  1  the client sent exit without shutdown, or the connection failed
  2  usage error`,
	examples: `  microvm-lsp                                  what editors run
  microvm-lsp serve --log-file /tmp/mvm.log --log-level debug`,
}

// runServe speaks LSP over stdin/stdout until the client says exit (or goes
// away) and returns the exit code. Logs go to stderr or --log-file; stdout
// carries nothing but the protocol.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	logFile := fs.String("log-file", "", "write the log to `FILE` instead of stderr")
	logLevel := fs.String("log-level", "info", "log `LEVEL`: debug, info, warn or error")
	// vscode-languageclient passes --stdio when its transport is stdio:
	// stdio is all we speak, so the flag is accepted and changes nothing.
	fs.Bool("stdio", false, "speak LSP on stdin and stdout (the only transport; accepted for clients that pass it)")
	pos, code, ok := parseFlags(fs, serveHelp, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "microvm-lsp serve: unexpected argument %q\n", pos[0])
		return 2
	}
	if path := os.Getenv("MICROVM_LSP_TRACE"); path != "" {
		// For performance work: an execution trace of the session (go tool
		// trace; its -pprof=sched shows where goroutines waited for a
		// core), from MICROVM_LSP_TRACE_AFTER (a duration) on. Only serve
		// writes it: a client that also runs the binary for its version
		// would truncate the file under the session's trace.
		after, _ := time.ParseDuration(os.Getenv("MICROVM_LSP_TRACE_AFTER"))
		if f, err := os.Create(path); err == nil {
			if after > 0 {
				time.AfterFunc(after, func() { trace.Start(f) })
			} else {
				trace.Start(f)
			}
			defer func() { trace.Stop(); f.Close() }()
		}
	}
	var gc *gcTuner
	if os.Getenv("GOGC") == "" {
		// Collecting less often keeps keystroke latency down, and the soft
		// limit keeps the process under 1 GB while the live heap allows it.
		// In a workspace of 39,000 files (107 MB, 250 MB live) 750 MB kept
		// a typing session under 800 MB rather than 920 MB, but collected
		// often enough that a keystroke's p99 in a small module went from
		// about 5 to 16-22 ms: GOMEMLIMIT=750MiB chooses that. A small heap
		// may grow by 128 MB between collections (gcFloor). The percent is
		// indexingGCPercent until the first idle moment.
		gc = gcFloor(indexingGCPercent, 128<<20)
		if os.Getenv("GOMEMLIMIT") == "" {
			gc.limitMemory(900 << 20)
		}
		defer gc.stop()
	}
	level, err := zapcore.ParseLevel(*logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "microvm-lsp serve: --log-level: %v\n", err)
		return 2
	}
	sink := zapcore.Lock(os.Stderr)
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "microvm-lsp serve: --log-file: %v\n", err)
			return 2
		}
		defer f.Close()
		sink = zapcore.Lock(f)
	}
	atom := zap.NewAtomicLevelAt(level)
	encCfg := zap.NewDevelopmentEncoderConfig()
	logger := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(encCfg), sink, atom))
	defer logger.Sync()

	// Anything printed to stdout by mistake would corrupt the protocol:
	// keep the real stdout for the connection only.
	protoOut := os.Stdout
	os.Stdout = os.Stderr

	opts := server.Options{
		Version: buildVersion(),
		Logger:  logger,
		Level:   &atom,
		Debug:   os.Getenv("MICROVM_LSP_DEBUG") == "1",
		// For performance work, with the debug requests: the live heap
		// when a benchmark asks for the process figures.
		HeapProfile: os.Getenv("MICROVM_LSP_HEAPPROFILE"),
	}
	var idle []func(still func() bool)
	if gc != nil {
		idle = append(idle, onFirstIdle(func() { gc.setBase(typingGCPercent) }), gc.idle)
	}
	if os.Getenv("GOMAXPROCS") == "" {
		idle = append(idle, onFirstIdle(oneMoreProcessor))
	}
	if len(idle) > 0 {
		opts.Idle = func(still func() bool) {
			for _, f := range idle {
				f(still)
			}
		}
	}
	srv := server.New(opts)
	return srv.Serve(context.Background(), stdio{in: os.Stdin, out: protoOut})
}

// stdio joins stdin and stdout into the connection's stream.
type stdio struct {
	in  io.ReadCloser
	out io.WriteCloser
}

func (s stdio) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s stdio) Write(p []byte) (int, error) { return s.out.Write(p) }

func (s stdio) Close() error {
	err := s.in.Close()
	if err2 := s.out.Close(); err == nil {
		err = err2
	}
	return err
}

// The collector's percent while the workspace is indexed, and from the
// first idle moment on. Indexing allocates hundreds of MB that it drops
// file by file: with the goal at four times the live heap it grew into
// memory never touched, whose page faults (about 13 us each on a small VM)
// cost more than the collections that reuse it; at 150 the 107 MB
// workspace peaked at about 500 MB instead of 600-780, as fast. Typing
// keeps the higher percent: fewer collections under the keystrokes.
const (
	indexingGCPercent = 150
	typingGCPercent   = 300
)

// onFirstIdle returns an idle callback that calls fn the first time the
// server is idle: the workspace indexed and analysed.
func onFirstIdle(fn func()) func(still func() bool) {
	var once sync.Once
	return func(func() bool) { once.Do(fn) }
}

// oneMoreProcessor lets the runtime run one processor more than it chose
// (serve calls it on the first idle moment). CPU-bound work runs on as many
// goroutines as there are cores (analysis.Cores, read at start), so that the
// goroutines that read a request and answer it find a processor free,
// rather than waiting up to 10 ms for the runtime to preempt an analysis.
// Not from the start: while a workspace is indexed no client waits, and the
// collector's share of the processors is a quarter of three rather than of
// two (in three cold starts of 39,000 files, quiet after 4.0-4.8 s rather
// than 3.4-4.2).
func oneMoreProcessor() { runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + 1) }
