package oauthapp_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/token"
)

// The parallel benchmarks run IssueToken and Authorize on every P at once,
// for clients spread over many apps and for one busy app, so that a lock
// or a shared counter on the hot path shows as a ratio between
//
//	go test -run '^$' -bench Parallel -cpu 1,2 ./oauthapp/
//
// runs: with nothing shared, ns/op at -cpu 2 is half that at -cpu 1 on
// two idle cores. On a machine shared with other work, wall time says more
// about the neighbours than about the code; cpu-ns/op, the process's CPU
// time per operation, does not: when it stays the same from -cpu 1 to
// -cpu 2, nothing on the path costs more for running in parallel, and the
// throughput follows the cores the process gets.

// parallelApps is how many apps the spread-out rows use.
const parallelApps = 64

func BenchmarkIssueTokenParallel(b *testing.B) {
	for _, apps := range []int{1, parallelApps} {
		b.Run(appsName(apps), func(b *testing.B) {
			svc, reqs := parallelService(b, apps)
			runParallel(b, func(i int) error {
				_, err := svc.IssueToken(ctx, reqs[i%len(reqs)])
				return err
			})
		})
	}
}

func BenchmarkAuthorizeParallel(b *testing.B) {
	for _, apps := range []int{1, parallelApps} {
		b.Run(appsName(apps), func(b *testing.B) {
			svc, reqs := parallelService(b, apps)
			toks := make([]string, len(reqs))
			for i, req := range reqs {
				tok, err := svc.IssueToken(ctx, req)
				if err != nil {
					b.Fatal(err)
				}
				toks[i] = tok.AccessToken
			}
			res := oauthapp.Resource{Permission: permList}
			runParallel(b, func(i int) error {
				_, err := svc.Authorize(ctx, toks[i%len(toks)], res)
				return err
			})
		})
	}
}

// runParallel times op on every P at once: each goroutine passes op its
// own starting index, then counts up, so that goroutines start on
// different requests. It reports allocations and cpu-ns/op; an error
// fails the benchmark.
func runParallel(b *testing.B, op func(i int) error) {
	b.Helper()
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(1))
		for pb.Next() {
			if err := op(i); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	reportCPU(b, cpu)
}

// reportCPU reports the process CPU time since before as cpu-ns/op.
func reportCPU(b *testing.B, before time.Duration) {
	if after := processCPU(); after > 0 && b.N > 0 {
		b.ReportMetric(float64(after-before)/float64(b.N), "cpu-ns/op")
	}
}

func appsName(n int) string {
	if n == 1 {
		return "one app"
	}
	return "many apps"
}

// parallelService is a service on the memory store signing with EdDSA,
// and a token request for each of n apps.
func parallelService(b *testing.B, n int) (*oauthapp.Service, []oauthapp.TokenRequest) {
	b.Helper()
	svc, app, sec, owner := benchService(b, token.EdDSA)
	reqs := []oauthapp.TokenRequest{{ClientID: app.SID, ClientSecret: sec, Scope: permList}}
	for len(reqs) < n {
		app, s, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "bench", Permissions: oauthapp.Permissions{Allow: []string{permList, permRead}}})
		if err != nil {
			b.Fatal(err)
		}
		reqs = append(reqs, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: s.Reveal(), Scope: permList})
	}
	return svc, reqs
}
