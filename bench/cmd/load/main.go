// Command load is the driver of the load harness (bench/load.sh). It starts
// each server of the comparison (cmd/loadserver: ours on the memory store,
// ours on PostgreSQL with a warm cache and with none, fosite without
// hashing and with its default bcrypt, go-oauth2) as a process of its own,
// all with the same GOMAXPROCS, drives it over keep-alive TCP on loopback
// with N concurrent clients, and prints one Markdown table: requests/s,
// p50 and p99 latency, server CPU per request and the server's peak heap,
// for token requests and for protected API calls. Then it measures how our
// server grows with the number of apps.
//
// The load comes from vegeta's library (github.com/tsenart/vegeta/v12/lib):
// a maintained, widely used HTTP load generator whose attacker runs a
// closed loop at a fixed number of workers (rate 0, max workers N), keeps
// connections alive, and keeps a streaming latency estimate, so the driver
// adds no measuring code of its own beyond reading the server's CPU time
// from /proc (Linux only).
//
// With -quick every server runs for a fraction of a second with few
// clients and the growth runs are left out: a smoke test for CI that fails
// (exit status 1) when any request fails or a server dies.
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/oauthapps/oauthapps/bench/internal/loadproto"
)

// The job, as cmd/loadserver serves it.
const (
	scopes     = "/acme/messaging/messages/read /acme/messaging/messages/write"
	cacheBound = "1m"
)

type options struct {
	server   string
	dsn      string
	procs    int
	clients  int
	duration time.Duration
	warmup   time.Duration
	quick    bool
	growth   bool
	pgApps   int
	profile  string
	only     string
}

func main() {
	var o options
	flag.StringVar(&o.server, "server", "./loadserver", "the cmd/loadserver binary")
	flag.StringVar(&o.dsn, "postgres", os.Getenv("OAUTHAPPS_POSTGRES_DSN"), "PostgreSQL DSN for the PostgreSQL rows (default $OAUTHAPPS_POSTGRES_DSN); empty leaves them out")
	flag.IntVar(&o.procs, "procs", 2, "GOMAXPROCS of every server")
	flag.IntVar(&o.clients, "clients", 64, "concurrent clients (connections)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time per row")
	flag.BoolVar(&o.quick, "quick", false, "a smoke run for CI: short rows, 8 clients, no growth runs")
	flag.BoolVar(&o.growth, "growth", true, "measure growth with the number of apps")
	flag.IntVar(&o.pgApps, "pg-apps", 100_000, "apps of the PostgreSQL growth run")
	flag.StringVar(&o.profile, "profile", "", "write a CPU profile of each server's measured run into this directory")
	flag.StringVar(&o.only, "only", "", "run only the table rows whose name contains this")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("load: ")
	o.warmup = min(2*time.Second, o.duration/4)
	if o.quick {
		o.clients, o.duration, o.warmup, o.growth = 8, 300*time.Millisecond, 100*time.Millisecond, false
	}

	fmt.Printf("GOMAXPROCS=%d per server, %d concurrent clients over keep-alive TCP on loopback, %v per row after %v of warm-up; %s, %d CPUs, %s\n\n",
		o.procs, o.clients, o.duration, o.warmup, runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), cpuModel())
	failed := table(o)
	if o.growth {
		if growth(o) {
			failed = true
		}
	}
	if failed {
		log.Fatal("some requests failed or a server died: see the table")
	}
}

// row is one server configuration of the table.
type row struct {
	name string
	args []string
	// slow rows (bcrypt) get no warm-up and two clients in a quick run:
	// a few requests take seconds there.
	slow bool
}

func rows(o options) []row {
	rs := []row{
		{name: "ours, memory", args: []string{"-impl", "ours"}},
		{name: "ours, memory, HS256", args: []string{"-impl", "ours", "-alg", "HS256"}},
	}
	if o.dsn != "" {
		rs = append(rs,
			row{name: "ours, PostgreSQL, warm cache", args: []string{"-impl", "ours", "-postgres", o.dsn, "-cache", cacheBound}},
			row{name: "ours, PostgreSQL, no cache", args: []string{"-impl", "ours", "-postgres", o.dsn}})
	}
	return append(rs,
		row{name: "fosite, no hashing", args: []string{"-impl", "fosite", "-hash", "none"}},
		row{name: "fosite, bcrypt (default)", args: []string{"-impl", "fosite", "-hash", "bcrypt"}, slow: true},
		row{name: "go-oauth2", args: []string{"-impl", "gooauth2"}})
}

