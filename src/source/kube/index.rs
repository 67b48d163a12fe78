//! One cluster's objects, kept as facts per namespace, and the tenants made from them. A
//! change to one object re-assembles that object's namespace only (and, for a namespace, the
//! spokes that name it as their hub): work in proportion to the change, not to the fleet.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::assemble::{self, Context, NsObjects, tenant_id};
use super::errors::Kind;
use super::objects::Facts;
use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::{Tenant, TenantId, TenantKind};

/// A watcher's event, with the object already reduced to its facts.
#[derive(Debug, Clone)]
pub enum Change {
    Init,
    InitApply(Facts),
    InitDone,
    Apply(Facts),
    Delete(Facts),
}

#[derive(Debug, Default)]
pub struct ClusterIndex {
    namespaces: HashMap<String, NsObjects>,
    /// A relist in progress, per kind: the objects listed so far, swapped in when it ends.
    relisting: [Option<Vec<Facts>>; 4],
    synced: [bool; 4],
    dirty: HashSet<String>,
    /// The tenants last sent, by namespace.
    tenants: HashMap<String, Arc<Tenant>>,
    /// Whether a namespace's own labels changed since the last assembly (hub links may move).
    namespaces_moved: bool,
    removed: bool,
    /// When the cluster was last heard, while it is failing; `None` while it is live.
    observed_at: Option<DateTime<Utc>>,
    /// Hub namespaces by slug, rebuilt only when a namespace changed.
    hubs: HashMap<String, String>,
}

fn namespace_of(facts: &Facts) -> &str {
    match facts {
        Facts::Namespace(n) => &n.name,
        Facts::Cron { namespace, .. }
        | Facts::Dump { namespace, .. }
        | Facts::Snap { namespace, .. } => namespace,
    }
}

fn kind_of(facts: &Facts) -> Kind {
    match facts {
        Facts::Namespace(_) => Kind::Namespaces,
        Facts::Cron { .. } => Kind::CronJobs,
        Facts::Dump { .. } => Kind::Jobs,
        Facts::Snap { .. } => Kind::Snapshots,
    }
}

impl ClusterIndex {
    /// `watched` are the kinds this cluster's watchers cover; the others count as synced.
    pub fn new(watched: &[Kind]) -> Self {
        let mut index = ClusterIndex::default();
        for kind in Kind::ALL {
            index.synced[kind.index()] = !watched.contains(&kind);
        }
        index
    }

    /// Every watched kind has been listed once.
    pub fn synced(&self) -> bool {
        self.synced.iter().all(|s| *s)
    }

    pub fn has_changes(&self) -> bool {
        !self.dirty.is_empty() || self.removed
    }

    pub fn apply(&mut self, kind: Kind, change: Change) {
        match change {
            Change::Init => self.relisting[kind.index()] = Some(Vec::new()),
            Change::InitApply(facts) => match &mut self.relisting[kind.index()] {
                Some(listed) => listed.push(facts),
                None => self.upsert(facts),
            },
            Change::InitDone => {
                let listed = self.relisting[kind.index()].take().unwrap_or_default();
                self.replace_kind(kind, listed);
                self.synced[kind.index()] = true;
            }
            Change::Apply(facts) => self.upsert(facts),
            Change::Delete(facts) => self.remove(&facts),
        }
    }

    fn objects(&mut self, ns: &str) -> &mut NsObjects {
        self.dirty.insert(ns.to_string());
        self.namespaces.entry(ns.to_string()).or_default()
    }

    fn upsert(&mut self, facts: Facts) {
        let ns = namespace_of(&facts).to_string();
        if matches!(facts, Facts::Namespace(_)) {
            self.namespaces_moved = true;
        }
        let objects = self.objects(&ns);
        match facts {
            Facts::Namespace(n) => objects.namespace = Some(n),
            Facts::Cron { facts, .. } => {
                objects.crons.insert(facts.name.clone(), facts);
            }
            Facts::Dump { facts, .. } => {
                objects.dumps.insert(facts.name.clone(), facts);
            }
            Facts::Snap { facts, .. } => {
                objects.snaps.insert(facts.name.clone(), facts);
            }
        }
    }

    fn remove(&mut self, facts: &Facts) {
        let ns = namespace_of(facts).to_string();
        if matches!(facts, Facts::Namespace(_)) {
            self.namespaces_moved = true;
        }
        let objects = self.objects(&ns);
        match facts {
            Facts::Namespace(_) => objects.namespace = None,
            Facts::Cron { facts, .. } => {
                objects.crons.remove(&facts.name);
            }
            Facts::Dump { facts, .. } => {
                objects.dumps.remove(&facts.name);
            }
            Facts::Snap { facts, .. } => {
                objects.snaps.remove(&facts.name);
            }
        }
    }

