//! The fleet's hub groups in sort order, and how one group is re-placed when its tenants
//! change: a tick at a million tenants changes a handful of them, and re-sorting them all
//! once a second was most of an idle dashboard's CPU.
//!
//! Each tenant's key is computed once as integers (the key in its natural direction, negated
//! when reversed, then the slug rank so ties read A→Z). A group ranks by its most extreme
//! member, then by its hub, so the worst spoke still pulls its hub to the top; group keys
//! are unique (the hub's slug rank is in them), so a group is found by binary search.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Fleet;
use crate::domain::Level;
use crate::domain::tenant::{Tenant, Tier};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Level,
    Tenant,
    Cluster,
    Tier,
    Region,
    LastSuccess,
    NextRun,
    Retention,
    CrossRegion,
    Drill,
    Flags,
}

impl SortKey {
    pub const ALL: [SortKey; 11] = [
        SortKey::Level,
        SortKey::Tenant,
        SortKey::Cluster,
        SortKey::Tier,
        SortKey::Region,
        SortKey::LastSuccess,
        SortKey::NextRun,
        SortKey::Retention,
        SortKey::CrossRegion,
        SortKey::Drill,
        SortKey::Flags,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortKey::Level => "level",
            SortKey::Tenant => "tenant",
            SortKey::Cluster => "cluster",
            SortKey::Tier => "tier",
            SortKey::Region => "region",
            SortKey::LastSuccess => "last success",
            SortKey::NextRun => "next run",
            SortKey::Retention => "retention",
            SortKey::CrossRegion => "cross-region",
            SortKey::Drill => "drill",
            SortKey::Flags => "flags",
        }
    }

    /// What the natural direction puts first, for the header and help.
    pub fn natural_order(self) -> &'static str {
        match self {
            SortKey::Level => "worst first",
            SortKey::Tenant | SortKey::Cluster | SortKey::Tier | SortKey::Region => "A→Z",
            SortKey::LastSuccess => "oldest first",
            SortKey::NextRun => "soonest first",
            SortKey::Retention => "fewest points first",
            SortKey::CrossRegion => "oldest copy first",
            SortKey::Drill => "longest untested first",
            SortKey::Flags => "most flags first",
        }
    }

    /// Whether the order moves with every backup (times and counts), not only with flags,
    /// names and places.
    pub fn follows_backups(self) -> bool {
        matches!(
            self,
            SortKey::LastSuccess | SortKey::NextRun | SortKey::Retention | SortKey::CrossRegion
        )
    }

    pub(super) fn next(self) -> SortKey {
        let at = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(at + 1) % SortKey::ALL.len()]
    }
}

/// A tenant's place in the order.
pub type Key = (i64, u32);
/// A group's place: its most extreme member's key, then its hub's.
pub type GroupKey = (Key, Key);

#[derive(Debug, Default)]
pub struct Order {
    pub key: Option<(SortKey, bool)>,
    /// Groups in sort order: hub (or orphan) first, then its spokes in order.
    pub groups: Vec<Vec<usize>>,
    /// Each group's key, parallel to `groups`, ascending.
    group_keys: Vec<GroupKey>,
    /// Per tenant: its key, and its group's index in the fleet's tree.
    keys: Vec<Key>,
    group_of: Vec<u32>,
    /// Ranks of the places the key sorts by (regions, clusters), A→Z.
    places: HashMap<String, i64>,
}

impl Order {
    /// The whole fleet sorted by `key`.
    pub fn sorted(fleet: &Fleet, key: SortKey, reversed: bool) -> Order {
        let places = place_ranks(fleet, key);
        let keys: Vec<Key> = (0..fleet.len())
            .map(|i| tenant_key(fleet, i, key, reversed, &places).unwrap_or_default())
            .collect();
        let mut group_of = vec![0; fleet.len()];
        let mut keyed: Vec<(GroupKey, Vec<usize>)> = fleet
            .tree()
            .iter()
            .enumerate()
            .map(|(at, members)| {
                for &m in members {
                    group_of[m] = at as u32;
                }
                let mut group = members.clone();
                group[1..].sort_unstable_by_key(|&i| keys[i]);
                (group_key(&keys, &group), group)
            })
            .collect();
        keyed.sort_unstable_by_key(|(k, _)| *k);
        let (group_keys, groups) = keyed.into_iter().unzip();
        Order {
            key: Some((key, reversed)),
            groups,
            group_keys,
            keys,
            group_of,
            places,
        }
    }

