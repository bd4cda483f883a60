//! The envelopes the API wraps answers in. Their wire names are not written here: they come
//! from `spec/service.yaml`, through the generated crate's `SERVICE` ([`EnvelopeNames`]), so
//! the spec is their one source. Each function that reads or writes an envelope takes them.
//!
//! Fields the API sends but the spec does not describe (`OpenInDialog`, `PageNumber`,
//! `RedirectURL`, ...) are ignored.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value, json};

use crate::error::{Error, Result, snippet};
use crate::{CommandParameterNames, EnvelopeNames, PageNames, ValidationErrorNames};

/// One page of a list answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The records of this page.
    pub records: Vec<T>,
    /// Current page number.
    pub current_page: i64,
    /// Number of records per page.
    pub current_page_size: i64,
    /// The field used for sorting.
    pub current_order_field: Option<String>,
    /// The sort direction (1 = ascending, -1 = descending).
    pub current_sort_direction: Option<i64>,
    /// Index of the first item on the current page.
    pub first_item: i64,
    /// Index of the last item on the current page.
    pub last_item: i64,
    /// Total number of matching records across all pages.
    pub total_items: i64,
    /// Total number of pages.
    pub total_pages: i64,
    /// Whether there is a next page of results.
    pub has_next_page: bool,
    /// Whether there is a previous page of results.
    pub has_previous_page: bool,
}

impl<T> Page<T> {
    /// A page without records, numbered `first_page`, as a query that matches nothing
    /// answers it.
    pub fn empty(first_page: u32) -> Self {
        Page {
            records: Vec::new(),
            current_page: i64::from(first_page),
            current_page_size: 0,
            current_order_field: None,
            current_sort_direction: None,
            first_item: 0,
            last_item: 0,
            total_items: 0,
            total_pages: 0,
            has_next_page: false,
            has_previous_page: false,
        }
    }

    /// Reads a list answer, each record straight into `T`, with the spec's wire names
    /// (`&SERVICE.envelopes.page`).
    pub fn from_slice(names: &PageNames, body: &[u8]) -> Result<Self>
    where
        T: DeserializeOwned,
    {
        decode_page(names, body)
    }

    /// The page as JSON, with the spec's wire names (what the emulator answers).
    pub fn to_json(&self, names: &PageNames) -> Value
    where
        T: serde::Serialize,
    {
        let n = names;
        let mut map = Map::new();
        map.insert(n.records.into(), json!(self.records));
        map.insert(n.current_page.into(), json!(self.current_page));
        map.insert(n.current_page_size.into(), json!(self.current_page_size));
        map.insert(
            n.current_order_field.into(),
            json!(self.current_order_field),
        );
        map.insert(
            n.current_sort_direction.into(),
            json!(self.current_sort_direction),
        );
        map.insert(n.first_item.into(), json!(self.first_item));
        map.insert(n.last_item.into(), json!(self.last_item));
        map.insert(n.total_items.into(), json!(self.total_items));
        map.insert(n.total_pages.into(), json!(self.total_pages));
        map.insert(n.has_next_page.into(), json!(self.has_next_page));
        map.insert(n.has_previous_page.into(), json!(self.has_previous_page));
        Value::Object(map)
    }
}

/// Reads a page with the envelope's names, each record straight into `T`.
struct PageSeed<'n, T> {
    names: &'n PageNames,
    record: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<'_, T> {
    type Value = Page<T>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Page<T>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<'_, T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page of records")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Page<T>, A::Error> {
        let n = self.names;
        let mut records: Option<Vec<T>> = None;
        let (mut current_page, mut current_page_size, mut first_item, mut last_item) =
            (None, None, None, None);
        let (mut total_items, mut total_pages) = (None, None);
        let (mut has_next_page, mut has_previous_page) = (None, None);
        let (mut current_order_field, mut current_sort_direction) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            let key = key.as_str();
            if key == n.records {
                records = map.next_value::<Option<Vec<T>>>()?;
            } else if key == n.current_page {
                current_page = map.next_value()?;
            } else if key == n.current_page_size {
                current_page_size = map.next_value()?;
            } else if key == n.first_item {
                first_item = map.next_value()?;
            } else if key == n.last_item {
                last_item = map.next_value()?;
            } else if key == n.total_items {
                total_items = map.next_value()?;
            } else if key == n.total_pages {
                total_pages = map.next_value()?;
            } else if key == n.has_next_page {
                has_next_page = map.next_value()?;
            } else if key == n.has_previous_page {
                has_previous_page = map.next_value()?;
            } else if key == n.current_order_field {
                current_order_field = map.next_value()?;
            } else if key == n.current_sort_direction {
                current_sort_direction = map.next_value()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let missing = |name: &'static str| serde::de::Error::missing_field(name);
        Ok(Page {
            records: records.ok_or_else(|| missing(n.records))?,
            current_page: current_page.ok_or_else(|| missing(n.current_page))?,
            current_page_size: current_page_size.ok_or_else(|| missing(n.current_page_size))?,
            current_order_field,
            current_sort_direction,
            first_item: first_item.ok_or_else(|| missing(n.first_item))?,
            last_item: last_item.ok_or_else(|| missing(n.last_item))?,
            total_items: total_items.ok_or_else(|| missing(n.total_items))?,
            total_pages: total_pages.ok_or_else(|| missing(n.total_pages))?,
            has_next_page: has_next_page.ok_or_else(|| missing(n.has_next_page))?,
            has_previous_page: has_previous_page.ok_or_else(|| missing(n.has_previous_page))?,
        })
    }
}

