//! The spec's data model: what `spec/service.yaml` and each `spec/<area>/<entity>.yaml` hold.
//!
//! These types are deserialised straight from YAML (unknown keys are rejected) and keep the
//! source position of every value that a later check may need to point at. A [`Spec`] handed
//! out by [`crate::spec::load`] has passed every check in [`crate::spec::validate`], so the
//! emitters can rely on it without re-checking.

use std::fmt;
use std::path::PathBuf;

use marked_yaml::Spanned;
use serde::Deserialize;

/// The whole, validated API description.
#[derive(Debug, Clone)]
pub struct Spec {
    pub service: Service,
    /// Every entity, ordered by area then entity name, so that output is deterministic.
    pub entities: Vec<Entity>,
}

/// `spec/service.yaml`: what every entity shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The API's name, used in crate documentation.
    pub name: Spanned<String>,
    pub docs: Spanned<String>,
    /// Default base URL of the client.
    pub base_url: Spanned<String>,
    /// The source documents a `sources:` entry may name, by short name (`"000"`, `"NOTES.md"`).
    pub documents: Vec<Document>,
    pub auth: Auth,
    pub paging: Paging,
    pub range_filters: RangeFilterNaming,
    pub envelopes: Envelopes,
    pub throttling: Throttling,
    /// Fields every entity's full record carries (Id, UniqueId, CreatedOn, ...).
    pub base_fields: Vec<Field>,
}

/// One source document of the transcription.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Short name used in `sources:` lists.
    pub name: Spanned<String>,
    /// File name under `../shared/api-docs/`.
    pub file: Spanned<String>,
    pub title: Spanned<String>,
}

/// Authentication schemes the API accepts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub bearer: AuthScheme,
    pub basic: AuthScheme,
    pub password_grant: PasswordGrant,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthScheme {
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
}

/// `POST /api/token` with `grant_type=password` and `grant_type=refresh_token`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordGrant {
    pub path: Spanned<String>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
}

/// The paging and sorting query parameters of every list endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    pub page: QueryParam,
    pub size: QueryParam,
    pub order_by: QueryParam,
    pub direction: DirectionParam,
}

/// A paging query parameter with its exact name and, where documented, default and limit.
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

/// The sort direction parameter and the values it takes.
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

/// How range filter query names are spelled: `from_X` / `to_X`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeFilterNaming {
    pub from_prefix: Spanned<String>,
    pub to_prefix: Spanned<String>,
    /// Wire format of date-time values in filters (`YYYY-MM-DDTHH:mm`).
    pub datetime_format: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

/// The JSON envelopes the API wraps answers in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelopes {
    /// `{Status, Message, Value, WasSuccessful, Errors}` of create, update, delete, run command.
    pub action: Vec<Field>,
    /// One entry of the action envelope's `Errors`.
    pub validation_error: Vec<Field>,
    /// The page of a list answer (`Records`, `CurrentPage`, ...).
    pub page: Vec<Field>,
    /// One entry of the commands list.
    pub command: Vec<Field>,
    /// The HTTP status of a validation failure.
    pub validation_status: Spanned<u16>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

/// How the API says "slow down".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Throttling {
    pub statuses: Vec<Spanned<u16>>,
    pub message: Spanned<String>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
}

/// One `spec/<area>/<entity>.yaml` file, with where it came from.
#[derive(Debug, Clone)]
pub struct Entity {
    /// The API area, from the file's folder (`billing`).
    pub area: String,
    /// The file, relative to the spec folder, for messages.
    pub file: PathBuf,
    pub def: EntityDef,
}

/// The content of an entity file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityDef {
    /// The entity's name as the API spells it (`CoworkerDiscountCode`).
    pub entity: Spanned<String>,
    pub docs: Spanned<String>,
    pub sources: Vec<Spanned<String>>,
    /// Fields of the full record besides the service's base fields.
    pub fields: Vec<Field>,
    #[serde(default)]
    pub list: ListRecord,
    #[serde(default)]
    pub filters: Vec<Filter>,
    #[serde(default)]
    pub range_filters: Vec<RangeFilter>,
    /// Fields the list can be ordered by, by wire name.
    #[serde(default)]
    pub sort: Vec<Spanned<String>>,
    pub endpoints: Endpoints,
    /// Command keys the documents name (the server lists the live set).
    #[serde(default)]
    pub commands: Vec<Command>,
}

