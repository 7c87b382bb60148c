#!/usr/bin/env bash
# Creates target/ci-venv with the pinned Python tools of .ci/requirements.txt (idempotent).
# The OpenAPI validator test and .ci/schemathesis.sh use it.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/ci-venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r .ci/requirements.txt
