package server

import (
	"encoding/json"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// documentTextResult answers microvm-lsp/debug/documentText: what the store
// holds for a document, for tests that check it matches the editor's text.
type documentTextResult struct {
	URI     protocol.DocumentURI `json:"uri"`
	Version int32                `json:"version"`
	Text    string               `json:"text"`
}

func (s *Server) debugDocumentText(params json.RawMessage) (any, error) {
	var p struct {
		URI protocol.DocumentURI `json:"uri"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %v", methodDebugDocText, err)
	}
	d := s.docs.get(p.URI)
	if d == nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %s is not open", methodDebugDocText, p.URI)
	}
	return documentTextResult{URI: d.uri, Version: d.version, Text: d.text}, nil
}
