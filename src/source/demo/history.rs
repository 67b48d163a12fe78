//! A tenant's backup summary at the fleet's starting instant, consistent with what the
//! simulator would have produced: the newest attempts are replayed from the same attempt
//! plans the simulator plays, and the older history is only summarised (oldest point,
//! count) — no per-tenant list of points is ever kept, so memory stays at about 1 KB per
//! tenant, nearly all of it the `Tenant` itself.

use chrono::{DateTime, Duration, Utc};

use super::behaviour::{Behaviour, Failure, Fault, attempt_plan, copy_latency};
use super::events::{Event, EventKind};
use super::layout::Script;
use super::names::restore_point_id;
use super::patterns::Patterns;
use super::rng::Rng;
use crate::domain::policy::TierPolicy;
use crate::domain::tenant::{
    BackupSchedule, BackupSummary, CrossRegion, CrossRegionStatus, LastSuccess, Tier,
};

/// How far back the generator looks for a tenant's last success (runs).
const MAX_LOOKBACK: i32 = 240;

/// One tenant being generated, with what its backup history depends on.
pub struct Subject {
    pub index: usize,
    pub tier: Tier,
    pub created_at: DateTime<Utc>,
    /// The instant its data is as of: earlier than `now` for a stale group.
    pub as_of: DateTime<Utc>,
    pub script: Option<Script>,
}

/// Writes the summaries, queueing the simulator's first events as it goes.
pub struct HistoryBuilder<'a> {
    pub seed: u64,
    pub patterns: &'a mut Patterns,
    pub events: &'a mut Vec<Event>,
}