/// What a list record adds to the full record (it leaves out fields marked `in_list: false`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListRecord {
    #[serde(default)]
    pub docs: Option<Spanned<String>>,
    /// Display fields joined from related entities (`CoworkerFullName`); always read-only.
    #[serde(default)]
    pub joined: Vec<Field>,
}

/// One property of a record or envelope.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The JSON property name, exactly as the API spells it (typos included).
    pub wire: Spanned<String>,
    /// The Rust name to use instead of the converted wire name (for typos and odd names).
    #[serde(default)]
    pub rust: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub ty: Spanned<TypeExpr>,
    /// Must be given on create.
    #[serde(default)]
    pub required: bool,
    /// Set by the server; never sent.
    #[serde(default)]
    pub read_only: bool,
    /// Only visible and writable through the API, not the web UI.
    #[serde(default)]
    pub api_only: bool,
    /// May be absent or null in answers. Defaults to "not required".
    #[serde(default)]
    pub nullable: Option<bool>,
    /// Carried by list records (default true).
    #[serde(default = "default_true")]
    pub in_list: bool,
    pub docs: Spanned<String>,
    /// Document short names this field comes from.
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    /// Why the spec says what it says where the documents disagree.
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

fn default_true() -> bool {
    true
}

impl Field {
    /// Whether answers may omit the field or send null.
    pub fn is_nullable(&self) -> bool {
        self.nullable.unwrap_or(!self.required)
    }

    /// Whether list records may omit the field or send null: all but `Id` may. List records
    /// are summaries whose shape differs between the documents (002 and 003 name the same
    /// ids `CoworkerId` and `Coworker`), so they are decoded leniently.
    pub fn is_nullable_in_list(&self) -> bool {
        self.wire.as_str() != ID_FIELD
    }

    /// The name case conversion starts from: the Rust override, else the wire name.
    pub fn rust_source_name(&self) -> &str {
        self.rust
            .as_deref()
            .map(String::as_str)
            .unwrap_or(&self.wire)
    }
}

/// A field's type, written in the spec as `integer`, `id<Coworker>`, `ids<Product>`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    /// Id of a record of the named entity.
    Id(String),
    /// A list of ids of the named entity.
    Ids(String),
    Integer,
    /// Decimal money amount.
    Money,
    Boolean,
    String,
    DateTime,
    Guid,
    /// Free JSON.
    Json,
    /// A type expression that did not parse; validation reports it, so a loaded spec has none.
    Invalid {
        text: String,
        reason: String,
    },
}

/// Type names a spec may use, for messages and suggestions.
pub const TYPE_NAMES: &[&str] = &[
    "integer",
    "money",
    "boolean",
    "string",
    "datetime",
    "guid",
    "json",
    "id<Entity>",
    "ids<Entity>",
];

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
        if let Some(inner) = generic("ids").or_else(|| generic("id")) {
            let is_list = t.starts_with("ids");
            if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_alphanumeric()) {
                return invalid(format!("`{t}` needs an entity name, like `id<Coworker>`"));
            }
            return if is_list {
                TypeExpr::Ids(inner.to_owned())
            } else {
                TypeExpr::Id(inner.to_owned())
            };
        }
        match t {
            "integer" => TypeExpr::Integer,
            "money" => TypeExpr::Money,
            "boolean" => TypeExpr::Boolean,
            "string" => TypeExpr::String,
            "datetime" => TypeExpr::DateTime,
            "guid" => TypeExpr::Guid,
            "json" => TypeExpr::Json,
            _ => invalid(format!("unknown type `{t}`")),
        }
    }

    /// Whether `from_`/`to_` range filters make sense on this type.
    pub fn has_range(&self) -> bool {
        matches!(
            self,
            TypeExpr::Integer | TypeExpr::Money | TypeExpr::DateTime
        )
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::Id(e) => write!(f, "id<{e}>"),
            TypeExpr::Ids(e) => write!(f, "ids<{e}>"),
            TypeExpr::Integer => f.write_str("integer"),
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

/// An equality filter: `?CoworkerDiscountCode_Coworker=12`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// The exact query parameter name.
    pub query: Spanned<String>,
    /// The wire name of the record or joined field it compares with; its type is the value's.
    pub field: Spanned<String>,
    /// Rust variant name override (otherwise derived from the query name).
    #[serde(default)]
    pub rust: Option<Spanned<String>>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

/// A range filter: `?from_X=..&to_X=..` on one field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeFilter {
    /// The exact query parameter names.
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    /// The wire name of the record or joined field it bounds.
    pub field: Spanned<String>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

/// The endpoints of an entity, by kind. Each kind has a fixed method, body and answer.
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
}

