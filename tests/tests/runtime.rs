//! End-to-end tests of the hand-written runtime against a local axum server.
//!
//! Each test starts its own [`TestServer`] on an ephemeral port with a responder closure
//! that scripts the answers; the server records every request it saw.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri};
use axum::response::Response;
use futures::future::FusedFuture as _;
use futures::{StreamExt as _, TryStreamExt as _};
use nexudus::{
    Auth, Client, DateTime, Endpoint, Error, ListQuery, Method, QueryFilter, RetryPolicy,
    RunCommand, SortDirection, SortField,
};
use serde::Deserialize;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// Test server
// ---------------------------------------------------------------------------------------

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    /// The raw query string, exactly as sent (still percent-encoded).
    query: String,
    headers: HeaderMap,
    body: String,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn is(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }
}

/// A scripted answer.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, value: Value) -> Self {
        Self::raw(status, value.to_string().into_bytes()).header("content-type", "application/json")
    }

    fn raw(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

type Responder = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

struct ServerState {
    requests: Mutex<Vec<Recorded>>,
    responder: Box<Responder>,
}

/// A local API stand-in; it stops when dropped.
struct TestServer {
    base_url: String,
    state: Arc<ServerState>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server answering with `responder(request, n)`, where `n` counts the
    /// requests with the same method and path so far, this one included (from 1).
    async fn start(responder: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Self {
        let state = Arc::new(ServerState {
            requests: Mutex::new(Vec::new()),
            responder: Box::new(responder),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base_url: format!("http://{addr}"),
            state,
            task,
        }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    fn count(&self, method: &str, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.is(method, path))
            .count()
    }

    /// A client of this server with fast retries.
    fn client(&self, auth: Auth) -> Client {
        self.client_with(auth, fast_retries())
    }

    fn client_with(&self, auth: Auth, retry: RetryPolicy) -> Client {
        // These servers answer as told and limit nothing: no pacing (e2e tests pacing).
        Client::builder()
            .base_url(&self.base_url)
            .auth(auth)
            .retry(retry)
            .pacing(nexudus::Pacing::off())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(
    State(state): State<Arc<ServerState>>,
    method: HttpMethod,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = Recorded {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let n = {
        let mut requests = state.requests.lock().unwrap();
        requests.push(request.clone());
        requests
            .iter()
            .filter(|r| r.is(&request.method, &request.path))
            .count()
    };
    let reply = (state.responder)(&request, n);
    let mut response = Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
    for (name, value) in reply.headers {
        response = response.header(name, value);
    }
    response.body(Body::from(reply.body)).unwrap()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_secs(3))
}

// ---------------------------------------------------------------------------------------
// Endpoints and records of the tests
// ---------------------------------------------------------------------------------------

const BASE: &str = "/api/billing/coworkerdiscountcodes";

static LIST: Endpoint = Endpoint {
    method: Method::Get,
    path: "/api/billing/coworkerdiscountcodes",
    role: "CoworkerDiscountCode-List",
    service: &nexudus::SERVICE,
};
static GET: Endpoint = Endpoint {
    method: Method::Get,
    path: "/api/billing/coworkerdiscountcodes/{Id}",
    role: "CoworkerDiscountCode-Read",
    service: &nexudus::SERVICE,
};
static CREATE: Endpoint = Endpoint {
    method: Method::Post,
    path: "/api/billing/coworkerdiscountcodes",
    role: "CoworkerDiscountCode-Create",
    service: &nexudus::SERVICE,
};
static UPDATE: Endpoint = Endpoint {
    method: Method::Put,
    path: "/api/billing/coworkerdiscountcodes",
    role: "CoworkerDiscountCode-Edit",
    service: &nexudus::SERVICE,
};
static DELETE: Endpoint = Endpoint {
    method: Method::Delete,
    path: "/api/billing/coworkerdiscountcodes/{Id}",
    role: "CoworkerDiscountCode-Delete",
    service: &nexudus::SERVICE,
};
static COMMANDS: Endpoint = Endpoint {
    method: Method::Get,
    path: "/api/billing/coworkerdiscountcodes/commands",
    role: "CoworkerDiscountCode-List",
    service: &nexudus::SERVICE,
};
static RUN_COMMAND: Endpoint = Endpoint {
    method: Method::Post,
    path: "/api/billing/coworkerdiscountcodes/runcommand",
    role: "CoworkerDiscountCode-Edit",
    service: &nexudus::SERVICE,
};

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Code {
    #[serde(rename = "Id")]
    id: i64,
    #[serde(rename = "Notes", default)]
    notes: Option<String>,
    #[serde(rename = "UpdatedOn", default)]
    updated_on: Option<DateTime>,
}

#[derive(Debug, Clone, PartialEq)]
enum Filter {
    Ids(Vec<i64>),
    UpdatedFrom(DateTime),
    Notes(String),
}

impl QueryFilter for Filter {
    fn query_pair(&self) -> (&'static str, String) {
        match self {
            Filter::Ids(ids) => ("CoworkerDiscountCode_Id", nexudus::id_list(ids)),
            Filter::UpdatedFrom(at) => (
                "from_CoworkerDiscountCode_UpdatedOn",
                at.to_filter_string(nexudus::SERVICE.filter_datetime_format),
            ),
            Filter::Notes(notes) => ("CoworkerDiscountCode_Notes", notes.clone()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Sort {
    CreatedOn,
}

impl SortField for Sort {
    fn wire_name(&self) -> &'static str {
        match self {
            Sort::CreatedOn => "CreatedOn",
        }
    }
}

type Query = ListQuery<Filter, Sort>;

fn record(id: i64) -> Value {
    json!({
        "Id": id,
        "Notes": format!("note {id}"),
        "UpdatedOn": "2020-01-01T21:57:21Z",
        "SystemId": null,
    })
}

/// A page envelope as 002/003 show it, extra fields included.
fn page(records: Vec<Value>, page: i64, total_pages: i64) -> Value {
    json!({
        "Records": records,
        "CurrentPageSize": 2,
        "CurrentPage": page,
        "CurrentOrderField": "Id",
        "CurrentSortDirection": 1,
        "FirstItem": 1,
        "HasNextPage": page < total_pages,
        "HasPreviousPage": page > 1,
        "LastItem": 2,
        "PageNumber": page,
        "PageSize": 2,
        "TotalItems": total_pages * 2,
        "TotalPages": total_pages,
    })
}

fn ok_action(id: i64) -> Value {
    json!({
        "Status": 200,
        "Message": "CoworkerDiscountCode was successfully created.",
        "Value": { "Id": id },
        "OpenInDialog": false,
        "OpenInWindow": false,
        "RedirectURL": null,
        "JavaScript": null,
        "UpdatedOn": "2025-01-15T10:30:00Z",
        "UpdatedBy": "admin@example.com",
        "Errors": null,
        "WasSuccessful": true,
    })
}

fn token(access: &str, refresh: &str, expires_in: u64) -> Reply {
    Reply::json(
        200,
        json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": expires_in,
            "refresh_token": refresh,
        }),
    )
}

/// The form fields of a token request.
fn form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace("%40", "@")))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn bearer_and_basic_headers_are_sent() {
    let server = TestServer::start(|_, _| Reply::json(200, record(7))).await;

    let code: Code = server
        .client(Auth::bearer("tok-123"))
        .get_record(&GET, 7)
        .await
        .unwrap();
    assert_eq!(code.id, 7);
    let basic: Code = server
        .client(Auth::basic("admin@example.com", "pa55word"))
        .get_record(&GET, 8)
        .await
        .unwrap();
    assert_eq!(basic.notes.as_deref(), Some("note 7"));

    let requests = server.requests();
    assert_eq!(requests[0].path, format!("{BASE}/7"));
    assert_eq!(requests[0].header("authorization"), Some("Bearer tok-123"));
    assert_eq!(requests[1].path, format!("{BASE}/8"));
    assert_eq!(
        requests[1].header("authorization"),
        Some("Basic YWRtaW5AZXhhbXBsZS5jb206cGE1NXdvcmQ=")
    );
    assert!(
        requests[0]
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("nexudus-rust/"))
    );
}

#[tokio::test]
async fn password_grant_token_is_reused() {
    let server = TestServer::start(|req, _| {
        if req.path == "/api/token" {
            token("A1", "R1", 7 * 24 * 3600)
        } else {
            Reply::json(200, record(1))
        }
    })
    .await;
    let client = server.client(
        Auth::password("admin@example.com", "pa55word")
            .totp("123456")
            .client_id("my-app"),
    );

    let _: Code = client.get_record(&GET, 1).await.unwrap();
    let _: Code = client.clone().get_record(&GET, 2).await.unwrap();

    assert_eq!(server.count("POST", "/api/token"), 1);
    let requests = server.requests();
    let grant = form(&requests[0].body);
    assert_eq!(grant["grant_type"], "password");
    assert_eq!(grant["username"], "admin@example.com");
    assert_eq!(grant["password"], "pa55word");
    assert_eq!(grant["totp"], "123456");
    assert_eq!(grant["client_id"], "my-app");
    assert_eq!(
        requests[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    for request in &requests[1..] {
        assert_eq!(request.header("authorization"), Some("Bearer A1"));
    }
}

#[tokio::test]
async fn token_near_expiry_is_refreshed_and_the_new_refresh_token_kept() {
    let server = TestServer::start(|req, n| {
        if req.path == "/api/token" {
            // Each grant lasts 30 s: always inside the refresh margin.
            token(&format!("A{n}"), &format!("R{n}"), 30)
        } else {
            Reply::json(200, record(1))
        }
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "pa55word"));

    for id in 1..=3 {
        let _: Code = client.get_record(&GET, id).await.unwrap();
    }

    let requests = server.requests();
    let grants: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/api/token")
        .map(|r| form(&r.body))
        .collect();
    assert_eq!(grants.len(), 3);
    assert_eq!(grants[0]["grant_type"], "password");
    assert_eq!(grants[1]["grant_type"], "refresh_token");
    assert_eq!(grants[1]["refresh_token"], "R1");
    assert!(!grants[1].contains_key("password"));
    // The refresh answered R2, which replaced R1.
    assert_eq!(grants[2]["refresh_token"], "R2");
    let used: Vec<_> = requests
        .iter()
        .filter(|r| r.path != "/api/token")
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(used, ["Bearer A1", "Bearer A2", "Bearer A3"]);
}

#[tokio::test]
async fn refused_refresh_falls_back_to_the_password_grant() {
    let server = TestServer::start(|req, n| {
        if req.path != "/api/token" {
            return Reply::json(200, record(1));
        }
        if form(&req.body)["grant_type"] == "refresh_token" {
            Reply::json(
                400,
                json!({"error": "invalid_grant", "error_description": "revoked"}),
            )
        } else {
            token(&format!("A{n}"), &format!("R{n}"), 30)
        }
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "pa55word"));

    let _: Code = client.get_record(&GET, 1).await.unwrap();
    let _: Code = client.get_record(&GET, 2).await.unwrap();

    let requests = server.requests();
    let grant_types: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/api/token")
        .map(|r| form(&r.body)["grant_type"].clone())
        .collect();
    assert_eq!(grant_types, ["password", "refresh_token", "password"]);
    assert_eq!(
        requests.last().unwrap().header("authorization"),
        Some("Bearer A3")
    );
}

/// The grant types the token endpoint saw, in order.
fn grant_types(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/token")
        .map(|r| form(&r.body)["grant_type"].clone())
        .collect()
}

#[tokio::test]
async fn an_oauth_error_body_on_a_5xx_token_answer_is_retried_not_a_refusal() {
    // A 503 with an OAuth-shaped body, then a token: the status decides, so it is retried.
    let server = TestServer::start(|req, n| match (req.path.as_str(), n) {
        ("/api/token", 1) => Reply::json(503, json!({"error": "temporarily_unavailable"})),
        ("/api/token", _) => token("A2", "R2", 3600),
        _ => Reply::json(200, record(1)),
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "pa55word"));
    let _: Code = client.get_record(&GET, 1).await.expect("retried");
    assert_eq!(grant_types(&server), ["password", "password"]);

    // A refresh answered 500 with an OAuth body keeps the refresh token: the still valid
    // access token is used, and the password grant is not tried.
    let server = TestServer::start(|req, n| {
        if req.path != "/api/token" {
            return Reply::json(200, record(1));
        }
        match form(&req.body)["grant_type"].as_str() {
            "refresh_token" => Reply::json(500, json!({"error": "server_error"})),
            _ => token(&format!("A{n}"), "R", 30),
        }
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "pa55word"));
    let _: Code = client.get_record(&GET, 1).await.unwrap();
    let _: Code = client.get_record(&GET, 2).await.unwrap();
    assert_eq!(grant_types(&server), ["password", "refresh_token"]);
    assert!(
        server
            .requests()
            .iter()
            .filter(|r| r.path != "/api/token")
            .all(|r| r.header("authorization") == Some("Bearer A1"))
    );
}

#[tokio::test]
async fn a_failed_renewal_of_a_valid_token_is_not_tried_again_on_every_request() {
    // Tokens of 30 s are always inside the refresh margin; the refresh is throttled.
    let server = TestServer::start(|req, n| {
        if req.path != "/api/token" {
            return Reply::json(200, record(1));
        }
        match form(&req.body)["grant_type"].as_str() {
            "refresh_token" => Reply::raw(429, "").header("retry-after", "60"),
            _ => token(&format!("A{n}"), "R", 30),
        }
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "pa55word"));
    for id in 1..=4 {
        let _: Code = client.get_record(&GET, id).await.unwrap();
    }
    // One renewal tried; the next waits the endpoint's Retry-After (60 s).
    assert_eq!(grant_types(&server), ["password", "refresh_token"]);
    assert_eq!(server.count("GET", &format!("{BASE}/4")), 1);
}

#[tokio::test]
async fn an_expired_token_whose_renewal_fails_for_good_logs_in_again() {
    // Tokens expire at once; the refresh answers a 500 page (no OAuth body).
    let server = TestServer::start(|req, n| {
        if req.path != "/api/token" {
            return Reply::json(200, record(1));
        }
        match form(&req.body)["grant_type"].as_str() {
            "refresh_token" => Reply::raw(500, "<html>error</html>"),
            _ => token(&format!("A{n}"), "R", 0),
        }
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "pa55word"));
    let _: Code = client.get_record(&GET, 1).await.unwrap();
    let _: Code = client
        .get_record(&GET, 2)
        .await
        .expect("a new login, not the 500");
    assert_eq!(
        grant_types(&server),
        ["password", "refresh_token", "password"]
    );
}

#[tokio::test]
async fn unauthorized_with_a_cached_token_gets_a_new_token_and_retries_once() {
    let server = TestServer::start(|req, n| match req.path.as_str() {
        "/api/token" => token(&format!("A{n}"), "R", 3600),
        // Refused once, then accepted.
        p if p == format!("{BASE}/1") && n == 1 => {
            Reply::json(401, json!({"Message": "Authorization has been denied."}))
        }
        p if p == format!("{BASE}/1") => Reply::json(200, record(1)),
        // Always refused.
        _ => Reply::json(401, json!({"Message": "Authorization has been denied."})),
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "pa55word"));

    let code: Code = client.get_record(&GET, 1).await.unwrap();
    assert_eq!(code.id, 1);
    assert_eq!(server.count("POST", "/api/token"), 2);
    let tries: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == format!("{BASE}/1"))
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(tries, ["Bearer A1", "Bearer A2"]);

    // A second 401 is final: one re-grant, one retry.
    let err = client.get_record::<Code>(&GET, 2).await.unwrap_err();
    assert!(
        matches!(&err, Error::Unauthorized { message } if message == "Authorization has been denied."),
        "{err:?}"
    );
    assert_eq!(server.count("GET", &format!("{BASE}/2")), 2);
    assert_eq!(server.count("POST", "/api/token"), 3);
}

#[tokio::test]
async fn a_totp_code_is_sent_with_the_first_password_grant_only() {
    let server = TestServer::start(|req, n| match (req.path.as_str(), n) {
        // The first grant is throttled: not processed, so its retry sends the code again.
        ("/api/token", 1) => Reply::raw(429, ""),
        ("/api/token", _) => token(&format!("A{n}"), "R", 3600),
        // The first token is refused later, as after a revocation: log in again.
        (p, _) if p.ends_with("/2") && req.header("authorization") == Some("Bearer A2") => {
            Reply::raw(401, "")
        }
        _ => Reply::json(200, record(1)),
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "pa55word").totp("123456"));

    let _: Code = client.get_record(&GET, 1).await.unwrap();
    let _: Code = client.get_record(&GET, 2).await.unwrap();

    let grants: Vec<_> = server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/token")
        .map(|r| form(&r.body))
        .collect();
    assert_eq!(grants.len(), 3);
    assert_eq!(grants[0].get("totp").map(String::as_str), Some("123456"));
    assert_eq!(grants[1].get("totp").map(String::as_str), Some("123456"));
    assert_eq!(grants[2]["grant_type"], "password");
    assert_eq!(grants[2].get("totp"), None, "the code has expired by now");
}

#[tokio::test]
async fn invalid_grant_is_a_token_grant_error() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            400,
            json!({"error": "invalid_grant", "error_description": "The user name or password is incorrect."}),
        )
    })
    .await;
    let client = server.client(Auth::password("admin@example.com", "wrong-secret"));

    let err = client.get_record::<Code>(&GET, 1).await.unwrap_err();
    match &err {
        Error::TokenGrant { error, description } => {
            assert_eq!(error, "invalid_grant");
            assert_eq!(
                description.as_deref(),
                Some("The user name or password is incorrect.")
            );
        }
        other => panic!("expected TokenGrant, got {other:?}"),
    }
    assert!(!err.to_string().contains("wrong-secret"));
    // Only the grant: the resource was never asked.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let auths = [
        Auth::bearer("bearer-secret"),
        Auth::basic("admin@example.com", "basic-secret"),
        Auth::password("admin@example.com", "password-secret").totp("totp-secret"),
    ];
    for auth in auths {
        let client = Client::builder()
            .base_url("http://127.0.0.1:1")
            .auth(auth.clone())
            .build()
            .unwrap();
        for text in [
            format!("{auth:?}"),
            format!("{client:?}"),
            format!("{client:#?}"),
        ] {
            assert!(!text.contains("secret"), "leaked in {text}");
            assert!(text.contains("***"), "{text}");
        }
    }
}

