//! The drill history a demo fleet starts with (recording and listing drills is the
//! simulator's, `sim/drills.rs`).
//!
//! A generated tenant's history is its `last_drill` alone, drawn from the seed (never
//! drilled, passed recently, failed about 12 days ago, passed but slower than the RTO), so a
//! million tenants cost nothing more; drills recorded since are kept in full.

use chrono::{DateTime, Duration, Utc};

use super::names::base36;
use super::rng::Rng;
use crate::domain::drill::{DrillResult, LastDrill};
use crate::domain::ids::RestoreId;
use crate::domain::restore::{CheckStatus, VerificationCheck};
use crate::domain::tenant::{BackupSummary, Tier};

/// What failed drills of the generated history say.
const FAILED: [&str; 3] = [
    "moodledata: 37 of the 200 newest files missing",
    "the restore failed: pg_restore: error: could not extend file \"base/16384/2619_fsm\": No \
     space left on device",
    "point in time: the newest log entry is 26h 4m before the point",
];

/// The drill the tenant at `index` last had when the fleet starts, if any.
/// Two in three of a Dedicated tenant's drills are region drills, from its copy in
/// `secondary` (the others in its own region: *failover untested*).
pub fn generated_last_drill(
    seed: u64,
    index: usize,
    (tier, secondary): (&Tier, &str),
    created_at: DateTime<Utc>,
    backup: &BackupSummary,
    now: DateTime<Utc>,
) -> Option<LastDrill> {
    backup.last_success.as_ref()?;
    let mut rng = Rng::keyed(seed, &[0xD711, index as u64]);
    let rto = match tier {
        Tier::Dedicated => Duration::hours(4),
        _ => Duration::hours(8),
    };
    let took = |rng: &mut Rng, over: bool| match over {
        true => rto + Duration::minutes(rng.range(20, 150)),
        false => Duration::minutes(rng.range(50, 170)),
    };
    // By place in the fleet rather than by chance, so that even a small fleet shows each
    // kind: 9 in 25 never drilled, 12 passed, 1 failed, 1 slower than the RTO, 2 warned.
    let (days_ago, result, over, summary) = match (index as u64).wrapping_add(seed) % 25 {
        0..9 => return None,
        9..21 => (rng.range(1, 27), DrillResult::Passed, false, None),
        21 => (
            rng.range(11, 13),
            DrillResult::Failed,
            false,
            Some(rng.pick(&FAILED)),
        ),
        22 => (rng.range(2, 20), DrillResult::Passed, true, None),
        _ => (
            rng.range(3, 9),
            DrillResult::Warning,
            false,
            Some("site answers: the login page answered in 9.4s"),
        ),
    };
    let restore_duration = took(&mut rng, over);
    let finished_at = now - Duration::days(days_ago) - Duration::minutes(rng.range(0, 600));
    if finished_at - restore_duration <= created_at {
        return None;
    }
    // Its own draw, so the rest of the history stays what it was before regions.
    let across =
        *tier == Tier::Dedicated && Rng::keyed(seed, &[0xD712, index as u64]).range(0, 3) > 0;
    Some(LastDrill {
        target_region: across.then(|| secondary.into()),
        restore_id: RestoreId(base36("rst_d", rng.next_u64(), 4)),
        restore_point_id: None,
        point_taken_at: Some(finished_at - restore_duration - Duration::hours(rng.range(1, 20))),
        finished_at,
        result,
        summary: summary.unwrap_or("5 checks passed").into(),
        restore_duration_seconds: Some(restore_duration.num_seconds()),
    })
}

/// The five checks a generated drill stands on, the one its summary names not passing.
pub(super) fn generated_checks(drill: &LastDrill) -> Vec<VerificationCheck> {
    let names = [
        "database",
        "moodledata",
        "point in time",
        "site answers",
        "identity",
    ];
    let culprit = names
        .iter()
        .position(|n| drill.summary.starts_with(n))
        .or_else(|| drill.summary.starts_with("the restore failed").then_some(0));
    let status = match drill.result {
        DrillResult::Failed => CheckStatus::Failed,
        _ => CheckStatus::Warning,
    };
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let bad = Some(i) == culprit && drill.result != DrillResult::Passed;
            VerificationCheck {
                name: name.to_string(),
                status: if bad {
                    status.clone()
                } else {
                    CheckStatus::Passed
                },
                detail: if bad {
                    drill.summary.to_string()
                } else {
                    "as expected".to_string()
                },
            }
        })
        .collect()
}
