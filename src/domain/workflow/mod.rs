//! Long operations as pure state machines (DESIGN.md, "Workflows, once"). A workflow is
//! stepped by events — answers to its writes, restores observed with the instant they were
//! seen, its checks' results, ticks, a stop — and answers what it wants next: a write sent, a
//! restore read, checks run. Two thin drivers carry the wants out: the dashboard's `App` and
//! the headless runner of the CLI (`ops`). Every rule of a long operation lives here once, so
//! the two cannot drift apart.

pub mod drill;
pub mod failover;

use chrono::{DateTime, Utc};

use super::drill::DrillFindings;
use super::ids::{RestoreId, TenantId};
use super::restore::{CreateRestore, Restore};
use super::verify::Check;

pub use drill::{DrillEnd, DrillFlow, DrillSpec, Ending, Stage};

/// A write a workflow wants sent, journaled first, with the outbox's key policy.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// A restore of `tenant` (its slug names it in the journal).
    Launch {
        tenant: TenantId,
        slug: String,
        request: Box<CreateRestore>,
    },
    /// A drill's result, recorded once.
    Record {
        restore: RestoreId,
        findings: DrillFindings,
    },
    /// A restore still queued, called off.
    Cancel { restore: RestoreId, drill: bool },
    /// A restore awaiting confirmation, confirmed (a failover's, with its checks in `notes`).
    Confirm { restore: RestoreId, notes: String },
    /// The tenant's DNS moved to its restore (a failover's).
    Swap {
        tenant: TenantId,
        slug: String,
        restore: RestoreId,
    },
    /// A new spoke nobody was pointed at, torn down.
    Discard {
        restore: RestoreId,
        reason: String,
        drill: bool,
    },
}

/// What a workflow wants done next.
#[derive(Debug, Clone, PartialEq)]
pub enum Want {
    /// Send this write (again, after an undeliverable one: the same write, the same key).
    Send(Write),
    /// Read this restore on its own now (`GET /restores/{id}`): it is followed closely.
    Read(RestoreId),
    /// Run snapdeck's own checks on this restore, which awaits confirmation.
    Check(RestoreId),
}

/// What happened to a workflow.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Its write was done; a write about a restore answers with the restore as it left it,
    /// seen at `at` (the source's clock).
    Answered {
        restore: Option<Restore>,
        at: DateTime<Utc>,
    },
    /// Its write was refused in words (a 4xx): settled, never sent again with that key.
    Refused(String),
    /// Its write may not have arrived (a timeout, a 5xx, no connection): the same write
    /// goes again with the same key, a few times.
    Undeliverable(String),
    /// Its write was not sent: the journal could not record it first.
    Unjournaled(String),
    /// Its restore as seen at `at` (the source's clock): a list or its own read.
    Observed { restore: Restore, at: DateTime<Utc> },
    /// Its own read of the restore failed: read again later.
    ReadFailed,
    /// snapdeck's own checks: `None` when `[verify]` is not set.
    Checked(Option<Vec<Check>>),
    /// About a second went by on this machine.
    Tick,
    /// The operator or a signal stops it: what it does depends on where it is.
    Stop,
}

/// How many times a write that may not have arrived is sent, with the same key.
pub const SENDS: u32 = 3;

/// How often, in ticks, a workflow reads its active restore on its own: its limit is judged
/// on what was read, and a source's restores list may come only every 30 s.
pub const READ_EVERY_TICKS: u32 = 3;