#[tokio::test]
async fn debug_of_a_validation_error_shows_the_kind_of_value_not_a_sent_password() {
    // The API echoes what was sent, passwords included, in `AttemptedValue`.
    let server = TestServer::start(|_, _| {
        Reply::json(
            400,
            json!({"Message": "invalid", "WasSuccessful": false, "Errors": [
                {"PropertyName": "Password", "Message": "too short", "AttemptedValue": "hunter2-secret"},
                {"PropertyName": "Quantity", "Message": "too big", "AttemptedValue": 12},
            ]}),
        )
    })
    .await;
    let err = server
        .client(Auth::bearer("t"))
        .send_action(&CREATE, None, Some(&json!({"Password": "hunter2-secret"})))
        .await
        .unwrap_err();
    // The value is there for code that looks for it...
    assert_eq!(
        err.validation_errors()[0].attempted_value,
        Some(json!("hunter2-secret"))
    );
    // ...but neither Display nor Debug prints it.
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!text.contains("hunter2"), "leaked in {text}");
    }
    assert!(format!("{err:?}").contains("a string of 14 characters"));

    let file = nexudus::Download {
        content_type: Some("image/png".into()),
        bytes: vec![0x89; 4096],
    };
    assert_eq!(
        format!("{file:?}"),
        r#"Download { content_type: Some("image/png"), bytes: 4096 bytes }"#
    );
}

