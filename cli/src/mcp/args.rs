//! A tool call's arguments, read leniently (any spelling of an entity or field, numbers
//! given as text) and checked strictly: every problem is a tool error that names the
//! argument, and the field values are checked by kind (values.rs) before anything is sent.

use nexudus::{EntitySchema, FieldKind, FieldSchema};
use rmcp::model::JsonObject;
use serde_json::{Map, Value};

use super::error::ToolError;
use super::tools::{Name, input_schema};
use crate::names::{self, normalize};
use crate::values;

/// " (did you mean `X`?)" for the candidate closest to `input`, in the API's spelling.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let wanted = normalize(input);
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted, &normalize(c)), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// The arguments of one call.
pub struct Args<'a> {
    tool: Name,
    map: &'a JsonObject,
}

static EMPTY: std::sync::LazyLock<JsonObject> = std::sync::LazyLock::new(JsonObject::new);

impl<'a> Args<'a> {
    /// The arguments, refused if one is not the tool's.
    pub fn new(tool: Name, arguments: Option<&'a JsonObject>) -> Result<Self, ToolError> {
        let map = arguments.unwrap_or(&EMPTY);
        let schema = input_schema(tool);
        let known: Vec<&str> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(ToolError::invalid(
                unknown.clone(),
                format!(
                    "{} takes no argument `{unknown}`{}; it takes {}",
                    tool.as_str(),
                    suggest(unknown, known.iter().copied()),
                    known.join(", ")
                ),
            ));
        }
        Ok(Self { tool, map })
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    fn missing(&self, name: &str) -> ToolError {
        ToolError::invalid(
            name,
            format!("{} needs the argument `{name}`", self.tool.as_str()),
        )
    }

