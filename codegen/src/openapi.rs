//! The OpenAPI 3.1 document of the spec (`docs/openapi.json`), for the tools that cannot
//! read `spec/`: Swagger UI, Postman, schemathesis, generators for other languages.
//!
//! It is built as a `serde_json::Value` whose maps are sorted (serde_json's default
//! `BTreeMap`), so the same spec always gives the same bytes. Everything in it comes from
//! the spec, except what the runtime hard-codes as well: the shapes of the run-command body,
//! the token endpoint's form and answers, and the item types of the envelopes' JSON lists.
//!
//! Choices that tools notice:
//! - date-times are strings with a `pattern`, not `format: date-time`: the API writes them
//!   with or without `Z`, seconds and fractions, which RFC 3339 validators would reject;
//! - nullable properties use 3.1 type arrays (`["string", "null"]`);
//! - list records have every property but `Id` nullable, as the client decodes them;
//! - `list` and `find_by_ids` share one `GET` path, so they are one operation whose
//!   parameters are the union of both;
//! - enumerations are integers with an `enum` of the known values and their names in
//!   `x-enum-varnames`.
//!
//! It reads only the resolved model ([`crate::model`]) and its text helpers are
//! [`crate::docs`]'s, which the Rust emitters use too.

use serde_json::{Map, Value, json};

use crate::docs::{first_sentence, flat, paragraphs};
use crate::model::{
    Api, Endpoint, EndpointKind, Entity, Field, ID_FIELD, Operation, Service, Slot, Type,
};

/// The OpenAPI version the document declares.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The document as pretty-printed JSON with a trailing newline, as it is committed.
pub fn render(api: &Api) -> String {
    // A `Value` has string keys only, so serializing it cannot fail.
    let mut text = serde_json::to_string_pretty(&document(api)).unwrap_or_default();
    text.push('\n');
    text
}

/// How big a document is, for messages: `N paths, N operations, N parameters, N schemas`
/// (parameters counted per operation, shared ones each time they are used).
pub fn summary(document: &Value) -> String {
    let operations: Vec<&Value> = document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .collect();
    let parameters: usize = operations
        .iter()
        .filter_map(|op| op["parameters"].as_array())
        .map(Vec::len)
        .sum();
    let count = |value: &Value| value.as_object().map_or(0, Map::len);
    format!(
        "{} paths, {} operations, {parameters} parameters, {} schemas",
        count(&document["paths"]),
        operations.len(),
        count(&document["components"]["schemas"])
    )
}

/// The OpenAPI 3.1 document of the model.
pub fn document(api: &Api) -> Value {
    let service = &api.service;
    let mut schemas = shared_schemas(service);
    let mut paths = Map::new();
    let mut tags = vec![json!({
        "name": AUTH_TAG,
        "description": "Getting and renewing access tokens.",
    })];
    paths.insert(
        service.auth.token_path.clone(),
        json!({ "post": token_operation(service) }),
    );
    for entity in &api.entities {
        let names = Names::of(entity);
        schemas.extend(entity_schemas(service, entity, &names));
        for (path, method, operation) in entity_operations(service, entity, &names) {
            let item = paths.entry(path).or_insert_with(|| json!({}));
            if let Value::Object(item) = item {
                item.insert(method, operation);
            }
        }
        tags.push(json!({
            "name": entity.name,
            "description": text(&entity.docs),
            "x-nexudus-area": entity.area.as_str(),
        }));
    }
    json!({
        "openapi": OPENAPI_VERSION,
        "info": info(service),
        "servers": [{
            "url": base_url(service),
            "description": "The production API (the client's default base URL).",
        }],
        "security": [
            { BEARER: [] },
            { BASIC: [] },
            { OAUTH2: [] },
        ],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": shared_parameters(service),
            "responses": shared_responses(service),
            "securitySchemes": security_schemes(service),
        },
    })
}

// Security scheme names.
const BEARER: &str = "bearerAuth";
const BASIC: &str = "basicAuth";
const OAUTH2: &str = "oauth2Password";

/// The tag of the token endpoint.
const AUTH_TAG: &str = "Authentication";

/// A calendar date `YYYY-MM-DD` that exists: 30-day months stop at 30, February at 28, or
/// 29 in leap years (divisible by 4, and centuries only when divisible by 400), so that a
/// date matching the pattern is one the API (and the emulator) can read.
macro_rules! date_regex {
    () => {
        concat!(
            "(",
            "[0-9]{4}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
            "|[0-9]{4}-(0[469]|11)-(0[1-9]|[12][0-9]|30)",
            "|[0-9]{4}-02-(0[1-9]|1[0-9]|2[0-8])",
            "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[048]|[2468][048]|[13579][26])00)-02-29",
            ")"
        )
    };
}

/// Date-times as the API writes them: with or without seconds, fractions and `Z` (NOTES.md).
/// Digits are `[0-9]`, not `\d`, which some generators read as any Unicode digit.
const DATETIME_PATTERN: &str = concat!(
    "^",
    date_regex!(),
    r"T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?Z?$"
);

/// An id list as the find-by-ids parameter and `ids<>` filters take it, and as the client
/// writes any `&[i64]`: `[1,2]`, `[-1]`, `[]`.
const ID_LIST_PATTERN: &str = r"^\[(-?[0-9]+(,-?[0-9]+)*)?\]$";

