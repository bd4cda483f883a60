//! Who is calling: bearer tokens (configured or issued by the token path), HTTP Basic
//! users, and the password and refresh-token grants.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::TOKEN_CAPACITY;
use super::config::{EmulatorConfig, Roles};
use nexudus::Secret;

/// The name `UpdatedBy` shows for changes made with a configured bearer token.
const TOKEN_USER: &str = "api@emulator.local";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    pub(crate) name: String,
    pub(crate) roles: Roles,
    /// What the rate limits count this caller's requests against: its token, its user, or
    /// both (a token the token path issued belongs to a user).
    pub(crate) limited_as: Vec<String>,
}

/// The key of a user's rate limits.
pub(crate) fn user_key(name: &str) -> String {
    format!("user:{name}")
}

/// The key of a token's rate limits.
fn token_key(token: &str) -> String {
    format!("token:{token}")
}

/// An access token the token path issued.
#[derive(Debug)]
struct Issued {
    username: String,
    /// `None`: never, for a lifetime too long for an `Instant`.
    expires_at: Option<Instant>,
}

/// Credentials and tokens. `Debug` shows neither passwords nor tokens.
pub(crate) struct AuthState {
    users: Vec<(String, String, Roles)>,
    tokens: HashMap<String, Roles>,
    issued: Tokens<Issued>,
    /// Refresh token → username; a refresh grant consumes its token.
    refresh: Tokens<String>,
    lifetime: Duration,
}

/// A refused grant: the HTTP status and the OAuth2 error body.
pub(crate) type Refusal = (u16, Value);

impl fmt::Debug for AuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<_> = self
            .users
            .iter()
            .map(|(name, _, roles)| (name, Secret::new(""), roles))
            .collect();
        let tokens: Vec<_> = self
            .tokens
            .values()
            .map(|roles| (Secret::new(""), roles))
            .collect();
        f.debug_struct("AuthState")
            .field("users", &users)
            .field("tokens", &tokens)
            .field("issued", &self.issued.len())
            .field("refresh", &self.refresh.len())
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

impl AuthState {
    pub(crate) fn new(config: &EmulatorConfig) -> Self {
        Self {
            users: config
                .users
                .iter()
                .map(|u| {
                    (
                        u.username.clone(),
                        u.password.expose().to_owned(),
                        u.roles.clone(),
                    )
                })
                .collect(),
            tokens: config
                .tokens
                .iter()
                .map(|t| (t.token.expose().to_owned(), t.roles.clone()))
                .collect(),
            issued: Tokens::default(),
            refresh: Tokens::default(),
            lifetime: config.token_lifetime,
        }
    }

    fn user(&self, username: &str, password: &str) -> Option<&(String, String, Roles)> {
        self.users
            .iter()
            .find(|(u, p, _)| u == username && p == password)
    }

    /// The caller of a request with this `Authorization` header, if its credentials are
    /// valid.
    pub(crate) fn authenticate(&self, authorization: Option<&str>) -> Option<Principal> {
        let (scheme, credentials) = authorization?.trim().split_once(' ')?;
        let credentials = credentials.trim();
        if scheme.eq_ignore_ascii_case("bearer") {
            if let Some(roles) = self.tokens.get(credentials) {
                return Some(Principal {
                    name: TOKEN_USER.to_owned(),
                    roles: roles.clone(),
                    limited_as: vec![token_key(credentials)],
                });
            }
            let issued = self.issued.get(credentials)?;
            if issued.expires_at.is_some_and(|at| at <= Instant::now()) {
                return None;
            }
            let (name, _, roles) = self.users.iter().find(|(u, _, _)| *u == issued.username)?;
            return Some(Principal {
                name: name.clone(),
                roles: roles.clone(),
                limited_as: vec![token_key(credentials), user_key(name)],
            });
        }
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = String::from_utf8(base64_decode(credentials)?).ok()?;
            let (username, password) = decoded.split_once(':')?;
            let (name, _, roles) = self.user(username, password)?;
            return Some(Principal {
                name: name.clone(),
                roles: roles.clone(),
                limited_as: vec![user_key(name)],
            });
        }
        None
    }

    /// Answers a form-encoded grant of the token path.
    pub(crate) fn grant(&mut self, form: &[(String, String)]) -> Result<Value, Refusal> {
        let field = |name: &str| {
            form.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        // Before a refresh token is consumed, so a failure here loses nothing.
        let (Ok(access), Ok(refresh)) = (random_token(), random_token()) else {
            return Err((
                500,
                json!({"error": "server_error", "error_description": "No random bytes for a token."}),
            ));
        };
        let username = match field("grant_type") {
            Some("password") => {
                let (username, password) = (
                    field("username").unwrap_or_default(),
                    field("password").unwrap_or_default(),
                );
                match self.user(username, password) {
                    Some((name, _, _)) => name.clone(),
                    None => {
                        return Err(refusal(
                            "invalid_grant",
                            "The user name or password is incorrect.",
                        ));
                    }
                }
            }
            Some("refresh_token") => {
                let token = field("refresh_token").unwrap_or_default();
                match self.refresh.remove(token) {
                    Some(username) => username,
                    None => {
                        return Err(refusal(
                            "invalid_grant",
                            "The refresh token is invalid or was already used.",
                        ));
                    }
                }
            }
            _ => {
                return Err(refusal(
                    "unsupported_grant_type",
                    "grant_type must be `password` or `refresh_token`.",
                ));
            }
        };
        let now = Instant::now();
        // Tokens all last as long, so the oldest expire first.
        self.issued
            .forget_oldest_while(|issued| issued.expires_at.is_some_and(|at| at <= now));
        let expires_at = now.checked_add(self.lifetime);
        self.issued.insert(
            access.clone(),
            Issued {
                username: username.clone(),
                expires_at,
            },
        );
        self.refresh.insert(refresh.clone(), username);
        Ok(json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.lifetime.as_secs(),
            "refresh_token": refresh,
        }))
    }

    /// How many access and refresh tokens are kept.
    #[cfg(test)]
    pub(crate) fn token_counts(&self) -> (usize, usize) {
        (self.issued.len(), self.refresh.len())
    }

    /// Invalidates every issued access token (not the configured ones), so that clients
    /// must log in or refresh again.
    pub(crate) fn revoke_issued(&mut self) {
        self.issued.clear();
    }
}

