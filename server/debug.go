package server

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/analysis"
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

// methodDebugStats answers microvm-lsp/debug/stats: process figures for
// soak tests (goroutine leaks, memory) and the files read from disk, for
// tests that check the server reads nothing it should not.
const methodDebugStats = "microvm-lsp/debug/stats"

type statsResult struct {
	Goroutines int    `json:"goroutines"`
	HeapAlloc  uint64 `json:"heapAlloc"`
	HeapInuse  uint64 `json:"heapInuse"`
	Documents  int    `json:"documents"`
	Indexed    int    `json:"indexedFiles"`
	// FilesRead lists every path opened for reading, in order, up to
	// maxReadLog entries; FilesReadCount counts them all.
	FilesRead      []string `json:"filesRead"`
	FilesReadCount int      `json:"filesReadCount"`
	// WholeComparisons counts the analyses' comparisons of every file of
	// two workspace states (analysis.WholeComparisons).
	WholeComparisons int64 `json:"wholeComparisons"`
	// Processors is the runtime's GOMAXPROCS now, Cores what it chose at
	// start: CPU-bound work runs on Cores goroutines (analysis.Cores).
	Processors int `json:"processors"`
	Cores      int `json:"cores"`
	// Allocated counts the bytes ever allocated on the heap: a benchmark
	// reads it before and after its edits (with "collect": false).
	Allocated uint64 `json:"allocated"`
	// Collections counts the collections the runtime has completed: a
	// benchmark that counts those its edits met tells the edits that
	// shared the cores with a mark of the whole heap from the others.
	Collections uint32 `json:"collections"`
}

// debugStats answers methodDebugStats. It collects first, so that
// HeapAlloc measures what is live, unless params say "collect": false: a
// benchmark that reads Allocated between edits would otherwise measure
// a session that starts with a collection it made.
func (s *Server) debugStats(params json.RawMessage) statsResult {
	var p struct {
		Collect *bool `json:"collect"`
	}
	json.Unmarshal(params, &p)
	if p.Collect == nil || *p.Collect {
		runtime.GC()
		if path := s.opts.HeapProfile; path != "" {
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.docs.mu.Lock()
	docs := len(s.docs.docs)
	s.docs.mu.Unlock()
	s.index.mu.Lock()
	indexed := len(s.index.files)
	s.index.mu.Unlock()
	s.reads.mu.Lock()
	read := append([]string{}, s.reads.paths...)
	count := s.reads.count
	s.reads.mu.Unlock()
	return statsResult{
		Goroutines: runtime.NumGoroutine(), HeapAlloc: m.HeapAlloc, HeapInuse: m.HeapInuse,
		Documents: docs, Indexed: indexed, FilesRead: read, FilesReadCount: count,
		WholeComparisons: analysis.WholeComparisons(),
		Processors:       runtime.GOMAXPROCS(0), Cores: analysis.Cores(),
		Allocated: m.TotalAlloc, Collections: m.NumGC,
	}
}

// readLog records the files the server reads from disk, when Options.Debug
// is set.
type readLog struct {
	mu    sync.Mutex
	paths []string
	count int
}

const maxReadLog = 10000

// noteRead records that path p is about to be read.
func (s *Server) noteRead(p string) {
	if !s.opts.Debug {
		return
	}
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	s.reads.count++
	if len(s.reads.paths) < maxReadLog {
		s.reads.paths = append(s.reads.paths, p)
	}
}
