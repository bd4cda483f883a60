//! The Nexudus client generator: loads `spec/` ([`spec`]) into the resolved model
//! ([`model`]) and emits the `nexudus` crate ([`emit`]) and the OpenAPI document ([`openapi`]).

pub mod docs;
pub mod emit;
pub mod entity_index;
pub mod model;
pub mod names;
pub mod openapi;
pub mod parallel;
pub mod spec;
pub mod timings;
