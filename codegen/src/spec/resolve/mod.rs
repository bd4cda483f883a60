//! From the parsed files to the model: every check of meaning, and every reference resolved.
//!
//! Each step checks what it reads, records each problem at the value that causes it and goes
//! on, so one run reports them all; it builds the model part it is responsible for only from
//! values that passed. [`resolve`] hands out the model only when no problem was found, so the
//! model holds no invalid value and the emitters check nothing.

mod children;
pub(crate) mod entity;
mod enums;
mod service;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use marked_yaml::{Span, Spanned};

use super::error::did_you_mean;
use super::load::Files;
use super::raw::RawSpec;
use crate::model::{Api, Enum, IdType};
use crate::names::{self, NameError, RustIdent};

/// Checks `raw` and builds the model; `None` when any problem was recorded in `files`.
pub(crate) fn resolve(raw: &RawSpec, files: &mut Files) -> Option<Api> {
    let mut r = Resolver {
        files,
        documents: BTreeMap::new(),
        enums: BTreeMap::new(),
        ids: BTreeMap::new(),
        broken: BTreeSet::new(),
        area_ok: true,
    };
    let service = r.service(&raw.service);
    r.enums(&raw.enums);
    // Entities resolve independently once documents and enums are known, so on all cores;
    // each chunk's errors come back in entity order, as one pass would report them.
    let chunks = crate::parallel::on_all_cores(&raw.entities, |chunk| {
        let mut files = r.files.for_thread();
        let mut local = Resolver {
            files: &mut files,
            documents: r.documents.clone(),
            enums: r.enums.clone(),
            ids: r.ids.clone(),
            broken: BTreeSet::new(),
            area_ok: true,
        };
        let entities: Vec<_> = chunk
            .iter()
            .filter_map(|entity| local.entity(&raw.service, entity))
            .collect();
        let ids = local.ids;
        (entities, ids, files.errors)
    });
    let mut entities = Vec::new();
    for (chunk, ids, errors) in chunks {
        entities.extend(chunk);
        for (name, id) in ids {
            r.ids.entry(name).or_insert(id);
        }
        r.files.errors.extend(errors);
    }
    r.children(raw, &mut entities);
    r.across_entities(raw);
    let errors_found = !r.files.errors.is_empty();
    let mut enums: Vec<Arc<Enum>> = r.enums.into_values().collect();
    enums.sort_by(|a, b| a.rust.cmp(&b.rust));
    let mut ids: Vec<Arc<IdType>> = r.ids.into_values().collect();
    ids.sort_by(|a, b| a.rust.cmp(&b.rust));
    match service {
        Some(service) if !errors_found => Some(Api {
            service,
            enums,
            ids,
            entities,
        }),
        _ => None,
    }
}

/// What a `sources:` entry may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocumentKind {
    /// A single file: named alone.
    File,
    /// A repository folder or a website: named alone or with a page (`ref:billing/x.md`).
    Pages,
}

struct Resolver<'a> {
    files: &'a mut Files,
    documents: BTreeMap<String, DocumentKind>,
    /// By API name.
    enums: BTreeMap<String, Arc<Enum>>,
    /// By entity name.
    ids: BTreeMap<String, Arc<IdType>>,
    /// Wire names of the current entity's fields that did not resolve (already reported).
    broken: BTreeSet<String>,
    /// Whether the current entity's area folder is valid.
    area_ok: bool,
}

