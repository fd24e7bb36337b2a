package bench

import (
	"testing"
	"time"
)

// cpuMetric is the unit of the process CPU time per operation that every
// benchmark here reports beside ns/op.
const cpuMetric = "cpu-ns/op"

// cpuMeter measures the process CPU time spent while a benchmark's timer
// runs. Pause and Resume wrap work that is not part of the operation (store
// pruning), exactly as b.StopTimer and b.StartTimer do for wall time.
type cpuMeter struct {
	b       *testing.B
	started time.Duration
	spent   time.Duration
	ok      bool
}

// startCPU resets the benchmark timer and starts measuring CPU time; call
// it after setup, right before the loop.
func startCPU(b *testing.B) *cpuMeter {
	b.ResetTimer()
	m := &cpuMeter{b: b}
	m.started, m.ok = processCPU()
	return m
}

// Pause stops both the wall timer and the CPU meter.
func (m *cpuMeter) Pause() {
	now, _ := processCPU()
	m.spent += now - m.started
	m.b.StopTimer()
}

// Resume starts both the wall timer and the CPU meter again.
func (m *cpuMeter) Resume() {
	m.b.StartTimer()
	m.started, _ = processCPU()
}

// Stop ends the measurement and reports cpu-ns/op.
func (m *cpuMeter) Stop() {
	now, _ := processCPU()
	m.spent += now - m.started
	m.b.StopTimer()
	if m.ok && m.b.N > 0 {
		m.b.ReportMetric(float64(m.spent.Nanoseconds())/float64(m.b.N), cpuMetric)
	}
}
