//! The HTTP side: routes built from every endpoint of [`nexudus::ENTITIES`], and the one
//! pipeline every request goes through: log, fault, throttle, authenticate, authorize,
//! read the body, handle.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter, post};
use futures::StreamExt;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use super::auth::user_key;
use super::faults::{self, FaultKind};
use super::query;
use super::state::{Shared, lock};
use super::store::{UpdateError, body_object};
use nexudus::SERVICE;
use nexudus::{
    ActionResponse, EndpointKind, EndpointSchema, EntitySchema, Method, RunCommand, ValidationError,
};

/// The largest request body read, once the caller is authorized.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// The largest token request read: it comes before authentication, and a form with a user
/// name, a password and a code is far smaller.
const MAX_TOKEN_BODY_BYTES: usize = 64 * 1024;

/// The endpoints of one entity served at one path with one method: one, or list and find
/// by ids, which share `GET` of the list path.
#[derive(Debug)]
struct Route {
    entity: usize,
    endpoints: Vec<&'static EndpointSchema>,
}

/// What a request is for.
#[derive(Debug, Clone)]
enum Target {
    Token,
    Entity(Arc<Route>),
    /// Who the credentials belong to (`SERVICE.current_user_path`).
    CurrentUser,
    /// A known path with another method.
    MethodNotAllowed,
    Unknown,
}

/// An answer before it becomes a response, so faults can change it.
struct Answer {
    status: u16,
    body: Option<Value>,
    /// A binary file instead of JSON: its content type and bytes.
    file: Option<(String, Vec<u8>)>,
    retry_after: Option<Duration>,
}

/// The JSON content type of every answer but files.
const JSON: &str = "application/json; charset=utf-8";

impl Answer {
    fn json(status: u16, body: impl serde::Serialize) -> Self {
        Self {
            status,
            body: Some(serde_json::to_value(body).unwrap_or(Value::Null)),
            file: None,
            retry_after: None,
        }
    }

    fn message(status: u16, message: impl Into<String>) -> Self {
        let mut body = serde_json::Map::new();
        body.insert(
            SERVICE.envelopes.action.message.to_owned(),
            message.into().into(),
        );
        Self::json(status, Value::Object(body))
    }

