//! snapdeck's own checks of the restore on the monitor in front (DESIGN.md, "Verifying a
//! restore"): started by themselves once it awaits confirmation (and again on `v`), run by
//! the runner in the background, answered as `Msg::Verified`. The app only decides when, and
//! what the checks need: the tenant it came from, its target spoke, and the point's instant
//! (from the tenant's restore-point history, fetched if it is not held).

use chrono::{DateTime, Utc};

use super::screens::Screen;
use super::screens::monitor::checks_all_passed;
use super::{App, Effect, FlashKind};
use crate::domain::ids::RestoreId;
use crate::domain::restore::{Restore, RestorePhase};
pub use crate::domain::verify::request::{
    FingerprintRequest, POINTS_LOOKED_THROUGH, VerifyRequest, point_instant, request_for, vars_of,
};
use crate::domain::verify::{Check, Verdict, overall};

/// What `v` says when `[verify]` is not set.
pub const NOT_SET_UP: &str = "snapdeck's own checks are not set up: [verify] in the config \
     (README, \"snapdeck's own checks\")";
/// The same, under the monitor's "snapdeck's checks" heading.
pub const NOT_SET_UP_LINE: &str = "not set up: [verify] in the config (README)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnChecks {
    /// The tenant's history is being read for the point's instant.
    FindingPoint,
    Running {
        since: DateTime<Utc>,
        /// How many of the checks have finished.
        finished: usize,
    },
    Done(Vec<Check>),
    /// Why they cannot run for this restore, in words.
    CannotRun(String),
}

impl OwnChecks {
    /// Every check passed (only then may a confirm skip the typed slug).
    pub fn passed(&self) -> bool {
        matches!(self, OwnChecks::Done(checks) if overall(checks) == Verdict::Passed)
    }
}

/// How many of a restore's checks passed, both kinds counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChecksTally {
    pub passed: usize,
    pub total: usize,
    /// snapdeck's own are still being run: not counted yet.
    pub own_running: bool,
}

impl ChecksTally {
    /// "checks: 8 of 9 passed", "…; snapdeck's running".
    pub fn words(&self) -> String {
        let running = if self.own_running {
            "; snapdeck's running"
        } else {
            ""
        };
        format!("checks: {} of {} passed{running}", self.passed, self.total)
    }
}

impl App {
    /// This restore's own checks, if any were started.
    pub fn own_checks(&self, id: &RestoreId) -> Option<&OwnChecks> {
        self.own_checks.get(id)
    }

    /// Every check of a restore counted together, the control plane's and snapdeck's own:
    /// a summary that left one kind out would say "4 of 4 passed" over a failed moodledata.
    pub fn checks_tally(&self, restore: &Restore) -> ChecksTally {
        let theirs = restore.verification.as_deref().unwrap_or_default();
        let mut tally = ChecksTally {
            passed: theirs
                .iter()
                .filter(|c| c.status == crate::domain::restore::CheckStatus::Passed)
                .count(),
            total: theirs.len(),
            own_running: false,
        };
        match self.own_checks(&restore.id) {
            Some(OwnChecks::Done(own)) => {
                tally.total += own.len();
                tally.passed += own.iter().filter(|c| c.verdict == Verdict::Passed).count();
            }
            Some(OwnChecks::FindingPoint | OwnChecks::Running { .. }) => tally.own_running = true,
            Some(OwnChecks::CannotRun(_)) | None => {}
        }
        tally
    }

    pub fn own_checks_configured(&self) -> bool {
        self.verify_configured
    }

    /// Whether a confirm may go without the typed slug: the control plane's checks all
    /// passed and, where they are set up, snapdeck's own did too.
    pub fn all_checks_passed(&self, restore: &Restore) -> bool {
        checks_all_passed(restore)
            && (!self.verify_configured
                || self.own_checks(&restore.id).is_some_and(OwnChecks::passed))
    }

    /// Starts the own checks of the restore on the monitor in front once it awaits
    /// confirmation; `again` runs them anew (the operator's `v`).
    pub(in crate::app) fn start_own_checks(&mut self, again: bool) {
        let Some(Screen::Monitor(monitor)) = self.screens.last() else {
            return;
        };
        let id = monitor.id.clone();
        self.start_own_checks_of(&id, again);
    }

