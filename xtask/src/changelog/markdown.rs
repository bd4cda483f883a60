//! The changes as Markdown for a pull request or `CHANGELOG.md`: a summary line with the
//! counts and the verdict, a table of counts by kind, then a section per kind, its changes
//! grouped by entity (or enumeration), breaking ones first.

use std::fmt::Write;

use super::diff::{Change, Kind, Section};
use super::version::Verdict;

/// What the summary line says besides the counts.
pub struct Context<'a> {
    /// The revision compared with (`3e72326`).
    pub since: &'a str,
    /// The crate's version now, and the one the verdict implies.
    pub version: Option<(&'a str, &'a str)>,
    /// List the breaking changes only, and count the others.
    pub breaking_only: bool,
}

/// The body: summary, table and sections, with `###` section headings (under a `##` title
/// the caller writes).
pub fn body(changes: &[Change], context: &Context) -> String {
    let mut out = String::new();
    let verdict = Verdict::of(changes);
    let breaking = changes.iter().filter(|c| c.is_breaking()).count();
    let version = match context.version {
        Some((now, next)) => format!(" Version {now} → {next}."),
        None => String::new(),
    };
    if verdict == Verdict::Unchanged {
        let _ = writeln!(
            out,
            "**No change** to the crate's API since `{}`.",
            context.since
        );
        return out;
    }
    let (added, removed, changed) = counts(changes.iter());
    let _ = writeln!(
        out,
        "**{}**: {} change{} since `{}`, {breaking} breaking ({added} added, {removed} removed, \
         {changed} changed).{version}",
        capitalised(verdict.as_str()),
        changes.len(),
        plural(changes.len()),
        context.since,
    );
    out.push_str(
        "\nA change is breaking when code built against the previous crate may stop compiling \
         or behave differently.\n\n",
    );
    out.push_str("| | added | removed | changed | breaking |\n|---|---:|---:|---:|---:|\n");
    for section in Section::ALL {
        let of: Vec<&Change> = changes.iter().filter(|c| c.section == section).collect();
        if of.is_empty() {
            continue;
        }
        let (a, r, c) = counts(of.iter().copied());
        let b = of.iter().filter(|c| c.is_breaking()).count();
        let _ = writeln!(out, "| {} | {a} | {r} | {c} | {b} |", section.title());
    }
    let _ = writeln!(
        out,
        "| **all** | **{added}** | **{removed}** | **{changed}** | **{breaking}** |"
    );
    for section in Section::ALL {
        let of: Vec<&Change> = changes.iter().filter(|c| c.section == section).collect();
        if !of.is_empty() {
            out.push('\n');
            section_text(&mut out, section, &of, context.breaking_only);
        }
    }
    out
}

/// Sections with more changes that do not break than this fold them away (`<details>`), so
/// that the breaking ones and the counts are what a reviewer sees first.
const FOLD_OVER: usize = 10;

/// A section: its counts, the breaking changes, then the others, each grouped by owner.
fn section_text(out: &mut String, section: Section, changes: &[&Change], breaking_only: bool) {
    let (breaking, other): (Vec<&Change>, Vec<&Change>) =
        changes.iter().copied().partition(|c| c.is_breaking());
    let _ = writeln!(
        out,
        "### {}: {} change{}{}, {} breaking\n",
        section.title(),
        changes.len(),
        plural(changes.len()),
        owners(section, changes),
        breaking.len(),
    );
    let fold = breaking_only || other.len() > FOLD_OVER;
    if !fold {
        // Short enough to read whole: one list, each entity once, its breaking changes first.
        let mut all = changes.to_vec();
        all.sort_by_key(|c| (&c.owner, !c.is_breaking()));
        list(out, &all);
        return;
    }
    if !breaking.is_empty() {
        list(out, &breaking);
        out.push('\n');
    }
    if breaking_only && !other.is_empty() {
        let _ = writeln!(
            out,
            "{} change{} not breaking{}: not listed here.",
            other.len(),
            plural(other.len()),
            owners(section, &other)
        );
    } else if !breaking_only {
        let _ = writeln!(
            out,
            "<details><summary>{} change{} not breaking{}</summary>\n",
            other.len(),
            plural(other.len()),
            owners(section, &other)
        );
        list(out, &other);
        out.push_str("\n</details>\n");
    }
}

/// ` in 12 entities`, when there is more than one.
fn owners(section: Section, changes: &[&Change]) -> String {
    let mut names: Vec<&str> = changes.iter().map(|c| c.owner.as_str()).collect();
    names.dedup();
    if names.len() > 1 {
        format!(" in {} {}", names.len(), section.owners())
    } else {
        String::new()
    }
}

/// The changes grouped by owner (they come sorted by owner): a change about the owner itself,
/// alone in its group, is one line; a group is a line with its counts, then its changes.
fn list(out: &mut String, changes: &[&Change]) {
    for group in changes.chunk_by(|a, b| a.owner == b.owner) {
        let owner = &group[0].owner;
        if group.len() == 1 && group[0].subject.is_empty() {
            let _ = writeln!(out, "- {}`{owner}`: {}", marker(group[0]), line(group[0]));
            continue;
        }
        let _ = writeln!(
            out,
            "- **`{owner}`**: {} change{}",
            group.len(),
            plural(group.len())
        );
        for change in group {
            let subject = if change.subject.is_empty() {
                String::new()
            } else {
                format!("`{}`: ", change.subject)
            };
            let _ = writeln!(out, "  - {}{subject}{}", marker(change), line(change));
        }
    }
}

fn marker(change: &Change) -> &'static str {
    if change.is_breaking() {
        "**breaking** "
    } else {
        ""
    }
}

/// What changed, then why it breaks.
fn line(change: &Change) -> String {
    if change.breaks.is_empty() {
        change.what.clone()
    } else {
        format!("{}. Breaks: {}.", change.what, change.breaks.join("; "))
    }
}

fn counts<'a>(changes: impl Iterator<Item = &'a Change>) -> (usize, usize, usize) {
    changes.fold((0, 0, 0), |(a, r, c), change| match change.kind {
        Kind::Added => (a + 1, r, c),
        Kind::Removed => (a, r + 1, c),
        Kind::Changed => (a, r, c + 1),
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
