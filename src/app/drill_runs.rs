//! Drills launched from the dashboard (`D`): followed to awaiting confirmation, checked
//! (snapdeck's own checks too, where `[verify]` is set), the result recorded with
//! `drill-result`, the spoke discarded — what `snapdeck drill` does, for one drill, with the
//! operator watching it in the monitor. Each write is journaled like any other.

use chrono::Duration;

use super::own_checks::OwnChecks;
use super::{App, FlashKind, Screen};
use crate::domain::drill::{self, DrillResult};
use crate::domain::ids::{IdempotencyKey, RestoreId};
use crate::domain::restore::{Restore, RestorePhase, RestorePurpose};
use crate::journal::Action as Journaled;
use crate::source::Op;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrillRun {
    /// Under way on the platform.
    Watching,
    /// Awaiting confirmation: snapdeck's own checks are running.
    Checking,
    /// The result is on its way to the control plane.
    Recording {
        result: DrillResult,
        summary: String,
    },
    /// Recorded; the spoke's discard is on its way.
    Discarding {
        result: DrillResult,
        summary: String,
    },
    /// Over: what it found, and what went wrong after, if anything.
    Done {
        result: DrillResult,
        summary: String,
        problem: Option<String>,
    },
}

impl DrillRun {
    /// The monitor's line: where the drill is, in words.
    pub fn words(&self) -> String {
        match self {
            DrillRun::Watching => "restoring: checked, recorded and discarded once it awaits \
                                   confirmation"
                .to_string(),
            DrillRun::Checking => "checking the restored spoke".to_string(),
            DrillRun::Recording { result, summary } => {
                format!(
                    "{} {result}: {summary} · recording the result…",
                    result.glyph()
                )
            }
            DrillRun::Discarding { result, summary } => {
                format!(
                    "{} {result}: {summary} · recorded; discarding the spoke…",
                    result.glyph()
                )
            }
            DrillRun::Done {
                result,
                summary,
                problem: None,
            } => format!(
                "{} {result}: {summary} · recorded, spoke discarded",
                result.glyph()
            ),
            DrillRun::Done {
                result,
                summary,
                problem: Some(problem),
            } => format!("{} {result}: {summary} · {problem}", result.glyph()),
        }
    }
}

/// How often, in ticks (real seconds, whatever the demo's speed), a drill's restore is read
/// on its own while it runs: its time limit is judged on what was read, and the restores list
/// comes only at the fleet's refresh.
const FOLLOW_EVERY_TICKS: u32 = 3;

impl App {
    pub fn drill_run(&self, id: &RestoreId) -> Option<&DrillRun> {
        self.drill_runs.get(id)
    }

    /// Reads the restore of every drill under way, and the one on the monitor in front while
    /// it runs (its phases must not lag its own event log by a fleet refresh), one read in
    /// flight each.
    pub(in crate::app) fn follow_drills(&mut self) {
        self.follow_ticks += 1;
        if self.follow_ticks < FOLLOW_EVERY_TICKS {
            return;
        }
        self.follow_ticks = 0;
        let in_front = match self.screen() {
            Screen::Monitor(m) => self
                .restore(&m.id)
                .filter(|r| r.phase.is_active())
                .map(|r| r.id.clone()),
            _ => None,
        };
        let drills = self
            .drill_runs
            .iter()
            .filter(|(_, run)| **run == DrillRun::Watching)
            .map(|(id, _)| id.clone());
        let mut watching: Vec<RestoreId> = drills.chain(in_front).collect();
        watching.sort();
        watching.dedup();
        watching.retain(|id| {
            !self
                .outbox
                .pending()
                .any(|op| matches!(op, Op::Restore { restore } if restore == id))
        });
        for restore in watching {
            let command = self.command(Op::Restore { restore });
            self.effects.push(crate::app::Effect::Source(command));
        }
    }

    /// A drill's restore as read just now: held with the instant it was observed.
    pub(in crate::app) fn followed(&mut self, restore: Restore) {
        self.restore_observed.insert(restore.id.clone(), self.now);
        self.hold_restore(restore);
        self.advance_drills();
    }

    /// When `id` was last observed, on the source's clock: its own read, or the list's.
    fn observed_at(&self, id: &RestoreId) -> chrono::DateTime<chrono::Utc> {
        let list = self.restores_seen_at.unwrap_or(self.now);
        self.restore_observed
            .get(id)
            .map_or(list, |own| (*own).max(list))
    }

    /// A drill this dashboard launched: followed from now on.
    pub(in crate::app) fn drill_launched(&mut self, restore: &Restore) {
        if restore.purpose == RestorePurpose::Drill {
            self.drill_runs
                .entry(restore.id.clone())
                .or_insert(DrillRun::Watching);
        }
    }

