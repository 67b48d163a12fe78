//! A tenant's restore points, newest first, page by page (`GET /tenants/{id}/restore-points`).
//!
//! The demo keeps no list of points (that would be 2 000 a tenant): a page is replayed from
//! the same attempt plans the generator and the simulator play, from the tenant's newest
//! attempt back to its oldest point, so the history always agrees with the summary the fleet
//! shows. Replaying a whole history of 2 160 hourly points takes well under a millisecond.

use chrono::{DateTime, Duration, Utc};

use super::behaviour::{AttemptPlan, Outcome, attempt_plan, copy_latency};
use super::rng::Rng;
use super::sim::Sim;
use crate::domain::ids::{RestorePointId, TenantId};
use crate::domain::restore_point::{
    CopyStatus, DatabaseDump, PointStatus, RegionCopy, RestorePoint, VolumeSnapshot,
};
use crate::domain::tenant::{AttemptStatus, CrossRegionStatus, LastAttempt, Tenant};
use crate::source::{CommandError, Page};

/// The contract's default page size.
pub const PAGE_SIZE: usize = 500;
/// A history is never replayed further back than this many runs (a year of hourly runs).
const MAX_RUNS: usize = 9_000;
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

impl Sim {
    /// One page of `tenant`'s restore points; `cursor` is the previous page's `next_cursor`.
    pub fn restore_points(
        &mut self,
        tenant: &TenantId,
        cursor: Option<&str>,
    ) -> Result<Page<RestorePoint>, CommandError> {
        self.restore_points_limited(tenant, cursor, PAGE_SIZE)
    }

    /// Like `restore_points`, with the page size a client asked for (`?limit=`, already
    /// checked against the contract's bounds by the caller; 0 is read as 1).
    pub fn restore_points_limited(
        &mut self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<RestorePoint>, CommandError> {
        let index = self.index_of(tenant).ok_or_else(|| {
            CommandError::new(404, "tenant_not_found", format!("no tenant {tenant}"))
        })?;
        let start = match cursor {
            None => 0,
            Some(text) => parse_cursor(text)?,
        };
        let points = self.history_of(index);
        let end = start.saturating_add(limit.max(1)).min(points.len());
        let items = points.get(start..end).unwrap_or_default().to_vec();
        let next_cursor = (end < points.len()).then(|| format!("c_{end}"));
        Ok(Page { items, next_cursor })
    }

    /// The point `id` of the tenant at `index`, if its history holds it.
    pub fn restore_point(&mut self, index: usize, id: &RestorePointId) -> Option<RestorePoint> {
        self.history_of(index).into_iter().find(|p| p.id == *id)
    }

    fn index_of(&self, id: &TenantId) -> Option<usize> {
        self.tenants().iter().position(|t| t.id == *id)
    }

    /// Every point of the tenant at `index`, newest first.
    pub(super) fn history_of(&mut self, index: usize) -> Vec<RestorePoint> {
        let now = self.now();
        let Some(tenant) = self.tenants().get(index).cloned() else {
            return Vec::new();
        };
        let Some(behaviour) = self.behaviours().get(index).cloned() else {
            return Vec::new();
        };
        let backup = &tenant.backup;
        let Some(oldest) = backup.oldest_restore_point_at else {
            // Never succeeded: only the newest attempt is known.
            return backup
                .last_attempt
                .iter()
                .map(|a| attempt_point(self.seed, index, &tenant, a, now))
                .collect();
        };
        let interval = self.patterns_mut().interval(behaviour.pattern);
        let mut points = Vec::new();
        let mut newest_run = backup.last_success.as_ref().map(|s| s.taken_at);
        if let Some(attempt) = &backup.last_attempt {
            if attempt.status == AttemptStatus::Running {
                points.push(attempt_point(self.seed, index, &tenant, attempt, now));
                newest_run = Some(attempt.taken_at - interval);
            } else {
                newest_run = newest_run.max(Some(attempt.taken_at));
            }
        }
        let Some(newest_run) = newest_run else {
            return points;
        };
        let mut run = self
            .patterns_mut()
            .previous_at_or_before(behaviour.pattern, newest_run);
        let facts = Facts::of(self.seed, index, &tenant);
        for k in 0..MAX_RUNS {
            let plan = attempt_plan(self.seed, index, &behaviour, run);
            if plan.taken_at < oldest - Duration::minutes(1) {
                break;
            }
            points.push(facts.point(&plan, run, k, now));
            run -= interval;
        }
        // A success taken by hand between runs (on-call re-ran a failed backup) is not on the
        // schedule's grid: it joins at its own time.
        if let Some(success) = &backup.last_success
            && !points.iter().any(|p| p.id == success.restore_point_id)
        {
            let mut extra = facts.succeeded(&success.restore_point_id, success.taken_at, now);
            extra.skew_seconds = success.skew_seconds;
            points.push(extra);
        }
        if let Some(newest_success) = &backup.last_success
            && let Some(point) = points
                .iter_mut()
                .find(|p| p.id == newest_success.restore_point_id)
        {
            // The summary is what the fleet shows: the newest success agrees with it.
            point.skew_seconds = newest_success.skew_seconds;
        }
        points.sort_by_key(|p| std::cmp::Reverse(p.taken_at));
        keep_only(&mut points, backup.restore_point_count);
        points
    }
}

/// The summary counts `count` restore points; where the replayed runs made more, the extra
/// ones were lost (the summary's history is what the health rules judge), spread evenly over
/// the history, the newest always kept.
fn keep_only(points: &mut Vec<RestorePoint>, count: u64) {
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let made = points
        .iter()
        .filter(|p| p.status == PointStatus::Succeeded)
        .count();
    if made <= count || count == 0 {
        return;
    }
    // Success i (newest first) is kept when the running share ⌈i·count/made⌉ steps up.
    let step = |i: usize| (i * count).div_ceil(made);
    let mut i = 0;
    points.retain(|p| {
        if p.status != PointStatus::Succeeded {
            return true;
        }
        let keep = step(i + 1) > step(i);
        i += 1;
        keep
    });
}

/// What every point of one tenant shares: sizes, retention, copies.
struct Facts<'a> {
    tenant: &'a Tenant,
    database_bytes: f64,
    volume_bytes: f64,
    copied_before: Option<DateTime<Utc>>,
    copy_trouble: Option<CopyStatus>,
    seed: u64,
    index: usize,
}

