#!/usr/bin/env bash
# load.sh: the load harness. It builds cmd/loadserver (ours, fosite and
# go-oauth2 as real servers) and cmd/load (the driver, on vegeta's
# library), then prints one table: every server in its own process with the
# same GOMAXPROCS, driven over keep-alive TCP on loopback by concurrent
# clients, for token requests and protected API calls; then how our server
# grows with 10 k, 100 k and 1 M apps in memory and 100 k on PostgreSQL.
#
#   ./load.sh                # the full run: about 10 minutes on 2 cores
#   ./load.sh -quick         # a smoke run for CI, under a minute: every row
#                            # briefly, 8 clients, no growth runs; exits 1
#                            # when any request fails or a server dies
#
# The PostgreSQL rows run when OAUTHAPPS_POSTGRES_DSN is set (or -postgres
# DSN is given); they create and drop the schemas oauthapps_load and
# oauthapps_load_growth. Other flags go to the driver: -clients (64),
# -duration (10s per row), -procs (GOMAXPROCS of every server, 2), -only
# (rows whose name contains it), -profile DIR (a CPU profile of each
# server), -growth=false, -pg-apps (100000). Linux only: the server's CPU
# time is read from /proc.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/loadserver" ./cmd/loadserver
go build -o "$tmp/load" ./cmd/load
"$tmp/load" -server "$tmp/loadserver" "$@"
