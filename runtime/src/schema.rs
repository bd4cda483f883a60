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
    /// What the entity is, from the spec's docs (Markdown), for tools that describe the API.
    pub docs: &'static str,
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
        self.fields
            .iter()
            .filter(|f| f.read && f.in_list)
            .chain(self.joined)
    }
}

/// One field of a record or body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSchema {
    /// The JSON property name.
    pub wire: &'static str,
    /// Its type.
    pub kind: FieldKind,
    /// Must be given on create.
    pub required: bool,
    /// A create body may set it.
    pub create: bool,
    /// An update body may set it.
    pub update: bool,
    /// Answers carry it; false for fields that only bodies carry (`AddedEventCategories`).
    pub read: bool,
    /// Only visible and writable through the API.
    pub api_only: bool,
    /// Answers may omit it or send null.
    pub nullable: bool,
    /// List records carry it.
    pub in_list: bool,
    /// The category of personal data it holds, for tools that redact output.
    pub pii: Option<Pii>,
    /// The option Nexudus's command line names it by, where that is not the kebab-case of
    /// [`wire`](Self::wire).
    pub flag: Option<&'static str>,
}

impl FieldSchema {
    /// An optional field that create and update may set, that answers and list records
    /// carry and that may be null; the methods below change that. `const`, so generated
    /// schemas stay one line per field.
    pub const fn new(wire: &'static str, kind: FieldKind) -> Self {
        FieldSchema {
            wire,
            kind,
            required: false,
            create: true,
            update: true,
            read: true,
            api_only: false,
            nullable: true,
            in_list: true,
            pii: None,
            flag: None,
        }
    }

    /// Holds personal data of this category.
    pub const fn pii(mut self, category: Pii) -> Self {
        self.pii = Some(category);
        self
    }

    /// Named `--{flag}` by Nexudus's command line.
    pub const fn flag(mut self, flag: &'static str) -> Self {
        self.flag = Some(flag);
        self
    }

    /// Required on create, and so never null unless [`nullable`](Self::nullable) follows.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self.nullable = false;
        self
    }

    /// Set by the server: no body carries it.
    pub const fn read_only(mut self) -> Self {
        self.create = false;
        self.update = false;
        self
    }

    /// Set on create; an update does not change it.
    pub const fn create_only(mut self) -> Self {
        self.update = false;
        self
    }

    /// Set by updates only.
    pub const fn update_only(mut self) -> Self {
        self.create = false;
        self
    }

    /// Only bodies carry it; answers never do.
    pub const fn body_only(mut self) -> Self {
        self.read = false;
        self
    }

    /// Neither create nor update may set it.
    pub const fn is_read_only(&self) -> bool {
        !self.create && !self.update
    }

    /// Only visible and writable through the API.
    pub const fn api_only(mut self) -> Self {
        self.api_only = true;
        self
    }

    /// Required on create, yet answers may send null (records made before it was
    /// required); call after [`required`](Self::required).
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
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
    /// A decimal number (a JSON number).
    Decimal,
    /// A decimal money amount (a JSON number).
    Money,
    /// A number of one of the API's enumerations.
    Enum(&'static EnumSchema),
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
    /// An inline child array, which only bodies carry: records of another entity created
    /// with the parent and linked to it.
    Children(&'static ChildSchema),
}

/// The element of an inline child array (`BookingProducts` of a booking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildSchema {
    /// The element's entity (`BookingProduct`).
    pub entity: &'static str,
    /// The element entity's field that names the parent (`BookingId`).
    pub link: &'static str,
    /// The properties an element may carry, as the element entity declares them.
    pub properties: &'static [FieldSchema],
}

/// A category of personal data, as Nexudus's catalogue names them, and credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pii {
    /// A person's or company's name.
    Name,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A postal address.
    Address,
    /// Free text about a person (notes, biography).
    Bio,
    /// Social network profiles and web sites.
    Social,
    /// A date of birth.
    Dob,
    /// Bank and card details, tax numbers.
    Financial,
    /// A credential the API hands out (an access token, a private key); this project's own
    /// category, not the catalogue's.
    Secret,
}

