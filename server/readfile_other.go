//go:build !unix

package server

import (
	"errors"
	"io"
	"os"
)

// readRegular reads the regular file at p whole, in one read of its size
// in the common case. Anything but a regular file is refused
// (errNotRegular) before it is opened; beyond limit bytes, errTooLarge.
func readRegular(p string, limit int64) ([]byte, error) {
	if info, err := os.Stat(p); err == nil && !info.Mode().IsRegular() {
		return nil, errNotRegular
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
		return nil, errNotRegular
	}
	if info.Size() > limit {
		return nil, errTooLarge
	}
	return readAllSized(info.Size(), limit, func(b []byte) (int, error) {
		n, err := f.Read(b)
		if errors.Is(err, io.EOF) {
			err = nil
		}
		return n, err
	})
}
