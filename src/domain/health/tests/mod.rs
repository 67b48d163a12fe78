//! Every flag at and around its boundary. The tenants and contexts the tests share are here;
//! the tests themselves, by topic, in the modules below.

mod backup;
mod drills;
mod history;
mod judging;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::domain::tenant::{
    AttemptStatus, CrossRegion, CrossRegionStatus, LastAttempt, Tenant, TenantId, TenantState, Tier,
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
    crate::domain::test_support::dedicated(now())
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
