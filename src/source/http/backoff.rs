//! How long to wait before trying again: exponential with jitter, capped, so a fleet of
//! dashboards that lost the control plane together does not come back in lockstep.

use std::time::Duration;

/// The longest `Retry-After` obeyed as written.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// The pacing of retries: `base`, doubled each failure, never above `cap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        }
    }
}

/// Consecutive failures and the jitter's own small generator (no `rand` crate for this).
#[derive(Debug, Clone)]
pub struct Backoff {
    policy: BackoffPolicy,
    failures: u32,
    state: u64,
}

impl Backoff {
    pub fn new(policy: BackoffPolicy) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| d.as_nanos() as u64);
        Backoff {
            policy,
            failures: 0,
            state: seed | 1,
        }
    }

    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// The wait after one more failure. The server's `Retry-After` wins when it names one
    /// (it knows its own load), up to ten minutes so a silly value cannot park us for good.
    pub fn next(&mut self, retry_after: Option<Duration>) -> Duration {
        self.failures = self.failures.saturating_add(1);
        if let Some(after) = retry_after {
            return after.min(MAX_RETRY_AFTER);
        }
        let exponent = (self.failures - 1).min(20);
        let ceiling = self
            .policy
            .base
            .saturating_mul(1u32 << exponent)
            .min(self.policy.cap);
        // Between half and all of the ceiling: spread out, but never hammering.
        let fraction = 0.5 + 0.5 * self.unit();
        ceiling.mul_f64(fraction)
    }

    /// A number in [0, 1) from xorshift64*.
    fn unit(&mut self) -> f64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_with_jitter_up_to_the_cap_and_honours_retry_after() {
        let mut b = Backoff::new(BackoffPolicy::default());
        let first = b.next(None);
        assert!(first >= Duration::from_millis(500) && first <= Duration::from_secs(1));
        for _ in 0..20 {
            assert!(b.next(None) <= Duration::from_secs(60));
        }
        let late = b.next(None);
        assert!(late >= Duration::from_secs(30), "{late:?}");
        assert_eq!(b.next(Some(Duration::from_secs(3))), Duration::from_secs(3));
        b.reset();
        assert!(b.next(None) <= Duration::from_secs(1));
    }
}
