//! Demo restores: each follows a fixed timeline over virtual time, so what a restore looks
//! like at any instant is a pure function of its plan and that instant.

use chrono::{DateTime, Duration, Utc};

use super::names::{base36, spoke_hostname};
use super::rng::{Rng, mix};
use crate::domain::ids::{RestoreId, RestorePointId};
use crate::domain::restore::{
    CheckStatus, Restore, RestoreMode, RestorePhase, RestorePurpose, RestoreStep, StepStatus,
    VerificationCheck, free_target_slug,
};
use crate::domain::tenant::{Tenant, Tier};

/// Every demo tenant's site is the one small Moodle site the tests and `scripts/try-verify`
/// build from `tests/fixtures/moodle-site.sql` (300 users, 6 of them deleted; 41 courses), so
/// the demo control plane's row counts agree with what snapdeck's own checks read there.
pub const SITE_USERS: i64 = 294;
pub const SITE_COURSES: i64 = 41;

/// The phases with work in them, in order, each with its step.
const WORK_PHASES: [RestorePhase; 4] = [
    RestorePhase::Provisioning,
    RestorePhase::RestoringDatabase,
    RestorePhase::RestoringVolume,
    RestorePhase::Verifying,
];

/// Dedicated restores must finish within this, wall clock.
const DEDICATED_RTO: Duration = Duration::hours(4);

/// A restore and its timeline.
#[derive(Debug, Clone)]
pub struct RestorePlan {
    /// Index of the restored tenant in the fleet.
    tenant: usize,
    /// Confirmed or cancelled by the operator: the phase it ended in, and when.
    ended: Option<Ended>,
    /// The restore as requested; `at` fills in phase, steps and verification.
    base: Restore,
    /// Time spent queued, then in each of `WORK_PHASES`.
    queued: Duration,
    durations: [Duration; 4],
    database_gib: f64,
    volume_gib: f64,
    /// Where it breaks, if it does (only restores the operator launched do).
    failure: Option<Failure>,
    /// How its verification comes out at `awaiting_confirmation`.
    verdict: Verdict,
    /// Index in the fleet of the spoke a `new_spoke` restore created, once it is there.
    target: Option<usize>,
}

/// A restore that breaks halfway: in which step (1 database, 2 volume) and how far into it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Failure {
    pub step: usize,
    pub fraction: f64,
}

/// How the verification checks come out: usually all pass, sometimes one warns, now and then
/// one fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Warning,
    Failed,
}

/// One in this many restores the operator launches fails halfway.
const FAILS_ONE_IN: u64 = 8;

/// Whether (and where) the `k`-th restore of the fleet of `seed` fails, were the operator to
/// launch it: a pure function of seed and index, so tests can find one that fails.
pub fn failure_of(seed: u64, k: usize) -> Option<Failure> {
    let mut rng = Rng::keyed(seed, &[0xFA11, k as u64]);
    (rng.below(FAILS_ONE_IN) == 0).then(|| Failure {
        step: 1 + rng.below(2) as usize,
        fraction: rng.range(25, 75) as f64 / 100.0,
    })
}

/// How the `k`-th restore's verification comes out: 14 in 20 pass, 4 warn, 2 fail.
pub fn verdict_of(seed: u64, k: usize) -> Verdict {
    match Rng::keyed(seed, &[0x7E57, k as u64]).below(20) {
        0..14 => Verdict::Passed,
        14..18 => Verdict::Warning,
        _ => Verdict::Failed,
    }
}

#[derive(Debug, Clone)]
struct Ended {
    phase: RestorePhase,
    at: DateTime<Utc>,
    by: String,
    /// What the operator wrote when confirming (empty for a cancel).
    notes: String,
}