/// Decodes a list answer; a failure names the JSON path and quotes the body.
pub(crate) fn decode_page<T: DeserializeOwned>(names: &PageNames, body: &[u8]) -> Result<Page<T>> {
    let seed = || PageSeed {
        names,
        record: PhantomData,
    };
    // The fast path; only a failure pays for tracking the path.
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    if let Ok(page) = seed().deserialize(&mut deserializer)
        && deserializer.end().is_ok()
    {
        return Ok(page);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let page = seed()
        .deserialize(serde_path_to_error::Deserializer::new(
            &mut deserializer,
            &mut track,
        ))
        .map_err(|e| Error::Decode {
            path: track.path().to_string(),
            message: e.to_string(),
            snippet: snippet(body),
        })?;
    deserializer.end().map_err(|e| Error::Decode {
        path: String::new(),
        message: e.to_string(),
        snippet: snippet(body),
    })?;
    Ok(page)
}

/// Reads the envelope property `name` of `object` as a `T`; absent or null is `None`.
fn take<T: DeserializeOwned>(
    object: &mut Map<String, Value>,
    name: &'static str,
) -> std::result::Result<Option<T>, String> {
    match object.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value)
            .map(Some)
            .map_err(|e| format!("`{name}`: {e}")),
    }
}

/// An envelope's JSON object, or why it is not one.
fn object_of(value: Value, what: &str) -> std::result::Result<Map<String, Value>, String> {
    match value {
        Value::Object(object) => Ok(object),
        other => Err(format!("{what} is not a JSON object: {other}")),
    }
}

/// The answer of create, update, delete and run-command.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionResponse {
    /// HTTP status code; 200 on success.
    pub status: Option<i64>,
    /// A human-readable message; on failure a summary `PropertyName: error message`.
    pub message: Option<String>,
    /// On create and update, `{"Id": ..}` of the record; null on failure.
    pub value: Option<Value>,
    /// Whether the action succeeded. `runcommand` answers 200 even when it failed.
    pub was_successful: bool,
    /// Null on success; the validation errors on failure.
    pub errors: Option<Vec<ValidationError>>,
}

impl ActionResponse {
    /// The id of the created or updated record (`Value.Id`), if the answer has one.
    pub fn id(&self) -> Option<i64> {
        self.value.as_ref()?.get("Id")?.as_i64()
    }

    /// The id of the record a create made: `Value.Id`, or [`Error::Decode`] if the
    /// answer lacks it.
    pub fn new_id(&self) -> Result<i64> {
        self.id().ok_or_else(|| Error::Decode {
            path: "Value.Id".to_owned(),
            message: "the answer carries no record id".to_owned(),
            snippet: self.value.as_ref().map_or_else(
                || "null".to_owned(),
                |value| snippet(value.to_string().as_bytes()),
            ),
        })
    }

    /// The validation errors, empty if there are none.
    pub fn errors(&self) -> &[ValidationError] {
        self.errors.as_deref().unwrap_or_default()
    }

    /// Reads the envelope from JSON with the spec's wire names (`&SERVICE.envelopes`).
    /// `WasSuccessful` is required; everything else may be missing or null.
    pub fn from_json(names: &EnvelopeNames, value: Value) -> std::result::Result<Self, String> {
        let n = &names.action;
        let mut object = object_of(value, "the action envelope")?;
        let errors: Option<Vec<Value>> = take(&mut object, n.errors)?;
        Ok(ActionResponse {
            status: take(&mut object, n.status)?,
            message: take(&mut object, n.message)?,
            value: take(&mut object, n.value)?,
            was_successful: take(&mut object, n.was_successful)?
                .ok_or_else(|| format!("missing field `{}`", n.was_successful))?,
            errors: errors
                .map(|errors| {
                    errors
                        .into_iter()
                        .map(|e| ValidationError::from_json(&names.validation_error, e))
                        .collect()
                })
                .transpose()?,
        })
    }

