//! The one error type of the client.

use std::time::Duration;

use crate::endpoint::Method;
use crate::envelope::ValidationError;

/// A `Result` whose error defaults to [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong calling the API.
///
/// Messages never contain credentials or tokens. Bodies quoted in errors are cut to a
/// few hundred characters.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API rejected the request's data: HTTP 400, or a 500 whose body is an envelope
    /// with `Errors` (the older API answered validation failures that way).
    #[error("validation failed (HTTP {status}): {message}{}", list_errors(errors))]
    Validation {
        /// The HTTP status, 400 or 500.
        status: u16,
        /// The API's summary message.
        message: String,
        /// Each failed validation.
        errors: Vec<ValidationError>,
    },
    /// HTTP 401: the credentials or the token were not accepted.
    #[error("unauthorized: {message}")]
    Unauthorized {
        /// The API's message, or a default.
        message: String,
    },
    /// HTTP 403: the user lacks the endpoint's role.
    #[error("forbidden: the user needs the `{role}` role or full administrator rights ({message})")]
    Forbidden {
        /// The role the endpoint requires.
        role: &'static str,
        /// The API's message, or a default.
        message: String,
    },
    /// HTTP 404: no such record (or endpoint).
    #[error("not found: {method} {path}")]
    NotFound {
        /// The request's method.
        method: Method,
        /// The request's path, with the id but without the query.
        path: String,
    },
    /// HTTP 409 that is not throttling: the request conflicts with the record's state.
    #[error("conflict: {message}")]
    Conflict {
        /// The API's message, or the start of the body.
        message: String,
    },
    /// The API throttled the request (HTTP 429, or 409 with the throttle message) and the
    /// [`RetryPolicy`](crate::RetryPolicy) gave up.
    #[error("throttled by the API{}", match retry_after {
        Some(wait) if *wait == Duration::MAX => ", with a Retry-After that is unreadable or too long".to_owned(),
        Some(wait) => format!(", retry after {} s", wait.as_secs_f64()),
        None => String::new(),
    })]
    Throttled {
        /// How long the API asked to wait (`Retry-After`), if it said; [`Duration::MAX`]
        /// when its value could not be read or does not fit a `Duration`.
        retry_after: Option<Duration>,
    },
    /// A 5xx or any other status the client does not expect.
    #[error("unexpected answer HTTP {status}: {body}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
        /// How long the API asked to wait (`Retry-After`, as for [`Error::Throttled`]), if
        /// it said; 502-504 are retried after it.
        retry_after: Option<Duration>,
    },
    /// The API answered 2xx but `WasSuccessful` is false (`runcommand` does this).
    ///
    /// The HTTP status decides the variant: a failed action inside a 2xx answer is always
    /// `Action`, with its validation errors, if any, in `errors`.
    #[error("the action failed: {message}{}", list_errors(errors))]
    Action {
        /// The API's message.
        message: String,
        /// The validation errors the answer carried, if any.
        errors: Vec<ValidationError>,
    },
    /// The request did not complete: connection failure, timeout, broken body. Its URL
    /// has the query's names but not their values (filters may hold personal data).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The answer is not what the client expected.
    #[error("could not decode the answer at `{path}`: {message}; body starts with: {snippet}")]
    Decode {
        /// The JSON path of the failure, e.g. `Records[0].Id`.
        path: String,
        /// What is wrong.
        message: String,
        /// The first characters of the body.
        snippet: String,
    },
    /// The token endpoint refused the grant, e.g. `invalid_grant` for a bad login.
    #[error("token grant refused: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenGrant {
        /// The OAuth2 error code.
        error: String,
        /// The API's description of it.
        description: Option<String>,
    },
    /// The client or the request cannot be used as given, found before anything is sent: an
    /// invalid base URL, more ids than one call takes, a body that cannot be serialized, a
    /// [`Call`](crate::Call) polled again after it answered.
    #[error("invalid configuration or request: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status of the answer behind this error, where there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Validation { status, .. } | Error::Server { status, .. } => Some(*status),
            Error::Unauthorized { .. } => Some(401),
            Error::Forbidden { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::Conflict { .. } => Some(409),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// How long the API asked to wait before another try (`Retry-After`), on
    /// [`Error::Throttled`] and [`Error::Server`].
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Throttled { retry_after } | Error::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The validation errors carried by [`Error::Validation`] or [`Error::Action`].
    pub fn validation_errors(&self) -> &[ValidationError] {
        match self {
            Error::Validation { errors, .. } | Error::Action { errors, .. } => errors,
            _ => &[],
        }
    }
}

fn list_errors(errors: &[ValidationError]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
    format!(" [{}]", list.join("; "))
}

/// The most characters of a body quoted in an error.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// The first [`SNIPPET_CHARS`] characters of `body`, invalid UTF-8 replaced.
pub(crate) fn snippet(body: &[u8]) -> String {
    // Only look at a prefix: a character is at most 4 bytes.
    let head = &body[..body.len().min(SNIPPET_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if out.len() < text.len() || head.len() < body.len() {
        out.push('…');
    }
    out
}
