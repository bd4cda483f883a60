//! `login`, `logout`, `whoami` and `config`, as Nexudus's own CLI has them: credentials go
//! to the OS keyring (else the profile file, mode 0600), the profile file keeps the rest.
//! No secret is ever printed, echoed or put in an error.

use std::io::{self, BufRead as _, IsTerminal as _, Write as _};

use clap::{Arg, ArgAction, ArgMatches, Command};
use nexudus::Api as _;
use nexudus::{SERVICE, Secret};
use serde_json::{Map, Value};

use crate::app::Global;
use crate::config::{self, Connection, IN_KEYRING, ProfileEdit};
use crate::error::CliError;
use crate::exec::{self, Api};
use crate::names::{self, normalize};
use crate::output::{self, Format};
use crate::pii::{self, Redactor};
use crate::session;
use crate::store::{self, Credentials};

/// The config keys `config get` and `set` know, as Nexudus's CLI names them.
const KEYS: [&str; 1] = ["base-url"];

/// The subcommands of this module.
pub fn commands() -> [Command; 4] {
    [
        Command::new("login")
            .about("Store credentials for a profile: in the OS keyring, else the profile file")
            .after_help(
                "A password or token is read from standard input (--password-stdin, \
                 --token-stdin) or typed at a prompt without echo, never taken as a flag. \
                 The credentials are checked with the API first (`whoami`). Without a usable \
                 keyring (or with NEXUDUS_KEYRING=off) they go to the profile file, readable \
                 by its owner only. --profile NAME chooses the profile, --base-url stores its \
                 URL too.",
            )
            .arg(
                Arg::new("username")
                    .long("username")
                    .short('u')
                    .value_name("EMAIL")
                    .help("The user for the password grant"),
            )
            .arg(
                Arg::new("password-stdin")
                    .long("password-stdin")
                    .action(ArgAction::SetTrue)
                    .requires("username")
                    .help("Read the password from standard input"),
            )
            .arg(
                Arg::new("token-stdin")
                    .long("token-stdin")
                    .action(ArgAction::SetTrue)
                    .conflicts_with_all(["username", "password-stdin"])
                    .help("Read a bearer token from standard input instead"),
            )
            .arg(
                Arg::new("no-verify")
                    .long("no-verify")
                    .action(ArgAction::SetTrue)
                    .help("Store them without checking them with the API"),
            ),
        Command::new("logout").about(
            "Remove a profile's stored credentials (keyring and profile file), and end the \
             session of --redact-pii tokens",
        ),
        Command::new("whoami")
            .about("Show who the credentials belong to: name, email, default location, ...")
            .after_help(
                "GET /en/user/me, which answers on a space's own host \
                 (https://<space>.spaces.nexudus.com): set it with --base-url or \
                 `nexudus config set base-url`. Tokens and other secrets of the answer are \
                 never shown.",
            )
            .arg(
                Arg::new("columns")
                    .long("columns")
                    .value_name("FIELD,...")
                    .value_delimiter(',')
                    .action(ArgAction::Append)
                    .help("The fields to show, in this order"),
            ),
        Command::new("config")
            .about("Read or set a value of the profile: base-url")
            .subcommand_required(true)
            .arg_required_else_help(true)
            .subcommand(
                Command::new("get")
                    .about("Print a value of the profile (or its default)")
                    .arg(Arg::new("key").required(true).value_parser(KEYS)),
            )
            .subcommand(
                Command::new("set")
                    .about("Set a value of the profile, in the profile file")
                    .arg(Arg::new("key").required(true).value_parser(KEYS))
                    .arg(Arg::new("value").required(true).value_name("VALUE")),
            ),
    ]
}

/// `login`.
pub fn login(m: &ArgMatches, global: &Global, format: Format) -> Result<(), CliError> {
    let credentials = read_credentials(m)?;
    let mut edit = ProfileEdit::open(global.profile.as_deref())?;
    let name = edit.name.clone();
    let base_url = match &global.base_url {
        Some(url) => Some(url.clone()),
        None => config::profile_base_url(global.profile.as_deref())?.1,
    };
    let verified = if m.get_flag("no-verify") {
        false
    } else {
        verify(global, &credentials, base_url.clone())?
    };

    let keyring = if store::disabled() {
        None
    } else {
        Some(store::save(&name, &edit.path, &credentials))
    };
    let path = edit.path.clone();
    let profile = edit.profile()?;
    for key in ["token", "username", "password", "credentials"] {
        profile.remove(key);
    }
    if let Some(url) = &global.base_url {
        profile["base_url"] = toml_edit::value(url.as_str());
    }
    let place = match keyring {
        Some(Ok(())) => {
            profile["credentials"] = toml_edit::value(IN_KEYRING);
            "the OS keyring".to_owned()
        }
        other => {
            if let Some(Err(why)) = other {
                warn(&format!(
                    "the OS keyring cannot be used ({why}); the credentials go to the profile \
                     file, readable by you only"
                ));
            }
            match &credentials {
                Credentials::Token(token) => {
                    profile["token"] = toml_edit::value(token.expose());
                }
                Credentials::Password { username, password } => {
                    profile["username"] = toml_edit::value(username.as_str());
                    profile["password"] = toml_edit::value(password.expose());
                }
            }
            format!("the profile file {}", path.display())
        }
    };
    edit.save()?;
    let checked = if verified { "" } else { " (not checked)" };
    exec::done(
        format,
        &format!("Logged in: profile `{name}`, credentials in {place}{checked}"),
        serde_json::json!({
            "Profile": name,
            "Stored": if place.starts_with("the OS") { "keyring" } else { "file" },
            "Path": path.display().to_string(),
            "Verified": verified,
        }),
    )
}

