//! Project commands, run from anywhere in the workspace:
//!
//! - `cargo xtask gen` validates `spec/` and writes the generated files of `generated/`;
//! - `cargo xtask gen --check` writes nothing and fails, listing the files, when `generated/`
//!   is not what `spec/` produces;
//! - `cargo xtask ci` runs every check and test (what `.ci/run` runs).

mod ci;
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Commands of the Nexudus client generator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate spec/ and write the generated crate (generated/).
    Gen {
        /// Write nothing; fail and list the stale files when generated/ differs from spec/.
        #[arg(long)]
        check: bool,
        /// Write the crate's generated files into this folder instead of generated/.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Read the spec from this folder instead of spec/.
        #[arg(long, value_name = "DIR")]
        spec: Option<PathBuf>,
    },
    /// Run every check and test, as CI does: gen --check, fmt, clippy -D warnings, tests.
    Ci,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Paths in messages are relative to the workspace root, as a user types them.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!(
            "error: cannot enter the workspace root {}: {e}",
            root.display()
        );
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Command::Gen { check, out, spec } => generate::run(
            spec.as_deref().unwrap_or(generate::SPEC_DIR.as_ref()),
            out.as_deref().unwrap_or(generate::CRATE_DIR.as_ref()),
            check,
        ),
        Command::Ci => ci::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