/// What the operator asked for, as the control plane accepted it.
pub struct Launch<'a> {
    pub tenant: usize,
    pub requested_at: DateTime<Utc>,
    /// Since when the customer has waited: the ticket's time when it answers one.
    pub waiting_since: DateTime<Utc>,
    pub mode: RestoreMode,
    pub target_slug: String,
    pub target_hostname: String,
    pub restore_point_id: Option<RestorePointId>,
    pub ticket: Option<String>,
    pub requested_by: &'a str,
    pub purpose: RestorePurpose,
    /// Where it restores (a contract addition, echoed on the restore).
    pub target_region: String,
    pub batch: Option<String>,
}

/// What the generator asks for: a restore of `tenant`, requested `ago` before start.
#[derive(Debug, Clone, Copy)]
pub struct RestoreRequest {
    pub tenant: usize,
    pub mode: ModeChoice,
    /// How far into its timeline the restore is at start, 0.0 (just requested) to 1.0.
    pub progress_at_start: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeChoice {
    NewSpoke,
    Overwrite,
}

/// Plans the requested restores against the fleet as generated at `now`.
pub fn plan(
    seed: u64,
    now: DateTime<Utc>,
    tenants: &[std::sync::Arc<Tenant>],
    requests: &[RestoreRequest],
) -> Vec<RestorePlan> {
    requests
        .iter()
        .enumerate()
        .filter_map(|(k, request)| {
            let tenant = tenants.get(request.tenant)?;
            Some(plan_one(seed, k, now, tenant, tenants, request))
        })
        .collect()
}

fn plan_one(
    seed: u64,
    k: usize,
    now: DateTime<Utc>,
    tenant: &Tenant,
    fleet: &[std::sync::Arc<Tenant>],
    request: &RestoreRequest,
) -> RestorePlan {
    let mut rng = Rng::keyed(seed, &[0x4E57, k as u64]);
    let (queued, durations) = timeline(&mut rng);
    let total = durations.iter().fold(queued, |sum, d| sum + *d);
    let elapsed =
        Duration::seconds((total.num_seconds() as f64 * request.progress_at_start) as i64);
    let requested_at = now - elapsed.max(Duration::seconds(60));
    let (mode, target_slug, target_hostname) = match request.mode {
        ModeChoice::NewSpoke => {
            let slug = free_target_slug(&tenant.slug, requested_at, |candidate| {
                fleet.iter().any(|t| t.slug == candidate)
            });
            let host = spoke_hostname(&slug);
            (RestoreMode::NewSpoke, slug, host)
        }
        ModeChoice::Overwrite => (
            RestoreMode::Overwrite,
            tenant.slug.to_string(),
            tenant.hostname.clone(),
        ),
    };
    let base = Restore {
        target_region: None,
        batch: None,
        id: restore_id(seed, k),
        tenant_id: tenant.id.clone(),
        source_slug: tenant.slug.to_string(),
        target_slug,
        target_hostname,
        mode,
        restore_point_id: tenant
            .backup
            .last_success
            .as_ref()
            .map(|s| s.restore_point_id.clone()),
        ticket: Some(format!("SUP-{}", 4000 + rng.below(6000))),
        requested_by: "oncall@example.net".to_string(),
        requested_at,
        phase: RestorePhase::Queued,
        steps: Vec::new(),
        rto_deadline_at: (tenant.tier == Tier::Dedicated).then(|| requested_at + DEDICATED_RTO),
        verification: None,
        error: None,
        confirmed_by: None,
        confirmed_at: None,
        purpose: RestorePurpose::Request,
    };
    let mut plan = RestorePlan::new(request.tenant, base, (queued, durations), &mut rng);
    plan.verdict = verdict_of(seed, k);
    plan
}

/// Time queued, then in each of `WORK_PHASES`: about an hour and a half in all.
fn timeline(rng: &mut Rng) -> (Duration, [Duration; 4]) {
    let queued = Duration::seconds(rng.range(60, 180));
    let durations = [
        Duration::seconds(rng.range(180, 420)),
        Duration::seconds(rng.range(480, 1200)),
        Duration::seconds(rng.range(1200, 3000)),
        Duration::seconds(rng.range(180, 360)),
    ];
    (queued, durations)
}

/// "rst_41c": distinct for the restores of one fleet.
fn restore_id(seed: u64, k: usize) -> RestoreId {
    RestoreId(base36("rst_", mix(seed).wrapping_add(k as u64), 3))
}

impl RestorePlan {
    /// A restore the operator launched at `launch.requested_at`, the `k`-th of the fleet.
    pub fn launched(seed: u64, k: usize, tenant: &Tenant, launch: Launch<'_>) -> RestorePlan {
        let mut rng = Rng::keyed(seed, &[0x4E57, k as u64]);
        let (queued, durations) = timeline(&mut rng);
        let base = Restore {
            target_region: Some(launch.target_region),
            batch: launch.batch,
            id: restore_id(seed, k),
            tenant_id: tenant.id.clone(),
            source_slug: tenant.slug.to_string(),
            target_slug: launch.target_slug,
            target_hostname: launch.target_hostname,
            mode: launch.mode,
            restore_point_id: launch.restore_point_id,
            ticket: launch.ticket,
            requested_by: launch.requested_by.to_string(),
            requested_at: launch.requested_at,
            phase: RestorePhase::Queued,
            steps: Vec::new(),
            rto_deadline_at: (tenant.tier == Tier::Dedicated)
                .then(|| launch.waiting_since + DEDICATED_RTO),
            verification: None,
            error: None,
            confirmed_by: None,
            confirmed_at: None,
            purpose: launch.purpose,
        };
        let mut plan = RestorePlan::new(launch.tenant, base, (queued, durations), &mut rng);
        plan.failure = failure_of(seed, k);
        plan.verdict = verdict_of(seed, k);
        plan
    }

