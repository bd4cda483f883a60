//! Checks every JSON example of a copy of the 2020 API reference against the generated
//! types, and prints what it found (see `docs/reference-examples.md`):
//!
//! ```sh
//! cargo run -p nexudus-tests --example reference_examples -- path/to/rest-api
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(folder), None) = (args.next(), args.next()) else {
        eprintln!("usage: reference_examples <rest-api folder of vardhan341/api-docs>");
        return ExitCode::from(2);
    };
    let folder = PathBuf::from(folder);
    match nexudus_tests::reference::check_folder(&folder) {
        Ok(report) => {
            println!("reference examples in {}", folder.display());
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot read {}: {e}", folder.display());
            ExitCode::FAILURE
        }
    }
}
