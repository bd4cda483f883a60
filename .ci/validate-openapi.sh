#!/usr/bin/env bash
# Validates docs/openapi.json with an independent OpenAPI 3.1 validator, openapi-spec-validator
# from PyPI (the Rust tests check the document against the spec; this checks it is OpenAPI).
# Needs python3 with the venv module; installs into target/ci-venv, reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."

VALIDATOR_VERSION=0.9.0
VENV=target/ci-venv
DOCUMENT=docs/openapi.json

source .ci/python-tool.sh
python_tool "$VENV" openapi-spec-validator "$VALIDATOR_VERSION"
"$VENV/bin/openapi-spec-validator" --schema 3.1 --validation-errors all "$DOCUMENT"
