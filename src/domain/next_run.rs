//! What a tenant's NEXT RUN says, for the screen and for `status` alike.

use chrono::{DateTime, Utc};

use super::health::{NOT_READY_AFTER, OVERDUE_AFTER};
use super::humanize::{coarse, countdown};
use super::tenant::{AttemptStatus, Tenant};

/// What the NEXT RUN column says of a tenant's schedule, and how it should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextRun {
    /// A backup is being taken.
    Running,
    /// A snapshot not ready 30 min after its run: CSI retries forever, so it is stuck.
    Stuck,
    /// The scheduler has missed its run by more than the overdue limit.
    Late,
    /// The countdown to the next run (or a run missed by less than the limit).
    Scheduled,
    /// The source does not know the next run.
    Unknown,
}

/// "running 3m", "stuck 44m", "late 2h 5m", "in 47m 12s" or "—", for the screen and for
/// `status` alike. While a backup runs it says for how long, so an RPO that lapses mid-backup
/// reads as "the new point is on its way".
pub fn next_run(t: &Tenant, now: DateTime<Utc>) -> (String, NextRun) {
    let running = t
        .backup
        .last_attempt
        .as_ref()
        .filter(|a| a.status == AttemptStatus::Running);
    if let Some(attempt) = running {
        let running_for = now - attempt.taken_at;
        let (word, state) = if running_for > NOT_READY_AFTER {
            ("stuck", NextRun::Stuck)
        } else {
            ("running", NextRun::Running)
        };
        return (format!("{word} {}", coarse(running_for)), state);
    }
    if t.cluster().is_some_and(|c| c.suspended) {
        return ("suspended".to_string(), NextRun::Late);
    }
    match t.backup.schedule.next_run_at {
        Some(at) if at < now - OVERDUE_AFTER => (countdown(now, at), NextRun::Late),
        // Come, and not yet reported started: the source's next refresh tells. Never the run
        // after it, which would read as if the scheduler had skipped one.
        Some(at) if at <= now => ("due".to_string(), NextRun::Scheduled),
        Some(at) => (countdown(now, at), NextRun::Scheduled),
        None => ("—".to_string(), NextRun::Unknown),
    }
}
