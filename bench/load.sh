#!/usr/bin/env bash
# Load test of the HTTP API on loopback, every figure of BENCHMARKS.md's HTTP section in one run:
# starts the server on a fresh SQLite database with the demo data, then measures
#   - the cold path: an uncached scenario (join + analysis + ranking + 1,000-draw Monte Carlo),
#     and POST /api/v1/rankings with 1,000 draws (p50 over 20 runs);
#   - the hot path with wrk at 64 connections: cached shortlist JSON and CSV, one region, and
#     /healthz of the same binary for comparison;
#   - the server's RSS at start and after the load.
# Usage: bench/load.sh [seconds per wrk run, default 10] [--smoke]
#   --smoke: the debug binary, 1 s per run, and a failure on any non-2xx/3xx answer (CI).
#   LOKUS_BENCH_BIN=path: measure that binary instead (e.g. an older build, side by side).
# Needs wrk and curl (apt-get install wrk curl).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
smoke=false
[[ "${2:-}" == "--smoke" || "${1:-}" == "--smoke" ]] && smoke=true
if [[ -n "${LOKUS_BENCH_BIN:-}" ]]; then
    bin=$LOKUS_BENCH_BIN
    $smoke && seconds=1
elif $smoke; then
    seconds=1
    bin=target/debug/lokus
    [[ -x $bin ]] || cargo build --bin lokus >/dev/null
else
    cargo build --release --bin lokus >/dev/null
    bin=target/release/lokus
fi
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export LOKUS_DATABASE_URL="sqlite://$dir/load.db" LOKUS_BIND="127.0.0.1:$port" LOKUS_LOG=warn \
    LOKUS_RATE_LIMIT=100000000 LOKUS_RATE_BURST=100000000
$bin migrate >/dev/null
token=$($bin token create --role editor --label load | grep -Eo 'lokus_[A-Za-z0-9_-]+' | head -n 1)
$bin serve >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$port"
rss() { grep VmRSS "/proc/$server/status" | awk '{print $2 " " $3}'; }
# Wait for the background warm-up of the default lists (the page's has 1,000 draws).
for _ in $(seq 1 100); do
    curl -s "$base/metrics" | grep -q 'lokus_cache_entries{cache="rendered"} [2-9]' && break
    sleep 0.1
done
echo "server RSS at start (warm): $(rss)"

cold=$(curl -s -o /dev/null -w '%{time_total}' "$base/api/v1/shortlist?k=99&draws=1000&seed=7")
echo "cold GET /api/v1/shortlist?k=99&draws=1000 (join + analysis + ranking + 1,000 draws): ${cold}s"
times=()
for i in $(seq 1 20); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' -X POST "$base/api/v1/rankings" \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"k\": 100, \"uncertainty\": {\"draws\": 1000, \"seed\": $i}}")")
done
p50=$(printf '%s\n' "${times[@]}" | sort -n | sed -n '10p')
echo "POST /api/v1/rankings with 1,000 draws: p50 ${p50}s over 20 runs"

failed=0
for path in /api/v1/shortlist "/api/v1/shortlist?format=csv" /api/v1/regions/11.40 /healthz; do
    curl -s -o /dev/null "$base$path"
    echo "== GET $path (wrk -t2 -c64 -d${seconds}s)"
    out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$base$path")
    echo "$out" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket errors' || true
    if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then
        failed=1
    fi
done
echo "server RSS after the load: $(rss)"
if [[ $failed -ne 0 ]]; then
    echo "load: some answers were errors" >&2
    exit 1
fi
echo "load: 0 errors"