    /// The envelope as JSON, with the spec's wire names.
    pub fn to_json(&self, names: &EnvelopeNames) -> Value {
        let n = &names.action;
        let mut map = Map::new();
        map.insert(n.status.into(), json!(self.status));
        map.insert(n.message.into(), json!(self.message));
        map.insert(n.value.into(), self.value.clone().unwrap_or(Value::Null));
        map.insert(n.was_successful.into(), json!(self.was_successful));
        map.insert(
            n.errors.into(),
            self.errors.as_ref().map_or(Value::Null, |errors| {
                Value::Array(
                    errors
                        .iter()
                        .map(|e| e.to_json(&names.validation_error))
                        .collect(),
                )
            }),
        );
        Value::Object(map)
    }
}

/// Decodes an action envelope; a failure quotes the body.
pub(crate) fn decode_action(names: &EnvelopeNames, body: &[u8]) -> Result<ActionResponse> {
    let fail = |message: String| Error::Decode {
        path: String::new(),
        message,
        snippet: snippet(body),
    };
    let value: Value = serde_json::from_slice(body).map_err(|e| fail(e.to_string()))?;
    ActionResponse::from_json(names, value).map_err(fail)
}

/// One failed validation of a create or update.
///
/// `Debug` shows what kind of value was sent, not the value: the API echoes passwords
/// (`Password`, `OutgoingServerPassword`) back in `AttemptedValue`, and `Debug` output
/// ends up in logs. The field itself holds the value as the API sent it.
#[derive(Clone, PartialEq)]
pub struct ValidationError {
    /// The property that failed validation.
    pub property_name: Option<String>,
    /// What is wrong with it.
    pub message: String,
    /// The value that was sent.
    pub attempted_value: Option<Value>,
}

impl ValidationError {
    /// Reads one entry of an envelope's errors with the spec's wire names.
    pub fn from_json(
        names: &ValidationErrorNames,
        value: Value,
    ) -> std::result::Result<Self, String> {
        let n = names;
        let mut object = object_of(value, "a validation error")?;
        Ok(ValidationError {
            property_name: take(&mut object, n.property_name)?,
            message: take(&mut object, n.message)?.unwrap_or_default(),
            attempted_value: take(&mut object, n.attempted_value)?,
        })
    }

    /// The entry as JSON, with the spec's wire names.
    pub fn to_json(&self, names: &ValidationErrorNames) -> Value {
        let n = names;
        let mut map = Map::new();
        map.insert(n.property_name.into(), json!(self.property_name));
        map.insert(n.message.into(), json!(self.message));
        map.insert(
            n.attempted_value.into(),
            self.attempted_value.clone().unwrap_or(Value::Null),
        );
        Value::Object(map)
    }
}

impl fmt::Debug for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let attempted = self.attempted_value.as_ref().map(|value| match value {
            Value::Null => "null".to_owned(),
            Value::Bool(_) => "a boolean".to_owned(),
            Value::Number(_) => "a number".to_owned(),
            Value::String(text) => format!("a string of {} characters", text.chars().count()),
            Value::Array(items) => format!("an array of {}", items.len()),
            Value::Object(_) => "an object".to_owned(),
        });
        f.debug_struct("ValidationError")
            .field("property_name", &self.property_name)
            .field("message", &self.message)
            .field("attempted_value", &attempted)
            .finish()
    }
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.property_name {
            Some(property) if !property.is_empty() => write!(f, "{property}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// What an error answer says, read leniently: its message and validation errors, if it is
/// an envelope at all.
pub(crate) fn error_parts(
    names: &EnvelopeNames,
    body: &[u8],
) -> (Option<String>, Vec<ValidationError>) {
    let n = &names.action;
    let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) else {
        return (None, Vec::new());
    };
    let message = take::<String>(&mut object, n.message).ok().flatten();
    let errors = take::<Vec<Value>>(&mut object, n.errors)
        .ok()
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| ValidationError::from_json(&names.validation_error, e).ok())
        .collect();
    (message, errors)
}

