package lspclient

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times of /proc/PID/stat: Linux reports them
// in clock ticks of 1/100 s whatever the kernel's own tick.
const userHZ = 100

// CPUTime returns the CPU time (user and system) the server has used so far,
// read from /proc/PID/stat, in steps of 10 ms. On a busy machine it
// measures the server's work better than the time its answers take.
func (c *Client) CPUTime() (time.Duration, error) {
	ticks, err := CPUTicks(c.PID())
	if err != nil {
		return 0, err
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// CPUTicks returns utime+stime of process pid, in clock ticks of 1/100 s.
func CPUTicks(pid int) (int64, error) {
	return statSum(pid, 14, 15)
}

// PageFaults returns how many page faults the server has taken so far
// (minor and major, from /proc/PID/stat): each is a page of memory the
// process touched for the first time, or again after giving it back.
func (c *Client) PageFaults() (int64, error) {
	return statSum(c.PID(), 10, 12)
}

// statSum returns the sum of two numeric fields of /proc/PID/stat, counted
// from 1 as proc(5) does.
func statSum(pid, a, b int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after its closing parenthesis, where field 3 (state) starts.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	if i < 0 || len(f) < max(a, b)-2 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected %q", pid, s)
	}
	x, err1 := strconv.ParseInt(f[a-3], 10, 64)
	y, err2 := strconv.ParseInt(f[b-3], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return x + y, nil
}
