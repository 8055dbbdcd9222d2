package main

import (
	"fmt"
	"os"
)

func runServe(args []string) int {
	fmt.Fprintln(os.Stderr, "microvm-lsp: the language server is not built yet")
	return 2
}
