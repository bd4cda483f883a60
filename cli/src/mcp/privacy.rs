//! Personal data in the server's answers, through the CLI's [`Redactor`]: one session per
//! server (in memory, or the `--pii-vault` file), so a token means the same value for the
//! whole conversation and can be given back in arguments.
//!
//! With redaction off (`--no-redact`) the fields of the `SECRET` category (access tokens,
//! passwords the API hands out) are still tokens: no secret is ever shown.

use std::sync::{Mutex, MutexGuard};

use nexudus::{EntitySchema, FieldSchema, Pii};
use serde_json::Value;

use super::error::ToolError;
use crate::pii::{self, Redactor};

pub struct Privacy {
    redactor: Mutex<Redactor>,
    /// Whether every category is tokenised, not only secrets.
    redact: bool,
}

/// The values one call's arguments stood for, each with its token, to take out of any
/// text the call answers (an API message that quotes what was sent).
#[derive(Debug, Default)]
pub struct Scrub {
    pairs: Vec<(String, String)>,
}

impl Scrub {
    /// `text` with every known value replaced by its token, longest first (so a value that
    /// contains another is replaced whole).
    pub fn apply(&self, text: &str) -> String {
        let mut pairs: Vec<&(String, String)> =
            self.pairs.iter().filter(|(v, _)| !v.is_empty()).collect();
        pairs.sort_by_key(|(value, _)| std::cmp::Reverse(value.len()));
        let mut out = text.to_owned();
        for (value, token) in pairs {
            out = out.replace(value.as_str(), token);
        }
        out
    }

    fn push(&mut self, value: String, token: String) {
        if !self.pairs.iter().any(|(v, _)| *v == value) {
            self.pairs.push((value, token));
        }
    }
}

impl Privacy {
    pub fn new(redactor: Redactor, redact: bool) -> Self {
        Self {
            redactor: Mutex::new(redactor),
            redact,
        }
    }

    pub fn redacts(&self) -> bool {
        self.redact
    }

    fn lock(&self) -> MutexGuard<'_, Redactor> {
        // A panic elsewhere while holding it leaves a usable session: tokens only grow.
        self.redactor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The category a field is shown as a token for, if any.
    fn category(&self, field: &FieldSchema) -> Option<Pii> {
        field
            .pii
            .filter(|category| self.redact || *category == Pii::Secret)
    }

    /// Tokenises, in place, the fields of a record (full or list) that the session hides.
    pub fn redact_record(&self, schema: &EntitySchema, record: &mut Value) {
        if self.redact {
            self.lock().redact_record(schema, record);
            return;
        }
        let Value::Object(object) = record else {
            return;
        };
        let mut redactor = self.lock();
        for field in schema.fields.iter().chain(schema.joined) {
            if let (Some(category), Some(value)) =
                (self.category(field), object.get_mut(field.wire))
            {
                redactor.redact_value(category, value);
            }
        }
    }

    /// The value a field's argument stands for: tokens of this session resolved (a token
    /// of a date of birth becomes the date again). The tokens met are added to `scrub`.
    pub fn resolve(
        &self,
        field: Option<&FieldSchema>,
        value: &Value,
        scrub: &mut Scrub,
        argument: &str,
    ) -> Result<Value, ToolError> {
        if !pii::contains_token(value) {
            return Ok(value.clone());
        }
        let redactor = self.lock();
        collect_tokens(value, &mut |token| {
            if let Ok(resolved) = redactor.resolve_text(token) {
                scrub.push(resolved, token.to_owned());
            }
        });
        redactor
            .resolve_json(field, value)
            .map_err(|e| ToolError::invalid(argument, e.to_string()))
    }

    /// Adds the values a record holds in the fields the session hides to `scrub`, so that a
    /// message quoting them shows their tokens.
    pub fn scrub_record(&self, schema: &EntitySchema, record: &Value, scrub: &mut Scrub) {
        let Value::Object(object) = record else {
            return;
        };
        let mut redactor = self.lock();
        for field in schema.fields.iter().chain(schema.joined) {
            let Some(category) = self.category(field) else {
                continue;
            };
            let text = match object.get(field.wire) {
                None | Some(Value::Null) => continue,
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
            };
            let token = redactor.token(category, &text);
            scrub.push(text, token);
        }
    }

