// Package readfile reads regular files whole, with as few system calls as
// it takes: the server's index and the parse command read tens of
// thousands of files, where os.Open's poller set-up, a stat before it and
// io.ReadAll's growing buffer cost more than the reading.
package readfile

import "errors"

var (
	// ErrNotRegular: the path is a directory, a FIFO, a device...
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file is larger than the limit it was read with.
	ErrTooLarge = errors.New("file too large")
)

// allSized reads a file of the given size (as stat said) whole with read,
// into buf when it has room for that size and one byte more (to notice
// growth), else into a new buffer. A read that stops short at exactly that
// size is the end of the file: a regular file reads short only at its end.
// A file that shrank or grew since is read to its end all the same.
func allSized(buf []byte, size, limit int64, read func([]byte) (int, error)) ([]byte, error) {
	if int64(cap(buf)) < size+1 {
		buf = make([]byte, size+1)
	}
	buf = buf[:size+1]
	n := 0
	for {
		if n == len(buf) {
			if int64(n) > limit {
				return nil, ErrTooLarge
			}
			buf = append(buf, make([]byte, len(buf))...)
		}
		m, err := read(buf[n:])
		n += m
		if err != nil {
			return nil, err
		}
		if m == 0 || int64(n) == size && n < len(buf) {
			break
		}
	}
	if int64(n) > limit {
		return nil, ErrTooLarge
	}
	return buf[:n], nil
}
