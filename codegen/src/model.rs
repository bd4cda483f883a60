//! The resolved model: what the emitters (Rust, OpenAPI, `SCHEMA`) read.
//!
//! [`crate::spec::load`] builds it from the spec files only when every check passed, with
//! every reference resolved: a filter knows its field's type, a field knows its enum or id
//! type, every Rust name is made (by [`crate::names`]) and valid, and every endpoint is one
//! of the known operations. Emitters never look anything up by name and never re-check.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

use crate::names::RustIdent;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    pub service: Service,
    /// Every enumeration, in Rust name order.
    pub enums: Vec<Arc<Enum>>,
    /// Every entity a record has or an id names, in Rust name order.
    pub ids: Vec<Arc<IdType>>,
    /// Every entity, in area then name order.
    pub entities: Vec<Entity>,
}

impl Api {
    /// The areas and their entities, in order.
    pub fn areas(&self) -> Vec<(&RustIdent, Vec<&Entity>)> {
        let mut areas: Vec<(&RustIdent, Vec<&Entity>)> = Vec::new();
        for entity in &self.entities {
            match areas.last_mut() {
                Some((area, entities)) if *area == &entity.area => entities.push(entity),
                _ => areas.push((&entity.area, vec![entity])),
            }
        }
        areas
    }
}

/// `service.yaml`.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub docs: String,
    pub base_url: String,
    pub documents: Vec<Document>,
    pub auth: Auth,
    pub paging: Paging,
    pub range: RangeNaming,
    pub envelopes: Envelopes,
    pub throttling: Throttling,
}

/// A source document.
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub title: String,
    pub location: Location,
}

/// Where a document is.
#[derive(Debug, Clone)]
pub enum Location {
    /// A file of `../shared/api-docs/`.
    File(String),
    /// A folder of a public GitHub repository at a commit; pages are paths below it.
    Repo {
        repo: String,
        commit: String,
        folder: String,
    },
    /// A website; pages are paths below the URL.
    Url(String),
}

