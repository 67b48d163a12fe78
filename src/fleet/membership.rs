//! What depends only on which tenants a fleet holds, not on their health: the id index, the
//! slug order, the hub tree and the widest texts. Built again only when membership changes;
//! at a million tenants that is a second of work, done beside judging them.

use std::collections::HashSet;
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
        let mut index = IdIndex::with_capacity_and_hasher(tenants.len(), Default::default());
        index.extend(tenants.iter().enumerate().map(|(i, t)| (t.id.clone(), i)));
        let tree = tree(tenants, &index);
        Membership {
            slug_rank: slug_ranks(tenants),
            tree,
            widest: widest(tenants),
            index,
        }
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

/// Hubs (and spokes whose hub is unknown) each followed by their spokes.
fn tree(tenants: &[Arc<Tenant>], index: &IdIndex) -> Vec<Vec<usize>> {
    let mut heads = Vec::new();
    // Indexed by hub: an empty list allocates nothing.
    let mut spokes: Vec<Vec<usize>> = vec![Vec::new(); tenants.len()];
    for (i, t) in tenants.iter().enumerate() {
        let hub = t
            .hub_id
            .as_ref()
            .and_then(|h| index.get(h))
            .filter(|_| !t.is_hub());
        match hub {
            Some(&hub) if hub != i => spokes[hub].push(i),
            _ => heads.push(i),
        }
    }
    heads
        .into_iter()
        .map(|head| {
            let mut group = vec![head];
            group.append(&mut spokes[head]);
            group
        })
        .collect()
}

fn widest(tenants: &[Arc<Tenant>]) -> Widest {
    let longest = |text: fn(&Tenant) -> &str| {
        tenants
            .iter()
            .map(|t| text(t).chars().count())
            .max()
            .unwrap_or(0)
    };
    Widest {
        slug: longest(|t| &t.slug),
        region: longest(|t| &t.region),
        cluster: widest_cluster(tenants),
    }
}

fn widest_cluster(tenants: &[Arc<Tenant>]) -> usize {
    let names: HashSet<&str> = tenants.iter().map(|t| t.cluster_name()).collect();
    if names.len() < 2 {
        return 0;
    }
    names.iter().map(|n| n.chars().count()).max().unwrap_or(0)
}
