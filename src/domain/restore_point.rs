//! A restore point: a database dump and a moodledata VolumeSnapshot taken as a pair.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::humanize::instant_utc;
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
    /// (`saturating_abs`: a skew of `i64::MIN` from the wire must not overflow.)
    pub fn is_coherent(&self) -> bool {
        self.skew_seconds.saturating_abs() <= COHERENT_SKEW_SECONDS
    }

    /// Whether this point can be restored from at `now`.
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.unusable_reason(now).is_none()
    }

    /// Why this point cannot be restored from at `now`, or `None` when it can: the point and
    /// both its halves succeeded and it has not expired. The point's own status is judged
    /// first; its halves are checked too, since a restore needs both and a summary status can
    /// lag behind or contradict them.
    pub fn unusable_reason(&self, now: DateTime<Utc>) -> Option<Unusable> {
        let failed_halves = self.failed_halves();
        if self.status != PointStatus::Succeeded {
            return Some(Unusable::Status {
                status: self.status.clone(),
                halves: failed_halves,
            });
        }
        if let Some(half) = failed_halves.into_iter().next() {
            return Some(Unusable::HalfNotSucceeded(half));
        }
        match self.expires_at {
            Some(at) if at <= now => Some(Unusable::Expired { at }),
            _ => None,
        }
    }

    /// Why this point cannot be restored in `region` from its copy there (`None`: in the
    /// tenant's own region, judged as `unusable_reason`): it must be usable and its copy
    /// there must have landed.
    pub fn unusable_in(&self, region: Option<&str>, now: DateTime<Utc>) -> Option<Unusable> {
        if let Some(reason) = self.unusable_reason(now) {
            return Some(reason);
        }
        let region = region?;
        let copy = self.copies.iter().find(|c| c.region == region);
        match copy {
            Some(c) if c.status == CopyStatus::Copied => None,
            _ => Some(Unusable::NotCopied {
                region: region.to_string(),
                copy: copy.map(|c| c.status.clone()),
            }),
        }
    }

    /// When its copy in `region` landed, if it has.
    pub fn copied_to(&self, region: &str) -> Option<DateTime<Utc>> {
        self.copies
            .iter()
            .find(|c| c.region == region && c.status == CopyStatus::Copied)
            .and_then(|c| c.copied_at)
    }

    fn failed_halves(&self) -> Vec<HalfTrouble> {
        let database = HalfTrouble {
            half: Half::Database,
            status: self.database.status.clone(),
            error: self.database.error.clone(),
        };
        let volume = HalfTrouble {
            half: Half::Volume,
            status: self.volume.status.clone(),
            error: self.volume.error.clone(),
        };
        [database, volume]
            .into_iter()
            .filter(|h| h.status != PointStatus::Succeeded)
            .collect()
    }
}

/// One half of a restore point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    Database,
    Volume,
}

impl fmt::Display for Half {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Half::Database => "the database dump",
            Half::Volume => "the moodledata snapshot",
        })
    }
}

/// A half that did not succeed, with the error it reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalfTrouble {
    pub half: Half,
    pub status: PointStatus,
    pub error: Option<String>,
}

impl fmt::Display for HalfTrouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is {}", self.half, self.status)?;
        match &self.error {
            Some(error) => write!(f, " ({error})"),
            None => Ok(()),
        }
    }
}