    /// The plan of `base` over its timeline, with sizes to restore drawn from `rng`.
    fn new(
        tenant: usize,
        base: Restore,
        (queued, durations): (Duration, [Duration; 4]),
        rng: &mut Rng,
    ) -> RestorePlan {
        RestorePlan {
            tenant,
            ended: None,
            base,
            queued,
            durations,
            database_gib: rng.range(5, 80) as f64 / 10.0,
            volume_gib: rng.range(8, 120) as f64,
            failure: None,
            verdict: Verdict::Passed,
            target: None,
        }
    }

    /// The sizes of the point restored, where it says them (GiB, as the steps count them).
    pub fn set_sizes(&mut self, dump_bytes: Option<u64>, snapshot_bytes: Option<u64>) {
        let gib = |bytes: u64| bytes as f64 / (1u64 << 30) as f64;
        if let Some(bytes) = dump_bytes.filter(|b| *b > 0) {
            self.database_gib = gib(bytes);
        }
        if let Some(bytes) = snapshot_bytes.filter(|b| *b > 0) {
            self.volume_gib = gib(bytes);
        }
    }

    pub fn tenant(&self) -> usize {
        self.tenant
    }

    /// The fleet index of the spoke this restore created, if any.
    pub fn target(&self) -> Option<usize> {
        self.target
    }

    pub fn set_target(&mut self, index: usize) {
        self.target = Some(index);
    }

    /// When it breaks, if it does: that far into its failing step.
    pub fn fails_at(&self) -> Option<DateTime<Utc>> {
        let failure = self.failure?;
        let (start, duration) = self.step_window(failure.step)?;
        let into = duration.num_milliseconds() as f64 * failure.fraction;
        Some(start + Duration::milliseconds(into as i64))
    }

    /// When step `index` starts, and how long it runs.
    fn step_window(&self, index: usize) -> Option<(DateTime<Utc>, Duration)> {
        let before = self.durations.get(..index)?;
        let start = before
            .iter()
            .fold(self.base.requested_at + self.queued, |at, d| at + *d);
        Some((start, *self.durations.get(index)?))
    }

    /// The failure in words, as the step that broke says it.
    fn failure_message(&self, step: usize) -> String {
        if step == 1 {
            "pg_restore: error: could not extend file \"base/16384/2619_fsm\": No space left \
             on device"
                .to_string()
        } else {
            format!(
                "restore of volume snapshot into PVC {}/moodledata failed: rsync: write failed \
                 on \"filedir/4f/2a\": No space left on device (28)",
                self.base.target_slug
            )
        }
    }

