//! The one outbox: every command on its way, with the screen that waits for its answer, and
//! the key policy (`source::writes`, shared with the CLI's runner).
//!
//! An answer (or the news that a command never left) goes by the command's id to the one
//! screen that waits for it; nothing is broadcast.

use std::collections::BTreeMap;

pub use crate::source::writes::Ended;
use crate::source::writes::Keys;
use crate::source::{CommandId, Op};

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
    /// The failover batch this dashboard runs, walking its restores.
    Batch,
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
            Op::BatchRestores { .. } => Waiter::Batch,
            Op::Refresh | Op::AcknowledgeRequest { .. } => Waiter::Flash,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub op: Op,
    pub waiter: Waiter,
}

#[derive(Debug)]
pub struct Outbox {
    keys: Keys,
    next_command: u64,
    pending: BTreeMap<CommandId, Pending>,
}

impl Outbox {
    pub fn new(session: String) -> Outbox {
        Outbox {
            keys: Keys::new(session),
            next_command: 1,
            pending: BTreeMap::new(),
        }
    }

    /// This dashboard's session, the first part of its keys.
    pub fn session(&self) -> &str {
        self.keys.session()
    }

    /// `write` with its key (`Keys::keyed`, the one policy).
    pub fn keyed(&mut self, write: Op) -> Op {
        self.keys.keyed(write)
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
        self.keys.ended(&pending.op, ended);
        Some(pending)
    }

    pub fn pending(&self) -> impl Iterator<Item = &Op> {
        self.pending.values().map(|p| &p.op)
    }
}
