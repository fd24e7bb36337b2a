//go:build unix

package oauthapp_test

import (
	"syscall"
	"time"
)

// processCPU returns the user and system CPU time the process has used,
// on every thread, or 0 when the system cannot tell.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