#[derive(Debug, Clone)]
pub struct Auth {
    pub bearer_docs: String,
    pub basic_docs: String,
    /// The password and refresh-token grants' path (`/api/token`).
    pub token_path: String,
    pub password_grant_docs: String,
    /// The path that answers who the credentials belong to, with its docs.
    pub current_user: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Paging {
    pub page: Param,
    /// The first page's number.
    pub default_page: u32,
    pub size: Param,
    pub default_size: u32,
    /// The largest page size the API serves.
    pub max_size: u32,
    pub order_by: Param,
    pub direction: Param,
    /// The values of `direction`.
    pub ascending: String,
    pub descending: String,
}

/// A service-wide query parameter.
#[derive(Debug, Clone)]
pub struct Param {
    pub query: String,
    pub docs: String,
    pub decision: Option<String>,
}

/// How range filters and date-time filter values are written.
#[derive(Debug, Clone)]
pub struct RangeNaming {
    pub from_prefix: String,
    pub to_prefix: String,
    /// As the documents write it (`YYYY-MM-DDTHH:mm`).
    pub datetime_format: String,
    /// The same as a chrono format string (`%Y-%m-%dT%H:%M`); only the tokens chrono
    /// formats without failing.
    pub chrono_format: String,
    pub decision: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Throttling {
    pub statuses: Vec<u16>,
    pub message: String,
    /// The documented limits; a client keeps to them all.
    pub limits: Vec<RateLimit>,
    pub docs: String,
}

/// At most `count` requests (every one, or writes only) in any sliding window of
/// `window_ms` milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub window_ms: u64,
    /// Counts only POST, PUT and DELETE.
    pub writes_only: bool,
    pub docs: String,
}

/// A property of an envelope: the runtime's name for it (`records`) and the API's.
#[derive(Debug, Clone)]
pub struct Slot {
    pub wire: String,
    pub docs: String,
}

/// Declares an envelope whose fields are the runtime's slots, generic over what a slot
/// is: the parsed spec (`raw::Slot`) and the model ([`Slot`]) share the declaration, so a
/// slot added here is required in `service.yaml` and reaches every emitter.
macro_rules! envelope {
    ($(#[$doc:meta])* $name:ident { $($slot:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name<S> {
            $(pub $slot: S,)*
        }

        impl<S> $name<S> {
            /// `(slot name, slot)` in declaration order.
            pub fn slots(&self) -> Vec<(&'static str, &S)> {
                vec![$((stringify!($slot).trim_start_matches("r#"), &self.$slot)),*]
            }

            /// The same envelope with each slot converted.
            pub fn map<T>(&self, mut f: impl FnMut(&S) -> T) -> $name<T> {
                $name { $($slot: f(&self.$slot),)* }
            }
        }
    };
}

envelope!(
    /// `{Status, Message, Value, WasSuccessful, Errors}`: create, update, delete, run command.
    ActionEnvelope { status, message, value, was_successful, errors }
);
envelope!(
    /// One entry of the action envelope's errors.
    ValidationErrorEnvelope { property_name, message, attempted_value }
);
envelope!(
    /// A list answer.
    PageEnvelope {
        records, current_page, current_page_size, current_order_field,
        current_sort_direction, first_item, last_item, total_items, total_pages,
        has_next_page, has_previous_page,
    }
);
envelope!(
    /// One entry of the commands list.
    CommandEnvelope {
        key, name, applies_only_to_multiple_entities, applies_only_to_one_entity,
        applies_only_to_two_entities, display_in_dropdown, display_in_dropdown_v2,
        display_in_grid, needs_entities_to_run, order, requires_parameters,
    }
);
envelope!(
    /// A parameter a command takes, and one the run-command body passes.
    CommandParameterEnvelope { name, r#type, value }
);
envelope!(
    /// The run-command body.
    RunCommandEnvelope { key, ids, parameters }
);

/// The envelopes' wire names, one source for the runtime, the emulator and the OpenAPI
/// document.
#[derive(Debug, Clone)]
pub struct Envelopes {
    /// The HTTP status of a validation failure.
    pub validation_status: u16,
    pub decision: Option<String>,
    pub action: ActionEnvelope<Slot>,
    pub validation_error: ValidationErrorEnvelope<Slot>,
    pub page: PageEnvelope<Slot>,
    pub command: CommandEnvelope<Slot>,
    pub command_parameter: CommandParameterEnvelope<Slot>,
    pub run_command: RunCommandEnvelope<Slot>,
}

/// An enumeration of the API.
#[derive(Debug, Clone)]
pub struct Enum {
    /// The API's name (`eTimeSpanWeekMonth`).
    pub name: String,
    /// The Rust type (`TimeSpanWeekMonth`).
    pub rust: RustIdent,
    pub docs: String,
    pub decision: Option<String>,
    /// The known values, in spec order; may be empty.
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub value: i64,
    /// As the documents name it (`CalendarMonth`).
    pub name: String,
    pub variant: RustIdent,
    pub docs: Option<String>,
}

/// A typed id: the id of a record of one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdType {
    /// The entity (`Coworker`); it need not be in the spec.
    pub entity: String,
    /// The newtype (`CoworkerId`).
    pub rust: RustIdent,
}

/// One entity.
#[derive(Debug, Clone)]
pub struct Entity {
    /// As the API spells it (`CoworkerDiscountCode`).
    pub name: String,
    /// The API area (`billing`), a snake_case name that is not a keyword.
    pub area: RustIdent,
    /// The spec file, for messages.
    pub file: PathBuf,
    pub docs: String,
    /// The documents it was transcribed from, as the spec names them (`ref:billing/tariff.md`).
    pub sources: Vec<String>,
    pub names: EntityNames,
    /// Its own id type.
    pub id: Arc<IdType>,
    /// The base fields, then the entity's own, in spec order; body-only fields included.
    pub fields: Vec<Field>,
    /// Display fields list records add from related entities.
    pub joined: Vec<Field>,
    pub list_docs: Option<String>,
    pub filters: Vec<Filter>,
    pub range_filters: Vec<RangeFilter>,
    pub sort: Vec<SortField>,
    /// In [`EndpointKind`] order, downloads last in spec order.
    pub endpoints: Vec<Endpoint>,
    pub commands: Vec<Command>,
}

/// The Rust names of everything an entity's module defines.
#[derive(Debug, Clone)]
pub struct EntityNames {
    /// `coworker_discount_codes`: the module, its cargo feature and the `Client` accessor.
    pub module: RustIdent,
    /// `CoworkerDiscountCode`: the full record.
    pub record: RustIdent,
    /// `CoworkerDiscountCodeListItem`.
    pub list_item: RustIdent,
    /// `NewCoworkerDiscountCode`.
    pub new_body: RustIdent,
    /// `CoworkerDiscountCodeUpdate`.
    pub update_body: RustIdent,
    /// `CoworkerDiscountCodeFilter`.
    pub filter: RustIdent,
    /// `CoworkerDiscountCodeSort`.
    pub sort: RustIdent,
    /// `CoworkerDiscountCodeQuery`.
    pub query: RustIdent,
    /// `CoworkerDiscountCodes`: the endpoint handle.
    pub api: RustIdent,
}

impl Entity {
    pub fn endpoint(&self, kind: EndpointKind) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.kind() == kind)
    }

    pub fn has(&self, kind: EndpointKind) -> bool {
        self.endpoint(kind).is_some()
    }

    /// The types of its fields, joined fields, filters and range filters.
    pub fn types(&self) -> impl Iterator<Item = &Type> {
        self.fields
            .iter()
            .chain(&self.joined)
            .map(|f| &f.ty)
            .chain(self.filters.iter().map(|f| &f.ty))
            .chain(self.range_filters.iter().map(|f| &f.ty))
    }

    /// Whether the entity has list records (`XListItem`): list and find-by-ids answer them.
    pub fn has_list_records(&self) -> bool {
        self.has(EndpointKind::List) || self.has(EndpointKind::FindByIds)
    }

    /// The `Id` base field.
    pub fn id_field(&self) -> &Field {
        // The resolver puts the base field `Id` first in every entity.
        &self.fields[0]
    }

    /// The fields of the full record (what GET one answers).
    pub fn record_fields(&self) -> impl Iterator<Item = &Field> + Clone {
        self.fields.iter().filter(|f| f.read)
    }

    /// List records hold every field but `Id` as `Option<T>`: they are read leniently.
    pub fn optional_in_list(&self, field: &Field) -> bool {
        field.wire != self.id_field().wire
    }

    /// The fields of a list record: the record's listed fields, then the joined ones.
    pub fn list_fields(&self) -> impl Iterator<Item = &Field> + Clone {
        self.record_fields()
            .filter(|f| f.in_list)
            .chain(self.joined.iter())
    }

    /// The fields a create body may set.
    pub fn create_fields(&self) -> impl Iterator<Item = &Field> + Clone {
        self.fields.iter().filter(|f| f.create)
    }

    /// The fields an update body may set (besides `Id`, which names the record).
    pub fn update_fields(&self) -> impl Iterator<Item = &Field> + Clone {
        self.fields.iter().filter(|f| f.update)
    }

    /// Record fields set on create only: an update cannot change them but sends them back as
    /// read, so a PUT that clears what it does not receive cannot clear them.
    pub fn kept_by_update(&self) -> impl Iterator<Item = &Field> + Clone {
        self.fields
            .iter()
            .filter(|f| f.read && f.create && !f.update)
    }
}

