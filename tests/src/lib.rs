//! Test-only crate: see tests/. Its library holds what tests and examples share:
//! [`reference`](mod@reference), the check of the API reference's JSON examples against the
//! generated types.

pub mod reference;
