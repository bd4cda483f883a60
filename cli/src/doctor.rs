//! `doctor`: is the command line ready? One line per check (the profile file, the
//! credentials, an authenticated request, the clock against the server's), and a non-zero
//! exit code if one fails. Never a secret: credentials are named by where they come from.

use std::io::{self, Write as _};
use std::time::{Duration, Instant, SystemTime};

use clap::Command;
use nexudus::Api as _;
use nexudus::SERVICE;
use serde_json::Value;

use crate::app::Global;
use crate::config;
use crate::error::{CliError, Kind};
use crate::exec::Api;
use crate::output::{self, Format, Records};

/// Skew of the local clock against the server's beyond which the clock check warns: the
/// API's date-times and token lifetimes are the server's.
const MAX_SKEW: Duration = Duration::from_secs(30);

pub fn command() -> Command {
    Command::new("doctor")
        .about("Check the profile file, the credentials, the API and the clock, one line each")
        .after_help(
            "Exit code 0 if every check passed (a warning passes), else the code of the \
             first failure: 2 config or credentials, 3 refused by the API, 5 network.",
        )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Warn,
    Fail,
    /// Not tried, as an earlier check failed.
    Skip,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        }
    }
}

struct Check {
    name: &'static str,
    status: Status,
    detail: String,
    /// What a failure exits with.
    kind: Kind,
}

impl Check {
    fn new(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            name,
            status,
            detail: detail.into(),
            kind: Kind::Usage,
        }
    }

    fn failed(name: &'static str, error: &CliError) -> Check {
        Check {
            name,
            status: Status::Fail,
            detail: error.to_string(),
            kind: error.kind,
        }
    }

    fn json(&self) -> Value {
        serde_json::json!({"Check": self.name, "Status": self.status.as_str(),
                           "Detail": self.detail})
    }
}

pub fn run(global: &Global, format: Format) -> Result<(), CliError> {
    let mut checks = Vec::new();
    checks.push(match config::describe_file(global.profile.as_deref()) {
        Ok(detail) => Check::new("config", Status::Ok, detail),
        Err(error) => Check::failed("config", &error),
    });
    let connection = config::connection(global.base_url.as_deref(), global.profile.as_deref());
    let base_url = match &connection {
        Ok(connection) => connection.base_url.clone(),
        Err(_) => global.base_url.clone(),
    }
    .unwrap_or_else(|| SERVICE.base_url.to_owned());
    let api = match connection {
        Ok(connection) => {
            checks.push(Check::new(
                "credentials",
                Status::Ok,
                connection.source.clone(),
            ));
            Some(Api::with(global, connection))
        }
        Err(error) => {
            checks.push(Check::failed("credentials", &error));
            None
        }
    };
    checks.push(match api {
        Some(Ok(api)) => reachability(&api, &base_url),
        Some(Err(error)) => Check::failed("reachability", &error),
        None => Check::new("reachability", Status::Skip, "no credentials to try"),
    });
    checks.push(clock(&base_url, global.timeout));
    report(&checks, format, &base_url)?;
    match checks.iter().find(|c| c.status == Status::Fail) {
        // The lines say what failed.
        Some(failed) => Err(CliError::silent(failed.kind)),
        None => Ok(()),
    }
}

/// One authenticated request, the cheapest there is: who the credentials belong to.
fn reachability(api: &Api, base_url: &str) -> Check {
    let path = SERVICE.current_user_path.unwrap_or_default();
    let started = Instant::now();
    let answer = api.runtime.block_on(api.client.current_user());
    let took = started.elapsed().as_millis();
    match answer {
        Ok(_) => Check::new(
            "reachability",
            Status::Ok,
            format!("{base_url} answered GET {path} in {took} ms"),
        ),
        // The request reached the API and was authenticated; the user lacks a role only.
        Err(nexudus::Error::Forbidden { .. }) => Check::new(
            "reachability",
            Status::Ok,
            format!("{base_url} answered GET {path} (HTTP 403) in {took} ms"),
        ),
        Err(nexudus::Error::NotFound { .. }) => Check::new(
            "reachability",
            Status::Warn,
            format!("{base_url} answered, but has no GET {path}: it answers on a space's own host"),
        ),
        Err(error) => Check::failed(
            "reachability",
            &CliError::api(error, &format!("GET {path}"), None),
        ),
    }
}

