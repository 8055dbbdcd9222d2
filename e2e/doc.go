// Package e2e holds end-to-end tests of microvm-lsp: the real binary, built
// once per run, driven by real clients (headless Neovim) over stdio, and
// checks of the editor configurations under editors/.
//
// A tool a test needs (nvim) that is missing skips the test locally and fails
// it when CI=true, so CI never passes by skipping.
package e2e
