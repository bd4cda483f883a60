//! `cargo xtask draft` on pages of Nexudus's catalogue (`../shared/api-docs/catalogue/`):
//! a draft spec file for an entity the spec lacks, and for one it has, what differs.
//!
//! - `page`: reading a page;
//! - `draft`: a page to a [`Draft`] (the 2020 drafter's format, `TODO` docs included);
//! - `diff`: a page against the loaded spec's entity.

mod diff;
mod draft;
mod page;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::model::{Api, Entity};

use super::entity::Draft;
use super::types::KNOWN_ENTITIES;
use diff::Difference;
pub use page::is_catalogue;
use page::{CataloguePage, wire_of};

/// What a catalogue run needs besides its pages.
pub struct Run<'a> {
    pub spec: &'a Api,
    /// Entity name → area, for drafts (`--area`, `--areas`).
    pub areas: BTreeMap<String, String>,
    /// Print paste-ready YAML of what an existing entity lacks.
    pub yaml: bool,
}

/// What a page came to.
pub enum Outcome {
    /// A draft of an entity the spec lacks.
    Drafted { draft: Box<Draft>, yaml: String },
    /// The differences of an entity the spec has.
    Compared {
        report: String,
        differences: Vec<Difference>,
    },
}

/// The page's name in `sources:`: `skills:<file>` (the catalogue is the `skills`
/// repository's entity folder).
fn source_of(page: &Path) -> String {
    let file = page
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("skills:{file}")
}

/// Reads `Entity area` lines (blank lines and `#` comments skipped).
pub fn read_areas(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut areas = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            [entity, area] => {
                areas.insert(entity.to_owned(), area.to_owned());
            }
            _ => {
                return Err(format!(
                    "{}:{}: expected `Entity area`, got `{line}`",
                    path.display(),
                    n + 1
                ));
            }
        }
    }
    Ok(areas)
}

impl Run<'_> {
    /// Drafts or compares one page; `entities` are the names known besides the spec's.
    pub fn page(&self, path: &Path, text: &str, entities: &[String]) -> Result<Outcome, String> {
        let page = CataloguePage::read(text).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(entity) = self.spec.entities.iter().find(|e| e.name == page.entity) {
            let differences = diff::diff(&page, entity);
            let mut report = diff::report(&name, entity, &differences);
            if self.yaml && !differences.is_empty() {
                report.push_str(&self.missing_yaml(&page, entity, path, entities, &differences));
            }
            return Ok(Outcome::Compared {
                report,
                differences,
            });
        }
        let area = self.areas.get(&page.entity).ok_or_else(|| {
            format!(
                "{}: the catalogue does not say the area of `{}`; pass --area AREA (or --areas FILE)",
                path.display(),
                page.entity
            )
        })?;
        let draft = self.draft(&page, path, area, entities);
        let yaml = draft.to_yaml();
        Ok(Outcome::Drafted {
            draft: Box::new(draft),
            yaml,
        })
    }

    fn draft(&self, page: &CataloguePage, path: &Path, area: &str, entities: &[String]) -> Draft {
        let mut known: Vec<String> = self.spec.entities.iter().map(|e| e.name.clone()).collect();
        known.extend(entities.iter().cloned());
        known.extend(KNOWN_ENTITIES.iter().map(|e| e.to_string()));
        known.sort();
        known.dedup();
        let enums: Vec<(String, Vec<(i64, String)>)> = self
            .spec
            .enums
            .iter()
            .map(|e| {
                (
                    e.name.clone(),
                    e.values.iter().map(|v| (v.value, v.name.clone())).collect(),
                )
            })
            .collect();
        let source = source_of(path);
        Draft::from_catalogue(
            page,
            &draft::Context {
                source: &source,
                area,
                entities: &known,
                enums: &enums,
            },
        )
    }

    /// The draft's entries for what the spec lacks: fields, filters, range filters,
    /// children and enumerations, as YAML to paste and review.
    fn missing_yaml(
        &self,
        page: &CataloguePage,
        entity: &Entity,
        path: &Path,
        entities: &[String],
        differences: &[Difference],
    ) -> String {
        let mut draft = self.draft(page, path, entity.area.as_str(), entities);
        let wanted = |kind: &str, wire: &str| {
            differences.iter().any(|d| match d {
                Difference::MissingField { wire: w, .. } => kind == "field" && w == wire,
                Difference::MissingFilter { wire: w } => kind == "filter" && w == wire,
                Difference::MissingRange { wire: w } => kind == "range" && w == wire,
                Difference::MissingChild { wire: w, .. } => kind == "child" && w == wire,
                Difference::NotAnEnum { wire: w, .. } | Difference::EnumValues { wire: w, .. } => {
                    kind == "enum" && w == wire
                }
                _ => false,
            })
        };
        // The spec's wire name of a filtered field may be an alias of the page's.
        let spec_wire = |wire: &str| {
            entity
                .fields
                .iter()
                .chain(&entity.joined)
                .find(|f| wire_of(&heck::ToKebabCase::to_kebab_case(f.wire.as_str())) == wire)
                .map_or(wire.to_owned(), |f| f.wire.clone())
        };
        draft.fields.retain(|f| wanted("field", &f.wire));
        draft.joined.retain(|j| wanted("field", &j.wire));
        draft
            .filters
            .retain(|f| wanted("filter", &spec_wire(&f.field)) || wanted("field", &f.field));
        draft
            .ranges
            .retain(|r| wanted("range", &spec_wire(&r.field)) || wanted("field", &r.field));
        draft.children.retain(|c| wanted("child", &c.wire));
        draft.enum_values.retain(|e| {
            e.users
                .iter()
                .any(|u| wanted("enum", u) || wanted("field", u))
        });
        let mut y = String::new();
        for line in draft.parts_yaml().lines() {
            let _ = writeln!(y, "    {line}");
        }
        y
    }
}

/// Counts over a run of many pages.
#[derive(Default)]
pub struct Totals {
    pub drafted: Vec<String>,
    pub compared: usize,
    pub differences: BTreeMap<&'static str, usize>,
    pub entities_with_differences: usize,
}

impl Totals {
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Drafted { draft, .. } => self.drafted.push(draft.entity.clone()),
            Outcome::Compared { differences, .. } => {
                self.compared += 1;
                if !differences.is_empty() {
                    self.entities_with_differences += 1;
                }
                for d in differences {
                    *self.differences.entry(d.kind()).or_default() += 1;
                }
            }
        }
    }

    pub fn report(&self, out_dir: &Path) -> String {
        let mut r = String::new();
        let _ = writeln!(
            r,
            "drafted {} entities the spec lacks into {}{}",
            self.drafted.len(),
            out_dir.display(),
            if self.drafted.is_empty() {
                String::new()
            } else {
                format!(": {}", self.drafted.join(", "))
            }
        );
        let _ = writeln!(
            r,
            "compared {} entities the spec has; {} differ",
            self.compared, self.entities_with_differences
        );
        for (kind, n) in &self.differences {
            let _ = writeln!(r, "  {n:5}  {kind}");
        }
        r
    }
}

/// The entity names of every catalogue page in `pages`, for typing ids between new ones.
pub fn entity_names(pages: &[(PathBuf, String)]) -> Vec<String> {
    pages
        .iter()
        .filter_map(|(_, text)| CataloguePage::read(text).ok())
        .map(|p| p.entity)
        .collect()
}
