//! The spec files as written: what `spec/service.yaml`, `spec/enums.yaml` and each
//! `spec/<area>/<entity>.yaml` hold, deserialised straight from YAML (unknown keys are
//! rejected) with the source position of every value a check may need to point at.
//!
//! Nothing outside `crate::spec` sees these types: the resolver
//! (`spec/resolve/`) checks them and turns them into the model ([`crate::model`]).

use std::fmt;
use std::path::PathBuf;

use marked_yaml::Spanned;
use serde::Deserialize;

use crate::model::{
    ActionEnvelope, CommandEnvelope, CommandParameterEnvelope, PageEnvelope, RunCommandEnvelope,
    ValidationErrorEnvelope,
};

/// Every parsed file of one spec folder.
#[derive(Debug, Clone)]
pub struct RawSpec {
    pub service: Service,
    pub enums: Vec<EnumDef>,
    /// Ordered by area then entity name, so that output is deterministic.
    pub entities: Vec<Entity>,
}

/// `spec/service.yaml`: what every entity shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: Spanned<String>,
    pub docs: Spanned<String>,
    pub base_url: Spanned<String>,
    pub documents: Vec<Document>,
    pub auth: Auth,
    pub paging: Paging,
    pub range_filters: RangeFilterNaming,
    pub envelopes: Envelopes,
    pub throttling: Throttling,
    pub base_fields: Vec<Field>,
}

/// One source document: a file of `../shared/api-docs/`, a folder of a public repository
/// at a commit, or a website. Exactly one of `file`, `repo` and `url` is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub name: Spanned<String>,
    pub title: Spanned<String>,
    #[serde(default)]
    pub file: Option<Spanned<String>>,
    #[serde(default)]
    pub repo: Option<Spanned<String>>,
    #[serde(default)]
    pub commit: Option<Spanned<String>>,
    #[serde(default)]
    pub folder: Option<Spanned<String>>,
    #[serde(default)]
    pub url: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub bearer: AuthScheme,
    pub basic: AuthScheme,
    pub password_grant: PasswordGrant,
    /// Who the credentials belong to; optional.
    #[serde(default)]
    pub current_user: Option<CurrentUser>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrentUser {
    pub path: Spanned<String>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthScheme {
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordGrant {
    pub path: Spanned<String>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    pub page: QueryParam,
    pub size: QueryParam,
    pub order_by: QueryParam,
    pub direction: DirectionParam,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryParam {
    pub query: Spanned<String>,
    #[serde(default)]
    pub default: Option<Spanned<u32>>,
    #[serde(default)]
    pub max: Option<Spanned<u32>>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectionParam {
    pub query: Spanned<String>,
    pub ascending: Spanned<String>,
    pub descending: Spanned<String>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeFilterNaming {
    pub from_prefix: Spanned<String>,
    pub to_prefix: Spanned<String>,
    pub datetime_format: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

/// The JSON envelopes: for each property the runtime reads or writes, its wire name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelopes {
    pub validation_status: Spanned<u16>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
    pub action: ActionEnvelope<Slot>,
    pub validation_error: ValidationErrorEnvelope<Slot>,
    pub page: PageEnvelope<Slot>,
    pub command: CommandEnvelope<Slot>,
    pub command_parameter: CommandParameterEnvelope<Slot>,
    pub run_command: RunCommandEnvelope<Slot>,
}

/// One property of an envelope: its wire name and what it means.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub wire: Spanned<String>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Throttling {
    pub statuses: Vec<Spanned<u16>>,
    pub message: Spanned<String>,
    /// The documented limits, each over a sliding window.
    #[serde(default)]
    pub limits: Vec<RateLimit>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
}

/// At most `count` requests of a kind in any window of `window_ms` milliseconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub applies_to: Spanned<LimitedRequests>,
    pub count: Spanned<u32>,
    pub window_ms: Spanned<u64>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
}

/// The requests a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitedRequests {
    /// Every request.
    All,
    /// Writes: POST, PUT and DELETE.
    Writes,
}

/// `spec/enums.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumsFile {
    pub enums: Vec<EnumDef>,
}

/// An enumeration of the API, declared once and used by fields of any entity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    /// The API's name (`eTimeSpanWeekMonth`).
    pub name: Spanned<String>,
    #[serde(default)]
    pub rust: Option<Spanned<String>>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
    /// May be empty: an enumeration whose values no document gives.
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub value: Spanned<i64>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub docs: Option<Spanned<String>>,
}

