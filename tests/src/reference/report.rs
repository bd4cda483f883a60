//! Checking every example of a folder of reference pages, and the report of it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use super::decode::{self, DecodeFailure, EntityTypes};
use super::extract::{self, Shows};
use super::repair::{self, Repair, Unparseable};

/// An example that could not be read, even with repairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    /// The page, relative to the folder, with `/` separators.
    pub page: String,
    /// The line of the example's opening fence on the page.
    pub line: usize,
    pub shows: Shows,
    pub error: Unparseable,
}

/// An example that was read but does not decode into its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub page: String,
    pub line: usize,
    /// The entity of the page, if it has one.
    pub entity: Option<&'static str>,
    pub shows: Shows,
    /// The repairs the example needed.
    pub repairs: BTreeSet<Repair>,
    pub error: DecodeFailure,
}

/// Counts of decoding one kind of example.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub decoded: usize,
    pub failed: usize,
}

/// What checking a folder found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every `.md` file read.
    pub pages: usize,
    /// The pages with at least one example.
    pub pages_with_examples: usize,
    /// The pages of an entity of the spec, and how many distinct entities they are.
    pub entity_pages: usize,
    pub entities: BTreeSet<&'static str>,
    /// Pages with examples that are no entity's page (`spaces/access-control.md`).
    pub pages_without_entity: Vec<String>,
    /// Code blocks that are not JSON examples (`"Not found"`, `Binary stream or null`).
    pub other_blocks: usize,
    /// JSON examples (blocks holding an object or an array).
    pub examples: usize,
    pub parsed_as_is: usize,
    pub repaired: usize,
    /// How many examples needed each repair (an example may need several).
    pub by_repair: BTreeMap<Repair, usize>,
    pub unparseable: Vec<ParseFailure>,
    /// Per kind of example, how many decoded and how many failed.
    pub by_kind: BTreeMap<Shows, Tally>,
    /// Examples read that this check has no type for, per kind.
    pub no_type: BTreeMap<Shows, usize>,
    /// How many examples lacked each field they do not show (supplied before decoding, see
    /// [`decode::not_shown`]).
    pub supplied: BTreeMap<&'static str, usize>,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn decoded(&self) -> usize {
        self.by_kind.values().map(|t| t.decoded).sum()
    }

    pub fn failed(&self) -> usize {
        self.by_kind.values().map(|t| t.failed).sum()
    }

    /// Examples that were read and had a type to decode into.
    pub fn tried(&self) -> usize {
        self.decoded() + self.failed()
    }
}

/// The entity a page documents: the one whose name, lower-cased, is the page's file name
/// (`billing/tariffbookingcredit.md` is `TariffBookingCredit`), whatever its folder: the
/// reference has `Sys/` and `sys/` copies, and files `SubscriberGroup` (area `content`)
/// under `community/` too. Every entity of the spec names this page in its `sources:`.
pub fn entity_of<'a>(page: &str, entities: &'a [EntityTypes]) -> Option<&'a EntityTypes> {
    let page = page.strip_suffix(".md")?;
    let file = page.rsplit('/').next().unwrap_or(page);
    entities.iter().find(|e| e.name.eq_ignore_ascii_case(file))
}

/// Checks every example of every `.md` page under `folder`.
pub fn check_folder(folder: &Path) -> std::io::Result<Report> {
    let mut files = Vec::new();
    markdown_files(folder, &mut files)?;
    let entities = decode::entity_types();
    let enums = decode::enums(&entities);
    let lookup = |name: &str, value: &str| enums.get(name).and_then(|e| e.value_of(value));
    let mut report = Report::default();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let page = file
            .strip_prefix(folder)
            .unwrap_or(&file)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        check_page(&page, &text, &entities, &lookup, &mut report);
    }
    Ok(report)
}

