//! Personal data redacted by the spec's categories (`FieldSchema::pii`), as Nexudus's own
//! tools do: a value becomes a token `«PII:NAME:a3f2b1c9»`, the same value always the same
//! token within a session, and a token given back as input is resolved to its value before
//! anything is sent.
//!
//! A session is a vault file (mode 0600): a random key, and the values its tokens stand for.
//! Tokens are the first 8 hex digits of HMAC-SHA256(key, category and value), so they say
//! nothing about the value without the key, and the vault is the only way back.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use nexudus::{EntitySchema, FieldKind, FieldSchema, Pii};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;

use crate::error::CliError;

/// The token's opening and closing marks, and its prefix.
const OPEN: char = '«';
const CLOSE: char = '»';
const PREFIX: &str = "PII:";

/// Whether any string in `value` holds a token's opening mark: without one there is
/// nothing to resolve, and the vault need not be opened.
pub fn contains_token(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains(OPEN),
        Value::Array(items) => items.iter().any(contains_token),
        Value::Object(object) => object.values().any(contains_token),
        _ => false,
    }
}

/// Each token (`«PII:NAME:a3f2b1c9»`) in `text`, in order.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(OPEN)?;
        let after = &rest[start..];
        let len = after.find(CLOSE)? + CLOSE.len_utf8();
        rest = &after[len..];
        Some(&after[..len])
    })
    .filter(|candidate| candidate[OPEN.len_utf8()..].starts_with(PREFIX))
}

/// What a session keeps on disk.
#[derive(Debug, Default, Serialize, Deserialize)]
struct VaultFile {
    /// The HMAC key, hex.
    key: String,
    /// Token → value.
    values: BTreeMap<String, String>,
}

/// A session of redaction: tokens made and the values they stand for.
pub struct Redactor {
    path: Option<PathBuf>,
    key: Vec<u8>,
    values: BTreeMap<String, String>,
    changed: bool,
}

impl std::fmt::Debug for Redactor {
    // The key and the values are what the redaction hides.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("path", &self.path)
            .field("tokens", &self.values.len())
            .finish_non_exhaustive()
    }
}

/// The vault's default place: `pii-session.json` beside the profile file.
pub fn default_vault() -> Option<PathBuf> {
    crate::config::profile_path().map(|p| p.with_file_name("pii-session.json"))
}

impl Redactor {
    /// A session kept in memory only: its tokens cannot be resolved by a later run.
    pub fn ephemeral() -> Self {
        Self {
            path: None,
            key: random_key(),
            values: BTreeMap::new(),
            changed: false,
        }
    }

