// Command embedgen turns the JSON that `microvm-lsp options --format json`
// prints for a microvm.nix source into microvm/options.json, the embedded
// index: it keeps the facts (names, types, defaults, enum values,
// declarations, freeform prefixes, renames) and drops the descriptions.
//
//	microvm-lsp options --format json SRC ENTRY... | embedgen -rev REV -date YYYY-MM-DD > microvm/options.json
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/microvm-lsp/microvm-lsp/optindex"
)

func main() {
	rev := flag.String("rev", "", "the source's commit")
	date := flag.String("date", "", "the commit's date, YYYY-MM-DD")
	source := flag.String("source", "github:microvm-nix/microvm.nix", "the source's flake reference")
	flag.Parse()
	if *rev == "" || *date == "" {
		fmt.Fprintln(os.Stderr, "embedgen: -rev and -date are required")
		os.Exit(2)
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	ix, err := parse(in)
	if err != nil {
		fail(err)
	}
	strip(ix)
	out, err := json.MarshalIndent(map[string]any{
		"source": *source, "revision": *rev, "date": *date, "index": ix,
	}, "", " ")
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(append(out, '\n'))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "embedgen:", err)
	os.Exit(1)
}

// parse reads either a whole index or the CLI's array of options.
func parse(in []byte) (*optindex.Index, error) {
	in = bytes.TrimSpace(in)
	if len(in) > 0 && in[0] == '[' {
		var opts []optindex.Option
		if err := json.Unmarshal(in, &opts); err != nil {
			return nil, err
		}
		return &optindex.Index{Options: opts}, nil
	}
	var ix optindex.Index
	if err := json.Unmarshal(in, &ix); err != nil {
		return nil, err
	}
	return &ix, nil
}

var enumType = regexp.MustCompile(`^(?:null or )?one of (.*)$`)

// strip drops descriptions and the machine's paths, and fills in the path
// elements and enum values the CLI's text form leaves out.
func strip(ix *optindex.Index) {
	ix.Root = ""
	ix.Partial = nil
	for i := range ix.Options {
		o := &ix.Options[i]
		o.Description = ""
		if len(o.Loc) == 0 {
			o.Loc = strings.Split(o.Name, ".")
		}
		if len(o.Enum) == 0 {
			if m := enumType.FindStringSubmatch(o.Type); m != nil {
				for _, v := range strings.Split(m[1], ", ") {
					o.Enum = append(o.Enum, v)
				}
			}
		}
	}
	for i := range ix.Renames {
		ix.Renames[i].Message = ""
	}
}
