#!/usr/bin/env bash
# Validates docs/openapi.json with an independent OpenAPI 3.1 validator, openapi-spec-validator
# from PyPI (the Rust tests check the document against the spec; this checks it is OpenAPI).
# Needs python3 with the venv module; installs into target/ci-venv, reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."

VALIDATOR_VERSION=0.9.0
VENV=target/ci-venv
DOCUMENT=docs/openapi.json

if ! command -v python3 >/dev/null 2>&1; then
    echo "error: python3 is needed to validate $DOCUMENT" >&2
    exit 1
fi
if [[ ! -x "$VENV/bin/python" ]]; then
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV"; then
        echo "error: cannot create a virtual environment; install the venv module (e.g. apt-get install python3-venv)" >&2
        rm -rf "$VENV"
        exit 1
    fi
fi
# Installs only when the pinned version is not there yet, so reruns work offline.
if [[ "$("$VENV/bin/python" -m pip show openapi-spec-validator 2>/dev/null | sed -n 's/^Version: //p')" != "$VALIDATOR_VERSION" ]]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "openapi-spec-validator==$VALIDATOR_VERSION"
fi
"$VENV/bin/openapi-spec-validator" --schema 3.1 --validation-errors all "$DOCUMENT"