// Names of shared components.
const ACTION_RESPONSE: &str = "ActionResponse";
const VALIDATION_ERROR: &str = "ValidationError";
const COMMAND_INFO: &str = "CommandInfo";
const COMMAND_PARAMETER_INFO: &str = "CommandParameterInfo";
const RUN_COMMAND: &str = "RunCommand";
const COMMAND_PARAMETER: &str = "CommandParameter";
const TOKEN_RESPONSE: &str = "TokenResponse";
const TOKEN_ERROR: &str = "TokenError";
const PASSWORD_GRANT: &str = "PasswordGrantRequest";
const REFRESH_GRANT: &str = "RefreshTokenGrantRequest";
const PAGE_PARAM: &str = "Page";
const SIZE_PARAM: &str = "Size";
const DIRECTION_PARAM: &str = "SortDirection";
const ID_PARAM: &str = "RecordId";
const BAD_REQUEST: &str = "BadRequest";
const VALIDATION_FAILED: &str = "ValidationFailed";
const UNAUTHORIZED: &str = "Unauthorized";
const FORBIDDEN: &str = "Forbidden";
const NOT_FOUND: &str = "NotFound";
const THROTTLED: &str = "Throttled";

/// The component names of one entity.
struct Names {
    entity: String,
    /// The module in UpperCamelCase (`CoworkerDiscountCodes`), for operation ids.
    plural: String,
    list_item: String,
    create: String,
    update: String,
    page: String,
}

impl Names {
    fn of(entity: &Entity) -> Names {
        let n = &entity.names;
        Names {
            entity: entity.name.clone(),
            plural: n.api.to_string(),
            list_item: n.list_item.to_string(),
            create: n.new_body.to_string(),
            update: n.update_body.to_string(),
            page: format!("{}Page", entity.name),
        }
    }
}

fn info(service: &Service) -> Value {
    let paging = &service.paging;
    let range = &service.range;
    let description = paragraphs([
        format!(
            "The {} REST API, as this project's `spec/` describes it. Generated by `cargo \
             xtask gen` (or `cargo xtask openapi`) from `spec/`: do not edit, change the \
             spec instead.",
            service.name
        ),
        format!(
            "**Authentication.** {} {} Or the OAuth2 password grant at `{}`.",
            flat(&service.auth.bearer_docs),
            flat(&service.auth.basic_docs),
            service.auth.token_path
        ),
        format!(
            "**Lists** are paged with `{}` (from {}) and `{}` (at most {}), sorted with `{}` \
             and `{}` (`{}` ascending, `{}` descending), and filtered with one query \
             parameter per filter; range filters are `{}<name>` / `{}<name>`, with \
             date-times written `{}`.",
            paging.page.query,
            paging.default_page,
            paging.size.query,
            paging.max_size,
            paging.order_by.query,
            paging.direction.query,
            paging.ascending,
            paging.descending,
            range.from_prefix,
            range.to_prefix,
            range.datetime_format,
        ),
        "**Date-times** in records are strings like `2025-01-15T10:30:00Z`, with or without \
         seconds, fractions of a second and the `Z`; some are the space's local wall-clock \
         time with a literal `Z`. So they carry a `pattern` rather than `format: date-time`."
            .to_owned(),
        format!(
            "**Validation failures** answer HTTP {} with the action envelope. {}",
            service.envelopes.validation_status,
            decision(service.envelopes.decision.as_deref())
        ),
        format!(
            "**Throttling.** {} Limits: {}",
            flat(&service.throttling.docs),
            service
                .throttling
                .limits
                .iter()
                .map(|l| flat(&l.docs))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        "**Extensions.** `x-nexudus-role` names the role an operation needs (full \
         unrestricted administrators need none); `x-nexudus-endpoints` the spec's endpoint \
         kinds it implements; `x-nexudus-type` a property's spec type; `x-nexudus-field` the \
         property a filter compares with; `x-nexudus-write` which bodies may set a property; \
         `x-nexudus-pii` the category of personal data a property holds; `x-enum-varnames` \
         the names of an enumeration's values."
            .to_owned(),
    ]);
    json!({
        "title": format!("{} API", service.name),
        // The document describes what this generator version reads from the spec.
        "version": env!("CARGO_PKG_VERSION"),
        "description": description,
    })
}

fn base_url(service: &Service) -> &str {
    service.base_url.trim_end_matches('/')
}

fn security_schemes(service: &Service) -> Value {
    let auth = &service.auth;
    let token_url = format!("{}{}", base_url(service), auth.token_path);
    json!({
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": text(&auth.bearer_docs),
        },
        BASIC: {
            "type": "http",
            "scheme": "basic",
            "description": text(&auth.basic_docs),
        },
        OAUTH2: {
            "type": "oauth2",
            "description": text(&auth.password_grant_docs),
            "flows": {
                "password": {
                    "tokenUrl": token_url,
                    "refreshUrl": token_url,
                    "scopes": {},
                },
            },
        },
    })
}

// ---------------------------------------------------------------------------------------
// Schemas

