#!/usr/bin/env bash
# compare.sh: every benchmark of this module, -count 5 -benchmem, in one run,
# then a table of the medians with CPU time per op and the ratio to ours.
#
#   ./compare.sh                  # the full comparison, under 10 minutes on 2 cores
#   QUICK=1 ./compare.sh          # every row once (-count 1 -benchtime 1x): a smoke test
#
# Environment:
#   COUNT       runs per row                        (default 5)
#   BENCHTIME   -benchtime of every row but bcrypt-12 (default 1s)
#   HEAVYTIME   -benchtime of the bcrypt-12 rows     (default 3x: ~0.3 s per token)
#   REF_TOKEN   reference row of the TokenEndpoint rows (default TokenEndpointOurs/EdDSA)
#   REF_VALIDATE  reference row of the Validate rows    (default ValidateOurs/ES256)
#   OUT         where the raw go test output goes   (default compare.out here)
#
# Wall time (ns/op) flatters allocation-heavy code on a multi-core machine: a
# benchmark runs on one goroutine while the garbage collector works on the
# idle cores. Every benchmark therefore also reports cpu-ns/op, the process
# CPU time (getrusage user + system) of its timed part divided by b.N, and
# the table's per-core throughput and ratios use that. It also holds up
# better than wall time when other processes share the machine.
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-1s}
HEAVYTIME=${HEAVYTIME:-3x}
REF_TOKEN=${REF_TOKEN:-TokenEndpointOurs/EdDSA}
REF_VALIDATE=${REF_VALIDATE:-ValidateOurs/ES256}
OUT=${OUT:-compare.out}
if [ -n "${QUICK:-}" ]; then
  COUNT=1 BENCHTIME=1x HEAVYTIME=1x
fi

# fosite's default: bcrypt at cost 12, about a quarter of a second per token.
HEAVY='^BenchmarkTokenEndpointFosite$/^Bcrypt12-'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/bench.test" .
go build -o "$tmp/benchtable" ./cmd/benchtable

run() {
  "$tmp/bench.test" -test.run '^$' -test.benchmem -test.count "$COUNT" -test.timeout 9m "$@"
}

{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# $(go version)"
  echo "# $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //') x $(getconf _NPROCESSORS_ONLN) cores, GOMAXPROCS=${GOMAXPROCS:-default}"
  echo "# COUNT=$COUNT BENCHTIME=$BENCHTIME HEAVYTIME=$HEAVYTIME"
  run -test.bench "$HEAVY" -test.benchtime "$HEAVYTIME"
  run -test.bench . -test.skip "$HEAVY" -test.benchtime "$BENCHTIME"
} | tee "$OUT"

echo
sed -n 's/^# //p' "$OUT" | head -n 3
echo
"$tmp/benchtable" -ref "TokenEndpoint=$REF_TOKEN" -ref "Validate=$REF_VALIDATE" "$OUT"
cat <<NOTE

Medians of $COUNT runs. CPU ns/op: process CPU time (user + system, all
threads, the GC included) per op; CPU spread: half the range of the runs.
ops/s per core: 1e9 / CPU ns/op (on TokenEndpoint rows, tokens issued).
x ours: CPU ns/op of the row / that of $REF_TOKEN (TokenEndpoint rows)
or $REF_VALIDATE (Validate rows); n/a when that row is not in this run.
NOTE
