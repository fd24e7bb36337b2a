//go:build !linux

package store_test

import "testing"

// reportThreadCPU runs loop; thread CPU time is measured on Linux only.
func reportThreadCPU(_ *testing.B, loop func()) { loop() }
