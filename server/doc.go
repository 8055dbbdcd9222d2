// Package server is the Language Server Protocol front end of microvm-lsp.
//
// It owns the conversation with the editor: the JSON-RPC connection and its
// lifecycle, the store of open documents (versioned, incremental sync), the
// index of *.nix files under the workspace folders, settings, and turning
// analysis findings into diagnostics and code actions. Byte offsets become
// LSP positions here and only here, in UTF-16 or UTF-8 columns as negotiated.
//
// The server has no Nix knowledge of its own: it parses with nixast and asks
// analysis for findings, treating both as black boxes. It must not import any
// package of this module other than nixast (parsing, positions) and analysis.
package server
