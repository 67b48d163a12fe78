//! What depends only on which tenants a fleet holds, not on their health: the id index, the
//! slug order, the hub tree and the widest texts. Built again only when membership changes;
//! at a million tenants that is a second of work, done beside judging them.

use std::sync::Arc;

use crate::domain::natural::natural_key;
use crate::domain::{Tenant, TenantId};

/// Tenant ids to positions. Hashed with foldhash: SipHash over a million ids was a tenth of
/// a load, and foldhash is seeded per process, so ids a control plane picks cannot be made
/// to collide.
pub type IdIndex = std::collections::HashMap<TenantId, usize, foldhash::fast::RandomState>;

/// The longest texts of a few columns, in characters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Widest {
    pub slug: usize,
    pub region: usize,
    /// The widest cluster name, or 0 when the fleet comes from one cluster or none (the
    /// CLUSTER column is shown only when there is a choice).
    pub cluster: usize,
}

#[derive(Debug, Default)]
pub struct Membership {
    pub index: IdIndex,
    /// Position of each tenant in slug order: sorting ties are broken by comparing integers,
    /// not strings.
    pub slug_rank: Vec<u32>,
    /// Hubs (and orphans) each followed by their spokes, in fleet order.
    pub tree: Vec<Vec<usize>>,
    /// The longest slug and region, in characters: the table's columns follow the content.
    pub widest: Widest,
}

impl Membership {
    pub fn of(tenants: &[Arc<Tenant>]) -> Membership {
        // The slug order beside the rest: at a million tenants each half is most of a
        // second, and this runs beside judging, which would otherwise wait for it.
        std::thread::scope(|scope| {
            let slug_rank = scope.spawn(|| slug_ranks(tenants));
            let mut index = IdIndex::with_capacity_and_hasher(tenants.len(), Default::default());
            index.extend(tenants.iter().enumerate().map(|(i, t)| (t.id.clone(), i)));
            let tree = tree(tenants, &index);
            Membership {
                slug_rank: super::judging::joined(slug_rank),
                tree,
                widest: widest(tenants),
                index,
            }
        })
    }
}

fn slug_ranks(tenants: &[Arc<Tenant>]) -> Vec<u32> {
    // Keys computed once: comparing a million names naturally takes seconds, not this.
    // Names whose keys tie (they differ in leading zeros only) fall back to plain order.
    let mut by_slug: Vec<(compact_str::CompactString, u32)> = tenants
        .iter()
        .enumerate()
        .map(|(i, t)| (natural_key(&t.slug), i as u32))
        .collect();
    let slug = |i: u32| &tenants[i as usize].slug;
    by_slug.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| slug(a.1).cmp(slug(b.1))));
    let mut ranks = vec![0; tenants.len()];
    for (rank, (_, i)) in by_slug.into_iter().enumerate() {
        ranks[i as usize] = rank as u32;
    }
    ranks
}

/// Hubs (and spokes whose hub is unknown, or is not a hub) each followed by their spokes.
fn tree(tenants: &[Arc<Tenant>], index: &IdIndex) -> Vec<Vec<usize>> {
    let head_of = heads(tenants, index);
    // Each group allocated once at its size (growing a list per hub was a third of an
    // allocation per tenant at start-up).
    let mut size = vec![0usize; tenants.len()];
    for &head in &head_of {
        size[head] += 1;
    }
    let mut group_of = vec![usize::MAX; tenants.len()];
    let mut groups = Vec::new();
    for (i, &head) in head_of.iter().enumerate() {
        if head == i {
            group_of[i] = groups.len();
            let mut group = Vec::with_capacity(size[i]);
            group.push(i);
            groups.push(group);
        }
    }
    for (i, &head) in head_of.iter().enumerate() {
        if head != i {
            groups[group_of[head]].push(i);
        }
    }
    groups
}

/// The head of each tenant's group: its hub, or itself when it is a hub, its hub is not in
/// the fleet, or its hub is a spoke (a tenant is never left out of the table).
fn heads<'a>(tenants: &'a [Arc<Tenant>], index: &IdIndex) -> Vec<usize> {
    // A hub's spokes mostly come one after another: the hub found last is asked first (a
    // million lookups in a table too big for the cache were a tenth of a load).
    let mut last: Option<(&TenantId, usize)> = None;
    let mut hub = |t: &'a Tenant| {
        let h = t.hub_id.as_ref().filter(|_| !t.is_hub())?;
        match last {
            Some((id, at)) if id == h => Some(at),
            _ => {
                let at = *index.get(h)?;
                last = Some((h, at));
                Some(at)
            }
        }
    };
    let found: Vec<Option<usize>> = tenants.iter().map(|t| hub(t)).collect();
    let is_head = |i: usize| found[i].is_none_or(|hub| hub == i);
    (0..tenants.len())
        .map(|i| match found[i] {
            Some(hub) if hub != i && is_head(hub) => hub,
            _ => i,
        })
        .collect()
}

/// In one pass: each tenant is a pointer away, and a million of them read three times over
/// was a quarter of a second of a load.
fn widest(tenants: &[Arc<Tenant>]) -> Widest {
    let first_cluster = tenants.first().map_or("", |t| t.cluster_name());
    let mut widest = Widest::default();
    let mut one_cluster = true;
    for t in tenants {
        widest.slug = widest.slug.max(t.slug.chars().count());
        widest.region = widest.region.max(t.region.chars().count());
        let cluster = t.cluster_name();
        one_cluster &= cluster == first_cluster;
        widest.cluster = widest.cluster.max(cluster.chars().count());
    }
    if one_cluster {
        widest.cluster = 0;
    }
    widest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::tenant::TenantKind;
    use crate::domain::test_support::{dedicated, utc};

    fn tenant(id: &str, hub: Option<&str>) -> Arc<Tenant> {
        let mut t = dedicated(utc(2026, 12, 1, 0, 0));
        t.id = TenantId(id.into());
        t.slug = id.into();
        t.kind = if hub.is_some() {
            TenantKind::Spoke
        } else {
            TenantKind::Hub
        };
        t.hub_id = hub.map(|h| TenantId(h.into()));
        Arc::new(t)
    }

    #[test]
    fn each_tenant_is_in_one_group_after_its_hub_whatever_the_order() {
        let tenants = [
            tenant("a-s1", Some("a")),
            tenant("a", None),
            tenant("b", None),
            tenant("a-s2", Some("a")),
            tenant("lost", Some("gone")),
            tenant("under-spoke", Some("a-s1")),
            tenant("b-s1", Some("b")),
        ];
        let members = Membership::of(&tenants);
        assert_eq!(
            members.tree,
            [vec![1, 0, 3], vec![2, 6], vec![4], vec![5]],
            "hubs in fleet order, each with its spokes; a spoke whose hub is missing or is \
             itself a spoke heads its own group"
        );
    }
}
