//! The tools, made from the spec at start: their names, descriptions (with the role each
//! operation needs), input schemas (the entity an enumeration of `ENTITIES`, paging bounded
//! by `SERVICE.paging`) and annotations.
//!
//! Fields and filters differ per entity; a schema per entity would make the tool list
//! megabytes long, so they are described generically here and in full by describe_entity.

use std::collections::BTreeMap;
use std::sync::Arc;

use nexudus::{ENTITIES, EndpointKind, SERVICE};
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::{Value, json};

use super::bound;

/// The tools, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    ListEntities,
    DescribeEntity,
    List,
    Get,
    Create,
    Update,
    Delete,
    ListCommands,
    RunCommand,
}

impl Name {
    pub const ALL: [Name; 9] = [
        Name::ListEntities,
        Name::DescribeEntity,
        Name::List,
        Name::Get,
        Name::Create,
        Name::Update,
        Name::Delete,
        Name::ListCommands,
        Name::RunCommand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Name::ListEntities => "list_entities",
            Name::DescribeEntity => "describe_entity",
            Name::List => "list",
            Name::Get => "get",
            Name::Create => "create",
            Name::Update => "update",
            Name::Delete => "delete",
            Name::ListCommands => "list_commands",
            Name::RunCommand => "run_command",
        }
    }

    pub fn parse(name: &str) -> Option<Name> {
        Self::ALL.into_iter().find(|n| n.as_str() == name)
    }

    /// Changes records: refused unless the server was started with `--allow-writes`.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Name::Create | Name::Update | Name::Delete | Name::RunCommand
        )
    }

    /// The endpoints the tool calls, in order; none for the tools answered from the spec.
    pub fn endpoints(self) -> &'static [EndpointKind] {
        match self {
            Name::ListEntities | Name::DescribeEntity => &[],
            Name::List => &[EndpointKind::List],
            Name::Get => &[EndpointKind::Get],
            Name::Create => &[EndpointKind::Create],
            // update reads the record first: the API's update replaces it whole.
            Name::Update => &[EndpointKind::Get, EndpointKind::Update],
            Name::Delete => &[EndpointKind::Delete],
            Name::ListCommands => &[EndpointKind::Commands],
            Name::RunCommand => &[EndpointKind::RunCommand],
        }
    }

    /// The tool's name for an endpoint kind, as describe_entity lists operations.
    pub fn of_endpoint(kind: EndpointKind) -> Option<Name> {
        Some(match kind {
            EndpointKind::List => Name::List,
            EndpointKind::Get => Name::Get,
            EndpointKind::Create => Name::Create,
            EndpointKind::Update => Name::Update,
            EndpointKind::Delete => Name::Delete,
            EndpointKind::Commands => Name::ListCommands,
            EndpointKind::RunCommand => Name::RunCommand,
            EndpointKind::FindByIds | EndpointKind::Download => return None,
        })
    }
}

/// What the tool descriptions say of the server's settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub allow_writes: bool,
    pub redact: bool,
}

/// Every tool, as `tools/list` answers.
pub fn all(settings: Settings) -> Vec<Tool> {
    Name::ALL
        .into_iter()
        .map(|name| tool(name, settings))
        .collect()
}

fn tool(name: Name, settings: Settings) -> Tool {
    let title = match name {
        Name::ListEntities => "List entity types",
        Name::DescribeEntity => "Describe an entity",
        Name::List => "List records",
        Name::Get => "Get a record",
        Name::Create => "Create a record",
        Name::Update => "Update a record",
        Name::Delete => "Delete a record",
        Name::ListCommands => "List an entity's commands",
        Name::RunCommand => "Run a command on records",
    };
    // One Nexudus account: a closed world.
    let annotations = ToolAnnotations::with_title(title).open_world(false);
    let annotations = match name {
        Name::ListEntities | Name::DescribeEntity | Name::List | Name::Get | Name::ListCommands => {
            annotations.read_only(true).destructive(false)
        }
        // Create and update are neither read-only nor destructive (they add or change,
        // and update writes back what it read); delete and run_command are destructive.
        Name::Create => annotations
            .read_only(false)
            .destructive(false)
            .idempotent(false),
        Name::Update => annotations
            .read_only(false)
            .destructive(false)
            .idempotent(true),
        Name::Delete => annotations
            .read_only(false)
            .destructive(true)
            .idempotent(true),
        Name::RunCommand => annotations
            .read_only(false)
            .destructive(true)
            .idempotent(false),
    };
    Tool::new(
        name.as_str(),
        description(name, settings),
        input_schema(name),
    )
    .with_title(title)
    .with_annotations(annotations)
}

