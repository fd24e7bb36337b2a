// Command loadserver is one server of the load harness (bench/load.sh):
// ours, fosite or go-oauth2, serving a client-credentials token endpoint
// (RFC 6749 section 4.4) at POST /token and a protected API call at
// GET /v1/Accounts/{AccountSid}/Messages, which validates the bearer token
// and authorizes it for one permission, on a loopback port.
//
// Once it listens it prints one JSON line on standard output (see loadproto.Ready):
// its address, the credentials of its clients, how long it took to get
// ready and the heap it holds. GET /stats reports the peak heap since
// start. It runs until it is killed.
//
// It exists to be driven by cmd/load; its flags are not a stable interface.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/oauthapps/oauthapps/bench/internal/loadproto"
	"github.com/oauthapps/oauthapps/token"
)

// The job every server does, the same for all.
const (
	scopeRead   = "/acme/messaging/messages/read"
	scopeWrite  = "/acme/messaging/messages/write"
	tokenTTL    = time.Hour
	tokenIssuer = "https://auth.example.com"
	audience    = "https://api.example.com"
	apiPattern  = "GET /v1/Accounts/{AccountSid}/Messages"
)

// backend is one implementation's two handlers and its clients.
type backend struct {
	token   http.Handler
	api     http.Handler
	clients []loadproto.Client
	// account is the account whose messages the API call reads.
	account string
}

func main() {
	start := time.Now()
	impl := flag.String("impl", "ours", "ours, fosite or gooauth2")
	hashing := flag.String("hash", "none", "fosite: none (plaintext compare) or bcrypt (its default, cost 12)")
	pg := flag.String("postgres", "", "ours: PostgreSQL DSN; empty for the memory store")
	schema := flag.String("schema", "oauthapps_load", "ours on PostgreSQL: the schema")
	seed := flag.Bool("seed", true, "ours on PostgreSQL: create the apps; false reuses those of the schema")
	cache := flag.Duration("cache", 0, "ours: WithCache bound; 0 is no cache")
	apps := flag.Int("apps", 64, "how many apps (clients) to create")
	clients := flag.Int("clients", 64, "how many of them to print credentials of")
	alg := flag.String("alg", "EdDSA", "ours: the signing algorithm")
	profile := flag.Bool("pprof", false, "serve net/http/pprof under /debug/pprof/")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("loadserver: ")

	ours := oursConfig{dsn: *pg, schema: *schema, seed: *seed, cache: *cache, apps: *apps, clients: *clients, alg: token.Algorithm(*alg)}
	b, err := newBackend(context.Background(), *impl, *hashing, ours)
	if err != nil {
		log.Fatal(err)
	}
	if len(b.clients) > *clients {
		b.clients = b.clients[:*clients]
	}

	var peak atomic.Uint64
	go samplePeakHeap(&peak)
	mux := newMux(b, *profile, &peak)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	line := loadproto.Ready{
		Addr:        ln.Addr().String(),
		Account:     b.account,
		Clients:     b.clients,
		Apps:        *apps,
		ReadyMillis: float64(time.Since(start).Microseconds()) / 1000,
		HeapBytes:   liveHeap(),
	}
	if err := json.NewEncoder(os.Stdout).Encode(line); err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

// newBackend builds the backend of impl: ours with cfg, fosite with its
// hashing (none or bcrypt), or go-oauth2, each with cfg.apps apps.
func newBackend(ctx context.Context, impl, hashing string, cfg oursConfig) (*backend, error) {
	switch impl {
	case "ours":
		return newOurs(ctx, cfg)
	case "fosite":
		return newFosite(hashing, cfg.apps)
	case "gooauth2":
		return newGoOAuth2(cfg.apps)
	}
	return nil, fmt.Errorf("unknown -impl %q", impl)
}

// newMux serves b's token endpoint and API call, the peak heap at GET
// /stats, and with profile net/http/pprof.
func newMux(b *backend, profile bool, peak *atomic.Uint64) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("POST /token", b.token)
	mux.Handle(apiPattern, b.api)
	if profile {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	}
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]uint64{"peak_heap_bytes": peak.Load()})
	})
	return mux
}

// liveHeap returns the bytes of live heap objects after a full GC.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// samplePeakHeap keeps the largest heap (live and not yet collected
// objects) seen, reading the runtime's metrics every 5 ms.
func samplePeakHeap(peak *atomic.Uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for range time.Tick(5 * time.Millisecond) {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
	}
}
