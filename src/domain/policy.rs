//! What each tier promises (DESIGN.md, "Tier policy").

use chrono::{DateTime, Duration, Utc};

use super::tenant::Tier;

/// How the restore-time objective is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rto {
    /// Wall-clock time, 24/7.
    WallClock(Duration),
    /// Business hours from the configured calendar, best effort.
    BusinessHours(Duration),
}

impl Rto {
    /// How long a restore may take, however it is counted.
    pub fn limit(self) -> Duration {
        match self {
            Rto::WallClock(d) | Rto::BusinessHours(d) => d,
        }
    }

    /// "4h", "8 business hours".
    pub fn words(self) -> String {
        match self {
            Rto::WallClock(d) => super::humanize::duration(d),
            Rto::BusinessHours(d) => format!("{} business hours", d.num_hours()),
        }
    }
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

/// Where a deadline shown on screen comes from. The UI must say "computed by snapdeck" when
/// it is ours: the control plane's own figure is the one the customer is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineSource {
    /// The control plane's field (`rto_deadline_at`, `ack_deadline_at`).
    Server,
    /// snapdeck's reckoning from the tier and the business calendar.
    Computed,
}

impl DeadlineSource {
    pub fn words(self) -> &'static str {
        match self {
            DeadlineSource::Server => "from the control plane",
            DeadlineSource::Computed => "computed by snapdeck",
        }
    }
}

/// A server's deadline and snapdeck's differ by more than this only when they disagree on the
/// rule (another calendar, holidays one side does not know), not when one rounds to the minute.
pub const DEADLINE_TOLERANCE: Duration = Duration::minutes(1);

/// A deadline as shown: the server's when it gave one, else snapdeck's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub at: DateTime<Utc>,
    pub source: DeadlineSource,
    /// snapdeck's reckoning when the server's differs from it by more than
    /// `DEADLINE_TOLERANCE`: worth a note on screen, since one of the two calendars is wrong.
    pub disagreeing_computed: Option<DateTime<Utc>>,
}

impl Deadline {
    /// The server's deadline wins when present (the contract is what the customer sees);
    /// the computed one fills in when it is absent and cross-checks it when it is not.
    pub fn reconcile(server: Option<DateTime<Utc>>, computed: DateTime<Utc>) -> Deadline {
        match server {
            None => Deadline {
                at: computed,
                source: DeadlineSource::Computed,
                disagreeing_computed: None,
            },
            Some(at) => Deadline {
                at,
                source: DeadlineSource::Server,
                disagreeing_computed: (at.signed_duration_since(computed).abs()
                    > DEADLINE_TOLERANCE)
                    .then_some(computed),
            },
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

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 11, 26, h, m, s).unwrap()
    }

    #[test]
    fn a_missing_server_deadline_is_filled_and_says_so() {
        let d = Deadline::reconcile(None, at(7, 14, 0));
        assert_eq!((d.at, d.source), (at(7, 14, 0), DeadlineSource::Computed));
        assert_eq!(d.disagreeing_computed, None);
        assert_eq!(d.source.words(), "computed by snapdeck");
    }

    #[test]
    fn the_server_deadline_wins_and_is_cross_checked() {
        let agree = Deadline::reconcile(Some(at(7, 15, 0)), at(7, 14, 0));
        assert_eq!(
            (agree.at, agree.source),
            (at(7, 15, 0), DeadlineSource::Server)
        );
        assert_eq!(agree.disagreeing_computed, None, "exactly the tolerance");
        let apart = Deadline::reconcile(Some(at(7, 15, 1)), at(7, 14, 0));
        assert_eq!(apart.at, at(7, 15, 1));
        assert_eq!(apart.disagreeing_computed, Some(at(7, 14, 0)));
        let early = Deadline::reconcile(Some(at(7, 12, 59)), at(7, 14, 0));
        assert_eq!(early.disagreeing_computed, Some(at(7, 14, 0)));
        assert_eq!(DeadlineSource::Server.words(), "from the control plane");
    }
}
