//! The JSON examples of the 2020 API reference, checked against the generated types.
//!
//! The reference (`vardhan341/api-docs`, folder `rest-api/`, named `ref` in
//! `spec/service.yaml`) shows, on each entity's page, example answers and bodies. This
//! module finds them ([`extract`]), reads them as JSON, repairing the few ways the pages
//! write invalid JSON ([`repair`]), and decodes each into the generated type it shows
//! ([`decode`]): a list answer into a page of list records, get one and the create and update
//! bodies into the full record, the action and commands answers into the runtime's envelopes.
//! [`report::check_folder`] does it for a whole copy of the reference; the
//! `reference_examples` example of this crate prints it (`docs/reference-examples.md`).
//!
//! The reference is not in the repository, so CI tests this module on small pages the tests
//! write (`tests/tests/reference_examples.rs`).

pub mod decode;
pub mod extract;
pub mod repair;
pub mod report;

pub use decode::{DecodeFailure, EntityTypes, entity_types};
pub use extract::{Block, Shows, blocks};
pub use repair::{Parsed, Repair, Unparseable, parse};
pub use report::{Report, check_folder, check_page};