/// One property of a record or body.
#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    /// The Rust field name.
    pub ident: RustIdent,
    pub ty: Type,
    /// Must be given on create.
    pub required: bool,
    /// A create body may set it.
    pub create: bool,
    /// An update body may set it.
    pub update: bool,
    /// Answers carry it; false for body-only fields (`AddedEventCategories`).
    pub read: bool,
    pub api_only: bool,
    /// Answers may omit it or send null.
    pub nullable: bool,
    /// List records carry it.
    pub in_list: bool,
    /// The category of personal data it holds.
    pub pii: Option<Pii>,
    /// The option Nexudus's command line names it by, where that is not the kebab-case of
    /// the wire name.
    pub flag: Option<String>,
    pub docs: String,
    pub decision: Option<String>,
}

/// A category of personal data, as Nexudus's catalogue names them (and `SECRET`, this
/// project's own): tools redact fields by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pii {
    Name,
    Email,
    Phone,
    Address,
    /// Free text about a person (notes, biography).
    Bio,
    /// Social network profiles and web sites.
    Social,
    /// Date of birth.
    Dob,
    /// Bank and card details, tax numbers.
    Financial,
    /// Credentials the API hands out (access tokens, private keys): not the catalogue's, but
    /// what a tool that redacts must hide first.
    Secret,
}

