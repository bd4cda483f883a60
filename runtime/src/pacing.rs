//! Pacing: requests are sent no faster than the API's documented limits allow, so a client
//! that knows the limits never meets them.
//!
//! The limits (`spec/service.yaml`, [`crate::ServiceSchema::rate_limits`]) are counts over
//! sliding windows ("at most 120 requests in any minute"). Each request reserves the earliest
//! moment at which every window it counts in has room, then waits for it; reservations are
//! made in order under one lock, so every clone of a client and every task using it share the
//! same schedule. A token bucket (`governor`'s GCRA) does not fit: after a burst it refills at
//! the average rate, and 120 requests at once followed by 2 a second break "120 in any
//! minute" within the first minute.
//!
//! Adaptive, after the AWS SDKs' adaptive retry mode: a throttled answer (another
//! integration on the same account, limits lower than documented) stretches every window by
//! 1/0.7, and the stretch eases off along a cubic curve (as TCP CUBIC and the AWS SDKs do),
//! back to the documented limits about 2 s after the last throttled answer. A `Retry-After`
//! holds every request until it has passed.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::schema::{RateLimit, ServiceSchema};

/// How a [`crate::Client`] paces its requests; set it with
/// [`ClientBuilder::pacing`](crate::ClientBuilder::pacing).
///
/// By default the client keeps to the limits the service documents, with a margin for timing
/// jitter, and adapts to throttled answers.
///
/// ```
/// # use nexudus::Pacing;
/// // An account shared with another integration: take half of the limits.
/// let half = Pacing::default().share(0.5);
/// // A test server without limits: send at once.
/// let off = Pacing::off();
/// # let _ = (half, off);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Pacing {
    /// Whether requests are paced at all.
    pub enabled: bool,
    /// The share of the limits this client takes, in (0, 1]: 0.5 sends at most half as many
    /// requests in every window.
    pub share: f64,
    /// Added to every window: a request sent 100 ms after the previous one may arrive 99 ms
    /// after it. Default 5 ms.
    pub margin: Duration,
    /// Added to every window as a fraction of it. Default 0.01 (0.6 s on a minute).
    pub margin_fraction: f64,
    /// Whether throttled answers slow the client down for a while.
    pub adaptive: bool,
    /// Limits to keep instead of the service's documented ones.
    pub limits: Option<Vec<RateLimit>>,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            enabled: true,
            share: 1.0,
            margin: Duration::from_millis(5),
            margin_fraction: 0.01,
            adaptive: true,
            limits: None,
        }
    }
}

impl Pacing {
    /// No pacing: every request is sent at once (throttled answers are still retried).
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Takes this share of every limit, clamped to (0, 1]; for an account that other
    /// integrations use too.
    pub fn share(mut self, share: f64) -> Self {
        self.share = if share.is_finite() && share > 0.0 {
            share.min(1.0)
        } else {
            1.0
        };
        self
    }

    /// The margin added to every window, fixed and as a fraction of the window.
    pub fn margin(mut self, fixed: Duration, fraction: f64) -> Self {
        self.margin = fixed;
        self.margin_fraction = if fraction.is_finite() {
            fraction.max(0.0)
        } else {
            0.0
        };
        self
    }

    /// Whether throttled answers slow the client down for a while (default yes).
    pub fn adaptive(mut self, adaptive: bool) -> Self {
        self.adaptive = adaptive;
        self
    }

    /// Keeps to these limits instead of the ones the service documents.
    pub fn limits(mut self, limits: impl IntoIterator<Item = RateLimit>) -> Self {
        self.limits = Some(limits.into_iter().collect());
        self
    }

    /// A window as this client keeps it at `rate` (a fraction of the limits): stretched by
    /// its share and the rate, then the margin added; never longer than [`LONGEST`].
    fn effective(&self, window: Duration, rate: f64) -> Duration {
        let seconds = window.as_secs_f64() / (self.share * rate)
            + self.margin.as_secs_f64()
            + window.as_secs_f64() * self.margin_fraction;
        Duration::try_from_secs_f64(seconds).map_or(LONGEST, |d| d.min(LONGEST))
    }
}

/// What pacing did, since the client was built (shared by its clones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PacingStats {
    /// Requests paced (every attempt, token grants included).
    pub requests: u64,
    /// Requests that had to wait for their turn.
    pub delayed: u64,
    /// The time requests waited for their turn, added up.
    pub waited: Duration,
    /// Throttled answers the client received.
    pub throttled: u64,
}

/// The longest window kept: a limit over a longer one (`Duration::MAX`, "never again") is
/// kept as a year, which no `Instant` arithmetic overflows.
const LONGEST: Duration = Duration::from_secs(365 * 24 * 3600);

/// After a throttled answer the windows are stretched by 1 / BETA.
const BETA: f64 = 0.7;
/// How long the stretch takes to ease off after a throttled answer at full rate.
const RECOVERY_SECONDS: f64 = 2.0;
/// CUBIC's constant, chosen so that recovery from full rate takes [`RECOVERY_SECONDS`].
const CUBIC: f64 = (1.0 - BETA) / (RECOVERY_SECONDS * RECOVERY_SECONDS * RECOVERY_SECONDS);
/// The slowest the client gets: a twentieth of the limits.
const MIN_RATE: f64 = 0.05;

