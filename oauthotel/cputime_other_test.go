//go:build !linux

package oauthotel_test

import "testing"

// reportCPU runs loop; only Linux reports cpu-ns/op.
func reportCPU(_ *testing.B, loop func()) { loop() }
