//! Tool errors: every failure of a tool call is answered as a result with `isError: true`
//! and a one-line message an assistant can act on (the bad argument or field, the role a
//! 403 needs, the API's message per property), never as a protocol error: MCP clients
//! show protocol errors to the model as an opaque failure, if at all.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Map, Value, json};

use crate::error::CliError;

/// A failed tool call.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolError {
    /// What kind of failure (`invalid_argument`, `forbidden`, `validation`, ...).
    pub kind: &'static str,
    /// The one line shown to the assistant.
    pub message: String,
    /// The argument or field at fault, if one.
    pub argument: Option<String>,
    /// The role a 403 asked for.
    pub role: Option<String>,
    /// The API's validation errors: `(property, message)`.
    pub errors: Vec<(Option<String>, String)>,
}

impl ToolError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            argument: None,
            role: None,
            errors: Vec::new(),
        }
    }

    /// A bad argument (or field) named `argument`.
    pub fn invalid(argument: impl Into<String>, message: impl Into<String>) -> Self {
        let mut error = Self::new("invalid_argument", message);
        error.argument = Some(argument.into());
        error
    }

    /// The API's error while doing `what` (`create CoworkerDiscountCode`), about `record`
    /// if one. The message is the CLI's wording of it, which names the role of a 403 and
    /// each property of a validation failure; the parts are kept apart for clients that
    /// read `structuredContent`. Attempted values are left out: they may be personal data.
    pub fn api(error: nexudus::Error, what: &str, record: Option<&str>) -> Self {
        let role = match &error {
            nexudus::Error::Forbidden { role, .. } => Some((*role).to_owned()),
            _ => None,
        };
        let errors = error
            .validation_errors()
            .iter()
            .map(|e| {
                (
                    e.property_name.clone().filter(|p| !p.is_empty()),
                    e.message.clone(),
                )
            })
            .collect();
        let kind = match &error {
            nexudus::Error::Validation { .. } => "validation",
            nexudus::Error::Action { .. } => "action_failed",
            nexudus::Error::Unauthorized { .. } | nexudus::Error::TokenGrant { .. } => {
                "unauthorized"
            }
            nexudus::Error::Forbidden { .. } => "forbidden",
            nexudus::Error::NotFound { .. } => "not_found",
            nexudus::Error::Conflict { .. } => "conflict",
            nexudus::Error::Throttled { .. } => "throttled",
            nexudus::Error::Config(_) => "invalid_argument",
            _ => "api_failure",
        };
        let cli = CliError::api(error, what, record);
        Self {
            kind,
            message: cli.to_string(),
            argument: None,
            role,
            errors,
        }
    }

    /// Every text of the error passed through `scrub` (personal data to tokens).
    pub fn scrubbed(mut self, scrub: impl Fn(&str) -> String) -> Self {
        self.message = scrub(&self.message);
        for (_, message) in &mut self.errors {
            *message = scrub(message);
        }
        self
    }

    /// The result the client receives: the message as text, and the parts as structured
    /// content.
    pub fn into_result(self) -> CallToolResult {
        let mut error = Map::new();
        error.insert("kind".into(), json!(self.kind));
        error.insert("message".into(), json!(self.message));
        if let Some(argument) = &self.argument {
            error.insert("argument".into(), json!(argument));
        }
        if let Some(role) = &self.role {
            error.insert("role".into(), json!(role));
        }
        if !self.errors.is_empty() {
            let errors: Vec<Value> = self
                .errors
                .iter()
                .map(|(property, message)| json!({"property": property, "message": message}))
                .collect();
            error.insert("errors".into(), Value::Array(errors));
        }
        let mut result = CallToolResult::error(vec![ContentBlock::text(self.message)]);
        result.structured_content = Some(json!({ "error": error }));
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_403_names_the_role_and_validation_names_each_property() {
        let forbidden = ToolError::api(
            nexudus::Error::Forbidden {
                role: "CoworkerDiscountCode-List",
                message: "no".into(),
            },
            "list CoworkerDiscountCode",
            None,
        );
        assert_eq!(forbidden.kind, "forbidden");
        assert!(forbidden.message.contains("`CoworkerDiscountCode-List`"));
        assert_eq!(forbidden.role.as_deref(), Some("CoworkerDiscountCode-List"));

        let invalid = ToolError::api(
            nexudus::Error::Validation {
                status: 400,
                message: "The request is invalid".into(),
                errors: vec![nexudus::ValidationError {
                    property_name: Some("CoworkerId".into()),
                    message: "must exist".into(),
                    attempted_value: Some(json!("ada@example.com")),
                }],
            },
            "create CoworkerDiscountCode",
            None,
        );
        assert_eq!(
            invalid.message,
            "the API refused to create CoworkerDiscountCode: CoworkerId: must exist"
        );
        let result = invalid.into_result();
        assert_eq!(result.is_error, Some(true));
        let structured = result.structured_content.expect("structured");
        assert_eq!(
            structured["error"]["errors"][0],
            json!({"property": "CoworkerId", "message": "must exist"})
        );
        // The attempted value is never repeated.
        assert!(!structured.to_string().contains("ada@example.com"));
    }
}
