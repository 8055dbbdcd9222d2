//go:build !unix

package server

import "os"

// processAlive reports whether a process exists; on Windows, FindProcess
// opens the process and fails once it has exited.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
