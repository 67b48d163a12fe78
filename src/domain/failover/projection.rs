//! When each planned restore is back with N at once, against its RTO counted from the
//! outage's start: the plan's order is the launch order, and each restore starts when one of
//! the N before it ends (list scheduling).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Duration, Utc};

use super::plan::Plan;
use crate::domain::humanize;
use crate::domain::policy::TierPolicy;
use crate::domain::tenant::Tier;

#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub parallel: usize,
    /// When the clock started: the outage's start, else the launch.
    pub from: DateTime<Utc>,
    /// By when every restore must be back.
    pub deadline: DateTime<Utc>,
    /// When each included entry is back, in the plan's order (`None`: excluded).
    pub finishes: Vec<Option<DateTime<Utc>>>,
    pub within: usize,
    pub past: usize,
    /// The last restore's finish.
    pub last: Option<DateTime<Utc>>,
    /// The fewest at once that would bring every one back within its RTO (`None`: not even
    /// all at once).
    pub all_within_at: Option<usize>,
}

/// The Dedicated RTO every failover restore is held to.
pub fn rto() -> Duration {
    TierPolicy::of(&Tier::Dedicated)
        .map(|p| p.rto.limit())
        .unwrap_or(Duration::hours(4))
}

/// The projection of `plan` launched at `launch` with `parallel` at once.
pub fn project(plan: &Plan, parallel: usize, launch: DateTime<Utc>) -> Projection {
    let parallel = parallel.max(1);
    let from = plan.since.unwrap_or(launch).min(launch);
    let deadline = from + rto();
    let finishes = schedule(plan, parallel, launch);
    let done = finishes.iter().flatten();
    let past = done.clone().filter(|f| **f > deadline).count();
    let within = done.clone().count() - past;
    let last = done.max().copied();
    let all_within_at = if past == 0 {
        Some(fewest(plan, launch, deadline, parallel))
    } else {
        let most = plan.included().count().max(1);
        (schedule_past(plan, most, launch, deadline) == 0)
            .then(|| fewest(plan, launch, deadline, most))
    };
    Projection {
        parallel,
        from,
        deadline,
        finishes,
        within,
        past,
        last,
        all_within_at,
    }
}

/// Each included entry's finish with `parallel` slots.
fn schedule(plan: &Plan, parallel: usize, launch: DateTime<Utc>) -> Vec<Option<DateTime<Utc>>> {
    let mut free: BinaryHeap<Reverse<DateTime<Utc>>> = BinaryHeap::with_capacity(parallel);
    plan.entries
        .iter()
        .map(|e| {
            if e.excluded {
                return None;
            }
            let start = if free.len() < parallel {
                launch
            } else {
                free.pop().map_or(launch, |Reverse(at)| at)
            };
            let end = start + e.estimate.took;
            free.push(Reverse(end));
            Some(end)
        })
        .collect()
}

fn schedule_past(
    plan: &Plan,
    parallel: usize,
    launch: DateTime<Utc>,
    deadline: DateTime<Utc>,
) -> usize {
    schedule(plan, parallel, launch)
        .iter()
        .flatten()
        .filter(|f| **f > deadline)
        .count()
}

/// The fewest at once, at most `most`, with none past the deadline (more at once never
/// finishes a restore later, so a binary search holds).
fn fewest(plan: &Plan, launch: DateTime<Utc>, deadline: DateTime<Utc>, most: usize) -> usize {
    let (mut low, mut high) = (1, most.max(1));
    while low < high {
        let mid = (low + high) / 2;
        if schedule_past(plan, mid, launch, deadline) == 0 {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    high
}

/// "07:40", or "03:10 +1d" on a later day than `from`: a night's times cross midnight.
pub fn clock(at: DateTime<Utc>, from: DateTime<Utc>) -> String {
    let days = (at.date_naive() - from.date_naive()).num_days();
    match days {
        0 => at.format("%H:%M").to_string(),
        d => format!("{} {d:+}d", at.format("%H:%M")),
    }
}

impl Projection {
    /// "at 4 at once: 212 back by 07:40 UTC, 57 past the 4h RTO; at 8: all within".
    pub fn words(&self) -> String {
        let Some(last) = self.last else {
            return "nothing to restore".into();
        };
        let count = self.within + self.past;
        let by = format!("{} UTC", clock(last, self.from));
        let head = format!("at {} at once: {count} back by {by}", self.parallel);
        let rto = humanize::duration(rto());
        match (self.past, self.all_within_at) {
            (0, _) => format!("{head}, all within the {rto} RTO"),
            (past, Some(n)) => format!("{head}, {past} past the {rto} RTO; at {n}: all within"),
            (past, None) => {
                format!("{head}, {past} past the {rto} RTO; even all at once some cannot make it")
            }
        }
    }
}
