//! The hand-written runtime every generated entity module calls.
//!
//! It owns everything that is the same for all entities: the HTTP [`Client`] with its
//! authentication ([`Auth`]) and retry ([`RetryPolicy`]) handling, the answer envelopes
//! ([`Page`], [`ActionResponse`], [`CommandInfo`]), list queries ([`ListQuery`]), the
//! lenient [`DateTime`] the API writes, and the one [`Error`] type callers match on.
//!
//! Generated code describes each endpoint with an [`Endpoint`] constant and hands it to
//! the generic request functions of [`Client`].

mod auth;
mod client;
mod datetime;
#[cfg(feature = "emulator")]
pub mod emulator;
mod endpoint;
mod envelope;
mod error;
mod query;
mod retry;
mod schema;
mod typed;
#[doc(hidden)]
pub mod wire;

pub use auth::{Auth, Secret};
pub use client::{Client, ClientBuilder};
pub use datetime::{DateTime, ParseDateTimeError};
pub use endpoint::{Endpoint, Method};
pub use envelope::{
    ActionResponse, CommandInfo, CommandParameter, CommandParameterInfo, Page, RunCommand,
    ValidationError,
};
pub use error::{Error, Result};
pub use query::{ListQuery, QueryFilter, SortDirection, SortField, id_list};
pub use retry::RetryPolicy;
pub use schema::{
    ActionNames, CommandNames, CommandParameterNames, EndpointKind, EndpointSchema, EntitySchema,
    EnumSchema, EnvelopeNames, FieldKind, FieldSchema, FilterSchema, PageNames, PagingSchema,
    RangeFilterSchema, RunCommandNames, ServiceSchema, ValidationErrorNames,
};
pub use typed::{ParseValueError, UnknownValue};

/// Money amounts are exact decimals.
pub use rust_decimal::Decimal;
/// Globally unique identifiers (`UniqueId` and friends).
pub use uuid::Uuid;
