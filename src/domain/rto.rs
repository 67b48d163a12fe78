//! The RTO clock of a restore (DESIGN.md, "RTO clock").
//!
//! Dedicated: the customer's wait + 4 h, wall clock. Standard: + 8 business hours on the
//! business calendar. The wait starts at the ticket's `requested_at` when the restore answers a
//! restore request (the customer has waited since then), else at the restore's own. The
//! server's `rto_deadline_at` wins when present; otherwise snapdeck computes the deadline and
//! says so. Amber when less than a quarter of the budget is left, red once passed; a restore
//! that ended stops its clock.
//!
//! Levels reuse `health::Level` (only `Ok`, `Info`, `Amber` and `Red` occur) so the clock is
//! drawn with the same glyph, word and colour as every other level on screen.

use chrono::{DateTime, Duration, Utc};

use super::calendar::BusinessCalendar;
use super::level::Level;
use super::policy::{Deadline, Rto, TierPolicy};
use super::request::RestoreRequest;
use super::restore::{Restore, RestorePhase};
use super::tenant::Tier;

/// How time against the budget is counted, so the screen can say "business hours" when the
/// hours left are not the hours on the wall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    WallClock,
    BusinessHours,
}

impl Counting {
    pub fn words(self) -> &'static str {
        match self {
            Counting::WallClock => "wall clock",
            Counting::BusinessHours => "business hours",
        }
    }
}

/// How a restore ended, as far as its clock cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreEnd {
    /// `AwaitingConfirmation` or `Completed` (the data is back), or `Failed`, `Cancelled` or
    /// `Discarded` (it gave the customer nothing).
    pub phase: RestorePhase,
    /// When it ended, if the restore says: the contract gives a restore no end time of its
    /// own, so this is its last step's `finished_at` (the data was back then, whoever
    /// confirmed it later), else `confirmed_at` for a completed one.
    pub at: Option<DateTime<Utc>>,
}

impl RestoreEnd {
    /// The data is back: the restore can have met its RTO.
    pub fn delivered(&self) -> bool {
        matches!(
            self.phase,
            RestorePhase::AwaitingConfirmation | RestorePhase::Completed
        )
    }
}

