//! Loading a whole fleet: judging, indexing and ordering a million tenants takes seconds,
//! so the runner does it away from the UI task (keys, and `q` above all, keep answering)
//! and hands the result to the app, which swaps it in. Tests load in place, the same way.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::Tenant;
use crate::domain::run_times::ScheduleCache;
use crate::fleet::view::FleetView;
use crate::fleet::{self, Fleet};

/// What loading needs from the app: the fleet it replaces (to count what changed) and the
/// table's settings (to order the new rows as the operator has them). Cheap to take.
pub struct Loader {
    pub(super) old: Vec<Arc<Tenant>>,
    pub(super) refresh_interval: chrono::Duration,
    pub(super) drill_max_age: Option<chrono::Duration>,
    pub(super) schedules: ScheduleCache,
    pub(super) regions: crate::domain::region::Regions,
    pub(super) view: FleetView,
}

/// A fleet judged, indexed and ordered, ready to be swapped in.
pub struct Loaded {
    pub(super) fleet: Fleet,
    pub(super) view: FleetView,
    /// Tenants added, removed or changed since the fleet it replaces.
    pub(super) changed: usize,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Loaded({} tenants)", self.fleet.len())
    }
}

impl Loader {
    /// The heavy part, pure: run it wherever it does not hold up the keys.
    pub fn load(
        self,
        tenants: Vec<Arc<Tenant>>,
        heard_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Loaded {
        let changed = fleet::changes(&self.old, &tenants);
        drop(self.old);
        let mut fleet = Fleet::new(self.refresh_interval)
            .with_drill_max_age(self.drill_max_age)
            .with_schedules(self.schedules)
            .with_regions(self.regions);
        fleet.replace(tenants, heard_at, now);
        let mut view = self.view;
        view.rebuild(&fleet);
        // The view has just sorted all of it: from here on it re-places only what changes.
        fleet.take_touched();
        Loaded {
            fleet,
            view,
            changed,
        }
    }
}
