#!/usr/bin/env bash
# Load test of the HTTP API on loopback: starts a release build on a fresh SQLite database with
# the demo data, warms the shortlist cache, then runs wrk against the common calls.
# Usage: bench/load.sh [seconds per run, default 10]. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
cargo build --release --bin lokus >/dev/null
dir=$(mktemp -d)
port=18099
LOKUS_DATABASE_URL="sqlite://$dir/load.db" LOKUS_BIND="127.0.0.1:$port" LOKUS_LOG=warn \
    LOKUS_RATE_LIMIT=1000000 LOKUS_RATE_BURST=1000000 target/release/lokus serve >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
first=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/api/v1/shortlist")
echo "first (uncached) GET /api/v1/shortlist: ${first}s"
for path in /api/v1/shortlist "/api/v1/shortlist?format=csv" /api/v1/regions/11.40 /healthz; do
    echo "== GET $path (wrk -t2 -c16 -d${seconds}s)"
    wrk -t2 -c16 -d"${seconds}s" --latency "http://127.0.0.1:$port$path" | grep -E 'Requests/sec|50%|99%|Non-2xx' || true
done
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2, $3}')"