/// A command that can run against records of an entity (`GET .../commands`).
///
/// Only `Key` is required; missing or null flags read as `false`, a missing or null
/// parameter list as empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandInfo {
    /// The key that runs the command.
    pub key: String,
    /// English description of the command.
    pub name: Option<String>,
    /// The command needs two or more records.
    pub applies_only_to_multiple_entities: bool,
    /// The command takes exactly one record.
    pub applies_only_to_one_entity: bool,
    /// The command takes exactly two records.
    pub applies_only_to_two_entities: bool,
    /// Shown in the web UI's dropdown.
    pub display_in_dropdown: bool,
    /// Shown in the newer web UI's dropdown.
    pub display_in_dropdown_v2: bool,
    /// Shown in the web UI's grid.
    pub display_in_grid: bool,
    /// The command needs record ids to run.
    pub needs_entities_to_run: bool,
    /// Display order.
    pub order: Option<i64>,
    /// The parameters the command takes.
    pub requires_parameters: Vec<CommandParameterInfo>,
}

impl CommandInfo {
    /// Reads one entry of the commands list with the spec's wire names.
    pub fn from_json(names: &EnvelopeNames, value: Value) -> std::result::Result<Self, String> {
        let n = &names.command;
        let mut object = object_of(value, "a command")?;
        let mut flag = |name| take::<bool>(&mut object, name).map(Option::unwrap_or_default);
        let applies_only_to_multiple_entities = flag(n.applies_only_to_multiple_entities)?;
        let applies_only_to_one_entity = flag(n.applies_only_to_one_entity)?;
        let applies_only_to_two_entities = flag(n.applies_only_to_two_entities)?;
        let display_in_dropdown = flag(n.display_in_dropdown)?;
        let display_in_dropdown_v2 = flag(n.display_in_dropdown_v2)?;
        let display_in_grid = flag(n.display_in_grid)?;
        let needs_entities_to_run = flag(n.needs_entities_to_run)?;
        let parameters: Vec<Value> = take(&mut object, n.requires_parameters)?.unwrap_or_default();
        Ok(CommandInfo {
            key: take(&mut object, n.key)?.ok_or_else(|| format!("missing field `{}`", n.key))?,
            name: take(&mut object, n.name)?,
            applies_only_to_multiple_entities,
            applies_only_to_one_entity,
            applies_only_to_two_entities,
            display_in_dropdown,
            display_in_dropdown_v2,
            display_in_grid,
            needs_entities_to_run,
            order: take(&mut object, n.order)?,
            requires_parameters: parameters
                .into_iter()
                .map(|p| CommandParameterInfo::from_json(&names.command_parameter, p))
                .collect::<std::result::Result<_, _>>()?,
        })
    }

    /// The entry as JSON, with the spec's wire names.
    pub fn to_json(&self, names: &EnvelopeNames) -> Value {
        let n = &names.command;
        let mut map = Map::new();
        map.insert(n.key.into(), json!(self.key));
        map.insert(n.name.into(), json!(self.name));
        map.insert(
            n.applies_only_to_multiple_entities.into(),
            json!(self.applies_only_to_multiple_entities),
        );
        map.insert(
            n.applies_only_to_one_entity.into(),
            json!(self.applies_only_to_one_entity),
        );
        map.insert(
            n.applies_only_to_two_entities.into(),
            json!(self.applies_only_to_two_entities),
        );
        map.insert(
            n.display_in_dropdown.into(),
            json!(self.display_in_dropdown),
        );
        map.insert(
            n.display_in_dropdown_v2.into(),
            json!(self.display_in_dropdown_v2),
        );
        map.insert(n.display_in_grid.into(), json!(self.display_in_grid));
        map.insert(
            n.needs_entities_to_run.into(),
            json!(self.needs_entities_to_run),
        );
        map.insert(n.order.into(), json!(self.order));
        map.insert(
            n.requires_parameters.into(),
            Value::Array(
                self.requires_parameters
                    .iter()
                    .map(|p| p.to_json(&names.command_parameter))
                    .collect(),
            ),
        );
        Value::Object(map)
    }
}

/// Decodes the commands list; a failure quotes the body.
pub(crate) fn decode_commands(names: &EnvelopeNames, body: &[u8]) -> Result<Vec<CommandInfo>> {
    let fail = |message: String| Error::Decode {
        path: String::new(),
        message,
        snippet: snippet(body),
    };
    let list: Vec<Value> = serde_json::from_slice(body).map_err(|e| fail(e.to_string()))?;
    list.into_iter()
        .map(|command| CommandInfo::from_json(names, command))
        .collect::<std::result::Result<_, _>>()
        .map_err(fail)
}

/// A parameter a command takes, as [`CommandInfo::requires_parameters`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandParameterInfo {
    /// What the parameter means.
    pub name: Option<String>,
    /// Its type name, e.g. `string` or `Boolean`; pass it back in [`CommandParameter::type`].
    pub r#type: Option<String>,
}