/// `#/components/schemas/<name>`.
fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The JSON Schema of a type, without nullability or docs.
fn type_schema(ty: &Type) -> Map<String, Value> {
    let schema = match ty {
        Type::Integer | Type::Id(_) => json!({ "type": "integer", "format": "int64" }),
        Type::Ids(_) => json!({
            "type": "array",
            "items": { "type": "integer", "format": "int64" },
        }),
        // A decimal on the wire as a JSON number; no `format`, as `double` would be wrong.
        Type::Decimal | Type::Money => json!({ "type": "number" }),
        Type::Boolean => json!({ "type": "boolean" }),
        Type::String => json!({ "type": "string" }),
        Type::DateTime => json!({ "type": "string", "pattern": DATETIME_PATTERN }),
        Type::Guid => json!({ "type": "string", "format": "uuid" }),
        Type::Enum(e) if e.values.is_empty() => json!({ "type": "integer", "format": "int64" }),
        Type::Enum(e) => json!({
            "type": "integer",
            "format": "int64",
            "enum": e.values.iter().map(|v| v.value).collect::<Vec<_>>(),
            "x-enum-varnames": e.values.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        }),
        // Free JSON: any value, null included.
        Type::Json => json!({}),
        // Inline: the element has no schema of its own elsewhere.
        Type::Children(child) => {
            let properties: Map<String, Value> = child
                .properties
                .iter()
                .map(|p| {
                    let flags = Flags {
                        nullable: false,
                        read_only: false,
                    };
                    (p.wire.clone(), property(p, flags))
                })
                .collect();
            let required = child
                .properties
                .iter()
                .filter(|p| p.required)
                .map(|p| p.wire.clone())
                .collect();
            let description = format!(
                "A `{}` record, created with the parent and linked to it by its `{}`.",
                child.entity, child.link
            );
            json!({
                "type": "array",
                "items": object(description, properties, required),
            })
        }
    };
    into_map(schema)
}

