//! The headless driver of workflows (DESIGN.md, "Workflows, once"), for the CLI's long
//! commands (`snapdeck drill`, and the failover next): it carries a workflow's wants out —
//! each write journaled first and keyed by the one policy (`source::writes`), reads, checks —
//! and steps the workflow with what happened, until it is done. A stop signal is an event
//! like any other: the workflow says what it does.

pub mod batch;
pub mod batch_voice;
pub mod client;
pub mod progress;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Mutex;

use futures_util::future::BoxFuture;
use tokio::sync::watch;

use self::client::Client;
use self::progress::Line;
use crate::domain::ids::IdempotencyKey;
use crate::domain::restore::Restore;
use crate::domain::verify::Check;
use crate::domain::workflow::{DrillFlow, Event, Want, Write};
use crate::journal::{Intent, Journal, Outcome};
use crate::source::writes::{Ended, Keys, event_of};
use crate::source::{Op, Reply};

/// How often the workflows hear that time went by.
pub(crate) const TICK: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs snapdeck's own checks on a restore awaiting confirmation (`None`: no `[verify]`).
pub type Checker<'a> = &'a (dyn Fn(Restore) -> BoxFuture<'static, Option<Vec<Check>>> + Sync);

/// Who writes, and where: what every journaled intent says.
pub struct Writer {
    pub operator: String,
    pub source_label: String,
    /// Unique to this run: keys are `<session>-<n>`.
    pub session: String,
}

pub struct Runner {
    pub client: Client,
    writer: Writer,
    journal: Mutex<Journal>,
    keys: Mutex<Keys>,
    stop: watch::Receiver<bool>,
}

impl Runner {
    /// Writes are journaled before they are sent: without a journal nothing runs.
    pub fn new(
        client: Client,
        journal: Option<&Path>,
        writer: Writer,
        stop: watch::Receiver<bool>,
    ) -> Result<Runner, String> {
        let Some(path) = journal else {
            return Err(
                "no journal: no data directory on this system (set SNAPDECK_JOURNAL); every \
                 write is journaled before it is sent"
                    .into(),
            );
        };
        let journal = Journal::open(path)
            .map_err(|e| format!("the journal {} cannot be written: {e}", path.display()))?;
        Ok(Runner {
            client,
            keys: Mutex::new(Keys::new(writer.session.clone())),
            writer,
            journal: Mutex::new(journal),
            stop,
        })
    }

    /// Who the journal says acts.
    pub fn operator(&self) -> &str {
        &self.writer.operator
    }

    /// Writes an earlier run journaled without a definite answer, as `rebuild` makes them
    /// again (it picks which): their keys are kept, so each goes again with its own. How
    /// many were taken up.
    pub fn adopt_unsettled(
        &self,
        rebuild: impl Fn(&crate::journal::Intent) -> Option<Op>,
    ) -> usize {
        let path = self.lock_journal().path().to_path_buf();
        let Ok(read) = crate::journal::read_journal(&path) else {
            return 0;
        };
        let settled: std::collections::HashSet<&IdempotencyKey> = read
            .entries
            .iter()
            .filter_map(|e| e.outcome.as_ref())
            .filter(|o| {
                o.result == crate::journal::Verdict::Ok
                    || o.status
                        .is_some_and(crate::source::writes::refused_for_good)
            })
            .map(|o| &o.idempotency_key)
            .collect();
        let mut adopted = std::collections::HashSet::new();
        for entry in &read.entries {
            let key = &entry.intent.idempotency_key;
            if settled.contains(key) || adopted.contains(key) {
                continue;
            }
            if let Some(op) = rebuild(&entry.intent) {
                self.lock_keys().adopt(op);
                adopted.insert(key);
            }
        }
        adopted.len()
    }

    pub fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Drives `flow` from its first `wants` to its end; `line` says where it is.
    pub async fn drive_drill(
        &self,
        mut flow: DrillFlow,
        wants: Vec<Want>,
        line: &dyn Line,
        checks: Checker<'_>,
    ) -> DrillFlow {
        let mut wants: VecDeque<Want> = wants.into();
        let mut seen = self.client.watch();
        let mut stop = self.stop.clone();
        let mut stopped = false;
        let mut ticks = tokio::time::interval(TICK);
        let mut said = flow.restore.clone();
        loop {
            while let Some(want) = wants.pop_front() {
                let event = self.carry_out(want, &flow, line, checks).await;
                wants.extend(flow.step(event));
                say_moved(&mut said, flow.restore.as_ref(), line);
            }
            if flow.is_done() {
                return flow;
            }
            if *stop.borrow() && !stopped {
                stopped = true;
                wants.extend(flow.step(Event::Stop));
                continue;
            }
            let listed = {
                let now = seen.borrow_and_update();
                let id = flow.restore.as_ref().map(|r| &r.id);
                let at = now.restores_at;
                at.zip(id.and_then(|id| now.restore(id)).cloned())
            };
            if let Some((at, restore)) = listed {
                wants.extend(flow.step(Event::Observed { restore, at }));
                say_moved(&mut said, flow.restore.as_ref(), line);
                if !wants.is_empty() || flow.is_done() {
                    continue;
                }
            }
            tokio::select! {
                changed = seen.changed() => if changed.is_err() { ticks.tick().await; },
                _ = stop.changed(), if !stopped => {}
                _ = ticks.tick() => wants.extend(flow.step(Event::Tick)),
            }
        }
    }

    /// One want, done: what happened, as the workflow's event.
    async fn carry_out(
        &self,
        want: Want,
        flow: &DrillFlow,
        line: &dyn Line,
        checks: Checker<'_>,
    ) -> Event {
        match want {
            Want::Send(write) => self.send(&write).await,
            Want::Read(restore) => match self.client.call(Op::Restore { restore }).await {
                Ok(Reply::Restore(restore)) => Event::Observed {
                    restore: *restore,
                    at: self.client.source_now(),
                },
                _ => Event::ReadFailed,
            },
            Want::Check(_) => {
                line.checking();
                match flow.restore.clone() {
                    Some(restore) => Event::Checked(checks(restore).await),
                    None => Event::Checked(None),
                }
            }
        }
    }

    /// Journals `write`, sends it with its key, journals its answer.
    pub async fn send(&self, write: &Write) -> Event {
        let op = self.lock_keys().keyed(Op::of_write(write));
        let key = op
            .key()
            .cloned()
            .unwrap_or_else(|| IdempotencyKey(Default::default()));
        let intent = Intent::of_write(
            write,
            key.clone(),
            &self.writer.source_label,
            &self.writer.operator,
        );
        if let Err(e) = self.lock_journal().append_intent(&intent) {
            self.lock_keys().ended(&op, Ended::Unsettled);
            return Event::Unjournaled(format!("not sent: the journal could not be written ({e})"));
        }
        let answer = self.client.call(op.clone()).await;
        self.lock_keys().ended(&op, Ended::of(&answer));
        let outcome = match &answer {
            Ok(reply) => Outcome::ok(key, reply.resource_id()),
            Err(e) => Outcome::error(key, e.status, Some(e.code.clone()), e.message.clone()),
        };
        // The write is done either way; a lost outcome shows as "sent? unknown" later.
        let _ = self.lock_journal().append_outcome(&outcome);
        event_of(&answer, self.client.source_now())
    }

    fn lock_keys(&self) -> std::sync::MutexGuard<'_, Keys> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_journal(&self) -> std::sync::MutexGuard<'_, Journal> {
        self.journal.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The line says so when the restore moved (phase or step progress).
fn say_moved(said: &mut Option<Restore>, now: Option<&Restore>, line: &dyn Line) {
    let Some(now) = now else { return };
    let moved = said
        .as_ref()
        .is_none_or(|was| was.phase != now.phase || was.steps != now.steps);
    if moved {
        line.phase(now);
        *said = Some(now.clone());
    }
}
