//! Where the API is and who calls it: flags, then the environment, then a profile of the
//! profile file. Secrets are read here and handed to the client's [`Auth`], whose `Debug`
//! redacts them; nothing here prints one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nexudus::Auth;
use serde::Deserialize;

use crate::error::CliError;

/// The environment variables the CLI reads.
pub const ENV_TOKEN: &str = "NEXUDUS_TOKEN";
pub const ENV_USERNAME: &str = "NEXUDUS_USERNAME";
pub const ENV_PASSWORD: &str = "NEXUDUS_PASSWORD";
pub const ENV_TOTP: &str = "NEXUDUS_TOTP";
pub const ENV_CONFIG: &str = "NEXUDUS_CONFIG";

/// The profile used when none is named.
const DEFAULT_PROFILE: &str = "default";

/// The profile file: `[profiles.NAME]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    /// The profile used without `--profile` (default: `default`, if there is one).
    default_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One named profile.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    base_url: Option<String>,
    token: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// The base URL and credentials to call the API with.
#[derive(Debug)]
pub struct Connection {
    /// `None`: the production URL of the spec.
    pub base_url: Option<String>,
    pub auth: Auth,
    /// Where the credentials came from, for `--verbose` (never the secret itself).
    pub source: String,
}

/// The profile file's path: `$NEXUDUS_CONFIG`, else `nexudus/config.toml` in the user's
/// config folder (`$XDG_CONFIG_HOME` or `~/.config` on Linux).
pub fn profile_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(ENV_CONFIG).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    dirs::config_dir().map(|dir| dir.join("nexudus").join("config.toml"))
}

/// Reads the profile file; a missing file is an empty one.
fn read_profiles(path: &Path) -> Result<ProfileFile, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ProfileFile::default()),
        Err(e) => {
            return Err(CliError::usage(format!(
                "cannot read the profile file {}: {e}",
                path.display()
            )));
        }
    };
    toml::from_str(&text).map_err(|e| {
        // Only the message and the line: toml's own rendering quotes the line, which may
        // hold a password.
        let line = e
            .span()
            .and_then(|span| text.get(..span.start))
            .map(|before| before.matches('\n').count() + 1);
        let at = line.map(|l| format!(" line {l}")).unwrap_or_default();
        CliError::usage(format!(
            "cannot read the profile file {}{at}: {}",
            path.display(),
            e.message()
        ))
    })
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The connection: `base_url` is `--base-url` (or `NEXUDUS_BASE_URL`), `profile` is
/// `--profile` (or `NEXUDUS_PROFILE`). Credentials come from `NEXUDUS_TOKEN`, else
/// `NEXUDUS_USERNAME` and `NEXUDUS_PASSWORD` (the password grant), else the profile.
pub fn connection(base_url: Option<&str>, profile: Option<&str>) -> Result<Connection, CliError> {
    let path = profile_path();
    let file = match &path {
        Some(path) => read_profiles(path)?,
        None => ProfileFile::default(),
    };
    let shown_path = path.as_deref().map_or_else(
        || "(no config folder)".to_owned(),
        |p| p.display().to_string(),
    );
    let chosen = profile
        .map(str::to_owned)
        .or_else(|| file.default_profile.clone());
    let named = chosen.is_some();
    let name = chosen.unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
    let selected = file.profiles.get(&name);
    if named && selected.is_none() {
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        return Err(CliError::usage(format!(
            "no profile `{name}` in {shown_path}{}",
            if known.is_empty() {
                String::new()
            } else {
                format!(" (it has: {})", known.join(", "))
            }
        )));
    }
    let empty = Profile::default();
    let profile = selected.unwrap_or(&empty);
    let base_url = base_url
        .map(str::to_owned)
        .or_else(|| profile.base_url.clone());

    let username = env(ENV_USERNAME);
    let password = env(ENV_PASSWORD);
    let (auth, source) = if let Some(token) = env(ENV_TOKEN) {
        (
            Auth::bearer(token),
            format!("bearer token from {ENV_TOKEN}"),
        )
    } else if username.is_some() || password.is_some() {
        let (Some(username), Some(password)) = (username, password) else {
            return Err(CliError::usage(format!(
                "set both {ENV_USERNAME} and {ENV_PASSWORD} for the password grant"
            )));
        };
        let mut auth = Auth::password(username, password);
        if let Some(code) = env(ENV_TOTP) {
            auth = auth.totp(code);
        }
        let source = format!("password grant from {ENV_USERNAME} and {ENV_PASSWORD}");
        (auth, source)
    } else if let Some(token) = &profile.token {
        (
            Auth::bearer(token.as_str()),
            format!("bearer token of profile `{name}` in {shown_path}"),
        )
    } else if let (Some(username), Some(password)) = (&profile.username, &profile.password) {
        (
            Auth::password(username.as_str(), password.as_str()),
            format!("password grant of profile `{name}` in {shown_path}"),
        )
    } else if selected.is_some() {
        return Err(CliError::usage(format!(
            "profile `{name}` in {shown_path} has no `token`, nor `username` and `password`"
        )));
    } else {
        return Err(CliError::usage(format!(
            "no credentials: set {ENV_TOKEN}, or {ENV_USERNAME} and {ENV_PASSWORD}, or write \
             a profile in {shown_path}"
        )));
    };
    Ok(Connection {
        base_url,
        auth,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_file_errors_do_not_quote_the_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[profiles.default]\nusername = \"a@b.c\"\npassword = hunter2\n",
        )
        .expect("written");
        let error = read_profiles(&path).expect_err("a broken file");
        let text = error.to_string();
        assert!(text.contains("line 3"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn profiles_are_read() {
        let file: ProfileFile = toml::from_str(
            "default_profile = \"prod\"\n[profiles.prod]\nbase_url = \"https://x.example\"\ntoken = \"t\"\n",
        )
        .expect("valid");
        assert_eq!(file.default_profile.as_deref(), Some("prod"));
        assert_eq!(file.profiles["prod"].token.as_deref(), Some("t"));
        let unknown: Result<ProfileFile, _> = toml::from_str("[profiles.x]\ntokn = \"t\"\n");
        assert!(unknown.is_err());
    }
}
