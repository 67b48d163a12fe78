//! The kube source: the clusters themselves, read through kube-rs watchers (namespaces,
//! CronJobs, Jobs, VolumeSnapshots per cluster), for when the control plane is down or its
//! word needs checking, and for self-host customers who have nothing else.
//!
//! One task per cluster reports changes; this loop owns every cluster's index and sends the
//! tenants that changed, at most every `FLUSH_EVERY`. A cluster that cannot be reached keeps
//! its last tenants, marked as last observed when it was last heard (so they turn stale),
//! while the others stay live. It reads only: writes are refused in words.

pub mod assemble;
mod cluster;
pub mod errors;
pub mod index;
pub mod objects;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kube::config::Kubeconfig;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

pub use self::assemble::Mode;
pub use self::cluster::Watching;

use self::assemble::Context;
use self::cluster::Report;
use self::index::ClusterIndex;
use super::{
    CommandError, Connection, Op, Page, Reply, Source, SourceCommand, SourceEvent, SourceInfo,
    SourceTask, Unread,
};
use crate::config::{KubeConfig, SelfHostConfig};
use crate::contract::DEFAULT_LIMIT;
use crate::domain::region::Regions;
use crate::domain::tenant::Tenant;

/// Changes are gathered this long before they are sent: a burst of watch events is one
/// message, and a change still reaches the screen well within two seconds.
const FLUSH_EVERY: Duration = Duration::from_millis(200);

/// What the kube source reads, resolved from the config and the kubeconfig.
pub struct KubeSettings {
    pub kubeconfig: Kubeconfig,
    pub contexts: Vec<String>,
    pub watching: Watching,
    pub mode: Mode,
    pub refresh_interval: Duration,
}

