//! What snapdeck's own checks of one restore need: the tenant it came from, its target
//! spoke, and the instant its point's dump started. Pure, for the dashboard and the CLI alike.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::template::Vars;
use crate::domain::ids::RestoreId;
use crate::domain::region::Regions;
use crate::domain::restore::{Restore, RestoreMode};
use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::Tenant;

/// Points fetched at most while looking for a restore's point in its tenant's history.
pub const POINTS_LOOKED_THROUGH: usize = 500;

/// What the runner needs to verify one restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyRequest {
    pub restore: RestoreId,
    /// The live tenant the restore came from.
    pub source: Vars,
    /// The restored spoke.
    pub target: Vars,
    /// When the point's database dump started.
    pub point: DateTime<Utc>,
    /// Live was replaced: compare with the fingerprint taken at launch.
    pub overwrite: bool,
    /// Live cannot be reached (its region is down): why, and the checks that need it say so
    /// instead of failing.
    pub live_down: Option<String>,
}

/// Live to fingerprint before an overwrite replaces it, as of the point being restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerprintRequest {
    pub live: Vars,
    pub point: DateTime<Utc>,
}

/// The template variables of a tenant.
pub fn vars_of(tenant: &Tenant) -> Vars {
    Vars {
        slug: tenant.slug.to_string(),
        hostname: tenant.hostname.clone(),
        region: tenant.region.to_string(),
        tenant_id: tenant.id.to_string(),
    }
}

/// What the checks of `restore` need, from the tenants it can be found among and the
/// instant its point's dump started; or why it cannot be checked, in words.
pub fn request_for(
    restore: &Restore,
    tenants: &[Arc<Tenant>],
    point: DateTime<Utc>,
    regions: &Regions,
) -> Result<VerifyRequest, String> {
    let Some(tenant) = tenants.iter().find(|t| t.id == restore.tenant_id) else {
        return Err(format!(
            "tenant {} is not in the fleet: nothing to compare the restore with",
            restore.tenant_id
        ));
    };
    let source = vars_of(tenant);
    let target_id = tenants
        .iter()
        .find(|t| t.slug == restore.target_slug)
        .map_or_else(|| source.tenant_id.clone(), |t| t.id.to_string());
    let target = Vars {
        slug: restore.target_slug.clone(),
        hostname: restore.target_hostname.clone(),
        // A restore from the copy runs in another region: its templates are filled for it.
        region: restore
            .target_region
            .clone()
            .unwrap_or_else(|| source.region.clone()),
        tenant_id: target_id,
    };
    let live_down = regions
        .down(&source.region)
        .map(|r| format!("could not check: {} is down", r.name));
    Ok(VerifyRequest {
        restore: restore.id.clone(),
        source,
        target,
        point,
        overwrite: restore.mode == RestoreMode::Overwrite,
        live_down,
    })
}

/// When the dump of the point `restore` was made from started, if it is among `points`:
/// the point it named, or for "the most recent" the newest good one taken before it was
/// asked for.
pub fn point_instant(restore: &Restore, points: &[RestorePoint]) -> Option<DateTime<Utc>> {
    crate::domain::restore_point::point_of(restore, points)
        .map(|p| p.database.started_at.unwrap_or(p.taken_at))
}
