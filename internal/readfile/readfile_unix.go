//go:build unix

package readfile

import (
	"io/fs"
	"syscall"
)

// Regular reads the regular file at p whole, into buf when it is large
// enough (a reader of many files reuses one buffer), in one read of its size
// in the common case: the index reads tens of thousands of files, and
// os.Open's poller set-up and io.ReadAll's growing buffer cost more than
// the reading. Anything but a regular file is refused (ErrNotRegular)
// without blocking: a FIFO is opened non-blocking, and only read after
// fstat says the file is regular. Beyond limit bytes, ErrTooLarge. Every
// error is an *fs.PathError that names p.
func Regular(p string, buf []byte, limit int64) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "fstat", Path: p, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, &fs.PathError{Op: "read", Path: p, Err: ErrNotRegular}
	}
	if st.Size > limit {
		return nil, &fs.PathError{Op: "read", Path: p, Err: ErrTooLarge}
	}
	out, err := allSized(buf, st.Size, limit, func(b []byte) (int, error) {
		for {
			n, err := syscall.Read(fd, b)
			if err != syscall.EINTR {
				if n < 0 {
					n = 0
				}
				return n, err
			}
		}
	})
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: p, Err: err}
	}
	return out, nil
}
