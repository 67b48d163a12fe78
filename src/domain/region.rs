//! Regions as the control plane reports them (`GET /regions`, a contract addition), and what
//! each tenant could be restored from if its region failed now: the facts behind the Regions
//! screen, the *region down* flag and the wizard's restore from a copy.

pub mod exposure;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::humanize::coarse;
use super::tenant::{CrossRegionStatus, Tenant, Tier};
use crate::wire_enum;

wire_enum!(
    RegionStatus { Ok => "ok", Degraded => "degraded", Down => "down" }
);

/// One item of `GET /regions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub name: String,
    pub status: RegionStatus,
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub message: Option<String>,
}

/// The body of `GET /regions` (not paged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionsPage {
    pub generated_at: DateTime<Utc>,
    pub items: Vec<Region>,
}

/// What a source knows of regions.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Regions {
    /// Not read yet.
    #[default]
    Unread,
    /// The control plane's list, as of `generated_at`.
    Reported {
        generated_at: DateTime<Utc>,
        items: Vec<Region>,
    },
    /// This source cannot say (a control plane without the addition, the kube source): why,
    /// in words. Nothing that sends `target_region` is offered then.
    NotOffered(String),
}

/// What the operator is told when a control plane has no `/regions`.
pub const NOT_OFFERED_HTTP: &str =
    "this control plane does not report regions (no /regions): it cannot restore across regions";

impl Regions {
    pub fn items(&self) -> &[Region] {
        match self {
            Regions::Reported { items, .. } => items,
            Regions::Unread | Regions::NotOffered(_) => &[],
        }
    }

    pub fn get(&self, name: &str) -> Option<&Region> {
        self.items().iter().find(|r| r.name == name)
    }

    /// The region if it is down.
    pub fn down(&self, name: &str) -> Option<&Region> {
        self.get(name).filter(|r| r.status == RegionStatus::Down)
    }

    /// Whether a restore may be sent into another region (the source reported regions).
    pub fn cross_region_offered(&self) -> bool {
        matches!(self, Regions::Reported { .. })
    }

    /// Why nothing across regions is offered, when it is not.
    pub fn not_offered(&self) -> Option<&str> {
        match self {
            Regions::Reported { .. } => None,
            Regions::Unread => Some("regions not read yet"),
            Regions::NotOffered(why) => Some(why),
        }
    }

    /// The regions that are down, for the header's badge and `status`.
    pub fn all_down(&self) -> impl Iterator<Item = &Region> {
        self.items()
            .iter()
            .filter(|r| r.status == RegionStatus::Down)
    }
}

/// What a tenant could be restored from in its secondary region, judged from its summary.
#[derive(Debug, Clone, PartialEq)]
pub enum CrossCopy<'a> {
    /// A Standard tenant: it has no copy, it waits for its region.
    NotCopied,
    /// A copy that can be restored in `region`: the newest copied point was taken at
    /// `point_at`. `exact` is false when the summary only bounds it (the newest copy landed
    /// at `point_at`, so the point is at least that old).
    Usable {
        region: &'a str,
        point_at: DateTime<Utc>,
        exact: bool,
    },
    /// A Dedicated tenant that cannot be restored elsewhere, and why in words.
    Unusable(String),
}

