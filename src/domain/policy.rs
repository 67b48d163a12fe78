//! What each tier promises (DESIGN.md, "Tier policy").

use chrono::Duration;

use super::tenant::Tier;

/// How the restore-time objective is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rto {
    /// Wall-clock time, 24/7.
    WallClock(Duration),
    /// Business hours from the configured calendar, best effort.
    BusinessHours(Duration),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierPolicy {
    pub retention_days: u32,
    pub rpo: Duration,
    pub rto: Rto,
    /// Whether every backup must reach the secondary region.
    pub cross_region: bool,
}

/// Two restore-point halves further apart than this do not restore as a coherent pair.
pub const COHERENT_SKEW_SECONDS: i64 = 300;
/// Every Dedicated backup must be copied to the secondary region within this.
pub const CROSS_REGION_WITHIN: Duration = Duration::hours(24);
/// Restore requests must be acknowledged within this many business hours.
pub const ACK_BUSINESS_HOURS: Duration = Duration::hours(1);

impl TierPolicy {
    /// The policy of a tier; `None` for a tier this build does not know.
    pub fn of(tier: &Tier) -> Option<TierPolicy> {
        match tier {
            Tier::Standard => Some(TierPolicy {
                retention_days: 30,
                rpo: Duration::hours(24),
                rto: Rto::BusinessHours(Duration::hours(8)),
                cross_region: false,
            }),
            Tier::Dedicated => Some(TierPolicy {
                retention_days: 90,
                rpo: Duration::hours(1),
                rto: Rto::WallClock(Duration::hours(4)),
                cross_region: true,
            }),
            Tier::Unknown(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_and_dedicated_match_the_promise() {
        let s = TierPolicy::of(&Tier::Standard).unwrap();
        assert_eq!(
            (s.retention_days, s.rpo, s.cross_region),
            (30, Duration::hours(24), false)
        );
        assert_eq!(s.rto, Rto::BusinessHours(Duration::hours(8)));
        let d = TierPolicy::of(&Tier::Dedicated).unwrap();
        assert_eq!(
            (d.retention_days, d.rpo, d.cross_region),
            (90, Duration::hours(1), true)
        );
        assert_eq!(d.rto, Rto::WallClock(Duration::hours(4)));
        assert!(TierPolicy::of(&Tier::Unknown("gold".into())).is_none());
    }
}
