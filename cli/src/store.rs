//! Where `login` keeps credentials: the OS keyring (Keychain on macOS, the Credential Manager
//! on Windows, the Secret Service elsewhere) through the `keyring` crate, one entry per
//! profile. `NEXUDUS_KEYRING=off` turns it off, as on machines without one; the profile file
//! then holds them (see [`crate::config`]).

use std::path::Path;

use nexudus::Secret;
use serde::{Deserialize, Serialize};

/// Set to `off` (or `0`, `false`, `no`) to keep credentials out of the OS keyring.
pub const ENV_KEYRING: &str = "NEXUDUS_KEYRING";

/// The keyring service every entry of the CLI is filed under.
const SERVICE: &str = "nexudus-cli";

/// Credentials as `login` stores them: a token, or a username and password.
pub enum Credentials {
    Token(Secret),
    Password { username: String, password: Secret },
}

impl From<&Credentials> for nexudus::Auth {
    fn from(credentials: &Credentials) -> Self {
        match credentials {
            Credentials::Token(token) => nexudus::Auth::bearer(token.clone()),
            Credentials::Password { username, password } => {
                nexudus::Auth::password(username.as_str(), password.clone())
            }
        }
    }
}

impl std::fmt::Debug for Credentials {
    // Never the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Token(_) => f.write_str("Token(..)"),
            Credentials::Password { username, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .finish_non_exhaustive(),
        }
    }
}

/// The JSON an entry holds.
#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

/// Whether `NEXUDUS_KEYRING` turns the keyring off.
pub fn disabled() -> bool {
    std::env::var(ENV_KEYRING).is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "off" | "0" | "false" | "no"
        )
    })
}

/// The entry of a profile of a profile file: profiles of two files are two entries.
fn entry(profile: &str, file: &Path) -> Result<keyring::Entry, String> {
    if disabled() {
        return Err(format!("{ENV_KEYRING} turns it off"));
    }
    let account = format!("{profile} @ {}", file.display());
    keyring::Entry::new(SERVICE, &account).map_err(|e| e.to_string())
}

/// Stores the credentials of `profile`; the error says why the keyring could not.
pub fn save(profile: &str, file: &Path, credentials: &Credentials) -> Result<(), String> {
    let stored = match credentials {
        Credentials::Token(token) => Entry {
            token: Some(token.expose().to_owned()),
            username: None,
            password: None,
        },
        Credentials::Password { username, password } => Entry {
            token: None,
            username: Some(username.clone()),
            password: Some(password.expose().to_owned()),
        },
    };
    let text = serde_json::to_string(&stored).map_err(|e| e.to_string())?;
    entry(profile, file)?
        .set_password(&text)
        .map_err(|e| e.to_string())
}

/// The credentials stored for `profile`; `Ok(None)` if there are none.
pub fn load(profile: &str, file: &Path) -> Result<Option<Credentials>, String> {
    let text = match entry(profile, file)?.get_password() {
        Ok(text) => text,
        Err(keyring::Error::NoEntry) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    // Not quoted in the error: it is the secret.
    let stored: Entry =
        serde_json::from_str(&text).map_err(|_| "its entry is not the CLI's".to_owned())?;
    Ok(match stored {
        Entry {
            token: Some(token), ..
        } => Some(Credentials::Token(Secret::new(token))),
        Entry {
            username: Some(username),
            password: Some(password),
            ..
        } => Some(Credentials::Password {
            username,
            password: Secret::new(password),
        }),
        _ => None,
    })
}

/// Removes the credentials of `profile`; answers whether there were any.
pub fn delete(profile: &str, file: &Path) -> Result<bool, String> {
    match entry(profile, file)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let token = Credentials::Token(Secret::new("tok-9f2"));
        let password = Credentials::Password {
            username: "ada@example.com".into(),
            password: Secret::new("pa55-9f2"),
        };
        let shown = format!("{token:?} {password:?}");
        assert!(!shown.contains("9f2"), "{shown}");
        assert!(shown.contains("ada@example.com"), "{shown}");
    }
}
