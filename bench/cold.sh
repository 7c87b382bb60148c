#!/usr/bin/env bash
# Cold path of a lokus binary: medians of 10 uncached shortlists (distinct k, 1,000 draws) and of
# 10 POST /api/v1/rankings with 1,000 draws, on a fresh SQLite database with the demo data.
# Usage: bench/cold.sh [BIN] (default target/release/lokus). Needs curl.
set -euo pipefail
bin=${1:-target/release/lokus}
dir=$(mktemp -d); port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export LOKUS_DATABASE_URL="sqlite://$dir/c.db" LOKUS_BIND="127.0.0.1:$port" LOKUS_LOG=error LOKUS_RATE_LIMIT=1000000 LOKUS_RATE_BURST=1000000
$bin migrate >/dev/null 2>&1; token=$($bin token create --role editor --label c 2>/dev/null | grep -Eo 'lokus_[A-Za-z0-9_-]+')
$bin serve > /dev/null 2>&1 & s=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
sleep 3
a=(); for k in $(seq 80 89); do a+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/api/v1/shortlist?k=$k&draws=1000")"); done
b=(); for i in $(seq 1 10); do b+=("$(curl -s -o /dev/null -w '%{time_total}' -X POST "http://127.0.0.1:$port/api/v1/rankings" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "{\"k\": 100, \"uncertainty\": {\"draws\": 1000, \"seed\": $i}}")"); done
echo "$bin cold shortlist median $(printf '%s\n' "${a[@]}" | sort -n | sed -n 5p)s (min $(printf '%s\n' "${a[@]}" | sort -n | head -1)); POST median $(printf '%s\n' "${b[@]}" | sort -n | sed -n 5p)s (min $(printf '%s\n' "${b[@]}" | sort -n | head -1))"
kill $s; rm -rf $dir
