#!/usr/bin/env bash
# Generates a Python client from a running Lokus's OpenAPI document and prints the shortlist
# with it: the document is all an integrator needs.
#
#   pip install openapi-python-client==0.29.1        # or: .ci/python.sh
#   docs/integrator/generate_client.sh http://127.0.0.1:8080 [OUT_DIR] [TOKEN]
#
# OUT_DIR (default ./lokus-client) receives the generated package `lokus_api_client`; TOKEN is
# a viewer token when the service requires one for reads. LOKUS_PYTHON picks the Python
# (default: python3); `openapi-python-client` is looked for beside it.
set -euo pipefail
BASE="${1:-http://127.0.0.1:8080}"
OUT="${2:-lokus-client}"
TOKEN="${3:-}"
PYTHON="${LOKUS_PYTHON:-python3}"
HERE="$(cd "$(dirname "$0")" && pwd)"
GENERATOR="$(dirname "$(command -v "$PYTHON")")/openapi-python-client"
[ -x "$GENERATOR" ] || GENERATOR=openapi-python-client

mkdir -p "$OUT"
curl -sf "$BASE/api/v1/openapi.json" -o "$OUT/openapi.json"
# The generator warns that binary uploads (CSV/xlsx bodies) and the xlsx template are not
# modelled; every JSON operation is.
"$GENERATOR" generate --path "$OUT/openapi.json" --output-path "$OUT/client" --overwrite \
    > "$OUT/generate.log" 2>&1 || { cat "$OUT/generate.log" >&2; exit 1; }
PYTHONPATH="$OUT/client" "$PYTHON" "$HERE/print_shortlist.py" "$BASE" "$TOKEN"
