//! `cargo xtask package`: the published crates packaged as crates.io would receive them, each
//! `.crate` built by itself, and the generated crate's size against crates.io's limits.
//!
//! None of the crates is on crates.io and they depend on each other, so they are packaged in
//! one `cargo package` with a `-p` each: cargo packages them in dependency order into a local
//! registry overlay, and verifies each `.crate` (unpacked, in a workspace of its own, its
//! dependencies from crates.io and the overlay) by building its library and binaries. A
//! `.crate` that lacks a file its code needs, or a manifest that only works inside this
//! workspace, fails here rather than at `cargo publish`.
//!
//! Then each binary is installed as the READMEs tell (`cargo install --path cli`), in the
//! dev profile (a release build of the command line takes minutes) into
//! `target/ci-install`, and run with `--help`.

use std::process::{Command, Stdio};

use crate::ci::{cargo, cargo_program, cargo_with_env};

/// The crates published to crates.io, in dependency order.
pub const PUBLISHED: [&str; 4] = [
    "nexudus-runtime",
    "nexudus",
    "nexudus-emulator",
    "nexudus-cli",
];

/// The generated crate, whose size grows with the spec.
const GENERATED: &str = "nexudus";

/// crates.io's limits on a new version (its `PublishLimitsConfig` defaults; a crate can ask
/// for more): the `.crate` file, the tar stream it unpacks to, and the number of features
/// (also the most that one feature may enable).
const UPLOAD_LIMIT: u64 = 10 * 1024 * 1024;
const UNPACK_LIMIT: u64 = 512 * 1024 * 1024;
const FEATURE_LIMIT: usize = 300;

/// The first cargo that packages crates depending on each other, none of them published, in
/// one `cargo package` (cargo 1.90 stabilised packaging a workspace's crates together).
const FIRST_CARGO: (u64, u64) = (1, 90);

pub fn run() -> Result<(), String> {
    check_cargo()?;
    let mut args = vec!["package", "--allow-dirty"];
    for name in PUBLISHED {
        args.extend(["-p", name]);
    }
    // The verification builds every crate again, in a workspace of its own, without this
    // workspace's profile: without debug info for dependencies, as the workspace builds
    // them, so that those it already built with the same features are reused, and none for
    // the crates themselves, which are only compiled.
    cargo_with_env(&args, &[("CARGO_PROFILE_DEV_DEBUG", "false")])?;
    let metadata = metadata()?;
    let target = metadata["target_directory"]
        .as_str()
        .ok_or("cargo metadata has no target_directory")?;
    report(&metadata, target)?;
    install(target)
}

/// The binaries, by the folder of their crate.
const BINARIES: [(&str, &str); 2] = [("cli", "nexudus"), ("emulator", "nexudus-emulator")];

/// Fails, saying why, when the cargo running xtask is older than [`FIRST_CARGO`].
fn check_cargo() -> Result<(), String> {
    let cargo = cargo_program();
    let output = Command::new(&cargo)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    let version = String::from_utf8_lossy(&output.stdout);
    // `cargo 1.95.0 (f2d3ce0bd 2026-03-21)`.
    let mut numbers = version
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .split('.')
        .map(|n| n.parse::<u64>().ok());
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(major), Some(minor)) if (major, minor) >= FIRST_CARGO => Ok(()),
        _ => Err(format!(
            "packaging needs cargo {}.{} or newer, to package crates that depend on each other              before any is published; this is `{}`",
            FIRST_CARGO.0,
            FIRST_CARGO.1,
            version.trim()
        )),
    }
}