    /// Whether this order can re-place tenants of `fleet` one by one (same tenants, same
    /// tree, same key).
    pub fn fits(&self, fleet: &Fleet, key: (SortKey, bool)) -> bool {
        self.key == Some(key) && self.keys.len() == fleet.len()
    }

    /// The tree index of `tenant`'s group.
    pub fn group_of(&self, tenant: usize) -> usize {
        self.group_of[tenant] as usize
    }

    /// The current key of tree group `at`, from its members' stored keys.
    pub fn key_of_group(&self, fleet: &Fleet, at: usize) -> GroupKey {
        let members = &fleet.tree()[at];
        let head = self.keys[members[0]];
        let first = members[1..].iter().map(|&m| self.keys[m]).min();
        (first.map_or(head, |first| head.min(first)), head)
    }

    /// Computes tree group `at`'s keys again and moves it to where they now say, shifting
    /// only the groups between its old and new places. Returns its old key, its new key and
    /// its new place; `None` when the order is not this fleet's or a key cannot be computed
    /// in place (a region the ranks do not know): sort it all again then.
    pub fn replace(&mut self, fleet: &Fleet, at: usize) -> Option<(GroupKey, GroupKey, usize)> {
        let old = self.key_of_group(fleet, at);
        let from = self.group_keys.binary_search(&old).ok()?;
        let (new, group) = self.rekeyed(fleet, at)?;
        let to = moved_to(&mut self.group_keys, from, new);
        move_within(&mut self.groups, from, to);
        self.groups[to] = group;
        self.group_keys[to] = new;
        Some((old, new, to))
    }

    /// Computes the keys of tree groups `at` (sorted, distinct) again and re-places them all
    /// at once: the others are kept in their order and the moved ones merged in, so a batch
    /// costs one pass over the groups, not one shift each (a minute's backups at a million
    /// tenants move ~17 000 groups). `None` as for `replace`.
    pub fn replace_many(&mut self, fleet: &Fleet, at: &[usize]) -> Option<()> {
        let mut moving = vec![false; fleet.tree().len()];
        let mut moved = Vec::with_capacity(at.len());
        for &g in at {
            moving[g] = true;
            moved.push(self.rekeyed(fleet, g)?);
        }
        moved.sort_unstable_by_key(|(k, _)| *k);
        let mut groups = Vec::with_capacity(self.groups.len());
        let mut keys = Vec::with_capacity(self.groups.len());
        let kept = std::mem::take(&mut self.groups)
            .into_iter()
            .zip(std::mem::take(&mut self.group_keys))
            .filter(|(group, _)| !moving[self.group_of[group[0]] as usize]);
        let mut moved = moved.into_iter().peekable();
        for (group, k) in kept {
            while let Some((m, g)) = moved.next_if(|(m, _)| *m < k) {
                keys.push(m);
                groups.push(g);
            }
            keys.push(k);
            groups.push(group);
        }
        for (m, g) in moved {
            keys.push(m);
            groups.push(g);
        }
        self.groups = groups;
        self.group_keys = keys;
        Some(())
    }

    /// Tree group `at`'s members keyed again from the fleet as it is now, spokes in order,
    /// with the group's new key; `None` as for `replace`.
    fn rekeyed(&mut self, fleet: &Fleet, at: usize) -> Option<(GroupKey, Vec<usize>)> {
        let (key, reversed) = self.key?;
        let mut group = fleet.tree()[at].clone();
        for &m in &group {
            self.keys[m] = tenant_key(fleet, m, key, reversed, &self.places)?;
        }
        group[1..].sort_unstable_by_key(|&i| self.keys[i]);
        Some((group_key(&self.keys, &group), group))
    }
}

