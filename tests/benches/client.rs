//! The client against a user's own reqwest + serde loop, and the emulator's throughput.
//!
//! `cargo bench -p nexudus-tests --bench client` (release) prints two tables:
//! - streaming N records through the generated client (`stream`, pages of 100) against what
//!   a user would otherwise write: a `reqwest` + `serde_json` loop making the same requests
//!   and decoding its own `#[derive(Deserialize)]` structs of the same fields (unknown
//!   properties dropped), alternated, median of several runs; with the client's peak heap growth
//!   during the stream, to show it is bounded by a page, not by the record count (the
//!   client runs alone on the main thread, the emulator on its own runtime's threads, and
//!   only the main thread's allocations are counted);
//! - requests per second the emulator serves for list and get, with a few concurrent
//!   callers.
//!
//! Numbers, machine and commands are in docs/performance.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use futures::StreamExt;
use nexudus::billing::coworker_discount_codes::{CoworkerDiscountCodeQuery, LIST};
use nexudus::{Api as _, Auth, RetryPolicy};
use nexudus_emulator::{Emulator, EmulatorConfig};
use serde_json::json;

#[path = "support/derived.rs"]
mod derived;
use derived::{CodeItemPlain, DerivedPage};

/// Counts each thread's live heap bytes and their peak, so the bench can report the
/// client's memory apart from the emulator's (which runs on other threads).
struct CountingAllocator;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // `try_with`: allocations may happen while the thread's locals are being destroyed.
    let _ = LIVE.try_with(|live| {
        live.set(live.get() + delta);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(live.get())));
    });
}

/// Starts measuring this thread's peak heap growth.
fn reset_peak() -> isize {
    let live = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(live));
    live
}

/// This thread's peak heap growth since `reset_peak` returned `base`, in bytes.
fn peak_since(base: isize) -> usize {
    usize::try_from(PEAK.with(Cell::get) - base).unwrap_or(0)
}

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const TOKEN: &str = "bench-token";
const PAGE_SIZE: u32 = 100;

fn record(i: i64) -> serde_json::Value {
    json!({
        "CoworkerId": 1000 + i % 97, "BusinessId": 1 + i % 5, "DiscountCodeId": 10 + i % 13,
        "Notes": format!("note {i}"), "TimesUsed": i % 7,
        "ValidFrom": "2025-01-01T00:00:00Z", "ExpiresOn": "2025-12-31T23:59:00Z",
        "RefererGuid": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "SystemId": format!("crm-{i}")
    })
}

/// An emulator holding `records` records, served by `server`'s threads.
async fn seeded(server: &tokio::runtime::Runtime, records: i64) -> Emulator {
    // Started as a task on `server`, so that its server task runs on `server`'s threads.
    let emulator = server
        .spawn(Emulator::start(EmulatorConfig::new().admin_token(TOKEN)))
        .await
        .expect("the start task")
        .expect("emulator starts");
    for i in 0..records {
        emulator
            .insert("CoworkerDiscountCode", record(i))
            .expect("seed record");
    }
    emulator
}

/// Streams every record through the generated client; answers (count, peak heap growth).
async fn generated_client(client: &nexudus::Client) -> (usize, usize) {
    let base = reset_peak();
    let mut stream = client
        .coworker_discount_codes()
        .stream(CoworkerDiscountCodeQuery::new().size(PAGE_SIZE));
    let mut count = 0;
    while let Some(record) = stream.next().await {
        let record = record.expect("record");
        count += usize::from(record.id.0 > 0);
    }
    (count, peak_since(base))
}

