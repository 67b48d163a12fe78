//! Where the fleet comes from. One trait, several sources; the app never knows which one it
//! talks to. Sources run in the background and send messages; the UI never waits on them.

pub mod demo;
pub mod http;
pub mod kube;
pub mod writes;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::domain::dns::DnsSwap;
use crate::domain::drill::{DrillFindings, DrillRecord};
use crate::domain::ids::{DnsSwapId, IdempotencyKey, RestoreId, TenantId};
use crate::domain::request::RestoreRequest;
use crate::domain::restore::{CreateRestore, Restore, RestoreEvent};
use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::Tenant;

/// What a source tells the app.
#[derive(Debug, Clone)]
pub enum SourceEvent {
    /// The whole fleet as the source sees it at `generated_at`; replaces what came before.
    Fleet {
        generated_at: DateTime<Utc>,
        tenants: Vec<Arc<Tenant>>,
    },
    /// Only the tenants that changed (upserted by id). An empty list still says "I am alive
    /// and nothing else changed as of `generated_at`".
    Changed {
        generated_at: DateTime<Utc>,
        tenants: Vec<Arc<Tenant>>,
    },
    /// Active and recent restores, whole list.
    Restores {
        generated_at: DateTime<Utc>,
        restores: Vec<Restore>,
    },
    /// DNS swaps, active and recent, whole list.
    DnsSwaps {
        generated_at: DateTime<Utc>,
        swaps: Vec<DnsSwap>,
    },
    /// Open restore requests (support tickets), whole list.
    Requests {
        generated_at: DateTime<Utc>,
        requests: Vec<RestoreRequest>,
    },
    /// The regions and their status (a contract addition), whole list; or why this source
    /// cannot tell.
    Regions(crate::domain::region::Regions),
    /// The parts of the source never read so far (whole list, sent when it changes and
    /// before the fleet they are missing from): their tenants are unknown, not absent.
    Unread(Vec<Unread>),
    /// The connection changed state (connecting, live, failing and retrying).
    Connection(Connection),
    /// The one answer to a command, with its id.
    Answer {
        id: CommandId,
        outcome: Result<Reply, CommandError>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    Connecting,
    Live,
    /// The last attempt failed; the source keeps retrying and the last data stays on screen.
    Failing {
        error: String,
        /// The part of the source that fails, when only part of it does (the kube source's
        /// clusters), so the status bar can name it.
        scope: Option<String>,
        /// When the source tries again, when it says.
        retry_in: Option<std::time::Duration>,
    },
}

impl Connection {
    pub fn label(&self) -> String {
        match self {
            Connection::Connecting => "connecting".to_string(),
            Connection::Live => "live".to_string(),
            Connection::Failing { scope: None, .. } => "failing".to_string(),
            Connection::Failing {
                scope: Some(scope), ..
            } => format!("failing: {scope}"),
        }
    }

    /// What failed, and when it is tried again: "503 unavailable; retrying in 4 s".
    pub fn failure(&self) -> Option<String> {
        match self {
            Connection::Failing {
                error,
                retry_in: Some(wait),
                ..
            } => Some(format!("{error}; retrying in {}", http::seconds(*wait))),
            Connection::Failing { error, .. } => Some(error.clone()),
            Connection::Connecting | Connection::Live => None,
        }
    }
}

/// A part of a source that has never been read (a cluster that failed before it listed,
/// the control plane before its first answer), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    /// What it is called on screen and in `status`: a cluster's context, "the control plane".
    pub part: String,
    pub why: String,
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} never read ({})", self.part, self.why)
    }
}

/// Tells one command's answer from another's; minted by the app, one per command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub u64);

/// Something the app asks of a source. The source answers it exactly once, with its id
/// (`SourceEvent::Answer`). (Writes will carry their idempotency key in their op.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCommand {
    pub id: CommandId,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Refresh now instead of at the next interval: the whole fleet comes first (as
    /// `SourceEvent::Fleet`), then the answer.
    Refresh,
    /// The contract's writes: each carries the idempotency key minted when the operator
    /// confirmed it, so a retry or a re-send after a crash does the work once.
    CreateRestore {
        tenant: TenantId,
        request: CreateRestore,
        key: IdempotencyKey,
    },
    ConfirmRestore {
        restore: RestoreId,
        notes: String,
        key: IdempotencyKey,
    },
    CancelRestore {
        restore: RestoreId,
        key: IdempotencyKey,
    },
    /// A contract addition: tears down the new spoke of a restore nobody was pointed at.
    DiscardRestore {
        restore: RestoreId,
        reason: String,
        key: IdempotencyKey,
    },
    /// A contract addition: how a drill went, recorded once.
    RecordDrill {
        restore: RestoreId,
        findings: DrillFindings,
        key: IdempotencyKey,
    },
    CreateDnsSwap {
        tenant: TenantId,
        restore: RestoreId,
        key: IdempotencyKey,
    },
    RollbackDnsSwap {
        swap: DnsSwapId,
        key: IdempotencyKey,
    },
    AcknowledgeRequest {
        ticket: String,
        key: IdempotencyKey,
    },
    /// On-demand reads. One page of a tenant's restore points, newest first; `cursor` is the
    /// previous page's `next_cursor` (none for the first page).
    RestorePoints {
        tenant: TenantId,
        cursor: Option<String>,
    },
    /// One restore as it is now (`GET /restores/{id}`): a drill follows its own closely,
    /// as its time limit is judged on what was read.
    Restore {
        restore: RestoreId,
    },
    /// A restore's events after sequence number `after` (0 for all of them).
    RestoreEvents {
        restore: RestoreId,
        after: u64,
    },
    /// A contract addition: one page of a tenant's past drills, newest first.
    Drills {
        tenant: TenantId,
        cursor: Option<String>,
    },
    /// A contract addition: one page of a failover batch's restores (`GET
    /// /restores?batch=`), whoever launched them.
    BatchRestores {
        batch: String,
        cursor: Option<String>,
    },
}

