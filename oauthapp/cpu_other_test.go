//go:build !unix

package oauthapp_test

import "time"

// processCPU is unknown here: the cpu-ns/op metric is left out.
func processCPU() time.Duration { return 0 }