/// Tokens in the order they were issued, at most [`TOKEN_CAPACITY`]: issuing one more
/// forgets the oldest.
struct Tokens<V> {
    values: HashMap<String, V>,
    /// Issue order; it may still hold tokens already removed from `values`.
    order: VecDeque<String>,
}

impl<V> Default for Tokens<V> {
    fn default() -> Self {
        Self {
            values: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<V> Tokens<V> {
    fn insert(&mut self, token: String, value: V) {
        self.values.insert(token.clone(), value);
        self.order.push_back(token);
        while self.order.len() > TOKEN_CAPACITY {
            if let Some(oldest) = self.order.pop_front() {
                self.values.remove(&oldest);
            }
        }
    }

    fn get(&self, token: &str) -> Option<&V> {
        self.values.get(token)
    }

    fn remove(&mut self, token: &str) -> Option<V> {
        self.values.remove(token)
    }

    /// Forgets the oldest tokens as long as `expired` holds for them.
    fn forget_oldest_while(&mut self, expired: impl Fn(&V) -> bool) {
        while let Some(oldest) = self.order.front() {
            if self.values.get(oldest).is_some_and(|value| !expired(value)) {
                break;
            }
            if let Some(oldest) = self.order.pop_front() {
                self.values.remove(&oldest);
            }
        }
    }

    fn clear(&mut self) {
        self.values.clear();
        self.order.clear();
    }

    fn len(&self) -> usize {
        self.values.len()
    }
}

fn refusal(error: &str, description: &str) -> Refusal {
    (
        400,
        json!({"error": error, "error_description": description}),
    )
}

/// 32 random hex digits from the operating system's generator: tokens must not be
/// predictable.
fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{:032x}", u128::from_be_bytes(bytes)))
}

/// Decodes standard base64 (with or without padding); `None` if it is not base64.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // Only the low 8 bits are wanted.
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(
            base64_decode("YWRtaW46cw==").as_deref(),
            Some(&b"admin:s"[..])
        );
        assert_eq!(
            base64_decode("YWRtaW46cw").as_deref(),
            Some(&b"admin:s"[..])
        );
        assert_eq!(base64_decode("not base64!"), None);
    }

    #[test]
    fn refresh_tokens_work_once() {
        let config = EmulatorConfig::new().admin("a@b.c", "pw");
        let mut auth = AuthState::new(&config);
        let form = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect()
        };
        let token = auth
            .grant(&form(&[
                ("grant_type", "password"),
                ("username", "a@b.c"),
                ("password", "pw"),
            ]))
            .expect("a token");
        let refresh = token["refresh_token"]
            .as_str()
            .expect("a refresh token")
            .to_owned();
        let access = token["access_token"].as_str().expect("an access token");
        assert!(
            auth.authenticate(Some(&format!("Bearer {access}")))
                .is_some()
        );
        let refresh_form = form(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]);
        assert!(auth.grant(&refresh_form).is_ok());
        assert_eq!(
            auth.grant(&refresh_form).expect_err("used").1["error"],
            "invalid_grant"
        );
    }

    #[test]
    fn tokens_do_not_depend_on_a_seedable_generator() {
        // fastrand's state can be seeded (and so predicted); the OS's cannot.
        fastrand::seed(7);
        let first = random_token().expect("random bytes");
        fastrand::seed(7);
        let second = random_token().expect("random bytes");
        assert_ne!(first, second);
        assert_eq!(first.len(), 32);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()), "{first}");
    }

    #[test]
    fn expired_access_tokens_are_forgotten() {
        let config = EmulatorConfig::new()
            .admin("a@b.c", "pw")
            .token_lifetime(Duration::ZERO);
        let mut auth = AuthState::new(&config);
        let password: Vec<(String, String)> = [
            ("grant_type", "password"),
            ("username", "a@b.c"),
            ("password", "pw"),
        ]
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
        for _ in 0..3 {
            auth.grant(&password).expect("a token");
        }
        // Each grant forgets the tokens expired before it: only the newest is left.
        assert_eq!(auth.token_counts(), (1, 3));
    }
}