/// The tool's description: what it does, its bounds, the roles it needs, and whether the
/// server allows it.
pub fn description(name: Name, settings: Settings) -> String {
    let pii = if settings.redact {
        " Personal data comes as tokens «PII:CATEGORY:xxxxxxxx» (the same value, the same \
         token); give tokens back as they are in arguments and the server resolves them."
    } else {
        " Secrets (access tokens, passwords) come as tokens «PII:SECRET:xxxxxxxx»."
    };
    let mut text = match name {
        Name::ListEntities => format!(
            "List the {} entity types of the Nexudus API by area (optionally one area, or \
             names containing `search`). Start here, then describe_entity. Sends no request.",
            ENTITIES.len()
        ),
        Name::DescribeEntity => "Describe an entity: its fields (type, enumeration values by \
             number and name, whether create must set it, which of create and update may set \
             it, whether list records carry it, PII category), filters, range filters, sort \
             fields, inline children, and each operation with the role it needs. Sends no \
             request."
            .to_owned(),
        Name::List => format!(
            "Search and filter records of an entity, one page at a time ({} records by \
             default, at most {}). The answer's `note` says where the page stands and how to \
             get more. List records leave out some fields (describe_entity marks them), and \
             empty (null) values unless `fields` names them; get has them all. Text is cut at {} characters unless `max_text` says more.{pii}",
            bound::default_size(),
            bound::max_size(),
            bound::LIST_TEXT,
        ),
        Name::Get => format!(
            "Get one full record by id, with the fields list records leave out. Text is cut \
             at {} characters unless `max_text` says more.{pii}",
            bound::GET_TEXT
        ),
        Name::Create => "Create a record from field values; answers its id. The values are \
             checked against the entity's fields (describe_entity) before anything is sent: \
             fields create must set, types, enumeration names or numbers."
            .to_owned(),
        Name::Update => "Change fields of a record by id (`fields` to set, `unset` to clear): \
             the server reads the record, applies the changes and writes it all back, as the \
             API's update replaces the whole record. Values are checked first."
            .to_owned(),
        Name::Delete => "Delete a record by id. It cannot be undone: confirm with the user \
             first."
            .to_owned(),
        Name::ListCommands => "List the commands (special operations such as archive or \
             activate) that can run on records of an entity: their keys, what they need and \
             their parameters."
            .to_owned(),
        Name::RunCommand => "Run a command, by the key list_commands gives, on records by id, \
             with its parameters in order. Commands may change or remove records or notify \
             people: confirm with the user first."
            .to_owned(),
    };
    let roles = role_note(name);
    if !roles.is_empty() {
        text.push(' ');
        text.push_str(&roles);
    }
    if name.writes() && !settings.allow_writes {
        text.push_str(
            " Disabled: this server is read-only; it must be started with `nexudus mcp \
             --allow-writes` to allow it.",
        );
    }
    text
}

/// The roles of a tool's operations, from the spec: the pattern most entities follow and
/// the entities that differ.
fn role_note(name: Name) -> String {
    let parts: Vec<String> = name
        .endpoints()
        .iter()
        .map(|kind| role_pattern(*kind))
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    let lacking = ENTITIES
        .iter()
        .filter(|e| name.endpoints().iter().any(|k| e.endpoint(*k).is_none()))
        .count();
    let mut text = format!(
        "Roles: {} (or full administrator rights); describe_entity lists each entity's roles.",
        parts.join(" and ")
    );
    if lacking > 0 {
        text.push_str(&format!(
            " {lacking} of the {} entities do not have it (describe_entity lists an entity's \
             operations).",
            ENTITIES.len()
        ));
    }
    text
}

