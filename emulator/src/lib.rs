//! A stateful, in-memory emulator of the Nexudus API for tests and offline use.
//!
//! It serves every entity and endpoint of [`nexudus::ENTITIES`] over real HTTP on
//! 127.0.0.1, driven only by that data and `nexudus::SERVICE`: adding an
//! entity to the spec makes it served. Records live in memory, per entity, as JSON
//! objects.
//!
//! ```no_run
//! use nexudus::prelude::*;
//! use nexudus_emulator::{Emulator, EmulatorConfig};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start(EmulatorConfig::new().admin_token("token")).await?;
//! let client = emulator.client_builder().auth(Auth::bearer("token")).build()?;
//! let page = client.coworker_discount_codes().list(&Default::default()).await?;
//! assert_eq!(page.total_items, 0);
//! # Ok(()) }
//! ```
//!
//! # What it does
//!
//! - **List** answers the page envelope (`Records`, `CurrentPage`, `CurrentPageSize`,
//!   `CurrentOrderField`, `CurrentSortDirection`, `FirstItem`, `LastItem`, `TotalItems`,
//!   `TotalPages`, `HasNextPage`, `HasPreviousPage`) with every filter and range filter of
//!   the entity, `orderBy`/`dir`, and `page`/`size` (with the spec's defaults;
//!   sizes above the largest clamped to it). List records leave out the
//!   fields with `in_list: false` and carry the joined display fields. The same path with
//!   the find-by-ids parameter (`?CoworkerDiscountCode_Id=[1,2]`) answers those records as
//!   a page. The ids must be written as the documents write them, `[1,2]` (`[]` is no
//!   ids); ids beyond `i64` match no record.
//! - **Get one** answers the full record, 404 when there is none.
//! - **Create** checks the body: a 400 envelope lists every missing required field and
//!   every value of the wrong type, each with `PropertyName`, `Message` and
//!   `AttemptedValue`. Read-only fields of the body are ignored; the server sets `Id`,
//!   `UniqueId`, `CreatedOn`, `UpdatedOn`, `UpdatedBy` (the caller's user name) and
//!   `IsNew`.
//! - **Update** (PUT, the `Id` in the body) clears every writable field the body leaves
//!   out, as 003 documents: null, `false` for booleans, `[]` for id lists; read-only
//!   fields keep their values. 404 when the record does not exist.
//! - **Delete** removes the record and its files; 404 when there is none.
//! - **Commands** lists the commands of [`EmulatorConfig::command`]; **run command**
//!   answers 200 with `WasSuccessful: false` for an unknown key or an unknown record id,
//!   and succeeds (changing nothing) otherwise.
//! - **Auth**: bearer tokens and HTTP Basic users with [`Roles`]; 401 without valid
//!   credentials, 403 when the endpoint's role is missing (a full administrator has every
//!   role; roles compare ignoring case, as the API's do). The token path answers the
//!   password and refresh-token grants; a refresh consumes its refresh token; a bad login
//!   is 400 `invalid_grant`. At most [`TOKEN_CAPACITY`] access and refresh tokens are
//!   kept, and the request log keeps the last [`REQUEST_LOG_CAPACITY`] requests, so memory
//!   stays flat however long it runs.
//! - **Throttling** (off by default, [`EmulatorConfig::throttle`];
//!   [`ThrottleLimits::documented`] are the spec's limits) counts each request against its
//!   token and its user (a grant against the user it names) over sliding windows, and
//!   answers one over a limit 409 with the throttle message and `Retry-After`.
//!   [`Emulator::client_builder`] paces clients to the limits in force.
//! - **Faults** ([`Emulator::inject`]): a status, a malformed or truncated body, a delay,
//!   an unknown extra field in records, a dropped connection.
//!
//! # Guesses where the documents are silent
//!
//! - String filters match case-insensitively by "contains"; GUIDs, numbers and booleans
//!   (`true`/`false`/`1`/`0`) exactly; date-time filters (`YYYY-MM-DDTHH:mm`) compare the
//!   stored value truncated to the minute, as naive wall-clock times (a `Z` is ignored).
//!   Range filters are inclusive at both ends, to the minute for date-times. A record
//!   without the field matches no filter on it. An id-list field filter matches records
//!   whose list contains the value. A filter value that does not parse is a 400 envelope
//!   naming the parameter.
//! - Query parameter names ignore case, as ASP.NET binds them (003 writes `orderby` and
//!   `From_..`). An empty filter value (`?X=`) is a 400 like any other that does not parse,
//!   as the OpenAPI document's patterns say.
//! - `orderBy` must be one of the entity's sort fields (compared ignoring case); any other
//!   is ignored and the list is ordered by `Id`, which `CurrentOrderField` then reports.
//!   `dir` is `1` or `-1` (002), or `ascending` / `descending` (003, any case); any other
//!   value is a 400 envelope. Nulls sort first when ascending, strings ignore case, and
//!   ties are in `Id` order.
//! - `page` and `size` must be whole numbers from 1, else a 400 envelope naming them;
//!   "at most 1000" (NOTES.md) is read as a cap, so a larger `size` answers pages of
//!   the largest size. A `page` beyond the last, however large, gives an empty page with
//!   `FirstItem` and `LastItem` 0. Find by ids pages like any list, with the documented
//!   default size of 25.
//! - A list parameter (paging, sorting, a filter) given more than once is a 400 envelope
//!   naming it, since which value the API would use is not documented.
//! - Whole numbers written with a fraction or an exponent (`7.0`, `2e0`) are integers in
//!   request bodies: JSON does not tell `7.0` from `7`, and JSON Schema's `integer` (so the
//!   OpenAPI document) admits both. They are stored as integers. Whether the real API
//!   accepts them is not documented (Newtonsoft's integer reader, which ASP.NET uses,
//!   probably refuses `7.0`).
//! - Joined display fields (`CoworkerFullName`) are what the record was seeded with; a
//!   string joined field that was not seeded and is named after an id field of the record
//!   reads `"<Prefix> <id>"` (`CoworkerFullName` of `CoworkerId` 12 is `"Coworker 12"`);
//!   other joined fields are null. They are never returned by get one, and a PUT keeps
//!   them.
//! - Unknown properties of a create or update body are stored and returned by get one and
//!   list, as the real API keeps data the client does not know; a PUT replaces them with
//!   the body's, like every writable field.
//! - Money values are stored as the JSON number received (an `f64` in `serde_json`, so
//!   values with more than ~15 significant digits lose precision).
//! - Validation messages: `is a required field` (document 000) and `is not <kind>`; the
//!   envelope's `Message` joins `PropertyName: message` lines.
//! - 401 and 403 answer `{"Message": ..}` with ASP.NET's usual wording; throttling answers
//!   `{"Message": <throttle message>, "WasSuccessful": false}`.
//! - `UpdatedBy` of a change made with a configured bearer token is
//!   `api@emulator.local`; records seeded without it have `System`.
//!
//! # What it does not reproduce
//!
//! Business rules (discount code validity, credit balances), relations between entities
//! (ids are not checked against other entities; joined fields are not looked up),
//! `ToStringText` and `LocalizationDetails`, the effects of commands and their
//! parameters, two-factor codes (`totp` is ignored) and `client_id`, per-user throttling,
//! the batch read `?id=[1,2]` that answers a bare array, the 500 status the older API
//! used for validation failures, exact error texts, time zones of date-times, and
//! persistence across restarts.
//!

