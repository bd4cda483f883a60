#!/usr/bin/env bash
# progenitor on the project's OpenAPI document: generation, then the compile of the client
# crate alone, measured with `xtask measure` (wall time, CPU time, peak memory). See README.md.
#
#   bench/progenitor/run.sh                 # the real spec (docs/openapi.json)
#   bench/progenitor/run.sh --synth 50      # a synthetic spec of 50 entities (xtask synth)
#
# Options: --runs N (timed compiles, default 2), --repeat N (generations, fastest reported,
# default 3), --interface positional|builder (default positional), --strict (no conversion
# for progenitor's own limits: rejected operations are listed and left out).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
synth=""
runs=2
repeat=3
interface=positional
strict=()
while [ $# -gt 0 ]; do
    case "$1" in
        --synth) synth=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --interface) interface=$2; shift 2 ;;
        --strict) strict=(--strict); shift ;;
        *) echo "unknown argument $1 (see the top of $0)" >&2; exit 2 ;;
    esac
done

cargo=${CARGO:-cargo}
# The tools build where the caller's cargo builds; the client crate in its own folder, shared
# between runs so that its dependencies are built once.
tools_target=${CARGO_TARGET_DIR:-$root/target}
bench=$root/target/bench/progenitor
client_target=$bench/target
mkdir -p "$bench"

echo "building xtask and progenitor-bench (release)..." >&2
"$cargo" build --quiet --release -p xtask --manifest-path "$root/Cargo.toml"
"$cargo" build --quiet --release --manifest-path "$here/Cargo.toml"
xtask=$tools_target/release/xtask
tool=$tools_target/release/progenitor-bench

if [ -n "$synth" ]; then
    label="synth-$synth"
    "$xtask" synth --entities "$synth" --out "$bench/spec-$synth" >&2
    "$xtask" openapi --spec "$bench/spec-$synth" --out "$bench/openapi-$synth.json" >&2
    doc=$bench/openapi-$synth.json
else
    label=real
    doc=$root/docs/openapi.json
fi
krate=$bench/crate-$label-$interface
log=$krate.log

"$tool" --openapi "$doc" --out "$krate" --interface "$interface" --repeat "$repeat" \
    "${strict[@]}" | tee "$log"

# Dependencies first, untimed, with an empty lib.rs: the timed builds compile the crate alone.
lib=$krate/src/lib.rs
mv "$lib" "$lib.generated"
: > "$lib"
echo "building the client's dependencies (untimed)..." >&2
CARGO_TARGET_DIR=$client_target "$cargo" build --quiet --lib --manifest-path "$krate/Cargo.toml"
mv "$lib.generated" "$lib"
touch "$lib"

lines=$(wc -l < "$lib")
echo
echo "## Compile: \`cargo build --lib\` (debug) of the generated crate alone ($label, $interface)"
echo
echo "| spec | style | lines | run | wall time | CPU time | peak memory |"
echo "|---|---|---|---|---|---|---|"
for run in $(seq "$runs"); do
    CARGO_TARGET_DIR=$client_target "$cargo" clean --quiet -p nexudus-progenitor \
        --manifest-path "$krate/Cargo.toml"
    # xtask measure prints: wall seconds, peak resident KiB, CPU (user + system) seconds.
    read -r wall kib cpu < <(CARGO_TARGET_DIR=$client_target "$xtask" measure -- \
        "$cargo" build --quiet --lib --manifest-path "$krate/Cargo.toml")
    awk -v l="$label" -v i="$interface" -v n="$lines" -v r="$run" -v w="$wall" -v c="$cpu" \
        -v k="$kib" 'BEGIN { printf "| %s | %s | %s | %s | %.1f s | %.1f s | %.0f MB |\n", l, i, n, r, w, c, k / 1024 }' \
        | tee -a "$log"
done
