//! The README's example: create, list with filters, stream all pages, get then update,
//! delete. `cargo test` compiles it; `tests/tests/readme.rs` checks the README shows exactly
//! this code (the part below this header).

use futures::TryStreamExt;
use nexudus::billing::coworker_discount_codes::{
    CoworkerDiscountCodeFilter, CoworkerDiscountCodeQuery, CoworkerDiscountCodeSort,
    NewCoworkerDiscountCode,
};
use nexudus::ids::{BusinessId, CoworkerId, DiscountCodeId};
use nexudus::prelude::*;

async fn example() -> nexudus::Result<()> {
    let client = Client::builder()
        .auth(Auth::password("admin@example.com", "secret"))
        .build()?;
    let codes = client.coworker_discount_codes();

    // Create: required fields are arguments, so a missing one does not compile, and ids
    // are typed, so a business id cannot be passed as a coworker's.
    let new = NewCoworkerDiscountCode::new(CoworkerId(12), BusinessId(34), DiscountCodeId(56));
    let id = codes.create(&new.with_notes("spring promotion")).await?;

    // List one page with filters, in the API's own query names.
    let since: DateTime = "2025-01-01T00:00".parse().expect("a valid date-time");
    let query = CoworkerDiscountCodeQuery::new()
        .filter(CoworkerDiscountCodeFilter::Business(BusinessId(34)))
        .filter(CoworkerDiscountCodeFilter::FromCreatedOn(since))
        .order_by(
            CoworkerDiscountCodeSort::CreatedOn,
            SortDirection::Descending,
        )
        .size(100);
    let page = codes.list(&query).await?;
    println!("{} of {} codes", page.records.len(), page.total_items);

    // Stream every page; the next page is fetched while this one is consumed.
    let all: Vec<_> = codes.stream(query).try_collect().await?;
    println!("{} codes in all", all.len());

    // Get, then update: the body is made from the full record, so nothing is cleared.
    let mut update = codes.get(id).await?.to_update();
    update.notes = Some("extended".into());
    codes.update(&update).await?;
    // Or in one call:
    codes.modify(id, |u| u.expires_on = None).await?;

    codes.delete(id).await?;
    Ok(())
}

fn main() {
    // Compiled, not run: it needs a Nexudus account. See the emulator tests for a live run.
    let _ = example;
}
