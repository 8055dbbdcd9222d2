// Package e2e holds end-to-end tests of microvm-lsp: the real binary, built
// once per run, driven by real clients (headless Neovim, Emacs with Eglot and
// with lsp-mode) over stdio with the configurations under editors/ and the
// README's snippets; the lifecycle of the binary; and checks of the root
// flake.nix.
//
// A tool a test needs (nvim, emacs, nix-instantiate) that is missing skips
// the test locally and fails it when CI=true, so CI never passes by skipping.
package e2e
