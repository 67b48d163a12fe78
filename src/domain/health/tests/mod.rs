//! Every flag at and around its boundary. The tenants and contexts the tests share are here;
//! the tests themselves, by topic, in the modules below.

mod backup;
mod drills;
mod history;
mod judging;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::domain::tenant::{
    AttemptStatus, BackupSchedule, BackupSummary, CrossRegion, CrossRegionStatus, LastAttempt,
    LastSuccess, Tenant, TenantId, TenantKind, TenantState, Tier,
};

const HOUR: Option<Duration> = Some(Duration::hours(1));
const DAY: Option<Duration> = Some(Duration::hours(24));

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

fn ctx() -> HealthContext {
    HealthContext {
        now: now(),
        refresh_interval: Duration::seconds(30),
        source_heard_at: Some(now()),
        drill_max_age: None,
    }
}

/// A healthy Dedicated hub, one year old, backed up 10 minutes ago.
fn dedicated() -> Tenant {
    let n = now();
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

fn standard() -> Tenant {
    let mut t = dedicated();
    t.tier = Tier::Standard;
    t.secondary_region = None;
    t.backup.cross_region = None;
    t.backup.retention_days = 30;
    t.backup.schedule.cron = "0 2 * * *".into();
    t.backup.oldest_restore_point_at = Some(now() - Duration::days(30));
    t
}

fn facts(interval: Option<Duration>) -> ScheduleFacts<'static> {
    ScheduleFacts::interval_only(interval)
}

fn kinds(t: &Tenant, interval: Option<Duration>) -> Vec<FlagKind> {
    evaluate(t, facts(interval), &ctx())
        .flags
        .iter()
        .map(|f| f.kind)
        .collect()
}
