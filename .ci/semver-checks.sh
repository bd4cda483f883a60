#!/usr/bin/env bash
# Installs cargo-semver-checks (crates.io, pinned) into target/tools, reused by later runs,
# then runs `cargo xtask semver` with the arguments given (e.g. `--since HEAD~1`): it
# generates the crate of the spec at that commit and of the working tree's with this
# checkout's generator, runs semver-checks on the pair, and fails when it finds a break the
# changelog (`cargo xtask changelog`) calls non-breaking or does not name.
#
# Not part of `cargo xtask ci`: on 2 cores the install takes about 6.5 minutes and a run on
# the whole crate about 3.5 more (two rustdoc JSON builds), against a CI budget of ~3 minutes
# (docs/development.md: "Reviewing spec changes").
set -euo pipefail
cd "$(dirname "$0")/.."

SEMVER_CHECKS_VERSION=0.51.0
ROOT=target/tools
TOOL="$ROOT/bin/cargo-semver-checks"

# Installs only when the pinned version is not there yet.
if [[ "$("$TOOL" semver-checks --version 2>/dev/null || true)" != "cargo-semver-checks $SEMVER_CHECKS_VERSION" ]]; then
    cargo install --locked --root "$ROOT" cargo-semver-checks --version "$SEMVER_CHECKS_VERSION"
fi
exec cargo xtask semver "$@"
