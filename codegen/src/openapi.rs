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
//!   parameters are the union of both.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use crate::names;
use crate::spec::{
    Body, Endpoint, EndpointKind, Entity, Field, ID_FIELD, RangeFilterNaming, Service, Spec,
    TypeExpr,
};

/// The OpenAPI version the document declares.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The document as pretty-printed JSON with a trailing newline, as it is committed.
pub fn render(spec: &Spec) -> String {
    // A `Value` has string keys only, so serializing it cannot fail.
    let mut text = serde_json::to_string_pretty(&document(spec))
        .expect("a serde_json::Value always serializes");
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

/// The OpenAPI 3.1 document of a validated spec.
pub fn document(spec: &Spec) -> Value {
    let service = &spec.service;
    let mut schemas = shared_schemas(service);
    let mut paths = Map::new();
    let mut tags = vec![json!({
        "name": AUTH_TAG,
        "description": "Getting and renewing access tokens.",
    })];
    paths.insert(
        service.auth.password_grant.path.to_string(),
        json!({ "post": token_operation(service) }),
    );
    for entity in &spec.entities {
        let names = Names::of(entity);
        schemas.extend(entity_schemas(service, entity, &names));
        for (path, method, operation) in entity_operations(service, entity, &names) {
            let item = paths.entry(path).or_insert_with(|| json!({}));
            if let Value::Object(item) = item {
                item.insert(method, operation);
            }
        }
        tags.push(json!({
            "name": entity.def.entity.as_str(),
            "description": text(&entity.def.docs),
            "x-nexudus-area": entity.area,
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
    /// The snake-case plural in UpperCamelCase (`CoworkerDiscountCodes`), for operation ids.
    plural: String,
    list_item: String,
    create: String,
    update: String,
    page: String,
}

impl Names {
    fn of(entity: &Entity) -> Names {
        let name = entity.def.entity.to_string();
        // A loaded spec always has a valid module name; the fallback only avoids a panic.
        let plural = names::entity_module(&name)
            .map(|module| {
                module
                    .to_string()
                    .trim_start_matches("r#")
                    .to_upper_camel_case()
            })
            .unwrap_or_else(|_| format!("{name}s"));
        Names {
            plural,
            list_item: format!("{name}ListItem"),
            create: format!("New{name}"),
            update: format!("{name}Update"),
            page: format!("{name}Page"),
            entity: name,
        }
    }
}

fn info(service: &Service) -> Value {
    let paging = &service.paging;
    let range = &service.range_filters;
    let description = paragraphs([
        format!(
            "The {} REST API, as this project's `spec/` describes it. Generated by `cargo \
             xtask gen` (or `cargo xtask openapi`) from `spec/`: do not edit, change the \
             spec instead.",
            service.name.as_str()
        ),
        format!(
            "**Authentication.** {} {} Or the OAuth2 password grant at `{}`.",
            flat(&service.auth.bearer.docs),
            flat(&service.auth.basic.docs),
            service.auth.password_grant.path.as_str()
        ),
        format!(
            "**Lists** are paged with `{}` (from {}) and `{}` (at most {}), sorted with `{}` \
             and `{}` (`{}` ascending, `{}` descending), and filtered with one query \
             parameter per filter; range filters are `{}<name>` / `{}<name>`, with \
             date-times written `{}`.",
            paging.page.query.as_str(),
            paging.page.default.as_deref().copied().unwrap_or(1),
            paging.size.query.as_str(),
            paging
                .size
                .max
                .as_deref()
                .map_or_else(|| "unbounded".to_owned(), u32::to_string),
            paging.order_by.query.as_str(),
            paging.direction.query.as_str(),
            paging.direction.ascending.as_str(),
            paging.direction.descending.as_str(),
            range.from_prefix.as_str(),
            range.to_prefix.as_str(),
            range.datetime_format.as_str(),
        ),
        "**Date-times** in records are strings like `2025-01-15T10:30:00Z`, with or without \
         seconds, fractions of a second and the `Z`; some are the space's local wall-clock \
         time with a literal `Z`. So they carry a `pattern` rather than `format: date-time`."
            .to_owned(),
        format!(
            "**Validation failures** answer HTTP {} with the action envelope. {}",
            *service.envelopes.validation_status,
            decision(service.envelopes.decision.as_deref())
        ),
        format!("**Throttling.** {}", flat(&service.throttling.docs)),
        "**Extensions.** `x-nexudus-role` names the role an operation needs (full \
         unrestricted administrators need none); `x-nexudus-endpoints` the spec's endpoint \
         kinds it implements; `x-nexudus-type` a property's spec type; `x-nexudus-field` the \
         property a filter compares with."
            .to_owned(),
    ]);
    json!({
        "title": format!("{} API", service.name.as_str()),
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
    let token_url = format!("{}{}", base_url(service), auth.password_grant.path.as_str());
    json!({
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": text(&auth.bearer.docs),
        },
        BASIC: {
            "type": "http",
            "scheme": "basic",
            "description": text(&auth.basic.docs),
        },
        OAUTH2: {
            "type": "oauth2",
            "description": text(&auth.password_grant.docs),
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

/// The JSON Schema of a spec type, without nullability or docs.
fn type_schema(ty: &TypeExpr) -> Map<String, Value> {
    let schema = match ty {
        TypeExpr::Integer | TypeExpr::Id(_) => json!({ "type": "integer", "format": "int64" }),
        TypeExpr::Ids(_) => json!({
            "type": "array",
            "items": { "type": "integer", "format": "int64" },
        }),
        // A decimal on the wire as a JSON number; no `format`, as `double` would be wrong.
        TypeExpr::Money => json!({ "type": "number" }),
        TypeExpr::Boolean => json!({ "type": "boolean" }),
        TypeExpr::String => json!({ "type": "string" }),
        TypeExpr::DateTime => json!({ "type": "string", "pattern": DATETIME_PATTERN }),
        TypeExpr::Guid => json!({ "type": "string", "format": "uuid" }),
        // Free JSON: any value, null included.
        TypeExpr::Json | TypeExpr::Invalid { .. } => json!({}),
    };
    into_map(schema)
}

/// What a property's description adds to the field's docs for its type.
fn type_note(ty: &TypeExpr) -> Option<String> {
    match ty {
        TypeExpr::Id(entity) => Some(format!("The id of a `{entity}` record.")),
        TypeExpr::Ids(entity) => Some(format!("Ids of `{entity}` records.")),
        TypeExpr::Money => Some("A decimal amount.".to_owned()),
        TypeExpr::DateTime => {
            Some("A date-time, `YYYY-MM-DDTHH:mm[:ss[.fraction]][Z]`.".to_owned())
        }
        _ => None,
    }
}

/// How a property appears in one schema.
#[derive(Clone, Copy)]
struct Flags {
    nullable: bool,
    read_only: bool,
}

/// A record or envelope property: its type (or `base`, replacing it), nullability, docs.
fn property(field: &Field, base: Option<Value>, flags: Flags) -> Value {
    let mut schema = match base {
        Some(base) => into_map(base),
        None => type_schema(&field.ty),
    };
    if flags.nullable {
        // A schema without `type` (free JSON, `$ref`s are not used here) already takes null.
        if let Some(Value::String(ty)) = schema.get("type").cloned() {
            schema.insert("type".into(), json!([ty, "null"]));
        }
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
    schema.insert("x-nexudus-type".into(), field.ty.to_string().into());
    Value::Object(schema)
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
    let def = &entity.def;
    let mut schemas = Map::new();

    let full = def.full_record(service);
    schemas.insert(
        names.entity.clone(),
        object(
            paragraphs([
                text(&def.docs),
                "The full record, as GET one answers it.".to_owned(),
            ]),
            full.clone()
                .map(|f| {
                    let flags = Flags {
                        nullable: f.is_nullable(),
                        read_only: f.read_only,
                    };
                    (f.wire.to_string(), property(f, None, flags))
                })
                .collect(),
            full.clone()
                .filter(|f| !f.is_nullable())
                .map(|f| f.wire.to_string())
                .collect(),
        ),
    );

    let joined: Vec<&str> = def.list.joined.iter().map(|f| f.wire.as_str()).collect();
    schemas.insert(
        names.list_item.clone(),
        object(
            paragraphs([
                def.list
                    .docs
                    .as_deref()
                    .map(|d| text(d))
                    .unwrap_or_else(|| {
                        format!("The summary of a {} that list answers carry.", names.entity)
                    }),
                "Every property but `Id` may be missing or null.".to_owned(),
            ]),
            def.list_record(service)
                .map(|f| {
                    let flags = Flags {
                        nullable: f.is_nullable_in_list(),
                        // Joined display fields are always read-only.
                        read_only: f.read_only || joined.contains(&f.wire.as_str()),
                    };
                    (f.wire.to_string(), property(f, None, flags))
                })
                .collect(),
            def.list_record(service)
                .filter(|f| !f.is_nullable_in_list())
                .map(|f| f.wire.to_string())
                .collect(),
        ),
    );

    // Request bodies carry no `readOnly` marks: tools leave such properties out of requests,
    // and the update body must send `Id`.
    let writable = full.clone().filter(|f| !f.read_only);
    let body_property = |f: &Field| {
        let flags = Flags {
            nullable: f.is_nullable(),
            read_only: false,
        };
        (f.wire.to_string(), property(f, None, flags))
    };
    let required: Vec<String> = writable
        .clone()
        .filter(|f| f.required)
        .map(|f| f.wire.to_string())
        .collect();
    schemas.insert(
        names.create.clone(),
        object(
            format!(
                "The body of a create: the writable properties of a {}, the required ones \
                 included. Properties left out stay unset.",
                names.entity
            ),
            writable.clone().map(body_property).collect(),
            required.clone(),
        ),
    );

    let id = full.clone().find(|f| f.wire.as_str() == ID_FIELD);
    let mut update_properties: Map<String, Value> = writable.map(body_property).collect();
    if let Some(id) = id {
        let flags = Flags {
            nullable: false,
            read_only: false,
        };
        let id_property = property(id, None, flags);
        update_properties.insert(ID_FIELD.to_owned(), id_property);
    }
    schemas.insert(
        names.update.clone(),
        object(
            format!(
                "The body of an update: the record's `{ID_FIELD}` and its writable \
                 properties. A PUT clears every property it does not send, so make the body \
                 from the full record ({}), not from a list record. `{ID_FIELD}` and the \
                 fields required on create are required, as the update page (001) says.",
                names.entity
            ),
            update_properties,
            std::iter::once(ID_FIELD.to_owned())
                .chain(required)
                .collect(),
        ),
    );

    schemas.insert(
        names.page.clone(),
        envelope(
            format!("One page of {} list records.", names.entity),
            &service.envelopes.page,
            &[(
                "Records",
                json!({ "type": "array", "items": schema_ref(&names.list_item) }),
            )],
        ),
    );
    schemas
}

/// An envelope from `service.yaml`; `items` replaces the free-JSON type of the named
/// properties by what the runtime decodes them as.
fn envelope(description: String, fields: &[Field], items: &[(&str, Value)]) -> Value {
    let base = |f: &Field| {
        items
            .iter()
            .find(|(wire, _)| *wire == f.wire.as_str())
            .map(|(_, schema)| schema.clone())
    };
    object(
        description,
        fields
            .iter()
            .map(|f| {
                let flags = Flags {
                    nullable: f.is_nullable(),
                    read_only: false,
                };
                let mut schema = property(f, base(f), flags);
                // Envelopes are not records: their spec types (`json` for lists) would mislead.
                if let Value::Object(map) = &mut schema {
                    map.remove("x-nexudus-type");
                }
                (f.wire.to_string(), schema)
            })
            .collect(),
        fields
            .iter()
            .filter(|f| !f.is_nullable())
            .map(|f| f.wire.to_string())
            .collect(),
    )
}

/// The schemas every entity shares: envelopes, run command, token endpoint.
fn shared_schemas(service: &Service) -> Map<String, Value> {
    let envelopes = &service.envelopes;
    let mut schemas = Map::new();
    schemas.insert(
        ACTION_RESPONSE.into(),
        envelope(
            "The answer of create, update, delete and run command. `WasSuccessful` says \
             whether the action succeeded: run command answers 200 even when it failed."
                .to_owned(),
            &envelopes.action,
            &[(
                "Errors",
                json!({ "type": "array", "items": schema_ref(VALIDATION_ERROR) }),
            )],
        ),
    );
    schemas.insert(
        VALIDATION_ERROR.into(),
        envelope(
            "One failed validation of a create or update.".to_owned(),
            &envelopes.validation_error,
            &[],
        ),
    );
    schemas.insert(
        COMMAND_INFO.into(),
        envelope(
            "A command that can run on records of an entity.".to_owned(),
            &envelopes.command,
            &[(
                "RequiresParameters",
                json!({ "type": "array", "items": schema_ref(COMMAND_PARAMETER_INFO) }),
            )],
        ),
    );
    schemas.insert(
        COMMAND_PARAMETER_INFO.into(),
        json!({
            "type": "object",
            "description": "A parameter a command takes.",
            "properties": {
                "Name": { "type": ["string", "null"], "description": "What the parameter means." },
                "Type": {
                    "type": ["string", "null"],
                    "description": "Its type name, e.g. `string` or `Boolean`; send it back in `RunCommand.Parameters[].Type`.",
                },
            },
            "additionalProperties": true,
        }),
    );
    schemas.insert(
        RUN_COMMAND.into(),
        json!({
            "type": "object",
            "description": "The body of a run command.",
            "properties": {
                "Key": { "type": "string", "description": "The `Key` of the command (`CommandInfo.Key`)." },
                "Ids": {
                    "type": "array",
                    "items": { "type": "integer", "format": "int64" },
                    "description": "The ids of the records to run it on.",
                },
                "Parameters": {
                    "type": "array",
                    "items": schema_ref(COMMAND_PARAMETER),
                    "description": "The parameters, in the order of `CommandInfo.RequiresParameters`.",
                },
            },
            "required": ["Key", "Ids"],
        }),
    );
    schemas.insert(
        COMMAND_PARAMETER.into(),
        json!({
            "type": "object",
            "description": "One parameter of a run command.",
            "properties": {
                "Type": { "type": "string", "description": "The parameter's type name, e.g. `string`." },
                "Value": { "description": "Its value." },
            },
            "required": ["Type", "Value"],
        }),
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
    let mut page = json!({ "type": "integer", "minimum": 1 });
    if let Some(default) = &paging.page.default {
        page["default"] = json!(**default);
    }
    let mut size = json!({ "type": "integer", "minimum": 1 });
    if let Some(default) = &paging.size.default {
        size["default"] = json!(**default);
    }
    // "At most N" reads as a cap, not as a refusal of larger sizes: no `maximum`, which
    // would make larger sizes invalid requests; the description and an extension say it.
    let size_cap = paging.size.max.as_deref().map(|max| {
        format!(
            "The API answers at most {max} records per page. The schema sets no `maximum`: \
             the documents do not say that a larger size is refused, so it reads as a cap \
             (the client and the emulator clamp it to {max}; `CurrentPageSize` says the size \
             used)."
        )
    });
    let direction = &paging.direction;
    let mut parameters = json!({
        PAGE_PARAM: {
            "name": paging.page.query.as_str(),
            "in": "query",
            "description": paragraphs([text(&paging.page.docs), decision(paging.page.decision.as_deref())]),
            "schema": page,
        },
        SIZE_PARAM: {
            "name": paging.size.query.as_str(),
            "in": "query",
            "description": paragraphs([
                text(&paging.size.docs),
                size_cap.unwrap_or_default(),
                decision(paging.size.decision.as_deref()),
            ]),
            "schema": size,
        },
        DIRECTION_PARAM: {
            "name": direction.query.as_str(),
            "in": "query",
            "description": paragraphs([
                format!(
                    "{} `{}` ascending, `{}` descending; used with `{}`.",
                    flat(&direction.docs),
                    direction.ascending.as_str(),
                    direction.descending.as_str(),
                    paging.order_by.query.as_str()
                ),
                decision(direction.decision.as_deref()),
            ]),
            // The values as the client sends them; on the wire a query value is text anyway.
            "schema": {
                "type": "string",
                "enum": [direction.ascending.as_str(), direction.descending.as_str()],
            },
        },
        ID_PARAM: {
            "name": ID_FIELD,
            "in": "path",
            "required": true,
            "description": "The record's Id.",
            "schema": { "type": "integer", "format": "int64" },
        },
    });
    if let Some(max) = &paging.size.max {
        parameters[SIZE_PARAM]["x-nexudus-maximum"] = json!(**max);
    }
    parameters
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
                    throttling.message.as_str()
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
fn query_schema(ty: &TypeExpr, naming: &RangeFilterNaming) -> Value {
    match ty {
        TypeExpr::DateTime => {
            let (pattern, example) = filter_datetime(&naming.datetime_format);
            json!({ "type": "string", "pattern": pattern, "examples": [example] })
        }
        TypeExpr::Ids(_) => {
            json!({ "type": "string", "pattern": ID_LIST_PATTERN, "examples": ["[1,2]"] })
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
    let mut groups: Vec<Vec<(EndpointKind, &Endpoint)>> = Vec::new();
    for (kind, endpoint) in entity.def.endpoints.iter() {
        let key = (endpoint.path.as_str(), kind.method());
        match groups
            .iter_mut()
            .find(|g| (g[0].1.path.as_str(), g[0].0.method()) == key)
        {
            Some(group) => group.push((kind, endpoint)),
            None => groups.push(vec![(kind, endpoint)]),
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let (kind, endpoint) = group[0];
            (
                endpoint.path.to_string(),
                kind.method().as_str().to_ascii_lowercase(),
                operation(service, entity, names, &group),
            )
        })
        .collect()
}

fn operation_id(kind: EndpointKind, names: &Names) -> String {
    let (entity, plural) = (&names.entity, &names.plural);
    match kind {
        EndpointKind::List => format!("list{plural}"),
        EndpointKind::FindByIds => format!("find{plural}ByIds"),
        EndpointKind::Get => format!("get{entity}"),
        EndpointKind::Create => format!("create{entity}"),
        EndpointKind::Update => format!("update{entity}"),
        EndpointKind::Delete => format!("delete{entity}"),
        EndpointKind::Commands => format!("list{entity}Commands"),
        EndpointKind::RunCommand => format!("run{entity}Command"),
    }
}

fn operation(
    service: &Service,
    entity: &Entity,
    names: &Names,
    group: &[(EndpointKind, &Endpoint)],
) -> Value {
    let (first_kind, first) = group[0];
    let has = |wanted: &[EndpointKind]| group.iter().any(|(kind, _)| wanted.contains(kind));

    let mut roles: Vec<&str> = Vec::new();
    for (_, endpoint) in group {
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
                .map(|(kind, e)| format!("`{}` ({})", e.role.as_str(), kind.key()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut parts = Vec::new();
    for (i, (kind, endpoint)) in group.iter().enumerate() {
        let docs = flat(&endpoint.docs);
        parts.push(match (i, *kind, &endpoint.query) {
            (0, ..) => docs,
            (_, EndpointKind::FindByIds, Some(query)) => {
                format!("With `{}=[1,2]`: {docs}", query.as_str())
            }
            (_, kind, _) => format!("As `{}`: {docs}", kind.key()),
        });
        parts.push(decision(endpoint.decision.as_deref()));
    }
    if has(&[EndpointKind::RunCommand]) {
        for command in &entity.def.commands {
            parts.push(format!(
                "Command `{}`: {}",
                command.key.as_str(),
                flat(&command.docs)
            ));
        }
    }
    parts.push(role_text);

    let mut op = Map::new();
    op.insert("operationId".into(), operation_id(first_kind, names).into());
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
        json!(group.iter().map(|(kind, _)| kind.key()).collect::<Vec<_>>()),
    );

    let mut parameters = Vec::new();
    if group.iter().any(|(kind, _)| kind.has_id_in_path()) {
        parameters.push(component_ref("parameters", ID_PARAM));
    }
    if has(&[EndpointKind::List, EndpointKind::FindByIds]) {
        parameters.extend(list_parameters(service, entity, group));
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), parameters.into());
    }

    let bodies = distinct(group.iter().filter_map(|(kind, _)| match kind.body() {
        Body::None => None,
        Body::Create => Some(schema_ref(&names.create)),
        Body::Update => Some(schema_ref(&names.update)),
        Body::RunCommand => Some(schema_ref(RUN_COMMAND)),
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

    let answers = distinct(group.iter().map(|(kind, _)| match kind {
        EndpointKind::List | EndpointKind::FindByIds => schema_ref(&names.page),
        EndpointKind::Get => schema_ref(&names.entity),
        EndpointKind::Commands => json!({ "type": "array", "items": schema_ref(COMMAND_INFO) }),
        EndpointKind::Create
        | EndpointKind::Update
        | EndpointKind::Delete
        | EndpointKind::RunCommand => schema_ref(ACTION_RESPONSE),
    }));
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": success_description(first_kind),
            "content": { "application/json": { "schema": one_of(answers) } },
        }),
    );
    responses.insert("400".into(), component_ref("responses", BAD_REQUEST));
    if !bodies.is_empty() {
        responses.insert(
            (*service.envelopes.validation_status).to_string(),
            component_ref("responses", VALIDATION_FAILED),
        );
    }
    responses.insert("401".into(), component_ref("responses", UNAUTHORIZED));
    responses.insert("403".into(), component_ref("responses", FORBIDDEN));
    if group.iter().any(|(kind, _)| may_be_not_found(*kind)) {
        responses.insert("404".into(), component_ref("responses", NOT_FOUND));
    }
    for status in &service.throttling.statuses {
        responses.insert(
            (**status).to_string(),
            component_ref("responses", THROTTLED),
        );
    }
    op.insert("responses".into(), responses.into());
    Value::Object(op)
}

/// Whether the endpoint names one record that may not exist: by the `{Id}` of its path
/// (get, delete) or the `Id` of its body (update, which answers 404 for an unknown `Id`).
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
    }
}

/// The query parameters of a list operation: paging, sorting, filters, range filters and,
/// if the group has it, the find-by-ids parameter.
fn list_parameters(
    service: &Service,
    entity: &Entity,
    group: &[(EndpointKind, &Endpoint)],
) -> Vec<Value> {
    let def = &entity.def;
    let paging = &service.paging;
    // The sortable properties are `examples`, not an `enum`: the documents do not say that
    // another name is refused (the page reports the field it used in `CurrentOrderField`).
    let mut order_by = json!({ "type": "string" });
    if !def.sort.is_empty() {
        order_by["examples"] = json!(def.sort.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    }
    let mut parameters = vec![
        component_ref("parameters", PAGE_PARAM),
        component_ref("parameters", SIZE_PARAM),
        json!({
            "name": paging.order_by.query.as_str(),
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
    let field_type = |wire: &str| {
        def.find_field(service, wire)
            .map_or(TypeExpr::Json, |f| (*f.ty).clone())
    };
    for filter in &def.filters {
        parameters.push(json!({
            "name": filter.query.as_str(),
            "in": "query",
            "description": paragraphs([
                format!("{} Equal to `{}`.", flat(&filter.docs), filter.field.as_str()),
                decision(filter.decision.as_deref()),
            ]),
            "schema": query_schema(&field_type(&filter.field), &service.range_filters),
            "x-nexudus-field": filter.field.as_str(),
        }));
    }
    for range in &def.range_filters {
        let schema = query_schema(&field_type(&range.field), &service.range_filters);
        for (name, bound) in [(&range.from, "lower"), (&range.to, "upper")] {
            parameters.push(json!({
                "name": name.as_str(),
                "in": "query",
                "description": paragraphs([
                    format!(
                        "{} The {bound} bound of `{}`.",
                        flat(&range.docs),
                        range.field.as_str()
                    ),
                    decision(range.decision.as_deref()),
                ]),
                "schema": schema,
                "x-nexudus-field": range.field.as_str(),
            }));
        }
    }
    for (kind, endpoint) in group {
        if let (EndpointKind::FindByIds, Some(query)) = (kind, &endpoint.query) {
            parameters.push(json!({
                "name": query.as_str(),
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
        responses.insert(
            (**status).to_string(),
            component_ref("responses", THROTTLED),
        );
    }
    json!({
        "operationId": "requestToken",
        "summary": "Gets or renews an access token (OAuth2 password and refresh-token grants).",
        "description": text(&service.auth.password_grant.docs),
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

/// The text on one line, for embedding in a sentence.
fn flat(docs: &str) -> String {
    docs.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence, for an operation's summary.
fn first_sentence(docs: &str) -> String {
    let flat = flat(docs);
    match flat.find(". ") {
        Some(end) => flat[..=end].to_owned(),
        None => flat,
    }
}

/// A spec decision as a paragraph, or nothing.
fn decision(decision: Option<&String>) -> String {
    decision.map_or_else(String::new, |d| format!("Decision: {}", flat(d)))
}

/// Non-empty parts, trimmed, joined as paragraphs.
fn paragraphs<I: IntoIterator<Item = String>>(parts: I) -> String {
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
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