impl Op {
    /// What the flash line calls it ("refresh failed: …").
    pub fn name(&self) -> &'static str {
        match self {
            Op::Refresh => "refresh",
            Op::CreateRestore { .. } => "restore",
            Op::ConfirmRestore { .. } => "confirm",
            Op::CancelRestore { .. } => "cancel",
            Op::DiscardRestore { .. } => "discard",
            Op::RecordDrill { .. } => "drill result",
            Op::CreateDnsSwap { .. } => "DNS swap",
            Op::RollbackDnsSwap { .. } => "rollback",
            Op::AcknowledgeRequest { .. } => "acknowledge",
            Op::RestorePoints { .. } => "restore points",
            Op::RestoreEvents { .. } => "restore events",
            Op::Restore { .. } => "restore read",
            Op::Drills { .. } => "drills",
            Op::BatchRestores { .. } => "batch restores",
        }
    }

    /// The write's idempotency key, to set; reads have none.
    pub fn key_mut(&mut self) -> Option<&mut IdempotencyKey> {
        match self {
            Op::Refresh
            | Op::RestorePoints { .. }
            | Op::Restore { .. }
            | Op::RestoreEvents { .. }
            | Op::Drills { .. }
            | Op::BatchRestores { .. } => None,
            Op::CreateRestore { key, .. }
            | Op::ConfirmRestore { key, .. }
            | Op::CancelRestore { key, .. }
            | Op::DiscardRestore { key, .. }
            | Op::RecordDrill { key, .. }
            | Op::CreateDnsSwap { key, .. }
            | Op::RollbackDnsSwap { key, .. }
            | Op::AcknowledgeRequest { key, .. } => Some(key),
        }
    }

    /// The write's idempotency key; reads have none.
    pub fn key(&self) -> Option<&IdempotencyKey> {
        match self {
            Op::Refresh
            | Op::RestorePoints { .. }
            | Op::Restore { .. }
            | Op::RestoreEvents { .. }
            | Op::Drills { .. }
            | Op::BatchRestores { .. } => None,
            Op::CreateRestore { key, .. }
            | Op::ConfirmRestore { key, .. }
            | Op::CancelRestore { key, .. }
            | Op::DiscardRestore { key, .. }
            | Op::RecordDrill { key, .. }
            | Op::CreateDnsSwap { key, .. }
            | Op::RollbackDnsSwap { key, .. }
            | Op::AcknowledgeRequest { key, .. } => Some(key),
        }
    }
}

/// What a command gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The whole fleet was sent again, just before this answer.
    Refreshed,
    /// The restore as the write left it (created, confirmed or cancelled).
    Restore(Box<Restore>),
    /// The swap as the write left it (created or rolled back).
    DnsSwap(Box<DnsSwap>),
    /// The request as acknowledged.
    Request(Box<RestoreRequest>),
    /// One page of restore points.
    RestorePoints(Page<RestorePoint>),
    /// A restore's events after the sequence number asked for, oldest first.
    RestoreEvents(Vec<RestoreEvent>),
    /// A drill's result as recorded.
    Drill(Box<DrillRecord>),
    /// One page of past drills.
    Drills(Page<DrillRecord>),
    /// One page of restores.
    Restores(Page<Restore>),
}

pub use crate::contract::Page;

/// The code of a write that was not sent because the journal could not record it first.
pub const UNJOURNALED: &str = "not_journaled";

impl Reply {
    /// The id of what a write created or changed, for the journal.
    pub fn resource_id(&self) -> Option<String> {
        match self {
            Reply::Restore(restore) => Some(restore.id.to_string()),
            Reply::DnsSwap(swap) => Some(swap.id.to_string()),
            Reply::Request(request) => Some(request.ticket.clone()),
            Reply::Drill(record) => Some(record.drill.restore_id.to_string()),
            Reply::Refreshed
            | Reply::RestorePoints(_)
            | Reply::RestoreEvents(_)
            | Reply::Drills(_)
            | Reply::Restores(_) => None,
        }
    }
}

impl CommandError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_string(),
            status: Some(status),
            message: message.into(),
        }
    }
}