/// The kinds of endpoint, in the order they are emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointKind {
    List,
    FindByIds,
    Get,
    Create,
    Update,
    Delete,
    Commands,
    RunCommand,
}

impl EndpointKind {
    pub const ALL: [EndpointKind; 8] = [
        EndpointKind::List,
        EndpointKind::FindByIds,
        EndpointKind::Get,
        EndpointKind::Create,
        EndpointKind::Update,
        EndpointKind::Delete,
        EndpointKind::Commands,
        EndpointKind::RunCommand,
    ];

    /// The key of this kind under `endpoints:`.
    pub fn key(self) -> &'static str {
        match self {
            EndpointKind::List => "list",
            EndpointKind::FindByIds => "find_by_ids",
            EndpointKind::Get => "get",
            EndpointKind::Create => "create",
            EndpointKind::Update => "update",
            EndpointKind::Delete => "delete",
            EndpointKind::Commands => "commands",
            EndpointKind::RunCommand => "run_command",
        }
    }

    /// The HTTP method every endpoint of this kind uses.
    pub fn method(self) -> Method {
        match self {
            EndpointKind::List
            | EndpointKind::FindByIds
            | EndpointKind::Get
            | EndpointKind::Commands => Method::Get,
            EndpointKind::Create | EndpointKind::RunCommand => Method::Post,
            EndpointKind::Update => Method::Put,
            EndpointKind::Delete => Method::Delete,
        }
    }

    /// The request body this kind sends.
    pub fn body(self) -> Body {
        match self {
            EndpointKind::Create => Body::Create,
            EndpointKind::Update => Body::Update,
            EndpointKind::RunCommand => Body::RunCommand,
            _ => Body::None,
        }
    }

    /// What this kind answers.
    pub fn answer(self) -> Answer {
        match self {
            EndpointKind::List | EndpointKind::FindByIds => Answer::Page,
            EndpointKind::Get => Answer::Record,
            EndpointKind::Create
            | EndpointKind::Update
            | EndpointKind::Delete
            | EndpointKind::RunCommand => Answer::Action,
            EndpointKind::Commands => Answer::Commands,
        }
    }

    /// Whether the path carries the record's `{Id}`.
    pub fn has_id_in_path(self) -> bool {
        matches!(self, EndpointKind::Get | EndpointKind::Delete)
    }
}

impl Endpoints {
    /// The endpoints the spec defines, in [`EndpointKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (EndpointKind, &Endpoint)> {
        EndpointKind::ALL
            .into_iter()
            .filter_map(|kind| self.get(kind).map(|e| (kind, e)))
    }

    pub fn get(&self, kind: EndpointKind) -> Option<&Endpoint> {
        match kind {
            EndpointKind::List => self.list.as_ref(),
            EndpointKind::FindByIds => self.find_by_ids.as_ref(),
            EndpointKind::Get => self.get.as_ref(),
            EndpointKind::Create => self.create.as_ref(),
            EndpointKind::Update => self.update.as_ref(),
            EndpointKind::Delete => self.delete.as_ref(),
            EndpointKind::Commands => self.commands.as_ref(),
            EndpointKind::RunCommand => self.run_command.as_ref(),
        }
    }
}