impl Pii {
    /// Every category.
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

    /// As the catalogue writes it (`NAME`).
    pub const fn as_str(self) -> &'static str {
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
}

impl std::fmt::Display for Pii {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FieldKind {
    /// Whether range filters apply to values of this kind.
    pub fn has_range(self) -> bool {
        matches!(
            self,
            FieldKind::Integer
                | FieldKind::Decimal
                | FieldKind::Money
                | FieldKind::DateTime
                | FieldKind::Id(_)
        )
    }
}

/// One of the API's enumerations: its name and the values the spec names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumSchema {
    /// The API's name (`eTimeSpanWeekMonth`).
    pub name: &'static str,
    /// `(number, name)` of each known value; may be empty.
    pub values: &'static [(i64, &'static str)],
}

impl EnumSchema {
    /// The name of a known value.
    pub fn name_of(&self, value: i64) -> Option<&'static str> {
        self.values
            .iter()
            .find(|(v, _)| *v == value)
            .map(|(_, n)| *n)
    }

    /// The number of a value by its name, ignoring case.
    pub fn value_of(&self, name: &str) -> Option<i64> {
        self.values
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(v, _)| *v)
    }

    /// Whether the API may send `value`: a known value, or any number when the spec names
    /// none.
    pub fn admits(&self, value: i64) -> bool {
        self.values.is_empty() || self.name_of(value).is_some()
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
    /// `GET` one binary file of a record by id (`getavatar/{Id}`).
    Download,
}

/// One endpoint of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointSchema {
    /// What it does.
    pub kind: EndpointKind,
    /// Method, path and role.
    pub endpoint: Endpoint,
    /// For [`EndpointKind::FindByIds`] the query parameter that takes `[1,2]`; for
    /// [`EndpointKind::Download`] the file's name (`Avatar`).
    pub detail: Option<&'static str>,
}

impl EndpointSchema {
    /// The find-by-ids query parameter.
    pub fn ids_query(&self) -> Option<&'static str> {
        self.detail.filter(|_| self.kind == EndpointKind::FindByIds)
    }

    /// The download's name.
    pub fn download_name(&self) -> Option<&'static str> {
        self.detail.filter(|_| self.kind == EndpointKind::Download)
    }
}

/// What `spec/service.yaml` says every entity shares: the generated crate's `SERVICE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ServiceSchema {
    /// The API's name.
    pub name: &'static str,
    /// The default base URL.
    pub base_url: &'static str,
    /// The path of the password and refresh-token grants.
    pub token_path: &'static str,
    /// The path that answers who the credentials belong to, if the spec has one (the
    /// generated crate's `Api::current_user`).
    pub current_user_path: Option<&'static str>,
    /// Paging and sorting query parameters.
    pub paging: PagingSchema,
    /// How range filter parameters start (`from_`).
    pub from_prefix: &'static str,
    /// How range filter parameters start (`to_`).
    pub to_prefix: &'static str,
    /// chrono format of date-times in filter values (`%Y-%m-%dT%H:%M`).
    pub filter_datetime_format: &'static str,
    /// HTTP statuses the API throttles with.
    pub throttle_statuses: &'static [u16],
    /// The message of a throttled answer (a 409 without it is a real conflict).
    pub throttle_message: &'static str,
    /// The documented limits, each over a sliding window; the client paces its requests to
    /// keep to all of them ([`crate::Pacing`]).
    pub rate_limits: &'static [RateLimit],
    /// HTTP status of a validation failure.
    pub validation_status: u16,
    /// The envelopes' wire names.
    pub envelopes: EnvelopeNames,
}

/// At most `count` requests (every one, or writes only) in any sliding window of `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests allowed in any window.
    pub count: u32,
    /// The window's length.
    pub window: std::time::Duration,
    /// Counts only writes (POST, PUT, DELETE).
    pub writes_only: bool,
}

