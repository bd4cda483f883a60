//! The PII session of one run of the command line: with `--redact-pii` (or
//! `NEXUDUS_REDACT_PII=1`) every record printed has its personal data replaced by tokens, and
//! tokens given back as input (flags, `--set`, `--json` files, `import` lines) are resolved
//! to their values before anything is sent. Tokens last as long as the vault
//! ([`pii::default_vault`]): until `logout` ends the session.
//!
//! The vault is opened only when needed: to redact, or when an input holds a token.

use std::sync::{Mutex, MutexGuard, PoisonError};

use nexudus::{EntitySchema, FieldSchema};
use serde_json::Value;

use crate::error::CliError;
use crate::pii::{self, Redactor};

struct Session {
    redact: bool,
    redactor: Option<Redactor>,
}

static SESSION: Mutex<Session> = Mutex::new(Session {
    redact: false,
    redactor: None,
});

fn session() -> MutexGuard<'static, Session> {
    SESSION.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The session's redactor, opened on first use: the vault beside the profile file, or one
/// in memory where there is no config folder (its tokens then last for this run only).
fn redactor(session: &mut Session) -> Result<&mut Redactor, CliError> {
    if session.redactor.is_none() {
        let redactor = match pii::default_vault() {
            Some(path) => Redactor::open(&path)?,
            None => Redactor::ephemeral(),
        };
        session.redactor = Some(redactor);
    }
    Ok(session.redactor.get_or_insert_with(Redactor::ephemeral))
}

/// Turns redaction on for this run.
pub fn redact_output() {
    session().redact = true;
}

/// Replaces, in place, the personal data of records of `schema`, when redacting.
pub fn redact(schema: &EntitySchema, records: &mut [Value]) -> Result<(), CliError> {
    let mut session = session();
    if !session.redact {
        return Ok(());
    }
    let redactor = redactor(&mut session)?;
    for record in records {
        redactor.redact_record(schema, record);
    }
    Ok(())
}

/// `text` with its tokens resolved; an unknown token is a usage error naming it.
pub fn resolve_text(text: &str) -> Result<String, CliError> {
    if pii::tokens(text).next().is_none() {
        return Ok(text.to_owned());
    }
    redactor(&mut session())?.resolve_text(text)
}

/// A JSON value of `field` with its tokens resolved.
pub fn resolve_json(field: Option<&FieldSchema>, value: &Value) -> Result<Value, CliError> {
    if !pii::contains_token(value) {
        return Ok(value.clone());
    }
    redactor(&mut session())?.resolve_json(field, value)
}

/// A message (an error) as it may be shown: when the output is redacted or tokens were
/// resolved, each value the vault holds becomes its token again.
pub fn scrub(message: &str) -> String {
    let mut session = session();
    if session.redact {
        // An unreadable vault holds no value to hide.
        let _ = redactor(&mut session);
    }
    match &session.redactor {
        Some(redactor) => redactor.redact_text(message),
        None => message.to_owned(),
    }
}

/// Keeps the tokens made in this run, so that later runs resolve them.
pub fn save() -> Result<(), CliError> {
    match &mut session().redactor {
        Some(redactor) => redactor.save(),
        None => Ok(()),
    }
}
