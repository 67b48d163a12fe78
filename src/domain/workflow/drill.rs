//! A restore drill as a workflow: launch → watch → checks → record → tear down. The rules of
//! a drill live here once, for `snapdeck drill` and the dashboard's `D` alike:
//! - its time limit is judged at the instant its restore was observed, never on older data;
//! - it is never confirmed, and DNS never moves to it (it has no such want);
//! - its spoke is torn down whatever it found: cancelled while queued, discarded after;
//! - only a drill's spoke is ever torn down;
//! - a stop before its result is known tears it down unrecorded; after, the result is
//!   recorded first.

use chrono::{DateTime, Duration, Utc};

use super::{Event, READ_EVERY_TICKS, SENDS, Want, Write};
use crate::domain::drill::{self, DrillResult, is_drill_of};
use crate::domain::ids::TenantId;
use crate::domain::restore::{CreateRestore, Restore, RestorePhase, RestorePurpose};
use crate::domain::verify::Check;

#[cfg(test)]
mod tests;

/// Where a drill is.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Its restore is asked for.
    Launching,
    /// Under way on the platform.
    Watching,
    /// Awaiting confirmation: snapdeck's own checks run.
    Checking,
    /// Its result is on its way to the control plane.
    Recording {
        result: DrillResult,
        summary: String,
    },
    /// Its spoke's cancel or discard is on its way.
    TearingDown(Ending),
    /// Over.
    Done(DrillEnd),
}

