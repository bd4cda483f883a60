//! The HTTP client: URLs, authentication, retries, answer classification and decoding.

use std::fmt;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use futures::stream::BoxStream;
use futures::{StreamExt as _, TryStreamExt as _};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{Response, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::auth::{Auth, CachedToken, Secret, TokenErrorResponse, TokenResponse};
use crate::call::{Call, Decode};
use crate::endpoint::{Endpoint, Method};
use crate::envelope::{
    ActionResponse, CommandInfo, Download, Page, RunCommand, decode_action, decode_commands,
    decode_page, error_parts,
};
use crate::error::{Error, Result, snippet};
use crate::pacing::{Pacer, Pacing, PacingStats};
use crate::query::{ListQuery, QueryFilter, SortField, encode_query, id_list};
use crate::retry::RetryPolicy;
use crate::schema::ServiceSchema;

/// What JSON endpoints accept.
const JSON: &str = "application/json";
/// What download endpoints accept: any file.
const ANY: &str = "*/*";

/// Default timeout of a whole request.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default timeout of establishing a connection.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest successful answer read by default; a page of 1000 full records is far
/// smaller, a downloaded video may not be ([`ClientBuilder::max_answer_bytes`]).
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// The largest error answer read: enough for any envelope, and errors quote only a snippet.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;
/// The answer statuses worth another try besides throttling: the gateway's, not the API's.
const RETRY_STATUSES: &[u16] = &[502, 503, 504];

/// The client of the Nexudus API. Cloning is cheap and clones share connections and the
/// cached token.
///
/// ```no_run
/// # async fn demo() -> nexudus::Result<()> {
/// use nexudus::{Auth, Client};
/// let client = Client::new(Auth::password("admin@example.com", "s3cret"))?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `None`: the base URL of each endpoint's service.
    base_url: Option<String>,
    auth: Auth,
    retry: RetryPolicy,
    /// The schedule every clone and task shares, so together they keep to the limits.
    pacer: Pacer,
    max_answer_bytes: usize,
    /// Set per request only on a caller's `reqwest::Client` (ours has them built in).
    request_timeout: Option<Duration>,
    request_user_agent: Option<HeaderValue>,
    /// The password grant's token; the lock is held while a grant runs, so concurrent
    /// requests wait for one grant rather than each making their own.
    token: tokio::sync::Mutex<Option<CachedToken>>,
    /// The two-factor code until a password grant answers: codes expire within seconds, so
    /// later grants go without one.
    totp: std::sync::Mutex<Option<Secret>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Auth`'s Debug redacts the secrets; the token cache is left out altogether.
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("pacing", self.inner.pacer.config())
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; get one from [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    auth: Auth,
    retry: RetryPolicy,
    pacing: Pacing,
    max_answer_bytes: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            timeout: None,
            connect_timeout: None,
            user_agent: None,
            http_client: None,
            auth: Auth::None,
            retry: RetryPolicy::default(),
            pacing: Pacing::default(),
            max_answer_bytes: MAX_BODY_BYTES,
        }
    }
}

impl ClientBuilder {
    /// The API's base URL, instead of the production one the spec names
    /// ([`ServiceSchema::base_url`]). It may have a path prefix; it must not carry
    /// credentials, a query or a fragment.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Timeout of each whole request attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Timeout of establishing a connection (default 10 s). Ignored with
    /// [`http_client`](Self::http_client): configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default `nexudus-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends requests through the caller's `reqwest::Client` (proxies, TLS roots, ...).
    /// Explicit [`timeout`](Self::timeout) and [`user_agent`](Self::user_agent) are then
    /// applied per request; the defaults are left to that client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// How to authenticate (default [`Auth::None`]).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// How to retry (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How requests are paced to keep to the API's limits (default [`Pacing::default`]: the
    /// documented limits, with a margin, adapting to throttled answers). Clones of the
    /// client share one schedule.
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = pacing;
        self
    }

    /// The largest successful answer the client reads, in bytes (default 64 MiB); a longer
    /// one is [`Error::Decode`], not retried. Raise it, with the
    /// [`timeout`](Self::timeout), to download large files (video files, data files): a
    /// download is held in memory whole.
    pub fn max_answer_bytes(mut self, bytes: usize) -> Self {
        self.max_answer_bytes = bytes;
        self
    }

    /// Builds the client; fails with [`Error::Config`] on a bad base URL or user agent.
    pub fn build(self) -> Result<Client> {
        let base_url = self
            .base_url
            .as_deref()
            .map(validate_base_url)
            .transpose()?;
        let user_agent = match &self.user_agent {
            Some(agent) => Some(
                HeaderValue::from_str(agent)
                    .map_err(|_| Error::Config(format!("invalid user agent `{agent}`")))?,
            ),
            None => None,
        };
        let (http, request_timeout, request_user_agent) = match self.http_client {
            Some(http) => (http, self.timeout, user_agent),
            None => {
                let agent = user_agent.unwrap_or_else(|| {
                    HeaderValue::from_static(concat!("nexudus-rust/", env!("CARGO_PKG_VERSION")))
                });
                let http = reqwest::Client::builder()
                    .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .user_agent(agent)
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
                (http, None, None)
            }
        };
        let totp = match &self.auth {
            Auth::Password { totp, .. } => totp.clone(),
            _ => None,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                auth: self.auth,
                retry: self.retry,
                pacer: Pacer::new(self.pacing),
                max_answer_bytes: self.max_answer_bytes,
                request_timeout,
                request_user_agent,
                token: tokio::sync::Mutex::new(None),
                totp: std::sync::Mutex::new(totp),
            }),
        })
    }
}

