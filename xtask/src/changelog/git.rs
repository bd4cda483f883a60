//! The spec of another commit: resolved with `git`, extracted with `git archive` into a
//! temporary folder, and loaded like the working tree's.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use codegen::model::Api;
use codegen::spec::SpecErrors;

use crate::generate::SPEC_DIR;
use crate::temp::TempDir;

/// A commit, as the user named it and as git knows it.
#[derive(Debug, Clone)]
pub struct Revision {
    pub commit: String,
    /// What messages and the changelog call it: `3e72326`, or `v0.1 (3e72326)`.
    pub label: String,
}

/// `reference`, or by default the last commit that changed `spec/`, in the repository of
/// the folder `repo`; once the working tree's `spec/` is that commit's (the change is
/// committed), the one before it, so that the changelog shows the last change rather than
/// nothing.
pub fn resolve(repo: &Path, reference: Option<&str>) -> Result<Revision, String> {
    let commit = match reference {
        Some(name) => git(
            repo,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{name}^{{commit}}"),
            ],
        )
        .map_err(|_| format!("`{name}` is not a commit of this repository"))?,
        None => {
            let last = git(repo, &["log", "-1", "--format=%H", "--", SPEC_DIR])?;
            if last.is_empty() {
                return Err(format!(
                    "no commit has changed {SPEC_DIR}/ yet; name one with --since"
                ));
            }
            let committed = git(repo, &["status", "--porcelain", "--", SPEC_DIR])
                .is_ok_and(|status| status.is_empty());
            // The first commit of the spec has none before it: compared with itself.
            let before = git(
                repo,
                &[
                    "log",
                    "-1",
                    "--format=%H",
                    &format!("{last}^"),
                    "--",
                    SPEC_DIR,
                ],
            )
            .unwrap_or_default();
            if committed && !before.is_empty() {
                before
            } else {
                last
            }
        }
    };
    let short = git(repo, &["rev-parse", "--short", &commit])?;
    let label = match reference {
        Some(name) if !commit.starts_with(name) => format!("{name} ({short})"),
        _ => short,
    };
    Ok(Revision { commit, label })
}

/// `spec/` of `revision` (of the repository of `repo`), written into a temporary folder
/// (`<folder>/spec`).
fn extract(repo: &Path, revision: &Revision) -> Result<TempDir, String> {
    let dir = TempDir::new(&format!(
        "spec-{}",
        &revision.commit[..12.min(revision.commit.len())]
    ))?;
    let mut archive = Command::new("git")
        .current_dir(repo)
        .args(["archive", "--format=tar", &revision.commit, SPEC_DIR])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let stdout = archive
        .stdout
        .take()
        .ok_or("cannot read the output of git archive")?;
    let untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir.path())
        .stdin(stdout)
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    let archived = archive
        .wait_with_output()
        .map_err(|e| format!("git archive: {e}"))?;
    if !archived.status.success() {
        return Err(format!(
            "cannot read {SPEC_DIR}/ at {}: {}",
            revision.label,
            String::from_utf8_lossy(&archived.stderr).trim()
        ));
    }
    if !untar.status.success() {
        return Err(format!(
            "cannot extract {SPEC_DIR}/ of {} into {}: {}",
            revision.label,
            dir.path().display(),
            String::from_utf8_lossy(&untar.stderr).trim()
        ));
    }
    Ok(dir)
}

/// The spec at a revision: its files (`dir/spec`) and its resolved model.
#[derive(Debug)]
pub struct Snapshot {
    pub dir: TempDir,
    pub api: Api,
}

/// The resolved model of `spec/` at `revision`, and its files. Problems name the files as
/// `<commit>:spec/<file>`, not the temporary folder.
pub fn load(repo: &Path, revision: &Revision) -> Result<Snapshot, String> {
    let dir = extract(repo, revision)?;
    let api = codegen::spec::load(&dir.path().join(SPEC_DIR)).map_err(|errors| {
        let renamed = errors
            .0
            .into_iter()
            .map(|mut e| {
                if let Ok(relative) = e.file.strip_prefix(dir.path()) {
                    e.file = PathBuf::from(format!("{}:{}", revision.label, relative.display()));
                }
                e
            })
            .collect();
        format!(
            "the spec at {} does not load:\n{}",
            revision.label,
            SpecErrors(renamed)
        )
    })?;
    Ok(Snapshot { dir, api })
}

/// Runs git in `repo` and answers its trimmed output.
fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .current_dir(repo)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
