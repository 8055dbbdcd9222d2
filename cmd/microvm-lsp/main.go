// Command microvm-lsp is a language server for Nix that knows the role each
// NixOS system plays for microvm.nix. Without arguments it speaks LSP over
// stdio; its subcommands run the same parser and analysis from the shell.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"
)

// version is set at build time with -ldflags "-X main.version=..."; a
// build without it (go install) reports the module's version instead.
var version = ""

// command is one subcommand. Adding a subcommand is adding one entry to
// commands: the dispatch and the overview in `microvm-lsp help` read it.
type command struct {
	name    string
	args    string // what follows the name in the overview
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands in the order `microvm-lsp help` lists them; the first is the
// default when no subcommand is given. (Set in init: help reads the list.)
var commands []command

func init() {
	commands = []command{
		{"serve", "[flags]", "speak the Language Server Protocol over stdin/stdout (the default)", runServe},
		{"check", "[flags] [PATH...]", "analyse Nix files and print findings (text, JSON or SARIF); apply fixes", runCheck},
		{"systems", "[flags] [PATH]", "list the NixOS systems below PATH: how each is built, its microvm role, its guests", runSystems},
		{"parse", "[flags] PATH...", "parse files and print syntax errors, or the normal form of nix-instantiate --parse", runParse},
		{"options", "[flags] [SOURCE] [MODULE...]", "print the options the modules of SOURCE (default: its flake's module outputs) declare", runOptions},
		{"version", "", "print the version", runVersion},
		{"help", "[COMMAND]", "print this overview, or a command's help", runHelp},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if path := os.Getenv("MICROVM_LSP_CPUPROFILE"); path != "" {
		// For performance work: a CPU profile of the whole command or session.
		// MICROVM_LSP_CPUPROFILE_AFTER (a duration) starts it later: the
		// typing after a workspace's indexing, without the indexing.
		after, _ := time.ParseDuration(os.Getenv("MICROVM_LSP_CPUPROFILE_AFTER"))
		if f, err := os.Create(path); err == nil {
			if after <= 0 {
				pprof.StartCPUProfile(f)
			} else {
				time.AfterFunc(after, func() { pprof.StartCPUProfile(f) })
			}
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	if path := os.Getenv("MICROVM_LSP_MEMPROFILE"); path != "" {
		// Likewise: where memory is allocated, written at exit (one in 64 KB
		// sampled, as the runtime does by default). The profile holds what
		// collections have seen: one more takes in the allocations since the
		// last, else a session with few collections loses most of its edits.
		defer func() {
			runtime.GC()
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if len(args) == 0 {
		return commands[0].run(nil, stdout, stderr)
	}
	switch args[0] {
	case "--help", "-h":
		return runHelp(nil, stdout, stderr)
	case "--version", "-v":
		return runVersion(nil, stdout, stderr)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	if strings.HasPrefix(args[0], "-") {
		// Flags without a subcommand belong to serve (editors pass --log-file etc.).
		return commands[0].run(args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "microvm-lsp: unknown command %q\n\n", args[0])
	overview(stderr)
	return 2
}

func overview(w io.Writer) {
	fmt.Fprint(w, "microvm-lsp: a Nix language server that knows MicroVM hosts from guests\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  microvm-lsp %s %s\n        %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprint(w, "\nRun 'microvm-lsp COMMAND -h' for a command's flags, exit codes and examples.\n")
}

func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		overview(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] && c.name != "help" {
			return c.run([]string{"-h"}, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "microvm-lsp help: unknown command %q\n", args[0])
	return 2
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" {
			fmt.Fprint(stdout, "Usage: microvm-lsp version\n\nPrints the version: the one given at build time (make build: git describe),\n"+
				"else the module version of `go install ...@VERSION`, else the commit built.\n")
			return 0
		}
		fmt.Fprintf(stderr, "microvm-lsp version: unexpected argument %q\n", args[0])
		return 2
	}
	fmt.Fprintf(stdout, "microvm-lsp %s\n", buildVersion())
	return 0
}

// buildVersion returns the version set at link time, else what the Go
// toolchain recorded: the module version under `go install module@version`,
// or the commit of a build from a checkout.
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	return versionFrom(info)
}

func versionFrom(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		return "devel " + rev + modified
	}
	return "devel"
}

// batchGC lets parse collect garbage only when memory runs high: with
// --print every tree stays live until printed, so earlier collections
// would find nothing to free. (check and systems keep most files as
// summaries, and collect as usual: prepareFiles.)
func batchGC() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(2 << 30)
	}
}
