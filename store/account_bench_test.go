package store_test

import (
	"context"
	"fmt"
	"math/bits"
	"runtime"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// oneAccountApp is benchApp(n) in a single account, under a SID that does
// not follow n: real SIDs are random, so each create lands anywhere in the
// account's order, not at its end.
func oneAccountApp(n int) store.App {
	app := benchApp(n, 1<<62)
	app.SID = fmt.Sprintf("OQ%016x%016x", scramble(uint64(n)), n)
	return app
}

// scramble is a bijection of uint64 that spreads consecutive numbers
// across the whole range (a multiply-xorshift mixer).
func scramble(x uint64) uint64 {
	x ^= x >> 31
	x *= 0x7fb5d329728ea185
	x ^= x >> 27
	x *= 0x81dadef4bc2dd44d
	x ^= x >> 33
	return bits.RotateLeft64(x, 7)
}

// BenchmarkMemoryOneAccount measures what one more app costs in an
// account that already holds 10 k, 100 k or 1 M apps: creating it and
// deleting it again (the account's size stays put), and reading a page of
// 100 of the account's apps from a random place. Each should cost about
// the same at every size. Run it with
//
//	go test -run '^$' -bench MemoryOneAccount -benchmem ./store/
func BenchmarkMemoryOneAccount(b *testing.B) {
	sizes := []int{10_000, 100_000, 1_000_000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, size := range sizes {
		m := store.NewMemory()
		ctx := context.Background()
		for i := range size {
			if _, err := m.CreateApp(ctx, oneAccountApp(i)); err != nil {
				b.Fatal(err)
			}
		}
		account := oneAccountApp(0).AccountSID
		b.Run(fmt.Sprintf("apps=%d/create+delete", size), func(b *testing.B) {
			next := size
			apps := make([]store.App, 1024)
			for i := range apps {
				apps[i] = oneAccountApp(next + i)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				app := apps[i%len(apps)]
				if _, err := m.CreateApp(ctx, app); err != nil {
					b.Fatal(err)
				}
				if err := m.DeleteApp(ctx, app.SID); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("apps=%d/list 100", size), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				after := oneAccountApp(int(scramble(uint64(i)) % uint64(size))).SID
				if _, err := m.ListApps(ctx, account, after, 100); err != nil {
					b.Fatalf("page after %s: %v", after, err)
				}
			}
		})
		runtime.KeepAlive(m)
	}
}

// BenchmarkMemoryFillOneAccount creates a million apps in one account, in
// random SID order, and reports the whole fill's wall time and the heap
// each app takes in the store. Run it once:
//
//	go test -run '^$' -bench MemoryFillOneAccount -benchtime 1x ./store/
func BenchmarkMemoryFillOneAccount(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	for b.Loop() {
		before := heapInUse()
		// The store shares the records' strings: they count as its own.
		apps := make([]store.App, n)
		for i := range apps {
			apps[i] = oneAccountApp(i)
		}
		start := time.Now()
		m := store.NewMemory()
		for i := range apps {
			if _, err := m.CreateApp(ctx, apps[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/1M-apps")
		apps = nil // the store holds its own copies; count those alone
		b.ReportMetric(float64(heapInUse()-before)/n, "B/app")
		runtime.KeepAlive(m)
	}
}
