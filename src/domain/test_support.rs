//! Fixtures shared by the domain's unit tests: instants in UTC and on London's wall clock, and
//! a restore request with nothing surprising in it.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::London;

use super::request::RestoreRequest;

pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// A London wall-clock time (the default business calendar's zone) as an instant.
pub fn london(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    London
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// Ticket SUP-4821 for tenant ten_9q1, opened at `requested_at`, not acknowledged, with no
/// server deadline and no restore yet.
pub fn request(requested_at: DateTime<Utc>) -> RestoreRequest {
    RestoreRequest {
        ticket: "SUP-4821".into(),
        tenant_id: "ten_9q1".into(),
        requested_at,
        point_in_time: None,
        prefers_overwrite: false,
        note: String::new(),
        ack_deadline_at: None,
        acknowledged_at: None,
        restore_id: None,
    }
}

/// A new-spoke restore of "nf-s3" requested at 03:14 on 26 Nov, in `phase`, with no steps.
pub fn restore(phase: crate::domain::restore::RestorePhase) -> crate::domain::restore::Restore {
    use crate::domain::restore::{Restore, RestoreMode, RestorePurpose};
    Restore {
        target_region: None,
        batch: None,
        id: "rst_41c".into(),
        tenant_id: "ten_9q1".into(),
        source_slug: "nf-s3".into(),
        target_slug: "nf-s3-restore-20261126".into(),
        target_hostname: String::new(),
        mode: RestoreMode::NewSpoke,
        restore_point_id: None,
        ticket: None,
        requested_by: "oncall@example.net".into(),
        requested_at: utc(2026, 11, 26, 3, 14),
        phase,
        steps: Vec::new(),
        rto_deadline_at: None,
        verification: None,
        error: None,
        confirmed_by: None,
        confirmed_at: None,
        purpose: RestorePurpose::Request,
    }
}

/// One of snapdeck's own checks, the moodledata one, with `verdict`.
pub fn own_check(verdict: crate::domain::verify::Verdict) -> crate::domain::verify::Check {
    crate::domain::verify::Check {
        kind: crate::domain::verify::CheckKind::Moodledata,
        verdict,
        summary: "37 of the 200 newest files missing".into(),
        details: Vec::new(),
    }
}

/// A healthy Dedicated hub, one year old, backed up 10 minutes ago.
pub fn dedicated(n: DateTime<Utc>) -> crate::domain::tenant::Tenant {
    use crate::domain::tenant::{
        AttemptStatus, BackupSchedule, BackupSummary, CrossRegion, CrossRegionStatus, LastAttempt,
        LastSuccess, Tenant, TenantId, TenantKind, TenantState, Tier,
    };
    use chrono::Duration;
    Tenant {
        id: TenantId("ten_1".into()),
        slug: "northfield-hub".into(),
        kind: TenantKind::Hub,
        hub_id: None,
        display_name: "Northfield College".into(),
        tier: Tier::Dedicated,
        region: "eu-west-1".into(),
        secondary_region: Some("eu-central-1".into()),
        hostname: "learn.northfield.ac.uk".into(),
        state: TenantState::Active,
        created_at: n - Duration::days(365),
        backup: BackupSummary {
            schedule: BackupSchedule {
                cron: "0 * * * *".into(),
                timezone: "UTC".into(),
                next_run_at: Some(n + Duration::minutes(50)),
            },
            retention_days: 90,
            last_success: Some(LastSuccess {
                restore_point_id: "rp_1".into(),
                taken_at: n - Duration::minutes(10),
                skew_seconds: 29,
            }),
            last_attempt: Some(LastAttempt {
                restore_point_id: "rp_1".into(),
                taken_at: n - Duration::minutes(10),
                status: AttemptStatus::Succeeded,
                error: None,
            }),
            oldest_restore_point_at: Some(n - Duration::days(90)),
            restore_point_count: 2160,
            cross_region: Some(CrossRegion {
                last_copied_at: Some(n - Duration::hours(1)),
                status: CrossRegionStatus::Ok,
            }),
            last_drill: None,
        },
        active_restore_id: None,
        restore_of: None,
        cluster: None,
        observed_at: Some(n),
    }
}

/// A succeeded, coherent restore point `id` taken at `taken_at`, sizes unknown, no copies.
pub fn point(id: &str, taken_at: DateTime<Utc>) -> crate::domain::restore_point::RestorePoint {
    use crate::domain::restore_point::{DatabaseDump, PointStatus, RestorePoint, VolumeSnapshot};
    RestorePoint {
        id: id.into(),
        taken_at,
        status: PointStatus::Succeeded,
        database: DatabaseDump {
            status: PointStatus::Succeeded,
            started_at: Some(taken_at),
            finished_at: None,
            size_bytes: None,
            error: None,
        },
        volume: VolumeSnapshot {
            status: PointStatus::Succeeded,
            snapshot_name: format!("moodledata-{id}"),
            created_at: Some(taken_at),
            ready_to_use: true,
            restore_size_bytes: None,
            error: None,
        },
        skew_seconds: 29,
        copies: Vec::new(),
        expires_at: taken_at.checked_add_signed(chrono::Duration::days(90)),
    }
}