/// `` `<Entity>-List` `` when every entity with the endpoint names its role that way, else
/// the most common pattern and how many entities differ.
fn role_pattern(kind: EndpointKind) -> String {
    let mut suffixes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut others = Vec::new();
    for schema in ENTITIES {
        let Some(endpoint) = schema.endpoint(kind) else {
            continue;
        };
        let role = endpoint.endpoint.role;
        match role
            .strip_prefix(schema.name)
            .and_then(|rest| rest.strip_prefix('-'))
        {
            Some(suffix) => *suffixes.entry(suffix).or_default() += 1,
            None => others.push((schema.name, role)),
        }
    }
    let Some((suffix, _)) = suffixes.iter().max_by_key(|(_, count)| **count) else {
        return "per entity".to_owned();
    };
    let mut text = format!("`<Entity>-{suffix}`");
    let differ = suffixes.len() - 1 + others.len();
    if differ > 0 {
        let examples: Vec<String> = others
            .iter()
            .take(3)
            .map(|(entity, role)| format!("{entity}: `{role}`"))
            .collect();
        text.push_str(&format!(" ({differ} entities differ"));
        if !examples.is_empty() {
            text.push_str(&format!(", e.g. {}", examples.join(", ")));
        }
        text.push(')');
    }
    text
}

fn entity_property() -> Value {
    let names: Vec<&str> = ENTITIES.iter().map(|e| e.name).collect();
    json!({
        "type": "string",
        "enum": names,
        "description": "The entity, as list_entities names it (e.g. CoworkerDiscountCode)",
    })
}

fn id_property(what: &str) -> Value {
    json!({"type": "integer", "description": what})
}

fn text_property(default: usize) -> Value {
    json!({
        "type": "integer",
        "minimum": 20,
        "maximum": bound::MAX_TEXT,
        "default": default,
        "description": "Characters of each text value to keep; longer ones are cut and the \
                        answer says so",
    })
}

/// A filter or field value as an assistant writes it.
fn scalar() -> Value {
    json!({"type": ["string", "number", "integer", "boolean"]})
}

fn object(properties: Value, required: &[&str]) -> Arc<JsonObject> {
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    match schema {
        Value::Object(map) => Arc::new(map),
        _ => Arc::new(JsonObject::new()),
    }
}

