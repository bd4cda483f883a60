//! `nexudus`: every entity of the Nexudus API from the command line.
//!
//! The commands are built at run time from the generated crate's `ENTITIES`, as the
//! emulator serves them: `nexudus <entity> list|get|find|create|update|delete|import|
//! commands|run-command|download`. See docs/cli.md.

mod account;
mod app;
mod config;
mod doctor;
mod error;
mod exec;
mod import;
mod mcp;
mod names;
mod output;
mod pii;
mod session;
mod store;
mod values;

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    match exec::run(std::env::args_os().collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if !error.is_silent() {
                let _ = writeln!(std::io::stderr(), "error: {error}");
            }
            error.exit_code()
        }
    }
}
