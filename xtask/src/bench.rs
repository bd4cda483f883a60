//! `cargo xtask bench`: how generation and the generated crate's compilation scale, printed
//! as tables (run in release: `cargo xtask bench` builds itself in debug, so use
//! `cargo run --release -p xtask -- bench`; see docs/performance.md).
//!
//! - Generation: read, YAML, validation, token building, syn parse, prettyplease and file
//!   writes, for the real spec and synthetic specs of N entities (`xtask synth`).
//! - Compilation: a debug build of the generated crate alone (its dependencies built
//!   beforehand), whole and with one entity's feature, with wall time and peak memory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen::timings::Timings;

use crate::generate;

/// Where the benchmark's synthetic specs, crates and build artefacts live.
const BENCH_DIR: &str = "target/bench";

pub struct Options {
    /// Entity counts of the synthetic specs for the generation table.
    pub gen_sizes: Vec<usize>,
    /// Entity counts of the synthetic specs to compile (0 = the real spec).
    pub compile_sizes: Vec<usize>,
    /// How many times each generation is repeated (the fastest run is reported).
    pub repeat: usize,
}

pub fn run(options: &Options) -> Result<(), String> {
    let bench = Path::new(BENCH_DIR);
    fs::create_dir_all(bench).map_err(|e| format!("cannot create {BENCH_DIR}: {e}"))?;
    println!(
        "## Generation (load + validate + emit + format + write), fastest of {} runs\n",
        options.repeat
    );
    println!(
        "| spec | entities | files | lines | read | YAML | validate | tokens | syn parse | prettyplease | write | total | per entity |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    generation_row("real spec/", Path::new(generate::SPEC_DIR), options.repeat)?;
    for &n in &options.gen_sizes {
        let spec = synthetic_spec(n)?;
        generation_row(&format!("synth {n}"), &spec, options.repeat)?;
    }
    if options.compile_sizes.is_empty() {
        return Ok(());
    }
    println!("\n## Compile: `cargo build --lib` (debug) of the generated crate alone\n");
    println!(
        "| spec | features | generated lines | wall time | CPU time | peak memory | memory per added entity |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &n in &options.compile_sizes {
        let spec = if n == 0 {
            PathBuf::from(generate::SPEC_DIR)
        } else {
            synthetic_spec(n)?
        };
        let entities = codegen::spec::load(&spec)
            .map_err(|e| e.to_string())?
            .entities
            .len();
        let label = if n == 0 {
            format!("real spec/ ({entities})")
        } else {
            format!("synth {n}")
        };
        let krate = bench_crate(&spec, n)?;
        let lines = count_lines(&krate.join("src"))?;
        // Dependencies first, untimed: the figures are for the generated crate alone.
        cargo_build(&krate, &[])?;
        let full = timed_crate_build(&krate, &[])?;
        let one = one_entity_feature(&spec)?;
        let single = timed_crate_build(&krate, &["--no-default-features", "--features", &one])?;
        // What each entity adds beyond the first: the floor (dependencies' metadata, the
        // crate's shared code) is paid once.
        let per_entity = full.peak_kib.saturating_sub(single.peak_kib) as f64
            / 1024.0
            / entities.saturating_sub(1).max(1) as f64;
        println!(
            "| {label} | default (all) | {lines} | {:.1} s | {:.1} s | {} | {per_entity:.1} MB |",
            full.wall.as_secs_f64(),
            full.cpu.as_secs_f64(),
            megabytes(full.peak_kib),
        );
        let feature_row = |feature: &str, build: &Build| {
            println!(
                "| {label} | `{feature}` only | {lines} | {:.1} s | {:.1} s | {} | |",
                build.wall.as_secs_f64(),
                build.cpu.as_secs_f64(),
                megabytes(build.peak_kib)
            );
        };
        feature_row(&one, &single);
        // Every entity's data without its types: what the command line builds.
        let schemas =
            timed_crate_build(&krate, &["--no-default-features", "--features", "schemas"])?;
        feature_row("schemas", &schemas);
    }
    Ok(())
}

fn megabytes(kib: u64) -> String {
    format!("{:.0} MB", kib as f64 / 1024.0)
}

/// One generation row: the fastest of `repeat` runs, phase by phase.
fn generation_row(label: &str, spec_dir: &Path, repeat: usize) -> Result<(), String> {
    let out = Path::new(BENCH_DIR).join("gen-out");
    let mut best: Option<(Duration, Duration, Duration, Timings, usize, usize, usize)> = None;
    for _ in 0..repeat.max(1) {
        let _ = fs::remove_dir_all(&out);
        let start = Instant::now();
        let sources = codegen::spec::read_sources(spec_dir).map_err(|e| e.to_string())?;
        let read = start.elapsed();
        let mut timings = Timings::default();
        let spec = codegen::spec::load_sources_timed(spec_dir, sources, &mut timings)
            .map_err(|e| e.to_string())?;
        let output =
            codegen::emit::generate_timed(&spec, &mut timings).map_err(|e| e.to_string())?;
        let write_start = Instant::now();
        let paths: Vec<PathBuf> = output.files.keys().map(|p| out.join(p)).collect();
        let files: Vec<(&Path, &str)> = paths
            .iter()
            .map(PathBuf::as_path)
            .zip(output.files.values().map(String::as_str))
            .collect();
        generate::write_all(&files)?;
        let write = write_start.elapsed();
        let total = start.elapsed();
        let lines = output.files.values().map(|t| t.lines().count()).sum();
        if best.as_ref().is_none_or(|b| total < b.0) {
            best = Some((
                total,
                read,
                write,
                timings,
                spec.entities.len(),
                output.files.len(),
                lines,
            ));
        }
    }
    let (total, read, write, t, entities, files, lines) = best.ok_or("no run")?;
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| {label} | {entities} | {files} | {lines} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        ms(read),
        ms(t.yaml),
        ms(t.validate),
        ms(t.tokens),
        ms(t.parse),
        ms(t.print),
        ms(write),
        ms(total),
        ms(total / entities.max(1) as u32),
    );
    Ok(())
}

