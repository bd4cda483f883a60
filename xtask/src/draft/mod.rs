//! `cargo xtask draft PAGE.md`: a first draft of a spec entity file (the format of issue 9)
//! from one page of the 2020 API reference (GitBook markup), for a person to review.
//!
//! The draft saves the mechanical part of transcribing: names, query names, types, write
//! rules, endpoints and roles. It never writes prose: every `docs:` is `TODO`, which the
//! loader rejects, so a reviewer writes each one. What the tool infers rather than reads
//! is marked `# guess:`; what it could not read is listed as `# Not recognised:`.
//!
//! `cargo xtask draft --all DIR --out-dir OUT` drafts every page below DIR into
//! `OUT/<folder>/<entity_snake>.yaml` and prints counts of what it found and missed.
//!
//! The pages are inconsistent (`required=true` and `required="true"`, `int` and `integer`,
//! `Sys/` and `sys/` copies, BOMs, invalid example JSON), so the reader keys on tags and
//! `"Key": value` lines, never on the layout around them.
//!
//! - `markup`: reading a page's tags, headings and example lines;
//! - `entity`: which block is which endpoint, and the entity's fields and filters;
//! - `types`: page types and names to spec types and roles;
//! - `yaml`: writing the draft.

mod catalogue;
mod entity;
mod markup;
mod types;
mod yaml;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};

use entity::Draft;

/// The arguments of `cargo xtask draft`. Paths are made absolute as they are parsed, while
/// the process is still in the caller's folder (`main` then moves to the workspace root).
#[derive(clap::Args)]
pub struct Options {
    /// The reference page (GitBook markdown), e.g. rest-api/billing/tariff.md.
    #[arg(value_name = "PAGE.md", value_parser = absolute_path, required_unless_present = "all")]
    page: Option<PathBuf>,
    /// The spec area the entity belongs to (default: the area of the page's paths).
    #[arg(long, conflicts_with = "all")]
    area: Option<String>,
    /// Write the draft to this file instead of stdout.
    #[arg(long, value_name = "FILE", value_parser = absolute_path, conflicts_with = "all")]
    out: Option<PathBuf>,
    /// Draft every page below this folder (area = folder name lowercased).
    #[arg(long, value_name = "DIR", value_parser = absolute_path, conflicts_with = "page", requires = "out_dir")]
    all: Option<PathBuf>,
    /// With --all: write OUT_DIR/<area>/<entity_snake>.yaml.
    #[arg(long, value_name = "DIR", value_parser = absolute_path, requires = "all")]
    out_dir: Option<PathBuf>,
    /// Overwrite existing drafts.
    #[arg(long)]
    force: bool,
    /// Catalogue pages: a file of `Entity area` lines, the areas of entities to draft.
    #[arg(long, value_name = "FILE", value_parser = absolute_path)]
    areas: Option<PathBuf>,
    /// Catalogue pages: the spec to compare with and draft against (default spec/).
    #[arg(long, value_name = "DIR", value_parser = absolute_path)]
    spec: Option<PathBuf>,
    /// Catalogue pages: after each entity's differences, the YAML of what it lacks (fields,
    /// filters, range filters, children, enumerations), to paste and review.
    #[arg(long)]
    yaml: bool,
}

fn absolute_path(arg: &str) -> Result<PathBuf, String> {
    std::path::absolute(arg).map_err(|e| format!("{arg}: {e}"))
}

pub fn run(opts: &Options) -> Result<(), String> {
    match (&opts.page, &opts.all) {
        (Some(page), None) => {
            let text = fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
            if catalogue::is_catalogue(&text) {
                catalogue_one(page, &text, opts)
            } else {
                run_one(page, opts)
            }
        }
        (None, Some(dir)) => {
            let out_dir = opts.out_dir.as_deref().ok_or("--all needs --out-dir DIR")?;
            let mut pages = Vec::new();
            pages_below(dir, &mut pages)?;
            let first = pages.first().map(fs::read_to_string).transpose();
            let first = first.map_err(|e| format!("{}: {e}", dir.display()))?;
            if first.as_deref().is_some_and(catalogue::is_catalogue) {
                catalogue_all(&pages, out_dir, opts)
            } else {
                print!("{}", run_all(dir, out_dir, opts.force)?);
                Ok(())
            }
        }
        _ => Err("give either PAGE.md or --all DIR --out-dir DIR".into()),
    }
}

/// Loads the spec a catalogue run compares with.
fn load_spec(opts: &Options) -> Result<codegen::model::Api, String> {
    let dir = opts
        .spec
        .clone()
        .unwrap_or_else(|| PathBuf::from(super::generate::SPEC_DIR));
    codegen::spec::load(&dir)
        .map_err(|e| format!("the spec in {} does not load:\n{e}", dir.display()))
}

