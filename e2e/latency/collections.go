package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"
)

// In a large workspace the slowest edits are those that share the cores
// with a collection marking the workspace's heap. The server runs with
// GODEBUG=gctrace=1, and collections reads from its stderr when each of
// its collections began and how long it ran, so that the edits that met
// one are told apart from the others (metCollection).

// gcSpan is one collection: from its start to the end of its last phase,
// counted from the server's start, as gctrace counts (the edits' send
// times are counted from just before the server was started: a few
// milliseconds early). The sweeping that follows a mark is not in it.
type gcSpan struct{ start, end time.Duration }

// gcTraceLine matches the start (seconds) and the wall-clock phases
// (milliseconds: stop, concurrent mark, stop) of a gctrace line.
var gcTraceLine = regexp.MustCompile(`^gc \d+ @([0-9.]+)s \d+%: ([0-9.]+)\+([0-9.]+)\+([0-9.]+) ms clock`)

// parseGCTrace returns the collection a gctrace line reports.
func parseGCTrace(line []byte) (gcSpan, bool) {
	m := gcTraceLine.FindSubmatch(line)
	if m == nil {
		return gcSpan{}, false
	}
	var f [4]float64
	for i := range f {
		v, err := strconv.ParseFloat(string(m[i+1]), 64)
		if err != nil {
			return gcSpan{}, false
		}
		f[i] = v
	}
	start := time.Duration(f[0] * float64(time.Second))
	return gcSpan{start, start + time.Duration((f[1]+f[2]+f[3])*float64(time.Millisecond))}, true
}

// collections is the server's stderr: it keeps the gctrace lines as spans
// and writes every other line to out.
type collections struct {
	mu    sync.Mutex
	out   io.Writer
	spans []gcSpan
	part  []byte // a line not yet ended
}

func newCollections() *collections { return &collections{out: os.Stderr} }

func (g *collections) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.part = append(g.part, p...)
	for {
		i := bytes.IndexByte(g.part, '\n')
		if i < 0 {
			break
		}
		line := g.part[:i+1]
		if s, ok := parseGCTrace(line); ok {
			g.spans = append(g.spans, s)
		} else {
			g.out.Write(line)
		}
		g.part = g.part[i+1:]
	}
	// What is left is less than a line: keep it from the start of the
	// buffer, so that it does not grow with everything written.
	g.part = append(g.part[:0:0], g.part...)
	return len(p), nil
}

// met reports whether a collection ran during [from, to).
func (g *collections) met(from, to time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, s := range g.spans {
		if s.start < to && from < s.end {
			return true
		}
	}
	return false
}

// timedEdit is an edit's send time, counted from the server's start, and
// its latency.
type timedEdit struct{ sent, took time.Duration }

// metCollection summarises the latencies of the edits that met a
// collection and of the others.
func metCollection(g *collections, edits []timedEdit) string {
	var met, other []time.Duration
	for _, e := range edits {
		if g.met(e.sent, e.sent+e.took) {
			met = append(met, e.took)
		} else {
			other = append(other, e.took)
		}
	}
	row := func(l []time.Duration) string {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		return fmt.Sprintf("%d: median %s, p90 %s, max %s", len(l), ms(pct(l, 50)), ms(pct(l, 90)), ms(pct(l, 100)))
	}
	return fmt.Sprintf("edits during a collection %s; the others %s", row(met), row(other))
}
