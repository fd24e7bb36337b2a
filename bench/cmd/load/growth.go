package main

import (
	"fmt"
	"log"
	"strconv"
	"time"
)

// growth measures our server as its number of apps grows: on the memory
// store, the heap per app and the token endpoint's p99 at 10 k, 100 k and
// 1 M apps; on PostgreSQL (when a DSN is given), issuing throughput with
// a warm cache at o.pgApps apps and the start-up time of a second instance
// on the same database. It reports whether anything failed.
func growth(o options) (failed bool) {
	fmt.Println()
	fmt.Println("| store | apps | ready after s | heap B/app | tokens/s | p50 ms | p99 ms | failed |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|")
	base, err := start(o, []string{"-impl", "ours", "-apps", "64"})
	if err != nil {
		log.Print(err)
		return true
	}
	baseHeap := base.ready.HeapBytes
	base.stop()
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		if growthRow(o, "memory", n, baseHeap, []string{"-impl", "ours", "-apps", strconv.Itoa(n)}) {
			failed = true
		}
	}
	if o.dsn == "" {
		return failed
	}
	args := []string{"-impl", "ours", "-postgres", o.dsn, "-cache", cacheBound, "-schema", "oauthapps_load_growth"}
	seeded, err := start(o, append(args, "-apps", strconv.Itoa(o.pgApps)))
	if err != nil {
		log.Print(err)
		return true
	}
	creds := seeded.creds
	if report(o, "PostgreSQL, warm cache (seeding run)", seeded, 0) {
		failed = true
	}
	seeded.stop()

	// A second instance on the same database: the time from exec to its
	// first token, then its throughput as its cache warms.
	t0 := time.Now()
	again, err := start(o, append(args, "-seed=false"))
	if err != nil {
		log.Print(err)
		return true
	}
	defer again.stop()
	again.creds = creds
	again.ready.Apps = seeded.ready.Apps
	targets, err := targetsFor(again, "token")
	if err != nil {
		log.Print(err)
		return true
	}
	if _, err := fetchToken(targets[0]); err != nil {
		log.Print(err)
		return true
	}
	first := time.Since(t0)
	again.ready.ReadyMillis = float64(first.Microseconds()) / 1000
	return report(o, "PostgreSQL, warm cache (second instance, ready = first token)", again, 0) || failed
}

func growthRow(o options, store string, n int, baseHeap uint64, args []string) bool {
	srv, err := start(o, args)
	if err != nil {
		log.Print(err)
		return true
	}
	defer srv.stop()
	return report(o, store, srv, baseHeap)
}

// report measures the token workload on srv and prints a growth row.
func report(o options, store string, srv *server, baseHeap uint64) bool {
	res, err := measure(o, srv, "token")
	if err != nil {
		log.Printf("%s, %d apps: %v", store, srv.ready.Apps, err)
		fmt.Printf("| %s | %d | error | | | | | |\n", store, srv.ready.Apps)
		return true
	}
	perApp := "n/a"
	if baseHeap > 0 && srv.ready.HeapBytes > baseHeap {
		perApp = fmt.Sprintf("%.0f", float64(srv.ready.HeapBytes-baseHeap)/float64(srv.ready.Apps))
	}
	fmt.Printf("| %s | %d | %.2f | %s | %.0f | %.2f | %.2f | %d |\n", store, srv.ready.Apps,
		srv.ready.ReadyMillis/1000, perApp, res.rate, ms(res.p50), ms(res.p99), res.failed)
	return res.failed > 0
}