    /// The operator confirmed (`Completed`, with `notes`) or cancelled it at `at`.
    pub fn end(&mut self, phase: RestorePhase, at: DateTime<Utc>, by: &str, notes: &str) {
        self.ended = Some(Ended {
            phase,
            at,
            by: by.to_string(),
            notes: notes.to_string(),
        });
    }

    pub fn id(&self) -> &RestoreId {
        &self.base.id
    }

    /// The restore as it stands at `now`. Demo restores stop at `awaiting_confirmation`:
    /// confirming is the operator's move.
    pub fn at(&self, now: DateTime<Utc>) -> Restore {
        match (&self.ended, self.fails_at()) {
            // The operator can end it only before it fails (a failed restore is not active).
            (Some(ended), fails) if now >= ended.at && fails.is_none_or(|f| ended.at < f) => {
                self.ended_at(ended)
            }
            // A failed restore's spoke discarded: failed as it was, then discarded.
            (Some(ended), Some(fails))
                if now >= ended.at && ended.phase == RestorePhase::Discarded =>
            {
                let mut restore = self.failed_at(fails);
                restore.phase = RestorePhase::Discarded;
                restore
            }
            (_, Some(fails)) if now >= fails => self.failed_at(fails),
            _ => self.running_at(now),
        }
    }

    /// As it stood when its step broke: that step failed with the error, the rest skipped.
    fn failed_at(&self, at: DateTime<Utc>) -> Restore {
        let mut restore = self.running_at(at);
        let step = self.failure.map_or(1, |f| f.step);
        let message = self.failure_message(step);
        for (index, s) in restore.steps.iter_mut().enumerate() {
            if index == step {
                s.status = StepStatus::Failed;
                s.finished_at = Some(at);
                s.message = Some(message.clone());
            } else if index > step {
                s.status = StepStatus::Skipped;
            }
        }
        restore.phase = RestorePhase::Failed;
        restore.error = Some(message);
        restore
    }

    /// As it stood when the operator ended it, in the phase it ended in.
    fn ended_at(&self, ended: &Ended) -> Restore {
        let mut restore = self.running_at(ended.at);
        if ended.phase == RestorePhase::Completed {
            restore.confirmed_by = Some(ended.by.clone());
            restore.confirmed_at = Some(ended.at);
        } else {
            // Work that had not finished will not: it reads as skipped, not running.
            for step in &mut restore.steps {
                if matches!(step.status, StepStatus::Running | StepStatus::Pending) {
                    step.status = StepStatus::Skipped;
                }
            }
        }
        restore.phase = ended.phase.clone();
        restore
    }

    fn running_at(&self, now: DateTime<Utc>) -> Restore {
        let mut restore = self.base.clone();
        let mut phase_start = self.base.requested_at + self.queued;
        let mut current = None;
        for (index, duration) in self.durations.iter().enumerate() {
            if now < phase_start + *duration {
                current = Some(index);
                break;
            }
            phase_start += *duration;
        }
        restore.phase = if now < self.base.requested_at + self.queued {
            RestorePhase::Queued
        } else {
            current.map_or(RestorePhase::AwaitingConfirmation, |index| {
                WORK_PHASES[index].clone()
            })
        };
        restore.steps = self.steps(now);
        if restore.phase == RestorePhase::AwaitingConfirmation {
            restore.verification = Some(self.verification());
        }
        restore
    }

    fn steps(&self, now: DateTime<Utc>) -> Vec<RestoreStep> {
        let mut start = self.base.requested_at + self.queued;
        self.durations
            .iter()
            .enumerate()
            .map(|(index, duration)| {
                let step = self.step(index, start, *duration, now);
                start += *duration;
                step
            })
            .collect()
    }