// ---------------------------------------------------------------------------------------
// Error kinds
// ---------------------------------------------------------------------------------------

/// The error a `GET {BASE}/42` answered by `reply` gives.
async fn error_for(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Error {
    let server = TestServer::start(move |_, _| reply()).await;
    server
        .client(Auth::bearer("t"))
        .get_record::<Code>(&GET, 42)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn validation_error_from_400_carries_each_error() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            400,
            json!({
                "Message": "Name: is a required field",
                "Value": null,
                "Errors": [
                    {"AttemptedValue": null, "Message": "is a required field", "PropertyName": "Name"},
                    {"AttemptedValue": 12, "Message": "is not a valid coworker", "PropertyName": "CoworkerId"},
                ],
                "WasSuccessful": false,
            }),
        )
    })
    .await;
    let err = server
        .client(Auth::bearer("t"))
        .send_action(&CREATE, None, Some(&json!({"CoworkerId": 12})))
        .await
        .unwrap_err();
    let Error::Validation {
        status,
        message,
        errors,
    } = &err
    else {
        panic!("expected Validation, got {err:?}");
    };
    assert_eq!(*status, 400);
    assert_eq!(message, "Name: is a required field");
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].property_name.as_deref(), Some("Name"));
    assert_eq!(errors[0].message, "is a required field");
    assert_eq!(errors[0].attempted_value, None);
    assert_eq!(errors[1].attempted_value, Some(json!(12)));
    assert_eq!(err.validation_errors().len(), 2);
    assert!(
        err.to_string()
            .contains("CoworkerId: is not a valid coworker"),
        "{err}"
    );
    // A POST that failed validation is not tried again.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn validation_error_from_a_500_envelope() {
    let err = error_for(|| {
        Reply::json(
            500,
            json!({
                "Status": 500,
                "Message": "Name: may not be null or empty",
                "Value": null,
                "WasSuccessful": false,
                "Errors": [{"AttemptedValue": null, "Message": "may not be null or empty", "PropertyName": "Name"}],
            }),
        )
    })
    .await;
    match err {
        Error::Validation {
            status: 500,
            message,
            errors,
        } => {
            assert_eq!(message, "Name: may not be null or empty");
            assert_eq!(errors[0].property_name.as_deref(), Some("Name"));
        }
        other => panic!("expected Validation, got {other:?}"),
    }
}

