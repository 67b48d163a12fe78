//! How each simulated tenant behaves: its fault (if any) and the outcome of every backup
//! attempt, as a pure function of the run instant.
//!
//! Both the generator (which invents the past) and the simulator (which plays the future) ask
//! `attempt_plan` about a run, so the history a fleet starts with is the history the
//! simulator would have produced, and one long `advance` equals many short ones.

use chrono::{DateTime, Duration, Utc};

use super::names::restore_point_id;
use super::patterns::PatternId;
use super::rng::Rng;
use crate::domain::tenant::{AttemptStatus, LastAttempt, LastSuccess, RestorePointId};

/// What is wrong with a tenant, and so which health flag it is there to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Healthy,
    /// Fails now and then (about one attempt in three).
    Flaky,
    /// Every attempt from `Behaviour::failing_since` on fails the same way.
    Failing(Failure),
    /// The CronJob stopped firing: `next_run_at` stays in the past.
    StuckScheduler,
    /// A VolumeSnapshot never becomes ready; CSI retries forever and later runs are skipped
    /// (the CronJob forbids concurrent runs).
    StuckSnapshot,
    /// The volume snapshot starts minutes after the dump: the pair is not coherent.
    Incoherent,
    /// Every copy to the secondary region fails.
    CopyFailed,
    /// Copies to the secondary region queue up and never finish.
    CopyStalled,
    /// The pruner stopped: points older than retention are kept.
    PruningStopped,
    /// Points were lost (a bucket lifecycle rule gone wrong): history is shorter than it
    /// should be. Only the starting history shows it; new points are kept normally.
    LostHistory,
    /// A Dedicated tenant left on a daily CronJob: the schedule cannot meet the 1 h RPO.
    DailyOnDedicated,
}

impl Fault {
    /// Probability that one attempt fails of its own accord.
    pub fn failure_rate(self) -> f64 {
        match self {
            Fault::Flaky => 0.3,
            _ => 0.004,
        }
    }
}

/// The errors a failed attempt reports, as the control plane words them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    CsiTimeout,
    ConnectionReset,
    ConnectionRefused,
    PasswordRejected,
    SnapshotQuota,
    DumpOomKilled,
}

impl Failure {
    pub const ALL: [Failure; 6] = [
        Failure::CsiTimeout,
        Failure::ConnectionReset,
        Failure::ConnectionRefused,
        Failure::PasswordRejected,
        Failure::SnapshotQuota,
        Failure::DumpOomKilled,
    ];

    /// `partial` when only one half of the pair failed.
    pub fn is_partial(self) -> bool {
        matches!(self, Failure::ConnectionReset | Failure::DumpOomKilled)
    }

    /// The error text of an attempt that ran at `run_at` (snapshot names carry the run time).
    pub fn message(self, run_at: DateTime<Utc>) -> String {
        // Formatted only into the two messages that name it.
        let snapshot = run_at.format("moodledata-%Y%m%d-%H%M");
        match self {
            Failure::CsiTimeout => format!("VolumeSnapshot {snapshot}: CSI driver timeout"),
            Failure::ConnectionReset => "pg_dump: connection reset by peer".to_string(),
            Failure::ConnectionRefused => {
                "pg_dump: connection to server on port 5432 failed: Connection refused".to_string()
            }
            Failure::PasswordRejected => {
                "pg_dump: FATAL: password authentication failed for user \"moodle\"".to_string()
            }
            Failure::SnapshotQuota => format!(
                "VolumeSnapshot {snapshot}: rpc error: code = ResourceExhausted desc = snapshot \
                 quota exceeded"
            ),
            Failure::DumpOomKilled => {
                "Job db-dump: container pg-dump OOMKilled (exit code 137)".to_string()
            }
        }
    }
}

/// The simulator's per-tenant state beside the `Tenant` itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Behaviour {
    pub pattern: PatternId,
    pub fault: Fault,
    /// The tenant's cluster agent stopped answering: nothing about it changes any more.
    pub frozen: bool,
    /// With `Fault::Failing`, runs at or after this instant fail.
    pub failing_since: Option<DateTime<Utc>>,
    /// The run instant of the attempt in flight, while there is one.
    pub in_flight: Option<DateTime<Utc>>,
}

/// How one attempt goes.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptPlan {
    /// Whose run and which: the point's id is made from them when it is shown
    /// (`restore_point_id`); walking back to a last success plans many that are not.
    seed: u64,
    tenant: usize,
    /// The pair's `taken_at`: the job starts a few seconds after the scheduled run.
    pub taken_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub skew_seconds: i64,
    pub outcome: Outcome,
    /// The scheduled run it belongs to: its error names the snapshot after it.
    pub run_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Succeeded,
    /// Its words are written only for an attempt that is shown (`AttemptPlan::error`):
    /// walking back to a failing tenant's last success plans many that are not.
    Failed(Failure),
    Partial(Failure),
}

impl AttemptPlan {
    /// The attempt while its job runs.
    pub fn running(&self) -> LastAttempt {
        LastAttempt {
            restore_point_id: self.restore_point_id(),
            taken_at: self.taken_at,
            status: AttemptStatus::Running,
            error: None,
        }
    }

    /// The attempt once it has ended.
    pub fn finished(&self) -> LastAttempt {
        let status = match &self.outcome {
            Outcome::Succeeded => AttemptStatus::Succeeded,
            Outcome::Failed(_) => AttemptStatus::Failed,
            Outcome::Partial(_) => AttemptStatus::Partial,
        };
        LastAttempt {
            restore_point_id: self.restore_point_id(),
            taken_at: self.taken_at,
            status,
            error: self.error(),
        }
    }

