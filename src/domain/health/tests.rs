//! Every flag at and around its boundary.

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

#[test]
fn healthy_tenants_are_ok_with_no_flags() {
    let h = evaluate(&dedicated(), facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Ok);
    assert!(h.flags.is_empty());
    assert_eq!(evaluate(&standard(), facts(DAY), &ctx()).level, Level::Ok);
}

#[test]
fn never_backed_up_only_after_one_schedule_interval() {
    let mut t = dedicated();
    t.backup.last_success = None;
    t.backup.oldest_restore_point_at = None;
    t.created_at = now() - Duration::hours(1);
    assert!(
        !kinds(&t, HOUR).contains(&FlagKind::NeverBackedUp),
        "exactly one interval old"
    );
    t.created_at = now() - Duration::hours(1) - Duration::seconds(1);
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Red);
    assert_eq!(h.flags[0].kind, FlagKind::NeverBackedUp);
    assert!(
        h.flags[0].explanation.contains("created 1h ago"),
        "{}",
        h.flags[0].explanation
    );
    assert!(!h.has(FlagKind::HistoryShort), "no points, none lost");
}

#[test]
fn first_backup_pending_until_one_interval_then_never_backed_up() {
    let mut t = standard();
    t.backup.last_success = None;
    t.backup.oldest_restore_point_at = None;
    t.created_at = now() - Duration::hours(10);
    t.backup.schedule.next_run_at = Some(now() + Duration::hours(14));
    let h = evaluate(&t, facts(DAY), &ctx());
    assert_eq!(h.level, Level::Info, "never '✓ no flags' over no backup");
    assert_eq!(h.flags[0].kind, FlagKind::FirstBackupPending);
    let words = &h.flags[0].explanation;
    assert!(words.contains("created 10h ago"), "{words}");
    assert!(
        words.contains("runs at 2026-11-26 17:10 UTC (in 14h)"),
        "{words}"
    );
    // Exactly one interval old: still pending; a second later: red.
    t.created_at = now() - Duration::hours(24);
    assert!(kinds(&t, DAY).contains(&FlagKind::FirstBackupPending));
    t.created_at = now() - Duration::hours(24) - Duration::seconds(1);
    let kinds = kinds(&t, DAY);
    assert!(kinds.contains(&FlagKind::NeverBackedUp), "{kinds:?}");
    assert!(!kinds.contains(&FlagKind::FirstBackupPending), "{kinds:?}");
}

#[test]
fn first_backup_pending_says_when_its_run_is_late_or_unknown() {
    let mut t = standard();
    t.backup.last_success = None;
    t.created_at = now() - Duration::hours(2);
    t.backup.schedule.next_run_at = Some(now() - Duration::minutes(5));
    let h = evaluate(&t, facts(DAY), &ctx());
    let pending = h
        .flags
        .iter()
        .find(|f| f.kind == FlagKind::FirstBackupPending);
    assert!(pending.unwrap().explanation.contains("was due at"), "{h:?}");
    t.backup.schedule.next_run_at = None;
    let h = evaluate(&t, facts(DAY), &ctx());
    let pending = h
        .flags
        .iter()
        .find(|f| f.kind == FlagKind::FirstBackupPending);
    assert!(
        pending.unwrap().explanation.contains("does not say"),
        "{h:?}"
    );
}

#[test]
fn never_backed_up_falls_back_to_a_day_when_the_cron_is_unreadable() {
    let mut t = standard();
    t.backup.last_success = None;
    t.created_at = now() - Duration::hours(24);
    assert!(!kinds(&t, None).contains(&FlagKind::NeverBackedUp));
    t.created_at = now() - Duration::hours(25);
    assert!(kinds(&t, None).contains(&FlagKind::NeverBackedUp));
}

#[test]
fn rpo_breached_exactly_at_rpo_is_not_a_breach_one_second_past_is() {
    let mut t = dedicated();
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::hours(1);
    assert!(!kinds(&t, HOUR).contains(&FlagKind::RpoBreached));
    t.backup.last_success.as_mut().unwrap().taken_at =
        now() - Duration::hours(1) - Duration::seconds(1);
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Red);
    assert!(h.has(FlagKind::RpoBreached));
    assert!(
        h.flags[0].explanation.contains("Dedicated RPO is 1h"),
        "{}",
        h.flags[0].explanation
    );
}

