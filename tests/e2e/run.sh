#!/usr/bin/env bash
# Browser tests of the planners' page: the real `lokus serve` on a fresh SQLite database with the
# demo data, driven by headless Debian Chromium through playwright-core (no browser download).
# Screenshots go to tests/e2e/artifacts/; the list view is also saved as docs/screenshot.png.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd ../.. && pwd)"
BIN="${LOKUS_BIN:-$ROOT/target/debug/lokus}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -z "${LOKUS_BIN:-}" ]; then
    # The page is embedded at build time: make sure the binary carries the current files.
    (cd "$ROOT" && cargo build --quiet --bin lokus)
fi
if [ ! -x "$CHROMIUM" ]; then
    apt-get update -qq && apt-get install -y -qq chromium chromium-driver
fi
if [ ! -d node_modules/playwright-core ]; then
    npm ci --no-audit --no-fund
fi

WORK="$(mktemp -d)"
export LOKUS_DATABASE_URL="sqlite://$WORK/lokus.db"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export LOKUS_BIND="127.0.0.1:$PORT"
export LOKUS_LOG="${LOKUS_LOG:-warn}"
# LOKUS_BASE_PATH=/lokus/1.0 runs the same tests with the service under a gateway prefix.
PREFIX="${LOKUS_BASE_PATH:-}"

# The editor and steward tokens are made against the same database before the server starts.
LOKUS_TOKEN="$("$BIN" token create --role editor --label e2e-editor)"
LOKUS_STEWARD_TOKEN="$("$BIN" token create --role steward --label e2e-steward)"
LOKUS_APPROVER_TOKEN="$("$BIN" token create --role approver --label e2e-approver)"
"$BIN" serve > "$WORK/serve.log" 2>&1 &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT$PREFIX/readyz" >/dev/null && break
    sleep 0.2
done
if ! curl -sf "http://127.0.0.1:$PORT$PREFIX/readyz" >/dev/null; then
    cat "$WORK/serve.log" >&2
    exit 1
fi

mkdir -p artifacts
export LOKUS_URL="http://127.0.0.1:$PORT$PREFIX"
export LOKUS_TOKEN LOKUS_STEWARD_TOKEN LOKUS_APPROVER_TOKEN
export LOKUS_SHARED_DATA="${LOKUS_SHARED_DATA:-$ROOT/../shared/data}"
export LOKUS_SCREENSHOT="$ROOT/docs/screenshot.png"
# The view files first, then page.test.mjs (it imports data and adopts a list, which the others
# must not see). Two runs because node sorts the files it is given by name.
status=0
node --test --test-concurrency=1 $(ls *.test.mjs | grep -v '^page.test.mjs$') || status=1
node --test --test-concurrency=1 page.test.mjs || status=1
exit "$status"
