//go:build unix

package readfile

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestRegularRefusesAFIFO: a FIFO found where the walk saw a regular
// file is refused at once, not waited on for a writer.
func TestRegularRefusesAFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo.nix")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Regular(p, nil, 1<<26)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("a FIFO: %v, want ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
}
