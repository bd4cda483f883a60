//! `cargo xtask ci`: every check and test, in the order that fails fastest.

use std::process::Command;

use crate::generate;

pub fn run() -> Result<(), String> {
    // The generated crate must be what the spec produces before anything is tested.
    generate::run(
        generate::SPEC_DIR.as_ref(),
        generate::CRATE_DIR.as_ref(),
        true,
    )?;
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    // The workspace builds the generated crate with every feature; users also pick none,
    // `schemas` alone (the command line does) or one entity: each must be warning-free too.
    let one = crate::bench::one_entity_feature(generate::SPEC_DIR.as_ref())?;
    for features in ["", "schemas", one.as_str()] {
        let mut args = vec!["clippy", "-p", "nexudus", "--no-default-features"];
        if !features.is_empty() {
            args.extend(["--features", features]);
        }
        args.extend(["--", "-D", "warnings"]);
        cargo(&args)?;
    }
    // Docs are read in review too: broken intra-doc links fail like warnings, with
    // `schemas` alone (no typed API to link to) and with every feature (built last, so the
    // docs left in target/doc are the whole crate's).
    cargo_with_env(
        &[
            "doc",
            "-p",
            "nexudus",
            "--no-deps",
            "--quiet",
            "--no-default-features",
            "--features",
            "schemas",
        ],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    cargo_with_env(
        &["doc", "--workspace", "--no-deps", "--quiet"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    // Independent tools (PyPI, installed under target/ by the scripts): the OpenAPI document
    // is valid OpenAPI 3.1, schemathesis finds no difference between it and the emulator, and
    // the official Python MCP SDK drives `nexudus mcp` against the emulator.
    script(".ci/validate-openapi.sh")?;
    script(".ci/schemathesis.sh")?;
    script(".ci/mcp.sh")?;
    // The crates published to crates.io, packaged and each built from its `.crate` as a user
    // of crates.io would build it, their sizes against crates.io's limits, and the binaries
    // installed with `cargo install --path`. After the scripts, which built the binaries'
    // dependencies as the packaged crates need them (docs/performance.md, "Packaging").
    crate::packaging::run()?;
    let totals = cargo_test(&["test", "--workspace"])?;
    println!("xtask ci: all checks passed");
    // One closing line for the whole run: cargo prints a `test result` per test binary, the
    // last of which is often a crate with no doc tests ("0 passed").
    println!(
        "ci: {} passed, {} failed, {} ignored",
        totals.passed, totals.failed, totals.ignored
    );
    Ok(())
}

/// Test counts summed over every `test result:` line.
#[derive(Debug, Default, PartialEq, Eq)]
struct Totals {
    passed: u64,
    failed: u64,
    ignored: u64,
}

/// Runs `cargo test`, echoing its output, and sums its `test result:` lines.
fn cargo_test(args: &[&str]) -> Result<Totals, String> {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let cargo = cargo_program();
    println!("xtask ci: cargo {}", args.join(" "));
    let mut child = Command::new(&cargo)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    let mut totals = Totals::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("cannot read cargo's output: {e}"))?;
            println!("{line}");
            add_result_line(&line, &mut totals);
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(totals)
    } else {
        Err(format!(
            "`cargo {}` failed ({status}): {} passed, {} failed",
            args.join(" "),
            totals.passed,
            totals.failed
        ))
    }
}

/// Adds `test result: ok. 5 passed; 0 failed; 1 ignored; ...` to the totals.
fn add_result_line(line: &str, totals: &mut Totals) {
    let Some(rest) = line.strip_prefix("test result: ") else {
        return;
    };
    for part in rest.split(';') {
        let mut words = part.split_whitespace().rev();
        let (Some(what), Some(count)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(count) = count.parse::<u64>() else {
            continue;
        };
        match what {
            "passed" => totals.passed += count,
            "failed" => totals.failed += count,
            "ignored" => totals.ignored += count,
            _ => {}
        }
    }
}

fn script(path: &str) -> Result<(), String> {
    println!("xtask ci: {path}");
    let status = Command::new("bash")
        .arg(path)
        .status()
        .map_err(|e| format!("cannot run {path}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{path}` failed ({status})"))
    }
}

pub(crate) fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_with_env(args, &[])
}

/// The cargo that runs xtask (`CARGO`), so every step uses the same toolchain.
pub(crate) fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs `cargo args` with `env` set, showing the command; fails with it when it fails.
pub(crate) fn cargo_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = cargo_program();
    println!("xtask: cargo {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(args)
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_test_result_lines() {
        let mut totals = Totals::default();
        add_result_line(
            "test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            &mut totals,
        );
        add_result_line(
            "test result: FAILED. 2 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out",
            &mut totals,
        );
        add_result_line("running 7 tests", &mut totals);
        assert_eq!(
            totals,
            Totals {
                passed: 7,
                failed: 3,
                ignored: 1
            }
        );
    }
}
