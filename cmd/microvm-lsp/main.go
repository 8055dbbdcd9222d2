// Command microvm-lsp is a language server for Nix that knows the role each
// NixOS system plays for microvm.nix. Without arguments it speaks LSP over
// stdio; its subcommands run the same parser and analysis from the shell.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const usage = `microvm-lsp: a Nix language server that knows MicroVM hosts from guests

Usage:
  microvm-lsp [serve] [--log-file FILE] [--log-level LEVEL]
        speak the Language Server Protocol over stdin/stdout (the default)
  microvm-lsp check [--format text|json|sarif] [--fix CODE] [PATH...]
        analyse every *.nix below each PATH as one workspace and print findings
  microvm-lsp systems [--format text|json] [PATH]
        list the NixOS systems below PATH: how each is built, its microvm role, its guests
  microvm-lsp parse [--print] [--stats] PATH...
        parse files (or every *.nix below directories) and print syntax errors
  microvm-lsp version
        print the version
  microvm-lsp help
        print this help
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if path := os.Getenv("MICROVM_LSP_CPUPROFILE"); path != "" {
		// For performance work: a CPU profile of the whole command or session.
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	if path := os.Getenv("MICROVM_LSP_MEMPROFILE"); path != "" {
		// Likewise: where memory is allocated, written at exit (one in 64 KB
		// sampled, as the runtime does by default).
		defer func() {
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if len(args) == 0 {
		return runServe(nil)
	}
	switch args[0] {
	case "serve":
		return runServe(args[1:])
	case "parse":
		batchGC()
		return runParse(args[1:], stdout, stderr)
	case "check":
		batchGC()
		return runCheck(args[1:], stdout, stderr)
	case "systems":
		batchGC()
		return runSystems(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "microvm-lsp %s\n", version)
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	}
	if len(args[0]) > 0 && args[0][0] == '-' {
		// Flags without a subcommand belong to serve (editors pass --log-file etc.).
		return runServe(args)
	}
	fmt.Fprintf(stderr, "microvm-lsp: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// batchGC lets the one-shot commands collect garbage only when memory runs
// high: almost everything they allocate stays live until they exit, so
// earlier collections would find nothing to free.
func batchGC() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(2 << 30)
	}
}