    /// Moves every drill on that can move: once its restore awaits confirmation (and its own
    /// checks are in), failed, or ran past its tier's RTO, its result is recorded.
    pub(in crate::app) fn advance_drills(&mut self) {
        let waiting: Vec<RestoreId> = self
            .drill_runs
            .iter()
            .filter(|(_, run)| matches!(run, DrillRun::Watching | DrillRun::Checking))
            .map(|(id, _)| id.clone())
            .collect();
        for id in waiting {
            let Some(restore) = self.restore(&id).cloned() else {
                continue;
            };
            let limit = self
                .fleet
                .position(&restore.tenant_id)
                .map_or(Duration::hours(8), |i| {
                    drill::limit_of(&self.fleet.tenant(i).tier)
                });
            // Judged at the instant the restore was seen as it is: data older than the limit
            // cannot say the limit passed (`self.now` is already on the source's clock).
            let took = drill::took(&restore, self.observed_at(&id));
            let ready = restore.phase == RestorePhase::AwaitingConfirmation;
            let over = !restore.phase.is_active() || took > limit;
            if !ready && !over {
                continue;
            }
            let own = match (ready && self.verify_configured, self.own_checks(&id)) {
                (false, _) => None,
                (true, Some(OwnChecks::Done(checks))) => Some(checks.clone()),
                (true, Some(OwnChecks::CannotRun(why))) => {
                    Some(crate::domain::verify::could_not_run(why))
                }
                (true, _) => {
                    self.drill_runs.insert(id.clone(), DrillRun::Checking);
                    self.start_own_checks_of(&id, false);
                    continue;
                }
            };
            let verdicts = drill::verdicts(&restore, own.as_deref(), took, limit);
            self.record_drill(&restore, verdicts, took);
        }
    }

    fn record_drill(&mut self, restore: &Restore, verdicts: drill::Verdicts, took: Duration) {
        let findings = verdicts.findings(took, &self.operator);
        let details = crate::journal::details_of(&findings);
        let (op, key) = self.keyed(Op::RecordDrill {
            restore: restore.id.clone(),
            findings,
            key: IdempotencyKey(String::new()),
        });
        let mut intent = self.intent(Journaled::RecordDrill, restore.id.0.clone(), key);
        intent.details = details;
        self.write(intent, op);
        self.drill_runs.insert(
            restore.id.clone(),
            DrillRun::Recording {
                result: verdicts.result,
                summary: verdicts.summary,
            },
        );
    }

    /// The result is recorded (or could not be): the spoke is discarded either way, as a
    /// drill's spoke must not stay behind.
    pub(in crate::app) fn drill_recorded(&mut self, id: &RestoreId, problem: Option<String>) {
        let Some(DrillRun::Recording { result, summary }) = self.drill_runs.get(id).cloned() else {
            return;
        };
        let Some(restore) = self.restore(id).cloned() else {
            return;
        };
        let reason = format!("restore drill {result}: {summary}");
        if !restore.can_discard() && restore.phase.can_cancel() {
            // Still queued: nothing to tear down yet, so it is cancelled instead.
            return self.cancel_drill(&restore, result, summary, problem);
        }
        if !restore.can_discard() {
            let problem = format!("its spoke cannot be discarded ({})", restore.phase);
            self.drill_runs
                .insert(id.clone(), done(result, summary, Some(problem)));
            return;
        }
        let (op, key) = self.keyed(Op::DiscardRestore {
            restore: id.clone(),
            reason: reason.clone(),
            key: IdempotencyKey(String::new()),
        });
        let mut intent = self.intent(Journaled::DiscardRestore, id.0.clone(), key);
        intent
            .details
            .insert("reason".into(), serde_json::Value::String(reason));
        intent.details.insert("purpose".into(), "drill".into());
        self.write(intent, op);
        let next = match problem {
            Some(problem) => done(result, summary, Some(format!("NOT recorded: {problem}"))),
            None => DrillRun::Discarding { result, summary },
        };
        self.drill_runs.insert(id.clone(), next);
    }

    /// A drill still queued when its result was recorded: cancelled, journaled first.
    fn cancel_drill(
        &mut self,
        restore: &Restore,
        result: DrillResult,
        summary: String,
        problem: Option<String>,
    ) {
        let (op, key) = self.keyed(Op::CancelRestore {
            restore: restore.id.clone(),
            key: IdempotencyKey(String::new()),
        });
        let mut intent = self.intent(Journaled::CancelRestore, restore.id.0.clone(), key);
        intent.details.insert("purpose".into(), "drill".into());
        self.write(intent, op);
        let next = match problem {
            Some(problem) => done(result, summary, Some(format!("NOT recorded: {problem}"))),
            None => DrillRun::Discarding { result, summary },
        };
        self.drill_runs.insert(restore.id.clone(), next);
    }

    /// The spoke's discard (or a queued drill's cancel) was answered.
    pub(in crate::app) fn drill_discarded(&mut self, id: &RestoreId, problem: Option<String>) {
        let Some(DrillRun::Discarding { result, summary }) = self.drill_runs.get(id).cloned()
        else {
            return;
        };
        let text = format!("drill of {id}: {result}, {summary}");
        let problem = problem.map(|p| format!("recorded; the spoke was NOT discarded: {p}"));
        self.set_flash(FlashKind::Info, text);
        self.drill_runs
            .insert(id.clone(), done(result, summary, problem));
    }

    /// A drill's write answered: its run moves on.
    pub(in crate::app) fn drill_answered(&mut self, op: &Op, problem: Option<String>) {
        match op {
            Op::RecordDrill { restore, .. } => self.drill_recorded(restore, problem),
            Op::DiscardRestore { restore, .. } | Op::CancelRestore { restore, .. } => {
                self.drill_discarded(restore, problem)
            }
            _ => {}
        }
    }
}

fn done(result: DrillResult, summary: String, problem: Option<String>) -> DrillRun {
    DrillRun::Done {
        result,
        summary,
        problem,
    }
}
