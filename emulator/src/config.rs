//! [`EmulatorConfig`]: credentials, roles, throttling, seed data and commands.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use nexudus::{CommandInfo, Secret};

/// What a user or token may do: everything (a "full unrestricted administrator", as the API
/// documents call it), or only the endpoints whose role is in the set.
///
/// Roles are spelled as the spec names them, e.g. `CoworkerDiscountCode-List`; every
/// endpoint's role is also a constant (`coworker_discount_codes::LIST.role`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roles {
    /// A full unrestricted administrator: every endpoint is allowed.
    Administrator,
    /// Only the endpoints whose role is in the set.
    Only(BTreeSet<String>),
}

impl Roles {
    /// A full unrestricted administrator.
    pub fn administrator() -> Self {
        Roles::Administrator
    }

    /// Exactly these roles.
    pub fn of<I, S>(roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Roles::Only(roles.into_iter().map(Into::into).collect())
    }

    /// No role at all: every endpoint answers 403.
    pub fn none() -> Self {
        Roles::Only(BTreeSet::new())
    }

    /// Whether an endpoint needing `role` is allowed. Roles compare ignoring ASCII case, as
    /// the API compares them (`coworkerdiscountcode-list` allows `CoworkerDiscountCode-List`).
    pub fn allows(&self, role: &str) -> bool {
        match self {
            Roles::Administrator => true,
            Roles::Only(roles) => roles.iter().any(|r| r.eq_ignore_ascii_case(role)),
        }
    }
}

/// Request limits of the emulator's throttling, off unless
/// [`EmulatorConfig::throttle`] sets them.
///
/// Each limit is "at most `n` requests in any `window`" (a sliding window). A request over a
/// limit is answered `409 Conflict` with the API's throttle message and a `Retry-After`
/// header, and does not count against the limits.
///
/// ```
/// # use nexudus_emulator::ThrottleLimits;
/// # use std::time::Duration;
/// let limits = ThrottleLimits::new()
///     .requests(2, Duration::from_secs(1))
///     .writes(1, Duration::from_secs(60))
///     .retry_after(Duration::ZERO);
/// # let _ = limits;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThrottleLimits {
    /// As the spec and the client's pacing write them.
    pub(crate) limits: Vec<nexudus::RateLimit>,
    pub(crate) retry_after: Option<Duration>,
}

impl ThrottleLimits {
    /// No limits yet; add them with [`requests`](Self::requests) and
    /// [`writes`](Self::writes).
    pub fn new() -> Self {
        Self::default()
    }

    /// The limits the spec documents (`spec/service.yaml`, [`nexudus::SERVICE`]'s
    /// `rate_limits`): all requests 1 per 100 ms, 120 a minute and 5,000 an hour; writes
    /// (POST, PUT, DELETE) 60 a minute.
    pub fn documented() -> Self {
        Self {
            limits: nexudus::SERVICE.rate_limits.to_vec(),
            ..Self::new()
        }
    }

    /// At most `limit` requests of any kind in any `window`.
    pub fn requests(self, limit: u32, window: Duration) -> Self {
        self.limit(limit, window, false)
    }

    /// At most `limit` writes (POST, PUT, DELETE; the token endpoint included) in any
    /// `window`.
    pub fn writes(self, limit: u32, window: Duration) -> Self {
        self.limit(limit, window, true)
    }

    /// The limits on every request (`writes_only` false) or on writes alone (true).
    pub(crate) fn of(&self, writes_only: bool) -> impl Iterator<Item = &nexudus::RateLimit> {
        self.limits
            .iter()
            .filter(move |l| l.writes_only == writes_only)
    }

    fn limit(mut self, count: u32, window: Duration, writes_only: bool) -> Self {
        self.limits.push(nexudus::RateLimit {
            count,
            window,
            writes_only,
        });
        self
    }

    /// The `Retry-After` to send, in whole seconds (rounded up). Unless set, it is the time
    /// until the limit frees a slot, rounded up to whole seconds.
    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }
}

/// A user who can log in with HTTP Basic and with the password grant of the token path.
#[derive(Debug, Clone)]
pub(crate) struct UserConfig {
    pub(crate) username: String,
    pub(crate) password: Secret,
    pub(crate) roles: Roles,
}

/// A bearer token valid from the start.
#[derive(Debug, Clone)]
pub(crate) struct TokenConfig {
    pub(crate) token: Secret,
    pub(crate) roles: Roles,
}

/// Where seed records come from.
#[derive(Debug, Clone)]
pub(crate) enum Seed {
    File(PathBuf),
    Json(Value),
}

