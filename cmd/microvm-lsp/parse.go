package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/microvm-lsp/microvm-lsp/internal/readfile"
	"github.com/microvm-lsp/microvm-lsp/nixast"
)

var parseHelp = help{
	usage: "microvm-lsp parse [flags] PATH...",
	about: `
Parses each file (every *.nix below a directory; a symlinked directory is
followed) and prints its syntax errors as FILE:LINE:COLUMN: message, columns
counted in bytes from 1. Only the parser runs: no analysis.`,
	exit: exitCodes,
	examples: `  microvm-lsp parse flake.nix hosts/
  microvm-lsp parse --print a.nix              the tree, as nix-instantiate --parse prints it
  microvm-lsp parse --stats ~/src/nixpkgs      files, bytes and MB/s on stderr`,
}

func runParse(args []string, stdout, stderr io.Writer) int {
	batchGC()
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	printTree := fs.Bool("print", false, "print the normal form of each file (as nix-instantiate --parse); with several files, each after a line \"# FILE\"")
	stats := fs.Bool("stats", false, "print files, bytes, seconds and MB/s on stderr")
	paths, code, ok := parseFlags(fs, parseHelp, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "microvm-lsp parse: no PATH given\nRun 'microvm-lsp parse -h' for help.")
		return 2
	}
	// The paths as given first, as xargs gives plain files, without a look
	// at each (eachFile reports false for a directory), then the files of
	// the directories. --stats times the parse alone: below.
	each := checkFiles
	if *printTree {
		each = printFiles
	}
	if !*stats {
		if code, ok := each(paths, stdout); ok {
			return code
		}
	}
	files, err := collectNixFiles(paths)
	if err != nil {
		fmt.Fprintf(stderr, "microvm-lsp parse: %v\n", err)
		return 2
	}
	if !*stats {
		if code, ok := each(files, stdout); ok {
			return code
		}
		// A file could not be read: the reading below says which.
	}
	home, _ := os.UserHomeDir()
	srcs, errs := readFiles(files)
	var total int64
	largest := 0
	for i := range files {
		if errs[i] != nil {
			fmt.Fprintf(stderr, "microvm-lsp parse: %v\n", errs[i])
			return 2
		}
		total += int64(len(srcs[i]))
		largest = max(largest, len(srcs[i]))
	}
	if !*printTree && os.Getenv("GOGC") == "" && total > 8*int64(largest) {
		// Many files, and their trees are dropped as soon as parsed: the
		// collector reuses their memory, which costs less than the page
		// faults of fresh memory for every file (51 MB in 7,400 files:
		// 0.36 s instead of 0.51 s on two cores).
		debug.SetGCPercent(200)
	}
	// Parse on every core; the seconds reported are the wall time of this
	// phase alone (reading and printing excluded).
	parsed := make([]*nixast.File, len(files))
	start := time.Now()
	onEveryCore(len(files), func(i int) {
		f := nixast.Parse(files[i], srcs[i])
		if *printTree {
			parsed[i] = f
		} else {
			// Only the errors are kept: the trees can be collected
			// and their memory reused for the next files.
			parsed[i] = &nixast.File{Errors: f.Errors, Lines: f.Lines}
		}
	})
	elapsed := time.Since(start)
	status := 0
	for i, f := range parsed {
		out := appendErrors(nil, files[i], f.Lines, f.Errors)
		if len(out) > 0 {
			status = 1
		}
		if *printTree {
			out = appendTree(out, files[i], len(parsed) > 1, f.Root, home)
		}
		stdout.Write(out)
	}
	if *stats {
		secs := elapsed.Seconds()
		mbps := 0.0
		if secs > 0 {
			mbps = float64(total) / 1e6 / secs
		}
		fmt.Fprintf(stderr, "files: %d\nbytes: %d\nseconds: %.4f\nMB/s: %.1f\n", len(files), total, secs, mbps)
	}
	return status
}

// checkFiles prints the syntax errors of files, as runParse does, for the
// common case of plain files only, and reports false (having printed
// nothing) for anything else: a directory, or a path it cannot read. Each
// core checks files with memory of its own that it reuses from file to file
// (eachFile).
func checkFiles(paths []string, stdout io.Writer) (int, bool) {
	return eachFile(paths, stdout, func() func(path string, src []byte) ([]byte, bool) {
		var c nixast.Checker
		return func(path string, src []byte) ([]byte, bool) {
			errs := c.Check(src)
			if len(errs) == 0 {
				return nil, false
			}
			return appendErrors(nil, path, nixast.NewLineIndex(src), errs), true
		}
	})
}

