//! The regions screen: each region's status and what its failure now would cost (the
//! exposure, worked out off the UI task). `s`/`S` sort, `f` keeps the regions with trouble,
//! `Enter` shows the region's tenants in the fleet (`region:NAME`).

use chrono::{DateTime, Duration, Utc};
use tui_input::Input;

use super::super::keys::Action;
use super::super::{App, Effect, FlashKind, Msg};
use super::Screen;
use crate::domain::region::exposure::{RegionExposure, exposure};
use crate::domain::region::{RegionStatus, Regions};
use crate::domain::tenant::Tenant;

/// The exposure is worked out again this often while the screen is open (on the source's
/// clock), and at once when the regions or the fleet changed.
const EXPOSURE_EVERY: Duration = Duration::seconds(10);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RegionSort {
    /// Down first, then degraded, then by name.
    #[default]
    Status,
    Name,
    /// Worst median data loss first.
    Median,
    Max,
    /// Most tenants that cannot fail over first.
    NoCopy,
}

impl RegionSort {
    pub fn label(self) -> &'static str {
        match self {
            RegionSort::Status => "status",
            RegionSort::Name => "name",
            RegionSort::Median => "loss p50",
            RegionSort::Max => "loss max",
            RegionSort::NoCopy => "no copy",
        }
    }

    fn next(self) -> RegionSort {
        match self {
            RegionSort::Status => RegionSort::Name,
            RegionSort::Name => RegionSort::Median,
            RegionSort::Median => RegionSort::Max,
            RegionSort::Max => RegionSort::NoCopy,
            RegionSort::NoCopy => RegionSort::Status,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionsScreen {
    /// The region selected, by name (the list is worked out again as data comes).
    pub selected: Option<String>,
    pub sort: RegionSort,
    pub reversed: bool,
    /// Only regions with trouble: down, degraded, or with tenants that cannot fail over.
    pub troubled_only: bool,
}

impl RegionsScreen {
    /// The regions as listed, in the screen's order.
    pub fn rows<'a>(&self, all: &'a [RegionExposure]) -> Vec<&'a RegionExposure> {
        let mut rows: Vec<&RegionExposure> = all
            .iter()
            .filter(|r| !self.troubled_only || troubled(r))
            .collect();
        let rank = |r: &RegionExposure| match r.region.as_ref().map(|r| &r.status) {
            Some(RegionStatus::Down) => 0,
            Some(RegionStatus::Degraded) => 1,
            Some(RegionStatus::Unknown(_)) => 2,
            None => 3,
            Some(RegionStatus::Ok) => 4,
        };
        let worst_first = |d: Option<Duration>| std::cmp::Reverse(d.unwrap_or(Duration::MIN));
        rows.sort_by(|a, b| {
            let by = match self.sort {
                RegionSort::Status => rank(a).cmp(&rank(b)),
                RegionSort::Name => std::cmp::Ordering::Equal,
                RegionSort::Median => worst_first(a.p50).cmp(&worst_first(b.p50)),
                RegionSort::Max => worst_first(a.max).cmp(&worst_first(b.max)),
                RegionSort::NoCopy => b.no_copy.len().cmp(&a.no_copy.len()),
            };
            by.then_with(|| a.name.cmp(&b.name))
        });
        if self.reversed {
            rows.reverse();
        }
        rows
    }

    /// The selected row: the selected region's, else the first.
    pub fn row(&self, rows: &[&RegionExposure]) -> usize {
        self.selected
            .as_ref()
            .and_then(|name| rows.iter().position(|r| r.name == *name))
            .unwrap_or(0)
    }
}

fn troubled(r: &RegionExposure) -> bool {
    let status = r.region.as_ref().map(|r| &r.status);
    !matches!(status, Some(RegionStatus::Ok) | None) || !r.no_copy.is_empty()
}

/// Each region's exposure as last worked out, and whether it is being worked out again.
#[derive(Debug, Clone, Default)]
pub struct Exposure {
    pub regions: Vec<RegionExposure>,
    /// The instant it was worked out at; `None` before the first time.
    pub at: Option<DateTime<Utc>>,
    /// The regions or the fleet changed since.
    pub outdated: bool,
    running: bool,
}

/// What working out the exposure needs: cheap to take (the tenants are shared).
#[derive(Debug, Clone, PartialEq)]
pub struct ExposeWanted {
    pub tenants: Vec<std::sync::Arc<Tenant>>,
    pub regions: Regions,
    pub now: DateTime<Utc>,
}

impl ExposeWanted {
    /// The heavy part, pure: the runner calls it off the UI task.
    pub fn run(self) -> Msg {
        Msg::Exposed {
            at: self.now,
            regions: exposure(&self.tenants, &self.regions, self.now),
        }
    }
}

impl App {
    pub(in crate::app) fn on_regions_action(&mut self, action: Action) {
        let rows: Vec<String> = match self.screens.last() {
            Some(Screen::Regions(list)) => list
                .rows(&self.exposure.regions)
                .iter()
                .map(|r| r.name.clone())
                .collect(),
            _ => return,
        };
        let Some(Screen::Regions(list)) = self.screens.last_mut() else {
            return;
        };
        let row = list
            .selected
            .as_ref()
            .and_then(|n| rows.iter().position(|r| r == n))
            .unwrap_or(0);
        let last = rows.len().saturating_sub(1);
        let to = match action {
            Action::Up => row.saturating_sub(1),
            Action::Down => (row + 1).min(last),
            Action::First => 0,
            Action::Last => last,
            Action::NextSort => {
                list.sort = list.sort.next();
                list.reversed = false;
                row
            }
            Action::ReverseSort => {
                list.reversed = !list.reversed;
                row
            }
            Action::ProblemsOnly => {
                list.troubled_only = !list.troubled_only;
                row
            }
            Action::Back => return self.close_screen(),
            Action::Open => return self.show_region(rows.get(row).cloned()),
            Action::PlanFailover => match rows.get(row).cloned() {
                Some(name) => return self.plan_failover(name),
                None => return,
            },
            other => return self.on_common_action(other),
        };
        list.selected = rows.get(to).cloned();
    }

    /// `Enter`: the fleet, filtered to the region's tenants.
    fn show_region(&mut self, name: Option<String>) {
        let Some(name) = name else {
            self.dirty = false;
            return;
        };
        let words = format!("region:{name}");
        self.filter = Input::new(words.clone());
        self.view.set_filter(&words, &self.fleet);
        self.screens.truncate(1);
        self.set_flash(FlashKind::Info, format!("fleet: {words} (Esc clears)"));
    }

    /// Asks for the exposure to be worked out off the UI task, when the screen is open and
    /// what it shows is outdated or old; never two at once.
    pub(in crate::app) fn want_exposure(&mut self, now: DateTime<Utc>) {
        if !matches!(self.screen(), Screen::Regions(_)) || self.exposure.running {
            return;
        }
        let old = self.exposure.at.is_none_or(|at| now - at >= EXPOSURE_EVERY);
        if !(self.exposure.outdated || old) {
            return;
        }
        self.exposure.running = true;
        self.exposure.outdated = false;
        self.effects.push(Effect::Expose(Box::new(ExposeWanted {
            tenants: self.fleet.tenants().to_vec(),
            regions: self.fleet.regions().clone(),
            now,
        })));
    }

    pub(in crate::app) fn on_exposed(&mut self, at: DateTime<Utc>, regions: Vec<RegionExposure>) {
        self.exposure.running = false;
        self.exposure.at = Some(at);
        self.exposure.regions = regions;
    }
}