/// One `spec/<area>/<entity>.yaml` file, with where it came from.
#[derive(Debug, Clone)]
pub struct Entity {
    /// The API area, from the file's folder (`billing`).
    pub area: String,
    /// The file, for messages.
    pub file: PathBuf,
    pub def: EntityDef,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityDef {
    pub entity: Spanned<String>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    pub fields: Vec<Field>,
    #[serde(default)]
    pub list: ListRecord,
    #[serde(default)]
    pub filters: Vec<Filter>,
    #[serde(default)]
    pub range_filters: Vec<RangeFilter>,
    #[serde(default)]
    pub sort: Vec<Spanned<String>>,
    pub endpoints: Endpoints,
    #[serde(default)]
    pub commands: Vec<Command>,
    #[serde(default)]
    pub children: Vec<Child>,
}

/// An inline child array that create and update bodies carry (`BookingProducts`): records
/// of another entity, created with the parent and linked to it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Child {
    /// The body property (`BookingProducts`).
    pub wire: Spanned<String>,
    #[serde(default)]
    pub rust: Option<Spanned<String>>,
    /// The entity of each element (`BookingProduct`).
    pub entity: Spanned<String>,
    /// The element's writable properties: wire names of fields (record or joined) of `entity`.
    pub properties: Vec<Spanned<String>>,
    /// The field of `entity` that names the parent; by default its one `id<Parent>` field.
    #[serde(default)]
    pub link: Option<Spanned<String>>,
    /// The bodies that carry it; default both.
    #[serde(default)]
    pub write: Option<Spanned<Vec<Spanned<WriteTarget>>>>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

impl Child {
    /// The name case conversion starts from: the Rust override, else the wire name.
    pub fn rust_source(&self) -> &Spanned<String> {
        self.rust.as_ref().unwrap_or(&self.wire)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRecord {
    #[serde(default)]
    pub docs: Option<Spanned<String>>,
    #[serde(default)]
    pub joined: Vec<Field>,
}

/// One property of a record.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub wire: Spanned<String>,
    #[serde(default)]
    pub rust: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub ty: Spanned<TypeExpr>,
    #[serde(default)]
    pub required: Option<Spanned<bool>>,
    /// The bodies that may set it; default both, `[]` for read-only.
    #[serde(default)]
    pub write: Option<Spanned<Vec<Spanned<WriteTarget>>>>,
    /// Whether answers carry it; `false` for body-only fields.
    #[serde(default)]
    pub read: Option<Spanned<bool>>,
    #[serde(default)]
    pub api_only: bool,
    #[serde(default)]
    pub nullable: Option<Spanned<bool>>,
    #[serde(default)]
    pub in_list: Option<Spanned<bool>>,
    /// The category of personal data it holds (`NAME`, `EMAIL`, ...), for tools that redact.
    #[serde(default)]
    pub pii: Option<Spanned<String>>,
    /// The option Nexudus's command line and catalogue name it by, where that is not the
    /// kebab-case of its wire name (`teams-at-booking` for `TeamsAtTheTimeOfBooking`).
    #[serde(default)]
    pub flag: Option<Spanned<String>>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

impl Field {
    pub fn is_required(&self) -> bool {
        self.required.as_ref().is_some_and(|r| **r)
    }

    /// The name case conversion starts from: the Rust override, else the wire name.
    pub fn rust_source(&self) -> &Spanned<String> {
        self.rust.as_ref().unwrap_or(&self.wire)
    }
}

/// A body a field may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteTarget {
    Create,
    Update,
}

/// A type as written: `integer`, `id<Coworker>`, `enum<eTimeSpanWeekMonth>`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    Id(String),
    Ids(String),
    Enum(String),
    Integer,
    Decimal,
    Money,
    Boolean,
    String,
    DateTime,
    Guid,
    Json,
    /// Did not parse; the resolver reports it.
    Invalid {
        text: String,
        reason: String,
    },
}

/// Type names a spec may use, for messages and suggestions.
pub const TYPE_NAMES: &[&str] = &[
    "integer",
    "decimal",
    "money",
    "boolean",
    "string",
    "datetime",
    "guid",
    "json",
    "id<Entity>",
    "ids<Entity>",
    "enum<eName>",
];

/// The entity name `id<>` takes for the record's own entity (the base field `Id`).
pub const SELF_ENTITY: &str = "Self";

impl TypeExpr {
    /// Parses the spec's type syntax; never fails, see [`TypeExpr::Invalid`].
    pub fn parse(text: &str) -> TypeExpr {
        let t = text.trim();
        let generic = |prefix: &str| {
            t.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('<'))
                .and_then(|rest| rest.strip_suffix('>'))
                .map(str::trim)
        };
        let invalid = |reason: String| TypeExpr::Invalid {
            text: t.to_owned(),
            reason,
        };
        let name_ok = |inner: &str| {
            !inner.is_empty()
                && inner.chars().all(|c| c.is_ascii_alphanumeric())
                && inner.starts_with(|c: char| c.is_ascii_alphabetic())
        };
        for (prefix, make) in [
            ("ids", TypeExpr::Ids as fn(String) -> TypeExpr),
            ("id", TypeExpr::Id),
            ("enum", TypeExpr::Enum),
        ] {
            if let Some(inner) = generic(prefix) {
                if !name_ok(inner) {
                    let example = if prefix == "enum" {
                        "enum<eTimeSpanWeekMonth>"
                    } else {
                        "id<Coworker>"
                    };
                    return invalid(format!(
                        "`{t}` needs a name of ASCII letters and digits, like `{example}`"
                    ));
                }
                return make(inner.to_owned());
            }
        }
        match t {
            "integer" => TypeExpr::Integer,
            "decimal" => TypeExpr::Decimal,
            "money" => TypeExpr::Money,
            "boolean" => TypeExpr::Boolean,
            "string" => TypeExpr::String,
            "datetime" => TypeExpr::DateTime,
            "guid" => TypeExpr::Guid,
            "json" => TypeExpr::Json,
            _ => invalid(format!("unknown type `{t}`")),
        }
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::Id(e) => write!(f, "id<{e}>"),
            TypeExpr::Ids(e) => write!(f, "ids<{e}>"),
            TypeExpr::Enum(e) => write!(f, "enum<{e}>"),
            TypeExpr::Integer => f.write_str("integer"),
            TypeExpr::Decimal => f.write_str("decimal"),
            TypeExpr::Money => f.write_str("money"),
            TypeExpr::Boolean => f.write_str("boolean"),
            TypeExpr::String => f.write_str("string"),
            TypeExpr::DateTime => f.write_str("datetime"),
            TypeExpr::Guid => f.write_str("guid"),
            TypeExpr::Json => f.write_str("json"),
            TypeExpr::Invalid { text, .. } => f.write_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for TypeExpr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| TypeExpr::parse(&s))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub query: Spanned<String>,
    pub field: Spanned<String>,
    #[serde(default)]
    pub rust: Option<Spanned<String>>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeFilter {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub field: Spanned<String>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

/// The endpoints of an entity, by kind; every kind is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    #[serde(default)]
    pub list: Option<Endpoint>,
    #[serde(default)]
    pub find_by_ids: Option<Endpoint>,
    #[serde(default)]
    pub get: Option<Endpoint>,
    #[serde(default)]
    pub create: Option<Endpoint>,
    #[serde(default)]
    pub update: Option<Endpoint>,
    #[serde(default)]
    pub delete: Option<Endpoint>,
    #[serde(default)]
    pub commands: Option<Endpoint>,
    #[serde(default)]
    pub run_command: Option<Endpoint>,
    #[serde(default)]
    pub downloads: Vec<Download>,
}

/// One endpoint; its method, body and answer follow from its kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub path: Spanned<String>,
    pub role: Spanned<String>,
    /// For `find_by_ids`: the query parameter that takes `[1,2]`.
    #[serde(default)]
    pub query: Option<Spanned<String>>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

/// A binary file endpoint: `GET .../getavatar/{Id}` answers bytes with a content type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Download {
    pub name: Spanned<String>,
    pub path: Spanned<String>,
    pub role: Spanned<String>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Command {
    pub key: Spanned<String>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
}
