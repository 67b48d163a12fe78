//! The points kept: the cross-region copy, retention, and history against its window and
//! the runs due in it.

use super::*;

#[test]
fn cross_region_lagging_after_twenty_four_hours_or_failed_or_missing() {
    let mut t = dedicated();
    let cr = t.backup.cross_region.as_mut().unwrap();
    cr.last_copied_at = Some(now() - Duration::hours(24));
    assert!(!kinds(&t, HOUR).contains(&FlagKind::CrossRegionLagging));
    t.backup.cross_region.as_mut().unwrap().last_copied_at =
        Some(now() - Duration::hours(24) - Duration::seconds(1));
    assert!(kinds(&t, HOUR).contains(&FlagKind::CrossRegionLagging));

    let mut failed = dedicated();
    failed.backup.cross_region.as_mut().unwrap().status = CrossRegionStatus::Failed;
    let h = evaluate(&failed, facts(HOUR), &ctx());
    assert!(h.flags[0].explanation.contains("eu-central-1 failed"));

    let mut missing = dedicated();
    missing.backup.cross_region = None;
    assert!(kinds(&missing, HOUR).contains(&FlagKind::CrossRegionLagging));
    missing.backup.cross_region = Some(CrossRegion {
        last_copied_at: None,
        status: CrossRegionStatus::Pending,
    });
    assert!(kinds(&missing, HOUR).contains(&FlagKind::CrossRegionLagging));

    let mut pending = dedicated();
    pending.backup.cross_region.as_mut().unwrap().status = CrossRegionStatus::Pending;
    assert!(
        kinds(&pending, HOUR).is_empty(),
        "pending with a recent copy is fine"
    );
}

#[test]
fn cross_region_is_never_judged_on_standard() {
    let mut t = standard();
    t.backup.cross_region = None;
    assert!(kinds(&t, DAY).is_empty());
}

#[test]
fn retention_exceeded_one_day_past_retention() {
    let mut t = standard();
    t.backup.oldest_restore_point_at = Some(now() - Duration::days(31));
    assert!(!kinds(&t, DAY).contains(&FlagKind::RetentionExceeded));
    t.backup.oldest_restore_point_at = Some(now() - Duration::days(31) - Duration::seconds(1));
    let h = evaluate(&t, facts(DAY), &ctx());
    assert_eq!(h.level, Level::Amber);
    assert!(
        h.flags[0].explanation.contains("retention is 30d"),
        "{}",
        h.flags[0].explanation
    );
}

#[test]
fn history_short_against_retention_for_old_tenants() {
    let mut t = standard();
    t.backup.oldest_restore_point_at = Some(now() - Duration::days(29));
    assert!(
        !kinds(&t, DAY).contains(&FlagKind::HistoryShort),
        "exactly retention − 1 day"
    );
    t.backup.oldest_restore_point_at = Some(now() - Duration::days(29) + Duration::seconds(1));
    assert!(kinds(&t, DAY).contains(&FlagKind::HistoryShort));
}

#[test]
fn history_short_against_age_for_young_tenants() {
    let mut t = dedicated();
    t.created_at = now() - Duration::days(10);
    t.backup.oldest_restore_point_at = Some(now() - Duration::days(9));
    assert!(!kinds(&t, HOUR).contains(&FlagKind::HistoryShort));
    t.backup.oldest_restore_point_at = Some(now() - Duration::days(9) + Duration::seconds(1));
    assert!(kinds(&t, HOUR).contains(&FlagKind::HistoryShort));
    // Under a day old: nothing can be short yet.
    t.created_at = now() - Duration::hours(20);
    t.backup.oldest_restore_point_at = Some(now() - Duration::minutes(10));
    assert!(!kinds(&t, HOUR).contains(&FlagKind::HistoryShort));
}

/// A daily Standard tenant, a year old, holding `held` points, with its runs listed.
fn daily_with(held: u64) -> (Tenant, crate::domain::run_times::RunTimes) {
    let mut t = standard();
    t.backup.restore_point_count = held;
    let schedule =
        crate::domain::schedule::CronSchedule::parse(&t.backup.schedule.cron, "UTC").unwrap();
    let runs = crate::domain::run_times::RunTimes::list(
        &schedule,
        now() - Duration::days(100),
        now() + Duration::days(2),
    );
    (t, runs)
}

