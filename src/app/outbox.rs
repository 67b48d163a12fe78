//! The one outbox: every command on its way, with the screen that waits for its answer, and
//! the one policy for a write's idempotency key.
//!
//! An answer (or the news that a command never left) goes by the command's id to the one
//! screen that waits for it; nothing is broadcast. A write keeps its key while it may have
//! reached the source without a definite answer (a timeout, a 5xx, a lost connection), so
//! the same write sent again is done once; a definite refusal (a 4xx) or a success ends the
//! key, and the next write gets a new one.

use std::collections::BTreeMap;

use crate::domain::ids::IdempotencyKey;
use crate::source::{CommandError, CommandId, Op};

/// The screen a command's answer goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiter {
    /// The restore wizard on the stack (its `sending`).
    Wizard,
    /// The monitor whose prompt sent it.
    Monitor,
    /// The DNS swap screen that sent it.
    Dns,
    /// The monitor's event log that asked.
    EventLog,
    /// The tenant screen's history that asked.
    History,
    /// The tenant screen's past drills that asked.
    Drills,
    /// A drill launched here, following its restore closely.
    Follow,
    /// Nobody but the flash line: a refresh, an acknowledgement, a re-send from the journal.
    Flash,
}

impl Waiter {
    /// Who waits for `op` sent from its own screen.
    pub fn of(op: &Op) -> Waiter {
        match op {
            Op::CreateRestore { .. } => Waiter::Wizard,
            Op::ConfirmRestore { .. }
            | Op::CancelRestore { .. }
            | Op::DiscardRestore { .. }
            | Op::RecordDrill { .. } => Waiter::Monitor,
            Op::CreateDnsSwap { .. } | Op::RollbackDnsSwap { .. } => Waiter::Dns,
            Op::RestoreEvents { .. } => Waiter::EventLog,
            Op::RestorePoints { .. } => Waiter::History,
            Op::Drills { .. } => Waiter::Drills,
            Op::Restore { .. } => Waiter::Follow,
            Op::Refresh | Op::AcknowledgeRequest { .. } => Waiter::Flash,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub op: Op,
    pub waiter: Waiter,
}

/// How a command ended, as far as its key is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Done, or refused in words (a 4xx): this write is settled.
    Settled,
    /// It may have reached the source, or never left: the same write keeps its key.
    Unsettled,
}

impl Ended {
    pub fn of(outcome: &Result<crate::source::Reply, CommandError>) -> Ended {
        match outcome {
            Ok(_) => Ended::Settled,
            Err(error) if definite_refusal(error) => Ended::Settled,
            Err(_) => Ended::Unsettled,
        }
    }
}

/// A 4xx is the control plane's considered "no" (408 and 429 are "not now"): the write was
/// not done and never will be with that key. Without a status (a timeout, no connection, a
/// garbled answer) it may have been done; only the kube source's read-only answer is a no.
fn definite_refusal(error: &CommandError) -> bool {
    match error.status {
        Some(status) => (400..500).contains(&status) && status != 408 && status != 429,
        None => error.code == "read_only",
    }
}

#[derive(Debug)]
pub struct Outbox {
    session: String,
    minted: u64,
    next_command: u64,
    pending: BTreeMap<CommandId, Pending>,
    /// Writes without a definite answer, with their keys in them: sent again, the same write
    /// goes with the same key.
    unsettled: Vec<Op>,
}

impl Outbox {
    pub fn new(session: String) -> Outbox {
        Outbox {
            session,
            minted: 0,
            next_command: 1,
            pending: BTreeMap::new(),
            unsettled: Vec::new(),
        }
    }

    /// `write` with its key: the one it went with before when it is the same write still
    /// unsettled, else a new one (`<session>-<n>`, never repeated across runs).
    pub fn keyed(&mut self, mut write: Op) -> Op {
        let reused = self
            .unsettled
            .iter()
            .find(|sent| same_write(sent, &write))
            .and_then(|sent| sent.key().cloned());
        let key = reused.unwrap_or_else(|| {
            self.minted += 1;
            IdempotencyKey(format!("{}-{}", self.session, self.minted))
        });
        if let Some(slot) = write.key_mut() {
            *slot = key;
        }
        write
    }

    /// Records `op` as on its way to `waiter`; answers its id.
    pub fn add(&mut self, op: Op, waiter: Waiter) -> CommandId {
        let id = CommandId(self.next_command);
        self.next_command += 1;
        self.pending.insert(id, Pending { op, waiter });
        id
    }

    /// The command `id` is over: what it was, and who waits for it.
    pub fn take(&mut self, id: CommandId, ended: Ended) -> Option<Pending> {
        let pending = self.pending.remove(&id)?;
        if pending.op.key().is_some() {
            self.unsettled.retain(|sent| !same_write(sent, &pending.op));
            if ended == Ended::Unsettled {
                self.unsettled.push(pending.op.clone());
            }
        }
        Some(pending)
    }

    pub fn pending(&self) -> impl Iterator<Item = &Op> {
        self.pending.values().map(|p| &p.op)
    }
}

/// The same write, whatever its key.
fn same_write(a: &Op, b: &Op) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    for op in [&mut a, &mut b] {
        if let Some(key) = op.key_mut() {
            *key = IdempotencyKey(String::new());
        }
    }
    a == b
}
