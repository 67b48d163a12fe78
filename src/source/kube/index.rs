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
    /// A relist in progress, per watch: the objects listed so far, swapped in when it ends.
    relisting: HashMap<Watch, Vec<Facts>>,
    /// The watches that have not listed once yet.
    unsynced: HashSet<Watch>,
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

/// One watch: a kind, in one namespace or (`None`) in all of them.
pub type Watch = (Kind, Option<String>);

impl ClusterIndex {
    /// An index fed by one cluster-wide watch per kind in `watched`.
    pub fn new(watched: &[Kind]) -> Self {
        let watches: Vec<Watch> = watched.iter().map(|k| (*k, None)).collect();
        Self::with_watches(&watches)
    }

    /// An index fed by `watches`; it is synced once each has listed.
    pub fn with_watches(watches: &[Watch]) -> Self {
        ClusterIndex {
            unsynced: watches.iter().cloned().collect(),
            ..ClusterIndex::default()
        }
    }

    /// Every watch has listed once.
    pub fn synced(&self) -> bool {
        self.unsynced.is_empty()
    }

    pub fn has_changes(&self) -> bool {
        !self.dirty.is_empty() || self.removed
    }

    /// A change from a cluster-wide watch of `kind`.
    pub fn apply(&mut self, kind: Kind, change: Change) {
        self.apply_from((kind, None), change);
    }

    pub fn apply_from(&mut self, watch: Watch, change: Change) {
        match change {
            Change::Init => {
                self.relisting.insert(watch, Vec::new());
            }
            Change::InitApply(facts) => match self.relisting.get_mut(&watch) {
                Some(listed) => listed.push(facts),
                None => self.upsert(facts),
            },
            Change::InitDone => {
                let listed = self.relisting.remove(&watch).unwrap_or_default();
                self.unsynced.remove(&watch);
                self.replace_kind(watch, listed);
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

    /// A finished (re)list is the whole truth for its kind in its scope: what it did not
    /// list is gone.
    fn replace_kind(&mut self, (kind, scope): Watch, listed: Vec<Facts>) {
        if kind == Kind::Namespaces {
            self.namespaces_moved = true;
        }
        let mut before: Vec<String> = Vec::new();
        let in_scope = |ns: &String| scope.as_ref().is_none_or(|s| s == ns);
        for (ns, objects) in self.namespaces.iter_mut().filter(|(ns, _)| in_scope(ns)) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::kube::objects::{CopyFacts, SnapFacts};

    fn snap(ns: &str, name: &str) -> Facts {
        Facts::Snap {
            namespace: ns.to_string(),
            facts: SnapFacts {
                name: name.to_string(),
                run: None,
                created: None,
                has_status: true,
                state: super::super::objects::HalfState::Succeeded,
                restore_bytes: None,
                copy: CopyFacts::default(),
            },
        }
    }

    fn snaps(index: &ClusterIndex, ns: &str) -> Vec<String> {
        index
            .namespaces
            .get(ns)
            .map_or(Vec::new(), |o| o.snaps.keys().cloned().collect())
    }

    #[test]
    fn a_relist_in_one_namespace_leaves_the_others_alone_and_drops_what_went() {
        let a = (Kind::Snapshots, Some("a".to_string()));
        let b = (Kind::Snapshots, Some("b".to_string()));
        let mut index = ClusterIndex::with_watches(&[a.clone(), b.clone()]);
        for (watch, ns) in [(&a, "a"), (&b, "b")] {
            index.apply_from(watch.clone(), Change::Init);
            index.apply_from(watch.clone(), Change::InitApply(snap(ns, "s1")));
            index.apply_from(watch.clone(), Change::InitApply(snap(ns, "s2")));
            assert!(!index.synced());
            index.apply_from(watch.clone(), Change::InitDone);
        }
        assert!(index.synced());
        // `a` relists after a 410 and s1 has gone meanwhile.
        index.apply_from(a.clone(), Change::Init);
        index.apply_from(a.clone(), Change::InitApply(snap("a", "s2")));
        assert_eq!(
            snaps(&index, "a"),
            ["s1", "s2"],
            "kept until the relist ends"
        );
        index.apply_from(a, Change::InitDone);
        assert_eq!(snaps(&index, "a"), ["s2"]);
        assert_eq!(snaps(&index, "b"), ["s1", "s2"]);
    }

    #[test]
    fn a_cluster_wide_relist_replaces_every_namespace() {
        let mut index = ClusterIndex::new(&[Kind::Snapshots]);
        index.apply(Kind::Snapshots, Change::Init);
        index.apply(Kind::Snapshots, Change::InitApply(snap("a", "s1")));
        index.apply(Kind::Snapshots, Change::InitApply(snap("b", "s1")));
        index.apply(Kind::Snapshots, Change::InitDone);
        index.apply(Kind::Snapshots, Change::Init);
        index.apply(Kind::Snapshots, Change::InitApply(snap("b", "s1")));
        index.apply(Kind::Snapshots, Change::InitDone);
        assert!(snaps(&index, "a").is_empty());
        assert_eq!(snaps(&index, "b"), ["s1"]);
    }
}