#[tokio::test]
async fn unauthorized_forbidden_and_not_found() {
    let err = error_for(|| Reply::raw(401, "")).await;
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");

    let err = error_for(|| Reply::json(403, json!({"Message": "Access denied"}))).await;
    match &err {
        Error::Forbidden { role, message } => {
            assert_eq!(*role, "CoworkerDiscountCode-Read");
            assert_eq!(message, "Access denied");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    assert!(err.to_string().contains("CoworkerDiscountCode-Read"));

    let err = error_for(|| Reply::raw(404, "Not Found")).await;
    match err {
        Error::NotFound { method, path } => {
            assert_eq!(method, Method::Get);
            assert_eq!(path, format!("{BASE}/42"));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn server_error_keeps_status_and_a_bounded_body() {
    let err = error_for(|| Reply::raw(500, "Internal kaboom")).await;
    match &err {
        Error::Server { status, body, .. } => {
            assert_eq!(*status, 500);
            assert_eq!(body, "Internal kaboom");
        }
        other => panic!("expected Server, got {other:?}"),
    }
    assert_eq!(err.status(), Some(500));

    // A huge body of multi-byte characters is cut on a character boundary.
    let err = error_for(|| Reply::raw(418, "é".repeat(100_000))).await;
    match err {
        Error::Server {
            status: 418, body, ..
        } => assert!(body.chars().count() <= 201, "{body}"),
        other => panic!("expected Server, got {other:?}"),
    }
}

#[tokio::test]
async fn unsuccessful_action_on_200_is_an_action_error() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            200,
            json!({"Status": 200, "Message": "The command could not run.", "Value": null, "WasSuccessful": false, "Errors": null}),
        )
    })
    .await;
    let err = server
        .client(Auth::bearer("t"))
        .run_command(&RUN_COMMAND, &RunCommand::new("KEY", [1, 2]))
        .await
        .unwrap_err();
    match err {
        Error::Action { message, errors } => {
            assert_eq!(message, "The command could not run.");
            assert!(errors.is_empty());
        }
        other => panic!("expected Action, got {other:?}"),
    }
}

#[tokio::test]
async fn decode_errors_name_the_json_path_and_quote_the_body() {
    let server = TestServer::start(|req, _| match req.query.as_str() {
        "page=1" => Reply::json(200, page(vec![json!({"Id": "not a number"})], 1, 1)),
        "page=2" => Reply::raw(200, r#"{"Records": [{"Id": 1}], "CurrentPa"#),
        _ => Reply::raw(200, vec![0xff, 0xfe, b'{', 0x80]),
    })
    .await;
    let client = server.client(Auth::bearer("t"));

    let err = client
        .get_page::<Code>(&LIST, vec![("page", "1".into())])
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            path,
            message,
            snippet,
        } => {
            assert_eq!(path, "Records[0].Id");
            assert!(message.contains("invalid type"), "{message}");
            // serde_json writes the keys sorted; the body is longer than the snippet.
            assert!(
                snippet.starts_with(r#"{"CurrentOrderField":"Id","#),
                "{snippet}"
            );
            assert!(
                snippet.ends_with('…') && snippet.chars().count() == 201,
                "{snippet}"
            );
        }
        other => panic!("expected Decode, got {other:?}"),
    }

    let err = client
        .get_page::<Code>(&LIST, vec![("page", "2".into())])
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            message, snippet, ..
        } => {
            assert!(message.contains("EOF"), "{message}");
            assert_eq!(snippet, r#"{"Records": [{"Id": 1}], "CurrentPa"#);
        }
        other => panic!("expected Decode, got {other:?}"),
    }

    // Not UTF-8 at all: an error, not a panic.
    let err = client
        .get_page::<Code>(&LIST, vec![("page", "3".into())])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn a_service_with_an_empty_throttle_message_classifies_errors_without_panicking() {
    static QUIET: nexudus::ServiceSchema = nexudus::ServiceSchema {
        throttle_message: "",
        ..nexudus::SERVICE
    };
    static QUIET_GET: Endpoint = Endpoint {
        service: &QUIET,
        ..GET
    };
    let server = TestServer::start(|_, _| Reply::json(409, json!({"Message": "busy"}))).await;
    let err = server
        .client(Auth::bearer("t"))
        .get_record::<Code>(&QUIET_GET, 1)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
}

#[tokio::test]
async fn conflict_without_the_throttle_message_is_not_retried() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            409,
            json!({"Message": "The record was changed by someone else."}),
        )
    })
    .await;
    let err = server
        .client(Auth::bearer("t"))
        .send_action(&UPDATE, None, Some(&json!({"Id": 1})))
        .await
        .unwrap_err();
    match err {
        Error::Conflict { message } => {
            assert_eq!(message, "The record was changed by someone else.")
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn bad_base_url_is_a_config_error() {
    for url in [
        "not a url",
        "ftp://example.com",
        "https://user:pw@example.com",
    ] {
        let err = Client::builder().base_url(url).build().unwrap_err();
        assert!(matches!(&err, Error::Config(_)), "{url}: {err:?}");
        assert!(!err.to_string().contains("pw@"), "{err}");
    }
    let client = Client::builder()
        .base_url("http://localhost:8080/prefix/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), Some("http://localhost:8080/prefix"));
    // Without one, requests go to the production URL of the spec.
    assert_eq!(Client::new(Auth::None).unwrap().base_url(), None);
}

// ---------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn gateway_errors_are_retried_until_success() {
    let server = TestServer::start(|_, n| {
        if n <= 2 {
            Reply::raw(503, "Service Unavailable")
        } else {
            Reply::json(200, record(5))
        }
    })
    .await;
    let code: Code = server
        .client(Auth::bearer("t"))
        .get_record(&GET, 5)
        .await
        .unwrap();
    assert_eq!(code.id, 5);
    assert_eq!(server.requests().len(), 3);
}

fn throttled_409(retry_after: &str) -> Reply {
    Reply::json(
        409,
        json!({"Message": nexudus::SERVICE.throttle_message, "WasSuccessful": false}),
    )
    .header("retry-after", retry_after)
}

#[tokio::test]
async fn throttled_409_waits_retry_after() {
    let server = TestServer::start(|req, n| match (req.path.as_str(), n) {
        (p, 1) if p.ends_with("/1") => throttled_409("0"),
        (p, 1) if p.ends_with("/2") => throttled_409("1"),
        _ => Reply::json(200, record(1)),
    })
    .await;
    let client = server.client(Auth::bearer("t"));

    let _: Code = client.get_record(&GET, 1).await.unwrap();
    assert_eq!(server.count("GET", &format!("{BASE}/1")), 2);

    let started = Instant::now();
    let _: Code = client.get_record(&GET, 2).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count("GET", &format!("{BASE}/2")), 2);
}

#[tokio::test]
async fn retry_after_beyond_max_delay_gives_up_at_once() {
    let server = TestServer::start(|_, _| throttled_409("120")).await;
    let err = server
        .client(Auth::bearer("t"))
        .get_record::<Code>(&GET, 1)
        .await
        .unwrap_err();
    match err {
        Error::Throttled { retry_after } => {
            assert_eq!(retry_after, Some(Duration::from_secs(120)));
        }
        other => panic!("expected Throttled, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_as_a_past_http_date_means_now() {
    let server = TestServer::start(|_, n| {
        if n == 1 {
            throttled_409("Sun, 06 Nov 1994 08:49:37 GMT")
        } else {
            Reply::json(200, record(1))
        }
    })
    .await;
    // A max_delay this short would give up on any wait the date could mean.
    let code: Code = server
        .client_with(
            Auth::bearer("t"),
            fast_retries().max_delay(Duration::from_millis(1)),
        )
        .get_record(&GET, 1)
        .await
        .expect("retried at once");
    assert_eq!(code.id, 1);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn unreadable_huge_or_infinite_retry_after_gives_up_at_once() {
    for value in [
        "soon",
        "-1",
        "NaN",
        "inf",
        "Infinity",
        "1e400",
        "99999999999999999999999",
        "Sun, 06 Nov 99999 08:49:37 GMT",
    ] {
        let server = TestServer::start(move |_, _| throttled_409(value)).await;
        let err = server
            .client(Auth::bearer("t"))
            .get_record::<Code>(&GET, 1)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Throttled { retry_after: Some(wait) } if wait == Duration::MAX),
            "{value}: {err:?}"
        );
        assert_eq!(server.requests().len(), 1, "{value}");
        assert!(err.to_string().contains("unreadable or too long"), "{err}");
    }
    // Even a policy that waits as long as the API asks does not wait for an unreadable
    // Retry-After.
    let server = TestServer::start(|_, _| throttled_409("soon")).await;
    let err = server
        .client_with(Auth::bearer("t"), fast_retries().max_delay(Duration::MAX))
        .get_record::<Code>(&GET, 1)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Throttled { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn exhausted_429_retries_are_throttled() {
    let server = TestServer::start(|_, _| Reply::raw(429, "Too Many Requests")).await;
    let err = server
        .client_with(Auth::bearer("t"), fast_retries().max_attempts(3))
        .get_page::<Code>(&LIST, Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Throttled { retry_after: None }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_throttled_post_is_retried_by_default() {
    for first in [(|| throttled_409("0")) as fn() -> Reply, || {
        Reply::raw(429, "Too Many Requests")
    }] {
        let server = TestServer::start(move |_, n| {
            if n == 1 {
                first()
            } else {
                Reply::json(200, ok_action(9))
            }
        })
        .await;
        let answer = server
            .client(Auth::bearer("t"))
            .send_action(&CREATE, None, Some(&json!({"CoworkerId": 1})))
            .await
            .expect("the throttled create is sent again");
        assert_eq!(answer.id(), Some(9));
        let run = server
            .client(Auth::bearer("t"))
            .run_command(&RUN_COMMAND, &RunCommand::new("KEY", [1]))
            .await;
        assert!(run.is_ok(), "{run:?}");
        assert_eq!(server.count("POST", BASE), 2);
        assert_eq!(server.count("POST", &format!("{BASE}/runcommand")), 2);
    }

    // Throttled every time: the policy's attempts, then Throttled.
    let server = TestServer::start(|_, _| Reply::raw(429, "")).await;
    let err = server
        .client_with(Auth::bearer("t"), fast_retries().max_attempts(3))
        .send_action(&CREATE, None, Some(&json!({"CoworkerId": 1})))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Throttled { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_throttled_or_unavailable_token_endpoint_is_retried() {
    let replies: [fn() -> Reply; 4] = [
        || throttled_409("0"),
        || Reply::raw(429, ""),
        || Reply::raw(503, "Service Unavailable"),
        || Reply::raw(502, "Bad Gateway"),
    ];
    for first in replies {
        let server = TestServer::start(move |req, n| match (req.path.as_str(), n) {
            ("/api/token", 1) => first(),
            ("/api/token", _) => token("A2", "R2", 3600),
            (_, _) if req.method == "POST" => Reply::json(200, ok_action(9)),
            _ => Reply::json(200, record(1)),
        })
        .await;
        let client = server.client(Auth::password("admin@example.com", "pa55word"));
        let code: Code = client.get_record(&GET, 1).await.expect("a GET");
        assert_eq!(code.id, 1);
        assert_eq!(server.count("POST", "/api/token"), 2);
        assert_eq!(
            server
                .requests()
                .last()
                .and_then(|r| r.header("authorization").map(str::to_owned)),
            Some("Bearer A2".to_owned())
        );
    }

    // The same for a POST: the create itself was never sent.
    let server = TestServer::start(|req, n| match (req.path.as_str(), n) {
        ("/api/token", 1) => Reply::raw(503, ""),
        ("/api/token", _) => token("A2", "R2", 3600),
        _ => Reply::json(200, ok_action(9)),
    })
    .await;
    let created = server
        .client(Auth::password("admin@example.com", "pa55word"))
        .send_action(&CREATE, None, Some(&json!({"CoworkerId": 1})))
        .await
        .expect("a create");
    assert_eq!(created.id(), Some(9));
    assert_eq!(server.count("POST", BASE), 1);

    // Throttled every time: the policy's attempts, then Throttled; the resource is never
    // asked.
    let server = TestServer::start(|_, _| Reply::raw(429, "")).await;
    let err = server
        .client_with(
            Auth::password("admin@example.com", "pa55word"),
            fast_retries().max_attempts(3),
        )
        .get_record::<Code>(&GET, 1)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Throttled { .. }), "{err:?}");
    assert_eq!(server.count("POST", "/api/token"), 3);
    assert_eq!(server.requests().len(), 3);

    // An unavailable token endpoint's Retry-After is honoured: longer than the policy will
    // wait (3 s here), so the client gives up at once instead of retrying sooner.
    let server =
        TestServer::start(|_, _| Reply::raw(503, "maintenance").header("retry-after", "3600"))
            .await;
    let err = server
        .client_with(
            Auth::password("admin@example.com", "pa55word"),
            fast_retries().max_attempts(3),
        )
        .get_record::<Code>(&GET, 1)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Server { status: 503, retry_after: Some(wait), .. } if wait == Duration::from_secs(3600)),
        "{err:?}"
    );
    assert_eq!(server.count("POST", "/api/token"), 1);
}

#[tokio::test]
async fn post_is_retried_only_when_allowed() {
    // The first two POSTs are refused, later ones succeed.
    let server = TestServer::start(|_, n| {
        if n <= 2 {
            Reply::raw(503, "busy")
        } else {
            Reply::json(200, ok_action(9))
        }
    })
    .await;
    let body = json!({"CoworkerId": 1});

    let err = server
        .client(Auth::bearer("t"))
        .send_action(&CREATE, None, Some(&body))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);

    let answer = server
        .client_with(Auth::bearer("t"), fast_retries().retry_post(true))
        .send_action(&CREATE, None, Some(&body))
        .await
        .unwrap();
    assert_eq!(answer.id(), Some(9));
    assert_eq!(server.requests().len(), 3);
}

/// A server whose DELETE answers `first` once, then 404 (the record never existed).
async fn delete_refused_then_missing(first: fn() -> Reply) -> TestServer {
    TestServer::start(move |req, n| match req.method.as_str() {
        "POST" => token(&format!("A{n}"), "R", 3600),
        _ if n == 1 => first(),
        _ => Reply::json(
            404,
            json!({"Message": "The CoworkerDiscountCode was not found."}),
        ),
    })
    .await
}

#[tokio::test]
async fn a_delete_refused_unprocessed_then_404_is_not_found() {
    // Throttled: the API did not process the first attempt, so the 404 is the record's.
    for first in [(|| throttled_409("0")) as fn() -> Reply, || {
        Reply::raw(429, "Too Many Requests")
    }] {
        let server = delete_refused_then_missing(first).await;
        let result = server
            .client(Auth::bearer("t"))
            .send_action::<()>(&DELETE, Some(77), None)
            .await;
        assert!(matches!(result, Err(Error::NotFound { .. })), "{result:?}");
        assert_eq!(server.count("DELETE", &format!("{BASE}/77")), 2);
    }

    // Refused with 401, then sent again with a new token.
    let server = delete_refused_then_missing(|| Reply::raw(401, "")).await;
    let result = server
        .client(Auth::password("admin@example.com", "pa55word"))
        .send_action::<()>(&DELETE, Some(77), None)
        .await;
    assert!(matches!(result, Err(Error::NotFound { .. })), "{result:?}");
    assert_eq!(server.count("POST", "/api/token"), 2);

    // A gateway error may hide a delete that took effect: then 404 means done.
    let server = delete_refused_then_missing(|| Reply::raw(502, "Bad Gateway")).await;
    server
        .client(Auth::bearer("t"))
        .send_action::<()>(&DELETE, Some(77), None)
        .await
        .expect("the first attempt may have deleted it");
}

#[tokio::test]
async fn retry_policy_none_tries_once() {
    let server = TestServer::start(|_, _| Reply::raw(503, "busy")).await;
    let err = server
        .client_with(Auth::bearer("t"), RetryPolicy::none())
        .get_record::<Code>(&GET, 1)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_failures_are_transport_errors() {
    // Bind and drop a listener so the port is (very likely) closed.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let err = client.get_record::<Code>(&GET, 1).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn transport_errors_name_the_path_and_query_names_but_no_values() {
    let query = Query::new()
        .filter(Filter::Notes("jane.doe@example.com".into()))
        .page(7);
    let check = |err: Error| {
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("jane.doe"), "leaked in {text}");
            assert!(!text.contains("=7"), "leaked in {text}");
            assert!(text.contains(BASE), "{text}");
            assert!(text.contains("CoworkerDiscountCode_Notes"), "{text}");
        }
    };

    // Refused connections.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    check(
        client
            .get_page::<Code>(&LIST, query.query_pairs(&nexudus::SERVICE.paging))
            .await
            .unwrap_err(),
    );

    // A server that accepts and never answers: a timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = Client::builder()
        .base_url(format!("http://{}", silent.local_addr().unwrap()))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    check(
        client
            .get_page::<Code>(&LIST, query.query_pairs(&nexudus::SERVICE.paging))
            .await
            .unwrap_err(),
    );
}

// ---------------------------------------------------------------------------------------
// Requests: query strings, bodies, paths
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn query_string_matches_the_documents_spelling() {
    let server = TestServer::start(|_, _| Reply::json(200, page(vec![record(1)], 1, 1))).await;
    let client = server.client(Auth::bearer("t"));
    let query = Query::new()
        .page(2)
        .size(5000)
        .order_by(Sort::CreatedOn, SortDirection::Descending)
        .filter(Filter::Ids(vec![1, 2]))
        .filter(Filter::UpdatedFrom("2025-01-01T00:00:00Z".parse().unwrap()))
        .filter(Filter::Notes("a b&c=d+#%é".into()));

    let page = client
        .get_page::<Code>(&LIST, query.query_pairs(&nexudus::SERVICE.paging))
        .await
        .unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.current_sort_direction, Some(1));

    let expected = "page=2&size=1000&orderBy=CreatedOn&dir=-1&CoworkerDiscountCode_Id=[1,2]\
                    &from_CoworkerDiscountCode_UpdatedOn=2025-01-01T00:00\
                    &CoworkerDiscountCode_Notes=a%20b%26c%3Dd%2B%23%25%C3%A9";
    assert_eq!(server.requests()[0].query, expected);
    assert_eq!(query.query_string(&nexudus::SERVICE.paging), expected);
    assert_eq!(nexudus::id_list(&[]), "[]");

    // Nothing set, nothing sent; ascending is `dir=1`.
    let _ = client
        .get_page::<Code>(&LIST, Query::new().query_pairs(&nexudus::SERVICE.paging))
        .await
        .unwrap();
    assert_eq!(server.requests()[1].query, "");
    assert_eq!(
        Query::new()
            .order_by(Sort::CreatedOn, SortDirection::Ascending)
            .query_string(&nexudus::SERVICE.paging),
        "orderBy=CreatedOn&dir=1"
    );
}