/// The same requests, written by hand with reqwest and serde_json into derived structs.
async fn hand_written(http: &reqwest::Client, base_url: &str) -> (usize, usize) {
    let base = reset_peak();
    let mut count = 0;
    let mut page = 1;
    loop {
        let url = format!("{base_url}{}?page={page}&size={PAGE_SIZE}", LIST.path);
        let body = http
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("send")
            .bytes()
            .await
            .expect("body");
        let decoded: DerivedPage<CodeItemPlain> = serde_json::from_slice(&body).expect("decode");
        count += decoded.records.iter().filter(|r| r.id > 0).count();
        if !decoded.has_next_page || decoded.records.is_empty() {
            break;
        }
        page += 1;
    }
    (count, peak_since(base))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

async fn stream_table(server: &tokio::runtime::Runtime) {
    println!("## Streaming through the client (pages of {PAGE_SIZE}), median of 7 runs\n");
    println!(
        "| records | generated client | reqwest + derived structs | ratio | peak heap growth (client) | peak heap growth (derived loop) |"
    );
    println!("|---|---|---|---|---|---|");
    for records in [1_000_i64, 10_000] {
        let emulator = seeded(server, records).await;
        let client = emulator
            .client_builder()
            .auth(Auth::bearer(TOKEN))
            .retry(RetryPolicy::none())
            .build()
            .expect("client");
        let http = reqwest::Client::new();
        // Warm up both paths (connections, emulator caches).
        generated_client(&client).await;
        hand_written(&http, emulator.base_url()).await;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let (mut our_peak, mut their_peak) = (0, 0);
        for _ in 0..7 {
            let start = Instant::now();
            let (count, peak) = generated_client(&client).await;
            ours.push(start.elapsed());
            our_peak = our_peak.max(peak);
            assert_eq!(count, records as usize);
            let start = Instant::now();
            let (count, peak) = hand_written(&http, emulator.base_url()).await;
            theirs.push(start.elapsed());
            their_peak = their_peak.max(peak);
            assert_eq!(count, records as usize);
        }
        let (ours, theirs) = (median(ours), median(theirs));
        println!(
            "| {records} | {:.1} ms | {:.1} ms | {:.3} | {:.2} MB | {:.2} MB |",
            ours.as_secs_f64() * 1000.0,
            theirs.as_secs_f64() * 1000.0,
            ours.as_secs_f64() / theirs.as_secs_f64(),
            our_peak as f64 / 1_048_576.0,
            their_peak as f64 / 1_048_576.0,
        );
    }
}

/// Requests per second for `path_of(i)`, with `callers` concurrent callers for `duration`.
async fn throughput(
    base_url: &str,
    callers: usize,
    duration: Duration,
    path_of: fn(usize) -> String,
) -> f64 {
    let http = reqwest::Client::new();
    let start = Instant::now();
    let tasks: Vec<_> = (0..callers)
        .map(|caller| {
            let http = http.clone();
            let base_url = base_url.to_owned();
            tokio::spawn(async move {
                let mut done = 0_usize;
                while start.elapsed() < duration {
                    let url = format!("{base_url}{}", path_of(caller * 1_000_003 + done));
                    let status = http
                        .get(&url)
                        .bearer_auth(TOKEN)
                        .send()
                        .await
                        .expect("send")
                        .status();
                    assert!(status.is_success(), "{url}: {status}");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("caller");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

async fn emulator_table(server: &tokio::runtime::Runtime) {
    println!("\n## Emulator throughput (1,000 records, 4 concurrent callers, 3 s each)\n");
    println!("| request | requests per second |");
    println!("|---|---|");
    let emulator = seeded(server, 1_000).await;
    let list = throughput(emulator.base_url(), 4, Duration::from_secs(3), |_| {
        LIST.path.to_owned()
    })
    .await;
    println!("| list, default page (25 records) | {list:.0} |");
    let get = throughput(emulator.base_url(), 4, Duration::from_secs(3), |i| {
        format!("{}/{}", LIST.path, 1 + i % 1_000)
    })
    .await;
    println!("| get one by id | {get:.0} |");
}

fn main() {
    // The emulator on its own threads; the client alone on this one (see `count`).
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // `cargo bench` passes `--bench`; `cargo test --benches` runs it once as a smoke test.
    if std::env::args().any(|a| a == "--bench") {
        client.block_on(stream_table(&server));
        client.block_on(emulator_table(&server));
    } else {
        client.block_on(async {
            let emulator = seeded(&server, 150).await;
            let nexudus = emulator
                .client_builder()
                .auth(Auth::bearer(TOKEN))
                .build()
                .expect("client");
            assert_eq!(generated_client(&nexudus).await.0, 150);
            assert_eq!(
                hand_written(&reqwest::Client::new(), emulator.base_url())
                    .await
                    .0,
                150
            );
        });
        println!("client bench smoke test: 1 passed, 0 failed");
    }
}