impl<'a> CrossCopy<'a> {
    /// The copy a tenant has, with `regions` saying which regions are down. (Borrowed: the
    /// exposure asks this of 100 000 tenants.)
    pub fn of(t: &'a Tenant, regions: &Regions) -> CrossCopy<'a> {
        if t.tier != Tier::Dedicated {
            return CrossCopy::NotCopied;
        }
        let Some(region) = t.secondary_region.as_deref() else {
            return CrossCopy::Unusable("no secondary region is set".to_string());
        };
        let Some(cross) = &t.backup.cross_region else {
            return CrossCopy::Unusable(format!("no copy in {region} is recorded"));
        };
        let Some(landed) = cross.last_copied_at else {
            return CrossCopy::Unusable(format!("no copy has ever landed in {region}"));
        };
        if regions.down(region).is_some() {
            return CrossCopy::Unusable(format!("its copies are in {region}, which is down too"));
        }
        // `ok` says the newest success is the one copied: the loss is exact then.
        let newest = t.backup.last_success.as_ref().map(|s| s.taken_at);
        match newest {
            Some(taken) if cross.status == CrossRegionStatus::Ok && taken <= landed => {
                CrossCopy::Usable {
                    region,
                    point_at: taken,
                    exact: true,
                }
            }
            _ => CrossCopy::Usable {
                region,
                point_at: landed,
                exact: false,
            },
        }
    }

    /// The data lost if restored from this copy at `now`.
    pub fn data_loss(&self, now: DateTime<Utc>) -> Option<Duration> {
        match self {
            CrossCopy::Usable { point_at, .. } => Some((now - *point_at).max(Duration::zero())),
            CrossCopy::NotCopied | CrossCopy::Unusable(_) => None,
        }
    }

    /// "copy in eu-central-1 from 00:12 UTC, 3h 05m ago" (with "at least" when bounded).
    pub fn words(&self, now: DateTime<Utc>) -> String {
        match self {
            CrossCopy::Usable {
                region,
                point_at,
                exact,
            } => {
                let age = coarse((now - *point_at).max(Duration::zero()));
                let bound = if *exact { "" } else { "at least " };
                format!(
                    "copy in {region} from {}, {bound}{age} ago",
                    point_at.format("%Y-%m-%d %H:%M UTC")
                )
            }
            CrossCopy::NotCopied => "no cross-region copy (Standard)".to_string(),
            CrossCopy::Unusable(why) => format!("no usable copy: {why}"),
        }
    }
}

/// "eu-west-1 DOWN 42m" for the header's badge.
pub fn badge(region: &Region, now: DateTime<Utc>) -> String {
    match region.since {
        Some(since) => format!(
            "{} DOWN {}",
            region.name,
            coarse((now - since).max(Duration::zero()))
        ),
        None => format!("{} DOWN", region.name),
    }
}

#[cfg(test)]
mod tests;

/// A simulated outage (the demo's and `serve-demo`'s `--region-down
/// REGION[@+START][..+END]`): `region` turns `status` `after` the simulation starts, on the
/// simulated clock, and is `ok` again `until` after the start, when that is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub region: String,
    pub status: RegionStatus,
    pub after: Duration,
    pub until: Option<Duration>,
}

impl Outage {
    /// `eu-west-1` (at once), `eu-west-1@+10m` (`d`, `h`, `m`, `s`, combined as `1h30m`),
    /// either with `..+4h` for the instant, after the start, when it is over.
    pub fn parse(text: &str, status: RegionStatus) -> Result<Outage, String> {
        let (text, until) = match text.split_once("..") {
            None => (text, None),
            Some((head, end)) => {
                let end = end
                    .strip_prefix('+')
                    .and_then(super::typed_time::relative_amount);
                match end {
                    Some(Some(end)) => (head, Some(end)),
                    _ => {
                        return Err(format!(
                            "{text:?}: after the .. comes when it is over, after the start, as \
                             +4h"
                        ));
                    }
                }
            }
        };
        let (region, after) = match text.split_once('@') {
            None => (text, Duration::zero()),
            Some((region, when)) => {
                let span = when
                    .strip_prefix('+')
                    .and_then(super::typed_time::relative_amount);
                match span {
                    Some(Some(after)) => (region, after),
                    _ => {
                        return Err(format!(
                            "{text:?}: after the @ comes how long after the start, as +10m, \
                             +2h or +1h30m"
                        ));
                    }
                }
            }
        };
        let well_formed = !region.is_empty()
            && region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            return Err(format!(
                "{text:?}: a region is named like eu-west-1 (lower-case letters, digits, -)"
            ));
        }
        if until.is_some_and(|end| end <= after) {
            return Err(format!("{text:?}: an outage is over after it begins"));
        }
        Ok(Outage {
            region: region.to_string(),
            status,
            after,
            until,
        })
    }
}
