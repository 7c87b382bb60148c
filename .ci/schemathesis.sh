#!/usr/bin/env bash
# HTTP conformance against the running service: schemathesis (pinned in .ci/requirements.txt)
# with every check and a fixed seed, then the integrator example (a client generated from the
# document prints the shortlist). Uses the debug binary `cargo test` built, a fresh SQLite file
# with the demo data, and a rate limit high enough that 429 never fires. Fails on any failure.
#
#   .ci/python.sh && cargo build --bin lokus && .ci/schemathesis.sh
#
# Knobs: LOKUS_ST_SEED (default 1), LOKUS_ST_EXAMPLES (default 20), LOKUS_BIN (default
# target/debug/lokus), LOKUS_ST_TOKEN=editor (run as an editor: every write is tried for real,
# not only refused with 401), LOKUS_ST_SKIP_CLIENT=1 (leave out the integrator example).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/ci-venv
BIN="${LOKUS_BIN:-target/debug/lokus}"
SEED="${LOKUS_ST_SEED:-1}"
EXAMPLES="${LOKUS_ST_EXAMPLES:-20}"
AS="${LOKUS_ST_TOKEN:-}"

WORK=$(mktemp -d)
AUTH=()
case "$AS" in
    "") ;;
    editor)
        # A token made on the same database before the server starts (the demo data is
        # loaded by `serve`, so the token is made after a migration).
        LOKUS_DATABASE_URL="sqlite://$WORK/lokus.db" "$BIN" migrate > /dev/null
        TOKEN=$(LOKUS_DATABASE_URL="sqlite://$WORK/lokus.db" "$BIN" token create --role editor --label schemathesis | grep -Eo 'lokus_[A-Za-z0-9_-]+' | head -n 1)
        [ -n "$TOKEN" ] || { echo "could not create an editor token" >&2; exit 1; }
        AUTH=(--header "Authorization: Bearer $TOKEN")
        ;;
    *) echo "LOKUS_ST_TOKEN must be empty or 'editor'" >&2; exit 1 ;;
esac
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
# Webhooks may only ever target the discard port on loopback: whatever a run subscribes, no
# other host is contacted (every other target is refused before any connection).
LOKUS_DATABASE_URL="sqlite://$WORK/lokus.db" LOKUS_BIND="127.0.0.1:$PORT" \
    LOKUS_RATE_LIMIT=100000 LOKUS_RATE_BURST=100000 LOKUS_LOG=warn \
    LOKUS_WEBHOOK_ALLOWED_HOSTS=127.0.0.1:9 \
    "$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
    curl -sf "$BASE/healthz" > /dev/null && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
done

echo "schemathesis: --checks all, $EXAMPLES examples per operation, seed $SEED, ${AS:-no} token, against $BASE"
# Without a token every operation is tried as a new integrator would (writes answer 401); with
# an editor token the writes are made for real.
(cd "$WORK" && "$OLDPWD/$VENV/bin/st" --config-file "$OLDPWD/.ci/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
    --checks all --max-examples "$EXAMPLES" --seed "$SEED" ${AUTH[@]+"${AUTH[@]}"} \
    --request-timeout 60 --generation-database none --no-color)

[ -z "${LOKUS_ST_SKIP_CLIENT:-}" ] || exit 0

echo "integrator example: a client generated from the document prints the shortlist"
LOKUS_PYTHON="$VENV/bin/python" docs/integrator/generate_client.sh "$BASE" "$WORK/client" > "$WORK/shortlist.tsv"
head -n 4 "$WORK/shortlist.tsv"
tail -n 1 "$WORK/shortlist.tsv"
grep -q '^# 100 districts$' "$WORK/shortlist.tsv"
