//! Throttling as the API documents it: limits over sliding windows, per token and per user;
//! a request over a limit is answered 409 with the throttle message and `Retry-After`.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use nexudus::RateLimit;

use super::config::ThrottleLimits;

/// The recent requests of one token or user.
#[derive(Debug, Default)]
struct Usage {
    requests: VecDeque<Instant>,
    writes: VecDeque<Instant>,
}

/// The recent requests that count against the limits, by what they count against
/// (`token:...`, `user:...`).
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    limits: Option<ThrottleLimits>,
    usage: HashMap<String, Usage>,
    /// Checks since idle keys were last dropped.
    checks: usize,
}

/// How many checks pass between drops of keys whose windows are empty.
const DROP_IDLE_EVERY: usize = 1024;

impl Throttle {
    pub(crate) fn new(limits: Option<ThrottleLimits>) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Replaces the limits (`None` turns throttling off) and forgets past requests.
    pub(crate) fn set(&mut self, limits: Option<ThrottleLimits>) {
        *self = Self::new(limits);
    }

    /// The limits in force.
    pub(crate) fn limits(&self) -> Option<&ThrottleLimits> {
        self.limits.as_ref()
    }

    /// Counts a request against every key it is made as, or answers how long to wait if one
    /// of them is over a limit (then it counts against none).
    pub(crate) fn check(&mut self, keys: &[String], write: bool) -> Result<(), Duration> {
        let Some(limits) = &self.limits else {
            return Ok(());
        };
        let now = Instant::now();
        let mut wait: Option<Duration> = None;
        for key in keys {
            let Some(usage) = self.usage.get(key) else {
                continue;
            };
            let mut over_here = over(&usage.requests, limits.of(false), now);
            if write {
                over_here = over_here.max(over(&usage.writes, limits.of(true), now));
            }
            wait = wait.max(over_here);
        }
        if let Some(wait) = wait {
            return Err(limits.retry_after.unwrap_or(wait));
        }
        // Keep only what the longest window still needs.
        let longest = |writes_only| limits.of(writes_only).map(|l| l.window).max();
        let (longest_requests, longest_writes) = (longest(false), longest(true));
        for key in keys {
            let usage = self.usage.entry(key.clone()).or_default();
            usage.requests.push_back(now);
            prune(&mut usage.requests, longest_requests, now);
            if write {
                usage.writes.push_back(now);
                prune(&mut usage.writes, longest_writes, now);
            }
        }
        self.checks += 1;
        if self.checks >= DROP_IDLE_EVERY {
            self.checks = 0;
            self.usage.retain(|_, usage| {
                prune(&mut usage.requests, longest_requests, now);
                prune(&mut usage.writes, longest_writes, now);
                !usage.requests.is_empty() || !usage.writes.is_empty()
            });
        }
        Ok(())
    }
}

/// How long until every limit has room again, if one has none now.
fn over<'a>(
    history: &VecDeque<Instant>,
    limits: impl Iterator<Item = &'a RateLimit>,
    now: Instant,
) -> Option<Duration> {
    limits
        .filter_map(
            |&RateLimit {
                 count: limit,
                 window,
                 ..
             }| {
                let recent: Vec<&Instant> = history
                    .iter()
                    .filter(|t| now.saturating_duration_since(**t) < window)
                    .collect();
                let limit = usize::try_from(limit).unwrap_or(usize::MAX);
                if recent.len() < limit {
                    return None;
                }
                // The slot frees when the request `limit` places back leaves the window.
                let oldest_needed = recent
                    .get(recent.len() - limit)
                    .copied()
                    .copied()
                    .unwrap_or(now);
                // `window - age`, not `oldest + window - now`: a window as long as
                // `Duration::MAX` must not overflow `Instant`.
                Some(window.saturating_sub(now.saturating_duration_since(oldest_needed)))
            },
        )
        .max()
}

fn prune(history: &mut VecDeque<Instant>, longest: Option<Duration>, now: Instant) {
    let Some(longest) = longest else {
        history.clear();
        return;
    };
    while history
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= longest)
    {
        history.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<String> {
        vec!["user:a".to_owned()]
    }

    #[test]
    fn tokens_and_users_have_their_own_windows() {
        let limits = ThrottleLimits::new().requests(1, Duration::from_secs(60));
        let mut throttle = Throttle::new(Some(limits));
        let (token_a, token_b) = ("token:a".to_owned(), "token:b".to_owned());
        let (ada, bob) = ("user:ada".to_owned(), "user:bob".to_owned());
        assert!(
            throttle
                .check(&[token_a.clone(), ada.clone()], false)
                .is_ok()
        );
        // Another token of another user has room; another token of the same user has not.
        assert!(throttle.check(&[token_b.clone(), bob], false).is_ok());
        assert!(throttle.check(&["token:c".to_owned(), ada], false).is_err());
        assert!(throttle.check(&[token_a], false).is_err());
    }

    #[test]
    fn the_request_over_the_limit_waits_and_does_not_count() {
        let limits = ThrottleLimits::new().requests(2, Duration::from_secs(60));
        let mut throttle = Throttle::new(Some(limits));
        assert!(throttle.check(&keys(), false).is_ok());
        assert!(throttle.check(&keys(), true).is_ok());
        let wait = throttle.check(&keys(), false).expect_err("over the limit");
        assert!(wait > Duration::from_secs(59) && wait <= Duration::from_secs(60));
        assert_eq!(throttle.usage["user:a"].requests.len(), 2);
    }

    #[test]
    fn writes_have_their_own_limit() {
        let limits = ThrottleLimits::new().writes(1, Duration::from_secs(60));
        let mut throttle = Throttle::new(Some(limits));
        assert!(throttle.check(&keys(), true).is_ok());
        assert!(throttle.check(&keys(), false).is_ok());
        assert!(throttle.check(&keys(), true).is_err());
    }

    #[test]
    fn endless_windows_wait_without_overflowing() {
        let limits = ThrottleLimits::new().requests(1, Duration::MAX);
        let mut throttle = Throttle::new(Some(limits));
        assert!(throttle.check(&keys(), false).is_ok());
        let wait = throttle.check(&keys(), false).expect_err("over the limit");
        assert!(wait > Duration::from_secs(u64::MAX / 2), "{wait:?}");
    }

    #[test]
    fn off_by_default() {
        let mut throttle = Throttle::new(None);
        assert!((0..1000).all(|_| throttle.check(&keys(), true).is_ok()));
    }
}
