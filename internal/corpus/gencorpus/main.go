// Command gencorpus writes a generated Nix workspace for benchmarks.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/microvm-lsp/microvm-lsp/internal/corpus"
)

func main() {
	out := flag.String("o", "corpus", "output directory")
	files := flag.Int("files", 10000, "number of module and flake files")
	big := flag.Int("big", 1500000, "size in bytes of the all-packages-style file (0: none)")
	lines := flag.Int("lines", 100, "module length, in percent of the default (60 to 360 lines)")
	flag.Parse()
	n, bytes, err := corpus.Write(*out, *files, *big, *lines)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("%d files, %d bytes in %s\n", n, bytes, *out)
}
