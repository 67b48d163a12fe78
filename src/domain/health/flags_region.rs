//! The *region down* flag: judged from the regions the source reports, beside a tenant's own
//! facts, so it is added to a verdict rather than worked out inside `evaluate`.

use chrono::{DateTime, Duration, Utc};

use super::{Flag, FlagKind, Health, capitalised};
use crate::domain::humanize::coarse;
use crate::domain::region::{CrossCopy, Regions};
use crate::domain::tenant::{Tenant, TenantState};

/// Red while the tenant's region is down: its site does not answer. The words say what can
/// be done for this tenant: restore it from its copy, or wait for the region.
pub fn region_down(t: &Tenant, regions: &Regions, now: DateTime<Utc>) -> Option<Flag> {
    if t.state == TenantState::Deleting {
        return None;
    }
    let region = regions.down(&t.region)?;
    let since = match region.since {
        Some(at) => format!(
            " since {} ({})",
            at.format("%H:%M UTC"),
            coarse((now - at).max(Duration::zero()))
        ),
        None => String::new(),
    };
    let copy = CrossCopy::of(t, regions);
    let what = match &copy {
        CrossCopy::Usable { region: to, .. } => format!(
            "{}: restore it in {to} from that copy (R offers it)",
            copy.words(now)
        ),
        CrossCopy::NotCopied => {
            "no cross-region copy (Standard): it comes back with the region".to_string()
        }
        CrossCopy::Unusable(why) => format!("{why}: it comes back with the region"),
    };
    Some(Flag {
        kind: FlagKind::RegionDown,
        explanation: format!(
            "Region {} has been down{since}: this site does not answer. {}.",
            t.region,
            capitalised(&what)
        ),
    })
}

impl Health {
    /// The verdict with one more flag, worst first again.
    pub fn with_flag(mut self, flag: Flag) -> Health {
        self.flags.push(flag);
        self.flags
            .sort_by(|a, b| b.level().cmp(&a.level()).then(a.kind.cmp(&b.kind)));
        self.level = self.flags[0].level();
        self
    }
}