    fn file(content_type: String, bytes: Vec<u8>) -> Self {
        Self {
            status: 200,
            body: None,
            file: Some((content_type, bytes)),
            retry_after: None,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        if let Some((_, bytes)) = &self.file {
            return bytes.clone();
        }
        self.body
            .as_ref()
            .map(Value::to_string)
            .unwrap_or_default()
            .into_bytes()
    }

    fn content_type(&self) -> &str {
        self.file.as_ref().map_or(JSON, |(t, _)| t.as_str())
    }

    fn into_response(self) -> Response {
        self.response_with(self.bytes())
    }

    /// The answer's status, headers and content type with `body`, which a fault may have
    /// cut short.
    fn response_with(&self, body: impl Into<Body>) -> Response {
        let mut response = response(self.status, body, self.retry_after);
        if let Ok(content_type) = HeaderValue::from_str(self.content_type()) {
            response.headers_mut().insert(CONTENT_TYPE, content_type);
        }
        response
    }
}

fn response(status: u16, body: impl Into<Body>, retry_after: Option<Duration>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    if let Some(wait) = retry_after {
        // Whole seconds, rounded up, as HTTP writes them.
        let seconds = wait
            .as_secs()
            .saturating_add(u64::from(wait.subsec_nanos() > 0));
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// Builds the router of every entity's endpoints, the token path and a fallback.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    // Path → method → the endpoints there.
    let mut paths: BTreeMap<&'static str, BTreeMap<&'static str, Route>> = BTreeMap::new();
    for (entity, schema) in nexudus::ENTITIES.iter().enumerate() {
        for endpoint in schema.endpoints {
            let path = endpoint.endpoint.path;
            if path == SERVICE.token_path || !routable(path) {
                tracing::warn!(path, "the emulator cannot serve this path");
                continue;
            }
            let route = paths
                .entry(path)
                .or_default()
                .entry(endpoint.endpoint.method.as_str())
                .or_insert_with(|| Route {
                    entity,
                    endpoints: Vec::new(),
                });
            // The spec's checks keep list paths unique per entity; never mix two.
            if route.entity == entity {
                route.endpoints.push(endpoint);
            }
        }
    }

    let handler = |shared: &Arc<Shared>, target: Target| {
        let shared = Arc::clone(shared);
        move |request: Request| serve(Arc::clone(&shared), target.clone(), request)
    };
    let mut router = Router::new().route(
        SERVICE.token_path,
        post(handler(&shared, Target::Token)).fallback(handler(&shared, Target::MethodNotAllowed)),
    );
    if let Some(path) = SERVICE.current_user_path.filter(|p| routable(p)) {
        router = router.route(
            path,
            axum::routing::get(handler(&shared, Target::CurrentUser))
                .fallback(handler(&shared, Target::MethodNotAllowed)),
        );
    }
    for (path, methods) in paths {
        let mut method_router = MethodRouter::new();
        for (method, route) in methods {
            let filter = match method {
                "GET" => MethodFilter::GET,
                "POST" => MethodFilter::POST,
                "PUT" => MethodFilter::PUT,
                _ => MethodFilter::DELETE,
            };
            method_router =
                method_router.on(filter, handler(&shared, Target::Entity(Arc::new(route))));
        }
        method_router = method_router.fallback(handler(&shared, Target::MethodNotAllowed));
        router = router.route(path, method_router);
    }
    router.fallback(handler(&shared, Target::Unknown))
}

/// Whether axum can route the path as is: absolute, and its only placeholder `{Id}`.
fn routable(path: &str) -> bool {
    path.starts_with('/')
        && path.split('/').skip(1).all(|segment| {
            segment == "{Id}" || !(segment.contains(['{', '}']) || segment.starts_with([':', '*']))
        })
}

/// The spec's method of a request; HEAD is a GET without the body, so it reads, and faults
/// for GET meet it.
fn method_of(method: &axum::http::Method) -> Option<Method> {
    match method.as_str() {
        "GET" | "HEAD" => Some(Method::Get),
        "POST" => Some(Method::Post),
        "PUT" => Some(Method::Put),
        "DELETE" => Some(Method::Delete),
        _ => None,
    }
}

/// Every request: log it, meet a fault, then answer.
async fn serve(shared: Arc<Shared>, target: Target, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let method = method_of(&parts.method);
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let entry = shared.log(parts.method.as_str(), &path, &query);
    let fault = faults::take(&mut lock(&shared.faults), method, &path);
    let answer = |shared: Arc<Shared>| async move {
        answer(
            &shared,
            &target,
            &parts.method,
            &path,
            &query,
            &parts.headers,
            body,
        )
        .await
    };

    let response = match fault {
        Some(FaultKind::DropConnection) => {
            shared.set_status(entry, None);
            return dropped_connection();
        }
        Some(FaultKind::Status {
            status,
            body,
            retry_after,
        }) => response(status, body, retry_after),
        Some(FaultKind::Malformed) => response(200, r#"{"Records": [{"Id": 1,, "#, None),
        Some(FaultKind::Truncated) => {
            let answer = answer(Arc::clone(&shared)).await;
            let mut bytes = answer.bytes();
            bytes.truncate(bytes.len() / 2);
            answer.response_with(bytes)
        }
        Some(FaultKind::DropMidBody) => {
            let answer = answer(Arc::clone(&shared)).await;
            let mut bytes = answer.bytes();
            bytes.truncate(bytes.len() / 2);
            answer.response_with(dropped_mid_body(bytes))
        }
        Some(FaultKind::ExtraField { name, value }) => {
            let mut answer = answer(Arc::clone(&shared)).await;
            if let Some(body) = &mut answer.body {
                faults::add_field(body, &name, &value);
            }
            answer.into_response()
        }
        Some(FaultKind::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            answer(Arc::clone(&shared)).await.into_response()
        }
        None => answer(Arc::clone(&shared)).await.into_response(),
    };
    shared.set_status(entry, Some(response.status().as_u16()));
    response
}

/// A response whose body fails at once: the server closes the connection without sending
/// a complete answer.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by a fault"))
    });
    Response::new(Body::from_stream(failing))
}