impl Pii {
    pub const ALL: [Pii; 9] = [
        Pii::Name,
        Pii::Email,
        Pii::Phone,
        Pii::Address,
        Pii::Bio,
        Pii::Social,
        Pii::Dob,
        Pii::Financial,
        Pii::Secret,
    ];

    /// As the spec and the catalogue write it (`NAME`).
    pub fn as_str(self) -> &'static str {
        match self {
            Pii::Name => "NAME",
            Pii::Email => "EMAIL",
            Pii::Phone => "PHONE",
            Pii::Address => "ADDRESS",
            Pii::Bio => "BIO",
            Pii::Social => "SOCIAL",
            Pii::Dob => "DOB",
            Pii::Financial => "FINANCIAL",
            Pii::Secret => "SECRET",
        }
    }

    /// The runtime's variant (`Name`).
    pub fn variant(self) -> &'static str {
        match self {
            Pii::Name => "Name",
            Pii::Email => "Email",
            Pii::Phone => "Phone",
            Pii::Address => "Address",
            Pii::Bio => "Bio",
            Pii::Social => "Social",
            Pii::Dob => "Dob",
            Pii::Financial => "Financial",
            Pii::Secret => "Secret",
        }
    }

    pub fn parse(text: &str) -> Option<Pii> {
        Pii::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// The element of an inline child array (`BookingProducts`): a record of another entity,
/// given with its parent's create or update body and linked to the parent.
#[derive(Debug, Clone)]
pub struct Child {
    /// The element's entity (`BookingProduct`).
    pub entity: String,
    /// The element's Rust type, in the parent's module (`InlineBookingProduct`).
    pub rust: RustIdent,
    /// The constant of the element's schema, beside `SCHEMA` (`BOOKING_PRODUCTS_ELEMENT`).
    pub konst: RustIdent,
    /// The wire name of the element entity's field that names the parent (`BookingId`).
    pub link: String,
    /// The writable properties, as the element entity declares them; `required` is the
    /// element entity's rule on create.
    pub properties: Vec<Field>,
}

impl Field {
    /// Set by the server, never sent.
    pub fn read_only(&self) -> bool {
        !self.create && !self.update
    }

    /// Whether an update body carries it as read (a record field it may write).
    pub fn copied_into_update(&self) -> bool {
        self.update && self.read
    }

    /// The full record holds it as `Option<T>`: answers may leave it out.
    pub fn optional_in_record(&self) -> bool {
        self.nullable
    }

    /// A create body (or an inline element) holds it as `Option<T>`, set by a `with_`
    /// setter; otherwise it is an argument of `new`.
    pub fn optional_in_create(&self) -> bool {
        !self.required
    }

    /// The update body holds it as `Option<T>`: a body-only field starts unset, a record
    /// field is as read.
    pub fn optional_in_update(&self) -> bool {
        !self.read || self.nullable
    }
}

/// A resolved type.
#[derive(Debug, Clone)]
pub enum Type {
    Integer,
    /// A decimal number.
    Decimal,
    /// A decimal money amount.
    Money,
    Boolean,
    String,
    DateTime,
    Guid,
    Json,
    Id(Arc<IdType>),
    Ids(Arc<IdType>),
    Enum(Arc<Enum>),
    /// An inline child array; only bodies carry it.
    Children(Arc<Child>),
}

impl Type {
    /// Whether `from_`/`to_` range filters make sense on values of this type: numbers,
    /// date-times, and ids (whole numbers the reference ranges over too).
    pub fn has_range(&self) -> bool {
        matches!(
            self,
            Type::Integer | Type::Decimal | Type::Money | Type::DateTime | Type::Id(_)
        )
    }

    /// A decimal written as a JSON number.
    pub fn is_decimal(&self) -> bool {
        matches!(self, Type::Decimal | Type::Money)
    }

    /// The type as the spec writes it (`id<Coworker>`, `enum<eTimeSpanWeekMonth>`).
    pub fn spec_name(&self) -> String {
        match self {
            Type::Integer => "integer".into(),
            Type::Decimal => "decimal".into(),
            Type::Money => "money".into(),
            Type::Boolean => "boolean".into(),
            Type::String => "string".into(),
            Type::DateTime => "datetime".into(),
            Type::Guid => "guid".into(),
            Type::Json => "json".into(),
            Type::Id(id) => format!("id<{}>", id.entity),
            Type::Ids(id) => format!("ids<{}>", id.entity),
            Type::Enum(e) => format!("enum<{}>", e.name),
            Type::Children(c) => format!("children<{}>", c.entity),
        }
    }
}

/// An equality filter: `?CoworkerDiscountCode_Coworker=12`.
#[derive(Debug, Clone)]
pub struct Filter {
    pub query: String,
    /// The wire name of the field it compares with.
    pub field: String,
    /// The field's type: the value's.
    pub ty: Type,
    pub variant: RustIdent,
    pub docs: String,
    pub decision: Option<String>,
}

/// A range filter: `?from_X=..&to_X=..` on one field.
#[derive(Debug, Clone)]
pub struct RangeFilter {
    pub from: String,
    pub to: String,
    pub field: String,
    pub ty: Type,
    /// `FromCreatedOn`, `ToCreatedOn`.
    pub from_variant: RustIdent,
    pub to_variant: RustIdent,
    pub docs: String,
    pub decision: Option<String>,
}

/// A field the list can be ordered by.
#[derive(Debug, Clone)]
pub struct SortField {
    pub wire: String,
    pub variant: RustIdent,
    /// The field's docs.
    pub docs: String,
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
    Download,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
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

impl EndpointKind {
    /// The key of this kind under `endpoints:` (`downloads` for every download).
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
            EndpointKind::Download => "downloads",
        }
    }

    /// The HTTP method of every endpoint of this kind.
    pub fn method(self) -> Method {
        match self {
            EndpointKind::List
            | EndpointKind::FindByIds
            | EndpointKind::Get
            | EndpointKind::Commands
            | EndpointKind::Download => Method::Get,
            EndpointKind::Create | EndpointKind::RunCommand => Method::Post,
            EndpointKind::Update => Method::Put,
            EndpointKind::Delete => Method::Delete,
        }
    }

    /// Whether the path ends with the record's `{Id}`.
    pub fn has_id_in_path(self) -> bool {
        matches!(
            self,
            EndpointKind::Get | EndpointKind::Delete | EndpointKind::Download
        )
    }
}