/// What a property's description adds to the field's docs for its type.
fn type_note(ty: &Type) -> Option<String> {
    match ty {
        Type::Id(id) => Some(format!("The id of a `{}` record.", id.entity)),
        Type::Ids(id) => Some(format!("Ids of `{}` records.", id.entity)),
        Type::Money => Some("A decimal amount.".to_owned()),
        Type::Decimal => Some("A decimal number.".to_owned()),
        Type::DateTime => Some("A date-time, `YYYY-MM-DDTHH:mm[:ss[.fraction]][Z]`.".to_owned()),
        Type::Enum(e) => Some(format!(
            "The API's enumeration `{}`: {}",
            e.name,
            if e.values.is_empty() {
                "no document gives its values.".to_owned()
            } else {
                e.values
                    .iter()
                    .map(|v| format!("{} {}", v.value, v.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )),
        _ => None,
    }
}

/// How a property appears in one schema.
#[derive(Clone, Copy)]
struct Flags {
    nullable: bool,
    read_only: bool,
}

/// A record or body property: its type, nullability, docs.
fn property(field: &Field, flags: Flags) -> Value {
    let mut schema = type_schema(&field.ty);
    if flags.nullable {
        nullable(&mut schema);
    }
    let description = paragraphs([
        text(&field.docs),
        type_note(&field.ty).unwrap_or_default(),
        decision(field.decision.as_deref()),
    ]);
    schema.insert("description".into(), description.into());
    if flags.read_only {
        schema.insert("readOnly".into(), true.into());
    }
    if field.api_only {
        schema.insert("x-nexudus-api-only".into(), true.into());
    }
    let write: Vec<&str> = [(field.create, "create"), (field.update, "update")]
        .into_iter()
        .filter_map(|(on, body)| on.then_some(body))
        .collect();
    schema.insert("x-nexudus-write".into(), json!(write));
    schema.insert("x-nexudus-type".into(), field.ty.spec_name().into());
    if let Some(pii) = field.pii {
        schema.insert("x-nexudus-pii".into(), pii.as_str().into());
    }
    Value::Object(schema)
}

/// Lets a schema take null too: `"type": [T, "null"]`. A schema without `type` (free JSON,
/// `$ref`s, `oneOf`) is given a `oneOf` with null, or takes null already.
fn nullable(schema: &mut Map<String, Value>) {
    match schema.get("type").cloned() {
        Some(Value::String(ty)) => {
            schema.insert("type".into(), json!([ty, "null"]));
            // An `enum` restricts the value too: null must be one of them.
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                values.push(Value::Null);
            }
        }
        _ if schema.contains_key("$ref") => {
            let inner = Value::Object(std::mem::take(schema));
            schema.insert("oneOf".into(), json!([inner, { "type": "null" }]));
        }
        _ => {}
    }
}

/// An object schema. Unknown properties are allowed: the API adds fields the spec does not
/// describe, and the client keeps them.
fn object(description: String, properties: Map<String, Value>, required: Vec<String>) -> Value {
    let mut schema = json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": true,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// The schemas of one entity: full record, list record, create and update bodies, page.
fn entity_schemas(service: &Service, entity: &Entity, names: &Names) -> Map<String, Value> {
    let mut schemas = Map::new();

    let full = entity.record_fields();
    schemas.insert(
        names.entity.clone(),
        object(
            paragraphs([
                text(&entity.docs),
                "The full record, as GET one answers it.".to_owned(),
            ]),
            full.clone()
                .map(|f| {
                    let flags = Flags {
                        nullable: f.nullable,
                        read_only: f.read_only(),
                    };
                    (f.wire.clone(), property(f, flags))
                })
                .collect(),
            full.clone()
                .filter(|f| !f.nullable)
                .map(|f| f.wire.clone())
                .collect(),
        ),
    );

    let id_wire = &entity.id_field().wire;
    if entity.has_list_records() {
        schemas.insert(
            names.list_item.clone(),
            object(
                paragraphs([
                    entity.list_docs.as_deref().map(text).unwrap_or_else(|| {
                        format!("The summary of a {} that list answers carry.", names.entity)
                    }),
                    "Every property but `Id` may be missing or null.".to_owned(),
                ]),
                entity
                    .list_fields()
                    .map(|f| {
                        let flags = Flags {
                            nullable: f.wire != *id_wire,
                            // Joined display fields are never written.
                            read_only: f.read_only(),
                        };
                        (f.wire.clone(), property(f, flags))
                    })
                    .collect(),
                vec![id_wire.clone()],
            ),
        );
        schemas.insert(
            names.page.clone(),
            page_envelope(
                format!("One page of {} list records.", names.entity),
                &service.envelopes.page,
                schema_ref(&names.list_item),
            ),
        );
    }

    // Request bodies carry no `readOnly` marks: tools leave such properties out of requests,
    // and the update body must send `Id`.
    let body_property = |f: &Field| {
        let flags = Flags {
            // A null property is read as one left out, for body-only fields too; a required
            // one must be sent, even where answers may hold null.
            nullable: f.nullable && !f.required,
            read_only: false,
        };
        (f.wire.clone(), property(f, flags))
    };
    if entity.has(EndpointKind::Create) {
        schemas.insert(
            names.create.clone(),
            object(
                format!(
                    "The body of a create: the properties of a {} that a create may set, the \
                     required ones included. Properties left out stay unset.",
                    names.entity
                ),
                entity.create_fields().map(body_property).collect(),
                entity
                    .create_fields()
                    .filter(|f| f.required)
                    .map(|f| f.wire.clone())
                    .collect(),
            ),
        );
    }
    if entity.has(EndpointKind::Update) {
        // The fields set on create only are sent back unchanged, so a PUT cannot clear them.
        let mut properties: Map<String, Value> = entity
            .update_fields()
            .chain(entity.kept_by_update())
            .map(body_property)
            .collect();
        let id = entity.id_field();
        let flags = Flags {
            nullable: false,
            read_only: false,
        };
        properties.insert(id.wire.clone(), property(id, flags));
        schemas.insert(
            names.update.clone(),
            object(
                format!(
                    "The body of an update: the record's `{ID_FIELD}` and the properties an \
                     update may set. A PUT clears every property it does not send, so make the \
                     body from the full record ({}), not from a list record. `{ID_FIELD}` and \
                     the fields required on create that an update sets are required, as the \
                     update page (001) says.",
                    names.entity
                ),
                properties,
                std::iter::once(id.wire.clone())
                    .chain(
                        entity
                            .update_fields()
                            .filter(|f| f.required)
                            .map(|f| f.wire.clone()),
                    )
                    .collect(),
            ),
        );
    }
    schemas
}

/// An envelope's property: its wire name and docs from `service.yaml`, its schema from
/// what the runtime reads or writes there.
struct EnvelopeProperty<'a> {
    slot: &'a Slot,
    schema: Value,
    /// Always present and not null.
    required: bool,
}

fn envelope_object(description: String, properties: Vec<EnvelopeProperty<'_>>) -> Value {
    let required = properties
        .iter()
        .filter(|p| p.required)
        .map(|p| p.slot.wire.clone())
        .collect();
    let properties = properties
        .into_iter()
        .map(|p| {
            let mut schema = into_map(p.schema);
            if !p.required {
                nullable(&mut schema);
            }
            schema.insert("description".into(), text(&p.slot.docs).into());
            (p.slot.wire.clone(), Value::Object(schema))
        })
        .collect();
    object(description, properties, required)
}

fn prop(slot: &Slot, schema: Value, required: bool) -> EnvelopeProperty<'_> {
    EnvelopeProperty {
        slot,
        schema,
        required,
    }
}

fn integer() -> Value {
    json!({ "type": "integer", "format": "int64" })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

fn array_of(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

fn page_envelope(
    description: String,
    page: &crate::model::PageEnvelope<Slot>,
    record: Value,
) -> Value {
    envelope_object(
        description,
        vec![
            prop(&page.records, array_of(record), true),
            prop(&page.current_page, integer(), true),
            prop(&page.current_page_size, integer(), true),
            prop(&page.current_order_field, string(), false),
            prop(&page.current_sort_direction, integer(), false),
            prop(&page.first_item, integer(), true),
            prop(&page.last_item, integer(), true),
            prop(&page.total_items, integer(), true),
            prop(&page.total_pages, integer(), true),
            prop(&page.has_next_page, boolean(), true),
            prop(&page.has_previous_page, boolean(), true),
        ],
    )
}

/// The schemas every entity shares: envelopes, run command, token endpoint.
fn shared_schemas(service: &Service) -> Map<String, Value> {
    let e = &service.envelopes;
    let mut schemas = Map::new();
    let action = &e.action;
    schemas.insert(
        ACTION_RESPONSE.into(),
        envelope_object(
            "The answer of create, update, delete and run command. `WasSuccessful` says \
             whether the action succeeded: run command answers 200 even when it failed."
                .to_owned(),
            vec![
                prop(&action.status, integer(), false),
                prop(&action.message, string(), false),
                prop(&action.value, json!({}), false),
                prop(&action.was_successful, boolean(), true),
                prop(
                    &action.errors,
                    array_of(schema_ref(VALIDATION_ERROR)),
                    false,
                ),
            ],
        ),
    );
    let v = &e.validation_error;
    schemas.insert(
        VALIDATION_ERROR.into(),
        envelope_object(
            "One failed validation of a create or update.".to_owned(),
            vec![
                prop(&v.property_name, string(), false),
                prop(&v.message, string(), false),
                prop(&v.attempted_value, json!({}), false),
            ],
        ),
    );
    let c = &e.command;
    schemas.insert(
        COMMAND_INFO.into(),
        envelope_object(
            "A command that can run on records of an entity.".to_owned(),
            vec![
                prop(&c.key, string(), true),
                prop(&c.name, string(), false),
                prop(&c.applies_only_to_multiple_entities, boolean(), false),
                prop(&c.applies_only_to_one_entity, boolean(), false),
                prop(&c.applies_only_to_two_entities, boolean(), false),
                prop(&c.display_in_dropdown, boolean(), false),
                prop(&c.display_in_dropdown_v2, boolean(), false),
                prop(&c.display_in_grid, boolean(), false),
                prop(&c.needs_entities_to_run, boolean(), false),
                prop(&c.order, integer(), false),
                prop(
                    &c.requires_parameters,
                    array_of(schema_ref(COMMAND_PARAMETER_INFO)),
                    false,
                ),
            ],
        ),
    );
    let p = &e.command_parameter;
    schemas.insert(
        COMMAND_PARAMETER_INFO.into(),
        envelope_object(
            "A parameter a command takes.".to_owned(),
            vec![
                prop(&p.name, string(), false),
                prop(&p.r#type, string(), false),
            ],
        ),
    );
    schemas.insert(
        COMMAND_PARAMETER.into(),
        envelope_object(
            "One parameter of a run command.".to_owned(),
            vec![
                prop(&p.name, string(), false),
                prop(&p.r#type, string(), true),
                prop(&p.value, json!({}), true),
            ],
        ),
    );
    let r = &e.run_command;
    schemas.insert(
        RUN_COMMAND.into(),
        envelope_object(
            "The body of a run command.".to_owned(),
            vec![
                prop(&r.key, string(), true),
                prop(&r.ids, array_of(integer()), true),
                prop(
                    &r.parameters,
                    array_of(schema_ref(COMMAND_PARAMETER)),
                    false,
                ),
            ],
        ),
    );
    schemas.insert(
        PASSWORD_GRANT.into(),
        json!({
            "type": "object",
            "description": "Logs in with the user's email and password.",
            "properties": {
                "grant_type": { "const": "password" },
                "username": { "type": "string", "description": "The user's email." },
                "password": { "type": "string", "description": "The user's password." },
                "totp": {
                    "type": "string",
                    "description": "The current two-factor code, if the user has two-factor authentication.",
                },
                "client_id": { "type": "string", "description": "The OAuth2 client id, if one was issued." },
            },
            "required": ["grant_type", "username", "password"],
        }),
    );
    schemas.insert(
        REFRESH_GRANT.into(),
        json!({
            "type": "object",
            "description": "Renews a token; the old refresh token stops working.",
            "properties": {
                "grant_type": { "const": "refresh_token" },
                "refresh_token": { "type": "string", "description": "The refresh token of the last grant." },
                "client_id": { "type": "string", "description": "The OAuth2 client id, if one was issued." },
            },
            "required": ["grant_type", "refresh_token"],
        }),
    );
    schemas.insert(
        TOKEN_RESPONSE.into(),
        json!({
            "type": "object",
            "description": "A granted token; tokens last about 7 days.",
            "properties": {
                "access_token": { "type": "string", "description": "The bearer token." },
                "token_type": { "type": "string", "description": "`bearer`." },
                "expires_in": { "type": "integer", "description": "Seconds until the token expires." },
                "refresh_token": { "type": "string", "description": "Renews the token with `grant_type=refresh_token`." },
            },
            "required": ["access_token"],
            "additionalProperties": true,
        }),
    );
    schemas.insert(
        TOKEN_ERROR.into(),
        json!({
            "type": "object",
            "description": "A refused grant, e.g. `invalid_grant` for a bad login.",
            "properties": {
                "error": { "type": "string", "description": "The OAuth2 error code." },
                "error_description": { "type": ["string", "null"], "description": "What went wrong." },
            },
            "required": ["error"],
            "additionalProperties": true,
        }),
    );
    schemas
}

// ---------------------------------------------------------------------------------------
// Parameters and responses

/// `#/components/<kind>/<name>`.
fn component_ref(kind: &str, name: &str) -> Value {
    json!({ "$ref": format!("#/components/{kind}/{name}") })
}

fn shared_parameters(service: &Service) -> Value {
    let paging = &service.paging;
    let page = json!({ "type": "integer", "minimum": 1, "default": paging.default_page });
    let size = json!({ "type": "integer", "minimum": 1, "default": paging.default_size });
    // "At most N" reads as a cap, not as a refusal of larger sizes: no `maximum`, which
    // would make larger sizes invalid requests; the description and an extension say it.
    let max = paging.max_size;
    let size_cap = format!(
        "The API answers at most {max} records per page. The schema sets no `maximum`: \
         the documents do not say that a larger size is refused, so it reads as a cap \
         (the client and the emulator clamp it to {max}; `CurrentPageSize` says the size \
         used)."
    );
    json!({
        PAGE_PARAM: {
            "name": paging.page.query,
            "in": "query",
            "description": paragraphs([text(&paging.page.docs), decision(paging.page.decision.as_deref())]),
            "schema": page,
        },
        SIZE_PARAM: {
            "name": paging.size.query,
            "in": "query",
            "description": paragraphs([
                text(&paging.size.docs),
                size_cap,
                decision(paging.size.decision.as_deref()),
            ]),
            "schema": size,
            "x-nexudus-maximum": max,
        },
        DIRECTION_PARAM: {
            "name": paging.direction.query,
            "in": "query",
            "description": paragraphs([
                format!(
                    "{} `{}` ascending, `{}` descending; used with `{}`.",
                    flat(&paging.direction.docs),
                    paging.ascending,
                    paging.descending,
                    paging.order_by.query
                ),
                decision(paging.direction.decision.as_deref()),
            ]),
            // The values as the client sends them; on the wire a query value is text anyway.
            "schema": {
                "type": "string",
                "enum": [paging.ascending, paging.descending],
            },
        },
        ID_PARAM: {
            "name": ID_FIELD,
            "in": "path",
            "required": true,
            "description": "The record's Id.",
            "schema": { "type": "integer", "format": "int64" },
        },
    })
}

fn shared_responses(service: &Service) -> Value {
    let throttling = &service.throttling;
    json!({
        BAD_REQUEST: {
            "description": "The request is malformed, e.g. a query value of the wrong type.",
        },
        VALIDATION_FAILED: {
            "description": paragraphs([
                "Validation failed: `WasSuccessful` is false and `Errors` lists each failed property.".to_owned(),
                decision(service.envelopes.decision.as_deref()),
            ]),
            "content": { "application/json": { "schema": schema_ref(ACTION_RESPONSE) } },
        },
        UNAUTHORIZED: {
            "description": "The credentials or the token were not accepted.",
        },
        FORBIDDEN: {
            "description": "The user lacks the operation's role (`x-nexudus-role`) and is not a full unrestricted administrator.",
        },
        NOT_FOUND: {
            "description": "No record has this Id.",
        },
        THROTTLED: {
            "description": paragraphs([
                format!(
                    "Throttled: wait as `Retry-After` says (the message is \"{}\"). A 409 \
                     without that message is a conflict with the record's state.",
                    throttling.message
                ),
                text(&throttling.docs),
            ]),
            "headers": {
                "Retry-After": {
                    "description": "How long to wait: seconds, or an HTTP date.",
                    "schema": { "type": "string" },
                },
            },
        },
    })
}

/// The schema of a filter's value, as the client writes it in the query.
fn query_schema(ty: &Type, service: &Service) -> Value {
    match ty {
        Type::DateTime => {
            let (pattern, example) = filter_datetime(&service.range.datetime_format);
            json!({ "type": "string", "pattern": pattern, "examples": [example] })
        }
        other => Value::Object(type_schema(other)),
    }
}

/// The tokens of the documents' date-time notation (`YYYY-MM-DDTHH:mm`): regex, example.
const DATETIME_TOKENS: &[(&str, &str, &str)] = &[
    // A whole date first, so that only dates that exist match.
    ("YYYY-MM-DD", date_regex!(), "2025-01-15"),
    ("YYYY", "[0-9]{4}", "2025"),
    ("MM", "(0[1-9]|1[0-2])", "01"),
    ("DD", "(0[1-9]|[12][0-9]|3[01])", "15"),
    ("HH", "([01][0-9]|2[0-3])", "10"),
    ("mm", "[0-5][0-9]", "30"),
    ("ss", "[0-5][0-9]", "00"),
];

/// The pattern and an example of the filters' date-time format, from its notation.
fn filter_datetime(format: &str) -> (String, String) {
    let mut pattern = String::from("^");
    let mut example = String::new();
    let mut rest = format;
    while let Some(c) = rest.chars().next() {
        if let Some((token, regex, sample)) = DATETIME_TOKENS
            .iter()
            .find(|(token, ..)| rest.starts_with(token))
        {
            pattern.push_str(regex);
            example.push_str(sample);
            rest = &rest[token.len()..];
        } else {
            if !c.is_ascii_alphanumeric() && c != '-' && c != ':' && c != ' ' {
                pattern.push('\\');
            }
            pattern.push(c);
            example.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    pattern.push('$');
    (pattern, example)
}

// ---------------------------------------------------------------------------------------
// Operations

/// Every operation of an entity: `(path, method, operation)`. Endpoints that share a path
/// and method (`list` and `find_by_ids`) become one operation.
fn entity_operations(
    service: &Service,
    entity: &Entity,
    names: &Names,
) -> Vec<(String, String, Value)> {
    let mut groups: Vec<Vec<&Endpoint>> = Vec::new();
    for endpoint in &entity.endpoints {
        match groups
            .iter_mut()
            .find(|g| g[0].path == endpoint.path && g[0].method() == endpoint.method())
        {
            Some(group) => group.push(endpoint),
            None => groups.push(vec![endpoint]),
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let first = group[0];
            (
                first.path.clone(),
                first.method().as_str().to_ascii_lowercase(),
                operation(service, entity, names, &group),
            )
        })
        .collect()
}

fn operation_id(endpoint: &Endpoint, names: &Names) -> String {
    let (entity, plural) = (&names.entity, &names.plural);
    match &endpoint.operation {
        Operation::List => format!("list{plural}"),
        Operation::FindByIds { .. } => format!("find{plural}ByIds"),
        Operation::Get => format!("get{entity}"),
        Operation::Create => format!("create{entity}"),
        Operation::Update => format!("update{entity}"),
        Operation::Delete => format!("delete{entity}"),
        Operation::Commands => format!("list{entity}Commands"),
        Operation::RunCommand => format!("run{entity}Command"),
        Operation::Download { name, .. } => format!("get{entity}{name}"),
    }
}

fn operation(service: &Service, entity: &Entity, names: &Names, group: &[&Endpoint]) -> Value {
    let first = group[0];
    let has = |wanted: &[EndpointKind]| group.iter().any(|e| wanted.contains(&e.kind()));

    let mut roles: Vec<&str> = Vec::new();
    for endpoint in group {
        if !roles.contains(&endpoint.role.as_str()) {
            roles.push(endpoint.role.as_str());
        }
    }
    let role_text = match roles.as_slice() {
        [role] => format!(
            "Requires the role `{role}` (unless the user is a full unrestricted administrator)."
        ),
        _ => format!(
            "Requires the role {} (unless the user is a full unrestricted administrator).",
            group
                .iter()
                .map(|e| format!("`{}` ({})", e.role, e.kind().key()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut parts = Vec::new();
    for (i, endpoint) in group.iter().enumerate() {
        let docs = flat(&endpoint.docs);
        parts.push(match (i, &endpoint.operation) {
            (0, _) => docs,
            (_, Operation::FindByIds { query }) => format!("With `{query}=[1,2]`: {docs}"),
            (_, _) => format!("As `{}`: {docs}", endpoint.kind().key()),
        });
        parts.push(decision(endpoint.decision.as_deref()));
    }
    if has(&[EndpointKind::RunCommand]) {
        for command in &entity.commands {
            parts.push(format!(
                "Command `{}`: {}",
                command.key,
                flat(&command.docs)
            ));
        }
    }
    parts.push(role_text);

    let mut op = Map::new();
    op.insert("operationId".into(), operation_id(first, names).into());
    op.insert("summary".into(), first_sentence(&first.docs).into());
    op.insert("description".into(), paragraphs(parts).into());
    op.insert("tags".into(), json!([names.entity]));
    op.insert(
        "x-nexudus-role".into(),
        match roles.as_slice() {
            [role] => json!(role),
            _ => json!(roles),
        },
    );
    op.insert(
        "x-nexudus-endpoints".into(),
        json!(group.iter().map(|e| e.kind().key()).collect::<Vec<_>>()),
    );

    let mut parameters = Vec::new();
    if group.iter().any(|e| e.kind().has_id_in_path()) {
        parameters.push(component_ref("parameters", ID_PARAM));
    }
    if has(&[EndpointKind::List, EndpointKind::FindByIds]) {
        parameters.extend(list_parameters(service, entity, group));
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), parameters.into());
    }

    let bodies = distinct(group.iter().filter_map(|e| match e.kind() {
        EndpointKind::Create => Some(schema_ref(&names.create)),
        EndpointKind::Update => Some(schema_ref(&names.update)),
        EndpointKind::RunCommand => Some(schema_ref(RUN_COMMAND)),
        _ => None,
    }));
    if let Some(schema) = one_of(bodies.clone()) {
        op.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "content": { "application/json": { "schema": schema } },
            }),
        );
    }

    let mut responses = Map::new();
    let content = if has(&[EndpointKind::Download]) {
        // A file, or JSON `null` when the record has none.
        json!({
            "application/octet-stream": { "schema": { "type": "string", "format": "binary" } },
            "application/json": { "schema": { "type": "null" } },
        })
    } else {
        let answers = distinct(group.iter().map(|e| match e.kind() {
            EndpointKind::List | EndpointKind::FindByIds => schema_ref(&names.page),
            EndpointKind::Get => schema_ref(&names.entity),
            EndpointKind::Commands => array_of(schema_ref(COMMAND_INFO)),
            EndpointKind::Create
            | EndpointKind::Update
            | EndpointKind::Delete
            | EndpointKind::RunCommand
            | EndpointKind::Download => schema_ref(ACTION_RESPONSE),
        }));
        json!({ "application/json": { "schema": one_of(answers) } })
    };
    responses.insert(
        "200".into(),
        json!({
            "description": success_description(first.kind()),
            "content": content,
        }),
    );
    responses.insert("400".into(), component_ref("responses", BAD_REQUEST));
    if !bodies.is_empty() {
        responses.insert(
            service.envelopes.validation_status.to_string(),
            component_ref("responses", VALIDATION_FAILED),
        );
    }
    responses.insert("401".into(), component_ref("responses", UNAUTHORIZED));
    responses.insert("403".into(), component_ref("responses", FORBIDDEN));
    if group.iter().any(|e| may_be_not_found(e.kind())) {
        responses.insert("404".into(), component_ref("responses", NOT_FOUND));
    }
    for status in &service.throttling.statuses {
        responses.insert(status.to_string(), component_ref("responses", THROTTLED));
    }
    op.insert("responses".into(), responses.into());
    Value::Object(op)
}

/// Whether the endpoint names one record that may not exist: by the `{Id}` of its path
/// (get, delete, downloads) or the `Id` of its body (update, which answers 404 for an
/// unknown `Id`).
fn may_be_not_found(kind: EndpointKind) -> bool {
    kind.has_id_in_path() || kind == EndpointKind::Update
}

fn success_description(kind: EndpointKind) -> &'static str {
    match kind {
        EndpointKind::List | EndpointKind::FindByIds => "One page of list records.",
        EndpointKind::Get => "The full record.",
        EndpointKind::Commands => "The commands of the entity.",
        EndpointKind::RunCommand => {
            "The action's envelope; `WasSuccessful` is false when the command failed."
        }
        EndpointKind::Create => "The action's envelope; `Value.Id` is the new record's Id.",
        EndpointKind::Update | EndpointKind::Delete => "The action's envelope.",
        EndpointKind::Download => {
            "The file, with its type in `Content-Type`; JSON `null` when the record has none."
        }
    }
}

/// The query parameters of a list operation: paging, sorting, filters, range filters and,
/// if the group has it, the find-by-ids parameter.
fn list_parameters(service: &Service, entity: &Entity, group: &[&Endpoint]) -> Vec<Value> {
    let paging = &service.paging;
    // The sortable properties are `examples`, not an `enum`: the documents do not say that
    // another name is refused (the page reports the field it used in `CurrentOrderField`).
    let mut order_by = json!({ "type": "string" });
    if !entity.sort.is_empty() {
        order_by["examples"] = json!(
            entity
                .sort
                .iter()
                .map(|s| s.wire.as_str())
                .collect::<Vec<_>>()
        );
    }
    let mut parameters = vec![
        component_ref("parameters", PAGE_PARAM),
        component_ref("parameters", SIZE_PARAM),
        json!({
            "name": paging.order_by.query,
            "in": "query",
            "description": paragraphs([
                format!(
                    "{} One of the list record's sortable properties, listed in `examples`. \
                     The documents do not say that another name is refused, and the page \
                     reports the field it sorted by in `CurrentOrderField`, so the schema \
                     does not restrict the value.",
                    flat(&paging.order_by.docs)
                ),
                decision(paging.order_by.decision.as_deref()),
            ]),
            "schema": order_by,
        }),
        component_ref("parameters", DIRECTION_PARAM),
    ];
    for filter in &entity.filters {
        parameters.push(json!({
            "name": filter.query,
            "in": "query",
            "description": paragraphs([
                format!("{} Equal to `{}`.", flat(&filter.docs), filter.field),
                decision(filter.decision.as_deref()),
            ]),
            "schema": query_schema(&filter.ty, service),
            "x-nexudus-field": filter.field,
        }));
    }
    for range in &entity.range_filters {
        let schema = query_schema(&range.ty, service);
        for (name, bound) in [(&range.from, "lower"), (&range.to, "upper")] {
            parameters.push(json!({
                "name": name,
                "in": "query",
                "description": paragraphs([
                    format!("{} The {bound} bound of `{}`.", flat(&range.docs), range.field),
                    decision(range.decision.as_deref()),
                ]),
                "schema": schema,
                "x-nexudus-field": range.field,
            }));
        }
    }
    for endpoint in group {
        if let Operation::FindByIds { query } = &endpoint.operation {
            parameters.push(json!({
                "name": query,
                "in": "query",
                "description": format!(
                    "The Ids of the records to get, as `[1,2]`. {}",
                    flat(&endpoint.docs)
                ),
                "schema": {
                    "type": "string",
                    "pattern": ID_LIST_PATTERN,
                    "examples": ["[1,2]"],
                },
                "x-nexudus-field": ID_FIELD,
            }));
        }
    }
    parameters
}

/// `POST /api/token`: the password and refresh-token grants.
fn token_operation(service: &Service) -> Value {
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": "The token was granted.",
            "content": { "application/json": { "schema": schema_ref(TOKEN_RESPONSE) } },
        }),
    );
    responses.insert(
        "400".into(),
        json!({
            "description": "The grant was refused, e.g. `invalid_grant` for a bad login.",
            "content": { "application/json": { "schema": schema_ref(TOKEN_ERROR) } },
        }),
    );
    for status in &service.throttling.statuses {
        responses.insert(status.to_string(), component_ref("responses", THROTTLED));
    }
    json!({
        "operationId": "requestToken",
        "summary": "Gets or renews an access token (OAuth2 password and refresh-token grants).",
        "description": text(&service.auth.password_grant_docs),
        "tags": [AUTH_TAG],
        "security": [],
        "requestBody": {
            "required": true,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": { "oneOf": [schema_ref(PASSWORD_GRANT), schema_ref(REFRESH_GRANT)] },
                },
            },
        },
        "responses": responses,
    })
}

// ---------------------------------------------------------------------------------------
// Text and small helpers

/// Spec text as a description: trimmed; line breaks are kept (CommonMark joins lines).
fn text(docs: &str) -> String {
    docs.trim().to_owned()
}

/// A spec decision as a paragraph, or nothing.
fn decision(decision: Option<&str>) -> String {
    decision.map_or_else(String::new, |d| format!("Decision: {}", flat(d)))
}

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The values without repeats, in first-seen order.
fn distinct(values: impl Iterator<Item = Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// One schema as itself, several as `oneOf`, none as `None`.
fn one_of(mut schemas: Vec<Value>) -> Option<Value> {
    match schemas.len() {
        0 => None,
        1 => schemas.pop(),
        _ => Some(json!({ "oneOf": schemas })),
    }
}
