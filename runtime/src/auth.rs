//! Credentials and the cached token of the password grant.

use std::fmt;
use std::time::{Duration, Instant};

/// A secret string (password, token, TOTP code). Its `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself; handle with care.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// How the client authenticates. `Debug` never shows a secret.
///
/// ```
/// # use nexudus::Auth;
/// let auth = Auth::password("admin@example.com", "s3cret").totp("123456");
/// assert!(!format!("{auth:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Auth {
    /// No credentials (only useful against a proxy that adds them).
    #[default]
    None,
    /// A bearer token obtained elsewhere, sent as `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// HTTP Basic authentication with the user's email and password.
    Basic {
        /// The user's email.
        username: String,
        /// The user's password.
        password: Secret,
    },
    /// The OAuth2 password grant at the spec's token path ([`ServiceSchema::token_path`](crate::ServiceSchema::token_path)): the client
    /// gets a token, caches it, refreshes it before it expires and gets a new one when the
    /// API answers 401.
    Password {
        /// The user's email.
        username: String,
        /// The user's password.
        password: Secret,
        /// The current two-factor code, if the user has two-factor authentication. It is
        /// sent with the first password grant only (and that grant's retries when it is
        /// throttled or the endpoint unavailable), since codes expire within seconds; see
        /// [`Auth::totp`].
        totp: Option<Secret>,
        /// The OAuth2 client id, if one was issued.
        client_id: Option<String>,
    },
}

impl Auth {
    /// Bearer authentication with `token`.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Auth::Bearer(token.into())
    }

    /// HTTP Basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Auth::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The password grant; add [`totp`](Self::totp) and [`client_id`](Self::client_id) as
    /// needed.
    pub fn password(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Auth::Password {
            username: username.into(),
            password: password.into(),
            totp: None,
            client_id: None,
        }
    }

    /// Sets the two-factor code of a [`Auth::Password`]; does nothing to other variants.
    ///
    /// The code goes with the client's first password grant only. After that the client
    /// keeps its session with the refresh grant; when it must log in again (the refresh
    /// token is refused, or a token is refused with 401) it sends no code, and an API that
    /// wants one refuses with [`Error::TokenGrant`](crate::Error::TokenGrant): build a new
    /// client with a fresh code.
    pub fn totp(mut self, code: impl Into<Secret>) -> Self {
        if let Auth::Password { totp, .. } = &mut self {
            *totp = Some(code.into());
        }
        self
    }

    /// Sets the OAuth2 client id of a [`Auth::Password`]; does nothing to other variants.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        if let Auth::Password { client_id, .. } = &mut self {
            *client_id = Some(id.into());
        }
        self
    }
}

/// The answer of the token endpoint.
#[derive(serde::Deserialize)]
pub(crate) struct TokenResponse {
    pub(crate) access_token: String,
    #[serde(default)]
    pub(crate) expires_in: Option<u64>,
    #[serde(default)]
    pub(crate) refresh_token: Option<String>,
}

/// The refusal of the token endpoint (HTTP 400).
#[derive(serde::Deserialize)]
pub(crate) struct TokenErrorResponse {
    pub(crate) error: String,
    #[serde(default)]
    pub(crate) error_description: Option<String>,
}

/// A token from the password or refresh grant.
#[derive(Debug, Clone)]
pub(crate) struct CachedToken {
    pub(crate) access: Secret,
    pub(crate) refresh: Option<Secret>,
    /// When it expires and how long it lasted; `None` if the API did not say, in which
    /// case only a 401 replaces it.
    pub(crate) expiry: Option<(Instant, Duration)>,
    /// After a failed renewal of a still valid token, no new one before this: a throttled
    /// or failing token endpoint is not asked again on every request.
    pub(crate) next_refresh: Option<Instant>,
}

/// Renew a token when less than this is left...
const MIN_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// ...or less than this share of its lifetime, whichever is longer.
const REFRESH_SHARE: u32 = 10;
/// How long a failed renewal waits when the token endpoint did not say (`Retry-After`).
const REFRESH_RETRY_DELAY: Duration = Duration::from_secs(30);

impl CachedToken {
    pub(crate) fn from_response(response: TokenResponse, now: Instant) -> Self {
        let expiry = response.expires_in.map(|secs| {
            // Absurd lifetimes must not overflow `Instant`.
            let lifetime = Duration::from_secs(secs.min(10 * 365 * 24 * 3600));
            (now + lifetime, lifetime)
        });
        Self {
            access: Secret(response.access_token),
            refresh: response.refresh_token.map(Secret),
            expiry,
            next_refresh: None,
        }
    }

    /// Whether the API still takes it, as far as its expiry says.
    pub(crate) fn is_valid(&self, now: Instant) -> bool {
        self.expiry.is_none_or(|(expires_at, _)| expires_at > now)
    }

    /// After a failed renewal: try again after `wait` (the endpoint's `Retry-After`) or
    /// [`REFRESH_RETRY_DELAY`]; an expired token is renewed whatever this says.
    pub(crate) fn postpone_refresh(&mut self, now: Instant, wait: Option<Duration>) {
        // An unreadable `Retry-After` is `Duration::MAX`: wait the default instead.
        let wait = wait.unwrap_or(REFRESH_RETRY_DELAY);
        self.next_refresh = now
            .checked_add(wait)
            .or_else(|| now.checked_add(REFRESH_RETRY_DELAY));
    }

    /// Whether the token should be renewed before use.
    pub(crate) fn needs_refresh(&self, now: Instant) -> bool {
        match self.expiry {
            None => false,
            Some((expires_at, _)) if expires_at <= now => true,
            Some(_) if self.next_refresh.is_some_and(|at| now < at) => false,
            Some((expires_at, lifetime)) => {
                let margin = MIN_REFRESH_MARGIN.max(lifetime / REFRESH_SHARE);
                expires_at.saturating_duration_since(now) < margin
            }
        }
    }
}