/// Checks the base URL and returns it without a trailing slash, ready for paths.
fn validate_base_url(raw: &str) -> Result<String> {
    let url = Url::parse(raw).map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::Config(
            "invalid base URL: it must be an http or https URL with a host".into(),
        ));
    }
    // Credentials in the URL would end up in error messages; use `Auth` instead.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "invalid base URL: it must not contain credentials; use `Auth`".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "invalid base URL: it must not have a query or fragment".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A 2xx answer.
pub(crate) struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// How one attempt ended.
enum Outcome {
    /// 2xx.
    Done(Answer),
    /// A failure no retry can fix.
    Failed(Error),
    /// A failure another attempt may fix, after `retry_after` if the API said so.
    Retry {
        error: Error,
        retry_after: Option<Duration>,
        kind: RetryKind,
    },
    /// 401 with a cached token: get a new token and try once more.
    Reauthorize { error: Error, token: Secret },
}

/// What a retryable failure says about the request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RetryKind {
    /// Not processed: throttled, or the token grant before it failed, so it was not sent.
    Refused,
    /// Never sent: the connection failed.
    NotSent,
    /// It may have reached the API: a timeout, a broken answer, 502-504.
    MaybeProcessed,
}

/// The credentials of one attempt.
enum Credentials {
    None,
    Bearer(Secret),
    Basic(String, Secret),
}

