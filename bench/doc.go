// Package bench holds side-by-side benchmarks of oauthapps against two peer
// libraries, github.com/ory/fosite and github.com/go-oauth2/oauth2/v4, so
// that a reader can see on one machine, in one run, what an RFC 6749
// section 4.4 client-credentials token costs in each library and what
// validating that token costs afterwards.
//
// The package is a nested module: the peers and their dependencies never
// reach the core module. It has no API; the benchmarks are in _test.go
// files and run with
//
//	go test -run '^$' -bench . -benchmem
//
// or, for the full comparison table, with compare.sh beside this file.
//
// load.sh beside this file is the load harness: cmd/loadserver runs ours,
// fosite or go-oauth2 as a real server process, and cmd/load drives each
// over keep-alive TCP with concurrent clients (vegeta's library) and prints
// one table of throughput, latency, CPU per request and peak heap, then
// how our server grows with the number of apps. load.sh -quick is the
// smoke run CI makes.
//
// Every row does the same job: one confidential client authenticates with
// client_secret_basic, asks for two scopes and gets a one-hour access token,
// all through the library's own net/http token handler, driven in process
// with net/http/httptest, against the library's own in-memory storage.
// Floor rows give the bare cryptographic operations and the bare HTTP round
// trip, so that the other rows can be read as multiples of them.
//
// Besides ns/op, every benchmark reports cpu-ns/op: the process CPU time
// (user + system, from getrusage) spent in the timed part divided by b.N.
// A benchmark runs on one goroutine, but the garbage collector works on the
// other cores; cpu-ns/op counts that work, ns/op does not. On systems
// without getrusage the metric is left out.
//
// The harness trusts the peers' handlers to behave as documented and checks
// only what a benchmark needs: every timed request must succeed, or the
// benchmark fails.
package bench