/// Where the entry at `from` goes for its key to become `new` in ascending `keys`, with the
/// keys between shifted over (the entry's own key is written by the caller).
fn moved_to(keys: &mut [GroupKey], from: usize, new: GroupKey) -> usize {
    let to = if new < keys[from] {
        keys[..from].partition_point(|k| *k < new)
    } else {
        from + keys[from + 1..].partition_point(|k| *k < new)
    };
    move_within(keys, from, to);
    to
}

/// Moves the entry at `from` to `to`, the ones between shifting by one.
pub fn move_within<T>(items: &mut [T], from: usize, to: usize) {
    if to < from {
        items[to..=from].rotate_right(1);
    } else if to > from {
        items[from..=to].rotate_left(1);
    }
}

fn group_key(keys: &[Key], group: &[usize]) -> GroupKey {
    let head = keys[group[0]];
    (
        group.get(1).map_or(head, |&first| head.min(keys[first])),
        head,
    )
}

fn tenant_key(
    fleet: &Fleet,
    i: usize,
    key: SortKey,
    reversed: bool,
    places: &HashMap<String, i64>,
) -> Option<Key> {
    let natural = primary(fleet, key, i, places)?;
    Some((
        if reversed { -natural } else { natural },
        fleet.slug_rank(i),
    ))
}

fn place_ranks(fleet: &Fleet, key: SortKey) -> HashMap<String, i64> {
    let place: fn(&Tenant) -> &str = match key {
        SortKey::Region => |t| t.region.as_str(),
        SortKey::Cluster => Tenant::cluster_name,
        _ => return HashMap::new(),
    };
    let mut places: Vec<&str> = fleet.tenants().iter().map(|t| place(t)).collect();
    places.sort_unstable();
    places.dedup();
    places
        .into_iter()
        .enumerate()
        .map(|(rank, p)| (p.to_string(), rank as i64))
        .collect()
}

/// Natural order of each key: problems (worst, oldest, fewest) first where that applies.
/// `None` for a place the ranks do not know.
fn primary(fleet: &Fleet, key: SortKey, i: usize, places: &HashMap<String, i64>) -> Option<i64> {
    let t = fleet.tenant(i);
    let h = fleet.health(i);
    let flags = h.flags.len() as i64;
    Some(match key {
        SortKey::Level => -(level_rank(h.level) * 1_000 + flags),
        SortKey::Tenant => i64::from(fleet.slug_rank(i)),
        SortKey::Tier => match t.tier {
            Tier::Dedicated => 0,
            Tier::Standard => 1,
            Tier::Unknown(_) => 2,
        },
        SortKey::Region => *places.get(t.region.as_str())?,
        SortKey::Cluster => *places.get(t.cluster_name())?,
        // Never backed up sorts before every instant: the oldest possible.
        SortKey::LastSuccess => instant(t.backup.last_success.as_ref().map(|s| s.taken_at)),
        SortKey::NextRun => instant(t.backup.schedule.next_run_at),
        SortKey::Retention => i64::try_from(t.backup.restore_point_count).unwrap_or(i64::MAX),
        // Standard tenants have no copies and sort last; Dedicated without a copy first.
        SortKey::CrossRegion if t.tier != Tier::Dedicated => i64::MAX / 2,
        SortKey::CrossRegion => instant(
            t.backup
                .cross_region
                .as_ref()
                .and_then(|c| c.last_copied_at),
        ),
        SortKey::Drill => drill_rank(t),
        SortKey::Flags => -(flags * 10 + level_rank(h.level)),
    })
}

/// Never drilled first, then a last drill that did not pass (oldest first), then the
/// oldest passed one: the tenants whose backups are least proved.
fn drill_rank(t: &Tenant) -> i64 {
    use crate::domain::drill::DrillResult;
    match &t.backup.last_drill {
        None => i64::MIN / 2,
        Some(d) if d.result != DrillResult::Passed => i64::MIN / 4 + d.finished_at.timestamp(),
        Some(d) => d.finished_at.timestamp_millis(),
    }
}

fn level_rank(level: Level) -> i64 {
    Level::ALL.iter().position(|l| *l == level).unwrap_or(0) as i64
}

fn instant(at: Option<DateTime<Utc>>) -> i64 {
    at.map_or(i64::MIN / 2, |t| t.timestamp_millis())
}