/// How an [`Emulator`](super::Emulator) starts: credentials with their roles, token
/// lifetime, throttling, seed data, commands, the first id and the port.
///
/// The default has no credentials (every request answers 401), no throttling, no records
/// and no commands, ids from 1, and an ephemeral port.
///
/// ```
/// use nexudus_emulator::{EmulatorConfig, Roles};
/// let config = EmulatorConfig::new()
///     .admin("admin@example.com", "secret")
///     .bearer_token("read-only", Roles::of(["CoworkerDiscountCode-List"]))
///     .seed_json(serde_json::json!({
///         "CoworkerDiscountCode": [{"CoworkerId": 1, "BusinessId": 2, "DiscountCodeId": 3}]
///     }));
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub(crate) port: u16,
    pub(crate) first_id: i64,
    pub(crate) users: Vec<UserConfig>,
    pub(crate) tokens: Vec<TokenConfig>,
    pub(crate) token_lifetime: Duration,
    pub(crate) throttle: Option<ThrottleLimits>,
    pub(crate) seeds: Vec<Seed>,
    pub(crate) commands: Vec<(String, CommandInfo)>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            port: 0,
            first_id: 1,
            users: Vec::new(),
            tokens: Vec::new(),
            // NOTES.md: tokens last about 7 days.
            token_lifetime: Duration::from_secs(7 * 24 * 3600),
            throttle: None,
            seeds: Vec::new(),
            commands: Vec::new(),
        }
    }
}

impl EmulatorConfig {
    /// The defaults: see [`EmulatorConfig`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The port to listen on, on 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The id of the first record created or seeded without an id (default 1). Ids then
    /// grow by one, per entity.
    pub fn first_id(mut self, id: i64) -> Self {
        self.first_id = id;
        self
    }

    /// A user who authenticates with HTTP Basic or the password grant, with `roles`.
    pub fn user(
        mut self,
        username: impl Into<String>,
        password: impl Into<Secret>,
        roles: Roles,
    ) -> Self {
        self.users.push(UserConfig {
            username: username.into(),
            password: password.into(),
            roles,
        });
        self
    }

    /// A full unrestricted administrator who authenticates with HTTP Basic or the password
    /// grant.
    pub fn admin(self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.user(username, password, Roles::Administrator)
    }

    /// A bearer token valid from the start and never expiring, with `roles`.
    pub fn bearer_token(mut self, token: impl Into<Secret>, roles: Roles) -> Self {
        self.tokens.push(TokenConfig {
            token: token.into(),
            roles,
        });
        self
    }

    /// A bearer token of a full unrestricted administrator.
    pub fn admin_token(self, token: impl Into<Secret>) -> Self {
        self.bearer_token(token, Roles::Administrator)
    }

    /// How long the access tokens of the token path last (`expires_in`; default 7 days).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Turns throttling on with `limits` (it is off by default): each request counts
    /// against its token and its user, and one over a limit of either is answered 409.
    pub fn throttle(mut self, limits: ThrottleLimits) -> Self {
        self.throttle = Some(limits);
        self
    }

    /// Loads records at start from a JSON file shaped like
    /// `{"CoworkerDiscountCode": [{..record..}, ...], ...}` (see [`seed_json`](Self::seed_json)).
    pub fn seed_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.seeds.push(Seed::File(path.into()));
        self
    }

    /// Loads records at start: an object from entity names to arrays of records.
    ///
    /// Records are stored as given, like [`Emulator::insert`](super::Emulator::insert):
    /// an `Id` is kept (or assigned), `UniqueId`, `CreatedOn`, `UpdatedOn`, `UpdatedBy` and
    /// `IsNew` are filled in when absent, read-only and joined display fields
    /// (`CoworkerFullName`) are kept as seeded.
    pub fn seed_json(mut self, seed: Value) -> Self {
        self.seeds.push(Seed::Json(seed));
        self
    }

    /// A command that `GET .../commands` of `entity` lists and `POST .../runcommand` runs.
    ///
    /// Commands change nothing: running a listed command on existing records succeeds.
    /// There are none by default, since the spec names no command keys.
    pub fn command(
        mut self,
        entity: impl Into<String>,
        key: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        let order = i64::try_from(self.commands.len()).unwrap_or(i64::MAX);
        self.commands.push((
            entity.into(),
            CommandInfo {
                key: key.into(),
                name: Some(name.into()),
                applies_only_to_multiple_entities: false,
                applies_only_to_one_entity: false,
                applies_only_to_two_entities: false,
                display_in_dropdown: true,
                display_in_dropdown_v2: true,
                display_in_grid: true,
                needs_entities_to_run: true,
                order: Some(order),
                requires_parameters: Vec::new(),
            },
        ));
        self
    }
}