/// Where the clock stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtoState {
    /// Still counting; `left` is in the clock's `Counting` (business time for Standard).
    /// Zero left is still on time: due *at* the deadline, late one instant after.
    Running { left: Duration },
    /// Past the deadline by `by`, wall clock: how long the customer has been failed.
    Overdue { by: Duration },
    /// The restore ended and the clock stopped. `in_time` is `None` when the end time is unknown.
    Ended {
        end: RestoreEnd,
        in_time: Option<bool>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtoClock {
    pub deadline: Deadline,
    /// The tier's whole allowance: 4 h or 8 business hours. The quarter rule is judged against
    /// it, not against the server's deadline, because the tier is the promise.
    pub budget: Duration,
    pub counting: Counting,
    pub state: RtoState,
}

impl RtoClock {
    /// How long after its deadline a stopped clock stopped (`None` while it runs, when it
    /// stopped in time, or when its end time is unknown).
    pub fn late_by(&self) -> Option<Duration> {
        match &self.state {
            RtoState::Ended { end, .. } => end
                .at
                .map(|at| at.signed_duration_since(self.deadline.at))
                .filter(|by| *by > Duration::zero()),
            _ => None,
        }
    }

    /// Running: ok, amber under a quarter of the budget left. Overdue: red. Ended: ok in time,
    /// red late (the promise was missed, whatever happens next), info when the end time is
    /// not known (nothing to alarm on, nothing to vouch for).
    pub fn level(&self) -> Level {
        match &self.state {
            RtoState::Running { left } if *left < self.budget / 4 => Level::Amber,
            RtoState::Running { .. } => Level::Ok,
            RtoState::Overdue { .. } => Level::Red,
            RtoState::Ended { in_time, .. } => match in_time {
                Some(true) => Level::Ok,
                Some(false) => Level::Red,
                None => Level::Info,
            },
        }
    }
}

/// The RTO clock at `now` for a customer whose wait started at `requested`. `None` for a tier
/// this build does not know: no promise to count against, so no clock rather than a guess.
pub fn rto_clock(
    tier: &Tier,
    requested: DateTime<Utc>,
    server_deadline: Option<DateTime<Utc>>,
    end: Option<RestoreEnd>,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Option<RtoClock> {
    let (budget, counting) = match TierPolicy::of(tier)?.rto {
        Rto::WallClock(budget) => (budget, Counting::WallClock),
        Rto::BusinessHours(budget) => (budget, Counting::BusinessHours),
    };
    let computed = match counting {
        // An instant from the wire near the end of time must not panic: the far bound stands in.
        Counting::WallClock => requested
            .checked_add_signed(budget)
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
        Counting::BusinessHours => calendar.add_business_time(requested, budget),
    };
    let deadline = Deadline::reconcile(server_deadline, computed);
    let state = match end {
        Some(end) => {
            // Only a restore whose data is back can meet its RTO: a failed, cancelled or
            // discarded one gave the customer nothing, so its clock just stopped (never "met").
            let in_time = end
                .at
                .filter(|_| end.delivered())
                .map(|at| at <= deadline.at);
            RtoState::Ended { end, in_time }
        }
        None if now > deadline.at => RtoState::Overdue {
            by: now.signed_duration_since(deadline.at),
        },
        None => RtoState::Running {
            left: time_left(counting, deadline.at, calendar, now),
        },
    };
    Some(RtoClock {
        deadline,
        budget,
        counting,
        state,
    })
}

/// The RTO clock of a restore, given the restore request it answers, if any.
pub fn restore_rto(
    restore: &Restore,
    tier: &Tier,
    request: Option<&RestoreRequest>,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Option<RtoClock> {
    rto_clock(
        tier,
        wait_started(restore, request),
        restore.rto_deadline_at,
        restore_end(restore),
        calendar,
        now,
    )
}

/// When the customer's wait started: the ticket's `requested_at` when `request` is the one this
/// restore answers (it names the restore, or the restore names its ticket), else the restore's
/// own. A request for something else is ignored rather than trusted.
pub fn wait_started(restore: &Restore, request: Option<&RestoreRequest>) -> DateTime<Utc> {
    request
        .filter(|r| {
            r.restore_id.as_ref() == Some(&restore.id)
                || restore.ticket.as_deref() == Some(r.ticket.as_str())
        })
        .map_or(restore.requested_at, |r| r.requested_at)
}

/// How the restore ended, or `None` while it runs. Awaiting confirmation has ended as far as
/// the customer's wait goes: the data is back, a person's decision is not restoring. An
/// unknown phase counts as running: the clock keeps going rather than stopping on a word we
/// cannot read.
pub fn restore_end(restore: &Restore) -> Option<RestoreEnd> {
    let ended = matches!(
        restore.phase,
        RestorePhase::AwaitingConfirmation
            | RestorePhase::Completed
            | RestorePhase::Failed
            | RestorePhase::Cancelled
            | RestorePhase::Discarded
    );
    if !ended {
        return None;
    }
    let last_step = restore.steps.iter().filter_map(|s| s.finished_at).max();
    let at = match restore.phase {
        RestorePhase::Completed => last_step.or(restore.confirmed_at),
        _ => last_step,
    };
    Some(RestoreEnd {
        phase: restore.phase.clone(),
        at,
    })
}

fn time_left(
    counting: Counting,
    deadline: DateTime<Utc>,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Duration {
    match counting {
        Counting::WallClock => deadline.signed_duration_since(now),
        Counting::BusinessHours => calendar.business_time_between(now, deadline),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::DeadlineSource;
    use crate::domain::restore::{RestoreStep, StepStatus};
    use crate::domain::test_support::{london, request as ticket, utc};

    const SECOND: Duration = Duration::seconds(1);

    fn running(left: Duration) -> RtoState {
        RtoState::Running { left }
    }

    fn clock(tier: Tier, requested: DateTime<Utc>, now: DateTime<Utc>) -> RtoClock {
        rto_clock(
            &tier,
            requested,
            None,
            None,
            &BusinessCalendar::default(),
            now,
        )
        .unwrap()
    }

    fn restore(phase: RestorePhase) -> Restore {
        let mut r = crate::domain::test_support::restore(phase);
        r.ticket = Some("SUP-4821".into());
        r
    }

    #[test]
    fn dedicated_is_four_hours_wall_clock_due_at_the_deadline_late_one_second_after() {
        let requested = utc(2026, 11, 26, 3, 14);
        let due = utc(2026, 11, 26, 7, 14);
        let at_deadline = clock(Tier::Dedicated, requested, due);
        assert_eq!(at_deadline.deadline.at, due);
        assert_eq!(at_deadline.deadline.source, DeadlineSource::Computed);
        assert_eq!(at_deadline.counting, Counting::WallClock);
        assert_eq!(at_deadline.state, running(Duration::zero()));
        assert_eq!(at_deadline.level(), Level::Amber);
        let late = clock(Tier::Dedicated, requested, due + SECOND);
        assert_eq!(late.state, RtoState::Overdue { by: SECOND });
        assert_eq!(late.level(), Level::Red);
    }

    /// At `quarter_left_at` exactly a quarter (`quarter`) is left, still ok; a second later,
    /// amber.
    fn assert_quarter_turns_amber(
        tier: Tier,
        requested: DateTime<Utc>,
        quarter_left_at: DateTime<Utc>,
        quarter: Duration,
    ) {
        let at_quarter = clock(tier.clone(), requested, quarter_left_at);
        assert_eq!(at_quarter.budget / 4, quarter);
        assert_eq!(at_quarter.state, running(quarter));
        assert_eq!(at_quarter.level(), Level::Ok);
        let under = clock(tier, requested, quarter_left_at + SECOND);
        assert_eq!(under.state, running(quarter - SECOND));
        assert_eq!(under.level(), Level::Amber);
    }

    #[test]
    fn amber_only_when_less_than_a_quarter_is_left() {
        let requested = utc(2026, 11, 26, 3, 14);
        assert_quarter_turns_amber(
            Tier::Dedicated,
            requested,
            utc(2026, 11, 26, 6, 14),
            Duration::hours(1),
        );
        let fresh = clock(Tier::Dedicated, requested, requested);
        assert_eq!(fresh.state, running(Duration::hours(4)));
        assert_eq!(fresh.level(), Level::Ok);
    }

    #[test]
    fn standard_friday_afternoon_request_is_due_on_monday() {
        let requested = london(2026, 1, 9, 16, 30);
        let saturday = london(2026, 1, 10, 12, 0);
        let c = clock(Tier::Standard, requested, saturday);
        // Half an hour on Friday, seven and a half on Monday.
        assert_eq!(c.deadline.at, london(2026, 1, 12, 16, 30));
        assert_eq!(c.counting, Counting::BusinessHours);
        assert_eq!(c.budget, Duration::hours(8));
        assert_eq!(c.state, running(Duration::minutes(450)));
        assert_eq!(c.counting.words(), "business hours");
    }

    #[test]
    fn standard_quarter_boundary_is_in_business_time() {
        let requested = london(2026, 1, 10, 12, 0);
        // Requested on Saturday: the whole of Monday's hours, due at closing.
        let due = london(2026, 1, 12, 17, 0);
        assert_eq!(clock(Tier::Standard, requested, due).deadline.at, due);
        assert_quarter_turns_amber(
            Tier::Standard,
            requested,
            london(2026, 1, 12, 15, 0),
            Duration::hours(2),
        );
        assert_eq!(
            clock(Tier::Standard, requested, due + SECOND).state,
            RtoState::Overdue { by: SECOND }
        );
    }

    #[test]
    fn standard_outside_hours_the_clock_does_not_move() {
        let requested = london(2026, 1, 8, 16, 0);
        let evening = clock(Tier::Standard, requested, london(2026, 1, 8, 20, 0));
        let dawn = clock(Tier::Standard, requested, london(2026, 1, 9, 8, 59));
        assert_eq!(evening.state, running(Duration::hours(7)));
        assert_eq!(evening.state, dawn.state);
    }

    #[test]
    fn the_servers_deadline_wins() {
        let requested = utc(2026, 11, 26, 3, 14);
        let server = utc(2026, 11, 26, 8, 0);
        let c = rto_clock(
            &Tier::Dedicated,
            requested,
            Some(server),
            None,
            &BusinessCalendar::default(),
            utc(2026, 11, 26, 7, 30),
        )
        .unwrap();
        assert_eq!(c.deadline.at, server);
        assert_eq!(c.deadline.source, DeadlineSource::Server);
        assert_eq!(
            c.deadline.disagreeing_computed,
            Some(utc(2026, 11, 26, 7, 14))
        );
        assert_eq!(c.state, running(Duration::minutes(30)));
    }

    #[test]
    fn unknown_tier_has_no_clock() {
        let at = utc(2026, 11, 26, 3, 14);
        let none = rto_clock(
            &Tier::Unknown("gold".into()),
            at,
            Some(at),
            None,
            &BusinessCalendar::default(),
            at,
        );
        assert_eq!(none, None);
    }

    #[test]
    fn a_request_near_the_end_of_time_does_not_panic() {
        let c = clock(
            Tier::Dedicated,
            DateTime::<Utc>::MAX_UTC,
            utc(2026, 1, 1, 0, 0),
        );
        assert_eq!(c.deadline.at, DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn an_ended_restore_stops_its_clock_and_says_if_it_was_in_time() {
        let mut done = restore(RestorePhase::Completed);
        done.confirmed_at = Some(utc(2026, 11, 26, 7, 14));
        let calendar = BusinessCalendar::default();
        let long_after = utc(2026, 11, 30, 0, 0);
        let c = restore_rto(&done, &Tier::Dedicated, None, &calendar, long_after).unwrap();
        assert_eq!(
            c.state,
            RtoState::Ended {
                end: RestoreEnd {
                    phase: RestorePhase::Completed,
                    at: Some(utc(2026, 11, 26, 7, 14))
                },
                in_time: Some(true)
            }
        );
        assert_eq!(c.level(), Level::Ok);
        done.confirmed_at = Some(utc(2026, 11, 26, 7, 14) + SECOND);
        let late = restore_rto(&done, &Tier::Dedicated, None, &calendar, long_after).unwrap();
        assert_eq!(late.level(), Level::Red);
    }

    #[test]
    fn a_failed_or_cancelled_restore_ends_at_its_last_finished_step() {
        let mut failed = restore(RestorePhase::Failed);
        let step = |finished: Option<DateTime<Utc>>| RestoreStep {
            name: "restore_volume".into(),
            status: StepStatus::Failed,
            started_at: None,
            finished_at: finished,
            progress: None,
            message: None,
        };
        failed.steps = vec![
            step(Some(utc(2026, 11, 26, 3, 20))),
            step(Some(utc(2026, 11, 26, 4, 2))),
            step(None),
        ];
        assert_eq!(
            restore_end(&failed),
            Some(RestoreEnd {
                phase: RestorePhase::Failed,
                at: Some(utc(2026, 11, 26, 4, 2))
            })
        );
        let cancelled = restore(RestorePhase::Cancelled);
        let c = restore_rto(
            &cancelled,
            &Tier::Dedicated,
            None,
            &BusinessCalendar::default(),
            utc(2026, 11, 27, 0, 0),
        )
        .unwrap();
        assert!(matches!(c.state, RtoState::Ended { in_time: None, .. }));
        assert_eq!(c.level(), Level::Info);
    }

    #[test]
    fn running_and_unknown_phases_keep_the_clock_going() {
        for phase in [
            RestorePhase::Queued,
            RestorePhase::RestoringVolume,
            RestorePhase::Verifying,
            RestorePhase::Unknown("paused".into()),
        ] {
            assert_eq!(restore_end(&restore(phase)), None);
        }
    }

    fn finished(at: DateTime<Utc>) -> RestoreStep {
        RestoreStep {
            name: "verify".into(),
            status: StepStatus::Succeeded,
            started_at: None,
            finished_at: Some(at),
            progress: None,
            message: None,
        }
    }

    #[test]
    fn awaiting_confirmation_stops_the_clock_when_the_data_came_back() {
        // Requested 03:14, deadline 07:14: back at 07:14 is in time, a second later is late,
        // however long the restore then waits for a person.
        let calendar = BusinessCalendar::default();
        let days_later = utc(2026, 11, 30, 0, 0);
        let mut waiting = restore(RestorePhase::AwaitingConfirmation);
        waiting.steps = vec![finished(utc(2026, 11, 26, 7, 14))];
        let c = restore_rto(&waiting, &Tier::Dedicated, None, &calendar, days_later).unwrap();
        assert!(matches!(
            c.state,
            RtoState::Ended {
                in_time: Some(true),
                ..
            }
        ));
        assert_eq!((c.level(), c.late_by()), (Level::Ok, None));
        waiting.steps = vec![finished(utc(2026, 11, 26, 7, 14) + SECOND)];
        let c = restore_rto(&waiting, &Tier::Dedicated, None, &calendar, days_later).unwrap();
        assert_eq!((c.level(), c.late_by()), (Level::Red, Some(SECOND)));
    }

    #[test]
    fn a_discarded_restore_stops_its_clock_and_never_met_it() {
        // A drill that restored in 1h 3m and was discarded: no budget ticking days later.
        let mut discarded = restore(RestorePhase::Discarded);
        discarded.steps = vec![finished(utc(2026, 11, 26, 4, 17))];
        let c = restore_rto(
            &discarded,
            &Tier::Dedicated,
            None,
            &BusinessCalendar::default(),
            utc(2026, 11, 30, 0, 0),
        )
        .unwrap();
        assert!(matches!(c.state, RtoState::Ended { in_time: None, .. }));
        assert_eq!((c.level(), c.late_by()), (Level::Info, None));
    }

    #[test]
    fn the_customer_waits_from_the_ticket_not_from_the_restore() {
        let r = restore(RestorePhase::RestoringVolume);
        let opened = utc(2026, 11, 26, 2, 58);
        assert_eq!(wait_started(&r, Some(&ticket(opened))), opened);
        assert_eq!(wait_started(&r, None), r.requested_at);
        // Linked by the request's restore_id, even when the restore names no ticket.
        let mut unlabelled = r.clone();
        unlabelled.ticket = None;
        let mut linked = ticket(opened);
        linked.restore_id = Some(r.id.clone());
        assert_eq!(wait_started(&unlabelled, Some(&linked)), opened);
        // Someone else's ticket is ignored.
        let mut other = ticket(opened);
        other.ticket = "SUP-1".into();
        assert_eq!(wait_started(&r, Some(&other)), r.requested_at);
        let c = restore_rto(
            &r,
            &Tier::Dedicated,
            Some(&ticket(opened)),
            &BusinessCalendar::default(),
            utc(2026, 11, 26, 6, 58) + SECOND,
        )
        .unwrap();
        assert_eq!(c.deadline.at, utc(2026, 11, 26, 6, 58));
        assert_eq!(c.state, RtoState::Overdue { by: SECOND });
    }
}