    /// Writes new tokens to the vault file, if the session has one. A failure is only
    /// logged (standard error is the server's log in MCP clients): the answer is still right, and later tokens are kept in memory.
    pub fn save(&self) {
        if let Err(error) = self.lock().save() {
            eprintln!("nexudus mcp: cannot keep the PII session: {error}");
        }
    }
}

/// Calls `found` with each token in the strings of `value`.
fn collect_tokens(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::String(text) => pii::tokens(text).for_each(found),
        Value::Array(items) => items.iter().for_each(|item| collect_tokens(item, found)),
        Value::Object(object) => object.values().for_each(|item| collect_tokens(item, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nexudus::FieldKind;
    use serde_json::json;

    const SCHEMA: EntitySchema = EntitySchema {
        name: "Visitor",
        area: "spaces",
        docs: "A visitor.",
        fields: &[
            FieldSchema::new("FullName", FieldKind::String).pii(Pii::Name),
            FieldSchema::new("AccessToken", FieldKind::String).pii(Pii::Secret),
            FieldSchema::new("Notes", FieldKind::String),
        ],
        joined: &[],
        filters: &[],
        range_filters: &[],
        sort: &[],
        endpoints: &[],
    };

    fn record() -> Value {
        json!({"FullName": "Ada Lovelace", "AccessToken": "s3cr3t-t0ken", "Notes": "hi"})
    }

    #[test]
    fn redaction_hides_every_category_and_no_redact_still_hides_secrets() {
        let on = Privacy::new(Redactor::ephemeral(), true);
        let mut a = record();
        on.redact_record(&SCHEMA, &mut a);
        assert!(a["FullName"].as_str().unwrap().starts_with("«PII:NAME:"));
        assert!(
            a["AccessToken"]
                .as_str()
                .unwrap()
                .starts_with("«PII:SECRET:")
        );
        assert_eq!(a["Notes"], "hi");

        let off = Privacy::new(Redactor::ephemeral(), false);
        let mut b = record();
        off.redact_record(&SCHEMA, &mut b);
        assert_eq!(b["FullName"], "Ada Lovelace");
        assert!(
            b["AccessToken"]
                .as_str()
                .unwrap()
                .starts_with("«PII:SECRET:")
        );
    }

    #[test]
    fn tokens_in_arguments_resolve_and_their_values_are_scrubbed_from_messages() {
        let privacy = Privacy::new(Redactor::ephemeral(), true);
        let mut listed = record();
        privacy.redact_record(&SCHEMA, &mut listed);
        let token = listed["FullName"].as_str().unwrap().to_owned();

        let mut scrub = Scrub::default();
        let field = SCHEMA.field("FullName");
        let resolved = privacy
            .resolve(field, &json!(format!("Dr {token}")), &mut scrub, "FullName")
            .unwrap();
        assert_eq!(resolved, json!("Dr Ada Lovelace"));
        assert_eq!(
            scrub.apply("FullName: 'Dr Ada Lovelace' is taken"),
            format!("FullName: 'Dr {token}' is taken")
        );

        // A token of no session of this server: an error naming the argument.
        let other = Privacy::new(Redactor::ephemeral(), true);
        let error = other
            .resolve(
                field,
                &json!(token),
                &mut Scrub::default(),
                "fields.FullName",
            )
            .unwrap_err();
        assert_eq!(error.argument.as_deref(), Some("fields.FullName"));
        assert!(error.message.contains("not one of this PII session's"));
    }

    #[test]
    fn a_record_read_for_an_error_scrubs_its_hidden_values() {
        let privacy = Privacy::new(Redactor::ephemeral(), true);
        let mut scrub = Scrub::default();
        privacy.scrub_record(&SCHEMA, &record(), &mut scrub);
        let text = scrub.apply("Ada Lovelace's token s3cr3t-t0ken is invalid; hi");
        assert!(!text.contains("Ada") && !text.contains("s3cr3t"), "{text}");
        assert!(text.ends_with("; hi"));
    }
}
