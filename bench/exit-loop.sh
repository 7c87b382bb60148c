#!/usr/bin/env bash
# Exits with PostgreSQL connections open, in a loop (a slow check outside CI): each round starts
# `lokus serve` on PostgreSQL, reads and imports (so pooled TLS connections are open and busy),
# sends SIGTERM and records the exit status; then runs CLI commands against PostgreSQL (`rank`,
# `token create`, and `migrate` ten times: it exits while the pool is still opening its other
# connections, the likeliest moment for a crash at exit) and records theirs. With
# LOKUS_EXIT_LOOP_TESTS=1 each round also runs the PostgreSQL pass of the API suite
# (`LOKUS_TEST_BACKEND=postgres cargo test --workspace --test api`, or the test binary named by
# LOKUS_EXIT_LOOP_TEST_BIN; filtered by LOKUS_EXIT_LOOP_FILTER). Any status but 0 counts as a
# failure; 139 is SIGSEGV. Prints one line per round and the totals.
#
#   bench/exit-loop.sh [ROUNDS=20] [BIN=target/debug/lokus]
#
# Needs PostgreSQL on LOKUS_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test,
# trust auth, TLS on as Debian ships it), psql and curl. Makes and drops its own database.
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
bin=${2:-target/debug/lokus}
admin=${LOKUS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
db="lokus_exit_loop_$$"
url="${admin%/*}/$db"
psql "$admin" -qc "CREATE DATABASE $db" || exit 1
work=$(mktemp -d)
trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$work"' EXIT
export LOKUS_LOG=error LOKUS_RATE_LIMIT=1000000 LOKUS_RATE_BURST=1000000

# A covariate file for every district the running server knows.
csv() {
    curl -sf "http://127.0.0.1:$1/api/v1/regions?per_page=1000" | python3 -c '
import json, sys
r = int(sys.argv[1])
print("code,value")
for i, region in enumerate(json.load(sys.stdin)["regions"]):
    print(region["code"] + "," + str((i * r) % 97))' "$2" 2> /dev/null
}

serve_fail=0; cli_fail=0; test_fail=0; token=""
for round in $(seq 1 "$rounds"); do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    LOKUS_DATABASE_URL="$url" LOKUS_BIND="127.0.0.1:$port" "$bin" serve > "$work/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break; sleep 0.2; done
    [ -n "$token" ] || token=$(LOKUS_DATABASE_URL="$url" "$bin" token create --role editor --label exit-loop | grep -Eo 'lokus_[A-Za-z0-9_-]+')
    # Reads on several connections at once, and an import, in flight or just finished at SIGTERM.
    for path in shortlist analysis datasets regions "shortlist?k=7" projection; do
        curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/$path" &
    done
    csv "$port" "$round" | curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" \
        -H 'Content-Type: text/csv' --data-binary @- \
        "http://127.0.0.1:$port/api/v1/datasets?kind=covariate&indicator=loop&year=$((2000 + round))" &
    sleep 0.3
    kill -TERM "$pid"
    wait "$pid"; serve=$?
    wait
    cli=""
    migrates=(); for _ in $(seq 1 10); do migrates+=("migrate"); done
    for command in "rank" "token create --role viewer --label exit-loop-$round" "${migrates[@]}"; do
        # shellcheck disable=SC2086
        LOKUS_DATABASE_URL="$url" "$bin" $command > /dev/null 2>> "$work/cli.log"
        cli="$cli $?"
    done
    tests="-"
    if [ -n "${LOKUS_EXIT_LOOP_TESTS:-}" ]; then
        # shellcheck disable=SC2086
        LOKUS_TEST_BACKEND=postgres LOKUS_TEST_POSTGRES_URL="$admin" \
            ${LOKUS_EXIT_LOOP_TEST_BIN:-cargo test --workspace --test api --} ${LOKUS_EXIT_LOOP_FILTER:-} \
            > "$work/tests.log" 2>&1
        tests=$?
        summary=$(grep -E '^test result' "$work/tests.log" | tail -n 1)
        [ "$tests" = 0 ] || { test_fail=$((test_fail + 1)); tail -n 5 "$work/tests.log"; }
        tests="$tests ($summary)"
    fi
    [ "$serve" = 0 ] || { serve_fail=$((serve_fail + 1)); tail -n 5 "$work/serve.log"; }
    for c in $cli; do [ "$c" = 0 ] || cli_fail=$((cli_fail + 1)); done
    echo "round $round: serve→SIGTERM exit $serve; CLI exits$cli; PostgreSQL pass exit $tests"
done
echo "$rounds rounds: serve→SIGTERM failures $serve_fail; CLI failures $cli_fail (of $((12 * rounds))); PostgreSQL pass failures $test_fail"
[ "$serve_fail" = 0 ] && [ "$cli_fail" = 0 ] && [ "$test_fail" = 0 ]
