//! The spec as data: every generated entity module has a `SCHEMA` constant of these types,
//! and the crate root lists them all in `ENTITIES`. The emulator serves entities from it,
//! and callers can use it to inspect the API (fields, filters, roles) at run time.

use crate::Endpoint;

/// One entity of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntitySchema {
    /// The entity's name as the API spells it (`CoworkerDiscountCode`).
    pub name: &'static str,
    /// The API area (`billing`).
    pub area: &'static str,
    /// The full record's fields, as GET one answers them.
    pub fields: &'static [FieldSchema],
    /// Display fields that list records add, joined from related entities.
    pub joined: &'static [FieldSchema],
    /// Equality filters of the list endpoint.
    pub filters: &'static [FilterSchema],
    /// Range filters of the list endpoint.
    pub range_filters: &'static [RangeFilterSchema],
    /// Wire names of the fields the list can be ordered by.
    pub sort: &'static [&'static str],
    /// The endpoints the entity has.
    pub endpoints: &'static [EndpointSchema],
}

impl EntitySchema {
    /// The endpoint of a kind, if the entity has it.
    pub fn endpoint(&self, kind: EndpointKind) -> Option<&'static EndpointSchema> {
        self.endpoints.iter().find(|e| e.kind == kind)
    }

    /// A field of the full record or a joined field, by wire name.
    pub fn field(&self, wire: &str) -> Option<&'static FieldSchema> {
        self.fields
            .iter()
            .chain(self.joined)
            .find(|f| f.wire == wire)
    }

    /// The fields of a list record: the full record's listed fields, then the joined ones.
    pub fn list_fields(&self) -> impl Iterator<Item = &'static FieldSchema> {
        self.fields.iter().filter(|f| f.in_list).chain(self.joined)
    }
}

/// One field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSchema {
    /// The JSON property name.
    pub wire: &'static str,
    /// Its type.
    pub kind: FieldKind,
    /// Must be given on create.
    pub required: bool,
    /// Set by the server; create and update bodies do not carry it.
    pub read_only: bool,
    /// Only visible and writable through the API.
    pub api_only: bool,
    /// Answers may omit it or send null.
    pub nullable: bool,
    /// List records carry it.
    pub in_list: bool,
}

impl FieldSchema {
    /// An optional, writable, nullable field that list records carry; the methods below
    /// change that. `const`, so generated schemas stay one line per field.
    pub const fn new(wire: &'static str, kind: FieldKind) -> Self {
        FieldSchema {
            wire,
            kind,
            required: false,
            read_only: false,
            api_only: false,
            nullable: true,
            in_list: true,
        }
    }

    /// Required on create (and so never null).
    pub const fn required(mut self) -> Self {
        self.required = true;
        self.nullable = false;
        self
    }

    /// Set by the server.
    pub const fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Only visible and writable through the API.
    pub const fn api_only(mut self) -> Self {
        self.api_only = true;
        self
    }

    /// Always present and non-null in answers.
    pub const fn not_null(mut self) -> Self {
        self.nullable = false;
        self
    }

    /// Left out of list records.
    pub const fn not_in_list(mut self) -> Self {
        self.in_list = false;
        self
    }
}

/// A field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Id of a record of the named entity.
    Id(&'static str),
    /// A list of ids of the named entity.
    Ids(&'static str),
    /// A whole number.
    Integer,
    /// A decimal money amount (a JSON number).
    Money,
    /// `true` or `false`.
    Boolean,
    /// Text.
    String,
    /// A date-time (see [`crate::DateTime`]).
    DateTime,
    /// A GUID.
    Guid,
    /// Free JSON.
    Json,
}

impl FieldKind {
    /// Whether range filters apply to values of this kind.
    pub fn has_range(self) -> bool {
        matches!(
            self,
            FieldKind::Integer | FieldKind::Money | FieldKind::DateTime
        )
    }
}

/// An equality filter: `?{query}=value` compares with `field`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterSchema {
    /// The query parameter name.
    pub query: &'static str,
    /// The wire name of the field it compares with.
    pub field: &'static str,
}

/// A range filter: `?{from}=a&{to}=b` bounds `field`, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeFilterSchema {
    /// The lower bound's query parameter name.
    pub from: &'static str,
    /// The upper bound's query parameter name.
    pub to: &'static str,
    /// The wire name of the field it bounds.
    pub field: &'static str,
}

/// The kinds of endpoint an entity can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndpointKind {
    /// `GET` one page of list records.
    List,
    /// `GET` list records by ids (`?Entity_Id=[1,2]`).
    FindByIds,
    /// `GET` one full record by id.
    Get,
    /// `POST` a create body.
    Create,
    /// `PUT` an update body.
    Update,
    /// `DELETE` one record by id.
    Delete,
    /// `GET` the commands that can run.
    Commands,
    /// `POST` a command to run.
    RunCommand,
}

/// One endpoint of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointSchema {
    /// What it does.
    pub kind: EndpointKind,
    /// Method, path and role.
    pub endpoint: Endpoint,
    /// For [`EndpointKind::FindByIds`]: the query parameter that takes `[1,2]`.
    pub ids_query: Option<&'static str>,
}