/// How a drill ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// It ran and its result was recorded (or could not be: `recorded` says why).
    Ran {
        result: DrillResult,
        summary: String,
        recorded: Result<(), String>,
    },
    /// It could not start, in words; nothing was proved.
    CouldNot(String),
    /// It was stopped before its result was known.
    Interrupted,
    /// An earlier run's drill, found and torn down.
    LeftBehind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrillEnd {
    pub ending: Ending,
    /// Whether its spoke was torn down (`None`: there was none to tear down).
    pub torn_down: Option<Result<(), String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrillFlow {
    /// The tenant drilled, by slug.
    pub tenant: String,
    /// Past this, the drill has failed (its tier's RTO, or the operator's limit).
    pub limit: Duration,
    pub stage: Stage,
    /// Its restore as last seen, and the instant it was seen so (the source's clock).
    pub restore: Option<Restore>,
    observed: Option<DateTime<Utc>>,
    /// How long the restore took to be ready, once judged.
    pub took: Option<Duration>,
    /// snapdeck's own checks run at awaiting confirmation (`[verify]` is set).
    verify: bool,
    /// Who checked it, for `drill-result`.
    operator: String,
    stopping: bool,
    /// The write in flight and how many times it went; whether it goes again at the next tick.
    sending: Option<(Write, u32)>,
    resend: bool,
    reading: bool,
    ticks: u32,
}

/// What a drill is made of, before it starts.
#[derive(Debug, Clone)]
pub struct DrillSpec {
    pub tenant: String,
    pub limit: Duration,
    pub verify: bool,
    pub operator: String,
}

impl DrillFlow {
    fn new(spec: DrillSpec, stage: Stage) -> DrillFlow {
        DrillFlow {
            tenant: spec.tenant,
            limit: spec.limit,
            stage,
            restore: None,
            observed: None,
            took: None,
            verify: spec.verify,
            operator: spec.operator,
            stopping: false,
            sending: None,
            resend: false,
            reading: false,
            ticks: 0,
        }
    }

    /// A drill that starts by asking for its restore (`request`, a drill's new spoke).
    pub fn launch(spec: DrillSpec, tenant: TenantId, request: CreateRestore) -> (Self, Vec<Want>) {
        let slug = spec.tenant.clone();
        let mut flow = DrillFlow::new(spec, Stage::Launching);
        let wants = flow.send(Write::Launch {
            tenant,
            slug,
            request: Box::new(request),
        });
        (flow, wants)
    }

    /// A drill whose restore was launched elsewhere (the dashboard's wizard), as answered at
    /// `at`.
    pub fn launched(spec: DrillSpec, restore: Restore, at: DateTime<Utc>) -> (Self, Vec<Want>) {
        let mut flow = DrillFlow::new(spec, Stage::Launching);
        let wants = flow.step(Event::Answered {
            restore: Some(restore),
            at,
        });
        (flow, wants)
    }

    /// A drill an earlier run left behind: torn down.
    pub fn left_behind(spec: DrillSpec, restore: Restore) -> (Self, Vec<Want>) {
        let mut flow = DrillFlow::new(spec, Stage::Watching);
        flow.restore = Some(restore);
        let wants = flow.tear_down(Ending::LeftBehind);
        (flow, wants)
    }

    pub fn is_done(&self) -> bool {
        matches!(self.stage, Stage::Done(_))
    }

    /// Its restore is under way and followed closely.
    pub fn is_watching(&self) -> bool {
        matches!(self.stage, Stage::Launching | Stage::Watching)
    }

    /// Moves the drill on by `event`: what it wants done next.
    pub fn step(&mut self, event: Event) -> Vec<Want> {
        match event {
            Event::Stop => self.stop(),
            Event::Tick => self.tick(),
            Event::Observed { restore, at } => self.observe(restore, at),
            Event::ReadFailed => {
                self.reading = false;
                Vec::new()
            }
            Event::Checked(own) => self.checked(own),
            Event::Answered { restore, at } => self.answered(restore, at),
            Event::Refused(why) | Event::Unjournaled(why) => self.write_failed(why),
            Event::Undeliverable(why) => self.undeliverable(why),
        }
    }

    fn send(&mut self, write: Write) -> Vec<Want> {
        self.sending = Some((write.clone(), 1));
        self.resend = false;
        vec![Want::Send(write)]
    }

    fn finish(&mut self, ending: Ending, torn_down: Option<Result<(), String>>) -> Vec<Want> {
        self.sending = None;
        self.resend = false;
        self.stage = Stage::Done(DrillEnd { ending, torn_down });
        Vec::new()
    }

    fn tick(&mut self) -> Vec<Want> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.resend
            && let Some((write, sends)) = &mut self.sending
        {
            self.resend = false;
            *sends += 1;
            return vec![Want::Send(write.clone())];
        }
        let active = self.restore.as_ref().filter(|r| r.phase.is_active());
        match (&self.stage, active) {
            (Stage::Watching, Some(r))
                if !self.reading && self.ticks.is_multiple_of(READ_EVERY_TICKS) =>
            {
                self.reading = true;
                vec![Want::Read(r.id.clone())]
            }
            _ => Vec::new(),
        }
    }

    /// Its restore as seen at `at`: older news than what it holds changes nothing.
    fn observe(&mut self, restore: Restore, at: DateTime<Utc>) -> Vec<Want> {
        let ours = self.restore.as_ref().is_some_and(|r| r.id == restore.id);
        if !ours || self.observed.is_some_and(|seen| at < seen) {
            return Vec::new();
        }
        self.reading = false;
        self.restore = Some(restore);
        self.observed = Some(at);
        match self.stage {
            Stage::Watching => self.judge(),
            _ => Vec::new(),
        }
    }

    /// Ready, failed or late: its result is made. Judged at the instant it was observed, so
    /// data older than the limit cannot say the limit passed.
    fn judge(&mut self) -> Vec<Want> {
        if self.stopping {
            return self.tear_down(Ending::Interrupted);
        }
        let (Some(r), Some(at)) = (&self.restore, self.observed) else {
            return Vec::new();
        };
        let took = drill::took(r, at);
        let ready = r.phase == RestorePhase::AwaitingConfirmation;
        let over = !r.phase.is_active() || took > self.limit;
        if ready && self.verify {
            self.stage = Stage::Checking;
            return vec![Want::Check(r.id.clone())];
        }
        if ready || over {
            return self.record(None);
        }
        Vec::new()
    }

    fn checked(&mut self, own: Option<Vec<Check>>) -> Vec<Want> {
        match self.stage {
            Stage::Checking if self.stopping => self.tear_down(Ending::Interrupted),
            Stage::Checking => self.record(own.as_deref()),
            _ => Vec::new(),
        }
    }

    fn record(&mut self, own: Option<&[Check]>) -> Vec<Want> {
        let (Some(r), Some(at)) = (&self.restore, self.observed) else {
            return Vec::new();
        };
        let took = drill::took(r, at);
        let verdicts = drill::verdicts(r, own, took, self.limit);
        let write = Write::Record {
            restore: r.id.clone(),
            findings: verdicts.findings(took, &self.operator),
        };
        self.took = Some(took);
        self.stage = Stage::Recording {
            result: verdicts.result,
            summary: verdicts.summary,
        };
        self.send(write)
    }

    fn answered(&mut self, restore: Option<Restore>, at: DateTime<Utc>) -> Vec<Want> {
        self.sending = None;
        if let Some(r) = restore {
            self.restore = Some(r);
            self.observed = Some(self.observed.map_or(at, |seen| seen.max(at)));
        }
        match std::mem::replace(&mut self.stage, Stage::Watching) {
            Stage::Launching if self.restore.is_none() => self.finish(
                Ending::CouldNot("the control plane answered the restore without it".into()),
                None,
            ),
            Stage::Launching | Stage::Watching => self.judge(),
            Stage::Recording { result, summary } => self.tear_down(Ending::Ran {
                result,
                summary,
                recorded: Ok(()),
            }),
            Stage::TearingDown(ending) => self.finish(ending, Some(Ok(()))),
            stage => {
                self.stage = stage;
                Vec::new()
            }
        }
    }

    /// The write in flight is settled without being done.
    fn write_failed(&mut self, why: String) -> Vec<Want> {
        self.sending = None;
        match std::mem::replace(&mut self.stage, Stage::Watching) {
            Stage::Launching => self.finish(Ending::CouldNot(why), None),
            Stage::Recording { result, summary } => self.tear_down(Ending::Ran {
                result,
                summary,
                recorded: Err(why),
            }),
            Stage::TearingDown(ending) => self.finish(ending, Some(Err(why))),
            stage => {
                self.stage = stage;
                Vec::new()
            }
        }
    }

    /// The same write goes again at the next tick, with the same key, up to `SENDS` times.
    fn undeliverable(&mut self, why: String) -> Vec<Want> {
        match &self.sending {
            Some((_, sends)) if *sends < SENDS => {
                self.resend = true;
                Vec::new()
            }
            _ => self.write_failed(why),
        }
    }

    fn stop(&mut self) -> Vec<Want> {
        self.stopping = true;
        match self.stage {
            // The launch may have arrived: its answer says what to tear down.
            Stage::Launching if self.sending.is_some() => Vec::new(),
            Stage::Launching => self.finish(Ending::Interrupted, None),
            Stage::Watching | Stage::Checking => self.tear_down(Ending::Interrupted),
            // Its result is known: recorded, then torn down, as without a stop.
            Stage::Recording { .. } | Stage::TearingDown(_) | Stage::Done(_) => Vec::new(),
        }
    }

    /// Throws its spoke away: cancelled while queued (the contract discards a drill only
    /// after `queued`), discarded after. Only ever a drill's.
    fn tear_down(&mut self, ending: Ending) -> Vec<Want> {
        let Some(r) = &self.restore else {
            return self.finish(ending, None);
        };
        if r.purpose != RestorePurpose::Drill || !is_drill_of(&r.target_slug, &r.source_slug) {
            let why = format!("{} is not a drill: left alone", r.id);
            return self.finish(ending, Some(Err(why)));
        }
        let restore = r.id.clone();
        let write = if r.phase == RestorePhase::Queued {
            Write::Cancel {
                restore,
                drill: true,
            }
        } else if r.can_discard() {
            Write::Discard {
                restore,
                reason: reason(&ending),
                drill: true,
            }
        } else {
            let end = match r.phase {
                RestorePhase::Discarded | RestorePhase::Cancelled => Ok(()),
                ref phase => Err(format!("{} is {phase}: it cannot be discarded", r.id)),
            };
            return self.finish(ending, Some(end));
        };
        self.stage = Stage::TearingDown(ending);
        self.send(write)
    }

    /// Where the drill is, in words (the monitor's line).
    pub fn words(&self) -> String {
        match &self.stage {
            Stage::Launching => "launching the drill's restore".to_string(),
            Stage::Watching => {
                "restoring: checked, recorded and discarded once it awaits confirmation".to_string()
            }
            Stage::Checking => "checking the restored spoke".to_string(),
            Stage::Recording { result, summary } => {
                format!(
                    "{} {result}: {summary} · recording the result…",
                    result.glyph()
                )
            }
            Stage::TearingDown(Ending::Ran {
                result,
                summary,
                recorded,
            }) => {
                let recorded = match recorded {
                    Ok(()) => "recorded".to_string(),
                    Err(why) => format!("NOT recorded: {why}"),
                };
                format!(
                    "{} {result}: {summary} · {recorded}; discarding the spoke…",
                    result.glyph()
                )
            }
            Stage::TearingDown(_) => "stopped: discarding the spoke…".to_string(),
            Stage::Done(end) => end.words(),
        }
    }
}