    /// Opens the session of the vault at `path`, or starts one there.
    pub fn open(path: &Path) -> Result<Self, CliError> {
        let shown = path.display();
        let file: VaultFile = match fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| CliError::local(format!("{shown} is not a PII session file: {e}")))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => VaultFile::default(),
            Err(e) => return Err(CliError::local(format!("cannot read {shown}: {e}"))),
        };
        let key = match hex_decode(&file.key) {
            Some(key) if !key.is_empty() => key,
            _ => random_key(),
        };
        let changed = file.key.is_empty();
        Ok(Self {
            path: Some(path.to_path_buf()),
            key,
            values: file.values,
            changed,
        })
    }

    /// Ends the session: its vault is removed, and its tokens cannot be resolved any more.
    pub fn forget(path: &Path) -> Result<bool, CliError> {
        match fs::remove_file(path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(CliError::local(format!(
                "cannot remove {}: {e}",
                path.display()
            ))),
        }
    }

    /// The token of `value` in `category`; the same value gives the same token.
    pub fn token(&mut self, category: Pii, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(category.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        let token = format!("{OPEN}{PREFIX}{category}:{}{CLOSE}", hex(&digest[..4]));
        if self.values.get(&token).map(String::as_str) != Some(value) {
            self.values.insert(token.clone(), value.to_owned());
            self.changed = true;
        }
        token
    }

    /// Replaces, in place, each value of a record (full or list) that the schema marks
    /// with a category: text is tokenised whole; other kinds (a date of birth) by their JSON
    /// text, so the token still stands for exactly what the API sent.
    pub fn redact_record(&mut self, schema: &EntitySchema, record: &mut Value) {
        let Value::Object(object) = record else {
            return;
        };
        for field in schema.fields.iter().chain(schema.joined) {
            let Some(category) = field.pii else {
                continue;
            };
            if let Some(value) = object.get_mut(field.wire) {
                self.redact_value(category, value);
            }
        }
    }

    /// Tokenises one value of a category; null stays null.
    pub fn redact_value(&mut self, category: Pii, value: &mut Value) {
        let text = match &*value {
            Value::Null => return,
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        *value = Value::String(self.token(category, &text));
    }

    /// Every token in `input` replaced by the value it stands for; a token of no value this
    /// session knows is an error naming it.
    pub fn resolve_text(&self, input: &str) -> Result<String, CliError> {
        let mut out = String::with_capacity(input.len());
        let mut rest = input;
        while let Some(start) = rest.find(OPEN) {
            let after = &rest[start..];
            let Some(len) = after.find(CLOSE).map(|end| end + CLOSE.len_utf8()) else {
                break;
            };
            let candidate = &after[..len];
            out.push_str(&rest[..start]);
            if candidate[OPEN.len_utf8()..].starts_with(PREFIX) {
                let value = self.values.get(candidate).ok_or_else(|| {
                    CliError::usage(format!(
                        "the token {candidate} is not one of this PII session's; redacted output of another session (or one ended by `logout`) cannot be resolved"
                    ))
                })?;
                out.push_str(value);
            } else {
                out.push_str(candidate);
            }
            rest = &after[len..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A JSON value with every token in its strings resolved, for a field of `kind`: a token
    /// that stood for a non-text value (a date) becomes that value again.
    pub fn resolve_json(
        &self,
        field: Option<&FieldSchema>,
        value: &Value,
    ) -> Result<Value, CliError> {
        match value {
            Value::String(text) if text.contains(OPEN) => {
                let resolved = self.resolve_text(text)?;
                let textual = field.is_none_or(|f| matches!(f.kind, FieldKind::String));
                if !textual && let Ok(parsed) = serde_json::from_str::<Value>(&resolved) {
                    return Ok(parsed);
                }
                Ok(Value::String(resolved))
            }
            Value::Array(items) => items
                .iter()
                .map(|item| self.resolve_json(None, item))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            Value::Object(object) => object
                .iter()
                .map(|(k, v)| Ok((k.clone(), self.resolve_json(None, v)?)))
                .collect::<Result<_, CliError>>()
                .map(Value::Object),
            other => Ok(other.clone()),
        }
    }

    /// `text` with each value this session holds replaced by its token wherever it stands as
    /// a whole word: for messages (an API error quoting a record, a value resolved from a
    /// token) that must not show what redaction hides. Values under three characters are
    /// kept, as they would match everywhere.
    pub fn redact_text(&self, text: &str) -> String {
        let mut known: Vec<(&str, &str)> = self
            .values
            .iter()
            .filter(|(_, value)| value.chars().count() >= 3)
            .map(|(token, value)| (value.as_str(), token.as_str()))
            .collect();
        // The longest first, so that a value inside another does not split it.
        known.sort_by_key(|(value, _)| std::cmp::Reverse(value.len()));
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while let Some(c) = text[i..].chars().next() {
            let rest = &text[i..];
            let before = text[..i].chars().next_back();
            let hit = known.iter().find(|(value, _)| {
                rest.starts_with(value)
                    && !(word(before) && word(value.chars().next()))
                    && !(word(rest[value.len()..].chars().next()) && word(value.chars().last()))
            });
            match hit {
                Some((value, token)) => {
                    out.push_str(token);
                    i += value.len();
                }
                None => {
                    out.push(c);
                    i += c.len_utf8();
                }
            }
        }
        out
    }

    /// Writes the session's new tokens to its vault (mode 0600), if it has one.
    pub fn save(&mut self) -> Result<(), CliError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if !self.changed {
            return Ok(());
        }
        // Another process (the CLI beside `nexudus mcp`) may have added tokens since this
        // session opened the vault: keep them.
        if let Ok(text) = fs::read_to_string(path)
            && let Ok(on_disk) = serde_json::from_str::<VaultFile>(&text)
        {
            for (token, value) in on_disk.values {
                self.values.entry(token).or_insert(value);
            }
        }
        let file = VaultFile {
            key: hex(&self.key),
            values: self.values.clone(),
        };
        let text = serde_json::to_string(&file).map_err(|e| CliError::local(e.to_string()))?;
        write_private(path, &text)?;
        self.changed = false;
        Ok(())
    }
}

/// Writes a file only its owner can read (0600 on Unix), through a temporary file renamed
/// into place, so a reader never sees half of it.
pub fn write_private(path: &Path, text: &str) -> Result<(), CliError> {
    let shown = path.display();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)
            .map_err(|e| CliError::local(format!("cannot create {}: {e}", dir.display())))?;
    }
    let temporary = path.with_extension("tmp");
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(&temporary)
        .map_err(|e| CliError::local(format!("cannot write {shown}: {e}")))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::local(format!("cannot write {shown}: {e}")))?;
    fs::rename(&temporary, path).map_err(|e| CliError::local(format!("cannot write {shown}: {e}")))
}