    /// The entity, by any spelling of its name.
    pub fn entity(&self) -> Result<&'static EntitySchema, ToolError> {
        let raw = self
            .string("entity")?
            .ok_or_else(|| self.missing("entity"))?;
        names::entity(raw).ok_or_else(|| {
            ToolError::invalid(
                "entity",
                format!(
                    "no entity `{raw}`{}; list_entities names them",
                    suggest(raw, nexudus::ENTITIES.iter().map(|e| e.name))
                ),
            )
        })
    }

    pub fn string(&self, name: &str) -> Result<Option<&'a str>, ToolError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(ToolError::invalid(
                name,
                format!("`{name}` must be text, not {}", kind_of(other)),
            )),
        }
    }

    /// A whole number, also given as text (`"12"`), within `min..=max`.
    pub fn integer(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ToolError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        let number = whole(value).ok_or_else(|| {
            ToolError::invalid(
                name,
                format!("`{name}` must be a whole number, not {}", kind_of(value)),
            )
        })?;
        if number < min || number > max {
            let range = if max == i64::MAX {
                format!("at least {min}")
            } else {
                format!("from {min} to {max}")
            };
            return Err(ToolError::invalid(
                name,
                format!("`{name}` must be {range}, not {number}"),
            ));
        }
        Ok(Some(number))
    }

    /// A record id: required.
    pub fn id(&self) -> Result<i64, ToolError> {
        self.integer("id", i64::MIN, i64::MAX)?
            .ok_or_else(|| self.missing("id"))
    }

    pub fn object(&self, name: &str) -> Result<Option<&'a Map<String, Value>>, ToolError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Object(object)) => Ok(Some(object)),
            Some(other) => Err(ToolError::invalid(
                name,
                format!("`{name}` must be an object, not {}", kind_of(other)),
            )),
        }
    }

    pub fn array(&self, name: &str) -> Result<Option<&'a Vec<Value>>, ToolError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(ToolError::invalid(
                name,
                format!("`{name}` must be an array, not {}", kind_of(other)),
            )),
        }
    }

    /// An array of text.
    pub fn strings(&self, name: &str) -> Result<Vec<&'a str>, ToolError> {
        let Some(items) = self.array(name)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_str().ok_or_else(|| {
                    ToolError::invalid(
                        format!("{name}[{i}]"),
                        format!("`{name}` holds text only; item {i} is {}", kind_of(item)),
                    )
                })
            })
            .collect()
    }

    /// An array of whole numbers (ids).
    pub fn ids(&self, name: &str) -> Result<Option<Vec<i64>>, ToolError> {
        let Some(items) = self.array(name)? else {
            return Ok(None);
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                whole(item).ok_or_else(|| {
                    ToolError::invalid(
                        format!("{name}[{i}]"),
                        format!("`{name}` holds ids only; item {i} is {}", kind_of(item)),
                    )
                })
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

fn whole(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            // 12.0 is 12; 12.5 is not a whole number.
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// What a JSON value is, for messages; never the value itself (it may be personal data).
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A field of the entity's full record (or, with `joined`, a joined one), any spelling.
pub fn field(
    schema: &'static EntitySchema,
    name: &str,
    argument: &str,
    joined: bool,
) -> Result<&'static FieldSchema, ToolError> {
    let wanted = normalize(name);
    let joined_fields = if joined { schema.joined } else { &[] };
    let fields = || schema.fields.iter().chain(joined_fields);
    fields()
        .find(|f| normalize(f.wire) == wanted)
        .ok_or_else(|| {
            ToolError::invalid(
                argument,
                format!(
                    "{} has no field `{name}`{}; describe_entity lists its fields",
                    schema.name,
                    suggest(name, fields().map(|f| f.wire))
                ),
            )
        })
}

/// A field a create (`create`) or an update may set.
pub fn writable(
    schema: &'static EntitySchema,
    name: &str,
    argument: &str,
    create: bool,
) -> Result<&'static FieldSchema, ToolError> {
    let field = field(schema, name, argument, false)?;
    let allowed = if create { field.create } else { field.update };
    if allowed {
        return Ok(field);
    }
    let why = if field.is_read_only() {
        "is read-only: the API sets it"
    } else if create {
        "is set by updates only"
    } else {
        "is set on create only; an update cannot change it"
    };
    Err(ToolError::invalid(
        argument,
        format!("{}.{} {why}", schema.name, field.wire),
    ))
}

/// A field's value as the body carries it: text is read by the field's kind, as the
/// command line reads `--set` (`"2025-01-15T10:30"`, `"Week"`, `"12"`), and JSON values
/// are checked by kind; text fields take text only.
pub fn field_value(field: &FieldSchema, value: &Value) -> Result<Value, String> {
    match (field.kind, value) {
        (FieldKind::String | FieldKind::Json, _) | (_, Value::Null) => {
            values::check(field.kind, value)
        }
        (_, Value::String(text)) => values::parse(field.kind, text),
        _ => values::check(field.kind, value),
    }
}

/// A filter value as text: filters take one value of a scalar type.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(value: Value) -> JsonObject {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn unknown_arguments_are_refused_with_a_suggestion() {
        let map = args(json!({"entity": "CoworkerDiscountCode", "filter": {}}));
        let error = Args::new(Name::List, Some(&map)).err().expect("refused");
        assert_eq!(error.argument.as_deref(), Some("filter"));
        assert!(
            error.message.contains("did you mean `filters`?"),
            "{}",
            error.message
        );
    }

    #[test]
    fn entities_are_found_by_any_spelling_and_a_typo_is_named() {
        let map = args(json!({"entity": "coworker-discount-code"}));
        let a = Args::new(Name::DescribeEntity, Some(&map)).unwrap();
        assert_eq!(a.entity().unwrap().name, "CoworkerDiscountCode");
        let map = args(json!({"entity": "CoworkerDiscountCod"}));
        let error = Args::new(Name::DescribeEntity, Some(&map))
            .unwrap()
            .entity()
            .unwrap_err();
        assert!(
            error.message.contains("`CoworkerDiscountCode`"),
            "{}",
            error.message
        );
        let map = args(json!({}));
        let error = Args::new(Name::DescribeEntity, Some(&map))
            .unwrap()
            .entity()
            .unwrap_err();
        assert_eq!(error.argument.as_deref(), Some("entity"));
    }

    #[test]
    fn numbers_are_read_leniently_and_bounded() {
        let map = args(json!({"page": "3", "size": 1000}));
        let a = Args::new(Name::List, Some(&map)).unwrap();
        assert_eq!(a.integer("page", 1, i64::MAX).unwrap(), Some(3));
        let error = a.integer("size", 1, 100).unwrap_err();
        assert_eq!(error.message, "`size` must be from 1 to 100, not 1000");
        let map = args(json!({"id": 4.0}));
        assert_eq!(Args::new(Name::Get, Some(&map)).unwrap().id().unwrap(), 4);
        let map = args(json!({"id": "four"}));
        let error = Args::new(Name::Get, Some(&map)).unwrap().id().unwrap_err();
        assert_eq!(error.message, "`id` must be a whole number, not text");
    }

    #[test]
    fn field_values_are_checked_by_kind_before_sending() {
        const WEEK: nexudus::EnumSchema = nexudus::EnumSchema {
            name: "eWeek",
            values: &[(1, "Week"), (2, "Month")],
        };
        let id = FieldSchema::new("CoworkerId", FieldKind::Id("Coworker"));
        assert_eq!(field_value(&id, &json!(5)), Ok(json!(5)));
        assert_eq!(field_value(&id, &json!("5")), Ok(json!(5)));
        assert!(field_value(&id, &json!("five")).is_err());
        let repeat = FieldSchema::new("Repeat", FieldKind::Enum(&WEEK));
        assert_eq!(field_value(&repeat, &json!("month")), Ok(json!(2)));
        let notes = FieldSchema::new("Notes", FieldKind::String);
        assert!(field_value(&notes, &json!(12)).is_err());
        let when = FieldSchema::new("ValidFrom", FieldKind::DateTime);
        assert!(field_value(&when, &json!("tomorrow")).is_err());
        assert_eq!(field_value(&when, &Value::Null), Ok(Value::Null));
    }
}