/// A body that sends `first` and then fails, after a pause that lets `first` leave: the
/// connection closes with the answer under way.
fn dropped_mid_body(first: Vec<u8>) -> Body {
    let rest = futures::stream::once(async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Err::<Bytes, std::io::Error>(std::io::Error::other(
            "connection dropped mid-body by a fault",
        ))
    });
    Body::from_stream(futures::stream::iter([Ok(Bytes::from(first))]).chain(rest))
}

/// Reads a request body of at most `limit` bytes; 413 if it is longer or cut short.
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Answer> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Answer::message(413, "The request body is too large or was cut short."))
}

/// Throttles, authenticates, authorizes, reads the body and handles a request.
async fn answer(
    shared: &Shared,
    target: &Target,
    method: &axum::http::Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Body,
) -> Answer {
    let write = method_of(method) != Some(Method::Get);
    // Limits hold per token and per user, so they are checked once the caller is known.
    let throttled = |keys: &[String]| {
        let wait = lock(&shared.throttle).check(keys, write).err()?;
        let names = &SERVICE.envelopes.action;
        let mut answer = Answer::json(
            409,
            json!({ names.message: SERVICE.throttle_message, names.was_successful: false }),
        );
        answer.retry_after = Some(wait);
        Some(answer)
    };
    // The caller of an authenticated route, or the answer that refuses it (401, 409).
    let caller = || {
        let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(principal) = lock(&shared.auth).authenticate(authorization) else {
            return Err(Answer::message(
                401,
                "Authorization has been denied for this request.",
            ));
        };
        match throttled(&principal.limited_as) {
            Some(answer) => Err(answer),
            None => Ok(principal),
        }
    };
    let route = match target {
        Target::Token => {
            let body = match read_body(body, MAX_TOKEN_BODY_BYTES).await {
                Ok(body) => body,
                Err(answer) => return answer,
            };
            let form = query::parse_pairs(&String::from_utf8_lossy(&body));
            // A grant counts against the user it names.
            let user = form
                .iter()
                .find(|(name, _)| name == "username")
                .map_or("", |(_, value)| value.as_str());
            if let Some(answer) = throttled(&[user_key(user)]) {
                return answer;
            }
            return match lock(&shared.auth).grant(&form) {
                Ok(token) => Answer::json(200, token),
                Err((status, refusal)) => Answer::json(status, refusal),
            };
        }
        Target::Unknown => {
            return Answer::message(
                404,
                format!("No HTTP resource was found that matches the request URI '{path}'."),
            );
        }
        Target::MethodNotAllowed => {
            return Answer::message(
                405,
                format!("The requested resource does not support http method '{method}'."),
            );
        }
        Target::CurrentUser => {
            let principal = match caller() {
                Ok(principal) => principal,
                Err(answer) => return answer,
            };
            // The support article's fields the emulator can know; no location is configured.
            return Answer::json(
                200,
                json!({
                    "FullName": principal.name,
                    "Email": principal.name,
                    "DefaultBusinessId": 0,
                    "DefaultBusinessName": null,
                    "DefaultCurrencyId": 0,
                    "DefaultCurrencyCode": null,
                    "DefaultCountryId": 0,
                    "DefaultSimpleTimeZoneId": 0,
                }),
            );
        }
        Target::Entity(route) => route,
    };
    let pairs = query::parse_pairs(query);
    let endpoint = choose_endpoint(route, &pairs);
    let Some(endpoint) = endpoint else {
        return Answer::message(404, "No such endpoint.");
    };

    let principal = match caller() {
        Ok(principal) => principal,
        Err(answer) => return answer,
    };
    let role = endpoint.endpoint.role;
    if !principal.roles.allows(role) {
        return Answer::message(
            403,
            format!("The user must be a full unrestricted administrator or have the {role} role."),
        );
    }
    // Read only now: an unauthorized caller must not make the server buffer 16 MiB.
    let body = match read_body(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let body = &body[..];

    let mut store = lock(&shared.store);
    let index = route.entity;
    let Some(table) = store.at(index) else {
        return Answer::message(404, "No such entity.");
    };
    let schema: &EntitySchema = table.schema;
    match endpoint.kind {
        EndpointKind::List | EndpointKind::FindByIds => {
            match query::list(table, &pairs, endpoint.ids_query()) {
                Ok(page) => Answer::json(200, page.to_json(&nexudus::SERVICE.envelopes.page)),
                Err(errors) => validation_failure(errors),
            }
        }
        EndpointKind::Get => match path_id(path).and_then(|id| table.records.get(&id)) {
            Some(record) => Answer::json(200, table.full_record(record)),
            None => not_found(schema),
        },
        EndpointKind::Create => {
            match body_object(body).and_then(|body| store.create(index, &body, &principal.name)) {
                Ok(id) => success(
                    format!("{} was successfully created.", schema.name),
                    Some(json!({ "Id": id })),
                ),
                Err(errors) => validation_failure(errors),
            }
        }
        EndpointKind::Update => {
            let updated = body_object(body)
                .map_err(UpdateError::Invalid)
                .and_then(|body| store.update(index, &body, &principal.name));
            match updated {
                Ok(id) => success(
                    format!("{} was successfully updated.", schema.name),
                    Some(json!({ "Id": id })),
                ),
                Err(UpdateError::Invalid(errors)) => validation_failure(errors),
                Err(UpdateError::NotFound) => not_found(schema),
            }
        }
        EndpointKind::Delete => match path_id(path).and_then(|id| table.remove(id)) {
            Some(_) => success("The record was deleted successfully.".into(), None),
            None => not_found(schema),
        },
        EndpointKind::Commands => {
            let commands: Vec<_> = shared
                .commands
                .iter()
                .filter(|(entity, _)| entity == schema.name)
                .map(|(_, command)| command.to_json(&nexudus::SERVICE.envelopes))
                .collect();
            Answer::json(200, commands)
        }
        EndpointKind::Download => {
            let id = path_id(path).filter(|id| table.records.contains_key(id));
            let name = endpoint.download_name().unwrap_or_default();
            match id.map(|id| table.files.get(&(name, id))) {
                None => not_found(schema),
                // "Binary stream or null" (the reference): a record without the file.
                Some(None) => Answer::json(200, Value::Null),
                Some(Some(file)) => Answer::file(file.content_type.clone(), file.bytes.clone()),
            }
        }
        EndpointKind::RunCommand => {
            let Some(command) = run_command(body) else {
                return validation_failure(vec![ValidationError {
                    property_name: None,
                    message: format!(
                        "the body must be {{\"{}\": .., \"{}\": [..], \"{}\": [..]}}",
                        SERVICE.envelopes.run_command.key,
                        SERVICE.envelopes.run_command.ids,
                        SERVICE.envelopes.run_command.parameters
                    ),
                    attempted_value: Some(Value::Null),
                }]);
            };
            let known = shared
                .commands
                .iter()
                .any(|(entity, c)| entity == schema.name && c.key == command.key);
            let missing = command
                .ids
                .iter()
                .find(|id| !table.records.contains_key(id));
            // runcommand answers 200 even when the command failed (NOTES.md).
            match (known, missing) {
                (false, _) => failure(format!("Unknown command: {}", command.key)),
                (true, Some(id)) => failure(format!("There is no {} with Id {id}.", schema.name)),
                (true, None) => success(
                    format!("{} ran on {} record(s).", command.key, command.ids.len()),
                    None,
                ),
            }
        }
    }
}

/// A run-command body; whole numbers such as `12.0` are integers, as in records (see
/// [`super::json`]). Unknown properties are ignored.
fn run_command(body: &[u8]) -> Option<RunCommand> {
    RunCommand::from_json(&nexudus::SERVICE.envelopes, super::json::parse(body).ok()?).ok()
}

/// The endpoint a request on a route is for: find by ids when its query parameter is
/// present, else the route's other endpoint.
fn choose_endpoint(route: &Route, pairs: &[(String, String)]) -> Option<&'static EndpointSchema> {
    // Names ignore case, as in `query::list`.
    let has = |name: &str| pairs.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    route
        .endpoints
        .iter()
        .find(|e| e.kind == EndpointKind::FindByIds && e.ids_query().is_some_and(has))
        .or_else(|| {
            route
                .endpoints
                .iter()
                .find(|e| e.kind != EndpointKind::FindByIds)
        })
        .or_else(|| route.endpoints.first())
        .copied()
}