#[test]
fn rpo_of_standard_is_a_day() {
    let mut t = standard();
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::hours(24);
    assert!(!kinds(&t, DAY).contains(&FlagKind::RpoBreached));
    t.backup.last_success.as_mut().unwrap().taken_at =
        now() - Duration::hours(24) - Duration::seconds(1);
    assert!(kinds(&t, DAY).contains(&FlagKind::RpoBreached));
}

#[test]
fn last_snapshot_failed_for_failed_and_partial_only() {
    let mut t = dedicated();
    for (status, flagged) in [
        (AttemptStatus::Failed, true),
        (AttemptStatus::Partial, true),
        (AttemptStatus::Succeeded, false),
        (AttemptStatus::Running, false),
        (AttemptStatus::Unknown("exploded".into()), false),
    ] {
        let attempt = t.backup.last_attempt.as_mut().unwrap();
        attempt.status = status.clone();
        attempt.error = Some("CSI driver timeout".into());
        let h = evaluate(&t, facts(HOUR), &ctx());
        assert_eq!(h.has(FlagKind::LastSnapshotFailed), flagged, "{status:?}");
        if flagged {
            assert_eq!(h.level, Level::Amber);
            assert!(h.flags[0].explanation.contains("CSI driver timeout"));
        }
    }
}

#[test]
fn schedule_overdue_after_fifteen_minutes_past_next_run() {
    let mut t = dedicated();
    t.backup.schedule.next_run_at = Some(now() - Duration::minutes(15));
    assert!(!kinds(&t, HOUR).contains(&FlagKind::ScheduleOverdue));
    t.backup.schedule.next_run_at = Some(now() - Duration::minutes(15) - Duration::seconds(1));
    assert_eq!(kinds(&t, HOUR), vec![FlagKind::ScheduleOverdue]);
}

#[test]
fn schedule_overdue_when_a_snapshot_is_not_ready_thirty_minutes_after_its_run() {
    let mut t = dedicated();
    let attempt = t.backup.last_attempt.as_mut().unwrap();
    attempt.status = AttemptStatus::Running;
    attempt.taken_at = now() - Duration::minutes(30);
    assert!(!kinds(&t, HOUR).contains(&FlagKind::ScheduleOverdue));
    t.backup.last_attempt.as_mut().unwrap().taken_at =
        now() - Duration::minutes(30) - Duration::seconds(1);
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert!(h.has(FlagKind::ScheduleOverdue));
    assert!(h.flags[0].explanation.contains("still not ready"));
}

#[test]
fn schedule_misses_rpo_when_interval_longer_than_rpo() {
    let mut t = dedicated();
    assert!(
        !kinds(&t, HOUR).contains(&FlagKind::ScheduleMissesRpo),
        "equal is fine"
    );
    t.backup.schedule.cron = "0 3 * * *".into();
    let h = evaluate(&t, facts(DAY), &ctx());
    assert_eq!(h.level, Level::Amber);
    assert!(h.has(FlagKind::ScheduleMissesRpo));
    assert!(
        h.flags[0].explanation.contains("every 1d"),
        "{}",
        h.flags[0].explanation
    );
    assert!(!kinds(&t, Some(Duration::hours(1) + Duration::seconds(1))).is_empty());
    assert!(
        !kinds(&t, None).contains(&FlagKind::ScheduleMissesRpo),
        "unknown interval"
    );
    // Weekdays-only daily on Standard: the weekend gap (72 h) is longer than 24 h.
    assert!(kinds(&standard(), Some(Duration::hours(72))).contains(&FlagKind::ScheduleMissesRpo));
}

#[test]
fn pair_incoherent_over_three_hundred_seconds_either_way() {
    let mut t = dedicated();
    for (skew, flagged) in [(300, false), (301, true), (-301, true), (-300, false)] {
        t.backup.last_success.as_mut().unwrap().skew_seconds = skew;
        assert_eq!(
            kinds(&t, HOUR).contains(&FlagKind::PairIncoherent),
            flagged,
            "skew {skew}"
        );
    }
}

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