impl Resolver<'_> {
    fn error(&mut self, span: &Span, message: impl Into<String>, help: Option<String>) {
        self.files.error(span, message, help);
    }

    /// Documentation text: not empty, no `TODO` left by a draft, and no fenced code block
    /// (rustdoc would compile and run it as a doctest).
    fn docs(&mut self, docs: &Spanned<String>, what: &str) -> String {
        let text = docs.trim();
        if text.is_empty() {
            self.error(
                docs.span(),
                format!("{what} has empty `docs`"),
                Some("say what it is; the text becomes rustdoc".into()),
            );
        } else if text.starts_with("TODO") {
            self.error(
                docs.span(),
                format!("{what} still has the draft's `TODO` as docs"),
                Some("write what it is, in the project's own words".into()),
            );
        }
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        {
            self.error(
                docs.span(),
                format!(
                    "{what} has the control character U+{:04X} in its `docs`",
                    u32::from(c)
                ),
                Some(
                    "rustdoc refuses a bare carriage return and the like; write plain lines".into(),
                ),
            );
        }
        if text
            .lines()
            .any(|l| l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~"))
        {
            self.error(
                docs.span(),
                format!("{what} has a fenced code block in its `docs`"),
                Some("rustdoc would run it as a doctest; write code inline in `backticks`".into()),
            );
        }
        docs.to_string()
    }

    fn optional_docs(&mut self, docs: Option<&Spanned<String>>, what: &str) -> Option<String> {
        docs.map(|d| self.docs(d, what))
    }

    fn sources(&mut self, sources: &[Spanned<String>]) {
        for source in sources {
            let (name, page) = match source.split_once(':') {
                Some((name, page)) => (name, Some(page)),
                None => (source.as_str(), None),
            };
            match (self.documents.get(name).copied(), page) {
                (None, _) => {
                    let help = did_you_mean(name, self.documents.keys().map(String::as_str));
                    self.error(
                        source.span(),
                        format!("source `{name}` names no document of `documents:` in service.yaml"),
                        help,
                    );
                }
                (Some(DocumentKind::File), Some(_)) => self.error(
                    source.span(),
                    format!("document `{name}` is one file; it has no pages to name after `:`"),
                    Some(format!("write `{name}` alone")),
                ),
                (Some(DocumentKind::Pages), Some(page)) if !valid_page(page) => self.error(
                    source.span(),
                    format!("page `{page}` of `{name}` is not a relative path"),
                    Some("write the path below the document's folder or URL, like `billing/tariff.md`".into()),
                ),
                _ => {}
            }
        }
    }

    /// A query parameter name, unique ignoring case among `seen`.
    fn query_name(&mut self, name: &Spanned<String>, seen: &mut BTreeSet<String>) {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.error(
                name.span(),
                format!(
                    "query name `{}` must be letters, digits and `_`",
                    name.as_str()
                ),
                None,
            );
        }
        if !seen.insert(name.to_ascii_lowercase()) {
            self.error(
                name.span(),
                format!(
                    "query name `{}` is used twice (the API ignores case)",
                    name.as_str()
                ),
                None,
            );
        }
    }

    /// A Rust name made by `make`, or a located error asking for `rust:`.
    fn name(
        &mut self,
        make: fn(&str) -> Result<RustIdent, NameError>,
        source: &Spanned<String>,
        what: &str,
        help: Option<&str>,
    ) -> Option<RustIdent> {
        match make(source) {
            Ok(ident) => Some(ident),
            Err(NameError(why)) => {
                self.error(
                    source.span(),
                    format!("{what} cannot become a Rust name: {why}"),
                    help.map(str::to_owned),
                );
                None
            }
        }
    }

    /// The typed id of an entity, made once and shared.
    fn id_type(&mut self, entity: &str) -> Option<Arc<IdType>> {
        if let Some(id) = self.ids.get(entity) {
            return Some(id.clone());
        }
        let rust = names::camel(entity).ok()?.suffixed("Id");
        let id = Arc::new(IdType {
            entity: entity.to_owned(),
            rust,
        });
        self.ids.insert(entity.to_owned(), id.clone());
        Some(id)
    }
}

/// ` at line N` for messages that point back at a first occurrence.
fn line_of(span: &Span) -> String {
    span.start()
        .map(|m| format!(" at line {}", m.line()))
        .unwrap_or_default()
}

/// A page path below a document: relative, without `..`, spaces or query strings.
fn valid_page(page: &str) -> bool {
    !page.is_empty()
        && !page.starts_with('/')
        && !page.split('/').any(|part| part.is_empty() || part == "..")
        && page
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

pub use entity::{CLIENT_METHODS, RESERVED_AREAS};
