package store_test

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// rusageThread is RUSAGE_THREAD of getrusage(2), which package syscall
// does not name.
const rusageThread = 1

// reportThreadCPU runs loop on one locked OS thread and reports the CPU
// time that thread spent per operation as cpu-ns/op. On a machine shared
// with other work, wall-clock ns/op counts the time the thread waited for
// a core; cpu-ns/op does not.
func reportThreadCPU(b *testing.B, loop func()) {
	b.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := threadCPU()
	loop()
	if ops := b.N; ops > 0 {
		b.ReportMetric(float64(threadCPU()-before)/float64(ops), "cpu-ns/op")
	}
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
