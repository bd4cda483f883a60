#!/usr/bin/env bash
# Runs schemathesis (PyPI) with docs/openapi.json against the emulator on 127.0.0.1, with an
# administrator's bearer token: every check, a fixed seed and a bounded number of cases. Fails
# when schemathesis reports any failure. Needs python3 with the venv module; installs into
# target/schemathesis-venv (beside the validator's target/ci-venv: their jsonschema
# requirements differ), reused by later runs.
#
# The whole API has about 150 entities and 750 operations: too many for every run on 2 cores.
# A run tests the token endpoint, the two seed entities (CoworkerDiscountCode,
# CoworkerBookingCredit) and a sample of ENTITIES other entities (default 10), drawn with
# SAMPLE_SEED (default: today's date, so each day covers other entities and a failure can be
# replayed); the drawn entities are printed. ENTITIES=all tests every operation. Every
# entity's endpoints are also driven through the emulator by tests/tests/every_entity.rs.
#
# Extra arguments go to `schemathesis run`, e.g. `.ci/schemathesis.sh --max-examples 500`;
# and e.g. `ENTITIES=all TIMEOUT=3600 .ci/schemathesis.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SCHEMATHESIS_VERSION=4.32.5
VENV=target/schemathesis-venv
DOCUMENT=docs/openapi.json
TOKEN=schemathesis-token
SEED=20250115
MAX_EXAMPLES=50
REPORTS=target/schemathesis
ENTITIES=${ENTITIES:-10}
SAMPLE_SEED=${SAMPLE_SEED:-$(date -u +%Y%m%d)}
TIMEOUT=${TIMEOUT:-900}

source .ci/python-tool.sh
python_tool "$VENV" schemathesis "$SCHEMATHESIS_VERSION"

cargo build --quiet -p nexudus-emulator --bin nexudus-emulator
rm -rf "$REPORTS"
mkdir -p "$REPORTS"

# `--port 0` binds a free port; the first line of stdout names the base URL.
"${CARGO_TARGET_DIR:-target}/debug/nexudus-emulator" --port 0 --token "$TOKEN" >"$REPORTS/emulator.log" 2>&1 &
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
# Wait until it answers (401 without credentials is an answer).
for _ in $(seq 1 100); do
    "$VENV/bin/python" - "$BASE_URL" <<'EOF' && break
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1] + "/api/billing/coworkerdiscountcodes", timeout=1)
except urllib.error.HTTPError:
    pass
except OSError:
    sys.exit(1)
EOF
    sleep 0.1
done

# The operations of the sampled entities, by their tags (one per entity) and the token's.
TAGS=$("$VENV/bin/python" .ci/sample-tags.py "$DOCUMENT" "$ENTITIES" "$SAMPLE_SEED")
echo "schemathesis: entities ${TAGS//|/, } (ENTITIES=$ENTITIES SAMPLE_SEED=$SAMPLE_SEED)"
echo "schemathesis $SCHEMATHESIS_VERSION: $DOCUMENT against the emulator at $BASE_URL"
status=0
# --checks all: every check schemathesis has, none excluded.
# --mode all: valid data (must be accepted) and invalid data (must be refused with 4xx).
# Phases: examples, coverage, fuzzing, stateful (the default: all of them).
# --generation-database none: no examples carried over from earlier runs, so the seed
# alone decides what is sent.
# Not `--max-time`: that is a budget fuzzing keeps spending. `timeout` is only a safety net.
# Run from the reports directory: schemathesis keeps a `.schemathesis/` cache in its cwd.
(cd "$REPORTS" && timeout "$TIMEOUT" "$ROOT/$VENV/bin/schemathesis" run "$ROOT/$DOCUMENT" \
    --url "$BASE_URL" \
    --include-tag-regex "^($TAGS)\$" \
    --header "Authorization: Bearer $TOKEN" \
    --checks all \
    --mode all \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --workers 1 \
    --request-timeout 10 \
    --no-color \
    --report json \
    --report-json-path report.json \
    "$@") || status=$?

# The numbers of the run, from its JSON report; the checks are what `--checks all` selects.
# From the reports directory too: importing schemathesis makes a `.hypothesis/` in the cwd.
(cd "$REPORTS" && "$ROOT/$VENV/bin/python" - report.json "$status") <<'EOF' || true
import json, sys
import schemathesis.specs.openapi.checks  # registers the OpenAPI checks
from schemathesis.checks import CHECKS
report = json.load(open(sys.argv[1]))
operations = report["operations"]
cases = report["test_cases"]
checks = CHECKS.get_all_names()
result = "passed" if sys.argv[2] == "0" else "FAILED"
print(
    f"schemathesis: {operations['tested']} of {operations['total']} operations, "
    f"{cases['generated']} cases, {len(checks)} checks ({', '.join(checks)}), "
    f"{cases['with_failures']} with failures, {cases['errored']} errored: {result}"
)
EOF
exit "$status"