/// Which grant to ask the token endpoint for.
enum Grant<'a> {
    /// With the two-factor code, if there still is one.
    Password(Option<&'a Secret>),
    Refresh(&'a Secret),
}

impl Client {
    /// A builder with the defaults: the production base URL of the spec, no authentication,
    /// [`RetryPolicy::default`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client of the production API with `auth` and the other defaults.
    pub fn new(auth: Auth) -> Result<Client> {
        Self::builder().auth(auth).build()
    }

    /// The base URL set with [`ClientBuilder::base_url`], without a trailing slash; `None`
    /// when requests go to the production URL the spec names.
    pub fn base_url(&self) -> Option<&str> {
        self.inner.base_url.as_deref()
    }

    /// What pacing did since the client was built, over every clone: requests paced, those
    /// that waited and for how long, throttled answers received.
    pub fn pacing_stats(&self) -> PacingStats {
        self.inner.pacer.stats()
    }

    /// Fetches one page of a list endpoint; `query` comes from [`ListQuery::query_pairs`]
    /// or is built by generated code.
    pub fn get_page<T: DeserializeOwned>(
        &self,
        endpoint: &'static Endpoint,
        query: Vec<(&'static str, String)>,
    ) -> Call<Page<T>> {
        self.call(endpoint, None, query, None, JSON, |endpoint, answer| {
            decode_page(&endpoint.service.envelopes.page, &answer.body)
        })
    }

    /// All records of all pages of a list query, from its page (default 1) on.
    ///
    /// The next page is fetched while the records of this one are consumed (see
    /// [`pages`](Self::pages)), so taking a few records costs up to two requests. Pages end as
    /// [`pages`](Self::pages) says. Any error ends the stream after it is yielded.
    pub fn stream_pages<T, F, S>(
        &self,
        endpoint: &'static Endpoint,
        query: ListQuery<F, S>,
    ) -> BoxStream<'static, Result<T>>
    where
        T: DeserializeOwned + Send + 'static,
        F: QueryFilter + Send + 'static,
        S: SortField + Send + 'static,
    {
        // Boxed so callers can `.next().await` without pinning it themselves.
        Box::pin(
            self.pages(endpoint, query)
                .map_ok(|page| futures::stream::iter(page.records.into_iter().map(Ok)))
                .try_flatten()
                .fuse(),
        )
    }

    /// Every page of a list query, from its page (default 1) on, each with its paging
    /// envelope (`TotalItems`, `TotalPages`, ...), for callers that report progress or
    /// work a page at a time.
    ///
    /// Nothing is fetched until the stream is first polled. From then on, when a page is
    /// yielded, the next one is already being fetched (on a tokio task, paced like every
    /// request), so the caller's work on a page and the next request overlap; dropping the
    /// stream cancels that fetch. Stops after the first page that has `HasNextPage` false,
    /// is page `TotalPages` (or beyond), or has no records. A page whose `CurrentPage` is not
    /// the one asked for (a server that ignores `page`) is not yielded: the stream ends with
    /// [`Error::Decode`] at path `CurrentPage`. Any error ends the stream after it is yielded.
    pub fn pages<T, F, S>(
        &self,
        endpoint: &'static Endpoint,
        query: ListQuery<F, S>,
    ) -> BoxStream<'static, Result<Page<T>>>
    where
        T: DeserializeOwned + Send + 'static,
        F: QueryFilter + Send + 'static,
        S: SortField + Send + 'static,
    {
        let paging = &endpoint.service.paging;
        let first = query.current_page().unwrap_or(paging.default_page);
        // The request of one page, running on its own task from now on.
        let fetch = move |client: &Client, query: &ListQuery<F, S>, number: u32| {
            let pairs = query.page_pairs(number, &endpoint.service.paging);
            Prefetch(tokio::spawn(client.get_page::<T>(endpoint, pairs)))
        };
        let pages = futures::stream::try_unfold(
            (self.clone(), query, Some((first, None))),
            move |(client, query, next)| async move {
                let Some((number, running)) = next else {
                    return Ok(None);
                };
                let running = running.unwrap_or_else(|| fetch(&client, &query, number));
                let page: Page<T> = running.join().await?;
                // Another page than the one asked for (a server that ignores `page`) would
                // repeat or skip records.
                if page.current_page != i64::from(number) {
                    return Err(Error::Decode {
                        path: "CurrentPage".to_owned(),
                        message: format!(
                            "asked for page {number}, the API answered page {}",
                            page.current_page
                        ),
                        snippet: String::new(),
                    });
                }
                // Whichever says so first ends it, so a server that lies in one cannot page
                // forever.
                let more = page.has_next_page
                    && !page.records.is_empty()
                    && i64::from(number) < page.total_pages;
                // Fetched while the caller works on this page.
                let next = number
                    .checked_add(1)
                    .filter(|_| more)
                    .map(|n| (n, Some(fetch(&client, &query, n))));
                Ok(Some((page, (client, query, next))))
            },
        );
        Box::pin(pages.fuse())
    }

    /// The records with the given ids, through a list endpoint's ids parameter
    /// (`?CoworkerDiscountCode_Id=[1,2]`), as one page: the page size is set to the number
    /// of ids, since the API's default page (25) would cut the answer short. No ids means no
    /// records and no request; more ids than the largest page size is an [`Error::Config`].
    pub fn find_by_ids<T: DeserializeOwned>(
        &self,
        endpoint: &'static Endpoint,
        ids_query: &'static str,
        ids: &[i64],
    ) -> Call<Page<T>> {
        let paging = &endpoint.service.paging;
        if ids.is_empty() {
            return Call::ready(endpoint, Ok(Page::empty(paging.default_page)));
        }
        let max = paging.max_size;
        match u32::try_from(ids.len()).ok().filter(|n| *n <= max) {
            Some(size) => self.get_page(
                endpoint,
                vec![(ids_query, id_list(ids)), (paging.size, size.to_string())],
            ),
            None => Call::ready(
                endpoint,
                Err(Error::Config(format!(
                    "at most {max} ids per call, not {}",
                    ids.len()
                ))),
            ),
        }
    }

    /// Fetches one record: the endpoint's `{Id}` becomes `id`, and the answer is the bare
    /// record.
    pub fn get_record<T: DeserializeOwned>(&self, endpoint: &'static Endpoint, id: i64) -> Call<T> {
        self.get_json(endpoint, Some(id), Vec::new())
    }

    /// GETs any JSON answer, e.g. the bare array of the batch read `?id=[1,2,3]`.
    pub fn get_json<T: DeserializeOwned>(
        &self,
        endpoint: &'static Endpoint,
        id: Option<i64>,
        query: Vec<(&'static str, String)>,
    ) -> Call<T> {
        self.call(endpoint, id, query, None, JSON, |_, answer| {
            decode(&answer.body, true)
        })
    }

    /// Sends a create, update, delete or run-command and reads its [`ActionResponse`].
    ///
    /// `id` fills the endpoint's `{Id}` (an id for a path without `{Id}` is ignored);
    /// `body` is serialized to JSON at once and sent when the call is awaited. A 2xx
    /// answer with `WasSuccessful` false becomes [`Error::Action`], with its validation
    /// errors; a 2xx answer without a body counts as success.
    pub fn send_action<B: Serialize + ?Sized>(
        &self,
        endpoint: &'static Endpoint,
        id: Option<i64>,
        body: Option<&B>,
    ) -> Call<ActionResponse> {
        self.send_body(endpoint, id, body, action_answer)
    }

    /// Sends a create and answers the new record's id, read from the [`ActionResponse`]
    /// as [`ActionResponse::new_id`] does.
    pub fn create_record<B: Serialize + ?Sized, I: From<i64>>(
        &self,
        endpoint: &'static Endpoint,
        body: &B,
    ) -> Call<I> {
        self.send_body(endpoint, None, Some(body), |endpoint, answer| {
            action_answer(endpoint, answer)?.new_id().map(I::from)
        })
    }

    /// Reads the record `id` through `get`, turns it into its update body `U`, lets `change`
    /// edit that, and writes it back through `update`: the PUT then carries every field
    /// `change` left alone as it was read. Answers the body that was sent.
    pub async fn modify<R, U>(
        &self,
        get: &'static Endpoint,
        update: &'static Endpoint,
        id: i64,
        change: impl FnOnce(&mut U),
    ) -> Result<U>
    where
        R: DeserializeOwned,
        U: From<R> + Serialize,
    {
        let record: R = self.get_record(get, id).await?;
        let mut body = U::from(record);
        change(&mut body);
        self.send_action(update, None, Some(&body)).await?;
        Ok(body)
    }

    /// Fetches the commands of an entity (a bare JSON array).
    pub fn get_commands(&self, endpoint: &'static Endpoint) -> Call<Vec<CommandInfo>> {
        self.call(
            endpoint,
            None,
            Vec::new(),
            None,
            JSON,
            |endpoint, answer| decode_commands(&endpoint.service.envelopes, &answer.body),
        )
    }

    /// Runs a command: sends the [`RunCommand`] body with the spec's wire names. An answer
    /// with `WasSuccessful: false` is an [`Error::Action`].
    pub fn run_command(
        &self,
        endpoint: &'static Endpoint,
        command: &RunCommand,
    ) -> Call<ActionResponse> {
        let body = command.to_json(&endpoint.service.envelopes);
        self.send_action(endpoint, None, Some(&body))
    }

    /// Fetches a binary file of the record `id`: its bytes and content type, or `None` when
    /// the API answers that the record has none (an empty body or JSON `null`).
    pub fn download(&self, endpoint: &'static Endpoint, id: i64) -> Call<Option<Download>> {
        self.call(endpoint, Some(id), Vec::new(), None, ANY, |_, answer| {
            let is_json = answer
                .content_type
                .as_deref()
                .is_some_and(|t| t.starts_with(JSON));
            let body = answer.body.trim_ascii();
            if body.is_empty() || (is_json && body == b"null") {
                return Ok(None);
            }
            Ok(Some(Download {
                content_type: answer.content_type,
                bytes: answer.body,
            }))
        })
    }

    /// Serializes `body` now, and sends it when the call is awaited; a body that cannot be
    /// serialized answers an error without a request.
    fn send_body<B: Serialize + ?Sized, T>(
        &self,
        endpoint: &'static Endpoint,
        id: Option<i64>,
        body: Option<&B>,
        decode: Decode<T>,
    ) -> Call<T> {
        match body.map(serde_json::to_vec).transpose() {
            Ok(body) => self.call(endpoint, id, Vec::new(), body, JSON, decode),
            Err(e) => Call::ready(
                endpoint,
                Err(Error::Config(format!(
                    "cannot serialize the request body: {e}"
                ))),
            ),
        }
    }

    /// The one request future every endpoint shares (it owns a clone of the client), and
    /// how its answer is read.
    fn call<T>(
        &self,
        endpoint: &'static Endpoint,
        id: Option<i64>,
        query: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
        accept: &'static str,
        decode: Decode<T>,
    ) -> Call<T> {
        let client = self.clone();
        let answer =
            Box::pin(async move { client.execute(endpoint, id, &query, body, accept).await });
        Call::sending(endpoint, answer, decode)
    }

    /// Runs a request with retries and re-authorization; answers the 2xx answer.
    async fn execute(
        &self,
        endpoint: &'static Endpoint,
        id: Option<i64>,
        query: &[(&'static str, String)],
        body: Option<Vec<u8>>,
        accept: &'static str,
    ) -> Result<Answer> {
        let path = endpoint.concrete_path(id).ok_or_else(|| {
            Error::Config(format!(
                "{} {} needs a record id",
                endpoint.method, endpoint.path
            ))
        })?;
        let mut url = self.url(endpoint.service, &path)?;
        if !query.is_empty() {
            url.set_query(Some(&encode_query(query)));
        }
        let policy = self.inner.retry;
        let max_attempts = policy.max_attempts.max(1);
        let mut reauthorized = false;
        // Whether an earlier attempt may have taken effect, for a DELETE's 404.
        let mut maybe_processed = false;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let span = tracing::debug_span!(
                "nexudus_request",
                method = endpoint.method.as_str(),
                path = endpoint.path,
                attempt,
                status = tracing::field::Empty,
            );
            // Every attempt waits its turn, retries included.
            self.inner
                .pacer
                .acquire(endpoint.service, endpoint.method != Method::Get)
                .await;
            let outcome = self
                .attempt(endpoint, &path, &url, body.as_deref(), accept)
                .instrument(span.clone())
                .await;
            match outcome {
                Outcome::Done(answer) => return Ok(answer),
                // A DELETE retried after an attempt that may have deleted the record finds
                // it gone. After attempts refused unprocessed, 404 means it never existed.
                Outcome::Failed(Error::NotFound { .. })
                    if endpoint.method == Method::Delete && maybe_processed =>
                {
                    return Ok(Answer {
                        status: 404,
                        content_type: None,
                        body: Vec::new(),
                    });
                }
                Outcome::Failed(error) => return Err(error),
                Outcome::Reauthorize { error, token } => {
                    if reauthorized {
                        return Err(error);
                    }
                    reauthorized = true;
                    self.forget_token(&token).await;
                    span.in_scope(|| tracing::debug!("token refused; getting a new one"));
                }
                Outcome::Retry {
                    error,
                    retry_after,
                    kind,
                } => {
                    maybe_processed |= kind == RetryKind::MaybeProcessed;
                    let throttled = matches!(error, Error::Throttled { .. });
                    // What was refused unprocessed is safe to send again, whatever the method.
                    if kind != RetryKind::Refused && !policy.retries(endpoint.method) {
                        return Err(error);
                    }
                    let wait = match retry_after {
                        // The API asks for longer than we are willing to wait.
                        // An unreadable Retry-After (`Duration::MAX`) is never waited for, even
                        // when the policy would wait as long as asked.
                        Some(wait) if wait > policy.max_delay || wait == Duration::MAX => None,
                        _ if attempt >= max_attempts => None,
                        Some(wait) => Some(wait),
                        None => Some(policy.backoff(attempt)),
                    };
                    // A throttled answer slows every clone down; the pacer then holds every
                    // request, this retry included, for the wait.
                    let paced = throttled && self.inner.pacer.throttled(wait);
                    let Some(wait) = wait else {
                        return Err(error);
                    };
                    span.in_scope(|| tracing::debug!(?wait, paced, "retrying"));
                    if !paced {
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
    }

    /// One attempt: authenticate, send, read and classify the answer.
    async fn attempt(
        &self,
        endpoint: &'static Endpoint,
        path: &str,
        url: &Url,
        body: Option<&[u8]>,
        accept: &'static str,
    ) -> Outcome {
        let credentials = match self.credentials(endpoint.service).await {
            Ok(credentials) => credentials,
            Err(error) => return grant_outcome(error),
        };
        let mut request = self
            .inner
            .http
            .request(endpoint.method.to_reqwest(), url.clone())
            .header(ACCEPT, accept);
        request = match &credentials {
            Credentials::None => request,
            Credentials::Bearer(token) => request.bearer_auth(token.expose()),
            Credentials::Basic(user, password) => request.basic_auth(user, Some(password.expose())),
        };
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        request = self.per_request_settings(request);

        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return transport_outcome(error),
        };
        let status = response.status().as_u16();
        tracing::Span::current().record("status", status);

        if response.status().is_success() {
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|t| t.to_str().ok())
                .map(str::to_owned);
            let limit = self.inner.max_answer_bytes;
            return match read_body(response, limit).await {
                Ok((body, false)) => Outcome::Done(Answer {
                    status,
                    content_type,
                    body,
                }),
                Ok((body, true)) => Outcome::Failed(Error::Decode {
                    path: String::new(),
                    message: format!(
                        "the answer is larger than {limit} bytes (see `ClientBuilder::max_answer_bytes`)"
                    ),
                    snippet: snippet(&body),
                }),
                Err(error) => transport_outcome(error),
            };
        }

        let retry_after = parse_retry_after(response.headers());
        // The status decides; a body cut short only loses detail.
        let body = read_body(response, MAX_ERROR_BODY_BYTES)
            .await
            .map(|(body, _)| body)
            .unwrap_or_default();
        let error = classify(status, &body, endpoint, path, retry_after);
        match (&error, credentials) {
            (Error::Unauthorized { .. }, Credentials::Bearer(token))
                if matches!(self.inner.auth, Auth::Password { .. }) =>
            {
                Outcome::Reauthorize { error, token }
            }
            (Error::Throttled { .. }, _) => Outcome::Retry {
                error,
                retry_after,
                kind: RetryKind::Refused,
            },
            (Error::Server { status, .. }, _) if RETRY_STATUSES.contains(status) => {
                Outcome::Retry {
                    error,
                    retry_after,
                    kind: RetryKind::MaybeProcessed,
                }
            }
            _ => Outcome::Failed(error),
        }
    }

    fn per_request_settings(
        &self,
        mut request: reqwest::RequestBuilder,
    ) -> reqwest::RequestBuilder {
        if let Some(timeout) = self.inner.request_timeout {
            request = request.timeout(timeout);
        }
        if let Some(agent) = &self.inner.request_user_agent {
            request = request.header(USER_AGENT, agent.clone());
        }
        request
    }

    fn url(&self, service: &ServiceSchema, path: &str) -> Result<Url> {
        let base = match &self.inner.base_url {
            Some(base) => base.as_str(),
            None => service.base_url.trim_end_matches('/'),
        };
        Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::Config(format!("invalid request URL for `{path}`: {e}")))
    }

    /// The credentials for the next attempt, getting or renewing a token if needed.
    async fn credentials(&self, service: &'static ServiceSchema) -> Result<Credentials> {
        Ok(match &self.inner.auth {
            Auth::None => Credentials::None,
            Auth::Bearer(token) => Credentials::Bearer(token.clone()),
            Auth::Basic { username, password } => {
                Credentials::Basic(username.clone(), password.clone())
            }
            Auth::Password { .. } => Credentials::Bearer(self.token(service).await?),
        })
    }

    /// The cached token, renewed when near expiry; a new one from the password grant if
    /// there is none, or the refresh grant is refused, or the token has expired and its
    /// renewal failed for good.
    async fn token(&self, service: &'static ServiceSchema) -> Result<Secret> {
        let mut cached = self.inner.token.lock().await;
        let now = Instant::now();
        if let Some(token) = cached.as_mut() {
            if !token.needs_refresh(now) {
                return Ok(token.access.clone());
            }
            if let Some(refresh) = token.refresh.clone() {
                match self.grant(service, Grant::Refresh(&refresh)).await {
                    Ok(mut renewed) => {
                        // Keep the old refresh token only if the API did not send a new one.
                        renewed.refresh = renewed.refresh.or(Some(refresh));
                        let access = renewed.access.clone();
                        *cached = Some(renewed);
                        return Ok(access);
                    }
                    // Refused (e.g. the refresh token was revoked): log in again below.
                    Err(Error::TokenGrant { .. }) => {}
                    Err(error) => {
                        // A failed renewal of a still valid token can wait, and is not tried
                        // again on every request meanwhile.
                        let after = Instant::now();
                        if token.is_valid(after) {
                            token.postpone_refresh(after, error.retry_after());
                            return Ok(token.access.clone());
                        }
                        // Expired: a passing failure is retried with the request; any other
                        // (a 401 or 500 without an OAuth body) would fail every request, so
                        // log in again below.
                        if grant_retryable(&error) {
                            return Err(error);
                        }
                    }
                }
            }
        }
        *cached = None;
        let totp = self
            .inner
            .totp
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let result = self.grant(service, Grant::Password(totp.as_ref())).await;
        // Unless the grant is tried again (not processed), the code was used or refused.
        if !result.as_ref().is_err_and(grant_retryable) {
            self.inner
                .totp
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
        }
        let token = result?;
        let access = token.access.clone();
        *cached = Some(token);
        Ok(access)
    }

    /// Drops the cached token if it is still the one the API refused.
    async fn forget_token(&self, refused: &Secret) {
        let mut cached = self.inner.token.lock().await;
        if cached
            .as_ref()
            .is_some_and(|token| &token.access == refused)
        {
            *cached = None;
        }
    }

    /// Asks the token endpoint for a token, once; [`execute`](Self::execute) retries it.
    async fn grant(
        &self,
        service: &'static ServiceSchema,
        grant: Grant<'_>,
    ) -> Result<CachedToken> {
        let Auth::Password {
            username,
            password,
            client_id,
            ..
        } = &self.inner.auth
        else {
            return Err(Error::Config(
                "token grant without password credentials".into(),
            ));
        };
        let mut form: Vec<(&str, &str)> = match grant {
            Grant::Password(totp) => {
                let mut form = vec![
                    ("grant_type", "password"),
                    ("username", username.as_str()),
                    ("password", password.expose()),
                ];
                if let Some(totp) = totp {
                    form.push(("totp", totp.expose()));
                }
                form
            }
            Grant::Refresh(refresh) => vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.expose()),
            ],
        };
        if let Some(client_id) = client_id {
            form.push(("client_id", client_id.as_str()));
        }
        let grant_type = form.first().map_or("", |(_, value)| *value);
        let span = tracing::debug_span!(
            "nexudus_token",
            method = "POST",
            path = service.token_path,
            grant_type,
            status = tracing::field::Empty,
        );
        async {
            let url = self.url(service, service.token_path)?;
            // A grant is a request like any other for the limits (a POST: a write).
            self.inner.pacer.acquire(service, true).await;
            let request = self
                .inner
                .http
                .post(url)
                .header(ACCEPT, "application/json")
                .form(&form);
            let response = self
                .per_request_settings(request)
                .send()
                .await
                .map_err(transport_error)?;
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            let success = response.status().is_success();
            let retry_after = parse_retry_after(response.headers());
            let limit = if success {
                MAX_BODY_BYTES
            } else {
                MAX_ERROR_BODY_BYTES
            };
            let (body, _) = read_body(response, limit).await.map_err(transport_error)?;
            if success {
                // The body holds tokens: never quote it.
                let answer: TokenResponse = decode(&body, false)?;
                return Ok(CachedToken::from_response(answer, Instant::now()));
            }
            // RFC 6749 §5.2: a refused grant is a 400 (401 for the client) with an `error`
            // body. Throttling and 5xx are classified by status whatever their body says,
            // so they are retried and do not count as a refused refresh token.
            if let (400 | 401, Ok(refusal)) =
                (status, serde_json::from_slice::<TokenErrorResponse>(&body))
            {
                return Err(Error::TokenGrant {
                    error: refusal.error,
                    description: refusal.error_description,
                });
            }
            if status == 400 {
                return Err(Error::TokenGrant {
                    error: "invalid_request".into(),
                    description: Some(format!("HTTP 400: {}", snippet(&body))),
                });
            }
            // The token endpoint, for classifying its unexpected answers.
            let endpoint = Endpoint {
                method: Method::Post,
                path: service.token_path,
                role: "(token grant)",
                service,
            };
            Err(classify(
                status,
                &body,
                &endpoint,
                service.token_path,
                retry_after,
            ))
        }
        .instrument(span)
        .await
    }
}

/// A page being fetched ahead on its own task; dropping it (the stream dropped) cancels the
/// request.
struct Prefetch<T>(tokio::task::JoinHandle<Result<T>>);

impl<T> Prefetch<T> {
    async fn join(mut self) -> Result<T> {
        match (&mut self.0).await {
            Ok(result) => result,
            // Decoding a page does not panic; if it did, the panic goes on here.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => Err(Error::Config("a page fetch was cancelled".into())),
        }
    }
}

impl<T> Drop for Prefetch<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Connection failures (a refused connection, or one closed before the answer came) and
/// timeouts may pass; other transport errors will not.
fn transport_outcome(error: reqwest::Error) -> Outcome {
    // `is_body`, `is_decode`: the connection dropped while the answer was being read (the
    // client decodes JSON itself, so reqwest's decode errors are about reading the body).
    let mid_body = error.is_body() || error.is_decode();
    if error.is_connect() || error.is_timeout() || error.is_request() || mid_body {
        // A failed connection sent nothing; anything later may have reached the API.
        let kind = if error.is_connect() {
            RetryKind::NotSent
        } else {
            RetryKind::MaybeProcessed
        };
        Outcome::Retry {
            error: transport_error(error),
            retry_after: None,
            kind,
        }
    } else {
        Outcome::Failed(transport_error(error))
    }
}

/// [`Error::Transport`] with the URL's query values left out: filters carry names and
/// e-mails, which must not reach logs. The path and the query's names stay.
fn transport_error(error: reqwest::Error) -> Error {
    let redacted = error.url().and_then(|url| {
        let query = url.query()?;
        let names: Vec<&str> = query
            .split('&')
            .map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name))
            .collect();
        let mut url = url.clone();
        url.set_query(Some(&names.join("&")));
        Some(url)
    });
    Error::Transport(match redacted {
        Some(url) => error.with_url(url),
        None => error,
    })
}

/// A failed token grant: the request it was for was not sent, so throttling, 502-504 and
/// transport failures of the grant may be retried whatever the request's method. A grant
/// changes no data (a consumed refresh token falls back to the password grant).
fn grant_outcome(error: Error) -> Outcome {
    if !grant_retryable(&error) {
        return Outcome::Failed(error);
    }
    Outcome::Retry {
        retry_after: error.retry_after(),
        error,
        kind: RetryKind::Refused,
    }
}

/// Whether a failed token grant is tried again: throttled, 502-504 or a transport failure.
fn grant_retryable(error: &Error) -> bool {
    match error {
        Error::Throttled { .. } => true,
        Error::Server { status, .. } => RETRY_STATUSES.contains(status),
        Error::Transport(e) => {
            e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() || e.is_decode()
        }
        _ => false,
    }
}

/// Reads at most `limit` bytes of the body; `true` if it was longer.
async fn read_body(
    mut response: Response,
    limit: usize,
) -> std::result::Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// `Retry-After` as delta-seconds (fractions allowed) or an HTTP date; a date in the past
/// means now. A value that cannot be read, or is too long for a `Duration` (infinite, say),
/// is [`Duration::MAX`], longer than any wait, so the client gives up rather than guess.
fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?;
    Some(read_retry_after(value).unwrap_or(Duration::MAX))
}

