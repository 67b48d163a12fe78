//! The shape of the fleet: how many hubs, how many spokes each, and where the scripted
//! problem tenants sit.
//!
//! The first six hubs are scripted and named, so the same slugs show the same problems at
//! every fleet size (from about 24 tenants up; smaller fleets get the ones that fit). Their
//! problems are spread over different hubs so the fleet reads like a real one.

use super::rng::Rng;

/// Which commercial tier a scripted hub has (the domain's `Tier` also has `Unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierChoice {
    Standard,
    Dedicated,
}

/// A scripted tenant: the problem it is there to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Dedicated, attempts failing for four hours: RPO breached (and last snapshot failed).
    RpoBreach,
    /// A new-spoke restore, half-way through at start.
    RestoreNewSpoke,
    /// Dedicated, copies to the secondary region failing.
    CopyFailed,
    /// Last attempt failed with a CSI timeout (an earlier manual re-run succeeded).
    CsiFailure,
    /// Last attempt `partial`: the dump's connection was reset.
    PartialDump,
    /// Pruning stopped: the oldest point is 40 days old on Standard.
    RetentionExceeded,
    /// Created five days ago, every attempt fails.
    NeverBackedUp,
    /// A brand-new tenant, not backed up yet and not expected to be.
    Provisioning,
    /// Dedicated on a daily CronJob.
    DailyOnDedicated,
    /// Dedicated, newest copy in the secondary region 30 hours old.
    CopyStalled,
    /// The latest pair's halves started 540 s apart.
    Incoherent,
    /// The scheduler stopped two hours ago.
    StuckScheduler,
    /// One year old, but the oldest point is only 12 days old.
    HistoryShort,
    /// A customer suspended for non-payment; backups carry on.
    Suspended,
    /// A VolumeSnapshot running for 45 minutes that never becomes ready.
    StuckSnapshot,
    /// An overwrite restore, queued a minute before start.
    RestoreOverwrite,
}

#[derive(Debug)]
pub struct FixedHub {
    pub stem: &'static str,
    pub display_name: &'static str,
    pub tier: TierChoice,
    pub region: &'static str,
    /// Spoke names in order; the scripts below name positions in this list (1 = first).
    pub spokes: &'static [&'static str],
    /// Scripted tenants by position: 0 is the hub, 1 its first spoke…
    pub scripts: &'static [(usize, Script)],
    /// The whole group's cluster agent stopped answering.
    pub frozen: bool,
}

pub const FIXED_HUBS: [FixedHub; 6] = [
    FixedHub {
        stem: "northfield",
        display_name: "Northfield College",
        tier: TierChoice::Dedicated,
        region: "eu-west-1",
        spokes: &[
            "arts",
            "science",
            "law",
            "medicine",
            "business",
            "engineering",
        ],
        scripts: &[
            (1, Script::RpoBreach),
            (2, Script::RestoreNewSpoke),
            (3, Script::CopyFailed),
        ],
        frozen: false,
    },
    FixedHub {
        stem: "harbor",
        display_name: "Harbor Community College",
        tier: TierChoice::Standard,
        region: "us-east-1",
        spokes: &["s1", "s2", "s3", "s4", "s5", "s6"],
        scripts: &[],
        frozen: true,
    },
    FixedHub {
        stem: "riverside",
        display_name: "Riverside University",
        tier: TierChoice::Standard,
        region: "eu-west-1",
        spokes: &[
            "nursing",
            "music",
            "education",
            "online",
            "staff",
            "library",
        ],
        scripts: &[
            (1, Script::CsiFailure),
            (2, Script::RetentionExceeded),
            (3, Script::NeverBackedUp),
            (4, Script::Provisioning),
        ],
        frozen: false,
    },
    FixedHub {
        stem: "ashford",
        display_name: "Ashford Institute of Technology",
        tier: TierChoice::Dedicated,
        region: "eu-central-1",
        spokes: &["engineering", "online", "languages", "research", "cpd"],
        scripts: &[
            (1, Script::DailyOnDedicated),
            (2, Script::CopyStalled),
            (3, Script::Incoherent),
        ],
        frozen: false,
    },
    FixedHub {
        stem: "kingsbridge",
        display_name: "Kingsbridge Schools Trust",
        tier: TierChoice::Standard,
        region: "ap-southeast-2",
        spokes: &["health", "design", "cpd", "summer", "sport", "drama"],
        scripts: &[
            (1, Script::StuckScheduler),
            (2, Script::PartialDump),
            (3, Script::HistoryShort),
            (4, Script::Suspended),
        ],
        frozen: false,
    },
    FixedHub {
        stem: "westbrook",
        display_name: "Westbrook Academy",
        tier: TierChoice::Dedicated,
        region: "us-east-1",
        spokes: &["s1", "s2", "s3", "s4", "s5"],
        scripts: &[(1, Script::StuckSnapshot), (2, Script::RestoreOverwrite)],
        frozen: false,
    },
];

