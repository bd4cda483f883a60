//! Project commands. `cargo xtask gen` loads and validates `spec/`, then writes `generated/`.

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
    /// Validate spec/ and write the generated crate.
    Gen {
        /// Write nothing; fail and list the files that differ when generated/ is stale.
        #[arg(long)]
        check: bool,
    },
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
    match cli.command {
        Command::Gen { check: _ } => match codegen::spec::load("spec".as_ref()) {
            Ok(spec) => {
                println!("spec/ is valid: {} entities", spec.entities.len());
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprintln!("{errors}");
                ExitCode::FAILURE
            }
        },
    }
}
