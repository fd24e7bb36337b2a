package oauthotel_test

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU runs loop and reports the CPU time the whole process spent
// per operation as cpu-ns/op: the benchmark's goroutine, the span
// processor's and the garbage collector's alike. On a machine shared
// with other work, wall-clock ns/op counts the time spent waiting for a
// core; cpu-ns/op does not.
func reportCPU(b *testing.B, loop func()) {
	b.Helper()
	before := processCPU()
	loop()
	if ops := b.N; ops > 0 {
		b.ReportMetric(float64(processCPU()-before)/float64(ops), "cpu-ns/op")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
