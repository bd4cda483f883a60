//! When and how long to wait before trying a request again.

use std::time::Duration;

use crate::endpoint::Method;

/// How the client retries throttled and failed requests.
///
/// Every request is retried on throttling (429, or 409 with the throttle message): the API
/// did not process it. So is a failed token grant (throttled, 502/503/504, a connection
/// failure or timeout), since the request it was for was not sent yet. `GET`, `PUT` and
/// `DELETE` are also retried on 502/503/504 and on connection failures and timeouts. `POST`
/// (create, run command) is not, since it might have taken effect, unless
/// [`retry_post`](Self::retry_post) says so. Waits grow exponentially from
/// [`base_delay`](Self::base_delay) up to [`max_delay`](Self::max_delay) with full jitter; a
/// `Retry-After` from the API is waited exactly, and if it asks for longer than `max_delay`
/// the client gives up at once. All of these share [`max_attempts`](Self::max_attempts).
///
/// ```
/// # use nexudus::RetryPolicy;
/// # use std::time::Duration;
/// let policy = RetryPolicy::default().max_attempts(6).base_delay(Duration::from_millis(100));
/// assert_eq!(policy.max_attempts, 6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The longest possible wait before the first retry; it doubles with each retry.
    pub base_delay: Duration,
    /// The longest wait between attempts, and the longest `Retry-After` honoured.
    pub max_delay: Duration,
    /// Whether `POST` requests are retried on 502/503/504, connection failures and timeouts
    /// too (throttled ones always are).
    pub retry_post: bool,
}

impl Default for RetryPolicy {
    /// 4 attempts in all, waits from 250 ms up to 10 s, `POST` retried only when throttled.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            retry_post: false,
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is tried once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included; 0 counts as 1.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The longest possible wait before the first retry; it doubles with each retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait between attempts, and the longest `Retry-After` the client honours.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Whether `POST` requests are retried on 502/503/504, connection failures and timeouts
    /// too (throttled ones always are).
    pub fn retry_post(mut self, retry: bool) -> Self {
        self.retry_post = retry;
        self
    }

    /// Whether requests of `method` may be retried after a failure that may have reached
    /// the API (throttling is always retried).
    pub(crate) fn retries(&self, method: Method) -> bool {
        method != Method::Post || self.retry_post
    }

    /// The wait after failed attempt number `attempt` (from 1): a uniformly random
    /// duration up to `min(max_delay, base_delay * 2^(attempt-1))` ("full jitter").
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let ceiling_nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=ceiling_nanos))
    }
}