#[tokio::test]
async fn actions_send_json_and_fill_the_id() {
    let server = TestServer::start(|req, _| match req.method.as_str() {
        "GET" => Reply::json(
            200,
            json!([
                {"Key": "COMMAND_KEY_1", "Name": "Command 1", "Order": 2, "RequiresParameters": []},
                {"Key": "COMMAND_KEY_2", "AppliesOnlyToOneEntity": true, "DisplayInDropdownV2": true,
                 "RequiresParameters": [{"Name": "Parameter 1", "Type": "string"}]},
                {"Key": "COMMAND_KEY_3", "RequiresParameters": null, "DisplayInGrid": null},
            ]),
        ),
        "DELETE" => Reply::json(
            200,
            json!({"Status": 200, "WasSuccessful": true, "Message": "The record was deleted successfully.", "Value": null, "Errors": null}),
        ),
        _ => Reply::json(200, ok_action(87654321)),
    })
    .await;
    let client = server.client(Auth::bearer("t"));

    let created = client
        .send_action(
            &CREATE,
            None,
            Some(&json!({"CoworkerId": 1, "BusinessId": 2})),
        )
        .await
        .unwrap();
    assert!(created.was_successful);
    assert_eq!(created.id(), Some(87654321));
    assert_eq!(created.new_id().unwrap(), 87654321);

    let deleted = client
        .send_action::<()>(&DELETE, Some(5), None)
        .await
        .unwrap();
    assert_eq!(deleted.id(), None);
    assert!(matches!(deleted.new_id(), Err(Error::Decode { .. })));

    let command = RunCommand::new("COMMAND_KEY_2", [1329961649])
        .parameter("string", 987654321)
        .parameter("Boolean", true);
    client.run_command(&RUN_COMMAND, &command).await.unwrap();

    let commands = client.get_commands(&COMMANDS).await.unwrap();
    assert_eq!(commands.len(), 3);
    assert_eq!(commands[0].order, Some(2));
    assert!(commands[1].applies_only_to_one_entity && commands[1].display_in_dropdown_v2);
    assert_eq!(
        commands[1].requires_parameters[0].r#type.as_deref(),
        Some("string")
    );
    assert!(commands[2].requires_parameters.is_empty() && !commands[2].display_in_grid);

    // An action without an id for a `{Id}` path cannot be built.
    let err = client
        .send_action::<()>(&DELETE, None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    let sent: Value = serde_json::from_str(&requests[0].body).unwrap();
    assert_eq!(sent, json!({"CoworkerId": 1, "BusinessId": 2}));
    assert_eq!(requests[1].method, "DELETE");
    assert_eq!(requests[1].path, format!("{BASE}/5"));
    assert_eq!(requests[1].body, "");
    let sent: Value = serde_json::from_str(&requests[2].body).unwrap();
    assert_eq!(
        sent,
        json!({"Key": "COMMAND_KEY_2", "Ids": [1329961649],
               "Parameters": [{"Type": "string", "Value": 987654321}, {"Type": "Boolean", "Value": true}]})
    );
    assert_eq!(requests[3].path, format!("{BASE}/commands"));
}

// ---------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_call_is_sent_when_awaited_and_owns_what_it_needs() {
    let server = TestServer::start(|_, _| Reply::json(200, record(7))).await;
    let client = server.client(Auth::bearer("t"));

    let call = client.get_record::<Code>(&GET, 7);
    assert!(format!("{call:?}").contains("/api/billing/coworkerdiscountcodes/{Id}"));
    // Built, not sent, even given time; and one dropped unpolled is never sent.
    drop(client.get_record::<Code>(&GET, 8));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.requests().is_empty());
    // It holds its own clone of the client, so it outlives this one and runs on
    // another task.
    drop(client);
    let code = tokio::spawn(call).await.unwrap().unwrap();
    assert_eq!(code.id, 7);
    assert_eq!(server.count("GET", &format!("{BASE}/7")), 1);
}