impl CommandParameterInfo {
    fn from_json(names: &CommandParameterNames, value: Value) -> std::result::Result<Self, String> {
        let n = names;
        let mut object = object_of(value, "a command parameter")?;
        Ok(CommandParameterInfo {
            name: take(&mut object, n.name)?,
            r#type: take(&mut object, n.r#type)?,
        })
    }

    fn to_json(&self, names: &CommandParameterNames) -> Value {
        let n = names;
        json!({ n.name: self.name, n.r#type: self.r#type })
    }
}

/// The body of `POST .../runcommand`.
///
/// ```
/// # use nexudus::{RunCommand, SERVICE};
/// let body = RunCommand::new("COMMAND_KEY_2", [1329961649]).parameter("Boolean", true);
/// assert_eq!(
///     body.to_json(&SERVICE.envelopes).to_string(),
///     r#"{"Ids":[1329961649],"Key":"COMMAND_KEY_2","Parameters":[{"Type":"Boolean","Value":true}]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RunCommand {
    /// The [`CommandInfo::key`] of the command.
    pub key: String,
    /// The records to run it against.
    pub ids: Vec<i64>,
    /// The parameters, in the order of [`CommandInfo::requires_parameters`].
    pub parameters: Vec<CommandParameter>,
}

impl RunCommand {
    /// Runs the command `key` against the records `ids` (typed ids or numbers), without
    /// parameters.
    pub fn new<I: Into<i64>>(key: impl Into<String>, ids: impl IntoIterator<Item = I>) -> Self {
        Self {
            key: key.into(),
            ids: ids.into_iter().map(Into::into).collect(),
            parameters: Vec::new(),
        }
    }

    /// Appends a parameter of type `type_name` (as [`CommandParameterInfo::type`] names it).
    pub fn parameter(mut self, type_name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.parameters.push(CommandParameter {
            name: None,
            r#type: type_name.into(),
            value: value.into(),
        });
        self
    }

    /// Appends a parameter with its name, as the reference's example sends it.
    pub fn named_parameter(
        mut self,
        name: impl Into<String>,
        type_name: impl Into<String>,
        value: impl Into<Value>,
    ) -> Self {
        self.parameters.push(CommandParameter {
            name: Some(name.into()),
            r#type: type_name.into(),
            value: value.into(),
        });
        self
    }

    /// The body as JSON, with the spec's wire names.
    pub fn to_json(&self, names: &EnvelopeNames) -> Value {
        let (n, p) = (&names.run_command, &names.command_parameter);
        let parameters: Vec<Value> = self
            .parameters
            .iter()
            .map(|parameter| {
                let mut map = Map::new();
                if let Some(name) = &parameter.name {
                    map.insert(p.name.into(), json!(name));
                }
                map.insert(p.r#type.into(), json!(parameter.r#type));
                map.insert(p.value.into(), parameter.value.clone());
                Value::Object(map)
            })
            .collect();
        json!({ n.key: self.key, n.ids: self.ids, n.parameters: parameters })
    }

    /// Reads a run-command body (what the emulator receives).
    pub fn from_json(names: &EnvelopeNames, value: Value) -> std::result::Result<Self, String> {
        let (n, p) = (&names.run_command, &names.command_parameter);
        let mut object = object_of(value, "the run-command body")?;
        let parameters: Vec<Value> = take(&mut object, n.parameters)?.unwrap_or_default();
        Ok(RunCommand {
            key: take(&mut object, n.key)?.ok_or_else(|| format!("missing field `{}`", n.key))?,
            ids: take(&mut object, n.ids)?.ok_or_else(|| format!("missing field `{}`", n.ids))?,
            parameters: parameters
                .into_iter()
                .map(|value| {
                    let mut object = object_of(value, "a parameter")?;
                    Ok(CommandParameter {
                        name: take(&mut object, p.name)?,
                        r#type: take(&mut object, p.r#type)?
                            .ok_or_else(|| format!("missing field `{}`", p.r#type))?,
                        value: object
                            .remove(p.value)
                            .ok_or_else(|| format!("missing field `{}`", p.value))?,
                    })
                })
                .collect::<std::result::Result<_, String>>()?,
        })
    }
}

/// One parameter of a [`RunCommand`].
#[derive(Debug, Clone, PartialEq)]
pub struct CommandParameter {
    /// The parameter's name, if given.
    pub name: Option<String>,
    /// The parameter's type name, e.g. `string`.
    pub r#type: String,
    /// Its value.
    pub value: Value,
}

/// A binary file a download endpoint answered. `Debug` shows its length, not its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Download {
    /// The `Content-Type` the API gave, if any.
    pub content_type: Option<String>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}
