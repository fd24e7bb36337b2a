package oauthhttp_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/oauthapps/oauthapps/oauthhttp"
)

// BenchmarkLimiterAttempt is the limiter's share of a token request: Allow
// and Done of an attempt that succeeds, for one client from one address,
// and in parallel for one client id from one address (workers of one
// deployment) and for many.
func BenchmarkLimiterAttempt(b *testing.B) {
	lim, err := oauthhttp.NewMemoryLimiter()
	if err != nil {
		b.Fatal(err)
	}
	one := oauthhttp.Attempt{ClientID: "OQ0123456789abcdef0123456789abcdef", Addr: "192.0.2.1"}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := lim.Allow(ctx, one); !ok {
				b.Fatal("refused")
			}
			lim.Done(ctx, one, false)
		}
	})
	b.Run("parallel one client", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, ok := lim.Allow(ctx, one); !ok {
					b.Error("refused")
					return
				}
				lim.Done(ctx, one, false)
			}
		})
	})
	b.Run("parallel many clients", func(b *testing.B) {
		var next atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			a := oauthhttp.Attempt{ClientID: fmt.Sprintf("OQ%032d", next.Add(1)), Addr: "192.0.2.1"}
			for pb.Next() {
				if _, ok := lim.Allow(ctx, a); !ok {
					b.Error("refused")
					return
				}
				lim.Done(ctx, a, false)
			}
		})
	})
}