// table runs every row with both workloads and prints the table. It
// reports whether anything failed.
func table(o options) (failed bool) {
	fmt.Println("| server | workload | req/s | p50 ms | p99 ms | server CPU µs/req | server peak heap MiB | failed |")
	fmt.Println("|---|---|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows(o) {
		if !strings.Contains(r.name, o.only) {
			continue
		}
		for _, w := range []string{"token", "api"} {
			ro := o
			if r.slow && o.quick {
				ro.warmup, ro.clients = 0, 2
			}
			res, err := runRow(ro, r.args, w)
			if err != nil {
				log.Printf("%s, %s: %v", r.name, w, err)
				failed = true
				fmt.Printf("| %s | %s | error | | | | | |\n", r.name, w)
				continue
			}
			if res.failed > 0 {
				failed = true
			}
			fmt.Printf("| %s | %s | %.0f | %.2f | %.2f | %.0f | %.1f | %d |\n", r.name, w,
				res.rate, ms(res.p50), ms(res.p99), res.cpuPerReq, float64(res.peakHeap)/(1<<20), res.failed)
		}
	}
	return failed
}

// result is one measured run.
type result struct {
	rate      float64
	p50, p99  time.Duration
	cpuPerReq float64 // microseconds
	peakHeap  uint64
	failed    uint64
	ready     loadproto.Ready
}

// runRow starts a server, warms it up, measures one workload, and stops it.
func runRow(o options, args []string, workload string) (result, error) {
	srv, err := start(o, args)
	if err != nil {
		return result{}, err
	}
	defer srv.stop()
	return measure(o, srv, workload)
}

func measure(o options, srv *server, workload string) (result, error) {
	targets, err := targetsFor(srv, workload)
	if err != nil {
		return result{}, err
	}
	if o.warmup > 0 {
		if m := attack(o, targets, o.warmup); m.Success < 1 {
			return result{}, fmt.Errorf("warm-up: %s", failures(m))
		}
	}
	cpu0, err := srv.cpu()
	if err != nil {
		return result{}, err
	}
	var profiled chan struct{}
	if o.profile != "" {
		profiled = make(chan struct{})
		go func() {
			defer close(profiled)
			srv.writeProfile(o, workload)
		}()
	}
	m := attack(o, targets, o.duration)
	if profiled != nil {
		<-profiled
	}
	cpu1, err := srv.cpu()
	if err != nil {
		return result{}, fmt.Errorf("server died: %w", err)
	}
	res := result{
		rate:     m.Throughput,
		p50:      m.Latencies.P50,
		p99:      m.Latencies.P99,
		failed:   failedCount(m),
		ready:    srv.ready,
		peakHeap: srv.peakHeap(),
	}
	if m.Requests > 0 {
		res.cpuPerReq = float64((cpu1 - cpu0).Microseconds()) / float64(m.Requests)
	}
	if res.failed > 0 {
		log.Printf("%v: %s", args(srv), failures(m))
	}
	return res, nil
}

func args(s *server) string { return strings.Join(s.cmd.Args[1:], " ") }

func failures(m *vegeta.Metrics) string {
	return fmt.Sprintf("%d of %d requests failed; status codes %v; errors %q", failedCount(m), m.Requests, m.StatusCodes, m.Errors)
}

// failedCount is how many requests got no answer or a status outside
// 200..399 (vegeta keeps their share, Success).
func failedCount(m *vegeta.Metrics) uint64 {
	return m.Requests - uint64(float64(m.Requests)*m.Success+0.5)
}

// attack runs the closed loop: o.clients workers, each sending its next
// request as soon as the last is answered, for d.
func attack(o options, targets []vegeta.Target, d time.Duration) *vegeta.Metrics {
	n := uint64(o.clients)
	a := vegeta.NewAttacker(vegeta.Workers(n), vegeta.MaxWorkers(n), vegeta.Connections(o.clients),
		vegeta.MaxConnections(o.clients), vegeta.KeepAlive(true), vegeta.HTTP2(false), vegeta.Timeout(2*time.Minute))
	var m vegeta.Metrics
	for res := range a.Attack(vegeta.NewStaticTargeter(targets...), vegeta.Rate{Freq: 0}, d, "") {
		m.Add(res)
	}
	m.Close()
	return &m
}

// targetsFor returns one request per client: a token request with
// client_secret_basic, or an API call with a token of that client.
func targetsFor(srv *server, workload string) ([]vegeta.Target, error) {
	base := "http://" + srv.ready.Addr
	form := []byte(url.Values{"grant_type": {"client_credentials"}, "scope": {scopes}}.Encode())
	var out []vegeta.Target
	for _, c := range srv.creds {
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.ID)+":"+url.QueryEscape(c.Secret)))
		tokenReq := vegeta.Target{Method: http.MethodPost, URL: base + "/token", Body: form, Header: http.Header{
			"Authorization": {basic}, "Content-Type": {"application/x-www-form-urlencoded"}}}
		if workload == "token" {
			out = append(out, tokenReq)
			continue
		}
		tok, err := fetchToken(tokenReq)
		if err != nil {
			return nil, err
		}
		out = append(out, vegeta.Target{Method: http.MethodGet, URL: base + "/v1/Accounts/" + srv.ready.Account + "/Messages",
			Header: http.Header{"Authorization": {"Bearer " + tok}}})
	}
	return out, nil
}

func fetchToken(t vegeta.Target) (string, error) {
	req, err := t.Request()
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		return "", fmt.Errorf("token request: status %d, %v", resp.StatusCode, err)
	}
	return body.AccessToken, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
