//! The namespace's restore points: its dumps and snapshots paired into runs, each run's
//! status from its two halves, and the copy in the secondary region.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::{Context, Identity, Mode, NsObjects};
use crate::domain::policy::COHERENT_SKEW_SECONDS;
use crate::domain::restore_point::{
    CopyStatus, DatabaseDump, PointStatus, RegionCopy, RestorePoint, VolumeSnapshot,
};
use crate::domain::tenant::{Fact, Tier, Unknown};
use crate::source::kube::objects::{CopyFacts, DumpFacts, HalfState, SnapFacts};

/// A snapshot the controller has not touched this long after it was made is said to be odd.
const NO_STATUS_AFTER: Duration = Duration::minutes(5);

/// One run: its dump (none in self-host mode) and its snapshot, either possibly missing.
struct Run<'a> {
    dump: Option<&'a DumpFacts>,
    snap: Option<&'a SnapFacts>,
}

/// Pairs dumps with snapshots: by the run label, else by start time within the coherence
/// window (nearest first).
fn runs<'a>(objects: &'a NsObjects, self_host: bool) -> Vec<Run<'a>> {
    let mut runs = Vec::new();
    if self_host {
        return objects
            .snaps
            .values()
            .map(|snap| Run {
                dump: None,
                snap: Some(snap),
            })
            .collect();
    }
    let mut snaps_by_run: BTreeMap<&str, &SnapFacts> = BTreeMap::new();
    let mut loose_snaps: Vec<&SnapFacts> = Vec::new();
    for snap in objects.snaps.values() {
        match snap.run.as_deref() {
            Some(run) if !snaps_by_run.contains_key(run) => {
                snaps_by_run.insert(run, snap);
            }
            _ => loose_snaps.push(snap),
        }
    }
    let mut loose_dumps = Vec::new();
    for dump in objects.dumps.values() {
        match dump.run.as_deref().and_then(|r| snaps_by_run.remove(r)) {
            Some(snap) => runs.push(Run {
                dump: Some(dump),
                snap: Some(snap),
            }),
            None => loose_dumps.push(dump),
        }
    }
    loose_snaps.extend(snaps_by_run.into_values());
    // By time, the closest pairs first, so an early dump never takes a later one's snapshot.
    let mut candidates: Vec<(i64, usize, usize)> = Vec::new();
    for (d, dump) in loose_dumps.iter().enumerate() {
        for (s, snap) in loose_snaps.iter().enumerate() {
            // Two different run labels are two runs, however close in time.
            if dump.run.is_some() && snap.run.is_some() {
                continue;
            }
            let (Some(started), Some(created)) = (dump.started, snap.created) else {
                continue;
            };
            let apart = skew(started, created).saturating_abs();
            if apart <= COHERENT_SKEW_SECONDS {
                candidates.push((apart, d, s));
            }
        }
    }
    candidates.sort_unstable();
    let mut dump_taken = vec![None; loose_dumps.len()];
    let mut snap_taken = vec![false; loose_snaps.len()];
    for (_, d, s) in candidates {
        if dump_taken[d].is_none() && !snap_taken[s] {
            dump_taken[d] = Some(s);
            snap_taken[s] = true;
        }
    }
    for (dump, snap) in loose_dumps.iter().zip(dump_taken) {
        runs.push(Run {
            dump: Some(dump),
            snap: snap.map(|s| loose_snaps[s]),
        });
    }
    for (snap, taken) in loose_snaps.iter().zip(snap_taken) {
        if !taken {
            runs.push(Run {
                dump: None,
                snap: Some(snap),
            });
        }
    }
    runs
}

fn skew(dump: DateTime<Utc>, snap: DateTime<Utc>) -> i64 {
    (snap - dump).num_seconds()
}

fn half_status(state: &HalfState) -> (PointStatus, Option<String>) {
    match state {
        HalfState::Running => (PointStatus::Running, None),
        HalfState::Succeeded => (PointStatus::Succeeded, None),
        HalfState::Failed(why) => (PointStatus::Failed, Some(why.clone())),
    }
}