#[tokio::test]
async fn a_call_polled_after_its_answer_is_an_error_not_a_second_request() {
    let server = TestServer::start(|_, _| Reply::json(200, record(7))).await;
    let client = server.client(Auth::bearer("t"));

    let mut call = client.get_record::<Code>(&GET, 7);
    assert!(!call.is_terminated());
    assert_eq!((&mut call).await.unwrap().id, 7);
    assert!(call.is_terminated());
    let again = (&mut call).await.unwrap_err();
    assert!(
        matches!(&again, Error::Config(m) if m.contains("polled after it completed")),
        "{again:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn find_by_ids_takes_at_most_the_largest_page_of_ids_in_one_request() {
    let server = TestServer::start(|_, _| Reply::json(200, page(vec![record(1)], 1, 1))).await;
    let client = server.client(Auth::bearer("t"));
    let paging = &nexudus::SERVICE.paging;
    let max = i64::from(paging.max_size);

    let too_many: Vec<i64> = (1..=max + 1).collect();
    let err = client
        .find_by_ids::<Code>(&LIST, "CoworkerDiscountCode_Id", &too_many)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains(&format!("at most {max} ids"))),
        "{err:?}"
    );
    assert!(server.requests().is_empty());

    let most: Vec<i64> = (1..=max).collect();
    client
        .find_by_ids::<Code>(&LIST, "CoworkerDiscountCode_Id", &most)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .query
            .contains(&format!("{}={max}", paging.size)),
        "{}",
        requests[0].query
    );
}

