#!/usr/bin/env bash
# Tests `nexudus mcp` with a client we did not write: the official Python MCP SDK (PyPI
# `mcp`), installed into target/mcp-venv and reused by later runs (offline once installed),
# drives the binary over stdio against an emulator on a free port of 127.0.0.1, seeded
# with tests/mcp/seed.json. tests/mcp/test_mcp.py says what it checks. Fails when any check
# fails; ends with `mcp: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."

MCP_VERSION=2.3.0
VENV=target/mcp-venv
REPORTS=target/mcp
ADMIN_TOKEN=mcp-admin-token
LIMITED_TOKEN=mcp-list-only-token
TARGET=${CARGO_TARGET_DIR:-target}

source .ci/python-tool.sh
python_tool "$VENV" mcp "$MCP_VERSION"

cargo build --quiet -p nexudus-cli --bin nexudus -p nexudus-emulator --bin nexudus-emulator
rm -rf "$REPORTS"
mkdir -p "$REPORTS"

# The first line of stdout names the base URL.
"$TARGET/debug/nexudus-emulator" \
    --seed tests/mcp/seed.json \
    --token "$ADMIN_TOKEN" \
    --token "$LIMITED_TOKEN=CoworkerDiscountCode-List" \
    --command CoworkerDiscountCode=ARCHIVE \
    >"$REPORTS/emulator.log" 2>&1 &
EMULATOR=$!
trap 'kill "$EMULATOR" 2>/dev/null || true; wait "$EMULATOR" 2>/dev/null || true' EXIT

BASE_URL=
for _ in $(seq 1 100); do
    BASE_URL=$(sed -n '1s|.* \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' "$REPORTS/emulator.log")
    [[ -n "$BASE_URL" ]] && break
    if ! kill -0 "$EMULATOR" 2>/dev/null; then
        echo "error: the emulator did not start:" >&2
        cat "$REPORTS/emulator.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "$BASE_URL" ]]; then
    echo "error: the emulator printed no base URL within 10 s" >&2
    exit 1
fi

echo "mcp: the Python MCP SDK $MCP_VERSION drives target/debug/nexudus mcp against $BASE_URL"
status=0
NEXUDUS_BIN="$TARGET/debug/nexudus" \
    NEXUDUS_BASE_URL="$BASE_URL" \
    MCP_ADMIN_TOKEN="$ADMIN_TOKEN" \
    MCP_LIMITED_TOKEN="$LIMITED_TOKEN" \
    MCP_REPORTS="$REPORTS" \
    timeout 600 "$VENV/bin/python" tests/mcp/test_mcp.py || status=$?
if [[ $status -ne 0 ]]; then
    echo "mcp: the servers' log is $REPORTS/servers.log" >&2
fi
exit "$status"
