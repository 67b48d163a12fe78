//! Picking the restore point for the restore wizard: the newest usable point at or before the
//! time the customer asked for, or the point the operator named, refused in words otherwise.
//!
//! Only the points passed in are judged. History comes page by page, newest first, so a
//! "before the oldest usable point" answer is only final once every page is loaded; order is
//! not relied on (the newest is found by `taken_at`, not by position).

use std::fmt;

use chrono::{DateTime, Duration, Utc};

use super::humanize::{duration, instant_utc};
use super::ids::RestorePointId;
use super::policy::COHERENT_SKEW_SECONDS;
use super::restore_point::{RestorePoint, Unusable};

/// The point to restore and what choosing it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct PointChoice<'a> {
    pub point: &'a RestorePoint,
    /// Set when the point is usable but worth a second look.
    pub warning: Option<PointWarning>,
    /// Data written between the point and the time asked for, which the restore will not have;
    /// `None` when no time was asked for ("most recent", or a point named by id).
    pub lost_before_requested: Option<Duration>,
    /// Data written between the point and now: what the restored site will not have.
    /// Zero for a point stamped after `now` (the control plane's clock may run ahead of ours).
    pub lost_until_now: Duration,
}

/// Why a usable point still deserves a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointWarning {
    /// The two halves started more than `COHERENT_SKEW_SECONDS` apart.
    Incoherent { skew_seconds: i64 },
}

impl fmt::Display for PointWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PointWarning::Incoherent { skew_seconds } => write!(
                f,
                "the pair is not coherent: the database dump and the moodledata snapshot \
                 started {} apart (more than {}), so files and database rows may not match",
                skew_words(*skew_seconds),
                duration(Duration::seconds(COHERENT_SKEW_SECONDS)),
            ),
        }
    }
}

/// A skew from the wire in words; one too large for a `Duration` is shown in plain seconds
/// rather than panicking.
fn skew_words(skew_seconds: i64) -> String {
    let skew = skew_seconds.saturating_abs();
    Duration::try_seconds(skew).map_or_else(|| format!("{skew}s"), duration)
}

/// Why no point can be chosen, in words for the wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceError {
    /// A time after `now`: a restore can only go back.
    InFuture {
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    /// A time before every usable point.
    BeforeOldestUsable {
        at: DateTime<Utc>,
        oldest: DateTime<Utc>,
    },
    /// Not one of the `points` given is usable.
    NoUsablePoint { points: usize },
    /// A point named by id that is not in the history given.
    UnknownPoint(RestorePointId),
    /// A point named by id that cannot be restored from (the contract's
    /// `422 restore_point_unusable`).
    Unusable {
        id: RestorePointId,
        reason: Unusable,
    },
}

impl fmt::Display for ChoiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChoiceError::InFuture { at, now } => write!(
                f,
                "{} is in the future (it is now {}): pick a time that has passed",
                instant_utc(*at),
                instant_utc(*now)
            ),
            ChoiceError::BeforeOldestUsable { at, oldest } => write!(
                f,
                "no usable restore point at or before {}: the oldest usable point is {}",
                instant_utc(*at),
                instant_utc(*oldest)
            ),
            ChoiceError::NoUsablePoint { points: 0 } => {
                write!(
                    f,
                    "no usable restore point: this tenant has no restore points"
                )
            }
            ChoiceError::NoUsablePoint { points } => write!(
                f,
                "no usable restore point: none of the {points} restore points can be restored \
                 from (failed, partial or expired)"
            ),
            ChoiceError::UnknownPoint(id) => {
                write!(f, "restore point {id} is not in this tenant's history")
            }
            ChoiceError::Unusable { id, reason } => write!(f, "restore point {id} is {reason}"),
        }
    }
}

impl std::error::Error for ChoiceError {}

/// The newest usable point at or before `wanted` (exactly at a point's `taken_at` counts), or
/// the newest usable point of all when `wanted` is `None` ("the most recent backup").
///
/// "Most recent" is not bounded by `now`: a point the control plane stamped a few seconds
/// ahead of our clock is still the most recent one, not a reason to fall back a day.
///
/// `from`: the region restored in from its copy there (`None`: the tenant's own); only
/// points whose copy there has landed are usable then.
pub fn choose_point<'a>(
    points: &'a [RestorePoint],
    wanted: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    from: Option<&str>,
) -> Result<PointChoice<'a>, ChoiceError> {
    if let Some(at) = wanted.filter(|at| *at > now) {
        return Err(ChoiceError::InFuture { at, now });
    }
    let usable = || points.iter().filter(|p| p.unusable_in(from, now).is_none());
    let oldest = usable()
        .map(|p| p.taken_at)
        .min()
        .ok_or(ChoiceError::NoUsablePoint {
            points: points.len(),
        })?;
    let newest_in_range = usable()
        .filter(|p| wanted.is_none_or(|at| p.taken_at <= at))
        .max_by_key(|p| p.taken_at);
    match (newest_in_range, wanted) {
        (Some(point), _) => Ok(choice(point, wanted, now)),
        (None, Some(at)) => Err(ChoiceError::BeforeOldestUsable { at, oldest }),
        // Without a bound every usable point is in range, and there is one.
        (None, None) => Err(ChoiceError::NoUsablePoint {
            points: points.len(),
        }),
    }
}