/// Why a command did not do what was asked: the contract's error code, the HTTP status when
/// there was one, and the message in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    pub code: String,
    pub status: Option<u16>,
    pub message: String,
}

/// How the source names itself in the status bar ("demo", "seed 42 · 60 tenants · ×10").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub kind: &'static str,
    pub detail: String,
    /// Why this source cannot act at all (the kube source only reads), said whenever an
    /// action key is pressed; `None` for a source that takes writes.
    pub cannot_act: Option<&'static str>,
}

/// Why a source of `kind` cannot act at all, known before it is built (its `SourceInfo`
/// says the same once it is).
pub fn cannot_act(kind: crate::config::SourceKind) -> Option<&'static str> {
    match kind {
        crate::config::SourceKind::Kube => Some(kube::READ_ONLY),
        crate::config::SourceKind::Http | crate::config::SourceKind::Demo => None,
    }
}

/// Events waiting to be read, merged where it changes nothing on screen: adjacent changes
/// become one (each tenant as it was last sent, at the last `generated_at`). A source that
/// outpaces the screen then costs one upsert per read instead of a queue that grows without
/// bound; order is kept, so an answer still comes after the data it reflects.
pub fn coalesce(events: Vec<SourceEvent>) -> Vec<SourceEvent> {
    let mut out: Vec<SourceEvent> = Vec::with_capacity(events.len());
    // Where each tenant sits in the last event of `out`, while that event is a change.
    let mut at: std::collections::HashMap<crate::domain::tenant::TenantId, usize> =
        std::collections::HashMap::new();
    for event in events {
        match (out.last_mut(), event) {
            (
                Some(SourceEvent::Changed {
                    generated_at,
                    tenants,
                }),
                SourceEvent::Changed {
                    generated_at: later,
                    tenants: newer,
                },
            ) => {
                *generated_at = later;
                for tenant in newer {
                    match at.get(&tenant.id) {
                        Some(&i) => tenants[i] = tenant,
                        None => {
                            at.insert(tenant.id.clone(), tenants.len());
                            tenants.push(tenant);
                        }
                    }
                }
            }
            (_, event) => {
                at.clear();
                if let SourceEvent::Changed { tenants, .. } = &event {
                    at.extend(tenants.iter().enumerate().map(|(i, t)| (t.id.clone(), i)));
                }
                out.push(event);
            }
        }
    }
    out
}

pub type SourceTask = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A source running on the runtime, with the app's ends of its channels.
pub struct Started {
    pub events: UnboundedReceiver<SourceEvent>,
    pub commands: UnboundedSender<SourceCommand>,
    pub task: tokio::task::JoinHandle<()>,
}

/// Spawns `source` on the runtime and hands back the ends the app talks to it through.
pub fn start(source: Box<dyn Source>) -> Started {
    let (events_tx, events) = tokio::sync::mpsc::unbounded_channel();
    let (commands, commands_rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(source.run(events_tx, commands_rx));
    Started {
        events,
        commands,
        task,
    }
}

pub trait Source: Send + 'static {
    fn info(&self) -> SourceInfo;

    /// The source's work, to be spawned: it sends events until `events` is closed.
    fn run(
        self: Box<Self>,
        events: UnboundedSender<SourceEvent>,
        commands: UnboundedReceiver<SourceCommand>,
    ) -> SourceTask;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn tenant(id: &str, slug: &str) -> Arc<Tenant> {
        let (fleet, _) =
            demo::fleet_at(42, 1, Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap());
        let mut t = (*fleet[0]).clone();
        t.id = crate::domain::tenant::TenantId(id.into());
        t.slug = slug.into();
        Arc::new(t)
    }

    fn changed(second: u32, tenants: Vec<Arc<Tenant>>) -> SourceEvent {
        SourceEvent::Changed {
            generated_at: Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, second).unwrap(),
            tenants,
        }
    }

    #[test]
    fn adjacent_changes_merge_each_tenant_as_last_sent_and_order_is_kept() {
        let answer = SourceEvent::Answer {
            id: CommandId(1),
            outcome: Ok(Reply::Refreshed),
        };
        let merged = coalesce(vec![
            changed(1, vec![tenant("a", "a1"), tenant("b", "b1")]),
            changed(2, vec![tenant("a", "a2")]),
            changed(3, vec![]),
            answer.clone(),
            changed(4, vec![tenant("b", "b2")]),
        ]);
        assert_eq!(merged.len(), 3);
        let SourceEvent::Changed {
            generated_at,
            tenants,
        } = &merged[0]
        else {
            panic!("a change first");
        };
        assert_eq!(generated_at.format("%S").to_string(), "03");
        let slugs: Vec<&str> = tenants.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, ["a2", "b1"]);
        assert!(matches!(merged[1], SourceEvent::Answer { .. }));
        let SourceEvent::Changed { tenants, .. } = &merged[2] else {
            panic!("the change after the answer stays after it");
        };
        assert_eq!(tenants[0].slug, "b2");
    }
}