fn random_key() -> Vec<u8> {
    let mut key = vec![0u8; 32];
    // Without the OS's randomness the tokens would be guessable; fastrand's seed (from the
    // clock and addresses) is the fallback, still different per session.
    if getrandom::fill(&mut key).is_err() {
        key.iter_mut().for_each(|b| *b = fastrand::u8(..));
    }
    key
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: EntitySchema = EntitySchema {
        name: "Visitor",
        area: "spaces",
        docs: "A visitor.",
        fields: &[
            FieldSchema::new("FullName", FieldKind::String).pii(Pii::Name),
            FieldSchema::new("DateOfBirth", FieldKind::DateTime).pii(Pii::Dob),
            FieldSchema::new("Notes", FieldKind::String),
        ],
        joined: &[FieldSchema::new("CoworkerEmail", FieldKind::String).pii(Pii::Email)],
        filters: &[],
        range_filters: &[],
        sort: &[],
        endpoints: &[],
    };

    #[test]
    fn tokens_are_found_in_text_and_json() {
        let text = "a «PII:NAME:1» b «other» «PII:EMAIL:2» «PII:unclosed";
        assert_eq!(
            tokens(text).collect::<Vec<_>>(),
            ["«PII:NAME:1»", "«PII:EMAIL:2»"]
        );
        assert!(contains_token(
            &serde_json::json!({"a": [1, "x «PII:NAME:1»"]})
        ));
        assert!(!contains_token(&serde_json::json!({"a": [1, "plain"]})));
    }

    #[test]
    fn marked_fields_become_stable_tokens_and_others_stay() {
        let mut r = Redactor::ephemeral();
        let mut record = json!({
            "FullName": "Ada Lovelace", "DateOfBirth": "1815-12-10T00:00:00Z",
            "Notes": "likes engines", "CoworkerEmail": null, "Extra": "Ada Lovelace"
        });
        r.redact_record(&SCHEMA, &mut record);
        let name = record["FullName"].as_str().unwrap().to_owned();
        assert!(
            name.starts_with("«PII:NAME:") && name.ends_with('»') && name.chars().count() == 19,
            "{name}"
        );
        assert!(
            record["DateOfBirth"]
                .as_str()
                .unwrap()
                .starts_with("«PII:DOB:")
        );
        assert_eq!(record["Notes"], "likes engines");
        assert_eq!(record["CoworkerEmail"], Value::Null);
        // Only marked fields: the spec does not know `Extra`.
        assert_eq!(record["Extra"], "Ada Lovelace");
        // The same value, the same token; another category, another.
        assert_eq!(r.token(Pii::Name, "Ada Lovelace"), name);
        assert_ne!(r.token(Pii::Bio, "Ada Lovelace"), name);
    }

    #[test]
    fn tokens_resolve_back_within_the_session_only() {
        let mut r = Redactor::ephemeral();
        let token = r.token(Pii::Email, "ada@example.com");
        assert_eq!(
            r.resolve_text(&format!("to {token}, please")).unwrap(),
            "to ada@example.com, please"
        );
        // Not a token: kept as written.
        assert_eq!(r.resolve_text("«quoted»").unwrap(), "«quoted»");
        let other = Redactor::ephemeral();
        let error = other.resolve_text(&token).unwrap_err();
        assert!(error.to_string().contains("not one of this PII session's"));
        // A date comes back as the JSON value it was.
        let mut r2 = Redactor::ephemeral();
        let mut value = json!(true);
        r2.redact_value(Pii::Dob, &mut value);
        let field = FieldSchema::new("Flag", FieldKind::Boolean);
        assert_eq!(r2.resolve_json(Some(&field), &value).unwrap(), json!(true));
    }

    #[test]
    fn messages_lose_the_values_the_session_holds() {
        let mut r = Redactor::ephemeral();
        let name = r.token(Pii::Name, "Ada Lovelace");
        let short = r.token(Pii::Name, "Al");
        let email = r.token(Pii::Email, "ada@example.com");
        assert_eq!(
            r.redact_text("Ada Lovelace (ada@example.com) is taken; Ada Lovelaces, Al"),
            format!("{name} ({email}) is taken; Ada Lovelaces, Al")
        );
        assert!(!short.is_empty());
        assert_eq!(r.redact_text("nothing to hide"), "nothing to hide");
    }

    #[test]
    fn a_vault_keeps_the_session_across_runs_and_only_its_owner_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pii.json");
        let mut first = Redactor::open(&path).unwrap();
        let token = first.token(Pii::Phone, "+44 20 7946 0000");
        first.save().unwrap();
        let second = Redactor::open(&path).unwrap();
        assert_eq!(second.resolve_text(&token).unwrap(), "+44 20 7946 0000");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{second:?}").contains("7946"));
        // Two sessions of one vault saving in turn keep each other's tokens.
        let (mut a, mut b) = (
            Redactor::open(&path).unwrap(),
            Redactor::open(&path).unwrap(),
        );
        let (ta, tb) = (a.token(Pii::Name, "Ada"), b.token(Pii::Name, "Bob"));
        a.save().unwrap();
        b.save().unwrap();
        let merged = Redactor::open(&path).unwrap();
        assert_eq!(merged.resolve_text(&ta).unwrap(), "Ada");
        assert_eq!(merged.resolve_text(&tb).unwrap(), "Bob");
        assert!(Redactor::forget(&path).unwrap());
        assert!(Redactor::open(&path).unwrap().resolve_text(&token).is_err());
    }
}
