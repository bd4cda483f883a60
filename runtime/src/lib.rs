//! The hand-written runtime of the generated Nexudus client (the `nexudus` crate), which
//! re-exports it: use it through `nexudus::...`.
//!
//! It owns everything that is the same for all entities: the HTTP [`Client`] with its
//! authentication ([`Auth`]) and retry ([`RetryPolicy`]) handling, the answer envelopes
//! ([`Page`], [`ActionResponse`], [`CommandInfo`]), list queries ([`ListQuery`]), the
//! lenient [`DateTime`] the API writes, and the one [`Error`] type callers match on.
//!
//! Generated code describes each endpoint with an [`Endpoint`] constant, which names the
//! service's [`ServiceSchema`] (paging and envelope names, throttling, token path), and
//! hands it to the generic request functions of [`Client`]. The runtime knows no wire name
//! of its own: they all come from the spec through those constants.

mod auth;
mod call;
mod client;
mod datetime;
mod endpoint;
mod envelope;
mod error;
mod pacing;
mod query;
mod retry;
mod schema;
mod typed;
#[doc(hidden)]
pub mod wire;

pub use auth::{Auth, Secret};
pub use call::Call;
pub use client::{Client, ClientBuilder};
pub use datetime::{DateTime, ParseDateTimeError};
pub use endpoint::{Endpoint, Method};
pub use envelope::{
    ActionResponse, CommandInfo, CommandParameter, CommandParameterInfo, Download, Page,
    RunCommand, ValidationError,
};
pub use error::{Error, Result};
pub use pacing::{Pacing, PacingStats};
pub use query::{ListQuery, QueryFilter, SortDirection, SortField, id_list};
pub use retry::RetryPolicy;
pub use schema::{
    ActionNames, ChildSchema, CommandNames, CommandParameterNames, EndpointKind, EndpointSchema,
    EntitySchema, EntityVisitor, EnumSchema, EnvelopeNames, FieldKind, FieldSchema, FilterSchema,
    PageNames, PagingSchema, Pii, RangeFilterSchema, RateLimit, RunCommandNames, ServiceSchema,
    ValidationErrorNames,
};
pub use typed::{ParseValueError, UnknownValue};

/// The HTTP client crate the runtime is built on, for [`ClientBuilder::http_client`] and
/// [`Error::Transport`]: use this one, so its version always matches.
pub use reqwest;
/// Money amounts are exact decimals.
pub use rust_decimal::Decimal;
/// Globally unique identifiers (`UniqueId` and friends).
pub use uuid::Uuid;
