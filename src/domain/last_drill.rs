//! A tenant's most recent drill as its summary carries it, and how a drill went: what the
//! tenant summary needs of drills, apart from the drills' own rules (`drill`).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{RestoreId, RestorePointId};
use crate::wire_enum;

wire_enum!(
    /// How a drill went, as `drill-result` records it.
    DrillResult { Passed => "passed", Warning => "warning", Failed => "failed" }
);

impl DrillResult {
    /// The DRILL column's mark.
    pub fn glyph(&self) -> &'static str {
        match self {
            DrillResult::Passed => "✓",
            DrillResult::Warning => "▲",
            DrillResult::Failed => "✗",
            DrillResult::Unknown(_) => "?",
        }
    }
}

/// A tenant's most recent drill, as the tenant summary carries it (`backup.last_drill`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastDrill {
    pub restore_id: RestoreId,
    #[serde(default)]
    pub restore_point_id: Option<RestorePointId>,
    #[serde(default)]
    pub point_taken_at: Option<DateTime<Utc>>,
    pub finished_at: DateTime<Utc>,
    pub result: DrillResult,
    /// Inline when short ("5 checks passed"): most tenants of a big fleet carry one.
    #[serde(default)]
    pub summary: compact_str::CompactString,
    #[serde(default)]
    pub restore_duration_seconds: Option<i64>,
    /// A contract addition: the region restored into when it was not the tenant's own
    /// (a drill from the cross-region copy); absent or null: in-region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_region: Option<compact_str::CompactString>,
}

impl LastDrill {
    pub fn restore_duration(&self) -> Option<Duration> {
        self.restore_duration_seconds.map(Duration::seconds)
    }
}