fn read_retry_after(value: &HeaderValue) -> Option<Duration> {
    let value = value.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        // Negative, NaN and infinite values fail here.
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Turns a non-2xx answer into an [`Error`].
fn classify(
    status: u16,
    body: &[u8],
    endpoint: &Endpoint,
    path: &str,
    retry_after: Option<Duration>,
) -> Error {
    let service = endpoint.service;
    let (message, errors) = error_parts(&service.envelopes, body);
    let message = message.filter(|m| !m.is_empty());
    let message_or = |default: &str| {
        message.clone().unwrap_or_else(|| {
            if body.is_empty() {
                default.to_owned()
            } else {
                snippet(body)
            }
        })
    };
    let throttle = service.throttle_message.as_bytes();
    // An empty message (a hand-built schema) would match every body; `windows(0)` panics.
    let throttle_message = !throttle.is_empty()
        && body
            .windows(throttle.len())
            .any(|window| window == throttle);
    match status {
        s if s == service.validation_status => Error::Validation {
            status,
            message: message_or("the request was rejected"),
            errors,
        },
        401 => Error::Unauthorized {
            message: message_or("the credentials were not accepted"),
        },
        403 => Error::Forbidden {
            role: endpoint.role,
            message: message_or("access denied"),
        },
        404 => Error::NotFound {
            method: endpoint.method,
            path: path.to_owned(),
        },
        // 409 is throttling only with the throttle message: otherwise a real conflict.
        s if service.throttle_statuses.contains(&s) && (s != 409 || throttle_message) => {
            Error::Throttled { retry_after }
        }
        409 => Error::Conflict {
            message: message_or("conflict"),
        },
        // The older API answered validation failures with 500.
        500 if !errors.is_empty() => Error::Validation {
            status,
            message: message_or("the request was rejected"),
            errors,
        },
        _ => Error::Server {
            status,
            body: snippet(body),
            retry_after,
        },
    }
}

/// Reads the [`ActionResponse`] of a create, update, delete or run-command: an empty
/// answer is a success, `WasSuccessful: false` is [`Error::Action`].
fn action_answer(endpoint: &'static Endpoint, answer: Answer) -> Result<ActionResponse> {
    if answer.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ActionResponse {
            status: Some(i64::from(answer.status)),
            message: None,
            value: None,
            was_successful: true,
            errors: None,
        });
    }
    let response = decode_action(&endpoint.service.envelopes, &answer.body)?;
    if !response.was_successful {
        return Err(Error::Action {
            message: response.message.unwrap_or_default(),
            errors: response.errors.unwrap_or_default(),
        });
    }
    Ok(response)
}

/// Decodes JSON, naming the path of the failure; `quote` puts the start of the body in
/// the error (not for bodies with secrets).
fn decode<T: DeserializeOwned>(body: &[u8], quote: bool) -> Result<T> {
    // The fast path: plain serde_json. Only a failure pays for tracking the JSON path, by
    // decoding once more with serde_path_to_error.
    serde_json::from_slice(body).or_else(|_| decode_with_path(body, quote))
}

/// Decodes again, tracking the path, to say where a failed decode failed.
#[cold]
fn decode_with_path<T: DeserializeOwned>(body: &[u8], quote: bool) -> Result<T> {
    let quoted = || {
        if quote {
            snippet(body)
        } else {
            String::from("(redacted)")
        }
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
        snippet: quoted(),
    })?;
    deserializer.end().map_err(|e| Error::Decode {
        path: String::new(),
        message: e.to_string(),
        snippet: quoted(),
    })?;
    Ok(value)
}
