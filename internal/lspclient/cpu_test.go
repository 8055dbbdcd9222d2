package lspclient

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// The fields read from /proc/PID/stat are the CPU times and the page
// faults: this process has used CPU, and faulted in its own memory.
func TestStatFields(t *testing.T) {
	before, err := CPUTicks(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Spin until the kernel counts 200 ms more CPU time (getrusage), however
	// busy the machine: /proc must count about as much, 20 ticks.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	for start := cpu(); cpu()-start < 200*time.Millisecond; {
	}
	after, err := CPUTicks(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if d := after - before; d < 15 || d > 30 {
		t.Errorf("CPU ticks went from %d to %d over 200 ms of CPU, want about 20 more", before, after)
	}
	faults, err := statSum(os.Getpid(), 10, 12)
	if err != nil {
		t.Fatal(err)
	}
	// Memory mapped afresh: the heap may reuse pages it already has.
	buf, err := syscall.Mmap(-1, 0, 16<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(buf)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1 // a page touched for the first time faults
	}
	more, err := statSum(os.Getpid(), 10, 12)
	if err != nil {
		t.Fatal(err)
	}
	// One fault per 4 KB page, or per 2 MB where the kernel maps huge
	// pages at once.
	if more-faults < int64(len(buf)>>21) {
		t.Errorf("page faults went from %d to %d after touching %d new pages", faults, more, len(buf)/4096)
	}
}