#[test]
fn history_short_when_fewer_than_ninety_percent_of_due_points_less_one_are_held() {
    // 30 days back from 03:10 hold 30 runs at 02:00. 0.9 × 30 − 1 = 26: 26 held is enough.
    let (t, runs) = daily_with(26);
    let with_runs = ScheduleFacts {
        interval: DAY,
        runs: Some(&runs),
    };
    assert!(!evaluate(&t, with_runs, &ctx()).has(FlagKind::HistoryShort));
    let (t, _) = daily_with(25);
    let h = evaluate(&t, with_runs, &ctx());
    assert_eq!(h.level, Level::Amber);
    let flag = &h.flags[0];
    assert_eq!(flag.kind, FlagKind::HistoryShort);
    assert!(
        flag.explanation
            .starts_with("25 restore points where 30 were due"),
        "{}",
        flag.explanation
    );
}

#[test]
fn history_counts_against_the_window_of_a_young_tenant() {
    // 12 days old: 12 runs due; 0.9 × 12 − 1 = 9.8, so 10 held is enough and 9 is short.
    let (mut t, runs) = daily_with(10);
    t.created_at = now() - Duration::days(12);
    t.backup.oldest_restore_point_at = Some(now() - Duration::days(11));
    let with_runs = ScheduleFacts {
        interval: DAY,
        runs: Some(&runs),
    };
    assert!(!evaluate(&t, with_runs, &ctx()).has(FlagKind::HistoryShort));
    t.backup.restore_point_count = 9;
    assert!(evaluate(&t, with_runs, &ctx()).has(FlagKind::HistoryShort));
    // A tenant an hour old has one run due at most and cannot be short.
    t.created_at = now() - Duration::hours(2);
    t.backup.oldest_restore_point_at = Some(now() - Duration::hours(1));
    t.backup.restore_point_count = 0;
    assert!(!evaluate(&t, with_runs, &ctx()).has(FlagKind::HistoryShort));
}

#[test]
fn history_count_is_skipped_when_the_runs_are_unknown() {
    let (t, _) = daily_with(1);
    assert!(!evaluate(&t, facts(DAY), &ctx()).has(FlagKind::HistoryShort));
}

#[test]
fn recheck_follows_the_runs_a_history_count_depends_on() {
    let (t, runs) = daily_with(30);
    let with_runs = ScheduleFacts {
        interval: DAY,
        runs: Some(&runs),
    };
    let h = evaluate(&t, with_runs, &ctx());
    // Tomorrow's 02:00 run is due before anything else can change.
    let tomorrow = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap();
    assert!(
        h.recheck_at.is_some_and(|at| at <= tomorrow),
        "{:?}",
        h.recheck_at
    );
}

#[test]
fn no_copy_is_missing_before_the_first_point_is_a_day_old() {
    // A new Dedicated tenant (or a restored spoke): its first point 2 h old, nothing copied.
    let mut t = dedicated();
    t.created_at = now() - Duration::hours(3);
    t.backup.oldest_restore_point_at = Some(now() - Duration::hours(2));
    t.backup.cross_region = None;
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert!(!h.has(FlagKind::CrossRegionLagging), "{:?}", h.flags);
    // No point at all: nothing to copy either.
    let mut empty = t.clone();
    empty.backup.oldest_restore_point_at = None;
    empty.backup.last_success = None;
    assert!(!evaluate(&empty, facts(HOUR), &ctx()).has(FlagKind::CrossRegionLagging));
    // A day and a moment after its first point, still nothing copied: lagging.
    t.backup.oldest_restore_point_at = Some(now() - Duration::hours(24) - Duration::seconds(1));
    assert!(evaluate(&t, facts(HOUR), &ctx()).has(FlagKind::CrossRegionLagging));
    // A failed copy is lagging at once, whatever the age.
    t.backup.oldest_restore_point_at = Some(now() - Duration::hours(2));
    t.backup.cross_region = Some(CrossRegion {
        last_copied_at: None,
        status: CrossRegionStatus::Failed,
    });
    assert!(evaluate(&t, facts(HOUR), &ctx()).has(FlagKind::CrossRegionLagging));
}