/// The credentials to store, from standard input or a prompt; never from a flag, which
/// others could read in the process list.
fn read_credentials(m: &ArgMatches) -> Result<Credentials, CliError> {
    if m.get_flag("token-stdin") {
        let token = crate::exec::read_text(std::path::Path::new("-"))?;
        if token.trim().is_empty() {
            return Err(CliError::usage("--token-stdin: standard input is empty"));
        }
        return Ok(Credentials::Token(Secret::new(token.trim())));
    }
    let interactive = io::stdin().is_terminal();
    let username = match m.get_one::<String>("username") {
        Some(username) => username.clone(),
        None if interactive => prompt("Email: ")?,
        None => {
            return Err(CliError::usage(
                "give --username EMAIL with --password-stdin, or --token-stdin",
            ));
        }
    };
    if username.trim().is_empty() {
        return Err(CliError::usage("no username given"));
    }
    let password = if m.get_flag("password-stdin") {
        let text = crate::exec::read_text(std::path::Path::new("-"))?;
        // The line's end is not part of it; spaces may be.
        text.trim_end_matches(['\n', '\r']).to_owned()
    } else if interactive {
        rpassword::prompt_password("Password: ")
            .map_err(|e| CliError::usage(format!("cannot read the password: {e}")))?
    } else {
        return Err(CliError::usage(
            "give --password-stdin (standard input is not a terminal to ask on)",
        ));
    };
    if password.is_empty() {
        return Err(CliError::usage("the password is empty"));
    }
    Ok(Credentials::Password {
        username: username.trim().to_owned(),
        password: Secret::new(password),
    })
}

/// Asks for a line on the terminal (standard error, so that output stays clean).
fn prompt(question: &str) -> Result<String, CliError> {
    let _ = write!(io::stderr(), "{question}");
    let _ = io::stderr().flush();
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::usage(format!("cannot read the answer: {e}")))?;
    Ok(line.trim().to_owned())
}

fn warn(message: &str) {
    let _ = writeln!(io::stderr(), "warning: {message}");
}

/// Checks the credentials with the current-user endpoint: refused ones are an error, and
/// nothing is stored; answers false where the server has no such endpoint (they could not
/// be checked).
fn verify(
    global: &Global,
    credentials: &Credentials,
    base_url: Option<String>,
) -> Result<bool, CliError> {
    let auth = nexudus::Auth::from(credentials);
    let api = Api::with(
        global,
        Connection {
            base_url,
            auth,
            source: "the credentials given to login".to_owned(),
        },
    )?;
    match api.runtime.block_on(api.client.current_user()) {
        Ok(_) => Ok(true),
        Err(nexudus::Error::NotFound { .. }) => {
            warn(
                "the server has no current-user endpoint at this base URL, so the credentials \
                 were not checked",
            );
            Ok(false)
        }
        Err(e) => Err(CliError::api(e, "log in", None).hint("nothing was stored")),
    }
}

/// `logout`.
pub fn logout(global: &Global, format: Format) -> Result<(), CliError> {
    let mut edit = ProfileEdit::open(global.profile.as_deref())?;
    let name = edit.name.clone();
    let path = edit.path.clone();
    let mut removed = Vec::new();

    let in_file = edit.has_profile();
    let mut in_keyring = false;
    if in_file {
        let profile = edit.profile()?;
        in_keyring = profile.get("credentials").is_some();
        let mut had = false;
        for key in ["token", "username", "password", "credentials"] {
            had |= profile.remove(key).is_some();
        }
        if profile.is_empty() {
            edit.remove_profile();
        }
        if had {
            edit.save()?;
            removed.push(format!("the profile file {}", path.display()));
        }
    }
    if !store::disabled() {
        match store::delete(&name, &path) {
            Ok(true) => removed.push("the OS keyring".to_owned()),
            Ok(false) => {}
            // Only worth a word if the profile said they were there.
            Err(why) if in_keyring => warn(&format!(
                "the OS keyring cannot be reached ({why}); its entry for profile `{name}` \
                 may remain"
            )),
            Err(_) => {}
        }
    } else if in_keyring {
        warn(&format!(
            "{} turns the OS keyring off; its entry for profile `{name}` may remain",
            store::ENV_KEYRING
        ));
    }
    let ended = match pii::default_vault() {
        Some(vault) => Redactor::forget(&vault)?,
        None => false,
    };
    let mut sentence = if removed.is_empty() {
        format!("No credentials were stored for profile `{name}`")
    } else {
        format!(
            "Logged out of profile `{name}`: removed its credentials from {}",
            removed.join(" and ")
        )
    };
    if ended {
        sentence.push_str("; ended the PII session (its tokens no longer resolve)");
    }
    exec::done(
        format,
        &sentence,
        serde_json::json!({
            "Profile": name,
            "Removed": removed,
            "PiiSessionEnded": ended,
        }),
    )
}

