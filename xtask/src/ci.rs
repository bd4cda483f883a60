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
    cargo(&["test", "--workspace"])?;
    println!("xtask ci: all checks passed");
    Ok(())
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("xtask ci: cargo {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(args)
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}
