package reliability

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOneMoreProcessorOnceQuiet: once the server has indexed a workspace and
// published its diagnostics, the runtime runs one processor more than the
// cores the CPU-bound work runs on, so that a request finds one free; with
// GOMAXPROCS set, the user's number stays.
func TestOneMoreProcessorOnceQuiet(t *testing.T) {
	for _, tc := range []struct {
		env   string
		extra int
	}{{"GOMAXPROCS=", 1}, {"GOMAXPROCS=1", 0}} {
		t.Run(tc.env, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"flake.nix": "{ outputs = _: { }; }\n"})
			s := startServer(t, startOptions{env: []string{tc.env}})
			s.initialize(dir)
			s.waitUntil("the index's progress to end", s.progressEndedLocked)
			uri := fileURI(filepath.Join(dir, "module.nix"))
			s.open(uri, "{ ... }: { }\n")
			s.change(uri, 2, map[string]any{"text": "{ ... }: { x = 1; }\n"})
			// The server is idle after a publication with nothing left to
			// do, and calls its idle callbacks after sending it: the
			// processor may come a moment after the diagnostics.
			s.waitUntil("version 2's diagnostics", func() bool {
				return strings.Contains(string(s.diags[uri]), `"version":2`)
			})
			st := s.stats()
			for deadline := time.Now().Add(s.limit()); st.Processors != st.Cores+tc.extra && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
				st = s.stats()
			}
			if st.Cores < 1 || st.Processors != st.Cores+tc.extra {
				t.Errorf("%s: %d processors, %d cores; want %d more processors", tc.env, st.Processors, st.Cores, tc.extra)
			}
			// Once: the idle moments after more edits add none.
			s.change(uri, 3, map[string]any{"text": "{ ... }: { x = 2; }\n"})
			s.waitUntil("version 3's diagnostics", func() bool {
				return strings.Contains(string(s.diags[uri]), `"version":3`)
			})
			if st := s.stats(); st.Processors != st.Cores+tc.extra {
				t.Errorf("%s after another edit: %d processors, %d cores; want %d more processors", tc.env, st.Processors, st.Cores, tc.extra)
			}
			s.shutdown()
		})
	}
}