/// About one hub per ten tenants, never fewer than the scripted six.
const TENANTS_PER_HUB: usize = 10;
/// Beyond the scripted stale group, one random hub in this many has gone quiet too.
const FROZEN_ONE_IN: u64 = 150;

/// One hub and its spokes.
#[derive(Debug, Clone)]
pub struct Group {
    /// Which hub this is (0 to 5 are the scripted ones).
    pub index: usize,
    /// Index of the hub in the fleet; its spokes follow it.
    pub first: usize,
    pub spokes: usize,
    pub fixed: Option<&'static FixedHub>,
    /// For random hubs: which random hub this is (names its stem).
    pub random_index: usize,
    pub frozen: bool,
}

impl Group {
    pub fn len(&self) -> usize {
        self.spokes + 1
    }

    pub fn script(&self, ordinal: usize) -> Option<Script> {
        let fixed = self.fixed?;
        fixed
            .scripts
            .iter()
            .find(|(at, _)| *at == ordinal)
            .map(|(_, script)| *script)
    }
}

/// Splits `tenants` into hub groups.
pub fn groups(seed: u64, tenants: usize) -> Vec<Group> {
    let hubs = hub_count(tenants);
    let spokes = spoke_counts(seed, hubs, tenants - hubs);
    let mut first = 0;
    let mut rng = Rng::keyed(seed, &[0xF0F0]);
    spokes
        .into_iter()
        .enumerate()
        .map(|(index, spokes)| {
            let fixed = FIXED_HUBS.get(index);
            let frozen = fixed.map_or_else(|| rng.below(FROZEN_ONE_IN) == 0, |f| f.frozen);
            let group = Group {
                index,
                first,
                spokes,
                fixed,
                random_index: index.saturating_sub(FIXED_HUBS.len()),
                frozen,
            };
            first += spokes + 1;
            group
        })
        .collect()
}

fn hub_count(tenants: usize) -> usize {
    tenants
        .div_ceil(TENANTS_PER_HUB)
        .max(FIXED_HUBS.len())
        .min(tenants)
}

/// Spokes per hub. The scripted hubs first get the spokes their scripts need, one round at a
/// time so a small fleet still gets each hub's first scripts; the rest is shared out by
/// random weights so groups differ in size.
fn spoke_counts(seed: u64, hubs: usize, total: usize) -> Vec<usize> {
    let mut counts = vec![0usize; hubs];
    let mut left = total;
    let needs: Vec<usize> = (0..hubs)
        .map(|i| FIXED_HUBS.get(i).map_or(0, min_spokes))
        .collect();
    'rounds: for round in 1..=needs.iter().copied().max().unwrap_or(0) {
        for (count, need) in counts.iter_mut().zip(&needs) {
            if left == 0 {
                break 'rounds;
            }
            if *need >= round {
                *count += 1;
                left -= 1;
            }
        }
    }
    let mut rng = Rng::keyed(seed, &[0x5B0C]);
    let weights: Vec<usize> = (0..hubs)
        .map(|i| match FIXED_HUBS.get(i) {
            // The stale group stays small: it hides its tenants' real state.
            Some(fixed) if fixed.frozen => 1,
            _ => rng.range(1, 4) as usize,
        })
        .collect();
    let weight_sum: usize = weights.iter().sum::<usize>().max(1);
    let shared = left;
    for (count, weight) in counts.iter_mut().zip(&weights) {
        let share = shared * weight / weight_sum;
        *count += share;
        left -= share;
    }
    // What rounding left over goes one by one from a random hub on.
    let start = rng.below(hubs as u64) as usize;
    for offset in 0..left {
        if let Some(count) = counts.get_mut((start + offset) % hubs.max(1)) {
            *count += 1;
        }
    }
    counts
}

fn min_spokes(hub: &FixedHub) -> usize {
    let scripted = hub.scripts.iter().map(|(at, _)| *at).max().unwrap_or(0);
    // A stale group of one hub alone would not look like a group.
    scripted.max(if hub.frozen { 2 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(groups: &[Group]) -> usize {
        groups.iter().map(Group::len).sum()
    }

    #[test]
    fn every_tenant_is_in_exactly_one_group() {
        for n in [0, 1, 5, 6, 7, 23, 24, 60, 1000, 12_345] {
            let groups = groups(42, n);
            assert_eq!(total(&groups), n, "{n}");
            let mut next = 0;
            for g in &groups {
                assert_eq!(g.first, next);
                next += g.len();
            }
        }
    }

    #[test]
    fn hubs_scale_with_the_fleet() {
        assert_eq!(groups(1, 60).len(), 6);
        assert_eq!(groups(1, 1000).len(), 100);
        assert_eq!(groups(1, 3).len(), 3);
    }

    #[test]
    fn from_24_tenants_every_script_has_its_spoke() {
        for n in [24, 30, 60] {
            let groups = groups(9, n);
            for (g, fixed) in groups.iter().zip(&FIXED_HUBS) {
                assert!(g.spokes >= min_spokes(fixed), "{n} {}", fixed.stem);
            }
        }
    }
}