/// What an endpoint does, with what only that operation has.
#[derive(Debug, Clone)]
pub enum Operation {
    List,
    /// `?{query}=[1,2]`.
    FindByIds {
        query: String,
    },
    Get,
    Create,
    Update,
    Delete,
    Commands,
    RunCommand,
    /// A binary file (`Avatar`), fetched by the method `avatar`.
    Download {
        name: String,
        method: RustIdent,
    },
}

/// One endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub operation: Operation,
    /// Below the base URL; get, delete and downloads end with `/{Id}`.
    pub path: String,
    /// `Entity-Action`.
    pub role: String,
    /// The generated `Endpoint` constant (`LIST`, `DOWNLOAD_AVATAR`).
    pub konst: RustIdent,
    pub docs: String,
    pub decision: Option<String>,
}

impl Endpoint {
    pub fn kind(&self) -> EndpointKind {
        match self.operation {
            Operation::List => EndpointKind::List,
            Operation::FindByIds { .. } => EndpointKind::FindByIds,
            Operation::Get => EndpointKind::Get,
            Operation::Create => EndpointKind::Create,
            Operation::Update => EndpointKind::Update,
            Operation::Delete => EndpointKind::Delete,
            Operation::Commands => EndpointKind::Commands,
            Operation::RunCommand => EndpointKind::RunCommand,
            Operation::Download { .. } => EndpointKind::Download,
        }
    }

    pub fn method(&self) -> Method {
        self.kind().method()
    }

    /// `GET /api/...`.
    pub fn request(&self) -> String {
        format!("{} {}", self.method().as_str(), self.path)
    }

    /// The handle's method that calls it: its kind's key, or a download's own method.
    pub fn handle_method(&self) -> String {
        match &self.operation {
            Operation::Download { method, .. } => method.to_string(),
            _ => self.kind().key().to_owned(),
        }
    }
}

/// A command key the documents name.
#[derive(Debug, Clone)]
pub struct Command {
    pub key: String,
    pub konst: RustIdent,
    pub docs: String,
}

/// The role actions an endpoint may require (`CoworkerDiscountCode-Edit`).
pub const ROLE_ACTIONS: &[&str] = &["List", "Read", "Create", "Edit", "Delete"];

/// The wire name of the base field that identifies a record.
pub const ID_FIELD: &str = "Id";
