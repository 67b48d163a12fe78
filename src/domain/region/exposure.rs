//! What a region's failure now would cost: for each region, its tenants by tier, the data
//! each Dedicated tenant would lose restored from its copy (p50, max, the worst five), the
//! ones that cannot be restored elsewhere and why, and the Standard tenants that wait.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::{CrossCopy, Region, Regions};
use crate::domain::ids::TenantId;
use crate::domain::tenant::{Tenant, TenantState};

/// How many of the worst-exposed tenants a region lists by name.
pub const WORST: usize = 5;

/// One region's exposure at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionExposure {
    pub name: String,
    /// As the control plane reports it; `None`: not reported.
    pub region: Option<Region>,
    pub dedicated: usize,
    pub standard: usize,
    /// Dedicated tenants with a copy they can be restored from.
    pub with_copy: usize,
    /// Of those, how many losses are lower bounds (the summary does not name the point).
    pub bounded: usize,
    pub p50: Option<Duration>,
    pub max: Option<Duration>,
    /// The worst `WORST`, worst first.
    pub worst: Vec<Exposed>,
    /// Dedicated tenants that cannot fail over, by slug.
    pub no_copy: Vec<NoCopy>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Exposed {
    pub tenant: TenantId,
    pub slug: String,
    pub loss: Duration,
    pub exact: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoCopy {
    pub tenant: TenantId,
    pub slug: String,
    pub why: String,
}

impl RegionExposure {
    fn named(name: &str, regions: &Regions) -> Self {
        RegionExposure {
            name: name.to_string(),
            region: regions.get(name).cloned(),
            dedicated: 0,
            standard: 0,
            with_copy: 0,
            bounded: 0,
            p50: None,
            max: None,
            worst: Vec::new(),
            no_copy: Vec::new(),
        }
    }

    pub fn tenants(&self) -> usize {
        self.dedicated + self.standard
    }

    pub fn is_down(&self) -> bool {
        self.region
            .as_ref()
            .is_some_and(|r| r.status == super::RegionStatus::Down)
    }
}

/// Every region named by a tenant or by the control plane, by name, with its exposure at
/// `now`. A tenant being deleted is not counted: it is not coming back anywhere.
pub fn exposure(
    tenants: &[Arc<Tenant>],
    regions: &Regions,
    now: DateTime<Utc>,
) -> Vec<RegionExposure> {
    // Losses as (loss, exact, index): the names are taken for the worst few only.
    type Losses = Vec<(Duration, bool, usize)>;
    let mut by_name: BTreeMap<&str, (RegionExposure, Losses)> = BTreeMap::new();
    for r in regions.items() {
        by_name.insert(
            &r.name,
            (RegionExposure::named(&r.name, regions), Vec::new()),
        );
    }
    for (i, t) in tenants.iter().enumerate() {
        if t.state == TenantState::Deleting {
            continue;
        }
        let (region, losses) = by_name
            .entry(t.region.as_str())
            .or_insert_with(|| (RegionExposure::named(&t.region, regions), Vec::new()));
        match CrossCopy::of(t, regions) {
            CrossCopy::NotCopied => region.standard += 1,
            CrossCopy::Unusable(why) => {
                region.dedicated += 1;
                region.no_copy.push(NoCopy {
                    tenant: t.id.clone(),
                    slug: t.slug.to_string(),
                    why,
                });
            }
            copy @ CrossCopy::Usable { exact, .. } => {
                region.dedicated += 1;
                region.with_copy += 1;
                region.bounded += usize::from(!exact);
                losses.push((copy.data_loss(now).unwrap_or_default(), exact, i));
            }
        }
    }
    by_name
        .into_values()
        .map(|(mut region, losses)| {
            summarise(&mut region, losses, tenants);
            region
        })
        .collect()
}

/// p50, max and the worst few of a region's losses; the no-copy list by slug.
fn summarise(
    region: &mut RegionExposure,
    mut losses: Vec<(Duration, bool, usize)>,
    tenants: &[Arc<Tenant>],
) {
    region.no_copy.sort_by(|a, b| a.slug.cmp(&b.slug));
    if losses.is_empty() {
        return;
    }
    let mid = (losses.len() - 1) / 2;
    let (_, median, _) = losses.select_nth_unstable_by_key(mid, |l| l.0);
    region.p50 = Some(median.0);
    let slug = |i: usize| tenants[i].slug.as_str();
    let worst_first = |a: &(Duration, bool, usize), b: &(Duration, bool, usize)| {
        b.0.cmp(&a.0).then_with(|| slug(a.2).cmp(slug(b.2)))
    };
    let keep = WORST.min(losses.len());
    if losses.len() > keep {
        losses.select_nth_unstable_by(keep - 1, worst_first);
        losses.truncate(keep);
    }
    losses.sort_by(worst_first);
    region.max = losses.first().map(|l| l.0);
    region.worst = losses
        .into_iter()
        .map(|(loss, exact, i)| Exposed {
            tenant: tenants[i].id.clone(),
            slug: tenants[i].slug.to_string(),
            loss,
            exact,
        })
        .collect();
}
