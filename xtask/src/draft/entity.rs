//! From a read page to a drafted entity: which block is which endpoint, the entity's name,
//! its filters, and its fields with types and write rules.
//!
//! Fields are decided in two passes: first every section's evidence is gathered per field
//! (create and update parameters, body examples, filters, range filters, example records),
//! then each field is decided from all of it, so no section's order matters.

use std::collections::{BTreeMap, HashMap};

use heck::ToUpperCamelCase;

use super::markup::{
    BY_IDS_QUERY, Block, DOWNLOAD_SEGMENT, ENUM_VALUE, ExampleValue, Page, Param, example_pairs,
    read_page,
};
use super::types::{Typed, Typing, map_type, spell_role, type_of_value};

/// Fields of `spec/service.yaml` that every entity has: never repeated in an entity file.
pub(super) const BASE_FIELDS: &[&str] = &[
    "Id",
    "UniqueId",
    "CreatedOn",
    "UpdatedOn",
    "UpdatedBy",
    "IsNew",
    "SystemId",
    "ToStringText",
    "LocalizationDetails",
    "CustomFields",
];

/// Keys of a list answer's envelope, not of its records.
const ENVELOPE_KEYS: &[&str] = &[
    "Records",
    "CurrentPageSize",
    "CurrentPage",
    "CurrentOrderField",
    "CurrentSortDirection",
    "FirstItem",
    "HasNextPage",
    "HasPreviousPage",
    "LastItem",
    "PageNumber",
    "PageSize",
    "TotalItems",
    "TotalPages",
];

/// Query parameters of paging and sorting, which every list takes (service.yaml).
const PAGING_QUERIES: &[&str] = &["dir", "orderby", "orderBy", "page", "size"];

/// What a method block documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// GET list with equality filters.
    Find,
    /// GET list with paging only.
    List,
    /// GET list with `from_`/`to_` filters.
    Range,
    ByIds,
    Get,
    Create,
    Update,
    Delete,
    Commands,
    RunCommand,
    Download,
    Unknown,
}

impl Kind {
    /// The role action the spec expects for an endpoint of this kind.
    fn action(self) -> &'static str {
        match self {
            Kind::Find | Kind::List | Kind::Range | Kind::ByIds | Kind::Commands => "List",
            Kind::Get | Kind::Download => "Read",
            Kind::Create => "Create",
            Kind::Update | Kind::RunCommand => "Edit",
            Kind::Delete => "Delete",
            Kind::Unknown => "",
        }
    }
}

/// The list path: the two-segment path that GET list, POST and PUT share
/// (`/billing/tariffs`).
fn list_path(page: &Page) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &page.blocks {
        let p = b.path.trim_end_matches('/');
        if p.starts_with('/') && !p.contains(['?', ':']) && p.split('/').count() == 3 {
            *counts.entry(p).or_default() += 1;
        }
    }
    let best = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|&(_, n)| n == best)
        .map(|(p, _)| p.to_string())
}

fn classify(b: &Block, list: &str) -> Kind {
    let path = b.path.trim_end_matches('/');
    let id_path = format!("{list}/:id");
    let rest = path.strip_prefix(list).unwrap_or("");
    match b.method.as_str() {
        "get" if rest.starts_with('?') && BY_IDS_QUERY.is_match(rest) => Kind::ByIds,
        "get" if path == list => {
            let queries: Vec<&str> = b.params.iter().filter_map(|p| p.query.as_deref()).collect();
            if queries
                .iter()
                .any(|q| q.starts_with("from_") || q.starts_with("to_"))
            {
                Kind::Range
            } else if b.summary.eq_ignore_ascii_case("find")
                || queries.iter().any(|q| !PAGING_QUERIES.contains(q))
            {
                Kind::Find
            } else {
                Kind::List
            }
        }
        "get" if path == id_path => Kind::Get,
        "delete" if path == id_path => Kind::Delete,
        "post" if path == list => Kind::Create,
        "put" if path == list => Kind::Update,
        "get" if rest == "/commands" => Kind::Commands,
        // Run command is documented as GET; whatever the method, the path says what it is.
        _ if rest == "/runcommand" => Kind::RunCommand,
        "get" => match rest.split('/').collect::<Vec<_>>()[..] {
            ["", segment, ":id"] if DOWNLOAD_SEGMENT.is_match(segment) => Kind::Download,
            _ => Kind::Unknown,
        },
        _ => Kind::Unknown,
    }
}

