// Package reliability holds end-to-end tests of the microvm-lsp binary that
// check issue #8's promises: nothing crashes (malformed protocol input,
// hostile workspaces), nothing is lost (the server's text always equals the
// editor's after any sequence of edits), and nothing runs (no program is
// started, no file written, nothing outside the workspace read).
//
// The tests build bin/microvm-lsp into a temporary directory once and talk
// to it over pipes with a small hand-written client (see harness_test.go),
// so that framing errors can be produced byte by byte.
package reliability