/// The point the operator named, if it is in `points` and usable at `now`.
pub fn check_point<'a>(
    points: &'a [RestorePoint],
    id: &RestorePointId,
    now: DateTime<Utc>,
    from: Option<&str>,
) -> Result<PointChoice<'a>, ChoiceError> {
    let point = points
        .iter()
        .find(|p| p.id == *id)
        .ok_or_else(|| ChoiceError::UnknownPoint(id.clone()))?;
    match point.unusable_in(from, now) {
        Some(reason) => Err(ChoiceError::Unusable {
            id: id.clone(),
            reason,
        }),
        None => Ok(choice(point, None, now)),
    }
}

fn choice(
    point: &RestorePoint,
    wanted: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> PointChoice<'_> {
    let since_point = |until: DateTime<Utc>| {
        until
            .signed_duration_since(point.taken_at)
            .max(Duration::zero())
    };
    PointChoice {
        point,
        warning: (!point.is_coherent()).then_some(PointWarning::Incoherent {
            skew_seconds: point.skew_seconds,
        }),
        lost_before_requested: wanted.map(since_point),
        lost_until_now: since_point(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::restore_point::PointStatus;
    use crate::domain::test_support::utc;

    const SECOND: Duration = Duration::seconds(1);

    fn now() -> DateTime<Utc> {
        utc(2026, 11, 26, 3, 10)
    }

    fn point(id: &str, taken_at: DateTime<Utc>) -> RestorePoint {
        let mut p = crate::domain::test_support::point(id, taken_at);
        p.expires_at = taken_at.checked_add_signed(Duration::days(30));
        p
    }

    /// Daily points at 03:00, newest first, 2026-11-26 back to 2026-11-22.
    fn history() -> Vec<RestorePoint> {
        (22..=26)
            .rev()
            .map(|d| point(&format!("rp_{d}"), utc(2026, 11, d, 3, 0)))
            .collect()
    }

    fn chosen_id(r: Result<PointChoice<'_>, ChoiceError>) -> String {
        r.unwrap().point.id.to_string()
    }

    #[test]
    fn most_recent_is_the_newest_usable_point() {
        let points = history();
        let choice = choose_point(&points, None, now(), None).unwrap();
        assert_eq!(choice.point.id.to_string(), "rp_26");
        assert_eq!(choice.lost_before_requested, None);
        assert_eq!(choice.lost_until_now, Duration::minutes(10));
        assert_eq!(choice.warning, None);
    }

    #[test]
    fn most_recent_skips_failed_partial_and_expired_points() {
        let mut points = history();
        points[0].status = PointStatus::Failed;
        points[1].status = PointStatus::Partial;
        points[2].expires_at = Some(now());
        points[3].volume.status = PointStatus::Failed;
        assert_eq!(chosen_id(choose_point(&points, None, now(), None)), "rp_22");
    }

    #[test]
    fn most_recent_does_not_depend_on_order_or_our_clock() {
        let mut points = history();
        points.reverse();
        assert_eq!(chosen_id(choose_point(&points, None, now(), None)), "rp_26");
        // Stamped a second after our now: still the most recent, and nothing lost.
        let ahead = vec![point("rp_ahead", now() + SECOND)];
        let choice = choose_point(&ahead, None, now(), None).unwrap();
        assert_eq!(choice.lost_until_now, Duration::zero());
    }

    /// The point chosen for a time, and the data lost before that time and before now.
    fn at(points: &[RestorePoint], wanted: DateTime<Utc>) -> (String, Duration, Duration) {
        let choice = choose_point(points, Some(wanted), now(), None).unwrap();
        let before = choice.lost_before_requested.unwrap();
        (choice.point.id.to_string(), before, choice.lost_until_now)
    }

    #[test]
    fn exactly_at_a_points_time_is_at_or_before() {
        let points = history();
        let taken = utc(2026, 11, 24, 3, 0);
        let since = Duration::minutes(48 * 60 + 10);
        assert_eq!(
            at(&points, taken),
            ("rp_24".into(), Duration::zero(), since)
        );
        let earlier = at(&points, taken - SECOND);
        assert_eq!(earlier.0, "rp_23");
        assert_eq!(earlier.1, Duration::hours(24) - SECOND);
    }

    #[test]
    fn data_lost_is_counted_to_the_time_asked_and_to_now() {
        let points = history();
        assert_eq!(
            at(&points, utc(2026, 11, 24, 17, 30)),
            (
                "rp_24".into(),
                Duration::minutes(14 * 60 + 30),
                Duration::minutes(48 * 60 + 10)
            )
        );
    }

    #[test]
    fn a_time_in_the_future_is_refused_but_now_is_not() {
        let points = history();
        assert_eq!(
            chosen_id(choose_point(&points, Some(now()), now(), None)),
            "rp_26"
        );
        let error = choose_point(&points, Some(now() + SECOND), now(), None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "2026-11-26 03:10:01 UTC is in the future (it is now 2026-11-26 03:10 UTC): \
             pick a time that has passed"
        );
    }

    #[test]
    fn a_time_before_every_usable_point_names_the_oldest() {
        let mut points = history();
        // The oldest point is expired, so the oldest usable is the 23rd.
        points[4].expires_at = Some(now() - SECOND);
        let at = utc(2026, 11, 23, 3, 0) - SECOND;
        let error = choose_point(&points, Some(at), now(), None).unwrap_err();
        assert_eq!(
            error,
            ChoiceError::BeforeOldestUsable {
                at,
                oldest: utc(2026, 11, 23, 3, 0)
            }
        );
        assert_eq!(
            error.to_string(),
            "no usable restore point at or before 2026-11-23 02:59:59 UTC: \
             the oldest usable point is 2026-11-23 03:00 UTC"
        );
    }

    #[test]
    fn no_usable_point_at_all_is_refused() {
        let error = choose_point(&[], None, now(), None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no usable restore point: this tenant has no restore points"
        );
        let mut points = history();
        for p in &mut points {
            p.status = PointStatus::Failed;
        }
        let error = choose_point(&points, Some(now()), now(), None).unwrap_err();
        assert_eq!(error, ChoiceError::NoUsablePoint { points: 5 });
        assert_eq!(
            error.to_string(),
            "no usable restore point: none of the 5 restore points can be restored from \
             (failed, partial or expired)"
        );
    }

    #[test]
    fn an_incoherent_pair_is_usable_with_a_warning() {
        let mut points = history();
        points[0].skew_seconds = COHERENT_SKEW_SECONDS;
        assert_eq!(
            choose_point(&points, None, now(), None).unwrap().warning,
            None
        );
        points[0].skew_seconds = COHERENT_SKEW_SECONDS + 1;
        let choice = choose_point(&points, None, now(), None).unwrap();
        assert_eq!(choice.point.id.to_string(), "rp_26");
        let warning = choice.warning.unwrap();
        assert_eq!(warning, PointWarning::Incoherent { skew_seconds: 301 });
        assert_eq!(
            warning.to_string(),
            "the pair is not coherent: the database dump and the moodledata snapshot started \
             5m 1s apart (more than 5m), so files and database rows may not match"
        );
    }

    #[test]
    fn an_absurd_skew_from_the_wire_reads_in_seconds() {
        assert_eq!(skew_words(-400), "6m 40s");
        assert_eq!(skew_words(i64::MIN), format!("{}s", i64::MAX));
    }

    #[test]
    fn a_named_usable_point_is_accepted() {
        let points = history();
        let choice = check_point(&points, &"rp_24".into(), now(), None).unwrap();
        assert_eq!(choice.point.id.to_string(), "rp_24");
        assert_eq!(choice.lost_before_requested, None);
        assert_eq!(choice.lost_until_now, Duration::minutes(48 * 60 + 10));
    }

    #[test]
    fn a_named_point_that_is_failed_partial_expired_or_unknown_is_refused() {
        let mut points = history();
        points[0].status = PointStatus::Failed;
        points[1].status = PointStatus::Partial;
        points[1].database.status = PointStatus::Failed;
        points[1].database.error = Some("pg_dump: connection reset".into());
        points[2].expires_at = Some(now());
        let words = |id: &str| {
            check_point(&points, &id.into(), now(), None)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(words("rp_26"), "restore point rp_26 is failed");
        assert_eq!(
            words("rp_25"),
            "restore point rp_25 is partial: the database dump is failed \
             (pg_dump: connection reset)"
        );
        assert_eq!(
            words("rp_24"),
            "restore point rp_24 is expired: it expired at 2026-11-26 03:10 UTC"
        );
        assert_eq!(
            words("rp_x"),
            "restore point rp_x is not in this tenant's history"
        );
        assert!(matches!(
            check_point(&points, &"rp_25".into(), now(), None),
            Err(ChoiceError::Unusable { .. })
        ));
    }
}
