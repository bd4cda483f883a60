//! The envelopes the API wraps answers in, with the wire names of `spec/service.yaml`.
//!
//! Fields the API sends but the spec does not describe (`OpenInDialog`, `PageNumber`,
//! `RedirectURL`, ...) are ignored.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::runtime::error::{Error, Result, snippet};

/// One page of a list answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Page<T> {
    /// The records of this page.
    pub records: Vec<T>,
    /// Current page number.
    pub current_page: i64,
    /// Number of records per page.
    pub current_page_size: i64,
    /// The field used for sorting.
    #[serde(default)]
    pub current_order_field: Option<String>,
    /// The sort direction (1 = ascending, -1 = descending).
    #[serde(default)]
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
    /// A first page without records, as a query that matches nothing answers it.
    pub fn empty() -> Self {
        Page {
            records: Vec::new(),
            current_page: i64::from(crate::service::DEFAULT_PAGE),
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
}

/// The answer of create, update, delete and run-command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionResponse {
    /// HTTP status code; 200 on success.
    #[serde(default)]
    pub status: Option<i64>,
    /// A human-readable message; on failure a summary `PropertyName: error message`.
    #[serde(default)]
    pub message: Option<String>,
    /// On create and update, `{"Id": ..}` of the record; null on failure.
    #[serde(default)]
    pub value: Option<Value>,
    /// Whether the action succeeded. `runcommand` answers 200 even when it failed.
    pub was_successful: bool,
    /// Null on success; the validation errors on failure.
    #[serde(default)]
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
}

/// One failed validation of a create or update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidationError {
    /// The property that failed validation.
    #[serde(default)]
    pub property_name: Option<String>,
    /// What is wrong with it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub message: String,
    /// The value that was sent.
    #[serde(default)]
    pub attempted_value: Option<Value>,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.property_name {
            Some(property) if !property.is_empty() => write!(f, "{property}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A command that can run against records of an entity (`GET .../commands`).
///
/// Only `Key` is required; missing or null flags read as `false`, a missing or null
/// parameter list as empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommandInfo {
    /// The key that runs the command.
    pub key: String,
    /// English description of the command.
    #[serde(default)]
    pub name: Option<String>,
    /// The command needs two or more records.
    #[serde(default, deserialize_with = "null_as_default")]
    pub applies_only_to_multiple_entities: bool,
    /// The command takes exactly one record.
    #[serde(default, deserialize_with = "null_as_default")]
    pub applies_only_to_one_entity: bool,
    /// The command takes exactly two records.
    #[serde(default, deserialize_with = "null_as_default")]
    pub applies_only_to_two_entities: bool,
    /// Shown in the web UI's dropdown.
    #[serde(default, deserialize_with = "null_as_default")]
    pub display_in_dropdown: bool,
    /// Shown in the newer web UI's dropdown.
    #[serde(
        default,
        rename = "DisplayInDropdownV2",
        deserialize_with = "null_as_default"
    )]
    pub display_in_dropdown_v2: bool,
    /// Shown in the web UI's grid.
    #[serde(default, deserialize_with = "null_as_default")]
    pub display_in_grid: bool,
    /// The command needs record ids to run.
    #[serde(default, deserialize_with = "null_as_default")]
    pub needs_entities_to_run: bool,
    /// Display order.
    #[serde(default)]
    pub order: Option<i64>,
    /// The parameters the command takes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub requires_parameters: Vec<CommandParameterInfo>,
}

/// A parameter a command takes, as [`CommandInfo::requires_parameters`] lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommandParameterInfo {
    /// What the parameter means.
    #[serde(default)]
    pub name: Option<String>,
    /// Its type name, e.g. `string` or `Boolean`; pass it back in [`CommandParameter::type`].
    #[serde(default)]
    pub r#type: Option<String>,
}

/// The body of `POST .../runcommand`.
///
/// ```
/// # use nexudus::RunCommand;
/// let body = RunCommand::new("COMMAND_KEY_2", [1329961649]).parameter("Boolean", true);
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"Key":"COMMAND_KEY_2","Ids":[1329961649],"Parameters":[{"Type":"Boolean","Value":true}]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunCommand {
    /// The [`CommandInfo::key`] of the command.
    pub key: String,
    /// The records to run it against.
    pub ids: Vec<i64>,
    /// The parameters, in the order of [`CommandInfo::requires_parameters`].
    #[serde(default)]
    pub parameters: Vec<CommandParameter>,
}

impl RunCommand {
    /// Runs the command `key` against the records `ids`, without parameters.
    pub fn new(key: impl Into<String>, ids: impl IntoIterator<Item = i64>) -> Self {
        Self {
            key: key.into(),
            ids: ids.into_iter().collect(),
            parameters: Vec::new(),
        }
    }

    /// Appends a parameter of type `type_name` (as [`CommandParameterInfo::type`] names it).
    pub fn parameter(mut self, type_name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.parameters.push(CommandParameter {
            r#type: type_name.into(),
            value: value.into(),
        });
        self
    }
}

/// One parameter of a [`RunCommand`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommandParameter {
    /// The parameter's type name, e.g. `string`.
    pub r#type: String,
    /// Its value.
    pub value: Value,
}

/// Reads `null` as the type's default, so a null list or flag is not a decode error.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