/// The rate as a fraction of the limits, along a cubic curve after the last throttle.
#[derive(Debug, Clone, Copy)]
struct Adaptive {
    /// When the last throttled answer came, the rate before it, and how long the curve
    /// takes to climb back to that rate.
    last: Option<(Instant, f64, f64)>,
}

impl Adaptive {
    fn rate(&self, now: Instant) -> f64 {
        let Some((at, before, k)) = self.last else {
            return 1.0;
        };
        let t = now.saturating_duration_since(at).as_secs_f64();
        (CUBIC * (t - k).powi(3) + before).clamp(MIN_RATE, 1.0)
    }

    fn throttled(&mut self, now: Instant) {
        let before = self.rate(now);
        let k = (before * (1.0 - BETA) / CUBIC).cbrt();
        self.last = Some((now, before, k));
    }
}

/// One limit's recent reservations.
#[derive(Debug)]
struct Window {
    limit: RateLimit,
    /// Send times, in order; only those the window can still see are kept.
    sends: VecDeque<Instant>,
}

#[derive(Debug)]
struct State {
    /// Made from the first request's service, unless the caller gave limits.
    windows: Option<Vec<Window>>,
    /// No request leaves before this: the last reservation, or a `Retry-After`.
    not_before: Option<Instant>,
    adaptive: Adaptive,
    stats: PacingStats,
}

/// The schedule every clone of a client shares.
#[derive(Debug)]
pub(crate) struct Pacer {
    config: Pacing,
    state: Mutex<State>,
}

impl Pacer {
    pub(crate) fn new(config: Pacing) -> Self {
        let windows = config.limits.as_ref().map(|limits| windows(limits));
        Self {
            config,
            state: Mutex::new(State {
                windows,
                not_before: None,
                adaptive: Adaptive { last: None },
                stats: PacingStats::default(),
            }),
        }
    }