#[test]
fn restore_running_is_info() {
    let mut t = dedicated();
    t.active_restore_id = Some("rst_41c".into());
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Info);
    assert!(h.flags[0].explanation.contains("rst_41c"));
}

#[test]
fn data_stale_after_two_refresh_intervals() {
    let mut t = dedicated();
    t.observed_at = Some(now() - Duration::seconds(60));
    assert!(kinds(&t, HOUR).is_empty());
    t.observed_at = Some(now() - Duration::seconds(61));
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Unknown, "fine when last seen, unknown now");
    assert_eq!(kinds(&t, HOUR), vec![FlagKind::DataStale]);
    assert_eq!(h.recheck_at, None, "only news can change a stale tenant");
}

#[test]
fn a_stale_tenant_is_judged_as_of_when_it_was_last_observed() {
    // Backed up 10 min before it was last seen, 50 min ago: the RPO has lapsed since, but
    // silence is no evidence of a breach.
    let mut t = dedicated();
    t.observed_at = Some(now() - Duration::minutes(50));
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::minutes(60);
    t.backup.schedule.next_run_at = Some(now() - Duration::minutes(40));
    assert_eq!(kinds(&t, HOUR), vec![FlagKind::DataStale]);
    // Already in breach when last seen: red outranks stale, and stale is said beside it.
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::hours(3);
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Red);
    assert_eq!(
        h.flags.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![FlagKind::RpoBreached, FlagKind::DataStale]
    );
    assert!(
        h.flags[0].explanation.contains("is 2h 10m old"),
        "judged at the observation: {}",
        h.flags[0].explanation
    );
}

#[test]
fn level_order_is_that_of_a_monitoring_check() {
    assert!(Level::Red > Level::Unknown);
    assert!(Level::Unknown > Level::Amber);
    assert!(Level::Amber > Level::Info && Level::Info > Level::Ok);
    let mut sorted = Level::ALL;
    sorted.sort();
    assert_eq!(sorted, Level::ALL);
    let mut headline = Level::HEADLINE;
    headline.sort_by(|a, b| b.cmp(a));
    assert_eq!(headline, Level::HEADLINE, "headline reads worst first");
}

#[test]
fn an_amber_stale_tenant_is_unknown_with_both_flags() {
    let mut t = dedicated();
    t.observed_at = Some(now() - Duration::minutes(5));
    t.backup.last_success.as_mut().unwrap().skew_seconds = 400;
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Unknown);
    assert_eq!(
        h.flags.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![FlagKind::DataStale, FlagKind::PairIncoherent]
    );
}

#[test]
fn level_is_the_worst_flag_and_flags_are_worst_first() {
    let mut t = dedicated();
    t.active_restore_id = Some("rst_1".into());
    t.backup.last_success.as_mut().unwrap().skew_seconds = 900;
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::hours(3);
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Red);
    let levels: Vec<Level> = h.flags.iter().map(Flag::level).collect();
    assert_eq!(levels, vec![Level::Red, Level::Amber, Level::Info]);
}

#[test]
fn unknown_tier_skips_tier_rules_says_so_and_keeps_the_rest() {
    let mut t = dedicated();
    t.tier = Tier::Unknown("gold".into());
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::days(3);
    t.backup.last_success.as_mut().unwrap().skew_seconds = 400;
    assert_eq!(
        kinds(&t, DAY),
        vec![FlagKind::CannotTell, FlagKind::PairIncoherent]
    );
    let h = evaluate(&t, facts(DAY), &ctx());
    assert_eq!(h.level, Level::Unknown);
    assert!(
        h.flags[0]
            .explanation
            .contains("`gold` is not a tier snapdeck knows")
    );
}

#[test]
fn levels_and_flags_have_distinct_glyphs_words_and_ids() {
    use std::collections::HashSet;
    let glyphs: HashSet<_> = Level::ALL.iter().map(|l| l.glyph()).collect();
    let words: HashSet<_> = Level::ALL.iter().map(|l| l.word()).collect();
    assert_eq!((glyphs.len(), words.len()), (5, 5));
    let ids: HashSet<_> = FlagKind::ALL.iter().map(|k| k.id()).collect();
    let shorts: HashSet<_> = FlagKind::ALL.iter().map(|k| k.short()).collect();
    assert_eq!((ids.len(), shorts.len()), (16, 16));
}