    /// A finished (re)list is the whole truth for its kind: what it did not list is gone.
    fn replace_kind(&mut self, kind: Kind, listed: Vec<Facts>) {
        if kind == Kind::Namespaces {
            self.namespaces_moved = true;
        }
        let mut before: Vec<String> = Vec::new();
        for (ns, objects) in &mut self.namespaces {
            let had = match kind {
                Kind::Namespaces => objects.namespace.take().is_some(),
                Kind::CronJobs => !std::mem::take(&mut objects.crons).is_empty(),
                Kind::Jobs => !std::mem::take(&mut objects.dumps).is_empty(),
                Kind::Snapshots => !std::mem::take(&mut objects.snaps).is_empty(),
            };
            if had {
                before.push(ns.clone());
            }
        }
        self.dirty.extend(before);
        for facts in listed {
            debug_assert_eq!(kind_of(&facts), kind);
            self.upsert(facts);
        }
    }

    /// Re-assembles the namespaces that changed; gives the tenants that differ from what was
    /// last sent. `removed()` then says whether any tenant went away.
    pub fn flush(&mut self, cx: &Context) -> Vec<Arc<Tenant>> {
        if self.namespaces_moved {
            self.namespaces_moved = false;
            self.hubs = self.hubs(cx);
            // Spokes follow their hub: a hub that appears, goes or is renamed changes them.
            let spokes = self
                .tenants
                .iter()
                .filter(|(_, t)| t.kind == TenantKind::Spoke);
            let spokes: Vec<String> = spokes.map(|(ns, _)| ns.clone()).collect();
            self.dirty.extend(spokes);
            self.dirty
                .extend(self.namespaces.iter().filter_map(|(ns, o)| {
                    let spoke = o.namespace.as_ref()?.labels.get(&cx.keys.kind)? == "spoke";
                    spoke.then(|| ns.clone())
                }));
        }
        let hubs = &self.hubs;
        let hub = |slug: &str| hubs.get(slug).map(|ns| tenant_id(cx.cluster, ns));
        let mut changed = Vec::new();
        for ns in std::mem::take(&mut self.dirty) {
            let made = self
                .namespaces
                .get(&ns)
                .and_then(|objects| assemble::tenant(&ns, objects, cx, &hub));
            match made {
                Some(mut tenant) => {
                    tenant.observed_at = self.observed_at;
                    let same = self.tenants.get(&ns).is_some_and(|t| **t == tenant);
                    if !same {
                        let tenant = Arc::new(tenant);
                        self.tenants.insert(ns.clone(), tenant.clone());
                        changed.push(tenant);
                    }
                }
                None => self.removed |= self.tenants.remove(&ns).is_some(),
            }
            if self.namespaces.get(&ns).is_some_and(NsObjects::is_empty) {
                self.namespaces.remove(&ns);
            }
        }
        changed
    }

    /// Whether a tenant went away since the last call (the fleet must then be sent whole).
    pub fn take_removed(&mut self) -> bool {
        std::mem::take(&mut self.removed)
    }

    /// Hubs by slug: namespaces labelled as hubs.
    fn hubs(&self, cx: &Context) -> HashMap<String, String> {
        self.namespaces
            .iter()
            .filter_map(|(ns, objects)| {
                let labels = &objects.namespace.as_ref()?.labels;
                (labels.get(&cx.keys.kind)? == "hub").then_some(())?;
                Some((assemble::slug(ns, objects, cx)?, ns.clone()))
            })
            .collect()
    }

    pub fn tenants(&self) -> impl Iterator<Item = &Arc<Tenant>> {
        self.tenants.values()
    }

    /// Every tenant again, marked as last observed at `at` (`None`: observed now).
    pub fn observed(&mut self, at: Option<DateTime<Utc>>) -> Vec<Arc<Tenant>> {
        self.observed_at = at;
        self.tenants
            .values_mut()
            .map(|t| {
                if t.observed_at != at {
                    Arc::make_mut(t).observed_at = at;
                }
                t.clone()
            })
            .collect()
    }

    pub fn namespace_of_tenant(&self, id: &TenantId) -> Option<&str> {
        self.tenants
            .iter()
            .find(|(_, t)| t.id == *id)
            .map(|(ns, _)| ns.as_str())
    }

    pub fn points(&self, ns: &str, cx: &Context) -> Vec<RestorePoint> {
        self.namespaces
            .get(ns)
            .map(|objects| assemble::points_of(objects, cx))
            .unwrap_or_default()
    }
}