impl KubeSettings {
    /// Reads the kubeconfig as kubectl finds it (`KUBECONFIG`, else `~/.kube/config`) and
    /// picks the contexts: those named, every one, or the current one.
    pub fn from_config(
        kube: &KubeConfig,
        self_host: &SelfHostConfig,
        refresh_interval: Duration,
    ) -> Result<Self, String> {
        let kubeconfig = Kubeconfig::read().map_err(|e| {
            format!(
                "the kube source needs a kubeconfig (KUBECONFIG, or ~/.kube/config as kubectl \
                 reads it): {e}"
            )
        })?;
        let known: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
        let contexts = if kube.all_contexts {
            known.clone()
        } else if kube.contexts.is_empty() {
            let current = kubeconfig.current_context.clone().ok_or_else(|| {
                "the kubeconfig has no current context: pass --context NAME or --all-contexts"
                    .to_string()
            })?;
            vec![current]
        } else {
            kube.contexts.clone()
        };
        if let Some(missing) = contexts.iter().find(|c| !known.contains(c)) {
            return Err(format!(
                "context `{missing}` is not in the kubeconfig (it has: {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
        if contexts.is_empty() {
            return Err("the kubeconfig has no contexts".to_string());
        }
        let mode = if kube.self_host {
            Mode::SelfHost {
                rpo: chrono::Duration::from_std(self_host.rpo)
                    .unwrap_or(chrono::Duration::hours(24)),
                retention_days: self_host.retention_days,
            }
        } else {
            Mode::Platform
        };
        Ok(KubeSettings {
            kubeconfig,
            contexts,
            watching: Watching {
                keys: kube.keys.clone(),
                tenant_key: kube.tenant_selector.clone(),
                self_host: kube.self_host,
                probe_every: refresh_interval.clamp(Duration::from_secs(1), Duration::from_secs(5)),
                namespaces: kube.namespaces.clone(),
            },
            mode,
            refresh_interval,
        })
    }
}

impl KubeSettings {
    /// What assembling a tenant of `cluster` needs, at `now`.
    fn context<'a>(&'a self, cluster: &'a str, now: DateTime<Utc>) -> Context<'a> {
        Context {
            cluster,
            keys: &self.watching.keys,
            tenant_key: &self.watching.tenant_key,
            mode: &self.mode,
            now,
        }
    }
}

pub struct KubeSource {
    settings: KubeSettings,
}

impl KubeSource {
    pub fn new(settings: KubeSettings) -> Self {
        KubeSource { settings }
    }
}

impl Source for KubeSource {
    fn info(&self) -> SourceInfo {
        let contexts = &self.settings.contexts;
        let mut detail = match contexts.len() {
            1 => format!("context {}", contexts[0]),
            n => format!("{n} clusters: {}", contexts.join(", ")),
        };
        if matches!(self.settings.mode, Mode::SelfHost { .. }) {
            detail.push_str(" · self-host");
        }
        SourceInfo {
            kind: "kube",
            detail,
            cannot_act: super::cannot_act(crate::config::SourceKind::Kube),
        }
    }

    fn run(
        self: Box<Self>,
        events: UnboundedSender<SourceEvent>,
        commands: UnboundedReceiver<SourceCommand>,
    ) -> SourceTask {
        Box::pin(serve(self.settings, events, commands))
    }
}

/// One cluster as the loop sees it.
struct Cluster {
    name: String,
    index: ClusterIndex,
    /// Why each kind's watch is failing, if it is.
    errors: [Option<String>; 4],
    /// Why the API server cannot be reached, if it cannot.
    unreachable: Option<String>,
    last_heard: Option<DateTime<Utc>>,
    /// Its tenants have been sent as last observed at `last_heard`.
    marked_stale: bool,
}

impl Cluster {
    fn failing(&self) -> Option<String> {
        self.problems().map(|why| format!("{}: {why}", self.name))
    }

    fn problems(&self) -> Option<String> {
        let mut problems: Vec<&str> = self.unreachable.iter().map(String::as_str).collect();
        if self.unreachable.is_none() {
            problems.extend(self.errors.iter().flatten().map(String::as_str));
        }
        (!problems.is_empty()).then(|| problems.join("; "))
    }

    /// Failing before it ever listed: none of its tenants are known.
    fn unread(&self) -> Option<Unread> {
        if self.index.synced() {
            return None;
        }
        self.problems().map(|why| Unread {
            part: self.name.clone(),
            why,
        })
    }

    /// Listed once, or known to be failing: the first fleet need not wait for it.
    fn settled(&self) -> bool {
        self.index.synced() || self.failing().is_some()
    }
}

struct Loop {
    clusters: Vec<Cluster>,
    settings: Arc<KubeSettings>,
    events: UnboundedSender<SourceEvent>,
    first_sent: bool,
    connection: Option<Connection>,
    /// The clusters last said to be never read.
    unread: Vec<Unread>,
}

/// Clusters say where they run, not whether a region is up or what its copies hold.
pub const NO_REGIONS: &str =
    "the kube source reads no regions: their status and restores across them need the http source";

async fn serve(
    settings: KubeSettings,
    events: UnboundedSender<SourceEvent>,
    mut commands: UnboundedReceiver<SourceCommand>,
) {
    let _ = events.send(SourceEvent::Connection(Connection::Connecting));
    let _ = events.send(SourceEvent::Regions(Regions::NotOffered(
        NO_REGIONS.to_string(),
    )));
    let settings = Arc::new(settings);
    let kubeconfig = Arc::new(settings.kubeconfig.clone());
    let watching = Arc::new(settings.watching.clone());
    let (reports_tx, mut reports) = tokio::sync::mpsc::channel(4096);
    let mut tasks = Vec::new();
    let watches = watching.watches();
    let clusters = settings
        .contexts
        .iter()
        .enumerate()
        .map(|(i, name)| {
            tasks.push(tokio::spawn(cluster::run(
                name.clone(),
                kubeconfig.clone(),
                watching.clone(),
                reports_tx.clone(),
                i,
            )));
            Cluster {
                name: name.clone(),
                index: ClusterIndex::with_watches(&watches),
                errors: Default::default(),
                unreachable: None,
                last_heard: None,
                marked_stale: false,
            }
        })
        .collect();
    drop(reports_tx);
    let mut state = Loop {
        clusters,
        settings: settings.clone(),
        events,
        first_sent: false,
        connection: None,
        unread: Vec::new(),
    };
    let mut flush = tokio::time::interval(FLUSH_EVERY);
    let mut heartbeat = tokio::time::interval(settings.refresh_interval);
    let mut commands_open = true;
    loop {
        tokio::select! {
            report = reports.recv() => match report {
                Some((i, report)) => state.report(i, report),
                None => break,
            },
            // `status` drops its command sender: reading goes on without commands.
            command = commands.recv(), if commands_open => match command {
                Some(command) => state.command(command),
                None => commands_open = false,
            },
            _ = flush.tick() => {
                if !state.send_changes() {
                    break;
                }
            }
            _ = heartbeat.tick() => state.heartbeat(),
        }
    }
    for task in tasks {
        task.abort();
    }
}

impl Loop {
    fn report(&mut self, i: usize, report: Report) {
        let Some(cluster) = self.clusters.get_mut(i) else {
            return;
        };
        let now = Utc::now();
        match report {
            Report::Change {
                kind,
                scope,
                change,
            } => {
                cluster.errors[kind.index()] = None;
                cluster.unreachable = None;
                cluster.last_heard = Some(now);
                cluster.index.apply_from((kind, scope), change);
            }
            Report::Failed {
                kind: Some(kind),
                error,
            } => cluster.errors[kind.index()] = Some(error),
            Report::Failed { kind: None, error } => cluster.unreachable = Some(error),
            Report::Heard => {
                cluster.unreachable = None;
                cluster.last_heard = Some(now);
            }
        }
    }

    /// Sends what changed since the last call; `false` once the app has gone. The first
    /// fleet waits until every cluster is listed whole or known to fail: a fleet sent
    /// half-read would show a big cluster as empty (and `status` would judge it fine).
    fn send_changes(&mut self) -> bool {
        let now = Utc::now();
        let mut changed: Vec<Arc<Tenant>> = Vec::new();
        let mut removed = false;
        for i in 0..self.clusters.len() {
            let failing = self.clusters[i].failing().is_some();
            let cluster = &mut self.clusters[i];
            if failing != cluster.marked_stale {
                cluster.marked_stale = failing;
                let at = failing.then(|| cluster.last_heard.unwrap_or(now));
                changed.extend(cluster.index.observed(at));
            }
            if !cluster.index.synced() || !cluster.index.has_changes() {
                continue;
            }
            let settings = Arc::clone(&self.settings);
            let cx = settings.context(&cluster.name, now);
            changed.extend(cluster.index.flush(&cx));
            removed |= cluster.index.take_removed();
        }
        let ready = self.first_sent || self.clusters.iter().all(Cluster::settled);
        if ready && !self.send_unread() {
            return false;
        }
        if ready {
            let whole = !self.first_sent || removed;
            self.first_sent = true;
            let event = if whole {
                SourceEvent::Fleet {
                    generated_at: now,
                    tenants: self.all_tenants(),
                }
            } else if changed.is_empty() {
                return self.send_connection();
            } else {
                SourceEvent::Changed {
                    generated_at: now,
                    tenants: changed,
                }
            };
            if self.events.send(event).is_err() {
                return false;
            }
        }
        self.send_connection()
    }

    /// Says which clusters were never read, when that changed: before the fleet they are
    /// missing from, so `status` never takes a missing cluster for an empty one.
    fn send_unread(&mut self) -> bool {
        let unread: Vec<Unread> = self.clusters.iter().filter_map(Cluster::unread).collect();
        if unread == self.unread {
            return true;
        }
        self.unread = unread.clone();
        self.events.send(SourceEvent::Unread(unread)).is_ok()
    }

    fn all_tenants(&self) -> Vec<Arc<Tenant>> {
        self.clusters
            .iter()
            .flat_map(|c| c.index.tenants().cloned())
            .collect()
    }

    /// Live, or failing with every failing cluster named; sent when it changes.
    fn send_connection(&mut self) -> bool {
        let failing: Vec<String> = self.clusters.iter().filter_map(Cluster::failing).collect();
        let connection = if !failing.is_empty() {
            let names = self.clusters.iter().filter(|c| c.failing().is_some());
            let names: Vec<&str> = names.map(|c| c.name.as_str()).collect();
            Connection::Failing {
                error: failing.join(" · "),
                scope: Some(names.join(", ")),
                retry_in: None,
            }
        } else if self.first_sent {
            Connection::Live
        } else {
            Connection::Connecting
        };
        if self.connection.as_ref() == Some(&connection) {
            return true;
        }
        self.connection = Some(connection.clone());
        self.events
            .send(SourceEvent::Connection(connection))
            .is_ok()
    }

    /// "Alive, nothing else changed": keeps the live clusters' tenants fresh without
    /// sending them again. Silent when no cluster is live, so everything turns stale.
    fn heartbeat(&mut self) {
        let live = self
            .clusters
            .iter()
            .any(|c| c.failing().is_none() && c.last_heard.is_some());
        if self.first_sent && live {
            let _ = self.events.send(SourceEvent::Changed {
                generated_at: Utc::now(),
                tenants: Vec::new(),
            });
        }
    }

    fn command(&mut self, command: SourceCommand) {
        let outcome = match &command.op {
            Op::Refresh => {
                let _ = self.events.send(SourceEvent::Fleet {
                    generated_at: Utc::now(),
                    tenants: self.all_tenants(),
                });
                Ok(Reply::Refreshed)
            }
            Op::RestorePoints { tenant, cursor } => self.points(tenant, cursor.as_deref()),
            Op::Restore { .. } | Op::RestoreEvents { .. } | Op::BatchRestores { .. } => {
                Err(not_here(
                    "a restore's events come from the control plane; the clusters do not keep them",
                ))
            }
            _ => Err(not_here(READ_ONLY)),
        };
        let _ = self.events.send(SourceEvent::Answer {
            id: command.id,
            outcome,
        });
    }

    fn points(
        &self,
        tenant: &crate::domain::tenant::TenantId,
        cursor: Option<&str>,
    ) -> Result<Reply, CommandError> {
        let found = self.clusters.iter().enumerate().find_map(|(i, c)| {
            c.index
                .namespace_of_tenant(tenant)
                .map(|ns| (i, ns.to_string()))
        });
        let Some((i, ns)) = found else {
            return Err(CommandError::new(
                404,
                "not_found",
                format!("no tenant {tenant} in the clusters"),
            ));
        };
        let offset = match cursor {
            None => 0,
            Some(text) => text
                .strip_prefix("c_")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| {
                    CommandError::new(
                        400,
                        "invalid_cursor",
                        "the cursor is not one this source gave",
                    )
                })?,
        };
        let cx = self.settings.context(&self.clusters[i].name, Utc::now());
        let points = self.clusters[i].index.points(&ns, &cx);
        let end = (offset + DEFAULT_LIMIT).min(points.len());
        let items = points
            .get(offset.min(end)..end)
            .unwrap_or_default()
            .to_vec();
        let next_cursor = (end < points.len()).then(|| format!("c_{end}"));
        Ok(Reply::RestorePoints(Page { items, next_cursor }))
    }
}

/// What the action keys and a refused write say in kube mode.
pub const READ_ONLY: &str =
    "the kube source only reads the clusters; act through the control plane (--source http)";

fn not_here(message: &str) -> CommandError {
    CommandError {
        code: "read_only".to_string(),
        status: None,
        message: message.to_string(),
    }
}
