package readfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAllSized: a file is read whole whatever the reads return: short
// reads, a file that grew or shrank since its size was taken, and one that
// grew past the limit.
func TestAllSized(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 100)
	// reader returns data[:n] in reads of at most chunk bytes.
	reader := func(n, chunk int) func([]byte) (int, error) {
		off := 0
		return func(b []byte) (int, error) {
			k := min(len(b), chunk, n-off)
			copy(b, data[off:off+k])
			off += k
			return k, nil
		}
	}
	for _, c := range []struct {
		name              string
		size, real, chunk int
	}{
		{"exact", 1000, 1000, 1 << 20},
		{"short reads", 1000, 1000, 7},
		{"grew", 10, 1000, 1 << 20},
		{"grew, short reads", 10, 1000, 3},
		{"shrank", 1000, 400, 1 << 20},
		{"empty", 0, 0, 1 << 20},
		{"was empty", 0, 500, 1 << 20},
	} {
		got, err := allSized(nil, int64(c.size), 1<<20, reader(c.real, c.chunk))
		if err != nil || !bytes.Equal(got, data[:c.real]) {
			t.Errorf("%s: read %d bytes (%v), want %d", c.name, len(got), err, c.real)
		}
	}
	if _, err := allSized(nil, 10, 100, reader(1000, 1<<20)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file grown past the limit: %v, want ErrTooLarge", err)
	}
	boom := errors.New("boom")
	if _, err := allSized(nil, 10, 100, func([]byte) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("a failing read: %v", err)
	}
}

// TestRegular reads a file through the operating system, and refuses a
// directory.
func TestRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.nix")
	want := []byte("{ a = 1; }\n")
	if err := os.WriteFile(p, want, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := Regular(p, nil, 1<<26); err != nil || !bytes.Equal(got, want) {
		t.Errorf("read %q (%v), want %q", got, err, want)
	}
	if _, err := Regular(dir, nil, 1<<26); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), dir) {
		t.Errorf("a directory: %v, want ErrNotRegular naming it", err)
	}
	if _, err := Regular(filepath.Join(dir, "gone.nix"), nil, 1<<26); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want ErrNotExist", err)
	}
}

// TestRegularReusesItsBuffer: a buffer with room is read into, not
// replaced; one without is left alone.
func TestRegularReusesItsBuffer(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.nix")
	want := []byte("{ x = 1; }\n")
	if err := os.WriteFile(p, want, 0o644); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 0, 100)
	got, err := Regular(p, big, 1<<26)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Regular = %q, %v; want %q", got, err, want)
	}
	if &got[0] != &big[:1][0] {
		t.Error("a buffer with room for the file was not reused")
	}
	small := make([]byte, 0, 2)
	if got, err := Regular(p, small, 1<<26); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Regular with a small buffer = %q, %v; want %q", got, err, want)
	}
}
