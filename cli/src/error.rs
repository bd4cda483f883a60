//! One error type, one line of text and one exit code per kind of failure.

use std::fmt;
use std::process::ExitCode;

/// What went wrong, which decides the exit code (documented in docs/cli.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A local failure: an output or input file could not be written or read.
    Local,
    /// Bad usage or input, refused before any request: unknown entity, field or flag, a
    /// value of the wrong type, missing credentials.
    Usage,
    /// The API refused: validation, 401, 403, a failed action, another 4xx.
    Refused,
    /// The record (or its file) does not exist.
    NotFound,
    /// The network or the API failed: connection, timeout, 5xx, throttling, a broken
    /// answer, after the retries.
    Network,
    /// Standard output was closed by its reader (`| head`): a normal end.
    Closed,
}

impl Kind {
    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Local => 1,
            Kind::Usage => 2,
            Kind::Refused => 3,
            Kind::NotFound => 4,
            Kind::Network => 5,
            Kind::Closed => 0,
        }
    }
}

/// A failure of the command, with the one line that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub kind: Kind,
    message: String,
}

impl CliError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    /// An error already reported (clap printed the help), or not worth reporting.
    pub fn silent(kind: Kind) -> Self {
        Self::new(kind, "")
    }

    /// Whether there is a message to print.
    pub fn is_silent(&self) -> bool {
        self.message.is_empty()
    }

    pub fn local(message: impl Into<String>) -> Self {
        Self::new(Kind::Local, message)
    }

    /// The same error, its message led by `context` (`line 7`); a silent one stays silent.
    pub fn context(self, context: impl fmt::Display) -> Self {
        if self.is_silent() {
            return self;
        }
        Self::new(self.kind, format!("{context}: {}", self.message))
    }

    /// The same error, `hint` after its message; a silent one stays silent.
    pub fn hint(self, hint: impl fmt::Display) -> Self {
        if self.is_silent() {
            return self;
        }
        Self::new(self.kind, format!("{}; {hint}", self.message))
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind.exit_code())
    }

    /// An API error, worded for what was being done: `what` names the action
    /// (`create CoworkerDiscountCode`), `record` the record it was about, if one.
    pub fn api(error: nexudus::Error, what: &str, record: Option<&str>) -> Self {
        use nexudus::Error as E;
        let listed = |message: &str, errors: &[nexudus::ValidationError]| {
            if errors.is_empty() {
                message.to_owned()
            } else {
                let each: Vec<String> = errors.iter().map(ToString::to_string).collect();
                each.join("; ")
            }
        };
        let (kind, message) = match error {
            E::Validation {
                message, errors, ..
            } => (
                Kind::Refused,
                format!("the API refused to {what}: {}", listed(&message, &errors)),
            ),
            E::Action { message, errors } => (
                Kind::Refused,
                format!("{what} failed: {}", listed(&message, &errors)),
            ),
            E::Unauthorized { message } => (
                Kind::Refused,
                format!("the API did not accept the credentials (HTTP 401): {message}"),
            ),
            E::Forbidden { role, .. } => (
                Kind::Refused,
                format!(
                    "forbidden: to {what} the user needs the role `{role}` (or full \
                     administrator rights)"
                ),
            ),
            E::NotFound { method, path } => (
                Kind::NotFound,
                match record {
                    Some(record) => format!("{record} not found"),
                    None => format!("not found: {method} {path}"),
                },
            ),
            E::Conflict { message } => (
                Kind::Refused,
                format!("the API refused to {what} (conflict): {message}"),
            ),
            E::Throttled { .. } => (
                Kind::Network,
                format!("{what}: the API kept throttling the requests; try again later"),
            ),
            E::Server { status, body, .. } if status >= 500 => (
                Kind::Network,
                format!("the API failed to {what} (HTTP {status}): {body}"),
            ),
            E::Server { status, body, .. } => (
                Kind::Refused,
                format!("the API refused to {what} (HTTP {status}): {body}"),
            ),
            E::Transport(error) => {
                // reqwest's own text is "error sending request"; the cause is the news.
                let failure = if error.is_timeout() {
                    "timed out"
                } else if error.is_connect() {
                    "cannot connect"
                } else {
                    "network error"
                };
                let url = error
                    .url()
                    .map(|url| format!(" to {}", url.origin().ascii_serialization()))
                    .unwrap_or_default();
                let message = match deepest_cause(&error) {
                    Some(cause) => format!("{what}: {failure}{url}: {cause}"),
                    None => format!("{what}: {failure}{url}"),
                };
                (Kind::Network, message)
            }
            E::Decode { path, message, .. } => (
                Kind::Network,
                format!("{what}: the API's answer could not be read at `{path}`: {message}"),
            ),
            E::TokenGrant { error, description } => (
                Kind::Refused,
                match description {
                    Some(description) => format!("login refused: {error} ({description})"),
                    None => format!("login refused: {error}"),
                },
            ),
            E::Config(message) => (Kind::Usage, message),
            other => (Kind::Refused, format!("{what}: {other}")),
        };
        Self::new(kind, message)
    }
}

/// The innermost source of an error, as text.
fn deepest_cause(error: &dyn std::error::Error) -> Option<String> {
    let mut cause = None;
    let mut source = error.source();
    while let Some(next) = source {
        cause = Some(next.to_string());
        source = next.source();
    }
    cause
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, whatever the API put in its messages.
        let mut first = true;
        for line in self
            .message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            for c in line.chars() {
                if c.is_control() {
                    f.write_str(" ")?;
                } else {
                    write!(f, "{c}")?;
                }
            }
        }
        Ok(())
    }
}
