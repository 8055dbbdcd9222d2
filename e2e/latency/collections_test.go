package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestCollections writes a server's stderr in pieces that split lines:
// the gctrace lines become spans (start, start + the three wall-clock
// phases), every other line is passed on whole, and an edit met a
// collection when their times overlap.
func TestCollections(t *testing.T) {
	stderr := "" +
		"gc 1 @0.012s 2%: 0.010+1.5+0.020 ms clock, 0.02+0.1/1.2/0+0.04 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		`{"level":"warn","msg":"gc 2 @ is not a trace line"}` + "\n" +
		"gc 12 @10.602s 3%: 0.11+179+0.10 ms clock, 0.22+0.098/126/187+0.20 ms cpu, 705->740->337 MB, 777 MB goal, 0 MB stacks, 0 MB globals, 3 P\n" +
		"a last line\n"
	var out bytes.Buffer
	g := &collections{out: &out}
	for rest := stderr; rest != ""; {
		n := min(len(rest), 7)
		if k, err := g.Write([]byte(rest[:n])); k != n || err != nil {
			t.Fatalf("Write: %d, %v", k, err)
		}
		rest = rest[n:]
	}
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	want := []gcSpan{{ms(12), ms(12 + 0.010 + 1.5 + 0.020)}, {ms(10602), ms(10602 + 0.11 + 179 + 0.10)}}
	if len(g.spans) != len(want) {
		t.Fatalf("spans %v, want %v", g.spans, want)
	}
	for i, s := range g.spans {
		if d := s.start - want[i].start; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("span %d starts at %v, want %v", i, s.start, want[i].start)
		}
		if d := s.end - want[i].end; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("span %d ends at %v, want %v", i, s.end, want[i].end)
		}
	}
	if got := out.String(); got != `{"level":"warn","msg":"gc 2 @ is not a trace line"}`+"\na last line\n" {
		t.Errorf("passed on %q", got)
	}
	for _, c := range []struct {
		from, to float64
		met      bool
	}{
		{0, 12, false},        // ends as the first starts
		{0, 12.5, true},       // ends during it
		{13, 20, true},        // starts during it
		{14, 10602, false},    // between the two
		{10700, 10800, true},  // inside the second
		{10782, 10790, false}, // after it
	} {
		if got := g.met(ms(c.from), ms(c.to)); got != c.met {
			t.Errorf("met(%v ms, %v ms) = %v, want %v", c.from, c.to, got, c.met)
		}
	}
	sum := metCollection(g, []timedEdit{{ms(11), ms(5)}, {ms(100), ms(3)}, {ms(10650), ms(40)}})
	if !strings.HasPrefix(sum, "edits during a collection 2: median 5.0ms") || !strings.Contains(sum, "the others 1: median 3.0ms") {
		t.Errorf("summary %q", sum)
	}
}
