//! The one headless reader of a source, for every command: commands answered by their id
//! (many drills wait at once), and the lists the source pushes as last sent — the fleet, its
//! unread parts, restores, DNS swaps, open tickets — each waiter watching what it needs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::{oneshot, watch};

use crate::domain::dns::DnsSwap;
use crate::domain::ids::RestoreId;
use crate::domain::request::RestoreRequest;
use crate::domain::restore::Restore;
use crate::domain::restore_point::{RestorePoint, point_of};
use crate::domain::tenant::Tenant;
use crate::domain::verify::request::POINTS_LOOKED_THROUGH;
use crate::source::{
    self, CommandError, CommandId, Connection, Op, Reply, Source, SourceCommand, SourceEvent,
    Unread,
};

/// Pages of a batch's restores read at most, per walk: bounded even against a server that
/// pages its whole restores list.
pub const MOST_BATCH_PAGES: usize = 50;

type Answers = Arc<Mutex<HashMap<CommandId, oneshot::Sender<Result<Reply, CommandError>>>>>;

/// What the source has said so far.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub tenants: Vec<Arc<Tenant>>,
    pub restores: Vec<Restore>,
    /// The source's clock as of its last report, and when this machine received it.
    pub at: Option<DateTime<Utc>>,
    pub received: Option<std::time::Instant>,
    /// The source's clock when the restores list was last received: a restore's time limit
    /// is judged at the instant it was seen, not at the fleet's later reports.
    pub restores_at: Option<DateTime<Utc>>,
    /// Why the source could not be read last time, in words.
    pub failing: Option<String>,
    /// Both the fleet and the restores have come at least once.
    pub complete: bool,
    /// The parts of the source never read (a cluster that failed before it listed).
    pub unread: Vec<Unread>,
    /// `None` until they come (a source without the list never sends them).
    pub swaps: Option<Vec<DnsSwap>>,
    /// `None` until they come; every source that keeps them sends them last.
    pub requests: Option<Vec<RestoreRequest>>,
    /// What the source reports of regions; sources send them before the restores list.
    pub regions: crate::domain::region::Regions,
    /// The source has stopped: nothing more will come.
    pub stopped: bool,
}

impl Seen {
    /// The source's clock now: its last report's plus the time elapsed here since.
    pub fn source_now(&self) -> Option<DateTime<Utc>> {
        let elapsed = self.received.map(|r| r.elapsed()).unwrap_or_default();
        let elapsed = chrono::Duration::from_std(elapsed).unwrap_or_default();
        self.at.map(|at| at + elapsed)
    }

    pub fn restore(&self, id: &RestoreId) -> Option<&Restore> {
        self.restores.iter().find(|r| r.id == *id)
    }
}

pub struct Client {
    commands: UnboundedSender<SourceCommand>,
    next: AtomicU64,
    answers: Answers,
    seen: watch::Receiver<Seen>,
    tasks: [tokio::task::JoinHandle<()>; 2],
}

impl Client {
    pub fn start(source: Box<dyn Source>) -> Client {
        let source::Started {
            events,
            commands,
            task,
        } = source::start(source);
        let answers: Answers = Arc::default();
        let (tell, seen) = watch::channel(Seen::default());
        let pump = tokio::spawn(pump(events, answers.clone(), tell));
        Client {
            commands,
            next: AtomicU64::new(1),
            answers,
            seen,
            tasks: [task, pump],
        }
    }

    /// What the source has said, as of now.
    pub fn seen(&self) -> Seen {
        self.seen.borrow().clone()
    }

    /// The source's clock as of its last report (this machine's before the first), read
    /// without copying the fleet.
    pub fn now(&self) -> DateTime<Utc> {
        self.seen.borrow().at.unwrap_or_else(Utc::now)
    }

    /// The source's clock now, extrapolated from its last report (this machine's before the
    /// first).
    pub fn source_now(&self) -> DateTime<Utc> {
        self.seen.borrow().source_now().unwrap_or_else(Utc::now)
    }

    /// Restore `id` as last reported.
    pub fn restore(&self, id: &RestoreId) -> Option<Restore> {
        self.seen.borrow().restore(id).cloned()
    }

    /// A receiver that wakes when the source says anything new.
    pub fn watch(&self) -> watch::Receiver<Seen> {
        self.seen.clone()
    }

    /// Waits until the fleet and the restores have come, or the source fails first.
    pub async fn first_report(&self, within: Duration) -> Result<Seen, String> {
        let mut seen = self.watch();
        let waited = tokio::time::timeout(within, async {
            loop {
                {
                    let now = seen.borrow_and_update();
                    if now.complete {
                        return Ok(now.clone());
                    }
                    if let Some(why) = &now.failing {
                        return Err(format!("the source could not be read: {why}"));
                    }
                }
                if seen.changed().await.is_err() {
                    return Err("the source stopped before it sent the fleet".to_string());
                }
            }
        })
        .await;
        waited.unwrap_or_else(|_| {
            Err(format!(
                "the source sent no fleet within {}s",
                within.as_secs()
            ))
        })
    }

    /// Waits until the source has sent what a command reads first — the fleet, and with
    /// `lists` its restores, swaps and open tickets (the tickets come last) — or has failed
    /// or stopped first: what it said by then.
    pub async fn first(&self, lists: bool) -> Seen {
        let mut seen = self.watch();
        loop {
            {
                let now = seen.borrow_and_update();
                let read = now.at.is_some() && (!lists || now.requests.is_some());
                if read || now.failing.is_some() || now.stopped {
                    return now.clone();
                }
            }
            if seen.changed().await.is_err() {
                let mut now = self.seen();
                now.stopped = true;
                return now;
            }
        }
    }