    pub(crate) fn config(&self) -> &Pacing {
        &self.config
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn stats(&self) -> PacingStats {
        self.state().stats
    }

    /// Waits for this request's turn: the earliest moment, after every earlier reservation,
    /// at which each window it counts in (writes count in every window) has room.
    pub(crate) async fn acquire(&self, service: &ServiceSchema, write: bool) {
        let Some(at) = self.reserve(service.rate_limits, write, Instant::now()) else {
            return;
        };
        tokio::time::sleep_until(at).await;
    }

    /// Reserves a send time; `None` when pacing is off.
    fn reserve(&self, documented: &[RateLimit], write: bool, now: Instant) -> Option<Instant> {
        let mut state = self.state();
        state.stats.requests += 1;
        if !self.config.enabled {
            return None;
        }
        let rate = if self.config.adaptive {
            state.adaptive.rate(now)
        } else {
            1.0
        };
        let not_before = state.not_before;
        let windows = state.windows.get_or_insert_with(|| windows(documented));
        let mut at = not_before.map_or(now, |t| t.max(now));
        // Each window may push the time later, which another window then checks again; the
        // time only grows, and each window is satisfied once past its own sends.
        loop {
            let mut moved = false;
            for w in windows.iter().filter(|w| write || !w.limit.writes_only) {
                let span = self.config.effective(w.limit.window, rate);
                let count = usize::try_from(w.limit.count.max(1)).unwrap_or(usize::MAX);
                let recent = w
                    .sends
                    .iter()
                    .filter(|t| at.saturating_duration_since(**t) < span)
                    .count();
                if recent >= count {
                    // Room comes when the send `count` places back leaves the window.
                    let leaving = w.sends[w.sends.len() - count];
                    let free = leaving + span;
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
        for w in windows.iter_mut().filter(|w| write || !w.limit.writes_only) {
            w.sends.push_back(at);
            // Keep what the window could still see at its widest (a twentieth of the rate).
            let keep = self.config.effective(w.limit.window, MIN_RATE);
            let count = usize::try_from(w.limit.count).unwrap_or(usize::MAX);
            while w.sends.len() > count
                && w.sends
                    .front()
                    .is_some_and(|t| at.saturating_duration_since(*t) >= keep)
            {
                w.sends.pop_front();
            }
        }
        state.not_before = Some(at);
        if at > now {
            state.stats.delayed += 1;
            state.stats.waited += at - now;
        }
        Some(at)
    }

    /// A throttled answer: slow down (when adaptive), and hold every request until a
    /// `Retry-After` has passed. Answers whether the pacer waits it (else the caller does).
    pub(crate) fn throttled(&self, retry_after: Option<Duration>) -> bool {
        let now = Instant::now();
        let mut state = self.state();
        state.stats.throttled += 1;
        if !self.config.enabled {
            return false;
        }
        if self.config.adaptive {
            state.adaptive.throttled(now);
        }
        if let Some(wait) = retry_after {
            let until = now + wait;
            state.not_before = Some(state.not_before.map_or(until, |t| t.max(until)));
        }
        true
    }
}

fn windows(limits: &[RateLimit]) -> Vec<Window> {
    limits
        .iter()
        .map(|limit| Window {
            limit: *limit,
            sends: VecDeque::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(count: u32, millis: u64, writes_only: bool) -> RateLimit {
        RateLimit {
            count,
            window: Duration::from_millis(millis),
            writes_only,
        }
    }

    fn pacer(limits: Vec<RateLimit>) -> Pacer {
        Pacer::new(
            Pacing::default()
                .limits(limits)
                .margin(Duration::ZERO, 0.0)
                .adaptive(false),
        )
    }

    /// The limits a service documents, in these tests.
    const DOCUMENTED: &[RateLimit] = &[RateLimit {
        count: 1,
        window: Duration::from_millis(50),
        writes_only: false,
    }];

    /// Offsets in ms from `start` of `n` reservations made at `start`.
    fn schedule(p: &Pacer, start: Instant, writes: &[bool]) -> Vec<u128> {
        writes
            .iter()
            .map(|w| {
                p.reserve(DOCUMENTED, *w, start)
                    .map_or(0, |t| (t - start).as_millis())
            })
            .collect()
    }

    #[test]
    fn every_window_is_kept_and_reservations_keep_their_order() {
        let p = pacer(vec![limit(1, 100, false), limit(3, 1_000, false)]);
        let start = Instant::now();
        assert_eq!(
            schedule(&p, start, &[false; 7]),
            [0, 100, 200, 1000, 1100, 1200, 2000]
        );
        assert_eq!(p.stats().requests, 7);
        assert_eq!(p.stats().delayed, 6);
    }

    #[test]
    fn writes_have_their_own_limits_and_count_as_requests() {
        let p = pacer(vec![limit(1, 100, false), limit(2, 1_000, true)]);
        let start = Instant::now();
        // Two writes fill the write window; a read goes on at the request pace, behind
        // them; the third write waits for the first to leave its window.
        assert_eq!(
            schedule(&p, start, &[true, true, false, true]),
            [0, 100, 200, 1000]
        );
    }

    #[test]
    fn a_share_stretches_every_window_and_the_margin_is_added() {
        let p = Pacer::new(
            Pacing::default()
                .limits([limit(1, 100, false)])
                .share(0.5)
                .margin(Duration::from_millis(5), 0.1)
                .adaptive(false),
        );
        let start = Instant::now();
        // 100 ms / 0.5 + 5 ms + 10 % of 100 ms.
        assert_eq!(schedule(&p, start, &[false; 3]), [0, 215, 430]);
    }

    #[test]
    fn an_endless_window_is_kept_as_a_year_without_overflowing() {
        let p = pacer(vec![RateLimit {
            count: 1,
            window: Duration::MAX,
            writes_only: false,
        }]);
        let start = Instant::now();
        assert_eq!(p.reserve(DOCUMENTED, false, start), Some(start));
        let next = p.reserve(DOCUMENTED, false, start).expect("paced");
        assert_eq!(next - start, LONGEST);
    }

    #[test]
    fn off_sends_at_once() {
        let p = Pacer::new(Pacing::off().limits([limit(1, 100, false)]));
        assert_eq!(p.reserve(DOCUMENTED, false, Instant::now()), None);
        assert!(!p.throttled(Some(Duration::from_secs(1))));
        assert_eq!(p.stats().throttled, 1);
    }

    #[test]
    fn the_service_limits_apply_unless_others_are_given() {
        let p = Pacer::new(
            Pacing::default()
                .margin(Duration::ZERO, 0.0)
                .adaptive(false),
        );
        let start = Instant::now();
        // The test service allows 1 request per 50 ms.
        assert_eq!(schedule(&p, start, &[false; 3]), [0, 50, 100]);
    }

    #[test]
    fn a_throttled_answer_slows_down_then_the_rate_recovers() {
        let mut a = Adaptive { last: None };
        let t0 = Instant::now();
        assert_eq!(a.rate(t0), 1.0);
        a.throttled(t0);
        assert!((a.rate(t0) - BETA).abs() < 1e-9, "{}", a.rate(t0));
        let half_way = a.rate(t0 + Duration::from_secs(1));
        assert!(half_way > BETA && half_way < 1.0, "{half_way}");
        assert!((a.rate(t0 + Duration::from_secs(2)) - 1.0).abs() < 1e-9);
        // A second throttle before recovery goes lower still.
        a.throttled(t0 + Duration::from_millis(500));
        assert!(a.rate(t0 + Duration::from_millis(500)) < BETA);
    }

    #[test]
    fn a_retry_after_holds_every_request() {
        let p = pacer(vec![limit(1, 100, false)]);
        let start = Instant::now();
        assert_eq!(p.reserve(DOCUMENTED, false, start), Some(start));
        assert!(p.throttled(Some(Duration::from_secs(1))));
        let next = p.reserve(DOCUMENTED, false, start).expect("paced");
        assert!(next - start >= Duration::from_secs(1));
        assert_eq!(p.stats().throttled, 1);
    }
}
