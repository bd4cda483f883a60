//! Bulk work at the API's documented limits, against the emulator enforcing them.
//!
//! `cargo bench -p nexudus-tests --bench limits [-- --quick]` prints, for each scenario and
//! for the client paced (the default) and unpaced (`Pacing::off()`, what the client did
//! before it paced): wall time against the theoretical minimum, throttled answers (409) and
//! failed requests. The minimum is the earliest the limits allow: every request as soon as
//! each sliding window has room, with no margin and no network time. `--quick` leaves out
//! the scenarios that cross the one-minute window (about a minute each).
//!
//! Numbers and machine are in docs/performance.md.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures::StreamExt;
use nexudus::billing::coworker_discount_codes::{
    CoworkerDiscountCodeQuery, NewCoworkerDiscountCode,
};
use nexudus::ids::{BusinessId, CoworkerId, DiscountCodeId};
use nexudus::{Api as _, Auth, Client, Pacing, RateLimit, RetryPolicy, SERVICE};
use nexudus_emulator::{Emulator, EmulatorConfig, ThrottleLimits};
use serde_json::json;

const TOKEN: &str = "bench-token";

/// What one scenario does.
#[derive(Clone, Copy)]
enum Work {
    /// Stream this many one-record pages.
    Pages(usize),
    /// This many creates, spread over this many concurrent tasks.
    Creates { total: usize, tasks: usize },
}

impl Work {
    fn describe(self) -> String {
        match self {
            Work::Pages(n) => format!("read {n} pages"),
            Work::Creates { total, tasks } => format!("{total} creates, {tasks} task(s)"),
        }
    }

    /// The requests in order: `true` for a write.
    fn requests(self) -> Vec<bool> {
        match self {
            Work::Pages(n) => vec![false; n],
            Work::Creates { total, .. } => vec![true; total],
        }
    }
}

/// The earliest the last of `requests` can be sent under `limits`, the first sent at 0.
fn minimum(requests: &[bool], limits: &[RateLimit]) -> Duration {
    let mut sent: Vec<VecDeque<Duration>> = vec![VecDeque::new(); limits.len()];
    let mut last = Duration::ZERO;
    for &write in requests {
        let mut at = last;
        loop {
            let mut moved = false;
            for (limit, sends) in limits.iter().zip(&sent) {
                if limit.writes_only && !write {
                    continue;
                }
                let count = limit.count as usize;
                let recent = sends.iter().filter(|t| at < **t + limit.window).count();
                if recent >= count {
                    let free = sends[sends.len() - count] + limit.window;
                    if free > at {
                        at = free;
                        moved = true;
                    }
                }
            }
            if !moved {
                break;
            }
        }
        for (limit, sends) in limits.iter().zip(&mut sent) {
            if write || !limit.writes_only {
                sends.push_back(at);
            }
        }
        last = at;
    }
    last
}

struct Outcome {
    wall: Duration,
    throttled: usize,
    failed: usize,
}

fn client(emulator: &Emulator, paced: bool) -> Client {
    let mut builder = emulator
        .client_builder()
        .auth(Auth::bearer(TOKEN))
        .retry(RetryPolicy::default());
    if !paced {
        builder = builder.pacing(Pacing::off());
    }
    builder.build().expect("a client")
}

async fn run(work: Work, paced: bool) -> Outcome {
    let emulator = Emulator::start(
        EmulatorConfig::new()
            .admin_token(TOKEN)
            .throttle(ThrottleLimits::documented()),
    )
    .await
    .expect("the emulator starts");
    if let Work::Pages(n) = work {
        for i in 0..n {
            let code = json!({"CoworkerId": i + 1, "BusinessId": 1, "DiscountCodeId": 1});
            emulator
                .insert("CoworkerDiscountCode", code)
                .expect("seeded");
        }
    }
    let client = client(&emulator, paced);
    let started = Instant::now();
    let mut failed = 0;
    match work {
        Work::Pages(_) => {
            let mut records = client
                .coworker_discount_codes()
                .stream(CoworkerDiscountCodeQuery::new().size(1));
            while let Some(record) = records.next().await {
                if record.is_err() {
                    failed += 1;
                }
            }
        }
        Work::Creates { total, tasks } => {
            let handles: Vec<_> = (0..tasks)
                .map(|task| {
                    let client = client.clone();
                    tokio::spawn(async move {
                        let mut failed = 0;
                        for n in (task..total).step_by(tasks) {
                            let body = NewCoworkerDiscountCode::new(
                                CoworkerId(n as i64 + 1),
                                BusinessId(1),
                                DiscountCodeId(1),
                            );
                            if client
                                .coworker_discount_codes()
                                .create(&body)
                                .await
                                .is_err()
                            {
                                failed += 1;
                            }
                        }
                        failed
                    })
                })
                .collect();
            for handle in handles {
                failed += handle.await.expect("the task ends");
            }
        }
    }
    let wall = started.elapsed();
    let throttled = emulator
        .requests()
        .iter()
        .filter(|r| r.status == Some(409))
        .count();
    emulator.shutdown().await;
    Outcome {
        wall,
        throttled,
        failed,
    }
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut scenarios = vec![
        Work::Pages(40),
        Work::Creates {
            total: 40,
            tasks: 1,
        },
        Work::Creates {
            total: 40,
            tasks: 4,
        },
    ];
    if !quick {
        // Past the 60 writes and the 120 requests of a minute.
        scenarios.push(Work::Creates {
            total: 80,
            tasks: 4,
        });
        scenarios.push(Work::Pages(130));
    }
    println!("| scenario | client | wall time | minimum | ratio | throttled (409) | failed |");
    println!("|---|---|---|---|---|---|---|");
    for work in scenarios {
        let min = minimum(&work.requests(), SERVICE.rate_limits);
        for paced in [true, false] {
            let o = run(work, paced).await;
            println!(
                "| {} | {} | {:.2} s | {:.2} s | {:.2}x | {} | {} |",
                work.describe(),
                if paced { "paced" } else { "unpaced" },
                o.wall.as_secs_f64(),
                min.as_secs_f64(),
                o.wall.as_secs_f64() / min.as_secs_f64(),
                o.throttled,
                o.failed,
            );
        }
    }
}
