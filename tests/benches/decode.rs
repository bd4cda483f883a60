//! Decoding speed of the generated records against what a user would derive, in one run.
//!
//! `cargo bench -p nexudus-tests --bench decode` (release) prints one table: for full records,
//! list records and pages of 1,000 records of two entities, the throughput (MB/s of JSON,
//! best of several runs) of
//! - the generated `Deserialize` impls (what the client uses),
//! - a `#[derive(Deserialize)]` struct with the same fields and a `#[serde(flatten)]` map for
//!   unknown properties (what keeping unknown properties costs with a derive),
//! - the same derive without `flatten` (unknown properties dropped: the ceiling),
//!
//! and the ratios of the generated impls to both. Numbers are in docs/performance.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use nexudus::billing::coworker_booking_credits::CoworkerBookingCreditListItem;
use nexudus::billing::coworker_discount_codes::{
    CoworkerDiscountCode, CoworkerDiscountCodeListItem,
};
use nexudus::{Page, SERVICE};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

#[path = "support/derived.rs"]
mod derived;
use derived::*;

const RECORDS: usize = 1_000;
/// Runs per measurement; the fastest is reported.
const RUNS: usize = 25;

fn code(i: usize) -> Value {
    json!({
        "Id": i + 1, "UniqueId": "1b111175-a839-4170-b894-0f3066ab5d0b",
        "CreatedOn": "2025-01-10T08:00:00Z", "UpdatedOn": "2025-01-15T10:30:00.123Z",
        "UpdatedBy": "admin@example.com", "IsNew": false, "SystemId": null,
        "ToStringText": format!("Code {i}"), "LocalizationDetails": null, "CustomFields": null,
        "CoworkerId": 1000 + i, "BusinessId": 34, "DiscountCodeId": 56, "Notes": "spring",
        "TimesUsed": i % 7, "ValidFrom": "2025-03-01T09:15:42Z", "ExpiresOn": null,
        "RefererGuid": null, "BookingUniqueId": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "AddedByANewerApi": {"Kept": true},
    })
}

fn code_item(i: usize) -> Value {
    let mut item = code(i);
    let object = item.as_object_mut().expect("an object");
    object.remove("Notes");
    for (name, value) in [
        ("CoworkerCoworkerType", json!("Member")),
        ("CoworkerFullName", json!(format!("Ada Lovelace {i}"))),
        ("CoworkerBillingName", json!("Ada")),
        ("CoworkerCompanyName", json!("Analytical Engines")),
        ("BusinessName", json!("Soho")),
        ("DiscountCodeCode", json!("SPRING25")),
        ("DiscountCodeActive", json!(true)),
        ("DiscountCodeValidFrom", json!("2025-01-01T00:00:00Z")),
        ("DiscountCodeValidTo", json!("2025-12-31T23:59:00Z")),
    ] {
        object.insert(name.into(), value);
    }
    item
}

fn credit_item(i: usize) -> Value {
    json!({
        "Id": i + 1, "UniqueId": "1b111175-a839-4170-b894-0f3066ab5d0b",
        "CreatedOn": "2025-01-10T08:00:00Z", "UpdatedOn": "2025-01-15T10:30:00Z",
        "UpdatedBy": "System", "CoworkerId": 12, "BusinessId": 34, "TotalCredit": 150.25,
        "RemainingCredit": 99.5, "Description": "Welcome credit",
        "ValidFrom": "2025-01-01T00:00:00Z", "ExpireDate": "2025-12-31T00:00:00Z",
        "CaneBeUsedForBookings": true, "CaneBeUsedForEvents": false, "IsUniversalCredit": false,
        "BusinessName": "Soho", "AddedByANewerApi": 7,
    })
}

fn list(make: fn(usize) -> Value) -> Vec<u8> {
    serde_json::to_vec(&(0..RECORDS).map(make).collect::<Vec<_>>()).expect("JSON")
}

fn page(make: fn(usize) -> Value) -> Vec<u8> {
    let records: Vec<Value> = (0..RECORDS).map(make).collect();
    serde_json::to_vec(&json!({
        "Records": records, "CurrentPage": 1, "CurrentPageSize": RECORDS, "FirstItem": 1,
        "LastItem": RECORDS, "TotalItems": RECORDS, "TotalPages": 1, "HasNextPage": false,
        "HasPreviousPage": false, "CurrentOrderField": "Id", "CurrentSortDirection": 1,
    }))
    .expect("JSON")
}

/// The generated decoder, then the derive with `flatten`, then the derive without.
type Decoders<'a> = [&'a dyn Fn(&[u8]); 3];

/// The best throughput of each decoder over `bytes`, in MB/s. The decoders take turns run
/// by run, so that warm-up (the heap's first growth) and the machine's other work weigh on
/// all three alike.
fn throughputs(bytes: &[u8], decoders: Decoders) -> [f64; 3] {
    let mut best = [Duration::MAX; 3];
    for _ in 0..RUNS {
        for (decode, best) in decoders.iter().zip(&mut best) {
            let start = Instant::now();
            decode(black_box(bytes));
            *best = (*best).min(start.elapsed());
        }
    }
    best.map(|time| bytes.len() as f64 / time.as_secs_f64() / 1e6)
}

fn vec_of<T: DeserializeOwned>(bytes: &[u8]) {
    black_box(serde_json::from_slice::<Vec<T>>(bytes).expect("decodes"));
}

fn row(what: &str, bytes: &[u8], decoders: Decoders) {
    let [generated, flat, plain] = throughputs(bytes, decoders);
    println!(
        "| {what} | {:.0} KB | {generated:.0} | {flat:.0} | {plain:.0} | {:.2}× | {:.2}× |",
        bytes.len() as f64 / 1e3,
        generated / flat,
        generated / plain
    );
}

fn main() {
    println!("## Decoding {RECORDS} records (MB/s of JSON, best of {RUNS} runs)\n");
    println!(
        "| what | JSON | generated | derive + flatten | derive, no flatten | vs flatten | vs no flatten |"
    );
    println!("|---|---|---|---|---|---|---|");

    let bytes = list(code);
    row(
        "CoworkerDiscountCode full records",
        &bytes,
        [
            &vec_of::<CoworkerDiscountCode>,
            &vec_of::<CodeFlat>,
            &vec_of::<CodePlain>,
        ],
    );
    let bytes = list(code_item);
    row(
        "CoworkerDiscountCode list records",
        &bytes,
        [
            &vec_of::<CoworkerDiscountCodeListItem>,
            &vec_of::<CodeItemFlat>,
            &vec_of::<CodeItemPlain>,
        ],
    );
    let bytes = page(code_item);
    row(
        "CoworkerDiscountCode page",
        &bytes,
        [
            &|b| {
                black_box(
                    Page::<CoworkerDiscountCodeListItem>::from_slice(&SERVICE.envelopes.page, b)
                        .expect("decodes"),
                );
            },
            &|b| {
                black_box(serde_json::from_slice::<DerivedPage<CodeItemFlat>>(b).expect("decodes"));
            },
            &|b| {
                black_box(
                    serde_json::from_slice::<DerivedPage<CodeItemPlain>>(b).expect("decodes"),
                );
            },
        ],
    );
    let bytes = list(credit_item);
    row(
        "CoworkerBookingCredit list records (money)",
        &bytes,
        [
            &vec_of::<CoworkerBookingCreditListItem>,
            &vec_of::<CreditItemFlat>,
            &vec_of::<CreditItemPlain>,
        ],
    );
    println!(
        "\nThe generated impls keep unknown properties (as `flatten` does) and read money \
         exactly from the JSON text; the derives read money through an f64."
    );
}
