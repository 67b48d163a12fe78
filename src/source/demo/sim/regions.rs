//! Regions in the simulation: every region the fleet runs or copies in, `ok` since long
//! before the start, until an outage the operator asked for (`--region-down`) begins.

use chrono::{DateTime, Duration, DurationRound, Utc};

use super::Sim;
use crate::domain::region::{Outage, Region, RegionStatus};
use crate::source::demo::names::REGIONS;

/// How long before the start every region has been `ok`.
const UP_FOR: Duration = Duration::days(34);

/// The outages asked for, each with the simulated instant it begins.
#[derive(Debug, Default)]
pub(crate) struct Outages {
    list: Vec<(Outage, DateTime<Utc>)>,
    /// The statuses last reported, to send the list again only when one changed.
    reported: Vec<Region>,
    up_since: Option<DateTime<Utc>>,
    /// When the simulation started: outages end counted from it.
    started: Option<DateTime<Utc>>,
}

impl Sim {
    /// Regions go down (or degraded) as `outages` say, counted from now.
    pub fn with_outages(mut self, outages: &[Outage]) -> Self {
        let now = self.now;
        self.outages.list = outages
            .iter()
            .map(|o| (o.clone(), now.checked_add_signed(o.after).unwrap_or(now)))
            .collect();
        self.outages.started = Some(now);
        let start = now - UP_FOR;
        self.outages.up_since = Some(start.duration_trunc(Duration::hours(1)).unwrap_or(start));
        self
    }

    /// Every region as of now, by name.
    pub fn regions(&self) -> Vec<Region> {
        let mut names: Vec<&str> = REGIONS
            .iter()
            .flat_map(|r| [r.name, r.secondary])
            .chain(self.outages.list.iter().map(|(o, _)| o.region.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().map(|name| self.region(name)).collect()
    }

    fn region(&self, name: &str) -> Region {
        match self.begun(name) {
            Some((outage, at)) => Region {
                name: name.to_string(),
                status: outage.status.clone(),
                since: Some(*at),
                message: Some(match outage.status {
                    RegionStatus::Down => {
                        "provider incident (simulated): zones a, b, c unreachable".to_string()
                    }
                    _ => "provider incident (simulated): elevated error rates".to_string(),
                }),
            },
            None => Region {
                name: name.to_string(),
                status: RegionStatus::Ok,
                since: self.back_since(name).or(self.outages.up_since),
                message: None,
            },
        }
    }

    /// Whether `region` is down now.
    pub fn is_down(&self, region: &str) -> bool {
        self.begun(region)
            .is_some_and(|(o, _)| o.status == RegionStatus::Down)
    }

    /// The latest outage of `region` that has begun and is not over, and when it began.
    fn begun(&self, region: &str) -> Option<&(Outage, DateTime<Utc>)> {
        self.outages
            .list
            .iter()
            .filter(|(o, at)| o.region == region && *at <= self.now && !self.over(o))
            .max_by_key(|(_, at)| *at)
    }

    /// Whether `outage` has ended by now.
    fn over(&self, outage: &Outage) -> bool {
        let started = self.outages.started.unwrap_or(self.now);
        outage
            .until
            .and_then(|end| started.checked_add_signed(end))
            .is_some_and(|end| end <= self.now)
    }

    /// When `region`'s last outage that is over ended: it is `ok` since then.
    fn back_since(&self, region: &str) -> Option<DateTime<Utc>> {
        let started = self.outages.started?;
        self.outages
            .list
            .iter()
            .filter(|(o, _)| o.region == region && self.over(o))
            .filter_map(|(o, _)| started.checked_add_signed(o.until?))
            .max()
    }

    /// The regions, when they changed since last asked (the first time, always).
    pub fn take_regions_changed(&mut self) -> Option<Vec<Region>> {
        let now = self.regions();
        if !self.outages.reported.is_empty() && now == self.outages.reported {
            return None;
        }
        self.outages.reported = now.clone();
        Some(now)
    }
}