/// `cargo install --path` of each binary, then the installed binary's `--help`.
fn install(target: &str) -> Result<(), String> {
    let root = format!("{target}/ci-install");
    for (dir, binary) in BINARIES {
        cargo(&[
            "install", "--quiet", "--path", dir, "--root", &root, "--debug", "--locked", "--force",
        ])?;
        let path = format!("{root}/bin/{binary}{}", std::env::consts::EXE_SUFFIX);
        let output = Command::new(&path)
            .arg("--help")
            .output()
            .map_err(|e| format!("cannot run {path}: {e}"))?;
        let help = String::from_utf8_lossy(&output.stdout);
        let first = help.lines().next().unwrap_or_default();
        if !output.status.success() || first.is_empty() {
            return Err(format!(
                "`{path} --help` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        println!("xtask package: installed {binary}: {first}");
    }
    Ok(())
}

/// Prints each `.crate`'s size, and fails when one passes a crates.io limit.
/// `target` is the target folder, where `cargo package` wrote them.
fn report(metadata: &serde_json::Value, target: &str) -> Result<(), String> {
    let packages = metadata["packages"]
        .as_array()
        .ok_or("cargo metadata has no packages")?;
    let mut failures = Vec::new();
    for name in PUBLISHED {
        let package = packages
            .iter()
            .find(|p| p["name"] == name)
            .ok_or_else(|| format!("no package {name} in the workspace"))?;
        let version = package["version"].as_str().unwrap_or_default();
        let path = format!("{target}/package/{name}-{version}.crate");
        let size = std::fs::metadata(&path)
            .map_err(|e| format!("{path}: {e}"))?
            .len();
        let unpacked = unpacked_size(&path)?;
        let mut line = format!(
            "xtask package: {name} {version}: {} .crate ({:.1}% of crates.io's 10 MiB), {} \
             unpacked ({:.1}% of 512 MiB)",
            bytes(size),
            percent(size, UPLOAD_LIMIT),
            bytes(unpacked),
            percent(unpacked, UNPACK_LIMIT),
        );
        if name == GENERATED {
            let features = package["features"]
                .as_object()
                .ok_or("cargo metadata has no features")?;
            let widest = features
                .iter()
                .map(|(name, enables)| (enables.as_array().map_or(0, Vec::len), name.as_str()))
                .max()
                .unwrap_or_default();
            line.push_str(&format!(
                ", {} features (crates.io allows {FEATURE_LIMIT}; the widest, `{}`, enables {})",
                features.len(),
                widest.1,
                widest.0
            ));
            if features.len() > FEATURE_LIMIT || widest.0 > FEATURE_LIMIT {
                failures.push(format!(
                    "{name} declares {} features, or one that enables {}: crates.io refuses more \
                     than {FEATURE_LIMIT} without an exception",
                    features.len(),
                    widest.0
                ));
            }
        }
        println!("{line}");
        if size > UPLOAD_LIMIT || unpacked > UNPACK_LIMIT {
            failures.push(format!(
                "{path} is {} ({} unpacked): crates.io refuses more than 10 MiB (512 MiB \
                 unpacked) without an exception",
                bytes(size),
                bytes(unpacked)
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

fn metadata() -> Result<serde_json::Value, String> {
    let cargo = cargo_program();
    let output = Command::new(&cargo)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo metadata` failed ({})", output.status));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))
}

/// The size of the tar stream a `.crate` (a gzipped tar) unpacks to, which crates.io
/// limits.
fn unpacked_size(path: &str) -> Result<u64, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    std::io::copy(
        &mut flate2::read::GzDecoder::new(file),
        &mut std::io::sink(),
    )
    .map_err(|e| format!("{path} does not unpack: {e}"))
}

fn percent(part: u64, whole: u64) -> f64 {
    part as f64 * 100.0 / whole as f64
}

/// `2,230,153 bytes (2.1 MiB)`.
fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if n >= 1024 * 1024 {
        format!("{grouped} bytes ({:.1} MiB)", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{grouped} bytes ({:.0} KiB)", n as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_grouped_and_scaled() {
        assert_eq!(bytes(2_230_153), "2,230,153 bytes (2.1 MiB)");
        assert_eq!(bytes(65_468), "65,468 bytes (64 KiB)");
        assert_eq!(bytes(512), "512 bytes (0 KiB)");
    }
}