pub fn input_schema(name: Name) -> Arc<JsonObject> {
    let paging = &SERVICE.paging;
    let fields_property = |what: &str| {
        json!({
            "type": "array",
            "items": {"type": "string"},
            "description": format!("Only these fields of {what} [default: every one]"),
        })
    };
    match name {
        Name::ListEntities => {
            let mut areas: Vec<&str> = ENTITIES.iter().map(|e| e.area).collect();
            areas.sort_unstable();
            areas.dedup();
            object(
                json!({
                    "area": {"type": "string", "enum": areas, "description": "Only this area"},
                    "search": {
                        "type": "string",
                        "description": "Only entities whose name contains this, any case",
                    },
                }),
                &[],
            )
        }
        Name::DescribeEntity | Name::ListCommands => {
            object(json!({"entity": entity_property()}), &["entity"])
        }
        Name::List => object(
            json!({
                "entity": entity_property(),
                "filters": {
                    "type": "object",
                    "description": "Equality filters, all of which must match: {NAME: VALUE}. \
                        NAME is a filter describe_entity lists, by its field (CoworkerId) or \
                        query name. VALUE is of the field's type: ids and numbers as numbers, \
                        enumerations by number or name, date-times as 2025-01-15T10:30 or RFC \
                        3339, booleans as true or false.",
                    "additionalProperties": scalar(),
                },
                "range": {
                    "type": "object",
                    "description": "Range filters, both ends included: {FIELD: {\"from\": \
                        VALUE, \"to\": VALUE}}, FIELD a range filter describe_entity lists; \
                        either end may be left out.",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {"from": scalar(), "to": scalar()},
                        "additionalProperties": false,
                    },
                },
                "order_by": {
                    "type": "string",
                    "description": "Sort by this field, one of the sort fields describe_entity \
                        lists",
                },
                "direction": {
                    "type": "string",
                    "enum": ["ascending", "descending"],
                    "default": "ascending",
                    "description": "Sort direction, with order_by",
                },
                "page": {
                    "type": "integer",
                    "minimum": paging.default_page,
                    "default": paging.default_page,
                    "description": "The page to get; the answer's note says how many there are",
                },
                "size": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": bound::max_size(),
                    "default": bound::default_size(),
                    "description": "Records per page",
                },
                "fields": fields_property("each list record"),
                "max_text": text_property(bound::LIST_TEXT),
            }),
            &["entity"],
        ),
        Name::Get => object(
            json!({
                "entity": entity_property(),
                "id": id_property("The record's id"),
                "fields": fields_property("the record"),
                "max_text": text_property(bound::GET_TEXT),
            }),
            &["entity", "id"],
        ),
        Name::Create => object(
            json!({
                "entity": entity_property(),
                "fields": {
                    "type": "object",
                    "description": "Field values by field name: every field describe_entity \
                        marks required_on_create, and any others create may set. Values as \
                        the field's type (enumerations by number or name; inline children as \
                        an array of objects).",
                },
            }),
            &["entity", "fields"],
        ),
        Name::Update => object(
            json!({
                "entity": entity_property(),
                "id": id_property("The record's id"),
                "fields": {
                    "type": "object",
                    "description": "Field values to set, by field name (fields update may \
                        set, as describe_entity says)",
                },
                "unset": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Fields to clear (set to null); required fields cannot be",
                },
            }),
            &["entity", "id"],
        ),
        Name::Delete => object(
            json!({
                "entity": entity_property(),
                "id": id_property("The record's id"),
            }),
            &["entity", "id"],
        ),
        Name::RunCommand => object(
            json!({
                "entity": entity_property(),
                "key": {"type": "string", "description": "The command's key, from list_commands"},
                "ids": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "description": "The records to run it on",
                },
                "parameters": {
                    "type": "array",
                    "description": "The command's parameters, in the order list_commands gives",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "type": {"type": "string", "description": "As list_commands gives it"},
                            "value": {},
                        },
                        "required": ["type", "value"],
                        "additionalProperties": false,
                    },
                },
            }),
            &["entity", "key", "ids"],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const READ_ONLY: Settings = Settings {
        allow_writes: false,
        redact: true,
    };

    #[test]
    fn every_tool_has_an_object_schema_whose_entity_is_an_enumeration_of_entities() {
        let tools = all(READ_ONLY);
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(
            names,
            [
                "list_entities",
                "describe_entity",
                "list",
                "get",
                "create",
                "update",
                "delete",
                "list_commands",
                "run_command"
            ]
        );
        for tool in &tools {
            let schema = &tool.input_schema;
            assert_eq!(schema["type"], "object", "{}", tool.name);
            if tool.name != "list_entities" {
                let entities = schema["properties"]["entity"]["enum"]
                    .as_array()
                    .expect("an enum");
                assert_eq!(entities.len(), ENTITIES.len());
                assert!(
                    schema["required"]
                        .as_array()
                        .unwrap()
                        .contains(&json!("entity"))
                );
            }
        }
    }

    #[test]
    fn paging_is_bounded_by_the_service() {
        let list = input_schema(Name::List);
        let size = &list["properties"]["size"];
        assert_eq!(size["maximum"], json!(bound::max_size()));
        assert!(bound::max_size() <= SERVICE.paging.max_size);
        assert_eq!(
            list["properties"]["page"]["minimum"],
            json!(SERVICE.paging.default_page)
        );
        assert_eq!(
            list["properties"]["direction"]["enum"],
            json!(["ascending", "descending"])
        );
    }

    #[test]
    fn annotations_mark_reads_and_destruction() {
        for tool in all(READ_ONLY) {
            let a = tool.annotations.expect("annotations");
            let name = Name::parse(&tool.name).expect("a tool");
            assert_eq!(a.read_only_hint, Some(!name.writes()), "{}", tool.name);
            let destructive = matches!(name, Name::Delete | Name::RunCommand);
            assert_eq!(a.destructive_hint, Some(destructive), "{}", tool.name);
        }
    }

    #[test]
    fn descriptions_name_the_roles_and_the_write_setting() {
        let list = description(Name::List, READ_ONLY);
        assert!(list.contains("`<Entity>-List`"), "{list}");
        let update = description(Name::Update, READ_ONLY);
        assert!(
            update.contains("`<Entity>-Read` and `<Entity>-Edit`"),
            "{update}"
        );
        assert!(update.contains("--allow-writes"), "{update}");
        let writable = description(
            Name::Update,
            Settings {
                allow_writes: true,
                redact: true,
            },
        );
        assert!(!writable.contains("Disabled"), "{writable}");
        assert!(!description(Name::Get, READ_ONLY).contains("Disabled"));
    }
}
