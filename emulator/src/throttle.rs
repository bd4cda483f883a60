//! Throttling as the API documents it: limits over sliding windows; a request over a limit
//! is answered 409 with the throttle message and `Retry-After`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::config::ThrottleLimits;

/// The recent requests that count against the limits.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    limits: Option<ThrottleLimits>,
    requests: VecDeque<Instant>,
    writes: VecDeque<Instant>,
}

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

    /// Counts a request, or answers how long to wait if it is over a limit (then it does
    /// not count).
    pub(crate) fn check(&mut self, write: bool) -> Result<(), Duration> {
        let Some(limits) = &self.limits else {
            return Ok(());
        };
        let now = Instant::now();
        let mut wait = over(&self.requests, &limits.requests, now);
        if write {
            wait = wait.max(over(&self.writes, &limits.writes, now));
        }
        if let Some(wait) = wait {
            return Err(limits.retry_after.unwrap_or(wait));
        }
        // Keep only what the longest window still needs.
        let longest = |limits: &[(u32, Duration)]| limits.iter().map(|(_, w)| *w).max();
        self.requests.push_back(now);
        prune(&mut self.requests, longest(&limits.requests), now);
        if write {
            self.writes.push_back(now);
            prune(&mut self.writes, longest(&limits.writes), now);
        }
        Ok(())
    }
}

/// How long until every limit has room again, if one has none now.
fn over(history: &VecDeque<Instant>, limits: &[(u32, Duration)], now: Instant) -> Option<Duration> {
    limits
        .iter()
        .filter_map(|&(limit, window)| {
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
        })
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

    #[test]
    fn the_request_over_the_limit_waits_and_does_not_count() {
        let limits = ThrottleLimits::new().requests(2, Duration::from_secs(60));
        let mut throttle = Throttle::new(Some(limits));
        assert!(throttle.check(false).is_ok());
        assert!(throttle.check(true).is_ok());
        let wait = throttle.check(false).expect_err("over the limit");
        assert!(wait > Duration::from_secs(59) && wait <= Duration::from_secs(60));
        assert_eq!(throttle.requests.len(), 2);
    }

    #[test]
    fn writes_have_their_own_limit() {
        let limits = ThrottleLimits::new().writes(1, Duration::from_secs(60));
        let mut throttle = Throttle::new(Some(limits));
        assert!(throttle.check(true).is_ok());
        assert!(throttle.check(false).is_ok());
        assert!(throttle.check(true).is_err());
    }

    #[test]
    fn endless_windows_wait_without_overflowing() {
        let limits = ThrottleLimits::new().requests(1, Duration::MAX);
        let mut throttle = Throttle::new(Some(limits));
        assert!(throttle.check(false).is_ok());
        let wait = throttle.check(false).expect_err("over the limit");
        assert!(wait > Duration::from_secs(u64::MAX / 2), "{wait:?}");
    }

    #[test]
    fn off_by_default() {
        let mut throttle = Throttle::new(None);
        assert!((0..1000).all(|_| throttle.check(true).is_ok()));
    }
}