    /// Starts the own checks of restore `id` once it awaits confirmation (a drill's, too,
    /// whatever screen is in front).
    pub(in crate::app) fn start_own_checks_of(&mut self, id: &RestoreId, again: bool) {
        if !self.verify_configured {
            return;
        }
        let Some(restore) = self.restore(id).cloned() else {
            return;
        };
        if restore.phase != RestorePhase::AwaitingConfirmation {
            return;
        }
        let started = matches!(
            self.own_checks.get(&restore.id),
            Some(OwnChecks::Running { .. } | OwnChecks::Done(_) | OwnChecks::CannotRun(_))
        );
        if started && !again {
            return;
        }
        let state = match self.verify_request(&restore) {
            Ok(Some(request)) => {
                self.effects.push(Effect::Verify(Box::new(request)));
                OwnChecks::Running {
                    since: self.now,
                    finished: 0,
                }
            }
            Ok(None) => OwnChecks::FindingPoint,
            Err(why) => OwnChecks::CannotRun(why),
        };
        self.own_checks.insert(restore.id.clone(), state);
    }

    /// The request, `None` while the point is being looked for, or why there can be none.
    fn verify_request(&mut self, restore: &Restore) -> Result<Option<VerifyRequest>, String> {
        // Why it cannot be, before anything is fetched for it.
        let (tenants, regions) = (self.fleet.tenants(), self.fleet.regions());
        request_for(restore, tenants, DateTime::<Utc>::MIN_UTC, regions)?;
        let Some(point) = self.point_of(restore)? else {
            let tenant = restore.tenant_id.clone();
            self.want_points(&tenant, POINTS_LOOKED_THROUGH);
            return Ok(None);
        };
        request_for(restore, self.fleet.tenants(), point, self.fleet.regions()).map(Some)
    }

    /// When the restore's point's dump started, from the tenant's history: `None` while it
    /// is still being read.
    fn point_of(&self, restore: &Restore) -> Result<Option<DateTime<Utc>>, String> {
        let Some(history) = self.history_of(&restore.tenant_id) else {
            return Ok(None);
        };
        match point_instant(restore, &history.points) {
            Some(at) => Ok(Some(at)),
            None if history.complete || history.points.len() >= POINTS_LOOKED_THROUGH => {
                Err(match &restore.restore_point_id {
                    Some(id) => format!("restore point {id} is not in the tenant's history"),
                    None => "no restore point before the restore was asked for".to_string(),
                })
            }
            None if history.error.is_some() && !history.is_fetching() => Err(format!(
                "the tenant's history could not be read: {}",
                history.error.clone().unwrap_or_default()
            )),
            None => Ok(None),
        }
    }

    /// The operator's `v`: the checks again, or why not.
    pub(in crate::app) fn reverify(&mut self) {
        if !self.verify_configured {
            self.set_flash(FlashKind::Info, NOT_SET_UP);
            return;
        }
        let awaiting = match self.screens.last() {
            Some(Screen::Monitor(m)) => self
                .restore(&m.id)
                .is_some_and(|r| r.phase == RestorePhase::AwaitingConfirmation),
            _ => false,
        };
        if !awaiting {
            self.set_flash(
                FlashKind::Info,
                "snapdeck's own checks run on a restore awaiting confirmation",
            );
            return;
        }
        self.start_own_checks(true);
    }

    pub(in crate::app) fn on_verify_progress(&mut self, restore: &RestoreId, done: usize) {
        if let Some(OwnChecks::Running { finished, .. }) = self.own_checks.get_mut(restore) {
            *finished = done.max(*finished);
        }
    }

    pub(in crate::app) fn on_verified(&mut self, restore: RestoreId, checks: Vec<Check>) {
        self.own_checks
            .insert(restore.clone(), OwnChecks::Done(checks));
        self.checks_of_drill(&restore);
    }

    /// The own checks' verdicts, for the confirm intent in the journal.
    pub(in crate::app) fn own_checks_journaled(&self, id: &RestoreId) -> Option<serde_json::Value> {
        let words = match self.own_checks(id)? {
            OwnChecks::Done(checks) => serde_json::json!({
                "verdict": overall(checks),
                "checks": checks.iter().map(|c| serde_json::json!({
                    "check": c.kind,
                    "verdict": c.verdict,
                    "summary": c.summary,
                })).collect::<Vec<_>>(),
            }),
            OwnChecks::CannotRun(why) => {
                serde_json::json!({ "verdict": "could_not_check", "why": why })
            }
            OwnChecks::Running { .. } | OwnChecks::FindingPoint => {
                serde_json::json!({ "verdict": "not_finished" })
            }
        };
        Some(words)
    }
}