mod auth;
mod config;
mod faults;
mod json;
mod query;
mod router;
mod seed;
mod state;
mod store;
mod throttle;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{EmulatorConfig, Roles, ThrottleLimits};
pub use faults::Fault;
pub use state::RequestRecord;

use state::{Shared, lock};

/// The most requests [`Emulator::requests`] keeps: a long-running emulator forgets the
/// oldest first, so its memory stays flat.
pub const REQUEST_LOG_CAPACITY: usize = 10_000;

/// The most access tokens, and the most refresh tokens, the token path keeps: issuing one
/// more forgets the oldest, whose holder then gets 401 (or `invalid_grant` for a refresh)
/// and logs in again. Expired access tokens are forgotten too.
pub const TOKEN_CAPACITY: usize = 10_000;

/// Why the emulator could not start, or a handle call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for (0 for any).
        port: u16,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Seed data could not be read or is not `{"Entity": [records]}`.
    #[error("cannot load the seed data of {origin}: {message}")]
    Seed {
        /// The seed file, or `seed_json`.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// The spec has no entity of this name.
    #[error("the spec has no entity `{0}`")]
    UnknownEntity(String),
    /// The entity has no download of this name.
    #[error("`{entity}` has no download `{download}`")]
    UnknownDownload {
        /// The entity.
        entity: String,
        /// The download asked for.
        download: String,
    },
    /// A record given to [`Emulator::insert`] is not a JSON object with an integer `Id`.
    #[error("invalid record: {0}")]
    InvalidRecord(String),
}