impl<'a> Facts<'a> {
    fn of(seed: u64, index: usize, tenant: &'a Tenant) -> Self {
        let mut rng = Rng::keyed(seed, &[0x51_2E, index as u64]);
        let database_bytes = rng.range(300, 6_000) as f64 * 1024.0 * 1024.0;
        let volume_bytes = rng.range(5, 300) as f64 * GIB;
        let cross = tenant.backup.cross_region.as_ref();
        let copy_trouble = cross.and_then(|c| match c.status {
            CrossRegionStatus::Failed => Some(CopyStatus::Failed),
            CrossRegionStatus::Pending => Some(CopyStatus::Pending),
            _ => None,
        });
        Self {
            tenant,
            database_bytes,
            volume_bytes,
            copied_before: cross.and_then(|c| c.last_copied_at),
            copy_trouble,
            seed,
            index,
        }
    }

    /// The point left by the attempt of the run at `run`, `k` runs back from the newest.
    fn point(
        &self,
        plan: &AttemptPlan,
        run: DateTime<Utc>,
        k: usize,
        now: DateTime<Utc>,
    ) -> RestorePoint {
        let mut point = self.succeeded(&plan.restore_point_id(), plan.taken_at, now);
        point.skew_seconds = plan.skew_seconds;
        point.database.finished_at = Some(plan.finished_at);
        // Older points are a little smaller: the site grows.
        let shrink = 1.0 - (k as f64 * 0.00004).min(0.5);
        point.database.size_bytes = Some((self.database_bytes * shrink) as u64);
        point.volume.restore_size_bytes = Some((self.volume_bytes * shrink) as u64);
        point.volume.snapshot_name = snapshot_name(run);
        if let Some(error) = plan.error() {
            fail(
                &mut point,
                &error,
                matches!(plan.outcome, Outcome::Partial(_)),
            );
        }
        point
    }