/// The paging and sorting query parameters of every list endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PagingSchema {
    /// The page number's parameter.
    pub page: &'static str,
    /// The first page's number.
    pub default_page: u32,
    /// The page size's parameter.
    pub size: &'static str,
    /// The page size when none is given.
    pub default_size: u32,
    /// The largest page size the API serves.
    pub max_size: u32,
    /// The parameter naming the field to order by.
    pub order_by: &'static str,
    /// The sort direction's parameter.
    pub direction: &'static str,
    /// The direction value for ascending order.
    pub ascending: &'static str,
    /// The direction value for descending order.
    pub descending: &'static str,
}

/// Declares a struct of wire names, one per property the runtime reads or writes.
macro_rules! names {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: &'static str,)*
        }
    };
}

/// The wire names of every envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnvelopeNames {
    /// The answer of create, update, delete and run command.
    pub action: ActionNames,
    /// One entry of the action's errors.
    pub validation_error: ValidationErrorNames,
    /// A list answer.
    pub page: PageNames,
    /// One entry of the commands list.
    pub command: CommandNames,
    /// A command's parameter.
    pub command_parameter: CommandParameterNames,
    /// The run-command body.
    pub run_command: RunCommandNames,
}

names!(
    /// Wire names of [`crate::ActionResponse`].
    ActionNames {
        /// `Status`.
        status,
        /// `Message`.
        message,
        /// `Value`.
        value,
        /// `WasSuccessful`.
        was_successful,
        /// `Errors`.
        errors,
    }
);
names!(
    /// Wire names of [`crate::ValidationError`].
    ValidationErrorNames {
        /// `PropertyName`.
        property_name,
        /// `Message`.
        message,
        /// `AttemptedValue`.
        attempted_value,
    }
);
names!(
    /// Wire names of [`crate::Page`].
    PageNames {
        /// `Records`.
        records,
        /// `CurrentPage`.
        current_page,
        /// `CurrentPageSize`.
        current_page_size,
        /// `CurrentOrderField`.
        current_order_field,
        /// `CurrentSortDirection`.
        current_sort_direction,
        /// `FirstItem`.
        first_item,
        /// `LastItem`.
        last_item,
        /// `TotalItems`.
        total_items,
        /// `TotalPages`.
        total_pages,
        /// `HasNextPage`.
        has_next_page,
        /// `HasPreviousPage`.
        has_previous_page,
    }
);
names!(
    /// Wire names of [`crate::CommandInfo`].
    CommandNames {
        /// `Key`.
        key,
        /// `Name`.
        name,
        /// `AppliesOnlyToMultipleEntities`.
        applies_only_to_multiple_entities,
        /// `AppliesOnlyToOneEntity`.
        applies_only_to_one_entity,
        /// `AppliesOnlyToTwoEntities`.
        applies_only_to_two_entities,
        /// `DisplayInDropdown`.
        display_in_dropdown,
        /// `DisplayInDropdownV2`.
        display_in_dropdown_v2,
        /// `DisplayInGrid`.
        display_in_grid,
        /// `NeedsEntitiesToRun`.
        needs_entities_to_run,
        /// `Order`.
        order,
        /// `RequiresParameters`.
        requires_parameters,
    }
);
names!(
    /// Wire names of [`crate::CommandParameterInfo`] and [`crate::CommandParameter`].
    CommandParameterNames {
        /// `Name`.
        name,
        /// `Type`.
        r#type,
        /// `Value`.
        value,
    }
);
names!(
    /// Wire names of [`crate::RunCommand`].
    RunCommandNames {
        /// `Key`.
        key,
        /// `Ids`.
        ids,
        /// `Parameters`.
        parameters,
    }
);

/// Receives every entity's record types from the generated crate's `__visit_entities`, for
/// code that must name each type (the project's check of the reference's JSON examples).
/// Not part of the API.
#[doc(hidden)]
pub trait EntityVisitor {
    /// Called once per entity, in `ENTITIES` order, with its full record type.
    fn record<Record: serde::de::DeserializeOwned + 'static>(&mut self, schema: EntitySchema);

    /// Called after [`record`](Self::record) for an entity that has list records (a list
    /// or find-by-ids endpoint), with their type.
    fn list_record<ListItem: serde::de::DeserializeOwned + 'static>(
        &mut self,
        schema: EntitySchema,
    );
}
