//! Where generation time goes, for `cargo xtask bench`. The timed functions are the real
//! code path; the untimed ones call them and drop the numbers.

use std::time::{Duration, Instant};

/// Time spent in each phase of load and generate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Parsing YAML and deserialising it into the spec model.
    pub yaml: Duration,
    /// The meaning checks.
    pub validate: Duration,
    /// Building token streams with `quote`.
    pub tokens: Duration,
    /// Parsing token streams into `syn::File`s.
    pub parse: Duration,
    /// Printing with `prettyplease` (and spacing items).
    pub print: Duration,
}

impl Timings {
    /// Adds another set of timings (of another thread) to these.
    pub fn add(&mut self, other: &Timings) {
        self.yaml += other.yaml;
        self.validate += other.validate;
        self.tokens += other.tokens;
        self.parse += other.parse;
        self.print += other.print;
    }

    /// Runs `f`, adding its duration to the phase `field` selects.
    pub(crate) fn time<T>(
        &mut self,
        field: fn(&mut Timings) -> &mut Duration,
        f: impl FnOnce() -> T,
    ) -> T {
        let start = Instant::now();
        let value = f();
        *field(self) += start.elapsed();
        value
    }
}
