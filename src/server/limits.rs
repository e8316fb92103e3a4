//! Per-application call limits (governor's GCRA, one keyed limiter per window).
//!
//! `calls` per `seconds` allows a burst of `calls` and then one call every `seconds / calls`: the
//! service's "100 calls per minute and 1,500 per hour" without a fixed window's edge effects.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::server::config::RateLimit;

/// Every configured window, keyed by application id.
pub struct CallLimiter {
    windows: Vec<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for CallLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallLimiter")
            .field("windows", &self.windows.len())
            .finish()
    }
}

impl CallLimiter {
    /// Limiters for `limits` (none: every call passes).
    pub fn new(limits: &[RateLimit]) -> CallLimiter {
        let windows = limits
            .iter()
            .filter_map(|l| {
                let calls = NonZeroU32::new(l.calls)?;
                let period = Duration::from_secs_f64(l.seconds / f64::from(l.calls));
                let quota = Quota::with_period(period)?.allow_burst(calls);
                Some(RateLimiter::keyed(quota))
            })
            .collect();
        CallLimiter {
            windows,
            clock: DefaultClock::default(),
        }
    }

    /// Counts one call of `app`; `Err(seconds)` (at least 1) when a window is exhausted: the
    /// `Retry-After` value.
    pub fn check(&self, app: &str) -> Result<(), u64> {
        let key = app.to_string();
        for w in &self.windows {
            if let Err(not_until) = w.check_key(&key) {
                let wait = not_until.wait_time_from(self.clock.now());
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                return Err(secs.max(1));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A burst of `calls`, then the wait until the next one is allowed; applications are apart.
    #[test]
    fn a_burst_then_the_wait_per_application() {
        let limiter = CallLimiter::new(&[RateLimit {
            calls: 2,
            seconds: 60.0,
        }]);
        assert!(limiter.check("app").is_ok());
        assert!(limiter.check("app").is_ok());
        let retry_after = limiter.check("app").unwrap_err();
        assert!((29..=30).contains(&retry_after));
        assert!(limiter.check("other app").is_ok());
    }
}