/// Every restore point the namespace holds, newest first.
pub(super) fn restore_points(
    objects: &NsObjects,
    cx: &Context,
    identity: &Identity,
    unknowns: &mut Vec<Unknown>,
) -> Vec<RestorePoint> {
    let self_host = matches!(cx.mode, Mode::SelfHost { .. });
    let mut points: Vec<RestorePoint> = runs(objects, self_host)
        .into_iter()
        .filter_map(|run| point(&run, self_host, identity, cx.now))
        .collect();
    points.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(a.id.cmp(&b.id)));
    let silent: Vec<&SnapFacts> = objects
        .snaps
        .values()
        .filter(|s| !s.has_status && s.created.is_some_and(|c| cx.now - c > NO_STATUS_AFTER))
        .collect();
    if let Some(first) = silent.first() {
        let others = match silent.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        unknowns.push(Unknown {
            fact: Fact::Snapshot,
            reason: format!(
                "VolumeSnapshot {}{others} has no status: the snapshot controller has not \
                 reported on it; is it running?",
                first.name
            ),
        });
    }
    points
}

fn point(
    run: &Run,
    self_host: bool,
    identity: &Identity,
    now: DateTime<Utc>,
) -> Option<RestorePoint> {
    let dump_start = run.dump.and_then(|d| d.started);
    let snap_start = run.snap.and_then(|s| s.created);
    let taken_at = [dump_start, snap_start].into_iter().flatten().min()?;
    let (db_status, db_error) = match (run.dump, self_host) {
        (_, true) => (PointStatus::Succeeded, None),
        (Some(d), false) => half_status(&d.state),
        (None, false) => missing_half(taken_at, now, "no database-dump Job for this run"),
    };
    let (vol_status, vol_error) = match run.snap {
        Some(s) => half_status(&s.state),
        None => missing_half(taken_at, now, "no moodledata VolumeSnapshot for this run"),
    };
    // A self-host backup is the snapshot alone: its status is the snapshot's.
    let status = match self_host {
        true => vol_status.clone(),
        false => whole_status(&db_status, &vol_status),
    };
    let id = run
        .dump
        .and_then(|d| d.run.clone())
        .or_else(|| run.snap.and_then(|s| s.run.clone()))
        .or_else(|| run.snap.map(|s| s.name.clone()))
        .or_else(|| run.dump.map(|d| d.name.clone()))?;
    let copy = [run.dump.map(|d| &d.copy), run.snap.map(|s| &s.copy)]
        .into_iter()
        .flatten()
        .find(|c| c.copied_at.is_some() || c.error.is_some())
        .cloned()
        .unwrap_or_default();
    let copies = copies(identity, &copy);
    Some(RestorePoint {
        id: id.as_str().into(),
        taken_at,
        status,
        database: DatabaseDump {
            status: db_status,
            started_at: dump_start,
            finished_at: run.dump.and_then(|d| d.finished),
            size_bytes: run.dump.and_then(|d| d.bytes),
            error: db_error,
        },
        volume: VolumeSnapshot {
            status: vol_status,
            snapshot_name: run.snap.map(|s| s.name.clone()).unwrap_or_default(),
            created_at: snap_start,
            ready_to_use: run.snap.is_some_and(|s| s.state == HalfState::Succeeded),
            restore_size_bytes: run.snap.and_then(|s| s.restore_bytes),
            error: vol_error,
        },
        skew_seconds: match (dump_start, snap_start) {
            (Some(d), Some(s)) if !self_host => skew(d, s),
            _ => 0,
        },
        copies,
        expires_at: None,
    })
}

/// A half the run has not made yet: on its way just after the run started, missing after.
fn missing_half(
    taken_at: DateTime<Utc>,
    now: DateTime<Utc>,
    why: &str,
) -> (PointStatus, Option<String>) {
    if now - taken_at <= Duration::seconds(COHERENT_SKEW_SECONDS) {
        (PointStatus::Running, None)
    } else {
        (PointStatus::Failed, Some(why.to_string()))
    }
}

fn whole_status(db: &PointStatus, vol: &PointStatus) -> PointStatus {
    use PointStatus::{Failed, Running, Succeeded};
    match (db, vol) {
        (Succeeded, Succeeded) => Succeeded,
        (Running, _) | (_, Running) => Running,
        (Failed, Failed) => Failed,
        _ => PointStatus::Partial,
    }
}

fn copies(identity: &Identity, copy: &CopyFacts) -> Vec<RegionCopy> {
    let Some(region) = identity.secondary_region.clone() else {
        return Vec::new();
    };
    if identity.tier != Tier::Dedicated {
        return Vec::new();
    }
    let status = match (copy.copied_at, &copy.error) {
        (_, Some(_)) => CopyStatus::Failed,
        (Some(_), None) => CopyStatus::Copied,
        (None, None) => CopyStatus::Pending,
    };
    vec![RegionCopy {
        region,
        status,
        copied_at: copy.copied_at,
    }]
}