/// The server's `Date` against the local clock, through a plain request (the client keeps
/// answers' headers to itself).
fn clock(base_url: &str, timeout: u64) -> Check {
    let runtime = match crate::exec::runtime() {
        Ok(runtime) => runtime,
        Err(error) => return Check::failed("clock", &error),
    };
    let http = match nexudus::reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout))
        .build()
    {
        Ok(http) => http,
        Err(e) => return Check::failed("clock", &CliError::local(e.to_string())),
    };
    let sent = SystemTime::now();
    // Built inside the runtime: sending starts its timeout's timer.
    let answer = runtime.block_on(async { http.head(base_url).send().await });
    let received = SystemTime::now();
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            let error = CliError::api(
                nexudus::Error::Transport(error),
                &format!("HEAD {base_url}"),
                None,
            );
            return Check::failed("clock", &error);
        }
    };
    let date = answer
        .headers()
        .get(nexudus::reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let Some(server) = date else {
        return Check::new(
            "clock",
            Status::Warn,
            "the server sent no Date header to compare with",
        );
    };
    // The local time halfway through the request; the Date header has whole seconds.
    let local = sent + received.duration_since(sent).unwrap_or_default() / 2;
    let (skew, way) = match server.duration_since(local) {
        Ok(ahead) => (ahead, "behind"),
        Err(e) => (e.duration(), "ahead of"),
    };
    let seconds = skew.as_secs();
    if skew > MAX_SKEW {
        Check::new(
            "clock",
            Status::Warn,
            format!(
                "the local clock is {seconds} s {way} the server's (more than {} s)",
                MAX_SKEW.as_secs()
            ),
        )
    } else {
        Check::new(
            "clock",
            Status::Ok,
            format!(
                "within {} s of the server's ({seconds} s)",
                MAX_SKEW.as_secs()
            ),
        )
    }
}

fn report(checks: &[Check], format: Format, base_url: &str) -> Result<(), CliError> {
    let write_error = |e: io::Error| CliError::local(format!("cannot write the output: {e}"));
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.name)
        .collect();
    let summary = if failed.is_empty() {
        format!("All {} checks passed", checks.len())
    } else {
        format!(
            "{} of {} checks failed: {}",
            failed.len(),
            checks.len(),
            failed.join(", ")
        )
    };
    let mut out = io::stdout().lock();
    match format {
        Format::Table => {
            for check in checks {
                writeln!(
                    out,
                    "{:<4}  {:<12}  {}",
                    check.status.as_str(),
                    check.name,
                    check.detail
                )
                .map_err(write_error)?;
            }
            Ok(())
        }
        Format::Agent => {
            // As Nexudus's doctor: CredentialsStored and ApiStatus, with every check.
            let status = |name: &str| checks.iter().find(|c| c.name == name).map(|c| c.status);
            let data = serde_json::json!({
                "Version": env!("CARGO_PKG_VERSION"),
                "BaseUrl": base_url,
                "ConfigFile": config::profile_path().map(|p| p.display().to_string()),
                "CredentialsStored": status("credentials") == Some(Status::Ok),
                "ApiStatus": match status("reachability") {
                    Some(Status::Ok) => "OK",
                    Some(Status::Warn) => "Reachable",
                    _ => "Unreachable",
                },
                "Checks": checks.iter().map(Check::json).collect::<Vec<_>>(),
            });
            output::envelope(out, failed.is_empty(), &data, &summary, None).map_err(write_error)
        }
        _ => {
            let columns = ["Check", "Status", "Detail"].map(String::from).to_vec();
            let mut records = Records::new(out, format, columns, None);
            records.describe(summary, None);
            records
                .batch(checks.iter().map(Check::json).collect())
                .map_err(write_error)?;
            records.finish().map_err(write_error)
        }
    }
}
