//! The newest point and its schedule: never backed up, the RPO (and the runs that exempt a
//! breach while they renew the point), failed or stuck snapshots, the schedule, the pair.

use super::*;

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