/// Checks one page's examples into `report`.
pub fn check_page(
    page: &str,
    text: &str,
    entities: &[EntityTypes],
    enums: repair::EnumLookup<'_>,
    report: &mut Report,
) {
    report.pages += 1;
    let (examples, others): (Vec<_>, Vec<_>) = extract::blocks(text)
        .into_iter()
        .partition(|b| b.is_example());
    report.other_blocks += others.len();
    if examples.is_empty() {
        return;
    }
    report.pages_with_examples += 1;
    let entity = entity_of(page, entities);
    match entity {
        Some(e) => {
            report.entity_pages += 1;
            report.entities.insert(e.name);
        }
        None => report.pages_without_entity.push(page.to_owned()),
    }
    for example in examples {
        report.examples += 1;
        let parsed = match repair::parse(&example.text, enums) {
            Ok(parsed) => parsed,
            Err(error) => {
                report.unparseable.push(ParseFailure {
                    page: page.to_owned(),
                    line: example.line,
                    shows: example.shows,
                    error,
                });
                continue;
            }
        };
        if parsed.repairs.is_empty() {
            report.parsed_as_is += 1;
        } else {
            report.repaired += 1;
            for repair in &parsed.repairs {
                *report.by_repair.entry(*repair).or_default() += 1;
            }
        }
        let Some(decoded) = decode::decode(example.shows, &parsed.json, entity) else {
            *report.no_type.entry(example.shows).or_default() += 1;
            continue;
        };
        for field in decoded.supplied {
            *report.supplied.entry(field).or_default() += 1;
        }
        let tally = report.by_kind.entry(example.shows).or_default();
        if decoded.failures.is_empty() {
            tally.decoded += 1;
        } else {
            tally.failed += 1;
        }
        for error in decoded.failures {
            report.failures.push(Failure {
                page: page.to_owned(),
                line: example.line,
                entity: entity.map(|e| e.name),
                shows: example.shows,
                repairs: parsed.repairs.clone(),
                error,
            });
        }
    }
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            markdown_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "pages read: {} ({} with examples: {} pages of {} entities, {} of no entity{})",
            self.pages,
            self.pages_with_examples,
            self.entity_pages,
            self.entities.len(),
            self.pages_without_entity.len(),
            if self.pages_without_entity.is_empty() {
                String::new()
            } else {
                format!(": {}", self.pages_without_entity.join(", "))
            }
        )?;
        writeln!(
            f,
            "examples found: {} JSON examples (and {} other code blocks: plain answers, prose)",
            self.examples, self.other_blocks
        )?;
        writeln!(f, "  parsed as-is: {}", self.parsed_as_is)?;
        writeln!(f, "  parsed after repair: {}", self.repaired)?;
        for (repair, n) in &self.by_repair {
            writeln!(f, "    {:<22}{n}", repair.name())?;
        }
        writeln!(f, "  unparseable: {}", self.unparseable.len())?;
        for u in &self.unparseable {
            // The example starts on the line after its fence.
            writeln!(
                f,
                "    {}:{}:{} ({}): {}",
                u.page,
                u.line + u.error.line,
                u.error.column,
                u.shows.name(),
                u.error.message
            )?;
        }
        writeln!(
            f,
            "decoded: {} of {} tried ({} failed)",
            self.decoded(),
            self.tried(),
            self.failed()
        )?;
        for (shows, tally) in &self.by_kind {
            writeln!(
                f,
                "  {:<16}{:>5} decoded {:>4} failed",
                shows.name(),
                tally.decoded,
                tally.failed
            )?;
        }
        if !self.supplied.is_empty() {
            let supplied: Vec<String> = self
                .supplied
                .iter()
                .map(|(field, n)| format!("{field} in {n}"))
                .collect();
            writeln!(
                f,
                "  fields the examples do not show, supplied: {}",
                supplied.join(", ")
            )?;
        }
        if !self.no_type.is_empty() {
            let kinds: Vec<String> = self
                .no_type
                .iter()
                .map(|(shows, n)| format!("{n} {}", shows.name()))
                .collect();
            writeln!(f, "  read, no type to decode into: {}", kinds.join(", "))?;
        }
        let instead = self.failures.iter().filter(|x| x.error.instead.is_some());
        writeln!(
            f,
            "decode failures: {} in {} examples ({} of them a missing id whose related record \
             the example shows instead)",
            self.failures.len(),
            self.failed(),
            instead.count()
        )?;
        for x in &self.failures {
            writeln!(
                f,
                "  {}:{} {} {}: {}",
                x.page,
                x.line,
                x.entity.unwrap_or("-"),
                x.shows.name(),
                x.error
            )?;
        }
        Ok(())
    }
}
