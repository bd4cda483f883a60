//! Faults a test switches on: each answers one matching request (or `n` of them) in a way
//! the API might, or should not.

use std::time::Duration;

use serde_json::Value;

use nexudus::Method;

/// What a [`Fault`] does to the request it meets.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FaultKind {
    /// Answer this status and body instead of handling the request.
    Status {
        status: u16,
        body: String,
        retry_after: Option<Duration>,
    },
    /// Answer 200 with a body that is not JSON.
    Malformed,
    /// Handle the request, then send only the first half of its answer's body.
    Truncated,
    /// Wait, then handle the request.
    Delay(Duration),
    /// Handle the request, then add a property to every record of the answer.
    ExtraField { name: String, value: Value },
    /// Close the connection without an answer.
    DropConnection,
    /// Handle the request, send the status, the headers and half the body, then close the
    /// connection.
    DropMidBody,
}

/// A fault to inject with [`Emulator::inject`](super::Emulator::inject).
///
/// A fault meets the next request that matches its [`method`](Self::method) and
/// [`path`](Self::path) (any, unless set), once or [`times`](Self::times) times; faults
/// are met in the order they were injected. The request still counts in
/// [`Emulator::requests`](super::Emulator::requests), with the status answered (none for a
/// dropped connection).
///
/// ```
/// use nexudus::Method;
/// use nexudus_emulator::Fault;
/// let fault = Fault::status(503).method(Method::Get).times(2);
/// # let _ = fault;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    method: Option<Method>,
    path: Option<String>,
    pub(crate) times: u32,
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            method: None,
            path: None,
            times: 1,
        }
    }

    /// Answers `status` with an empty body. Statuses outside 100-999 become 500.
    pub fn status(status: u16) -> Self {
        Self::status_with_body(status, "")
    }

    /// Answers `status` with `body` (sent as `application/json`).
    pub fn status_with_body(status: u16, body: impl Into<String>) -> Self {
        Self::new(FaultKind::Status {
            status,
            body: body.into(),
            retry_after: None,
        })
    }

    /// Answers as the API's throttling does: 409 with the throttle message and
    /// `Retry-After: <wait in whole seconds, rounded up>`.
    pub fn throttled(retry_after: Duration) -> Self {
        let names = &nexudus::SERVICE.envelopes.action;
        let body = serde_json::json!({
            names.message: nexudus::SERVICE.throttle_message,
            names.was_successful: false,
        });
        Self::new(FaultKind::Status {
            status: 409,
            body: body.to_string(),
            retry_after: Some(retry_after),
        })
    }

    /// Answers 200 with a body that is not valid JSON.
    pub fn malformed_body() -> Self {
        Self::new(FaultKind::Malformed)
    }

    /// Handles the request but sends only the first half of the answer's body, with a
    /// `Content-Length` that matches what is sent.
    pub fn truncated_body() -> Self {
        Self::new(FaultKind::Truncated)
    }

    /// Waits `delay` before handling the request.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    /// Handles the request, then adds the property `name` to every record of the answer:
    /// the record of GET one, each record of a page, each command of the commands list.
    pub fn extra_field(name: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::new(FaultKind::ExtraField {
            name: name.into(),
            value: value.into(),
        })
    }

    /// Closes the connection without answering.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// Handles the request, sends the answer's status, headers and first half of its body,
    /// then closes the connection: the answer was under way when the connection dropped.
    pub fn drop_mid_body() -> Self {
        Self::new(FaultKind::DropMidBody)
    }

    /// Meets only requests of this method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Meets only requests whose path is `path` or goes on below it after a `/` (e.g. an
    /// entity's list path, which also covers its `/{Id}` paths but not a longer path such
    /// as `/api/billing/tariffsignupproducts` for `/api/billing/tariffs`). A `path` ending
    /// in `/` meets every path that starts with it.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Meets `times` requests, not one (0 counts as 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times.max(1);
        self
    }

    fn matches(&self, method: Option<Method>, path: &str) -> bool {
        self.method.is_none_or(|m| Some(m) == method)
            && self.path.as_deref().is_none_or(|p| {
                path.strip_prefix(p).is_some_and(|rest| {
                    rest.is_empty() || rest.starts_with('/') || p.ends_with('/')
                })
            })
    }
}

/// Takes the next fault for a request, if one matches.
pub(crate) fn take(
    queue: &mut Vec<Fault>,
    method: Option<Method>,
    path: &str,
) -> Option<FaultKind> {
    let index = queue.iter().position(|f| f.matches(method, path))?;
    let fault = queue.get_mut(index)?;
    fault.times = fault.times.saturating_sub(1);
    let kind = fault.kind.clone();
    if fault.times == 0 {
        queue.remove(index);
    }
    Some(kind)
}

/// Adds `name: value` to every record of an answer.
pub(crate) fn add_field(answer: &mut Value, name: &str, value: &Value) {
    let targets: Vec<&mut Value> = match answer {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(object) => match object.get_mut("Records") {
            Some(Value::Array(records)) => records.iter_mut().collect(),
            _ => vec![answer],
        },
        _ => Vec::new(),
    };
    for target in targets {
        if let Value::Object(record) = target {
            record.insert(name.to_owned(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_meet_matching_requests_the_given_number_of_times() {
        let mut queue = vec![
            Fault::status(503).method(Method::Post).times(2),
            Fault::malformed_body().path("/api/billing"),
        ];
        assert_eq!(take(&mut queue, Some(Method::Get), "/other"), None);
        assert!(matches!(
            take(&mut queue, Some(Method::Post), "/x"),
            Some(FaultKind::Status { status: 503, .. })
        ));
        assert_eq!(
            take(&mut queue, Some(Method::Get), "/api/billing/x"),
            Some(FaultKind::Malformed)
        );
        assert!(take(&mut queue, Some(Method::Post), "/x").is_some());
        assert!(queue.is_empty());
    }

    #[test]
    fn a_fault_path_meets_that_path_and_the_paths_below_it_only() {
        let fault = Fault::status(503).path("/api/billing/tariffs");
        assert!(fault.matches(None, "/api/billing/tariffs"));
        assert!(fault.matches(None, "/api/billing/tariffs/12"));
        assert!(!fault.matches(None, "/api/billing/tariffsignupproducts"));
        assert!(!fault.matches(None, "/api/billing/tariff"));
        assert!(
            Fault::status(503)
                .path("/api/")
                .matches(None, "/api/billing")
        );
    }

    #[test]
    fn extra_fields_go_into_records() {
        let mut page = serde_json::json!({"Records": [{"Id": 1}, {"Id": 2}], "TotalItems": 2});
        add_field(&mut page, "New", &Value::from(1));
        assert_eq!(page["Records"][1]["New"], 1);
        assert!(page.get("New").is_none());
        let mut record = serde_json::json!({"Id": 1});
        add_field(&mut record, "New", &Value::from(2));
        assert_eq!(record["New"], 2);
    }
}