#[test]
fn flags_serialise_with_id_level_and_explanation() {
    let mut t = dedicated();
    t.active_restore_id = Some("rst_9".into());
    let json = serde_json::to_value(evaluate(&t, facts(HOUR), &ctx())).unwrap();
    assert_eq!(json["level"], "info");
    assert_eq!(json["flags"][0]["id"], "restore_running");
    assert_eq!(json["flags"][0]["level"], "info");
    assert!(
        json["flags"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("rst_9")
    );
}

#[test]
fn a_silent_source_makes_every_row_stale() {
    let t = dedicated();
    let quiet = HealthContext {
        source_heard_at: Some(now() - Duration::minutes(5)),
        drill_max_age: None,
        ..ctx()
    };
    assert_eq!(evaluate(&t, facts(HOUR), &quiet).level, Level::Unknown);
    let mut unobserved = dedicated();
    unobserved.observed_at = None;
    assert_eq!(evaluate(&unobserved, facts(HOUR), &ctx()).level, Level::Ok);
}

/// A Dedicated tenant whose last success is 1 h 10 min old, with a run in flight.
fn renewing(started_after_success: Duration, running_for: Duration) -> Tenant {
    let mut t = dedicated();
    let success = now() - Duration::minutes(70);
    t.backup.last_success.as_mut().unwrap().taken_at = success;
    let attempt = t.backup.last_attempt.as_mut().unwrap();
    attempt.status = AttemptStatus::Running;
    attempt.taken_at = success + started_after_success;
    // The run is measured from its start; keep "now" consistent with it.
    let _ = running_for;
    t
}

fn rpo_ctx_at(t: &Tenant, running_for: Duration) -> HealthContext {
    let started = t.backup.last_attempt.as_ref().unwrap().taken_at;
    HealthContext {
        now: started + running_for,
        source_heard_at: Some(started + running_for),
        drill_max_age: None,
        ..ctx()
    }
}

#[test]
fn rpo_is_not_breached_while_the_on_time_renewing_run_is_in_flight() {
    // Started exactly at last success + RPO, running 30 min: still in flight and on time.
    let t = renewing(Duration::hours(1), Duration::minutes(30));
    let mut observed = t.clone();
    observed.observed_at = None;
    let ctx = rpo_ctx_at(&observed, Duration::minutes(30));
    let h = evaluate(&observed, facts(HOUR), &ctx);
    assert!(!h.has(FlagKind::RpoBreached), "{:?}", h.flags);
    // One second past 30 min: the run is stuck, and the breach shows.
    let ctx = rpo_ctx_at(&observed, Duration::minutes(30) + Duration::seconds(1));
    let h = evaluate(&observed, facts(HOUR), &ctx);
    assert!(h.has(FlagKind::RpoBreached));
    assert_eq!(h.level, Level::Red);
}

#[test]
fn a_run_started_after_the_rpo_lapsed_does_not_exempt_the_breach() {
    let mut t = renewing(
        Duration::hours(1) + Duration::seconds(1),
        Duration::minutes(5),
    );
    t.observed_at = None;
    let ctx = rpo_ctx_at(&t, Duration::minutes(5));
    assert!(evaluate(&t, facts(HOUR), &ctx).has(FlagKind::RpoBreached));
}

#[test]
fn only_a_running_attempt_exempts_the_breach() {
    let mut t = renewing(Duration::minutes(59), Duration::minutes(5));
    t.observed_at = None;
    t.backup.last_attempt.as_mut().unwrap().status = AttemptStatus::Failed;
    let ctx = rpo_ctx_at(&t, Duration::minutes(15));
    assert!(evaluate(&t, facts(HOUR), &ctx).has(FlagKind::RpoBreached));
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
fn recheck_is_the_next_instant_a_rule_can_flip() {
    // Seen now, refreshed every 30 s: stale in a minute, before anything else.
    let h = evaluate(&dedicated(), facts(HOUR), &ctx());
    let silent = now() + Duration::minutes(1) + Duration::milliseconds(1);
    assert_eq!(h.recheck_at, Some(silent));
    // Unobserved: backed up 10 min ago, the RPO lapses in 50 min, before anything else.
    let mut unobserved = dedicated();
    unobserved.observed_at = None;
    let unheard = HealthContext {
        source_heard_at: None,
        drill_max_age: None,
        ..ctx()
    };
    let h = evaluate(&unobserved, facts(HOUR), &unheard);
    let lapse = now() + Duration::minutes(50) + Duration::milliseconds(1);
    assert_eq!(h.recheck_at, Some(lapse));
    // Judged again at that instant, the breach shows (no earlier instant was missed).
    let later = HealthContext {
        now: lapse,
        source_heard_at: Some(lapse),
        drill_max_age: None,
        ..ctx()
    };
    let mut t = dedicated();
    t.observed_at = Some(lapse);
    // The run due at that instant has two refresh intervals to be reported started: the
    // breach waits for them, and the recheck is when they end.
    let h = evaluate(&t, facts(HOUR), &later);
    assert!(!h.has(FlagKind::RpoBreached));
    let reported = now() + Duration::minutes(51) + Duration::milliseconds(1);
    assert_eq!(h.recheck_at, Some(reported));
    let unreported = HealthContext {
        now: reported,
        source_heard_at: Some(reported),
        drill_max_age: None,
        ..ctx()
    };
    t.observed_at = Some(reported);
    assert!(evaluate(&t, facts(HOUR), &unreported).has(FlagKind::RpoBreached));
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
fn absurd_instants_from_outside_never_overflow() {
    let mut t = dedicated();
    t.backup.last_success.as_mut().unwrap().taken_at = DateTime::<Utc>::MAX_UTC;
    t.backup.last_success.as_mut().unwrap().skew_seconds = i64::MIN;
    t.backup.oldest_restore_point_at = Some(DateTime::<Utc>::MIN_UTC);
    t.backup.schedule.next_run_at = Some(DateTime::<Utc>::MAX_UTC);
    t.created_at = DateTime::<Utc>::MIN_UTC;
    t.backup.retention_days = u32::MAX;
    t.backup.restore_point_count = u64::MAX;
    let _ = evaluate(&t, facts(HOUR), &ctx());
}

#[test]
fn a_spoke_still_being_restored_into_is_not_flagged_for_backups_it_cannot_have_yet() {
    let mut t = dedicated();
    t.backup.last_success = None;
    t.backup.oldest_restore_point_at = None;
    t.backup.cross_region = None;
    t.created_at = now() - Duration::days(3);
    t.state = TenantState::Restoring;
    let flagged = kinds(&t, HOUR);
    assert!(!flagged.contains(&FlagKind::NeverBackedUp), "{flagged:?}");
    assert!(
        !flagged.contains(&FlagKind::CrossRegionLagging),
        "{flagged:?}"
    );
    t.state = TenantState::Active;
    assert!(kinds(&t, HOUR).contains(&FlagKind::NeverBackedUp));
}

/// A Dedicated hourly tenant whose last success was at 02:00 and whose 03:00 run the source
/// has not yet reported, judged `late` after 03:00 + RPO slack.
fn due_at(late: Duration) -> (Tenant, HealthContext) {
    let mut t = dedicated();
    let success = Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap();
    let due = success + Duration::hours(1);
    t.backup.last_success.as_mut().unwrap().taken_at = success;
    t.backup.last_attempt.as_mut().unwrap().taken_at = success;
    t.backup.schedule.next_run_at = Some(due);
    t.observed_at = None;
    let ctx = HealthContext {
        now: due + late,
        source_heard_at: Some(due + late),
        drill_max_age: None,
        ..ctx()
    };
    (t, ctx)
}

#[test]
fn a_run_that_is_due_is_exempt_for_two_refresh_intervals_then_the_breach_shows() {
    // The refresh interval is 30 s: the source has until 03:01:00 to say the run started.
    for late in [
        Duration::seconds(1),
        Duration::seconds(59),
        Duration::seconds(60),
    ] {
        let (t, ctx) = due_at(late);
        let h = evaluate(&t, facts(HOUR), &ctx);
        assert!(!h.has(FlagKind::RpoBreached), "{late}: {:?}", h.flags);
        // Re-judged when the window closes, not only at the next news.
        assert!(
            h.recheck_at
                .is_some_and(|at| at <= ctx.now + Duration::seconds(61))
        );
    }
    let (t, ctx) = due_at(Duration::seconds(61));
    assert!(evaluate(&t, facts(HOUR), &ctx).has(FlagKind::RpoBreached));
}

#[test]
fn a_run_the_source_fired_but_whose_job_has_not_started_is_due_too() {
    // The 03:00 run fired on the source (next_run_at moved to 04:00) and its job is not
    // reported yet; the point was taken 19 s after 02:00, as jobs start.
    for listed in [false, true] {
        let (mut t, mut ctx) = due_at(Duration::seconds(30));
        let success = t.backup.last_success.as_ref().unwrap().taken_at + Duration::seconds(19);
        t.backup.last_success.as_mut().unwrap().taken_at = success;
        t.backup.last_attempt.as_mut().unwrap().taken_at = success;
        let fired = success - Duration::seconds(19) + Duration::hours(1);
        t.backup.schedule.next_run_at = Some(fired + Duration::hours(1));
        let runs = crate::domain::run_times::RunTimes::list(
            &crate::domain::schedule::CronSchedule::parse("0 * * * *", "UTC").unwrap(),
            fired - Duration::days(1),
            fired + Duration::days(1),
        );
        let facts = || ScheduleFacts {
            interval: HOUR,
            runs: listed.then_some(&runs),
        };
        ctx.now = fired + Duration::seconds(30);
        let h = evaluate(&t, facts(), &ctx);
        assert!(!h.has(FlagKind::RpoBreached), "{listed}: {:?}", h.flags);
        assert!(
            h.recheck_at
                .is_some_and(|at| at <= fired + Duration::seconds(61))
        );
        // Two refresh intervals on, still not reported: the breach shows.
        ctx.now = fired + Duration::seconds(61);
        assert!(evaluate(&t, facts(), &ctx).has(FlagKind::RpoBreached));
        // Reported failed: judged by the report, at once.
        ctx.now = fired + Duration::seconds(30);
        let mut failed = t.clone();
        failed.backup.last_attempt = Some(LastAttempt {
            restore_point_id: "rp_2".into(),
            taken_at: fired + Duration::seconds(19),
            status: AttemptStatus::Failed,
            error: Some("pg_dump: connection refused".into()),
        });
        assert!(evaluate(&failed, facts(), &ctx).has(FlagKind::RpoBreached));
    }
}

#[test]
fn a_due_run_that_would_renew_the_point_late_does_not_exempt_the_breach() {
    // The run due now is already past last success + RPO: the breach is real.
    let (mut t, ctx) = due_at(Duration::seconds(10));
    let last = t.backup.last_success.as_mut().unwrap();
    last.taken_at -= Duration::minutes(1);
    assert!(evaluate(&t, facts(HOUR), &ctx).has(FlagKind::RpoBreached));
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

/// The flag of `kind` the health holds (the test fails when it has none).
fn the_flag(h: &Health, kind: FlagKind) -> &Flag {
    h.flags
        .iter()
        .find(|f| f.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} among {:?}", h.flags))
}

fn drilled(result: crate::domain::drill::DrillResult, ago: Duration, took: Duration) -> Tenant {
    let mut t = dedicated();
    t.backup.last_drill = Some(crate::domain::drill::LastDrill {
        restore_id: "rst_d1".into(),
        restore_point_id: Some("rp_77a".into()),
        point_taken_at: Some(now() - ago - took - Duration::hours(1)),
        finished_at: now() - ago,
        result,
        summary: "moodledata: 37 of the 200 newest files missing".into(),
        restore_duration_seconds: Some(took.num_seconds()),
    });
    t
}

fn with_drills(max_age: Duration) -> HealthContext {
    HealthContext {
        drill_max_age: Some(max_age),
        ..ctx()
    }
}

#[test]
fn restore_untested_only_with_drills_set_up_and_just_after_max_age() {
    use crate::domain::drill::DrillResult;
    let month = Duration::days(30);
    let never = dedicated();
    assert!(!evaluate(&never, facts(HOUR), &ctx()).has(FlagKind::RestoreUntested));
    let h = evaluate(&never, facts(HOUR), &with_drills(month));
    let flag = the_flag(&h, FlagKind::RestoreUntested);
    assert!(
        flag.explanation
            .contains("No restore drill has ever been run"),
        "{flag:?}"
    );
    assert_eq!(flag.level(), Level::Amber);
    // A pass exactly max_age ago is still in time; a moment older is not.
    let at_limit = drilled(DrillResult::Passed, month, Duration::hours(1));
    let h = evaluate(&at_limit, facts(HOUR), &with_drills(month));
    assert!(!h.has(FlagKind::RestoreUntested), "{:?}", h.flags);
    assert!(
        h.recheck_at
            .is_some_and(|at| at <= now() + Duration::milliseconds(1))
    );
    let older = drilled(
        DrillResult::Passed,
        month + Duration::seconds(1),
        Duration::hours(1),
    );
    let h = evaluate(&older, facts(HOUR), &with_drills(month));
    let flag = the_flag(&h, FlagKind::RestoreUntested);
    assert!(
        flag.explanation.contains("drills are due every 30d"),
        "{flag:?}"
    );
    // A last drill that failed is flagged as such, not as untested.
    let failed = drilled(DrillResult::Failed, Duration::days(40), Duration::hours(1));
    let h = evaluate(&failed, facts(HOUR), &with_drills(month));
    assert!(!h.has(FlagKind::RestoreUntested));
    assert!(h.has(FlagKind::LastDrillFailed));
    // A tenant read from a cluster cannot know its drills, and a restore's target is no
    // customer's site: never untested.
    let mut target = dedicated();
    target.restore_of = Some(TenantId("ten_2".into()));
    assert!(!evaluate(&target, facts(HOUR), &with_drills(month)).has(FlagKind::RestoreUntested));
    let mut cluster = dedicated();
    cluster.cluster = Some(Box::default());
    assert!(!evaluate(&cluster, facts(HOUR), &with_drills(month)).has(FlagKind::RestoreUntested));
}

#[test]
fn last_drill_failed_says_when_which_point_and_why_until_a_drill_passes() {
    use crate::domain::drill::DrillResult;
    let failed = drilled(DrillResult::Failed, Duration::days(12), Duration::hours(1));
    let h = evaluate(&failed, facts(HOUR), &ctx());
    let flag = the_flag(&h, FlagKind::LastDrillFailed);
    assert_eq!(
        flag.explanation,
        "The restore drill on 2026-11-14 03:10 UTC (point rp_77a, taken 2026-11-14 01:10 UTC) \
         failed: moodledata: 37 of the 200 newest files missing."
    );
    for result in [DrillResult::Passed, DrillResult::Warning] {
        let t = drilled(result, Duration::days(12), Duration::hours(1));
        assert!(!evaluate(&t, facts(HOUR), &ctx()).has(FlagKind::LastDrillFailed));
    }
}

#[test]
fn drill_over_rto_just_past_the_tiers_rto() {
    use crate::domain::drill::DrillResult;
    let rto = Duration::hours(4);
    let at = drilled(DrillResult::Passed, Duration::days(2), rto);
    assert!(!evaluate(&at, facts(HOUR), &ctx()).has(FlagKind::DrillOverRto));
    let over = drilled(
        DrillResult::Passed,
        Duration::days(2),
        rto + Duration::seconds(1),
    );
    assert!(evaluate(&over, facts(HOUR), &ctx()).has(FlagKind::DrillOverRto));
    let over = drilled(
        DrillResult::Passed,
        Duration::days(2),
        rto + Duration::minutes(7),
    );
    let h = evaluate(&over, facts(HOUR), &ctx());
    let flag = the_flag(&h, FlagKind::DrillOverRto);
    assert!(
        flag.explanation.contains("took 4h 7m to restore"),
        "{flag:?}"
    );
    assert!(flag.explanation.contains("Dedicated RTO of 4h"), "{flag:?}");
    // Standard's 8 business hours are compared as hours of restoring.
    let mut standard = drilled(DrillResult::Passed, Duration::days(2), Duration::hours(9));
    standard.tier = Tier::Standard;
    let h = evaluate(&standard, facts(DAY), &ctx());
    let flag = the_flag(&h, FlagKind::DrillOverRto);
    assert!(
        flag.explanation.contains("RTO of 8 business hours"),
        "{flag:?}"
    );
}