/// Why a page gives no draft.
#[derive(Debug, PartialEq, Eq)]
pub enum NotDrafted {
    /// No `{% api-method %}` at all: a README or an empty stub.
    Stub,
    /// Methods, but no entity's list path or name (e.g. the access-control page).
    NotEntity(String),
}

impl std::fmt::Display for NotDrafted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotDrafted::Stub => write!(f, "the page documents no API method (a stub)"),
            NotDrafted::NotEntity(why) => write!(f, "not an entity page: {why}"),
        }
    }
}

/// A comment for one key of a drafted item: (key, text).
pub(super) type Notes = Vec<(&'static str, String)>;

/// Something of the page the tool could not read: (kind, detail). Kinds are counted over
/// a whole run.
pub(super) type Unrecognised = (&'static str, String);

/// A record field of the draft.
#[derive(Debug)]
pub(super) struct Field {
    pub wire: String,
    pub ty: String,
    pub required: bool,
    pub nullable: bool,
    pub read: bool,
    /// `None`: the default `[create, update]`, left unwritten.
    pub write: Option<Vec<&'static str>>,
    /// `false`: left out of list records.
    pub in_list: bool,
    /// The personal-data category.
    pub pii: Option<String>,
    pub notes: Notes,
}

/// A display field that list records join from a related entity.
#[derive(Debug)]
pub(super) struct Joined {
    pub wire: String,
    pub ty: String,
    pub pii: Option<String>,
    pub notes: Notes,
}

/// An inline child array of the bodies.
#[derive(Debug)]
pub(super) struct Child {
    pub wire: String,
    pub entity: String,
    pub properties: Vec<String>,
    pub write: Option<Vec<&'static str>>,
    pub notes: Notes,
}

/// An enumeration the draft uses that `spec/enums.yaml` may lack, with the values the page
/// gives.
#[derive(Debug)]
pub(super) struct NewEnum {
    pub name: String,
    pub values: Vec<(i64, String)>,
    /// The wire names of the fields that use it.
    pub users: Vec<String>,
}

#[derive(Debug)]
pub(super) struct Filter {
    pub query: String,
    pub field: String,
}

#[derive(Debug)]
pub(super) struct RangeFilter {
    pub from: String,
    pub to: String,
    pub field: String,
}

#[derive(Debug)]
pub(super) struct Endpoint {
    /// The key under `endpoints:` (`list`, `find_by_ids`, ..., `downloads`).
    pub kind: &'static str,
    /// A download's name.
    pub name: Option<String>,
    pub path: String,
    pub role: String,
    /// Find by ids' query name.
    pub query: Option<String>,
    pub decision: Option<String>,
    pub notes: Notes,
}

/// A drafted entity file.
#[derive(Debug)]
pub struct Draft {
    pub entity: String,
    pub area: String,
    pub(super) source: String,
    pub(super) fields: Vec<Field>,
    pub(super) joined: Vec<Joined>,
    pub(super) filters: Vec<Filter>,
    pub(super) ranges: Vec<RangeFilter>,
    pub(super) sort: Vec<String>,
    /// Endpoints in the spec's order; downloads last, in page order.
    pub(super) endpoints: Vec<Endpoint>,
    /// Enumeration name → the fields that use it.
    pub(super) enums: BTreeMap<String, Vec<String>>,
    /// Enumerations with values the page gives (catalogue pages), to declare or check.
    pub(super) enum_values: Vec<NewEnum>,
    pub(super) children: Vec<Child>,
    /// How many create body parameters the page lists.
    pub(super) create_params: usize,
    pub(super) unrecognised: Vec<Unrecognised>,
    /// Remarks for the header that are not failures (the area, the page's title).
    pub(super) header_notes: Vec<String>,
}

/// What the page shows about one record field, gathered before deciding anything.
#[derive(Debug, Default)]
struct Evidence {
    create_param: Option<Param>,
    update_param: Option<Param>,
    create_example: Option<ExampleValue>,
    update_example: Option<ExampleValue>,
    filter_type: Option<String>,
    range_type: Option<String>,
    /// The entity of a filter typed with an entity name (`Tariff` for `TariffId`).
    entity: Option<String>,
    record_value: Option<ExampleValue>,
}

impl Evidence {
    fn examples(&self) -> impl Iterator<Item = &ExampleValue> {
        [
            &self.record_value,
            &self.create_example,
            &self.update_example,
        ]
        .into_iter()
        .flatten()
    }
}

/// Evidence per field, in the order fields are first seen.
#[derive(Default)]
struct Gathered {
    order: Vec<String>,
    by_wire: HashMap<String, Evidence>,
}

impl Gathered {
    fn entry(&mut self, wire: &str) -> &mut Evidence {
        if !self.by_wire.contains_key(wire) {
            self.order.push(wire.to_string());
        }
        self.by_wire.entry(wire.to_string()).or_default()
    }

    /// The field an example key shows: examples write an entity reference `Tariff` for the
    /// field `TariffId` that the parameters and filters name.
    fn wire_of(&self, key: &str) -> String {
        let id = format!("{key}Id");
        if !self.by_wire.contains_key(key) && self.by_wire.contains_key(&id) {
            id
        } else {
            key.to_string()
        }
    }
}

fn is_base(wire: &str) -> bool {
    BASE_FIELDS.contains(&wire)
}

fn squash(s: &str) -> String {
    s.replace('_', "").to_ascii_lowercase()
}

/// A filter on a related entity's field (`TariffBookingCredit_Tariff_Name`).
struct JoinedFilter {
    query: String,
    /// The query without the entity prefix (`Tariff_Name`).
    rest: String,
    ty: String,
}

/// The two sides of a range filter, as the page gives them.
struct RangeSides {
    field: String,
    from: Option<String>,
    to: Option<String>,
}

/// Keys of the example records: the list answer's (with values) and GET one's.
#[derive(Default)]
struct Records {
    list: Vec<(String, ExampleValue)>,
    get: Vec<String>,
}

/// Drafting one page: the page, the entity's name, and what has been gathered so far.
struct Drafting<'p> {
    page: &'p Page,
    entity: String,
    /// `Entity_`, which every own filter query starts with.
    prefix: String,
    typing: Typing<'p>,
    gathered: Gathered,
    unrecognised: Vec<Unrecognised>,
}

impl Draft {
    /// Drafts the entity of one page. `source` names the page (`ref:billing/tariff.md`);
    /// `area` overrides the area of the page's paths.
    pub fn from_page(text: &str, source: &str, area: Option<&str>) -> Result<Draft, NotDrafted> {
        let mut page = read_page(text);
        if page.blocks.is_empty() {
            return Err(NotDrafted::Stub);
        }
        let list = list_path(&page)
            .ok_or_else(|| NotDrafted::NotEntity("no list path `/<area>/<entities>`".into()))?;
        for b in &mut page.blocks {
            b.kind = classify(b, &list);
        }
        let entity = entity_name(&page)
            .ok_or_else(|| NotDrafted::NotEntity("no `?Entity_Field=` filter names it".into()))?;
        let path_area = list.split('/').nth(1).unwrap_or("").to_string();
        let area = area.map_or_else(|| path_area.clone(), str::to_string);
        let mut header_notes = Vec::new();
        if area != path_area {
            header_notes.push(format!(
                "The page's paths are under /api/{path_area}/, not /api/{area}/: check where the entity belongs."
            ));
        }
        if let Some(title) = &page.title
            && !title.replace(' ', "").eq_ignore_ascii_case(&entity)
        {
            header_notes.push(format!("The page's title is `{title}`."));
        }

        let mut d = Drafting {
            page: &page,
            prefix: format!("{entity}_"),
            entity,
            typing: Typing {
                enums: &page.enums,
                related: &page.related,
            },
            gathered: Gathered::default(),
            unrecognised: Vec::new(),
        };
        // 1. Gather: parameters and filters first, as examples are read in their terms.
        let create_params = d.gather_params();
        let (mut filters, joined_filters) = d.read_filters();
        let range_sides = d.read_ranges();
        d.gather_body_examples();
        let records = d.record_examples();
        let (joined, list_fields) =
            d.joined_and_list_fields(&joined_filters, &records, &mut filters);
        // 2. Decide.
        let mut fields = Vec::new();
        let mut enums: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for wire in d.gathered.order.clone() {
            if is_base(&wire) {
                continue;
            }
            let field = d.decide(&wire);
            if let Some(name) = field
                .ty
                .strip_prefix("enum<")
                .and_then(|s| s.strip_suffix('>'))
                && name != "Unknown"
            {
                enums.entry(name.to_string()).or_default().push(wire);
            }
            fields.push(field);
        }
        for (field, enum_name) in &page.enums {
            if !fields.iter().any(|f| f.wire == *field) && !joined.iter().any(|j| j.wire == *field)
            {
                d.unrecognised.push((
                    "enumeration entry for a field the page does not show",
                    format!("{field} ({enum_name})"),
                ));
            }
        }
        let ranges = d.pair_ranges(range_sides);
        let sort = sort(&fields, list_fields);
        let endpoints = d.endpoints(&list);
        Ok(Draft {
            entity: d.entity,
            area,
            source: source.to_string(),
            fields,
            joined,
            filters,
            ranges,
            sort,
            endpoints,
            enums,
            enum_values: Vec::new(),
            children: Vec::new(),
            create_params,
            unrecognised: d.unrecognised,
            header_notes,
        })
    }
}

impl Drafting<'_> {
    /// The create and update body parameters; answers how many create parameters there are.
    /// Update first: it lists every field, lists included, in the record's order.
    fn gather_params(&mut self) -> usize {
        for b in self.page.blocks_of(Kind::Update) {
            for p in b.params.iter().filter(|p| p.group == "body") {
                self.gathered.entry(&p.name).update_param = Some(p.clone());
            }
        }
        let mut create_params = 0;
        for b in self.page.blocks_of(Kind::Create) {
            for p in b.params.iter().filter(|p| p.group == "body") {
                create_params += 1;
                self.gathered.entry(&p.name).create_param = Some(p.clone());
            }
        }
        create_params
    }

    /// The equality filters of Find: own fields (`Entity_Name`), entity references
    /// (`Entity_Tariff` typed `Tariff` filters `TariffId`), and the joined filters
    /// (`Entity_Tariff_Name`), returned apart to be named from the list example.
    fn read_filters(&mut self) -> (Vec<Filter>, Vec<JoinedFilter>) {
        let mut filters: Vec<Filter> = Vec::new();
        let mut joined = Vec::new();
        for b in self.page.blocks_of(Kind::Find) {
            for p in b.params.iter().filter(|p| p.group == "query") {
                let Some(q) = &p.query else {
                    if !PAGING_QUERIES.contains(&p.name.as_str()) {
                        self.unrecognised
                            .push(("filter without a `?query=`", p.name.clone()));
                    }
                    continue;
                };
                if PAGING_QUERIES.contains(&q.as_str()) || filters.iter().any(|f| f.query == *q) {
                    continue;
                }
                let rest = if is_base(q) {
                    q.as_str()
                } else if let Some(rest) = q.strip_prefix(&self.prefix) {
                    rest
                } else {
                    self.unrecognised
                        .push(("filter not prefixed by the entity name", q.clone()));
                    continue;
                };
                if rest.contains('_') {
                    joined.push(JoinedFilter {
                        query: q.clone(),
                        rest: rest.to_string(),
                        ty: p.ty.clone(),
                    });
                    continue;
                }
                let typed = map_type(&p.ty, rest, None, &self.typing);
                let is_type_name = !p.ty.to_ascii_lowercase().starts_with("int");
                let wire = match typed.ty.strip_prefix("id<") {
                    Some(e) if is_type_name => {
                        let wire = format!("{rest}Id");
                        self.gathered.entry(&wire).entity = Some(e.trim_end_matches('>').into());
                        wire
                    }
                    _ => rest.to_string(),
                };
                if !is_base(&wire) {
                    let e = self.gathered.entry(&wire);
                    e.filter_type.get_or_insert_with(|| p.ty.clone());
                }
                filters.push(Filter {
                    query: q.clone(),
                    field: wire,
                });
            }
        }
        (filters, joined)
    }

    /// The `from_Entity_Field` / `to_Entity_Field` queries of the range form, by field.
    fn read_ranges(&mut self) -> Vec<RangeSides> {
        let mut sides: Vec<RangeSides> = Vec::new();
        for b in self.page.blocks_of(Kind::Range) {
            for p in b.params.iter().filter(|p| p.group == "query") {
                let Some(q) = &p.query else { continue };
                let (from, name) = match (q.strip_prefix("from_"), q.strip_prefix("to_")) {
                    (Some(name), _) => (true, name),
                    (_, Some(name)) => (false, name),
                    _ => continue,
                };
                // The query names the field; the tag's `name` is sometimes another one.
                let Some(field) = name.strip_prefix(&self.prefix) else {
                    self.unrecognised
                        .push(("range filter not prefixed by the entity name", q.clone()));
                    continue;
                };
                if !is_base(field) {
                    let e = self.gathered.entry(field);
                    e.range_type.get_or_insert_with(|| p.ty.clone());
                }
                let i = match sides.iter().position(|s| s.field == field) {
                    Some(i) => i,
                    None => {
                        sides.push(RangeSides {
                            field: field.to_string(),
                            from: None,
                            to: None,
                        });
                        sides.len() - 1
                    }
                };
                let slot = if from {
                    &mut sides[i].from
                } else {
                    &mut sides[i].to
                };
                slot.get_or_insert_with(|| q.clone());
            }
        }
        sides
    }

    /// The create and update body examples after their blocks; they show list fields that
    /// the create parameters leave out, and mark `(adds to list)` / `(removes from list)`.
    fn gather_body_examples(&mut self) {
        for kind in [Kind::Create, Kind::Update] {
            for b in self.page.blocks_of(kind) {
                for code in &b.trailing_examples {
                    for (key, v) in example_pairs(code) {
                        let wire = self.gathered.wire_of(&key);
                        let e = self.gathered.entry(&wire);
                        let slot = if kind == Kind::Create {
                            &mut e.create_example
                        } else {
                            &mut e.update_example
                        };
                        slot.get_or_insert(v);
                    }
                }
            }
        }
    }

    /// The keys of the example records: list answers (Find, List, range, by ids) and GET one.
    fn record_examples(&self) -> Records {
        let mut records = Records::default();
        for b in &self.page.blocks {
            let into_list = matches!(b.kind, Kind::Find | Kind::List | Kind::Range | Kind::ByIds);
            if !into_list && b.kind != Kind::Get {
                continue;
            }
            for code in &b.examples {
                for (key, v) in example_pairs(code) {
                    if ENVELOPE_KEYS.contains(&key.as_str()) {
                        continue;
                    }
                    if into_list {
                        if !records.list.iter().any(|(k, _)| *k == key) {
                            records.list.push((key, v));
                        }
                    } else if !records.get.contains(&key) {
                        records.get.push(key);
                    }
                }
            }
        }
        records
    }

    /// The joined fields, and the record fields the list example shows (in its order).
    /// The page's list example writes joined fields with the entity's name before them
    /// (`TariffBookingCreditTariffName` for `TariffName`): a key matching a joined filter
    /// names that filter's field; a key starting with the entity's name that GET one does
    /// not show is a joined field without a filter.
    fn joined_and_list_fields(
        &mut self,
        joined_filters: &[JoinedFilter],
        records: &Records,
        filters: &mut Vec<Filter>,
    ) -> (Vec<Joined>, Vec<String>) {
        let entity = self.entity.clone();
        let mut joined: Vec<Joined> = Vec::new();
        let mut named_by_filter = Vec::new();
        for jf in joined_filters {
            let key = records
                .list
                .iter()
                .map(|(k, _)| k)
                .find(|k| squash(k) == squash(&jf.query));
            let mut notes = Notes::new();
            let wire = match key {
                Some(k) => {
                    named_by_filter.push(k.clone());
                    let stripped = k.strip_prefix(&entity).unwrap_or(k);
                    if stripped.contains('_') {
                        let why = format!("the list example spells it `{k}` (underscores dropped)");
                        notes.push(("wire", why));
                    }
                    stripped.replace('_', "")
                }
                None => {
                    let why = "from the query; the list example does not show it";
                    notes.push(("wire", why.to_string()));
                    jf.rest.replace('_', "")
                }
            };
            let typed = map_type(&jf.ty, &wire, None, &self.typing);
            notes.extend(typed.note.map(|n| ("type", n)));
            self.unrecognised.extend(typed.unrecognised);
            filters.push(Filter {
                query: jf.query.clone(),
                field: wire.clone(),
            });
            if !joined.iter().any(|j| j.wire == wire) {
                joined.push(Joined {
                    wire,
                    ty: typed.ty,
                    pii: None,
                    notes,
                });
            }
        }
        let mut list_fields = Vec::new();
        for (key, v) in &records.list {
            if named_by_filter.contains(key) {
                continue;
            }
            let known = self.gathered.by_wire.contains_key(key) || is_base(key);
            if !known
                && key.len() > entity.len()
                && key.starts_with(&entity)
                && !records.get.contains(key)
            {
                let wire = key[entity.len()..].replace('_', "");
                if !joined.iter().any(|j| j.wire == wire) {
                    let ty = map_type(type_of_value(v).unwrap_or("string"), "", None, &self.typing);
                    joined.push(Joined {
                        wire,
                        ty: ty.ty,
                        pii: None,
                        notes: vec![
                            (
                                "wire",
                                format!("only in the list example (`{key}`), with no filter"),
                            ),
                            ("type", "from the example value".into()),
                        ],
                    });
                }
                continue;
            }
            let wire = self.gathered.wire_of(key);
            if !is_base(&wire) {
                let e = self.gathered.entry(&wire);
                e.record_value.get_or_insert_with(|| v.clone());
            }
            list_fields.push(wire);
        }
        for key in &records.get {
            let wire = self.gathered.wire_of(key);
            if !is_base(&wire) && !joined.iter().any(|j| j.wire == wire) {
                self.gathered.entry(&wire);
            }
        }
        (joined, list_fields)
    }

    /// Decides one field from its evidence.
    fn decide(&mut self, wire: &str) -> Field {
        let e = &self.gathered.by_wire[wire];
        let mut notes = Notes::new();
        let body_only = [&e.create_example, &e.update_example]
            .into_iter()
            .flatten()
            .any(|v| v.annotated("adds to list") || v.annotated("removes from list"));
        // The create parameters leave lists out that the create example shows, so an example
        // makes a field writable; but add/remove companions follow the parameters where
        // there are any (update only, in practice).
        let from_params = e.create_param.is_some() || e.update_param.is_some();
        let example_counts = !(body_only && from_params);
        let create_by_example =
            e.create_param.is_none() && e.create_example.is_some() && example_counts;
        let update_by_example =
            e.update_param.is_none() && e.update_example.is_some() && example_counts;
        let create = e.create_param.is_some() || create_by_example;
        let update = e.update_param.is_some() || update_by_example;
        let write = match (create, update) {
            _ if create_by_example || update_by_example => {
                let why = match (create_by_example, update_by_example) {
                    (true, true) => {
                        "the create and update examples show it; no parameter list does"
                    }
                    (true, false) => "the create example shows it; the create parameters do not",
                    _ => "the update example shows it; the update parameters do not",
                };
                notes.push(("write", why.to_string()));
                // Written out, even where it is the default, to carry the comment.
                Some(
                    [("create", create), ("update", update)]
                        .into_iter()
                        .filter(|w| w.1)
                        .map(|w| w.0)
                        .collect(),
                )
            }
            (true, true) => None,
            (true, false) => Some(vec!["create"]),
            (false, true) => Some(vec!["update"]),
            (false, false) => {
                notes.push((
                    "write",
                    "only in filters or example records: read-only?".into(),
                ));
                Some(vec![])
            }
        };
        // The type: from the parameters, else the filters, else an example value.
        let raw = e
            .create_param
            .as_ref()
            .or(e.update_param.as_ref())
            .map(|p| p.ty.clone())
            .or_else(|| e.filter_type.clone())
            .or_else(|| e.range_type.clone());
        let entity = e.entity.as_deref();
        let typed = match raw {
            Some(raw) => map_type(&raw, wire, entity, &self.typing),
            None => match e.examples().find_map(type_of_value) {
                Some(ty) => {
                    let mut typed = map_type(ty, wire, entity, &self.typing);
                    typed
                        .note
                        .get_or_insert_with(|| "from an example value".into());
                    typed
                }
                None => Typed::plain("json", false),
            },
        };
        let shown = e
            .examples()
            .find_map(|v| ENUM_VALUE.captures(&v.raw).map(|c| c[1].to_string()));
        let typed = typed.with_shown_enum(shown);
        if typed.ty == "json" && typed.note.is_none() {
            notes.push(("type", "no type on the page, and no example value".into()));
            self.unrecognised
                .push(("field with no type and no example value", wire.to_string()));
        }
        notes.extend(typed.note.map(|n| ("type", n)));
        self.unrecognised.extend(typed.unrecognised);
        let required = create && e.create_param.as_ref().and_then(|p| p.required) == Some(true);
        Field {
            wire: wire.to_string(),
            ty: typed.ty,
            required,
            nullable: typed.nullable,
            read: !body_only,
            write,
            in_list: true,
            pii: None,
            notes,
        }
    }

    /// Complete `from_`/`to_` pairs; a lone side is counted as not recognised.
    fn pair_ranges(&mut self, sides: Vec<RangeSides>) -> Vec<RangeFilter> {
        let mut ranges = Vec::new();
        for s in sides {
            match (s.from, s.to) {
                (Some(from), Some(to)) => ranges.push(RangeFilter {
                    from,
                    to,
                    field: s.field,
                }),
                (from, to) => self.unrecognised.push((
                    "range filter without its from_/to_ partner",
                    from.or(to).unwrap_or_default(),
                )),
            }
        }
        ranges
    }

    /// The endpoints the page documents, in the spec's order.
    fn endpoints(&mut self, list: &str) -> Vec<Endpoint> {
        const ORDER: &[(Kind, &str)] = &[
            (Kind::List, "list"),
            (Kind::ByIds, "find_by_ids"),
            (Kind::Get, "get"),
            (Kind::Create, "create"),
            (Kind::Update, "update"),
            (Kind::Delete, "delete"),
            (Kind::Commands, "commands"),
            (Kind::RunCommand, "run_command"),
            (Kind::Download, "downloads"),
        ];
        let mut out = Vec::new();
        for &(kind, key) in ORDER {
            // Find, List and the range form are one endpoint: GET list with query parameters.
            let blocks: Vec<&Block> = self
                .page
                .blocks
                .iter()
                .filter(|b| {
                    b.kind == kind
                        || (kind == Kind::List && matches!(b.kind, Kind::Find | Kind::Range))
                })
                .collect();
            let groups: Vec<Vec<&Block>> = match kind {
                Kind::Download => blocks.into_iter().map(|b| vec![b]).collect(),
                _ if blocks.is_empty() => vec![],
                _ => vec![blocks],
            };
            for group in groups {
                out.push(self.endpoint(kind, key, &group, list));
            }
        }
        for b in self.page.blocks_of(Kind::Unknown) {
            self.unrecognised.push((
                "method of an unknown kind",
                format!(
                    "{} {} ({})",
                    b.method.to_ascii_uppercase(),
                    b.path,
                    b.summary
                ),
            ));
        }
        out
    }

    /// One endpoint from the blocks that document it (several for list).
    fn endpoint(
        &mut self,
        kind: Kind,
        key: &'static str,
        blocks: &[&Block],
        list: &str,
    ) -> Endpoint {
        let first = blocks[0];
        let mut notes = Notes::new();
        let mut decision = None;
        let role = match blocks.iter().find_map(|b| b.role.as_deref()) {
            Some(page_role) => {
                let (role, note) = spell_role(page_role, &self.entity);
                if let Some(n) = note {
                    notes.push(("role", n));
                    self.unrecognised
                        .push(("role of another entity", format!("{key}: {page_role}")));
                }
                if role.rsplit_once('-').map(|(_, a)| a) != Some(kind.action()) {
                    notes.push(("role", format!("a {key} role is usually {}", kind.action())));
                }
                role
            }
            None => {
                match kind {
                    Kind::Commands => {
                        decision = Some(
                            "The page names no role for commands; the List role is assumed."
                                .to_string(),
                        );
                    }
                    Kind::Download => {
                        decision = Some(
                            "The page names no role for binary files; the Read role is assumed."
                                .to_string(),
                        );
                    }
                    _ => {
                        notes.push(("role", "the page names no role here".into()));
                        self.unrecognised
                            .push(("endpoint without a role", key.to_string()));
                    }
                }
                format!("{}-{}", self.entity, kind.action())
            }
        };
        if kind == Kind::RunCommand && first.method != "post" {
            decision = Some(format!(
                "The 2020 page documents run command as {}; the spec's POST follows document 003 and the newer pages.",
                first.method.to_ascii_uppercase()
            ));
        }
        let mut endpoint = Endpoint {
            kind: key,
            name: None,
            path: api_path(&first.path),
            role,
            query: None,
            decision,
            notes,
        };
        match kind {
            Kind::List => endpoint.path = api_path(list),
            Kind::ByIds => {
                endpoint.path = api_path(list);
                endpoint.query = BY_IDS_QUERY.captures(&first.path).map(|c| c[1].to_string());
            }
            Kind::Download => {
                // The summary names the file (`Avatar`); else the path does (`getavatar`).
                let summary = &first.summary;
                endpoint.name = Some(
                    if !summary.is_empty() && summary.chars().all(|c| c.is_ascii_alphanumeric()) {
                        summary.clone()
                    } else {
                        let segment = first.path.rsplit('/').nth(1).unwrap_or("");
                        segment.trim_start_matches("get").to_upper_camel_case()
                    },
                );
                if !first.in_binary_section {
                    let why = "outside the page's Binary files section";
                    endpoint.notes.push(("path", why.to_string()));
                }
            }
            _ => {}
        }
        endpoint
    }
}