    /// The id of the point it makes (or would have made).
    pub fn restore_point_id(&self) -> RestorePointId {
        restore_point_id(self.seed, self.tenant, self.run_at.timestamp())
    }

    /// The error text of an attempt that failed, in whole or in part.
    pub fn error(&self) -> Option<String> {
        match self.outcome {
            Outcome::Succeeded => None,
            Outcome::Failed(failure) | Outcome::Partial(failure) => {
                Some(failure.message(self.run_at))
            }
        }
    }

    /// The restore point it leaves, if it succeeded.
    pub fn success(&self) -> Option<LastSuccess> {
        (self.outcome == Outcome::Succeeded).then(|| LastSuccess {
            restore_point_id: self.restore_point_id(),
            taken_at: self.taken_at,
            skew_seconds: self.skew_seconds,
        })
    }
}

/// How the attempt of `tenant`'s run at `run_at` goes: a pure function of its inputs.
pub fn attempt_plan(
    seed: u64,
    tenant: usize,
    behaviour: &Behaviour,
    run_at: DateTime<Utc>,
) -> AttemptPlan {
    let at = run_at.timestamp();
    let mut rng = Rng::keyed(seed, &[0xA77E, tenant as u64, at as u64]);
    // A tenant's job starts the same few seconds after each run (its image is cached, its
    // node the same): an on-time run renews the point exactly one interval after the last.
    let start_delay = Rng::keyed(seed, &[0xDE1A, tenant as u64]).range(3, 40);
    let taken_at = run_at + Duration::seconds(start_delay);
    // Database dumps take 30 s – 5 min; the volume snapshot about as long, in parallel.
    let finished_at = taken_at + Duration::seconds(rng.range(30, 300));
    let skew_seconds = match behaviour.fault {
        Fault::Incoherent => rng.range(480, 600),
        _ if rng.chance(0.03) => rng.range(121, 260),
        _ => rng.range(5, 120),
    };
    let outcome = outcome(&mut rng, behaviour, run_at);
    AttemptPlan {
        seed,
        tenant,
        taken_at,
        finished_at,
        skew_seconds,
        outcome,
        run_at,
    }
}

fn outcome(rng: &mut Rng, behaviour: &Behaviour, run_at: DateTime<Utc>) -> Outcome {
    let persistent = match behaviour.fault {
        Fault::Failing(failure) if behaviour.failing_since.is_none_or(|since| run_at >= since) => {
            Some(failure)
        }
        _ => None,
    };
    let failure = match persistent {
        Some(failure) => failure,
        None if rng.chance(behaviour.fault.failure_rate()) => rng.pick(&Failure::ALL),
        None => return Outcome::Succeeded,
    };
    if failure.is_partial() {
        Outcome::Partial(failure)
    } else {
        Outcome::Failed(failure)
    }
}

/// How long after a success its cross-region copy lands (Dedicated).
pub fn copy_latency(seed: u64, tenant: usize, taken_at: DateTime<Utc>) -> Duration {
    let mut rng = Rng::keyed(seed, &[0xC0B1, tenant as u64, taken_at.timestamp() as u64]);
    Duration::seconds(rng.range(20 * 60, 40 * 60))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::demo::patterns::{Cadence, PatternKey, Patterns};
    use chrono::TimeZone;

    fn behaviour(fault: Fault) -> Behaviour {
        let midnight = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let key = PatternKey::firing_at(Cadence::Hourly, midnight);
        Behaviour {
            pattern: Patterns::default().intern(key),
            fault,
            frozen: false,
            failing_since: None,
            in_flight: None,
        }
    }

    #[test]
    fn a_plan_is_a_function_of_its_inputs() {
        let run = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let b = behaviour(Fault::Healthy);
        assert_eq!(attempt_plan(1, 5, &b, run), attempt_plan(1, 5, &b, run));
        assert_ne!(
            attempt_plan(1, 5, &b, run).restore_point_id(),
            attempt_plan(1, 6, &b, run).restore_point_id()
        );
        let plan = attempt_plan(1, 5, &b, run);
        assert!(plan.taken_at > run && plan.finished_at > plan.taken_at);
    }

    #[test]
    fn failing_tenants_fail_from_their_start_and_incoherent_ones_skew() {
        let run = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let mut b = behaviour(Fault::Failing(Failure::CsiTimeout));
        b.failing_since = Some(run);
        let plan = attempt_plan(1, 5, &b, run);
        assert_eq!(plan.outcome, Outcome::Failed(Failure::CsiTimeout));
        assert_eq!(
            plan.error().as_deref(),
            Some("VolumeSnapshot moodledata-20261126-0300: CSI driver timeout")
        );
        assert_eq!(
            plan.finished().error.as_deref(),
            Some("VolumeSnapshot moodledata-20261126-0300: CSI driver timeout")
        );
        b.failing_since = Some(run + Duration::hours(1));
        assert_eq!(attempt_plan(1, 5, &b, run).outcome, Outcome::Succeeded);
        let partial = Behaviour {
            fault: Fault::Failing(Failure::ConnectionReset),
            ..behaviour(Fault::Healthy)
        };
        assert!(matches!(
            attempt_plan(1, 5, &partial, run).outcome,
            Outcome::Partial(_)
        ));
        let skewed = behaviour(Fault::Incoherent);
        assert!(attempt_plan(1, 5, &skewed, run).skew_seconds > 300);
    }
}
