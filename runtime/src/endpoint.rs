//! Endpoint descriptors: what generated code knows about each operation.

use std::fmt;

use crate::ServiceSchema;

/// The HTTP method of an [`Endpoint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: read a page, a record or the commands.
    Get,
    /// `POST`: create a record or run a command.
    Post,
    /// `PUT`: update a record.
    Put,
    /// `DELETE`: delete a record.
    Delete,
}

impl Method {
    /// The method's name on the wire, e.g. `"GET"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One operation of the API, as generated from the spec.
///
/// `path` is relative to the client's base URL and may contain the placeholder `{Id}`,
/// which the client replaces with the record id of the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path template, e.g. `/api/billing/coworkerdiscountcodes/{Id}`.
    pub path: &'static str,
    /// The role the calling user needs, e.g. `CoworkerDiscountCode-Read`; named in
    /// [`Error::Forbidden`](crate::Error::Forbidden).
    pub role: &'static str,
    /// What the API's endpoints share: paging names, envelope names, throttling, the
    /// token path and the default base URL (the generated crate's `SERVICE`).
    pub service: &'static ServiceSchema,
}

/// The placeholder in [`Endpoint::path`] that stands for the record id.
pub(crate) const ID_PLACEHOLDER: &str = "{Id}";

impl Endpoint {
    /// The concrete path for `id`, or `None` if the template needs an id and none is given.
    ///
    /// An id given to a template without `{Id}` is ignored: such endpoints (update, run
    /// command) carry the id in the body.
    pub(crate) fn concrete_path(&self, id: Option<i64>) -> Option<String> {
        match (self.path.contains(ID_PLACEHOLDER), id) {
            (false, _) => Some(self.path.to_owned()),
            (true, Some(id)) => Some(self.path.replace(ID_PLACEHOLDER, &id.to_string())),
            (true, None) => None,
        }
    }
}
