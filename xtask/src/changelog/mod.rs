//! `cargo xtask changelog [--since GIT_REF] [--write]`: what a spec change changed for the
//! generated crate's users, each change classed as breaking or not, as Markdown for a pull
//! request; `--write` prepends it to `generated/CHANGELOG.md` with the version it implies.
//!
//! - [`git`] loads the spec of another commit;
//! - [`diff`] compares two resolved models, with [`surface`] telling which generated items
//!   each field shows in;
//! - [`markdown`] renders the changes, [`version`] gives the verdict and the next version,
//!   [`file`](mod@file) maintains `CHANGELOG.md`.

pub mod diff;
mod file;
pub mod git;
mod markdown;
mod surface;
pub mod version;

#[cfg(test)]
mod tests;

use std::fs;
use std::path::Path;

use codegen::model::Api;

use crate::generate::{CRATE_DIR, SPEC_DIR};
use diff::Change;
use version::Verdict;

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The commit whose spec/ to compare the working tree's with (default: the last commit
    /// that changed spec/, or once the working tree's spec/ is that commit's, the one before).
    #[arg(long, value_name = "GIT_REF")]
    since: Option<String>,
    /// Prepend the Markdown to generated/CHANGELOG.md, under the version it implies.
    #[arg(long)]
    write: bool,
    /// List only the breaking changes and count the others, for a pull request's description
    /// (GitHub takes up to 65,536 characters); CHANGELOG.md always lists every change.
    #[arg(long)]
    breaking_only: bool,
}

pub fn run(options: &Options) -> Result<(), String> {
    let comparison =
        Comparison::between(Path::new("."), options.since.as_deref(), SPEC_DIR.as_ref())?;
    let release = Release::of(&comparison, CRATE_DIR.as_ref(), Path::new("."))?;
    println!(
        "## Changes to the `nexudus` API since `{}`\n\n{}",
        comparison.since,
        release.markdown(options.breaking_only)
    );
    if options.write {
        eprintln!("{}", release.write(CRATE_DIR.as_ref())?);
    }
    Ok(())
}

/// The changes between the spec of a commit and a spec folder.
pub struct Comparison {
    /// What the commit is called in the changelog.
    pub since: String,
    pub changes: Vec<Change>,
}

impl Comparison {
    /// The spec at `since` (default: [`git::resolve`]'s) of the repository
    /// of `repo`, against the spec in `spec_dir`.
    pub fn between(
        repo: &Path,
        since: Option<&str>,
        spec_dir: &Path,
    ) -> Result<Comparison, String> {
        let revision = git::resolve(repo, since)?;
        let old = git::load(repo, &revision)?;
        Ok(Comparison::new(&revision, &old.api, &load(spec_dir)?))
    }

    pub fn new(since: &git::Revision, old: &Api, new: &Api) -> Comparison {
        Comparison {
            since: since.label.clone(),
            changes: diff::compare(old, new),
        }
    }

    pub fn verdict(&self) -> Verdict {
        Verdict::of(&self.changes)
    }
}

/// The working tree's spec in `spec_dir`.
pub fn load(spec_dir: &Path) -> Result<Api, String> {
    codegen::spec::load(spec_dir).map_err(|e| {
        format!(
            "the working tree's {} does not load:\n{e}",
            spec_dir.display()
        )
    })
}

/// The changes as the crate's next release: its Markdown and version.
pub struct Release<'a> {
    comparison: &'a Comparison,
    /// The crate's version now.
    current: String,
    /// The version the verdict implies; `None` when nothing changed.
    next: Option<String>,
}

impl<'a> Release<'a> {
    /// The release of the crate in `crate_dir` (in the workspace of `root`) that `comparison`
    /// makes.
    pub fn of(
        comparison: &'a Comparison,
        crate_dir: &Path,
        root: &Path,
    ) -> Result<Release<'a>, String> {
        let current = version::current(crate_dir, root)?;
        let next = version::next(&current, comparison.verdict())?;
        Ok(Release {
            comparison,
            current,
            next,
        })
    }

    /// The Markdown of its changes (all of them, or the breaking ones and counts).
    pub fn markdown(&self, breaking_only: bool) -> String {
        let context = markdown::Context {
            since: &self.comparison.since,
            version: self
                .next
                .as_deref()
                .map(|next| (self.current.as_str(), next)),
            breaking_only,
        };
        markdown::body(&self.comparison.changes, &context)
    }

    /// Prepends the release's section to `crate_dir/CHANGELOG.md` (the manifest's version is
    /// left for the release to set); answers what to tell the user.
    pub fn write(&self, crate_dir: &Path) -> Result<String, String> {
        let path = crate_dir.join(file::FILE);
        let Some(next) = &self.next else {
            return Ok(format!(
                "no change to the crate's API since {}: {} left as it is",
                self.comparison.since,
                path.display()
            ));
        };
        let existing = match fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let section = format!(
            "## {next} ({}, since `{}`)\n\n{}",
            self.comparison.verdict().as_str(),
            self.comparison.since,
            self.markdown(false)
        );
        let text = file::prepend(existing.as_deref(), next, &section);
        crate::generate::write_atomically(&path, &text)?;
        Ok(format!(
            "wrote {}: {next} ({}); set `version = \"{next}\"` in {} when releasing (it is {})",
            path.display(),
            self.comparison.verdict().as_str(),
            crate_dir.join("Cargo.toml").display(),
            self.current
        ))
    }
}