/// Why a restore point cannot be restored from; reads after "restore point rp_x is …", as the
/// contract's `422 restore_point_unusable` would say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// The point did not succeed (failed, partial, still running, or a status we do not know),
    /// with whichever halves did not succeed either.
    Status {
        status: PointStatus,
        halves: Vec<HalfTrouble>,
    },
    /// The point says it succeeded but one of its halves did not.
    HalfNotSucceeded(HalfTrouble),
    /// Past its retention: pruned, or about to be.
    Expired { at: DateTime<Utc> },
    /// Restored in another region, it needs a landed copy there (`422 copy_unavailable`).
    NotCopied {
        region: String,
        copy: Option<CopyStatus>,
    },
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::Status { status, halves } if halves.is_empty() => write!(f, "{status}"),
            Unusable::Status { status, halves } => {
                let halves: Vec<String> = halves.iter().map(ToString::to_string).collect();
                write!(f, "{status}: {}", halves.join("; "))
            }
            Unusable::HalfNotSucceeded(half) => {
                write!(f, "not whole: marked succeeded, but {half}")
            }
            Unusable::Expired { at } => write!(f, "expired: it expired at {}", instant_utc(*at)),
            Unusable::NotCopied { region, copy: None } => {
                write!(f, "not copied to {region}: no copy of it is kept there")
            }
            Unusable::NotCopied {
                region,
                copy: Some(status),
            } => write!(f, "not copied to {region} yet (its copy is {status})"),
        }
    }
}

/// The restore's point among `points`: the one it names, else (it asked for the most recent)
/// the newest that had succeeded when it was asked for — the rule `snapdeck verify` and the
/// monitor's own checks follow.
pub fn point_of<'a>(
    restore: &super::restore::Restore,
    points: &'a [RestorePoint],
) -> Option<&'a RestorePoint> {
    match &restore.restore_point_id {
        Some(id) => points.iter().find(|p| p.id == *id),
        None => points
            .iter()
            .filter(|p| p.taken_at <= restore.requested_at && p.status == PointStatus::Succeeded)
            .max_by_key(|p| p.taken_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn point(status: PointStatus) -> RestorePoint {
        RestorePoint {
            id: RestorePointId::from("rp_77a"),
            taken_at: Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 12).unwrap(),
            status,
            database: DatabaseDump {
                status: PointStatus::Succeeded,
                started_at: None,
                finished_at: None,
                size_bytes: None,
                error: None,
            },
            volume: VolumeSnapshot {
                status: PointStatus::Succeeded,
                snapshot_name: "moodledata-20261126-0300".into(),
                created_at: None,
                ready_to_use: true,
                restore_size_bytes: None,
                error: None,
            },
            skew_seconds: 29,
            copies: Vec::new(),
            expires_at: Some(Utc.with_ymd_and_hms(2027, 2, 24, 3, 0, 12).unwrap()),
        }
    }

    #[test]
    fn a_whole_unexpired_point_is_usable() {
        let p = point(PointStatus::Succeeded);
        let now = p.taken_at;
        assert_eq!(p.unusable_reason(now), None);
        assert!(p.is_usable(now));
    }

    #[test]
    fn a_partial_point_says_which_half_failed() {
        let mut p = point(PointStatus::Partial);
        p.volume.status = PointStatus::Failed;
        p.volume.error = Some("CSI driver timeout".into());
        let reason = p.unusable_reason(p.taken_at).unwrap();
        assert_eq!(
            reason.to_string(),
            "partial: the moodledata snapshot is failed (CSI driver timeout)"
        );
        assert_eq!(
            point(PointStatus::Failed)
                .unusable_reason(p.taken_at)
                .unwrap()
                .to_string(),
            "failed"
        );
    }

    #[test]
    fn a_succeeded_point_with_a_failed_half_is_not_usable() {
        let mut p = point(PointStatus::Succeeded);
        p.database.status = PointStatus::Running;
        assert_eq!(
            p.unusable_reason(p.taken_at).unwrap().to_string(),
            "not whole: marked succeeded, but the database dump is running"
        );
    }

    #[test]
    fn a_point_expires_at_its_expiry_instant() {
        let p = point(PointStatus::Succeeded);
        let at = p.expires_at.unwrap();
        assert!(p.is_usable(at - Duration::seconds(1)));
        assert_eq!(p.unusable_reason(at), Some(Unusable::Expired { at }));
        assert_eq!(
            Unusable::Expired { at }.to_string(),
            "expired: it expired at 2027-02-24 03:00:12 UTC"
        );
        let mut forever = point(PointStatus::Succeeded);
        forever.expires_at = None;
        assert!(forever.is_usable(DateTime::<Utc>::MAX_UTC));
    }
}