    /// A succeeded point taken at `taken_at`.
    fn succeeded(
        &self,
        id: &RestorePointId,
        taken_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RestorePoint {
        let retention = Duration::days(i64::from(self.tenant.backup.retention_days));
        RestorePoint {
            id: id.clone(),
            taken_at,
            status: PointStatus::Succeeded,
            database: DatabaseDump {
                status: PointStatus::Succeeded,
                started_at: Some(taken_at),
                finished_at: Some(taken_at + Duration::seconds(90)),
                size_bytes: Some(self.database_bytes as u64),
                error: None,
            },
            volume: VolumeSnapshot {
                status: PointStatus::Succeeded,
                snapshot_name: snapshot_name(taken_at),
                created_at: Some(taken_at),
                ready_to_use: true,
                restore_size_bytes: Some(self.volume_bytes as u64),
                error: None,
            },
            skew_seconds: 0,
            copies: self.copies(taken_at, now),
            expires_at: Some(taken_at + retention),
        }
    }

    /// Dedicated points are copied to the secondary region; after the last copy that landed,
    /// a failing or stalled copy shows on every newer point.
    fn copies(&self, taken_at: DateTime<Utc>, now: DateTime<Utc>) -> Vec<RegionCopy> {
        let Some(region) = self.tenant.secondary_region.clone() else {
            return Vec::new();
        };
        let landed = taken_at + copy_latency(self.seed, self.index, taken_at);
        let after_last_copy = self.copied_before.is_none_or(|at| taken_at > at);
        let (status, copied_at) = match (&self.copy_trouble, after_last_copy) {
            (Some(trouble), true) => (trouble.clone(), None),
            _ if landed <= now => (CopyStatus::Copied, Some(landed)),
            _ => (CopyStatus::Pending, None),
        };
        vec![RegionCopy {
            region: region.to_string(),
            status,
            copied_at,
        }]
    }
}

/// Marks the half the error names as failed; a whole failed point loses its other half too
/// (the job deletes the half it did take, so a failed pair is never restored by mistake).
fn fail(point: &mut RestorePoint, error: &str, partial: bool) {
    let volume_failed = error.starts_with("VolumeSnapshot");
    let other = if partial {
        None
    } else {
        Some("not kept: the other half of the pair failed".to_string())
    };
    point.status = if partial {
        PointStatus::Partial
    } else {
        PointStatus::Failed
    };
    point.copies.clear();
    let (failed, kept_error) = (Some(error.to_string()), other);
    if volume_failed {
        point.volume.status = PointStatus::Failed;
        point.volume.ready_to_use = false;
        point.volume.restore_size_bytes = None;
        point.volume.error = failed;
        if let Some(why) = kept_error {
            point.database.status = PointStatus::Failed;
            point.database.size_bytes = None;
            point.database.error = Some(why);
        }
    } else {
        point.database.status = PointStatus::Failed;
        point.database.size_bytes = None;
        point.database.error = failed;
        if let Some(why) = kept_error {
            point.volume.status = PointStatus::Failed;
            point.volume.ready_to_use = false;
            point.volume.restore_size_bytes = None;
            point.volume.error = Some(why);
        }
    }
}

/// The newest attempt as a point, for a tenant known only by its summary.
fn attempt_point(
    seed: u64,
    index: usize,
    tenant: &Tenant,
    attempt: &LastAttempt,
    now: DateTime<Utc>,
) -> RestorePoint {
    let facts = Facts::of(seed, index, tenant);
    let mut point = facts.succeeded(&attempt.restore_point_id, attempt.taken_at, now);
    point.volume.snapshot_name = snapshot_name(attempt.taken_at);
    match attempt.status {
        AttemptStatus::Running => {
            point.status = PointStatus::Running;
            point.database.status = PointStatus::Running;
            point.database.finished_at = None;
            point.database.size_bytes = None;
            point.volume.status = PointStatus::Running;
            point.volume.ready_to_use = false;
            point.copies.clear();
        }
        AttemptStatus::Failed | AttemptStatus::Partial => {
            let error = attempt.error.clone().unwrap_or_default();
            fail(&mut point, &error, attempt.status == AttemptStatus::Partial);
        }
        _ => {}
    }
    point
}

fn snapshot_name(run: DateTime<Utc>) -> String {
    format!("moodledata-{}", run.format("%Y%m%d-%H%M"))
}

/// Cursors are `c_<offset>`; anything else is the client's mistake, said as the contract says.
fn parse_cursor(text: &str) -> Result<usize, CommandError> {
    text.strip_prefix("c_")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            CommandError::new(
                400,
                "invalid_cursor",
                format!("cursor {text:?} is not one this server gave"),
            )
        })
}

#[cfg(test)]
mod tests;