    /// The point `restore` was made from, page by page through its tenant's history (as far
    /// as the monitor looks), or why it is not known.
    pub async fn point_of(&self, restore: &Restore) -> Result<RestorePoint, String> {
        let (mut cursor, mut read) = (None, 0);
        loop {
            let op = Op::RestorePoints {
                tenant: restore.tenant_id.clone(),
                cursor: cursor.take(),
            };
            let page = match self.call(op).await {
                Ok(Reply::RestorePoints(page)) => page,
                Ok(_) => return Err("the source answered with something else".into()),
                Err(e) => {
                    return Err(format!(
                        "the tenant's history could not be read: {}",
                        e.message
                    ));
                }
            };
            if let Some(point) = point_of(restore, &page.items) {
                return Ok(point.clone());
            }
            read += page.items.len();
            match page.next_cursor {
                Some(next) if read < POINTS_LOOKED_THROUGH => cursor = Some(next),
                _ => break,
            }
        }
        Err(match &restore.restore_point_id {
            Some(point) => format!("restore point {point} is not in the tenant's history"),
            None => "no restore point before the restore was asked for".to_string(),
        })
    }

    /// Every restore of failover batch `batch`, every page up to `MOST_BATCH_PAGES` (only
    /// the batch's own: a server without the additions ignores `batch=` and lists them all).
    pub async fn list_batch(&self, batch: &str) -> Result<Vec<Restore>, String> {
        let mut restores = Vec::new();
        let mut cursor = None;
        for _ in 0..MOST_BATCH_PAGES {
            let op = Op::BatchRestores {
                batch: batch.to_string(),
                cursor: cursor.take(),
            };
            match self.call(op).await {
                Ok(Reply::Restores(page)) => {
                    let ours = page.items.into_iter();
                    restores.extend(ours.filter(|r| r.batch.as_deref() == Some(batch)));
                    match page.next_cursor {
                        Some(next) => cursor = Some(next),
                        None => break,
                    }
                }
                Ok(_) => return Err("the source answered something else".into()),
                Err(e) => return Err(format!("batch {batch} could not be listed: {}", e.words())),
            }
        }
        Ok(restores)
    }

    /// Sends `op` and waits for its one answer.
    pub async fn call(&self, op: Op) -> Result<Reply, CommandError> {
        let id = CommandId(self.next.fetch_add(1, Ordering::Relaxed));
        let (tx, rx) = oneshot::channel();
        self.answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, tx);
        let stopped = || CommandError::new(0, "not_sent", "the source stopped");
        self.commands
            .send(SourceCommand { id, op })
            .map_err(|_| stopped())?;
        rx.await.unwrap_or_else(|_| Err(stopped()))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Keeps `Seen` up to date and hands each answer to the call that waits for it.
async fn pump(
    mut events: UnboundedReceiver<SourceEvent>,
    answers: Answers,
    tell: watch::Sender<Seen>,
) {
    let (mut fleet, mut restores) = (false, false);
    // Where each tenant is in `Seen::tenants`, so a change is found at once in a large fleet.
    let mut at: HashMap<crate::domain::ids::TenantId, usize> = HashMap::new();
    while let Some(event) = events.recv().await {
        match event {
            SourceEvent::Answer { id, outcome } => {
                let waiting = answers
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
                if let Some(waiting) = waiting {
                    let _ = waiting.send(outcome);
                }
            }
            SourceEvent::Fleet {
                generated_at,
                tenants,
            } => {
                fleet = true;
                at = tenants
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.id.clone(), i))
                    .collect();
                tell.send_modify(|seen| {
                    seen.tenants = tenants;
                    seen.at = Some(generated_at);
                    seen.received = Some(std::time::Instant::now());
                    seen.failing = None;
                    seen.complete = fleet && restores;
                });
            }
            SourceEvent::Changed {
                generated_at,
                tenants,
            } => tell.send_modify(|seen| {
                for tenant in tenants {
                    match at.get(&tenant.id) {
                        Some(&i) => seen.tenants[i] = tenant,
                        None => {
                            at.insert(tenant.id.clone(), seen.tenants.len());
                            seen.tenants.push(tenant);
                        }
                    }
                }
                seen.at = Some(generated_at);
                seen.received = Some(std::time::Instant::now());
                seen.failing = None;
            }),
            // Its instant is when this machine read the list (the contract gives restores no
            // `generated_at`): the source's clock is the fleet's.
            SourceEvent::Restores { restores: list, .. } => {
                restores = true;
                tell.send_modify(|seen| {
                    seen.restores = list;
                    seen.restores_at = seen.source_now();
                    seen.complete = fleet && restores;
                });
            }
            SourceEvent::Connection(Connection::Failing {
                error, scope: None, ..
            }) => tell.send_modify(|seen| seen.failing = Some(error)),
            SourceEvent::Unread(parts) => tell.send_modify(|seen| seen.unread = parts),
            SourceEvent::DnsSwaps { swaps, .. } => {
                tell.send_modify(|seen| seen.swaps = Some(swaps))
            }
            SourceEvent::Requests { requests, .. } => {
                tell.send_modify(|seen| seen.requests = Some(requests))
            }
            SourceEvent::Regions(regions) => tell.send_modify(|seen| seen.regions = regions),
            _ => {}
        }
    }
    tell.send_modify(|seen| seen.stopped = true);
}
