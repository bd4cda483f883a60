//! The emulator example of docs/client.md and emulator/README.md: a test of your own code
//! against the emulator. `cargo run -p nexudus-emulator --example emulator` runs it;
//! `cargo test` compiles it, and `tests/tests/readme.rs` checks those pages show exactly this code (the
//! part below this header, up to `main`).

use nexudus::billing::coworker_discount_codes::NewCoworkerDiscountCode;
use nexudus::ids::{BusinessId, CoworkerId, DiscountCodeId};
use nexudus::prelude::*;
use nexudus_emulator::{Emulator, EmulatorConfig, Fault};

// In your crate: `#[tokio::test] async fn assigns_a_discount_code() { ... }`, with
// `nexudus-emulator = "0.1"` in [dev-dependencies].
async fn assigns_a_discount_code() -> Result<(), Box<dyn std::error::Error>> {
    // Binds 127.0.0.1 on a free port; stops when `emulator` is dropped.
    let emulator = Emulator::start(EmulatorConfig::new().admin_token("test-token")).await?;
    let client = emulator
        .client_builder()
        .auth(Auth::bearer("test-token"))
        .build()?;
    let codes = client.coworker_discount_codes();

    // Your code under test would make these calls.
    let new = NewCoworkerDiscountCode::new(CoworkerId(12), BusinessId(34), DiscountCodeId(56));
    let id = codes.create(&new.with_notes("welcome")).await?;
    assert_eq!(codes.get(id).await?.notes.as_deref(), Some("welcome"));

    // Inspect what the "API" now holds, and make it fail on purpose.
    assert_eq!(emulator.records("CoworkerDiscountCode")?.len(), 1);
    emulator.inject(Fault::status(404));
    assert!(matches!(codes.get(id).await, Err(Error::NotFound { .. })));
    Ok(())
}

#[tokio::main]
async fn main() {
    assigns_a_discount_code()
        .await
        .expect("the example runs against the emulator");
    println!("ok");
}