/// The entity's name as the API spells it: the prefix its filters share
/// (`?TariffBookingCredit\_Name=`), else the find-by-ids query's.
fn entity_name(page: &Page) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for b in &page.blocks {
        let queries: Vec<String> = match b.kind {
            Kind::Find | Kind::Range => b.params.iter().filter_map(|p| p.query.clone()).collect(),
            Kind::ByIds => BY_IDS_QUERY
                .captures(&b.path)
                .map(|c| c[1].to_string())
                .into_iter()
                .collect(),
            _ => continue,
        };
        for q in queries {
            let q = q.trim_start_matches("from_").trim_start_matches("to_");
            let Some((name, _)) = q.split_once('_') else {
                continue;
            };
            if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                match counts.iter_mut().find(|(n, _)| n == name) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((name.to_string(), 1)),
                }
            }
        }
    }
    let best = counts.iter().map(|(_, c)| *c).max()?;
    counts.into_iter().find(|(_, c)| *c == best).map(|(n, _)| n)
}

/// The page names no sortable set: Id, the list record's scalar fields (all readable
/// scalar fields without a list example), CreatedOn and UpdatedOn.
pub(super) fn sort(fields: &[Field], list_fields: Vec<String>) -> Vec<String> {
    let scalar = |wire: &str| {
        fields
            .iter()
            .find(|f| f.wire == wire)
            .is_some_and(|f| f.read && f.in_list && f.ty != "json" && !f.ty.starts_with("ids<"))
    };
    let candidates = if list_fields.is_empty() {
        fields.iter().map(|f| f.wire.clone()).collect()
    } else {
        list_fields
    };
    let mut sort = vec!["Id".to_string()];
    for wire in candidates {
        if scalar(&wire) && !sort.contains(&wire) {
            sort.push(wire);
        }
    }
    sort.extend(["CreatedOn".to_string(), "UpdatedOn".to_string()]);
    sort
}

/// `/billing/tariffs/:id` → `/api/billing/tariffs/{Id}`.
fn api_path(path: &str) -> String {
    format!("/api{}", path.trim_end_matches('/').replace(":id", "{Id}"))
}