fn catalogue_areas(opts: &Options) -> Result<BTreeMap<String, String>, String> {
    match &opts.areas {
        Some(file) => catalogue::read_areas(file),
        None => Ok(BTreeMap::new()),
    }
}

/// One catalogue page: its differences from the spec, or a draft of its entity.
fn catalogue_one(page: &Path, text: &str, opts: &Options) -> Result<(), String> {
    let spec = load_spec(opts)?;
    let mut areas = catalogue_areas(opts)?;
    if let Some(area) = &opts.area {
        // `--area` names the area of this page's entity, whatever it is called.
        let name = catalogue::entity_names(&[(page.to_path_buf(), text.to_owned())]);
        for entity in name {
            areas.insert(entity, area.clone());
        }
    }
    let run = catalogue::Run {
        spec: &spec,
        areas,
        yaml: opts.yaml,
    };
    match run.page(page, text, &[])? {
        catalogue::Outcome::Compared { report, .. } => print!("{report}"),
        catalogue::Outcome::Drafted { yaml, .. } => match &opts.out {
            None => print!("{yaml}"),
            Some(out) => {
                write_new(out, &yaml, opts.force)?;
                eprintln!(
                    "wrote {} ({} guesses)",
                    out.display(),
                    yaml.matches("# guess:").count()
                );
            }
        },
    }
    Ok(())
}

/// Every catalogue page: differences printed, drafts written to
/// `out_dir/<area>/<entity_snake>.yaml`, then the counts.
fn catalogue_all(pages: &[PathBuf], out_dir: &Path, opts: &Options) -> Result<(), String> {
    let spec = load_spec(opts)?;
    let run = catalogue::Run {
        spec: &spec,
        areas: catalogue_areas(opts)?,
        yaml: opts.yaml,
    };
    let mut texts = Vec::new();
    for page in pages {
        let text = fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
        texts.push((page.clone(), text));
    }
    let names = catalogue::entity_names(&texts);
    let mut totals = catalogue::Totals::default();
    let mut drafts = Vec::new();
    for (page, text) in &texts {
        let outcome = run.page(page, text, &names)?;
        totals.add(&outcome);
        match outcome {
            catalogue::Outcome::Compared { report, .. } => print!("{report}"),
            catalogue::Outcome::Drafted { draft, yaml } => {
                drafts.push((out_dir.join(&draft.area).join(draft.file_name()), yaml));
            }
        }
    }
    if let Some((existing, _)) = drafts.iter().find(|(t, _)| t.exists() && !opts.force) {
        return Err(format!(
            "{} exists; pass --force to overwrite drafts",
            existing.display()
        ));
    }
    for (target, yaml) in &drafts {
        write_new(target, yaml, true)?;
    }
    print!("{}", totals.report(out_dir));
    Ok(())
}

fn run_one(page: &Path, opts: &Options) -> Result<(), String> {
    let text = fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    let draft = Draft::from_page(&text, &source_of(page, None), opts.area.as_deref())
        .map_err(|e| format!("{}: {e}", page.display()))?;
    let yaml = draft.to_yaml();
    match &opts.out {
        None => print!("{yaml}"),
        Some(out) => {
            write_new(out, &yaml, opts.force)?;
            eprintln!(
                "wrote {} ({} guesses, {} not recognised)",
                out.display(),
                yaml.matches("# guess:").count(),
                draft.unrecognised.len()
            );
        }
    }
    Ok(())
}

