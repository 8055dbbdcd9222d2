package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/microvm-lsp/microvm-lsp/optindex"
)

// optionJSON is one option as `options --format json` prints it.
type optionJSON struct {
	Name         string            `json:"name"`
	Loc          []string          `json:"loc"`
	Type         string            `json:"type"`
	Default      string            `json:"default,omitempty"`
	Description  string            `json:"description"`
	Declarations []declarationJSON `json:"declarations"`
	Internal     bool              `json:"internal"`
	Visible      bool              `json:"visible"`
	ReadOnly     bool              `json:"readOnly"`
	Enum         []string          `json:"enum,omitempty"`
}

type declarationJSON struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

var optionsHelp = help{
	usage: "microvm-lsp options [flags] [SOURCE] [MODULE...]",
	about: `
Prints the options that the modules of a source declare, read from the Nix
files without evaluating them, as the language server reads the sources a
flake.lock pins. SOURCE is a directory (the default is .): a checkout or a
store path of microvm.nix, home-manager or nixpkgs. The modules are the
MODULE files given (relative to SOURCE), else the module outputs of SOURCE's
flake.nix (nixosModules, homeManagerModules...), else its default.nix.

Text output is one option per line: its name, type and first declaration
(file:line). JSON is a list of objects with name, loc, type, default,
description, declarations (file and line), internal, visible, readOnly and
enum.`,
	exit: `  0  the options were printed
  1  the modules could not be read
  2  usage error, or SOURCE is not a directory or names no modules`,
	examples: `  microvm-lsp options /nix/store/...-source                   microvm.nix's modules
  microvm-lsp options --format json . nixos-modules/host     one module
  microvm-lsp options --stats ~/src/home-manager             with counts and time on stderr`,
}

func runOptions(args []string, stdout, stderr io.Writer) int {
	format := choiceFlag{"text", []string{"text", "json"}}
	fs := flag.NewFlagSet("options", flag.ContinueOnError)
	fs.Var(&format, "format", "output `FORMAT`: text or json")
	all := fs.Bool("all", false, "also print options that documentation leaves out (below an invisible option)")
	stats := fs.Bool("stats", false, "print the number of options, files read, time and heap to stderr")
	entries, code, ok := parseFlags(fs, optionsHelp, args, stdout, stderr)
	if !ok {
		return code
	}
	source := "."
	if len(entries) > 0 {
		source, entries = entries[0], entries[1:]
	}
	if st, err := os.Stat(source); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "microvm-lsp options: %s is not a directory\n", source)
		return 2
	}
	start := time.Now()
	if len(entries) == 0 {
		entries = optindex.DefaultEntries(source)
		if len(entries) == 0 {
			fmt.Fprintf(stderr, "microvm-lsp options: %s has neither module outputs in flake.nix nor a default.nix; name the module files\n", source)
			return 2
		}
	}
	ix, err := optindex.Build(source, entries)
	if err != nil {
		fmt.Fprintf(stderr, "microvm-lsp options: %v\n", err)
		return 1
	}
	elapsed := time.Since(start)
	var shown []*optindex.Option
	for i := range ix.Options {
		if o := &ix.Options[i]; *all || !o.Hidden {
			shown = append(shown, o)
		}
	}
	if format.value == "json" {
		out := make([]optionJSON, 0, len(shown))
		for _, o := range shown {
			j := optionJSON{Name: o.Name, Loc: o.Loc, Type: o.Type, Default: o.Default, Description: o.Description,
				Declarations: []declarationJSON{}, Internal: o.Internal, Visible: o.Visible, ReadOnly: o.ReadOnly, Enum: o.Enum}
			for _, d := range o.Declarations {
				j.Declarations = append(j.Declarations, declarationJSON{File: d.File, Line: d.Line})
			}
			out = append(out, j)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else {
		for _, o := range shown {
			where := ""
			if len(o.Declarations) > 0 {
				where = fmt.Sprintf("  (%s:%d)", filepath.ToSlash(o.Declarations[0].File), o.Declarations[0].Line)
			}
			fmt.Fprintf(stdout, "%s: %s%s\n", o.Name, o.Type, where)
		}
	}
	if *stats {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(stderr, "%d options (%d shown), %d renames, %d freeform prefixes, %d notes; built in %v; heap in use %.1f MB\n",
			len(ix.Options), len(shown), len(ix.Renames), len(ix.Freeform), len(ix.Partial), elapsed.Round(time.Millisecond), float64(ms.HeapInuse)/1e6)
		for _, p := range ix.Partial {
			fmt.Fprintf(stderr, "  partial: %s\n", p)
		}
		runtime.KeepAlive(ix)
	}
	return 0
}
