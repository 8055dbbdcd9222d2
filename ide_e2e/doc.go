// Package ide_e2e runs the real microvm-lsp binary under a JSON-RPC client
// and exercises the editor features (hover, completion, definition, rename)
// the way an editor does. It holds tests only.
package ide_e2e