/// Whether a property of the current user's answer is a credential: the user entity's
/// secrets (`AccessToken`, ...) and anything named like one. Such properties are never
/// shown.
fn is_secret(key: &str) -> bool {
    let user = names::entity("User");
    let marked = user
        .and_then(|schema| schema.field(key))
        .is_some_and(|field| field.pii == Some(nexudus::Pii::Secret));
    let key = normalize(key);
    marked
        || ["token", "password", "secret", "apikey", "privatekey"]
            .iter()
            .any(|word| key.contains(word))
}

/// `whoami`.
pub fn whoami(m: &ArgMatches, global: &Global, format: Format) -> Result<(), CliError> {
    let chosen: Option<Vec<String>> = m
        .get_many::<String>("columns")
        .map(|columns| columns.map(|c| c.trim().to_owned()).collect());
    let api = Api::connect(global)?;
    let answer = api
        .runtime
        .block_on(api.client.current_user())
        .map_err(|e| match e {
            nexudus::Error::NotFound { .. } => CliError::api(e, "get the current user", None).hint(
                "the current user answers on a space's own host \
                     (https://<space>.spaces.nexudus.com): set it with --base-url or \
                     `nexudus config set base-url`",
            ),
            e => CliError::api(e, "get the current user", None),
        })?;
    let user: Map<String, Value> = answer.into_iter().filter(|(k, _)| !is_secret(k)).collect();
    let mut record = Value::Object(user);
    if let Some(schema) = names::entity("User") {
        session::redact(schema, std::slice::from_mut(&mut record))?;
    }
    let who = ["FullName", "Email"]
        .iter()
        .find_map(|key| record.get(key).and_then(Value::as_str))
        .unwrap_or("(no name)")
        .to_owned();
    let columns = [
        "FullName",
        "Email",
        "DefaultBusinessId",
        "DefaultBusinessName",
        "DefaultCurrencyId",
        "DefaultCurrencyCode",
        "DefaultCountryId",
        "DefaultSimpleTimeZoneId",
    ]
    .map(String::from)
    .to_vec();
    output::record(
        io::stdout().lock(),
        format,
        record,
        columns,
        chosen,
        &format!("Signed in as {who}"),
    )
    .map_err(|e| CliError::local(format!("cannot write the output: {e}")))
}

/// `config get KEY` and `config set KEY VALUE`.
pub fn config(m: &ArgMatches, global: &Global, format: Format) -> Result<(), CliError> {
    match m.subcommand() {
        Some(("get", _)) => {
            let (profile, url) = config::profile_base_url(global.profile.as_deref())?;
            let (value, source) = match url {
                Some(url) => (url, format!("profile `{profile}`")),
                None => (SERVICE.base_url.to_owned(), "the default".to_owned()),
            };
            if format == Format::Table {
                return writeln!(io::stdout(), "{value}")
                    .map_err(|e| CliError::local(format!("cannot write the output: {e}")));
            }
            exec::done(
                format,
                &format!("base-url is {value} ({source})"),
                serde_json::json!({"Key": "base-url", "Value": value, "Profile": profile,
                                   "Source": source}),
            )
        }
        Some(("set", m)) => {
            let value = m
                .get_one::<String>("value")
                .ok_or_else(|| CliError::usage("no value given"))?;
            let url = nexudus::reqwest::Url::parse(value)
                .ok()
                .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
                .ok_or_else(|| {
                    CliError::usage(format!("base-url: `{value}` is not an http or https URL"))
                })?;
            let value = url.as_str().trim_end_matches('/').to_owned();
            let mut edit = ProfileEdit::open(global.profile.as_deref())?;
            let name = edit.name.clone();
            edit.profile()?["base_url"] = toml_edit::value(value.as_str());
            edit.save()?;
            exec::done(
                format,
                &format!("Set base-url of profile `{name}` to {value}"),
                serde_json::json!({"Key": "base-url", "Value": value, "Profile": name}),
            )
        }
        _ => Err(CliError::usage(
            "give `config get KEY` or `config set KEY VALUE`",
        )),
    }
}
