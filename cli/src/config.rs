//! Where the API is and who calls it: flags, then the environment, then a profile of the
//! profile file, whose credentials may be in the OS keyring (`nexudus login`). Secrets are
//! read here and handed to the client's [`Auth`], whose `Debug` redacts them; nothing here
//! prints one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nexudus::Auth;
use serde::Deserialize;

use crate::error::CliError;
use crate::store::{self, Credentials};

/// The environment variables the CLI reads.
pub const ENV_TOKEN: &str = "NEXUDUS_TOKEN";
pub const ENV_USERNAME: &str = "NEXUDUS_USERNAME";
pub const ENV_PASSWORD: &str = "NEXUDUS_PASSWORD";
pub const ENV_TOTP: &str = "NEXUDUS_TOTP";
pub const ENV_CONFIG: &str = "NEXUDUS_CONFIG";

/// The profile used when none is named.
const DEFAULT_PROFILE: &str = "default";

/// The value of a profile's `credentials` that says they are in the OS keyring.
pub const IN_KEYRING: &str = "keyring";

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
    /// `"keyring"`: `login` put the credentials in the OS keyring.
    credentials: Option<String>,
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
    let file = parse_profiles(path)?;
    if let Some((name, _)) = file.profiles.iter().find(|(_, p)| {
        p.credentials
            .as_deref()
            .is_some_and(|where_| where_ != IN_KEYRING)
    }) {
        return Err(CliError::usage(format!(
            "cannot read the profile file {}: profile `{name}`: `credentials` can only be \
             \"{IN_KEYRING}\"",
            path.display()
        )));
    }
    Ok(file)
}

fn parse_profiles(path: &Path) -> Result<ProfileFile, CliError> {
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
    let (name, named) = chosen_profile(&file, profile);
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
    } else if profile.credentials.is_some()
        && let Some(path) = &path
    {
        let stored = store::load(&name, path).map_err(|why| {
            CliError::usage(format!(
                "the credentials of profile `{name}` are in the OS keyring, which cannot be \
                 read: {why}; run `nexudus login` again"
            ))
        })?;
        match stored {
            Some(Credentials::Token(token)) => (
                Auth::bearer(token),
                format!("bearer token of profile `{name}` in the OS keyring"),
            ),
            Some(Credentials::Password { username, password }) => (
                Auth::password(username, password),
                format!("password grant of profile `{name}` in the OS keyring"),
            ),
            None => {
                return Err(CliError::usage(format!(
                    "the OS keyring has no credentials for profile `{name}` any more; run \
                     `nexudus login`"
                )));
            }
        }
    } else if selected.is_some() {
        return Err(CliError::usage(format!(
            "profile `{name}` in {shown_path} has no `token`, nor `username` and `password`; \
             `nexudus login` stores them"
        )));
    } else {
        return Err(CliError::usage(format!(
            "no credentials: run `nexudus login`, set {ENV_TOKEN}, or {ENV_USERNAME} and \
             {ENV_PASSWORD}, or write a profile in {shown_path}"
        )));
    };
    Ok(Connection {
        base_url,
        auth,
        source,
    })
}

/// The profile `--profile` names, else the file's `default_profile`, else `default`; and
/// whether it was named (a named profile must exist).
fn chosen_profile(file: &ProfileFile, profile: Option<&str>) -> (String, bool) {
    match profile
        .map(str::to_owned)
        .or_else(|| file.default_profile.clone())
    {
        Some(name) => (name, true),
        None => (DEFAULT_PROFILE.to_owned(), false),
    }
}

/// What `doctor` says of the profile file: where it is and which profile is used, or why
/// it cannot be read.
pub fn describe_file(profile: Option<&str>) -> Result<String, CliError> {
    let Some(path) = profile_path() else {
        return Ok("no config folder: credentials come from the environment".to_owned());
    };
    if !path.exists() {
        return Ok(format!(
            "no profile file at {} (none is needed)",
            path.display()
        ));
    }
    let file = read_profiles(&path)?;
    let (name, named) = chosen_profile(&file, profile);
    let has = file.profiles.contains_key(&name);
    if named && !has {
        return Err(CliError::usage(format!(
            "no profile `{name}` in {}",
            path.display()
        )));
    }
    let count = file.profiles.len();
    Ok(format!(
        "{} ({count} profile{}; using {})",
        path.display(),
        if count == 1 { "" } else { "s" },
        if has {
            format!("`{name}`")
        } else {
            "none".to_owned()
        }
    ))
}

/// The base URL the selected profile sets, if any (`config get base-url`), and its name.
pub fn profile_base_url(profile: Option<&str>) -> Result<(String, Option<String>), CliError> {
    let file = match profile_path() {
        Some(path) => read_profiles(&path)?,
        None => ProfileFile::default(),
    };
    let (name, _) = chosen_profile(&file, profile);
    let url = file.profiles.get(&name).and_then(|p| p.base_url.clone());
    Ok((name, url))
}

/// A change to one profile of the profile file (`login`, `logout`, `config set`): its
/// comments and other profiles are kept, and it is written back readable by its owner only,
/// as it may hold secrets.
pub struct ProfileEdit {
    pub path: PathBuf,
    /// The profile changed: `--profile`, else `default_profile`, else `default`.
    pub name: String,
    document: toml_edit::DocumentMut,
}

