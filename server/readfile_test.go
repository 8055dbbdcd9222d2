package server

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestReadAllSized: a file is read whole whatever the reads return: short
// reads, a file that grew or shrank since its size was taken, and one that
// grew past the limit.
func TestReadAllSized(t *testing.T) {
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
		got, err := readAllSized(int64(c.size), 1<<20, reader(c.real, c.chunk))
		if err != nil || !bytes.Equal(got, data[:c.real]) {
			t.Errorf("%s: read %d bytes (%v), want %d", c.name, len(got), err, c.real)
		}
	}
	if _, err := readAllSized(10, 100, reader(1000, 1<<20)); !errors.Is(err, errTooLarge) {
		t.Errorf("a file grown past the limit: %v, want errTooLarge", err)
	}
	boom := errors.New("boom")
	if _, err := readAllSized(10, 100, func([]byte) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("a failing read: %v", err)
	}
}

// TestReadRegular reads a file through the operating system, and refuses a
// directory.
func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.nix")
	want := []byte("{ a = 1; }\n")
	if err := os.WriteFile(p, want, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := readRegular(p, maxFileSize); err != nil || !bytes.Equal(got, want) {
		t.Errorf("read %q (%v), want %q", got, err, want)
	}
	if _, err := readRegular(dir, maxFileSize); !errors.Is(err, errNotRegular) {
		t.Errorf("a directory: %v, want errNotRegular", err)
	}
	if _, err := readRegular(filepath.Join(dir, "gone.nix"), maxFileSize); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want ErrNotExist", err)
	}
}
