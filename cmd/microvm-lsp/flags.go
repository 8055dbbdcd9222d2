package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// help is what a subcommand's -h prints around the list of its flags.
type help struct {
	usage    string // the synopsis: "microvm-lsp check [flags] [PATH...]"
	about    string // what the command does
	exit     string // its exit codes
	examples string
}

// exitCodes is what check and parse exit with.
const exitCodes = `  0  no errors (nothing found, or warnings only)
  1  errors found
  2  usage error, or a file or directory could not be read`

func (h help) print(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", h.usage, strings.TrimSpace(h.about))
	fmt.Fprint(w, "\nFlags (before or after the paths; -- ends them):\n")
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if arg != "" {
			name += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  %s\n        %s\n", name, strings.ReplaceAll(usage, "\n", "\n        "))
	})
	if h.exit != "" {
		fmt.Fprintf(w, "\nExit codes:\n%s\n", h.exit)
	}
	if h.examples != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", strings.TrimRight(h.examples, "\n"))
	}
}

// parseFlags parses args into fs and returns the positional arguments.
// Flags may come before, between and after them; "--" ends the flags and
// "-" is a positional argument (stdin). -h prints the help on stdout; ok
// is false when the command is done then, with exit code.
func parseFlags(fs *flag.FlagSet, h help, args []string, stdout, stderr io.Writer) (pos []string, exit int, ok bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			h.print(stdout, fs)
			return nil, 0, false
		}
		if err != nil {
			fmt.Fprintf(stderr, "microvm-lsp %s: %v\nRun 'microvm-lsp %s -h' for help.\n", fs.Name(), err, fs.Name())
			return nil, 2, false
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), 0, true
		}
		if len(rest) == 0 {
			return pos, 0, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// listFlag is a flag that may be given several times, each value a
// comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// repeatFlag is a flag that may be given several times, each value whole.
type repeatFlag []string

func (l *repeatFlag) String() string { return strings.Join(*l, " ") }

func (l *repeatFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// choiceFlag is a string flag with a fixed set of values.
type choiceFlag struct {
	value   string
	choices []string
}

func (c *choiceFlag) String() string { return c.value }

func (c *choiceFlag) Set(v string) error {
	for _, x := range c.choices {
		if v == x {
			c.value = v
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(c.choices, ", "))
}