impl ProfileEdit {
    /// Opens the profile file for a change to `profile` (created if it is missing).
    pub fn open(profile: Option<&str>) -> Result<ProfileEdit, CliError> {
        let path = profile_path().ok_or_else(|| {
            CliError::usage(format!(
                "no config folder for the profile file; set {ENV_CONFIG} to a file"
            ))
        })?;
        Self::open_at(path, profile)
    }

    fn open_at(path: PathBuf, profile: Option<&str>) -> Result<ProfileEdit, CliError> {
        // Checked as every command reads it first, so that errors never quote the file.
        let file = read_profiles(&path)?;
        let (name, _) = chosen_profile(&file, profile);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(CliError::usage(format!(
                    "cannot read the profile file {}: {e}",
                    path.display()
                )));
            }
        };
        let document = text.parse::<toml_edit::DocumentMut>().map_err(|_| {
            CliError::usage(format!("cannot read the profile file {}", path.display()))
        })?;
        Ok(ProfileEdit {
            path,
            name,
            document,
        })
    }

    /// The profile's table, created if it is missing.
    pub fn profile(&mut self) -> Result<&mut toml_edit::Table, CliError> {
        let shown = self.path.display().to_string();
        let not_table = |what: &str| {
            CliError::usage(format!(
                "cannot change {shown}: `{what}` is not a table; edit the file by hand"
            ))
        };
        let profiles = self
            .document
            .entry("profiles")
            .or_insert_with(|| {
                let mut table = toml_edit::Table::new();
                table.set_implicit(true);
                toml_edit::Item::Table(table)
            })
            .as_table_mut()
            .ok_or_else(|| not_table("profiles"))?;
        profiles
            .entry(&self.name)
            .or_insert_with(toml_edit::table)
            .as_table_mut()
            .ok_or_else(|| not_table(&format!("profiles.{}", self.name)))
    }

    /// Whether the file has the profile.
    pub fn has_profile(&self) -> bool {
        self.document
            .get("profiles")
            .and_then(|profiles| profiles.get(&self.name))
            .is_some()
    }

    /// Removes the profile (once it is empty), unless `default_profile` names it.
    pub fn remove_profile(&mut self) {
        let default = self
            .document
            .get("default_profile")
            .and_then(toml_edit::Item::as_str);
        if default == Some(self.name.as_str()) {
            return;
        }
        if let Some(profiles) = self
            .document
            .get_mut("profiles")
            .and_then(toml_edit::Item::as_table_mut)
        {
            profiles.remove(&self.name);
        }
    }

    /// Writes the file back (mode 0600), once it reads as a profile file.
    pub fn save(self) -> Result<(), CliError> {
        let text = self.document.to_string();
        toml::from_str::<ProfileFile>(&text).map_err(|e| {
            CliError::usage(format!(
                "cannot change {}: {}",
                self.path.display(),
                e.message()
            ))
        })?;
        crate::pii::write_private(&self.path, &text)
    }
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
    fn edits_keep_comments_and_other_profiles_and_only_the_owner_reads_them() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("nexudus").join("config.toml");
        // A new file, then a change to another profile of it.
        let mut edit = ProfileEdit::open_at(path.clone(), None).expect("opened");
        edit.profile().expect("a table")["token"] = toml_edit::value("t1");
        edit.save().expect("written");
        let text = std::fs::read_to_string(&path).expect("written");
        assert_eq!(text, "[profiles.default]\ntoken = \"t1\"\n");
        std::fs::write(&path, format!("# mine\ndefault_profile = \"ci\"\n{text}")).expect("ok");
        let mut edit = ProfileEdit::open_at(path.clone(), None).expect("opened");
        assert_eq!(edit.name, "ci");
        assert!(!edit.has_profile());
        edit.profile().expect("a table")["credentials"] = toml_edit::value(IN_KEYRING);
        edit.save().expect("written");
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(text.starts_with("# mine\n"), "{text}");
        assert!(
            text.contains("[profiles.ci]\ncredentials = \"keyring\"\n"),
            "{text}"
        );
        assert!(text.contains("token = \"t1\""), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A profile goes once empty, unless `default_profile` names it.
        let mut edit = ProfileEdit::open_at(path.clone(), Some("default")).expect("opened");
        edit.profile().expect("a table").remove("token");
        edit.remove_profile();
        edit.save().expect("written");
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(!text.contains("[profiles.default]"), "{text}");
        let mut edit = ProfileEdit::open_at(path.clone(), None).expect("opened");
        edit.remove_profile();
        assert!(edit.has_profile());

        // A change that would not read back is refused; a broken file is not edited.
        let mut edit = ProfileEdit::open_at(path.clone(), None).expect("opened");
        edit.profile().expect("a table")["tokn"] = toml_edit::value("x");
        assert!(edit.save().is_err());
        std::fs::write(&path, "[profiles.x]\ncredentials = \"vault\"\n").expect("written");
        let error = ProfileEdit::open_at(path, None).err().expect("refused");
        assert!(
            error.to_string().contains("`credentials` can only be"),
            "{error}"
        );
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