// printFiles is checkFiles for --print: each file's errors, then its normal
// form after a line "# FILE" when there are several. Each core parses into
// an arena whose memory the next file takes once the tree is printed,
// rather than keeping every tree until all are printed.
func printFiles(paths []string, stdout io.Writer) (int, bool) {
	home, _ := os.UserHomeDir()
	return eachFile(paths, stdout, func() func(path string, src []byte) ([]byte, bool) {
		var arena nixast.TreeArena
		return func(path string, src []byte) ([]byte, bool) {
			f := arena.Parse(path, src)
			defer arena.Reuse()
			out := appendErrors(nil, path, f.Lines, f.Errors)
			return appendTree(out, path, len(paths) > 1, f.Root, home), len(f.Errors) > 0
		}
	})
}

// eachFile reads each file of paths, gives it to a worker that newWorker
// made, and writes what the workers return in the order of paths; the
// status is 1 when one reported syntax errors. It reports false (having
// written nothing) when a path is not a plain file it can read. A worker
// reads into memory of its own that it reuses from file to file: in a batch
// of small files, fresh memory for each (a page fault per 4 KB) cost more
// than parsing them. A second core pays for its start (a thread, memory of
// its own) from about a thousand files (a few MB); below that, as in the
// batches of xargs -P, the other core has work of its own.
func eachFile(paths []string, stdout io.Writer, newWorker func() func(path string, src []byte) (out []byte, syntax bool)) (int, bool) {
	out := make([][]byte, len(paths))
	var failed, syntax atomic.Bool
	workers := min(runtime.GOMAXPROCS(0), 1+len(paths)/1000)
	onWorkers(workers, len(paths), func() func(i int) {
		do := newWorker()
		var buf []byte
		return func(i int) {
			if failed.Load() {
				return
			}
			var err error
			if buf, err = readfile.Regular(paths[i], buf, math.MaxInt64); err != nil {
				failed.Store(true)
				return
			}
			var bad bool
			out[i], bad = do(paths[i], buf)
			if bad {
				syntax.Store(true)
			}
		}
	})
	if failed.Load() {
		return 0, false
	}
	// One write for what the files printed: a write per file was one
	// system call per file even with nothing to print (the most of them).
	w := bufio.NewWriterSize(stdout, 64<<10)
	for _, o := range out {
		w.Write(o)
	}
	w.Flush()
	if syntax.Load() {
		return 1, true
	}
	return 0, true
}

// appendErrors appends syntax errors as parse prints them:
// FILE:LINE:COLUMN: message.
func appendErrors(out []byte, path string, lines *nixast.LineIndex, errs []nixast.Error) []byte {
	for _, e := range errs {
		line, col := lines.Position(e.Pos)
		out = fmt.Appendf(out, "%s:%d:%d: %s\n", path, line+1, col+1, e.Msg)
	}
	return out
}

// appendTree appends the normal form of a file's tree, after a line
// "# FILE" when several files are printed.
func appendTree(out []byte, path string, several bool, root nixast.Expr, home string) []byte {
	if several {
		out = fmt.Appendf(out, "# %s\n", path)
	}
	abs, _ := filepath.Abs(path)
	out = append(out, nixast.Print(root, nixast.PrintConfig{BaseDir: filepath.Dir(abs), HomeDir: home})...)
	return append(out, '\n')
}

// readFiles reads files on every core: thousands of small files cost as
// much in system calls as in parsing them.
func readFiles(paths []string) ([][]byte, []error) {
	srcs := make([][]byte, len(paths))
	errs := make([]error, len(paths))
	onEveryCore(len(paths), func(i int) { srcs[i], errs[i] = os.ReadFile(paths[i]) })
	return srcs, errs
}

// onEveryCore calls f(0) to f(n-1), on as many goroutines as there are
// cores, and returns when all calls have.
func onEveryCore(n int, f func(i int)) {
	onWorkers(runtime.GOMAXPROCS(0), n, func() func(i int) { return f })
}

// onWorkers is onEveryCore on the given number of goroutines, each with
// state of its own: newWorker runs on each and returns its f.
func onWorkers(workers, n int, newWorker func() func(i int)) {
	if workers == 1 {
		// On this goroutine: no other to start, park and wake.
		f := newWorker()
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := newWorker()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
