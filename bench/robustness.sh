#!/usr/bin/env bash
# Cost of POST /api/v1/robustness with the default grid (42 scenarios on the demo data: it has a
# population dataset, so `burden` is in): medians of 10 uncached answers (distinct k, so each is
# a cache miss) and of 10 cached ones (the same body again), on a fresh SQLite database with the
# demo data. Usage: bench/robustness.sh [BIN] (default target/release/lokus). Needs curl.
set -euo pipefail
bin=${1:-target/release/lokus}
dir=$(mktemp -d); port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export LOKUS_DATABASE_URL="sqlite://$dir/r.db" LOKUS_BIND="127.0.0.1:$port" LOKUS_LOG=error LOKUS_RATE_LIMIT=1000000 LOKUS_RATE_BURST=1000000
$bin serve > /dev/null 2>&1 & s=$!
trap 'kill $s 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
sleep 3
post() { curl -s -o /dev/null -w '%{time_total}' -X POST "http://127.0.0.1:$port/api/v1/robustness" -H 'Content-Type: application/json' -d "$1"; }
median() { printf '%s\n' "$@" | sort -n | sed -n 5p; }
cold=(); for k in $(seq 90 99); do cold+=("$(post "{\"k\": $k}")"); done
post '{"k": 100}' > /dev/null
cached=(); for _ in $(seq 1 10); do cached+=("$(post '{"k": 100}')"); done
scenarios=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/robustness" | grep -o '"fingerprint"' | wc -l)
echo "$bin robustness default grid ($scenarios scenarios): cold median $(median "${cold[@]}")s (min $(printf '%s\n' "${cold[@]}" | sort -n | head -1)); cached median $(median "${cached[@]}")s"
