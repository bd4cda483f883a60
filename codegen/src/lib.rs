//! The Nexudus client generator: loads `spec/` ([`spec`]) and emits the `nexudus` crate.

pub mod emit;
pub mod names;
pub mod openapi;
pub mod parallel;
pub mod spec;
pub mod timings;