impl HistoryBuilder<'_> {
    /// From which run on a `Failing` tenant's attempts fail.
    pub fn failing_since(
        &mut self,
        subject: &Subject,
        behaviour: &Behaviour,
        rng: &mut Rng,
    ) -> Option<DateTime<Utc>> {
        let Fault::Failing(failure) = behaviour.fault else {
            return None;
        };
        let interval = self.patterns.interval(behaviour.pattern);
        let since = match subject.script {
            // Failing for four hourly runs: the last success is hours old.
            Some(Script::RpoBreach) => subject.as_of - interval * 4,
            // Only the latest run failed.
            Some(Script::CsiFailure | Script::PartialDump) => {
                self.patterns
                    .previous_at_or_before(behaviour.pattern, subject.as_of)
                    - interval / 2
            }
            _ if failure == Failure::PasswordRejected => subject.created_at,
            _ => subject.as_of - interval * (rng.range(1, 4) as i32),
        };
        Some(since)
    }

    pub fn backup(&mut self, s: &Subject, b: &mut Behaviour, rng: &mut Rng) -> BackupSummary {
        let retention_days = TierPolicy::of(&s.tier).map_or(30, |p| p.retention_days);
        let interval = self.patterns.interval(b.pattern);
        let mut summary = BackupSummary {
            schedule: BackupSchedule {
                cron: self.patterns.cron(b.pattern).into(),
                timezone: self.patterns.timezone(b.pattern).into(),
                next_run_at: None,
            },
            retention_days,
            last_success: None,
            last_attempt: None,
            oldest_restore_point_at: None,
            restore_point_count: 0,
            cross_region: None,
            last_drill: None,
        };
        let latest_run = self.schedule(s, b, &mut summary);
        if latest_run < s.created_at {
            return summary;
        }
        let completed_run = self.latest_attempt(s, b, latest_run, &mut summary);
        let Some(success) = self.last_success(s, b, completed_run, &mut summary) else {
            return summary;
        };
        let success = self.scripted_success(s, success, &summary, interval);
        let (oldest, count) = history(s, b.fault, &success, interval, retention_days, rng);
        summary.oldest_restore_point_at = Some(oldest);
        summary.restore_point_count = count;
        summary.cross_region = self.cross_region(s, b, &success, interval, rng);
        summary.last_success = Some(success);
        summary
    }

    /// Sets `next_run_at` (queueing the run) and answers the latest run that should have
    /// fired by `as_of`.
    fn schedule(
        &mut self,
        s: &Subject,
        b: &Behaviour,
        summary: &mut BackupSummary,
    ) -> DateTime<Utc> {
        let interval = self.patterns.interval(b.pattern);
        let previous = self.patterns.previous_at_or_before(b.pattern, s.as_of);
        if b.fault == Fault::StuckScheduler {
            // The run that never happened stays "next" for ever; it is well past the
            // 15-minute overdue mark.
            let missed = if s.as_of - previous > Duration::minutes(20) {
                previous
            } else {
                previous - interval
            };
            summary.schedule.next_run_at = Some(missed);
            return missed - interval;
        }
        let next = self.patterns.next_after(b.pattern, s.as_of);
        summary.schedule.next_run_at = Some(next);
        if !b.frozen {
            self.push(next, s.index, EventKind::Run);
        }
        previous
    }

    /// Fills `last_attempt` if the latest run is still in flight (or stuck), and answers the
    /// latest run that has completed.
    fn latest_attempt(
        &mut self,
        s: &Subject,
        b: &mut Behaviour,
        latest_run: DateTime<Utc>,
        summary: &mut BackupSummary,
    ) -> DateTime<Utc> {
        let interval = self.patterns.interval(b.pattern);
        let run = if b.fault == Fault::StuckSnapshot && s.as_of - latest_run < Duration::minutes(35)
        {
            // Stuck for long enough to be judged stuck (30 minutes).
            latest_run - interval
        } else {
            latest_run
        };
        let plan = attempt_plan(self.seed, s.index, b, run);
        let stuck = b.fault == Fault::StuckSnapshot;
        // A scripted failure shows at every start instant, even one minute after its run:
        // that attempt is taken as already failed.
        let settled = s.script.is_some() && matches!(b.fault, Fault::Failing(_));
        if settled || (!stuck && s.as_of >= plan.finished_at) {
            return run;
        }
        b.in_flight = Some(run);
        if s.as_of < plan.taken_at {
            // Scheduled but its job has not started yet: nothing to show.
            if !b.frozen {
                self.push(plan.taken_at, s.index, EventKind::Start);
            }
            return run - interval;
        }
        summary.last_attempt = Some(plan.running());
        if !stuck && !b.frozen {
            self.push(plan.finished_at, s.index, EventKind::Finish);
        }
        run - interval
    }

    /// Walks back from `from` to the newest run that succeeded; fills `last_attempt` from
    /// the newest completed run if nothing is in flight.
    fn last_success(
        &self,
        s: &Subject,
        b: &Behaviour,
        from: DateTime<Utc>,
        summary: &mut BackupSummary,
    ) -> Option<LastSuccess> {
        let interval = self.patterns.interval(b.pattern);
        (0..MAX_LOOKBACK)
            .map(|k| from - interval * k)
            .take_while(|run| *run >= s.created_at)
            .find_map(|run| {
                let plan = attempt_plan(self.seed, s.index, b, run);
                if summary.last_attempt.is_none() {
                    summary.last_attempt = Some(plan.finished());
                }
                plan.success()
            })
    }

    /// Scripted tweaks to the newest success.
    fn scripted_success(
        &self,
        s: &Subject,
        success: LastSuccess,
        summary: &BackupSummary,
        interval: Duration,
    ) -> LastSuccess {
        match s.script {
            Some(Script::Incoherent) => LastSuccess {
                skew_seconds: 540,
                ..success
            },
            // On-call re-ran yesterday's failed backup by hand: the latest scheduled attempt
            // failed, yet the RPO still holds for a while.
            Some(Script::CsiFailure | Script::PartialDump) => {
                let failed_at = summary.last_attempt.as_ref().map(|a| a.taken_at);
                let Some(failed_at) = failed_at else {
                    return success;
                };
                let earliest = (failed_at - interval).max(s.as_of - Duration::hours(20));
                let latest = failed_at - Duration::minutes(10);
                if latest <= earliest {
                    return success;
                }
                let taken_at = earliest + (latest - earliest) / 2;
                LastSuccess {
                    restore_point_id: restore_point_id(self.seed, s.index, taken_at.timestamp()),
                    taken_at,
                    skew_seconds: 31,
                }
            }
            _ => success,
        }
    }

    fn cross_region(
        &mut self,
        s: &Subject,
        b: &Behaviour,
        success: &LastSuccess,
        interval: Duration,
        rng: &mut Rng,
    ) -> Option<CrossRegion> {
        if s.tier != Tier::Dedicated {
            return None;
        }
        let copy = |at: DateTime<Utc>, status| {
            Some(CrossRegion {
                last_copied_at: Some(at),
                status,
            })
        };
        match (b.fault, s.script) {
            (Fault::CopyFailed, _) => copy(
                success.taken_at - Duration::hours(rng.range(3, 12)),
                CrossRegionStatus::Failed,
            ),
            (Fault::CopyStalled, Some(_)) => {
                copy(s.as_of - Duration::hours(30), CrossRegionStatus::Pending)
            }
            (Fault::CopyStalled, None) => copy(
                s.as_of - Duration::hours(rng.range(26, 60)),
                CrossRegionStatus::Pending,
            ),
            _ => {
                let landed = success.taken_at + copy_latency(self.seed, s.index, success.taken_at);
                if s.as_of >= landed {
                    return copy(landed, CrossRegionStatus::Ok);
                }
                if !b.frozen {
                    self.push(landed, s.index, EventKind::Copied);
                }
                let previous = success.taken_at - interval;
                let previous_landed = previous + copy_latency(self.seed, s.index, previous);
                copy(previous_landed, CrossRegionStatus::Pending)
            }
        }
    }

    fn push(&mut self, at: DateTime<Utc>, index: usize, kind: EventKind) {
        self.events.push(Event {
            at,
            tenant: index as u32,
            kind,
        });
    }
}

/// The oldest point and the point count: a full retention window of points (fewer for a
/// young tenant), less the runs that failed, unless the tenant's fault says otherwise.
fn history(
    s: &Subject,
    fault: Fault,
    success: &LastSuccess,
    interval: Duration,
    retention_days: u32,
    rng: &mut Rng,
) -> (DateTime<Utc>, u64) {
    let step = interval.num_seconds().max(1);
    let slots = |d: Duration| d.num_seconds() / step;
    let retention = Duration::days(i64::from(retention_days));
    let age = slots(success.taken_at - s.created_at).max(0);
    let full = (slots(retention) - 1).max(0);
    let natural = full.min(age);
    let span = match (s.script, fault) {
        (Some(Script::RetentionExceeded), _) => slots(Duration::days(40)),
        (Some(Script::HistoryShort), _) => slots(Duration::days(12)),
        (_, Fault::PruningStopped) => slots(retention + Duration::days(rng.range(4, 40))).min(age),
        (_, Fault::LostHistory) => {
            let kept = Duration::days(rng.range(2, i64::from(retention_days) * 3 / 5));
            slots(kept).min(natural)
        }
        _ => natural,
    };
    let oldest = success.taken_at - interval * (span as i32);
    let points = span + 1;
    let failed = (points as f64 * fault.failure_rate() * 2.0 * rng.unit()).round() as i64;
    (oldest, (points - failed).max(1) as u64)
}
