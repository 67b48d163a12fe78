//! Drills launched from the dashboard (`D`): followed to awaiting confirmation, checked
//! (snapdeck's own checks too, where `[verify]` is set), the result recorded with
//! `drill-result`, the spoke discarded — what `snapdeck drill` does, for one drill, with the
//! operator watching it in the monitor. Each write is journaled like any other.

use chrono::Duration;

use super::own_checks::OwnChecks;
use super::{App, FlashKind};
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

impl App {
    pub fn drill_run(&self, id: &RestoreId) -> Option<&DrillRun> {
        self.drill_runs.get(id)
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
            let took = drill::took(&restore, self.source_now(self.now));
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
        if !restore.can_discard() {
            let problem = format!("its spoke cannot be discarded ({})", restore.phase);
            self.drill_runs
                .insert(id.clone(), done(result, summary, Some(problem)));
            return;
        }
        let reason = format!("restore drill {result}: {summary}");
        let (op, key) = self.keyed(Op::DiscardRestore {
            restore: id.clone(),
            reason: reason.clone(),
            key: IdempotencyKey(String::new()),
        });
        let mut intent = self.intent(Journaled::DiscardRestore, id.0.clone(), key);
        intent
            .details
            .insert("reason".into(), serde_json::Value::String(reason));
        self.write(intent, op);
        let next = match problem {
            Some(problem) => done(result, summary, Some(format!("NOT recorded: {problem}"))),
            None => DrillRun::Discarding { result, summary },
        };
        self.drill_runs.insert(id.clone(), next);
    }

    /// The spoke's discard was answered.
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
            Op::DiscardRestore { restore, .. } => self.drill_discarded(restore, problem),
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
