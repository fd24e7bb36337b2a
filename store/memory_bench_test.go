package store_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// benchApp returns a realistic app record: five policy entries, two
// secret slots with 60-byte hashes. Every string is built afresh, as
// decoding from a request or a database row would.
func benchApp(n, appsPerAccount int) store.App {
	created := t0.Add(time.Duration(n) * time.Second)
	hash := func(slot string) string { return fmt.Sprintf("sha256$%s%052x", slot, n) }
	return store.App{
		SID:          fmt.Sprintf("OQ%032x", n),
		AccountSID:   fmt.Sprintf("AC%032x", n/appsPerAccount),
		Region:       "us1",
		FriendlyName: fmt.Sprintf("billing sync %d", n),
		Description:  fmt.Sprintf("pulls invoices into the ledger, app %d", n),
		CreatedBy:    fmt.Sprintf("US%032x", n),
		CreatedAt:    created,
		UpdatedAt:    created,
		Policy: store.Policy{
			Allow: []string{
				fmt.Sprintf("/api/messaging/messages/read%.0d", 0),
				fmt.Sprintf("/api/messaging/messages/create%.0d", 0),
				fmt.Sprintf("/api/billing/invoices/read%.0d", 0),
				fmt.Sprintf("/api/voice/*%.0d", 0),
			},
			Deny: []string{fmt.Sprintf("/api/voice/calls/delete%.0d", 0)},
		},
		TokenTTL: time.Hour,
		Secrets: store.Secrets{
			Current:  store.Secret{ID: fmt.Sprintf("sk%08x", n), Hash: hash("c"), Created: created},
			Previous: store.Secret{ID: fmt.Sprintf("sp%08x", n), Hash: hash("p"), Created: created, Expires: created.Add(24 * time.Hour)},
		},
	}
}

// benchMemory returns a store holding n apps and their SIDs.
func benchMemory(b *testing.B, n int) (*store.Memory, []string) {
	b.Helper()
	m := store.NewMemory()
	sids := make([]string, n)
	for i := range n {
		app, err := m.CreateApp(context.Background(), benchApp(i, 10))
		if err != nil {
			b.Fatal(err)
		}
		sids[i] = app.SID
	}
	return m, sids
}

func BenchmarkMemoryGet(b *testing.B) {
	m, sids := benchMemory(b, 10_000)
	ctx := context.Background()
	b.ReportAllocs()
	reportThreadCPU(b, func() {
		for i := 0; b.Loop(); i++ {
			if _, err := m.GetApp(ctx, sids[i%len(sids)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFloorMapGet is the floor of BenchmarkMemoryGet: the same lookup
// in a bare map and the one allocation a copy of the policy lists needs,
// with no lock and no context.
func BenchmarkFloorMapGet(b *testing.B) {
	apps := make(map[string]*store.App, 10_000)
	sids := make([]string, 10_000)
	for i := range sids {
		app := benchApp(i, 10)
		apps[app.SID], sids[i] = &app, app.SID
	}
	b.ReportAllocs()
	reportThreadCPU(b, func() {
		for i := 0; b.Loop(); i++ {
			app := *apps[sids[i%len(sids)]]
			buf := make([]string, len(app.Policy.Allow)+len(app.Policy.Deny))
			n := copy(buf, app.Policy.Allow)
			copy(buf[n:], app.Policy.Deny)
			app.Policy.Allow, app.Policy.Deny = buf[:n:n], buf[n:]
			sink = app
		}
	})
}

// sink keeps the floor's copies from being optimised away.
var sink store.App

// BenchmarkMemoryGetParallel reads from every P, once alone and once while
// a writer goroutine updates apps as fast as it can. With the machine's
// cores shared by the writer, reads slow down by the CPU it takes, not by
// waiting for it: updates/s says how much the writer got done meanwhile.
func BenchmarkMemoryGetParallel(b *testing.B) {
	for _, writer := range []bool{false, true} {
		name := "reads only"
		if writer {
			name = "reads with a writer"
		}
		b.Run(name, func(b *testing.B) {
			m, sids := benchMemory(b, 10_000)
			ctx := context.Background()
			var stop atomic.Bool
			var updates atomic.Int64
			var wg sync.WaitGroup
			if writer {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; !stop.Load(); i++ {
						app, err := m.GetApp(ctx, sids[(i*7919)%len(sids)])
						if err == nil {
							_, err = m.UpdateApp(ctx, app)
						}
						if err != nil {
							b.Error(err)
							return
						}
						updates.Add(1)
					}
				}()
			}
			b.ReportAllocs()
			b.ResetTimer()
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				i := int(next.Add(1_000))
				for pb.Next() {
					if _, err := m.GetApp(ctx, sids[i%len(sids)]); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
			b.StopTimer()
			stop.Store(true)
			wg.Wait()
			if writer {
				b.ReportMetric(float64(updates.Load())/b.Elapsed().Seconds(), "updates/s")
			}
		})
	}
}

// BenchmarkMemoryBytesPerApp measures the heap a million apps take: held
// in a plain slice (the floor: the records alone) and in the memory store
// (records, the SID map and the per-account index). Run it once:
//
//	go test -run '^$' -bench MemoryBytesPerApp -benchtime 1x ./store/
func BenchmarkMemoryBytesPerApp(b *testing.B) {
	const n = 1_000_000
	for _, tc := range []struct {
		name string
		fill func() any
	}{
		{"records in a slice", func() any {
			apps := make([]store.App, n)
			for i := range apps {
				apps[i] = benchApp(i, 10)
			}
			return apps
		}},
		{"memory store", func() any {
			m := store.NewMemory()
			for i := range n {
				if _, err := m.CreateApp(context.Background(), benchApp(i, 10)); err != nil {
					b.Fatal(err)
				}
			}
			return m
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				before := heapInUse()
				held := tc.fill()
				after := heapInUse()
				runtime.KeepAlive(held)
				b.ReportMetric(float64(after-before)/n, "B/app")
			}
		})
	}
}

// heapInUse returns the bytes of live heap objects after a full GC.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