/// Writes `text` to `path`, refusing to replace a file unless `force`.
fn write_new(path: &Path, text: &str, force: bool) -> Result<(), String> {
    if path.exists() && !force {
        return Err(format!(
            "{} exists; pass --force to overwrite it",
            path.display()
        ));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The page's name in `sources:`: its path below the reference's `rest-api/` folder, else
/// below `base` (the `--all` folder), else its folder and file name.
fn source_of(page: &Path, base: Option<&Path>) -> String {
    let parts: Vec<String> = page
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if let Some(i) = parts.iter().rposition(|p| p == "rest-api") {
        return format!("ref:{}", parts[i + 1..].join("/"));
    }
    if let Some(rel) = base.and_then(|b| page.strip_prefix(b).ok()) {
        let rel: Vec<_> = rel.iter().map(|s| s.to_string_lossy()).collect();
        return format!("ref:{}", rel.join("/"));
    }
    format!("ref:{}", parts[parts.len().saturating_sub(2)..].join("/"))
}

/// Counts over every drafted page, for the report of `--all`.
#[derive(Default)]
struct Totals {
    drafted: usize,
    entities: BTreeSet<String>,
    fields: usize,
    filters: usize,
    joined: usize,
    ranges: usize,
    create_params: usize,
    downloads: usize,
    enums: BTreeSet<String>,
    guesses: usize,
    skipped: Vec<(String, String)>,
    unrecognised: BTreeMap<&'static str, usize>,
}

impl Totals {
    fn add(&mut self, draft: &Draft, yaml: &str) {
        self.drafted += 1;
        self.entities.insert(draft.entity.clone());
        self.fields += draft.fields.len();
        self.filters += draft.filters.len();
        self.joined += draft.joined.len();
        self.ranges += draft.ranges.len();
        self.create_params += draft.create_params;
        self.downloads += draft
            .endpoints
            .iter()
            .filter(|e| e.kind == "downloads")
            .count();
        self.enums.extend(draft.enums.keys().cloned());
        self.guesses += yaml.matches("# guess:").count();
        for (kind, _) in &draft.unrecognised {
            *self.unrecognised.entry(kind).or_default() += 1;
        }
    }

    fn report(&self, out_dir: &Path) -> String {
        let mut r = String::new();
        let _ = writeln!(
            r,
            "drafted {} pages ({} distinct entities) into {}",
            self.drafted,
            self.entities.len(),
            out_dir.display()
        );
        let _ = writeln!(
            r,
            "  fields {}, filters {} (on joined fields {}), range filters {}, create params {}, \
             downloads {}, enums referenced {}, guess comments {}",
            self.fields,
            self.filters,
            self.joined,
            self.ranges,
            self.create_params,
            self.downloads,
            self.enums.len(),
            self.guesses
        );
        let mut reasons: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (page, why) in &self.skipped {
            reasons.entry(why).or_default().push(page);
        }
        for (why, pages) in reasons {
            let _ = writeln!(r, "skipped {} ({why}): {}", pages.len(), pages.join(", "));
        }
        if self.unrecognised.is_empty() {
            let _ = writeln!(r, "not recognised: nothing");
        } else {
            let _ = writeln!(
                r,
                "not recognised (occurrences; each is a comment in its draft):"
            );
            for (kind, n) in &self.unrecognised {
                let _ = writeln!(r, "  {n:5}  {kind}");
            }
        }
        r
    }
}

fn pages_below(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        entries.push(entry.map_err(|e| format!("{}: {e}", dir.display()))?.path());
    }
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pages_below(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
    Ok(())
}

/// The name of the folder holding `page`.
fn folder_of(page: &Path) -> Option<String> {
    Some(page.parent()?.file_name()?.to_string_lossy().into_owned())
}

/// Drafts every page below `dir` into `out_dir/<folder lowercased>/<entity_snake>.yaml`;
/// answers the report. Stubs and pages of no entity are skipped and listed. Where two
/// folders differ only in case (`Sys/`, `sys/`), the draft from the one with capitals is
/// `<entity_snake>.upper.yaml`, so a reviewer can compare the two. Writes nothing when a
/// target exists, unless `force`.
fn run_all(dir: &Path, out_dir: &Path, force: bool) -> Result<String, String> {
    let mut pages = Vec::new();
    pages_below(dir, &mut pages)?;
    let mut totals = Totals::default();
    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    for page in &pages {
        let rel = page.strip_prefix(dir).unwrap_or(page);
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        let text = fs::read_to_string(page).map_err(|e| format!("{rel_text}: {e}"))?;
        let folder = folder_of(rel);
        let area = folder.as_ref().map(|f| f.to_ascii_lowercase());
        let draft = match Draft::from_page(&text, &source_of(page, Some(dir)), area.as_deref()) {
            Ok(d) => d,
            Err(why) => {
                totals.skipped.push((rel_text, why.to_string()));
                continue;
            }
        };
        let has_lowercase_twin = folder.as_ref().is_some_and(|f| {
            *f != f.to_ascii_lowercase()
                && pages.iter().any(|other| {
                    other.file_name() == page.file_name()
                        && folder_of(other).as_deref() == Some(f.to_ascii_lowercase().as_str())
                })
        });
        let name = if has_lowercase_twin {
            draft.file_name().replace(".yaml", ".upper.yaml")
        } else {
            draft.file_name()
        };
        let target = out_dir.join(&draft.area).join(name);
        if outputs.iter().any(|(t, _)| *t == target) {
            return Err(format!(
                "{rel_text}: a second draft for {}",
                target.display()
            ));
        }
        let yaml = draft.to_yaml();
        totals.add(&draft, &yaml);
        outputs.push((target, yaml));
    }
    let existing: Vec<String> = outputs
        .iter()
        .filter(|(t, _)| t.exists())
        .map(|(t, _)| t.display().to_string())
        .collect();
    if !existing.is_empty() && !force {
        return Err(format!(
            "{} drafts exist already, e.g. {}; pass --force to overwrite them",
            existing.len(),
            existing[0]
        ));
    }
    for (target, yaml) in &outputs {
        write_new(target, yaml, true)?;
    }
    Ok(totals.report(out_dir))
}
