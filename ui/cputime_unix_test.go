//go:build unix

package ui

import (
	"syscall"
	"time"
)

// cpuTime is the user and system CPU time the process used so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
