//go:build !unix

package readfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// Regular reads the regular file at p whole, into buf when it is large
// enough (a reader of many files reuses one buffer), in one read of its size
// in the common case. Anything but a regular file is refused
// (ErrNotRegular) before it is opened; beyond limit bytes, ErrTooLarge.
// Every error is an *fs.PathError that names p.
func Regular(p string, buf []byte, limit int64) ([]byte, error) {
	if info, err := os.Stat(p); err == nil && !info.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: p, Err: ErrNotRegular}
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: p, Err: ErrNotRegular}
	}
	if info.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: p, Err: ErrTooLarge}
	}
	out, err := allSized(buf, info.Size(), limit, func(b []byte) (int, error) {
		n, err := f.Read(b)
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return n, err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: p, Err: err}
	}
	return out, nil
}