impl DrillEnd {
    /// What became of the drill, in words.
    pub fn words(&self) -> String {
        let torn = match &self.torn_down {
            None => None,
            Some(Ok(())) => Some("spoke discarded".to_string()),
            Some(Err(why)) => Some(format!("the spoke was NOT discarded: {why}")),
        };
        match &self.ending {
            Ending::Ran {
                result,
                summary,
                recorded,
            } => {
                let recorded = match recorded {
                    Ok(()) => "recorded".to_string(),
                    Err(why) => format!("NOT recorded: {why}"),
                };
                let torn = torn.map_or(String::new(), |t| format!(", {t}"));
                format!("{} {result}: {summary} · {recorded}{torn}", result.glyph())
            }
            Ending::CouldNot(why) => format!("could not start: {why}"),
            Ending::Interrupted | Ending::LeftBehind => {
                let torn = torn.unwrap_or_else(|| "nothing to discard".to_string());
                format!("stopped: {torn}")
            }
        }
    }
}

/// Why its spoke is discarded, as the control plane keeps it.
fn reason(ending: &Ending) -> String {
    match ending {
        Ending::Ran {
            result, summary, ..
        } => format!("restore drill {result}: {summary}"),
        Ending::Interrupted => "the drill run was stopped".to_string(),
        Ending::LeftBehind => {
            "left behind by an interrupted drill; discarded by the next run".to_string()
        }
        Ending::CouldNot(why) => format!("restore drill could not run: {why}"),
    }
}