#[tokio::test]
async fn an_answer_longer_than_max_answer_bytes_is_a_decode_error_not_retried() {
    let notes = "x".repeat(2000);
    let server =
        TestServer::start(move |_, _| Reply::json(200, json!({"Id": 1, "Notes": notes}))).await;
    let small = Client::builder()
        .base_url(&server.base_url)
        .auth(Auth::bearer("t"))
        .retry(fast_retries())
        .max_answer_bytes(1024)
        .build()
        .unwrap();
    let err = small.get_record::<Code>(&GET, 1).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { message, .. } if message.contains("larger than 1024 bytes")),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "not retried");

    // The default limit (64 MiB) reads it.
    let code: Code = server
        .client(Auth::bearer("t"))
        .get_record(&GET, 1)
        .await
        .unwrap();
    assert_eq!(code.notes.map(|n| n.len()), Some(2000));
}

#[tokio::test]
async fn a_body_that_cannot_be_json_is_an_error_without_a_request() {
    let server = TestServer::start(|_, _| Reply::json(200, ok_action(1))).await;
    let client = server.client(Auth::bearer("t"));

    // JSON object keys must be strings.
    let body = std::collections::BTreeMap::from([((1, 2), 3)]);
    let err = client
        .send_action(&CREATE, None, Some(&body))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("cannot serialize the request body")),
        "{err:?}"
    );
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------

async fn three_pages() -> TestServer {
    TestServer::start(|req, _| {
        let number: i64 = req
            .query
            .split('&')
            .find_map(|pair| pair.strip_prefix("page="))
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        Reply::json(
            200,
            page(
                vec![record(number * 10 + 1), record(number * 10 + 2)],
                number,
                3,
            ),
        )
    })
    .await
}

#[tokio::test]
async fn stream_pages_fetch_the_next_page_while_the_caller_works_on_one() {
    let server = three_pages().await;
    let client = server.client(Auth::bearer("t"));

    // Nothing is sent before the stream is polled.
    let mut stream = client.stream_pages::<Code, _, _>(&LIST, Query::new().size(2));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.requests().len(), 0);
    // With the first record in hand, and the stream not polled again, page 2 is on its way.
    assert_eq!(stream.next().await.unwrap().unwrap().id, 11);
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.requests().len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let queries: Vec<_> = server.requests().iter().map(|r| r.query.clone()).collect();
    assert_eq!(queries, ["page=1&size=2", "page=2&size=2"]);
    // Dropped, it fetches nothing more: page 3 is never asked for.
    drop(stream);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.requests().len(), 2);
    server.state.requests.lock().unwrap().clear();

    let mut stream = client.stream_pages::<Code, _, _>(&LIST, Query::new().size(2));
    let mut ids = Vec::new();
    while let Some(code) = stream.next().await {
        ids.push(code.unwrap().id);
    }
    assert_eq!(ids, [11, 12, 21, 22, 31, 32]);
    let queries: Vec<_> = server.requests().iter().map(|r| r.query.clone()).collect();
    assert_eq!(queries, ["page=1&size=2", "page=2&size=2", "page=3&size=2"]);

    // Starting at the query's page.
    let rest: Vec<Code> = client
        .stream_pages(&LIST, Query::new().page(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|c| c.id).collect::<Vec<_>>(), [31, 32]);
}