/// A running emulator; it stops when dropped.
///
/// Start it with [`Emulator::start`]; point a client at it with
/// [`client_builder`](Self::client_builder). The handle seeds and inspects records
/// ([`insert`](Self::insert), [`records`](Self::records)), injects faults
/// ([`inject`](Self::inject)) and lists the requests it received
/// ([`requests`](Self::requests)).
#[derive(Debug)]
pub struct Emulator {
    base_url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Emulator {
    /// Loads the seed data, binds 127.0.0.1 on the configured port (by default a free
    /// one) and serves in a task of the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let shared = Arc::new(Shared::new(&config)?);
        let bind_error = |source| EmulatorError::Bind {
            port: config.port,
            source,
        };
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let app = router::router(Arc::clone(&shared));
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let stopped = async {
                // A dropped sender stops the server too.
                let _ = stop.await;
            };
            if let Err(error) = axum::serve(listener, app)
                .with_graceful_shutdown(stopped)
                .await
            {
                tracing::error!(%error, "the emulator stopped");
            }
        });
        Ok(Emulator {
            base_url: format!("http://{addr}"),
            addr,
            shared,
            shutdown: Some(shutdown),
            task,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client builder with the emulator's base URL, paced to the emulator's limits (not
    /// at all while throttling is off); add the credentials.
    pub fn client_builder(&self) -> nexudus::ClientBuilder {
        let pacing = match lock(&self.shared.throttle).limits() {
            Some(limits) => nexudus::Pacing::default().limits(limits.limits.clone()),
            None => nexudus::Pacing::off(),
        };
        nexudus::Client::builder()
            .base_url(&self.base_url)
            .pacing(pacing)
    }

    /// Stores a record of `entity` (its name, e.g. `CoworkerDiscountCode`) as given,
    /// without validation; answers its id.
    ///
    /// An `Id` is kept (or the next one assigned); `UniqueId`, `CreatedOn`, `UpdatedOn`,
    /// `UpdatedBy` and `IsNew` are filled in when absent. Read-only fields, joined display
    /// fields and unknown properties are stored as they are.
    pub fn insert(&self, entity: &str, record: Value) -> Result<i64, EmulatorError> {
        let mut store = lock(&self.shared.store);
        let table = store
            .by_name(entity)
            .ok_or_else(|| EmulatorError::UnknownEntity(entity.to_owned()))?;
        table
            .insert_raw(record)
            .map_err(EmulatorError::InvalidRecord)
    }

    /// The stored records of `entity`, in id order, as stored (seeded joined fields
    /// included).
    pub fn records(&self, entity: &str) -> Result<Vec<Value>, EmulatorError> {
        let mut store = lock(&self.shared.store);
        let table = store
            .by_name(entity)
            .ok_or_else(|| EmulatorError::UnknownEntity(entity.to_owned()))?;
        Ok(table
            .records
            .values()
            .map(|record| Value::Object(record.clone()))
            .collect())
    }

    /// One stored record of `entity`, if it exists.
    pub fn record(&self, entity: &str, id: impl Into<i64>) -> Result<Option<Value>, EmulatorError> {
        let id = id.into();
        let mut store = lock(&self.shared.store);
        let table = store
            .by_name(entity)
            .ok_or_else(|| EmulatorError::UnknownEntity(entity.to_owned()))?;
        Ok(table.records.get(&id).map(|r| Value::Object(r.clone())))
    }

    /// Stores the file a download endpoint of `entity` (`download` is its name, e.g.
    /// `Avatar`) serves for the record `id`. Records without a stored file answer JSON
    /// `null`, as the reference documents ("Binary stream or null").
    pub fn put_file(
        &self,
        entity: &str,
        download: &str,
        id: impl Into<i64>,
        content_type: &str,
        bytes: impl Into<Vec<u8>>,
    ) -> Result<(), EmulatorError> {
        let id = id.into();
        let mut store = lock(&self.shared.store);
        let table = store
            .by_name(entity)
            .ok_or_else(|| EmulatorError::UnknownEntity(entity.to_owned()))?;
        let name = table
            .schema
            .endpoints
            .iter()
            .find_map(|e| e.download_name().filter(|name| *name == download))
            .ok_or_else(|| EmulatorError::UnknownDownload {
                entity: entity.to_owned(),
                download: download.to_owned(),
            })?;
        table.files.insert(
            (name, id),
            store::StoredFile {
                content_type: content_type.to_owned(),
                bytes: bytes.into(),
            },
        );
        Ok(())
    }

    /// Queues a fault for the next matching request(s); see [`Fault`].
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The requests received so far, in arrival order: the last [`REQUEST_LOG_CAPACITY`].
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).iter().cloned().collect()
    }

    /// How many requests of `method` (e.g. `"GET"`) on `path` were received, among the
    /// last [`REQUEST_LOG_CAPACITY`].
    pub fn count(&self, method: &str, path: &str) -> usize {
        lock(&self.shared.log)
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Turns throttling on with `limits`, or off with `None`.
    pub fn set_throttle(&self, limits: Option<ThrottleLimits>) {
        lock(&self.shared.throttle).set(limits);
    }

    /// Invalidates every access token the token path issued (configured tokens stay
    /// valid), as if they had expired.
    pub fn revoke_tokens(&self) {
        lock(&self.shared.auth).revoke_issued();
    }

    /// Stops accepting connections and waits for the open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.task.abort();
    }
}
