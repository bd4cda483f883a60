//! The API spec: its model, loading and validation.
//!
//! [`load`] reads a spec folder and returns a [`Spec`] only when every check passed;
//! otherwise [`SpecErrors`] lists every problem with its file, line and column.

mod error;
mod load;
mod model;
mod validate;

pub use error::{SpecError, SpecErrors};
pub use load::{SERVICE_FILE, SourceFile, load, load_sources, load_sources_timed, read_sources};
pub use model::*;