/// One endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub method: Spanned<Method>,
    /// Path below the base URL; `{Id}` stands for the record's id.
    pub path: Spanned<String>,
    /// The role a non-administrator needs, `Entity-Action`.
    pub role: Spanned<String>,
    /// The request body; must be the one of the endpoint's kind.
    pub body: Spanned<Body>,
    /// The answer; must be the one of the endpoint's kind.
    pub answer: Spanned<Answer>,
    /// For `find_by_ids`: the query parameter that takes `[1,2]`.
    #[serde(default)]
    pub query: Option<Spanned<String>>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub decision: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Method {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
    #[serde(rename = "PUT")]
    Put,
    #[serde(rename = "DELETE")]
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    None,
    Create,
    Update,
    RunCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Page,
    Record,
    Action,
    Commands,
}

impl Body {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Body::None => "none",
            Body::Create => "create",
            Body::Update => "update",
            Body::RunCommand => "run_command",
        }
    }
}

impl Answer {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Page => "page",
            Answer::Record => "record",
            Answer::Action => "action",
            Answer::Commands => "commands",
        }
    }
}

/// A command key the documents name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Command {
    pub key: Spanned<String>,
    pub docs: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
}

/// The wire name of the base field that identifies a record; updates and paths use it.
pub const ID_FIELD: &str = "Id";

/// Rust field names the generated records use for themselves.
pub const RESERVED_FIELD_NAMES: &[&str] = &["extra"];

/// The role actions an endpoint may require (`CoworkerDiscountCode-Edit`).
pub const ROLE_ACTIONS: &[&str] = &["List", "Read", "Create", "Edit", "Delete"];

impl EntityDef {
    /// The fields of the full record (what GET one answers): the base fields, then the entity's.
    pub fn full_record<'a>(
        &'a self,
        service: &'a Service,
    ) -> impl Iterator<Item = &'a Field> + Clone {
        service.base_fields.iter().chain(self.fields.iter())
    }

    /// The fields of a list record: the full record's listed fields, then the joined ones.
    pub fn list_record<'a>(
        &'a self,
        service: &'a Service,
    ) -> impl Iterator<Item = &'a Field> + Clone {
        self.full_record(service)
            .filter(|f| f.in_list)
            .chain(self.list.joined.iter())
    }

    /// A field of the full or list record, by wire name.
    pub fn find_field<'a>(&'a self, service: &'a Service, wire: &str) -> Option<&'a Field> {
        self.full_record(service)
            .chain(self.list.joined.iter())
            .find(|f| f.wire.as_str() == wire)
    }
}

impl Filter {
    /// What the filter's enum variant is named from: the `rust:` override, else the query
    /// name without the `Entity_` prefix (`CoworkerDiscountCode_Coworker_FullName` gives
    /// `Coworker_FullName`, so the variant `CoworkerFullName`).
    pub fn variant_source<'a>(&'a self, entity: &str) -> &'a str {
        if let Some(rust) = &self.rust {
            return rust;
        }
        self.query
            .strip_prefix(entity)
            .and_then(|rest| rest.strip_prefix('_'))
            .filter(|rest| !rest.is_empty())
            .unwrap_or(&self.query)
    }
}

impl RangeFilter {
    /// What the two enum variants are named from: `From<Field>` and `To<Field>`, as on the wire.
    pub fn variant_sources(&self) -> [String; 2] {
        [
            format!("From{}", self.field.as_str()),
            format!("To{}", self.field.as_str()),
        ]
    }
}

impl RangeFilterNaming {
    /// The documents' `YYYY-MM-DDTHH:mm` notation as a chrono format string (`%Y-%m-%dT%H:%M`).
    pub fn chrono_datetime_format(&self) -> String {
        [
            ("YYYY", "%Y"),
            ("MM", "%m"),
            ("DD", "%d"),
            ("HH", "%H"),
            ("mm", "%M"),
            ("ss", "%S"),
        ]
        .iter()
        .fold(self.datetime_format.to_string(), |acc, (from, to)| {
            acc.replace(from, to)
        })
    }
}