#[tokio::test]
async fn stream_pages_ends_after_an_error() {
    let server = TestServer::start(|_, n| {
        if n == 1 {
            Reply::json(200, page(vec![record(1)], 1, 2))
        } else {
            Reply::json(403, json!({"Message": "no"}))
        }
    })
    .await;
    let items: Vec<Result<Code, Error>> = server
        .client(Auth::bearer("t"))
        .stream_pages(&LIST, Query::new())
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(matches!(items[1], Err(Error::Forbidden { .. })));
}

/// A list server answering each `page=N` with `answer(N)`.
async fn pages(answer: fn(i64) -> Value) -> TestServer {
    TestServer::start(move |req, _| {
        let number = req
            .query
            .split('&')
            .find_map(|pair| pair.strip_prefix("page="))
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        Reply::json(200, answer(number))
    })
    .await
}

/// The ids a stream yields (at most 20, so a stream that never ends fails rather than hangs)
/// and its error, if it ends with one.
async fn stream_ids(server: &TestServer) -> (Vec<i64>, Option<Error>) {
    let items: Vec<Result<Code, Error>> = server
        .client(Auth::bearer("t"))
        .stream_pages(&LIST, Query::new().size(2))
        .take(20)
        .collect()
        .await;
    let mut ids = Vec::new();
    let mut error = None;
    for item in items {
        match item {
            Ok(code) => ids.push(code.id),
            Err(e) => error = Some(e),
        }
    }
    (ids, error)
}

#[tokio::test]
async fn a_stream_from_a_server_that_ignores_page_ends_with_an_error_not_duplicates() {
    // Always page 1 of 3, whatever was asked.
    let server = pages(|_| page(vec![record(11), record(12)], 1, 3)).await;
    let (ids, error) = stream_ids(&server).await;
    assert_eq!(ids, [11, 12], "page 1 is not yielded twice");
    match error {
        Some(Error::Decode { path, message, .. }) => {
            assert_eq!(path, "CurrentPage");
            assert!(
                message.contains("page 2") && message.contains("page 1"),
                "{message}"
            );
        }
        other => panic!("expected a Decode error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_stream_stops_where_total_pages_or_has_next_page_says_the_last_page_is() {
    // HasNextPage is always true, but TotalPages is 3; pages beyond answer records anyway.
    let server = pages(|n| {
        let mut answer = page(vec![record(n * 10 + 1), record(n * 10 + 2)], n, 3);
        answer["HasNextPage"] = json!(true);
        answer
    })
    .await;
    let (ids, error) = stream_ids(&server).await;
    assert_eq!(ids, [11, 12, 21, 22, 31, 32]);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(server.requests().len(), 3);

    // TotalPages and HasNextPage both claim more than there is: the empty page ends it.
    let server = pages(|n| {
        let records = if n <= 2 {
            vec![record(n * 10 + 1), record(n * 10 + 2)]
        } else {
            Vec::new()
        };
        page(records, n, 99)
    })
    .await;
    let (ids, error) = stream_ids(&server).await;
    assert_eq!(ids, [11, 12, 21, 22]);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(server.requests().len(), 3);

    // HasNextPage false ends it, whatever TotalPages says.
    let server = pages(|n| {
        let mut answer = page(vec![record(n * 10 + 1)], n, 3);
        answer["HasNextPage"] = json!(false);
        answer
    })
    .await;
    let (ids, _) = stream_ids(&server).await;
    assert_eq!(ids, [11]);
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------
// DateTime
// ---------------------------------------------------------------------------------------

#[test]
fn datetime_is_lenient_and_round_trips() {
    // (input, serialized, has Z)
    let table = [
        ("2025-01-15T10:30:00Z", "2025-01-15T10:30:00Z", true),
        ("2025-01-15T10:30:00", "2025-01-15T10:30:00", false),
        ("2025-01-15T10:30Z", "2025-01-15T10:30:00Z", true),
        ("2025-01-15T10:30", "2025-01-15T10:30:00", false),
        ("2025-01-15T10:30:00.5Z", "2025-01-15T10:30:00.5Z", true),
        (
            "2025-01-15T10:30:00.1234567Z",
            "2025-01-15T10:30:00.1234567Z",
            true,
        ),
        ("2025-01-15T10:30:00.123", "2025-01-15T10:30:00.123", false),
        ("2025-01-15 10:30:00", "2025-01-15T10:30:00", false),
        (" 2025-01-15T10:30:00z ", "2025-01-15T10:30:00Z", true),
        ("2025-01-15T12:30:00+02:00", "2025-01-15T10:30:00Z", true),
        ("2025-01-15", "2025-01-15T00:00:00", false),
    ];
    for (input, serialized, utc) in table {
        let parsed = DateTime::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(parsed.to_string(), serialized, "{input}");
        assert_eq!(parsed.is_utc(), utc, "{input}");
        let json = serde_json::to_string(&parsed).unwrap();
        assert_eq!(json, format!("\"{serialized}\""));
        let back: DateTime = serde_json::from_str(&json).unwrap();
        assert_eq!(back, parsed, "{input}");
        assert_eq!(
            parsed.to_filter_string(nexudus::SERVICE.filter_datetime_format),
            serialized[..16],
            "{input}"
        );
    }

    for bad in [
        "",
        "yesterday",
        "2025-13-01T00:00:00Z",
        "2025-01-15T25:00",
        "2025-01-15TZ",
    ] {
        assert!(DateTime::parse(bad).is_err(), "{bad}");
        assert!(serde_json::from_str::<DateTime>(&format!("\"{bad}\"")).is_err());
    }
    assert!(serde_json::from_str::<DateTime>("12").is_err());
    assert_eq!(
        serde_json::from_str::<Option<DateTime>>("null").unwrap(),
        None
    );

    let utc = chrono::DateTime::parse_from_rfc3339("2025-01-15T10:30:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert_eq!(DateTime::from(utc).to_string(), "2025-01-15T10:30:00Z");
    let naive = utc.naive_utc();
    let local = DateTime::from(naive);
    assert_eq!(local.to_string(), "2025-01-15T10:30:00");
    assert_eq!(local.naive(), naive);
    assert!(local < "2025-01-15T10:31".parse().unwrap());
}

#[tokio::test]
async fn undecodable_token_answers_are_not_quoted() {
    let server = TestServer::start(|_, _| {
        Reply::json(200, json!({"access_token": 12, "refresh_token": "leak-me"}))
    })
    .await;
    let err = server
        .client(Auth::password("admin@example.com", "pa55word"))
        .get_record::<Code>(&GET, 1)
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, snippet, .. } => {
            assert_eq!(path, "access_token");
            assert!(!snippet.contains("leak-me"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(!err.to_string().contains("leak-me"), "{err}");
}

/// Callers spawn these futures and streams on multi-threaded runtimes.
#[test]
fn request_futures_are_send() {
    fn assert_send<T: Send + 'static>(_: T) {}
    let client = Client::builder().build().unwrap();
    let c = client.clone();
    assert_send(async move { c.get_page::<Code>(&LIST, Vec::new()).await });
    let c = client.clone();
    assert_send(async move { c.get_record::<Code>(&GET, 1).await });
    let c = client.clone();
    assert_send(async move { c.send_action(&CREATE, None, Some(&json!({}))).await });
    let c = client.clone();
    assert_send(async move { c.get_commands(&COMMANDS).await });
    assert_send(client.stream_pages::<Code, _, _>(&LIST, Query::new()));
}
