//! Two resolved models compared for what the generated crate's users see, each change
//! classed as breaking or not for the crate's public Rust API.

mod entities;
mod enums;
mod fields;
mod pairs;
mod query;
mod service;

use codegen::model::Api;

/// The kinds of change, in the order the changelog shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Service,
    Entities,
    Endpoints,
    Roles,
    Fields,
    Joined,
    Children,
    Filters,
    RangeFilters,
    Sort,
    Commands,
    Enums,
    Ids,
}

impl Section {
    pub const ALL: [Section; 13] = [
        Section::Service,
        Section::Entities,
        Section::Endpoints,
        Section::Roles,
        Section::Fields,
        Section::Joined,
        Section::Children,
        Section::Filters,
        Section::RangeFilters,
        Section::Sort,
        Section::Commands,
        Section::Enums,
        Section::Ids,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Service => "Service",
            Section::Entities => "Entities",
            Section::Endpoints => "Endpoints",
            Section::Roles => "Roles",
            Section::Fields => "Fields",
            Section::Joined => "Joined fields",
            Section::Children => "Inline children",
            Section::Filters => "Filters",
            Section::RangeFilters => "Range filters",
            Section::Sort => "Sort fields",
            Section::Commands => "Command keys",
            Section::Enums => "Enumerations",
            Section::Ids => "Typed ids",
        }
    }

    /// What its changes belong to, in the plural, for the counts of their groups.
    pub fn owners(self) -> &'static str {
        match self {
            Section::Service => "service files",
            Section::Enums => "enumerations",
            Section::Ids => "ids",
            _ => "entities",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub section: Section,
    /// The entity, enumeration or id it belongs to (`Coworker`, `eTimeSpan`).
    pub owner: String,
    /// What within the owner: a field's wire name, a filter's query, an endpoint; empty for
    /// the owner itself.
    pub subject: String,
    pub kind: Kind,
    /// What changed, in the spec's terms.
    pub what: String,
    /// Why code built against the previous crate may stop compiling or behave differently;
    /// empty when it does not.
    pub breaks: Vec<String>,
}

impl Change {
    pub fn is_breaking(&self) -> bool {
        !self.breaks.is_empty()
    }
}

/// Collects the changes of one comparison.
#[derive(Debug, Default)]
pub struct Changes(pub Vec<Change>);

impl Changes {
    pub fn push(
        &mut self,
        section: Section,
        owner: &str,
        subject: &str,
        kind: Kind,
        what: String,
        breaks: Vec<String>,
    ) {
        self.0.push(Change {
            section,
            owner: owner.to_owned(),
            subject: subject.to_owned(),
            kind,
            what,
            breaks,
        });
    }
}

/// Every change from `old` to `new`, by section, then owner, in the spec's order within an
/// owner.
pub fn compare(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Changes::default();
    service::compare(old, new, &mut changes);
    entities::compare(old, new, &mut changes);
    enums::compare(old, new, &mut changes);
    let mut changes = changes.0;
    // Stable: the order of discovery (the spec's) is kept within an owner.
    changes.sort_by(|a, b| (a.section, &a.owner).cmp(&(b.section, &b.owner)));
    changes
}

/// `[create, update]`, as the spec writes a write rule.
pub fn write_rule(create: bool, update: bool) -> String {
    let bodies: Vec<&str> = [(create, "create"), (update, "update")]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
    format!("[{}]", bodies.join(", "))
}

/// `a → b` for a changed property.
pub fn was_is(name: &str, old: impl std::fmt::Display, new: impl std::fmt::Display) -> String {
    format!("{name} {old} → {new}")
}
