//! The API spec: its files as written ([`raw`]), loading, and the checks that resolve it into
//! the model ([`crate::model`]).
//!
//! [`load`] reads a spec folder and returns the model only when every check passed;
//! otherwise [`SpecErrors`] lists every problem with its file, line and column.

mod error;
mod load;
pub mod raw;
mod resolve;

pub use error::{SpecError, SpecErrors, did_you_mean};
pub use load::{
    ENUMS_FILE, SERVICE_FILE, SourceFile, load, load_sources, load_sources_timed, read_sources,
};
pub use resolve::{CLIENT_METHODS, RESERVED_AREAS};
