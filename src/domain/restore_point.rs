//! A restore point: a database dump and a moodledata VolumeSnapshot taken as a pair.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::RestorePointId;
use super::policy::COHERENT_SKEW_SECONDS;
use crate::wire_enum;

wire_enum!(
    /// Status of a point or of one of its halves (`Partial` only for a whole point).
    PointStatus {
        Succeeded => "succeeded",
        Failed => "failed",
        Partial => "partial",
        Running => "running",
    }
);

wire_enum!(
    /// State of one cross-region copy of a point.
    CopyStatus { Pending => "pending", Copied => "copied", Failed => "failed" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestorePoint {
    pub id: RestorePointId,
    pub taken_at: DateTime<Utc>,
    pub status: PointStatus,
    pub database: DatabaseDump,
    pub volume: VolumeSnapshot,
    pub skew_seconds: i64,
    #[serde(default)]
    pub copies: Vec<RegionCopy>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatabaseDump {
    pub status: PointStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub size_bytes: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolumeSnapshot {
    pub status: PointStatus,
    pub snapshot_name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub ready_to_use: bool,
    pub restore_size_bytes: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionCopy {
    pub region: String,
    pub status: CopyStatus,
    pub copied_at: Option<DateTime<Utc>>,
}

impl RestorePoint {
    /// Whether the two halves started close enough to restore as one consistent moment.
    pub fn is_coherent(&self) -> bool {
        self.skew_seconds.abs() <= COHERENT_SKEW_SECONDS
    }

    /// Whether this point can be restored from at `now`.
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.status == PointStatus::Succeeded && self.expires_at.is_none_or(|at| at > now)
    }
}
