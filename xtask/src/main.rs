//! Project commands, run from anywhere in the workspace:
//!
//! - `cargo xtask gen` validates `spec/` and writes the generated files of `generated/`;
//! - `cargo xtask gen --check` writes nothing and fails, listing the files, when `generated/`
//!   is not what `spec/` produces;
//! - `cargo xtask ci` runs every check and test (what `.ci/run` runs);
//! - `cargo xtask package` packages the crates published to crates.io as crates.io would
//!   receive them, builds each `.crate` by itself, and reports their sizes against
//!   crates.io's limits (`ci` runs it);
//! - `cargo xtask changelog [--since GIT_REF] [--write]` prints what a spec change changed for
//!   the generated crate's users, breaking or not, as Markdown, and can prepend it to
//!   `generated/CHANGELOG.md`;
//! - `cargo xtask semver [--since GIT_REF]` checks the changelog's verdict with
//!   cargo-semver-checks (`.ci/semver-checks.sh` installs it and runs this);
//! - `cargo xtask draft PAGE.md` drafts a spec entity file from a 2020 reference page, or
//!   from a page of Nexudus's catalogue; for a catalogue page of an entity the spec has, it
//!   prints what differs instead.

mod bench;
mod changelog;
mod ci;
mod crate_readme;
mod draft;
mod generate;
mod openapi;
mod packaging;
mod semver;
mod standalone;
mod synth;
mod temp;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Generation allocates many small token streams and syntax nodes; mimalloc makes that a
// quarter faster than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Write the crate's generated files into this folder instead of generated/ (relative
        /// to the current folder).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Read the spec from this folder instead of spec/ (relative to the current folder).
        #[arg(long, value_name = "DIR")]
        spec: Option<PathBuf>,
    },
    /// Print what the spec changed since a commit for the generated crate's users, each
    /// change breaking or not, as Markdown; with --write, prepend it to
    /// generated/CHANGELOG.md under the version it implies.
    Changelog(changelog::Options),
    /// Check the changelog's verdict with cargo-semver-checks (installed by
    /// .ci/semver-checks.sh): fail when it finds a break the changelog calls non-breaking.
    Semver {
        /// The commit whose spec/ to compare the working tree's with (default: the last
        /// commit that changed spec/, or once the working tree's spec/ is that commit's, the
        /// one before).
        #[arg(long, value_name = "GIT_REF")]
        since: Option<String>,
    },
    /// Run every check and test, as CI does: gen --check, fmt, clippy, rustdoc, the OpenAPI
    /// validator, schemathesis against the emulator, packaging, and every test.
    Ci,
    /// Package the crates published to crates.io (nexudus-runtime, nexudus, nexudus-emulator,
    /// nexudus-cli), build each .crate by itself, and report their sizes against crates.io's
    /// limits.
    Package,
    /// Write the OpenAPI 3.1 document of spec/ (docs/openapi.json; `gen` writes it too).
    Openapi {
        /// Write nothing; fail when the document differs from what spec/ produces.
        #[arg(long)]
        check: bool,
        /// Read the spec from this folder instead of spec/ (relative to the current folder).
        #[arg(long, value_name = "DIR")]
        spec: Option<PathBuf>,
        /// Write the document to this file instead of docs/openapi.json (relative to the
        /// current folder).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Measure generation and compilation at scale (run with --release; see docs/performance.md).
    Bench {
        /// Entity counts of the synthetic specs to generate.
        #[arg(long = "gen", value_delimiter = ',', default_value = "10,50,250")]
        generate: Vec<usize>,
        /// Entity counts of the synthetic specs to compile (0 = the real spec).
        #[arg(long, value_delimiter = ',', default_value = "0,50,200,250")]
        compile: Vec<usize>,
        /// Skip the compile table.
        #[arg(long)]
        no_compile: bool,
        /// Runs of each generation (the fastest is reported).
        #[arg(long, default_value_t = 5)]
        repeat: usize,
    },
    /// Run a command and print its wall time (s) and peak memory (KiB); used by bench.
    #[command(hide = true)]
    Measure {
        #[arg(trailing_var_arg = true, required = true)]
        command: Vec<String>,
    },
    /// Draft a spec entity file (for review) from a page of the 2020 API reference or of
    /// Nexudus's catalogue; for a catalogue page of an entity the spec has, print what
    /// differs.
    Draft(draft::Options),
    /// Write a valid spec of N entities modelled on the real ones (for benchmarks).
    Synth {
        /// How many entities.
        #[arg(long)]
        entities: usize,
        /// The folder to write the spec into: a new or empty one, or one synth wrote
        /// before (replaced). Relative to the current folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Where the user typed the command, for the paths they typed relative to it.
    let invoked_in = std::env::current_dir();
    // Paths in messages are relative to the workspace root, as a user types them.
    // `cargo run` says where xtask's manifest is at run time; the path compiled in would be
    // another checkout's when two checkouts share a target folder.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let root = manifest_dir.join("..");
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!(
            "error: cannot enter the workspace root {}: {e}",
            root.display()
        );
        return ExitCode::FAILURE;
    }
    // A path the user typed, relative to where they typed it (the defaults are the root's).
    let typed = |path: Option<PathBuf>| match (&invoked_in, path) {
        (Ok(dir), Some(path)) => Some(dir.join(path)),
        (Err(_), Some(path)) => Some(path),
        (_, None) => None,
    };
    let result = match cli.command {
        Command::Gen { check, out, spec } => generate::run(
            typed(spec)
                .as_deref()
                .unwrap_or(generate::SPEC_DIR.as_ref()),
            typed(out)
                .as_deref()
                .unwrap_or(generate::CRATE_DIR.as_ref()),
            check,
        ),
        Command::Changelog(options) => changelog::run(&options),
        Command::Semver { since } => semver::run(since.as_deref()),
        Command::Ci => ci::run(),
        Command::Package => packaging::run(),
        Command::Openapi { check, spec, out } => openapi::run(
            typed(spec)
                .as_deref()
                .unwrap_or(generate::SPEC_DIR.as_ref()),
            typed(out).as_deref().unwrap_or(openapi::DOCUMENT.as_ref()),
            check,
        ),
        Command::Bench {
            generate,
            compile,
            no_compile,
            repeat,
        } => bench::run(&bench::Options {
            gen_sizes: generate,
            compile_sizes: if no_compile { Vec::new() } else { compile },
            repeat,
        }),
        Command::Measure { command } => bench::measure(&command),
        Command::Draft(options) => draft::run(&options),
        Command::Synth { entities, out } => match invoked_in {
            Ok(dir) => synth::run(generate::SPEC_DIR.as_ref(), entities, &dir.join(out)),
            Err(e) => Err(format!("cannot tell the current folder: {e}")),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