/// The record id at the end of a `/{Id}` path.
fn path_id(path: &str) -> Option<i64> {
    let segment = path.rsplit('/').next()?;
    percent_decode_str(segment)
        .decode_utf8()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn not_found(schema: &EntitySchema) -> Answer {
    Answer::message(404, format!("The {} was not found.", schema.name))
}

fn success(message: String, value: Option<Value>) -> Answer {
    let answer = ActionResponse {
        status: Some(200),
        message: Some(message),
        value,
        was_successful: true,
        errors: None,
    };
    Answer::json(200, answer.to_json(&nexudus::SERVICE.envelopes))
}

/// A 200 answer of an action that did not succeed, as `runcommand` answers.
fn failure(message: String) -> Answer {
    let answer = ActionResponse {
        status: Some(200),
        message: Some(message),
        value: None,
        was_successful: false,
        errors: None,
    };
    Answer::json(200, answer.to_json(&nexudus::SERVICE.envelopes))
}

/// The validation failure envelope: the message is `PropertyName: message` of each error.
fn validation_failure(errors: Vec<ValidationError>) -> Answer {
    let message = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let status = SERVICE.validation_status;
    let answer = ActionResponse {
        status: Some(i64::from(status)),
        message: Some(message),
        value: None,
        was_successful: false,
        errors: Some(errors),
    };
    Answer::json(status, answer.to_json(&nexudus::SERVICE.envelopes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_id_placeholders_are_routable() {
        assert!(routable("/api/billing/things/{Id}"));
        assert!(routable("/api/billing/things"));
        assert!(!routable("/api/billing/{Other}"));
        assert!(!routable("/api/:id"));
        assert!(!routable("api/things"));
    }

    #[test]
    fn run_command_ids_may_be_whole_floats() {
        let command =
            run_command(br#"{"Key": "x", "Ids": [2216640254734759.0, 3, 4e0], "Extra": 1}"#)
                .expect("a run command");
        assert_eq!(command.ids, vec![2_216_640_254_734_759, 3, 4]);
        assert!(run_command(br#"{"Key": "x", "Ids": [1.5]}"#).is_none());
    }

    /// A request as axum hands it to the handler.
    fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: Body) -> Request {
        let mut builder = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(body).expect("a valid request")
    }

    fn password_grant() -> Request {
        request(
            "POST",
            SERVICE.token_path,
            &[("content-type", "application/x-www-form-urlencoded")],
            Body::from("grant_type=password&username=a%40b.c&password=pw"),
        )
    }

    #[tokio::test]
    async fn a_hundred_thousand_grants_keep_the_log_and_the_token_maps_bounded() {
        let config = super::super::EmulatorConfig::new().admin("a@b.c", "pw");
        let shared = Arc::new(Shared::new(&config).expect("a valid config"));
        let mut first = None;
        let mut last = None;
        for _ in 0..100_000 {
            let response = serve(Arc::clone(&shared), Target::Token, password_grant()).await;
            assert_eq!(response.status(), 200);
            let body = axum::body::to_bytes(response.into_body(), 1024)
                .await
                .expect("a body");
            let token: Value = serde_json::from_slice(&body).expect("JSON");
            let access = token["access_token"].as_str().expect("a token").to_owned();
            first.get_or_insert_with(|| access.clone());
            last = Some(access);
        }
        let log = lock(&shared.log);
        assert_eq!(log.len(), super::super::REQUEST_LOG_CAPACITY);
        assert!(log.iter().all(|r| r.status == Some(200)));
        drop(log);
        let auth = lock(&shared.auth);
        assert_eq!(
            auth.token_counts(),
            (super::super::TOKEN_CAPACITY, super::super::TOKEN_CAPACITY)
        );
        // The newest tokens work; the oldest were forgotten.
        let bearer = |token: &Option<String>| format!("Bearer {}", token.as_deref().unwrap_or(""));
        assert!(auth.authenticate(Some(&bearer(&last))).is_some());
        assert!(auth.authenticate(Some(&bearer(&first))).is_none());
    }

    /// The create route of the first entity.
    fn create_route() -> (Target, &'static str) {
        let (entity, endpoint) = nexudus::ENTITIES
            .iter()
            .enumerate()
            .find_map(|(index, schema)| {
                let create = schema
                    .endpoints
                    .iter()
                    .find(|e| e.kind == EndpointKind::Create)?;
                Some((index, create))
            })
            .expect("an entity with a create endpoint");
        let route = Route {
            entity,
            endpoints: vec![endpoint],
        };
        (Target::Entity(Arc::new(route)), endpoint.endpoint.path)
    }

    #[tokio::test]
    async fn the_body_is_not_read_before_the_caller_is_authenticated() {
        let config = super::super::EmulatorConfig::new().admin_token("token");
        let shared = Arc::new(Shared::new(&config).expect("a valid config"));
        let (target, path) = create_route();
        let polled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let body = {
            let polled = Arc::clone(&polled);
            // A body that notes it was read, then breaks.
            Body::from_stream(futures::stream::poll_fn(move |_| {
                polled.store(true, std::sync::atomic::Ordering::SeqCst);
                std::task::Poll::Ready(Some(Err::<Bytes, _>(std::io::Error::other("cut"))))
            }))
        };
        let unauthenticated = request("POST", path, &[], body);
        let response = serve(Arc::clone(&shared), target.clone(), unauthenticated).await;
        assert_eq!(response.status(), 401);
        assert!(!polled.load(std::sync::atomic::Ordering::SeqCst));

        // Authenticated, the body is read and checked.
        let authorized = request(
            "POST",
            path,
            &[("authorization", "Bearer token")],
            Body::from("{}"),
        );
        let response = serve(Arc::clone(&shared), target, authorized).await;
        assert_eq!(response.status(), SERVICE.validation_status);
    }

    #[tokio::test]
    async fn token_requests_have_a_small_body_limit() {
        let config = super::super::EmulatorConfig::new().admin("a@b.c", "pw");
        let shared = Arc::new(Shared::new(&config).expect("a valid config"));
        let huge = format!(
            "grant_type=password&username=a%40b.c&password=pw&pad={}",
            "x".repeat(MAX_TOKEN_BODY_BYTES)
        );
        let request = request("POST", SERVICE.token_path, &[], Body::from(huge));
        let response = serve(Arc::clone(&shared), Target::Token, request).await;
        assert_eq!(response.status(), 413);
        let response = serve(shared, Target::Token, password_grant()).await;
        assert_eq!(response.status(), 200);
    }

    #[test]
    fn path_ids_parse_or_are_absent() {
        assert_eq!(path_id("/api/x/12"), Some(12));
        assert_eq!(path_id("/api/x/abc"), None);
        assert_eq!(path_id("/api/x/99999999999999999999999"), None);
    }
}