/// The synthetic spec of `n` entities, written once under target/bench.
fn synthetic_spec(n: usize) -> Result<PathBuf, String> {
    let dir = Path::new(BENCH_DIR).join(format!("spec-{n}"));
    let complete = codegen::spec::load(&dir)
        .map(|s| s.entities.len() == n)
        .unwrap_or(false);
    if !complete {
        crate::synth::run(generate::SPEC_DIR.as_ref(), n, &dir)?;
    }
    Ok(dir)
}

/// The generated crate of `spec`, outside the workspace, under target/bench.
fn bench_crate(spec: &Path, n: usize) -> Result<PathBuf, String> {
    let krate = Path::new(BENCH_DIR).join(format!("crate-{n}"));
    crate::standalone::write(Path::new("."), spec, &krate)
}

fn count_lines(dir: &Path) -> Result<usize, String> {
    let mut lines = 0;
    for entry in fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            lines += count_lines(&path)?;
        } else {
            let text = fs::read_to_string(&path).map_err(|e| e.to_string())?;
            if text.starts_with(codegen::emit::HEADER) {
                lines += text.lines().count();
            }
        }
    }
    Ok(lines)
}

/// The feature of the spec's first entity.
pub fn one_entity_feature(spec: &Path) -> Result<String, String> {
    let spec = codegen::spec::load(spec).map_err(|e| e.to_string())?;
    spec.entities
        .first()
        .map(codegen::emit::features::entity_feature)
        .ok_or_else(|| "no entity".into())
}

fn cargo_command(krate: &Path, args: &[&str]) -> Command {
    let target = fs::canonicalize(BENCH_DIR)
        .unwrap_or_else(|_| BENCH_DIR.into())
        .join("target");
    let mut command = crate::standalone::cargo(krate, &target, "build");
    command.args(["--lib", "--quiet"]).args(args);
    command
}

fn cargo_build(krate: &Path, args: &[&str]) -> Result<(), String> {
    let status = cargo_command(krate, args)
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build failed in {}", krate.display()))
    }
}

/// What one build of the generated crate cost.
struct Build {
    wall: Duration,
    /// User + system time of every process of the build.
    cpu: Duration,
    peak_kib: u64,
}

/// Rebuilds only the generated crate (its dependencies stay built) and measures it in a
/// child `xtask measure`, so that peak memory is this build's alone.
fn timed_crate_build(krate: &Path, args: &[&str]) -> Result<Build, String> {
    let cargo = crate::ci::cargo_program();
    let target = fs::canonicalize(BENCH_DIR)
        .map_err(|e| e.to_string())?
        .join("target");
    let clean = Command::new(&cargo)
        .args(["clean", "--quiet", "-p", "nexudus", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| e.to_string())?;
    if !clean.success() {
        return Err("cargo clean -p nexudus failed".into());
    }
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(me)
        .arg("measure")
        .arg("--")
        .arg(&cargo)
        // `--manifest-path`: xtask starts in the workspace root, whatever its working folder.
        .args(["build", "--lib", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .args(args)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the build failed: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut fields = text.split_whitespace();
    let seconds: f64 = fields
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("no time measured")?;
    let kib: u64 = fields
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("no memory measured")?;
    let cpu: f64 = fields
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("no CPU time measured")?;
    Ok(Build {
        wall: Duration::from_secs_f64(seconds),
        cpu: Duration::from_secs_f64(cpu),
        peak_kib: kib,
    })
}

/// `xtask measure -- CMD ARGS`: runs the command and prints its wall time in seconds, the
/// peak resident memory of it and its descendants in KiB, and their CPU time (user + system)
/// in seconds, which other work on the machine disturbs less than wall time.
pub fn measure(command: &[String]) -> Result<(), String> {
    let (program, args) = command.split_first().ok_or("nothing to measure")?;
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| format!("{program}: {e}"))?;
    let elapsed = start.elapsed();
    if !status.success() {
        return Err(format!("{program} failed ({status})"));
    }
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) != 0 {
            return Err("getrusage failed".into());
        }
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    println!("{:.3} {} {cpu:.3}", elapsed.as_secs_f64(), usage.ru_maxrss);
    Ok(())
}