    fn step(
        &self,
        index: usize,
        start: DateTime<Utc>,
        duration: Duration,
        now: DateTime<Utc>,
    ) -> RestoreStep {
        let name = self.step_name(index).to_string();
        let end = start + duration;
        if now < start {
            return RestoreStep {
                name,
                status: StepStatus::Pending,
                started_at: None,
                finished_at: None,
                progress: None,
                message: None,
            };
        }
        let done = now >= end;
        // Whole percents: the restore list changes when the bar moves, not on every tick.
        let fraction = if done {
            1.0
        } else {
            let raw =
                (now - start).num_milliseconds() as f64 / duration.num_milliseconds().max(1) as f64;
            (raw * 100.0).floor() / 100.0
        };
        RestoreStep {
            name,
            status: if done {
                StepStatus::Succeeded
            } else {
                StepStatus::Running
            },
            started_at: Some(start),
            finished_at: done.then_some(end),
            progress: Some(fraction),
            message: self.step_message(index, fraction, done),
        }
    }

    fn step_name(&self, index: usize) -> &'static str {
        match (index, &self.base.mode) {
            (0, RestoreMode::Overwrite) => "stop_site",
            (0, _) => "provision_spoke",
            (1, _) => "restore_database",
            (2, _) => "restore_volume",
            _ => "verify",
        }
    }

    fn step_message(&self, index: usize, fraction: f64, done: bool) -> Option<String> {
        let of = |total: f64| format!("{:.1} of {total:.1} GiB", total * fraction);
        match index {
            0 if done => None,
            0 if self.base.mode == RestoreMode::Overwrite => {
                Some("maintenance mode on, taking a safety snapshot".to_string())
            }
            0 => Some(format!("creating namespace {}", self.base.target_slug)),
            1 => Some(of(self.database_gib)),
            2 => Some(of(self.volume_gib)),
            _ if done => None,
            _ => Some("running checks".to_string()),
        }
    }

    fn verification(&self) -> Vec<VerificationCheck> {
        let mut rng = Rng::keyed(mix(self.base.requested_at.timestamp() as u64), &[0x7E51]);
        let (users, courses) = (SITE_USERS, SITE_COURSES);
        let restored = self.volume_gib * (0.995 + rng.range(0, 4) as f64 / 1000.0);
        let log_gap = rng.range(2, 90);
        let check = |name: &str, status: CheckStatus, detail: String| VerificationCheck {
            name: name.to_string(),
            status,
            detail,
        };
        vec![
            check(
                "site answers HTTP 200",
                CheckStatus::Passed,
                format!(
                    "https://{}/login/index.php answered 200 in {} ms",
                    self.base.target_hostname,
                    rng.range(180, 900)
                ),
            ),
            if self.verdict == Verdict::Failed {
                let missing = 1 + users / 50;
                check(
                    "row counts of key tables",
                    CheckStatus::Failed,
                    format!(
                        "mdl_user {} ≠ {users} in the source ({missing} missing) · mdl_course \
                         {courses} = {courses}",
                        users - missing
                    ),
                )
            } else {
                check(
                    "row counts of key tables",
                    CheckStatus::Passed,
                    format!("mdl_user {users} = {users} · mdl_course {courses} = {courses}"),
                )
            },
            if self.verdict == Verdict::Warning {
                check(
                    "newest log entry vs restore point",
                    CheckStatus::Warning,
                    "newest mdl_logstore_standard_log entry 3 h 12 m before the restore point: \
                     the last hours of activity may be missing"
                        .to_string(),
                )
            } else {
                check(
                    "newest log entry vs restore point",
                    CheckStatus::Passed,
                    format!(
                        "newest mdl_logstore_standard_log entry {log_gap} s before the restore \
                         point"
                    ),
                )
            },
            check(
                "restored volume size",
                CheckStatus::Passed,
                format!(
                    "{restored:.1} GiB restored of the snapshot's {:.1} GiB",
                    self.volume_gib
                ),
            ),
        ]
    }
}

mod restore_events;

#[cfg(test)]
mod tests;
