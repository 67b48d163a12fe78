//! Schedule: the backup CronJob read into the tenant's schedule (its zone, its next run,
//! suspended or stuck), and a CronJob that cannot be read, or is missing or doubled, named.

use super::*;

#[test]
fn the_schedule_is_the_cron_jobs_in_utc_by_default() {
    let mut c = cron("0 2 * * *");
    c.last_scheduled = Some(at(2, 0, 0));
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert_eq!(
        t.backup.schedule,
        BackupSchedule {
            cron: "0 2 * * *".into(),
            timezone: "UTC".into(),
            next_run_at: Some(Utc.with_ymd_and_hms(2026, 11, 29, 2, 0, 0).unwrap()),
        }
    );
    assert!(!view(&t).suspended);
}

#[test]
fn the_next_run_is_read_in_the_cron_jobs_time_zone() {
    let mut c = cron("0 2 * * *");
    c.time_zone = Some("America/New_York".to_string());
    c.last_scheduled = Some(at(7, 0, 0));
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert_eq!(t.backup.schedule.timezone, "America/New_York");
    assert_eq!(
        t.backup.schedule.next_run_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 29, 7, 0, 0).unwrap()),
        "02:00 in New York is 07:00 UTC in November"
    );
}

#[test]
fn the_next_run_follows_the_newest_of_last_schedule_newest_run_and_creation() {
    // The last schedule time is newest.
    let mut c = cron("0 * * * *");
    c.last_scheduled = Some(at(10, 0, 0));
    let objects = Ns::of(standard_ns())
        .cron(c.clone())
        .pair("r1", at(8, 0, 0), 10)
        .get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(11, 0, 0))
    );
    // A newer run (started by hand, say) than the last schedule time.
    let objects = Ns::of(standard_ns())
        .cron(c.clone())
        .pair("r1", at(10, 30, 0), 10)
        .get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(11, 0, 0))
    );
    let objects = Ns::of(standard_ns())
        .cron(c.clone())
        .pair("r1", at(11, 0, 0), 10)
        .get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(12, 0, 0))
    );
    // Never scheduled, no run: from the CronJob's creation.
    let mut fresh = cron("0 * * * *");
    fresh.created = Some(at(9, 30, 0));
    let objects = Ns::of(standard_ns()).cron(fresh).get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(10, 0, 0))
    );
    // Nothing known at all: from now.
    let mut unknown = cron("0 * * * *");
    unknown.created = None;
    let objects = Ns::of(standard_ns()).cron(unknown).get();
    assert_eq!(
        assemble(&objects).backup.schedule.next_run_at,
        Some(at(13, 0, 0))
    );
}

#[test]
fn a_suspended_cron_job_is_said_suspended_once_the_run_is_overdue() {
    let mut c = cron("0 * * * *");
    c.suspended = true;
    c.last_scheduled = Some(at(10, 0, 0));
    let objects = Ns::of(standard_ns())
        .cron(c)
        .pair("r1", at(10, 0, 0), 10)
        .get();
    let t = assemble(&objects);
    assert!(view(&t).suspended);
    assert_eq!(t.backup.schedule.next_run_at, Some(at(11, 0, 0)));
    let h = health(&t, Duration::hours(1));
    assert_eq!(
        explanation(&h, FlagKind::ScheduleOverdue),
        "The backup CronJob is suspended (spec.suspend: true): a backup was due 1h ago and none \
         will start until it is resumed."
    );
}

#[test]
fn a_suspended_cron_job_is_not_overdue_within_15_minutes() {
    let mut c = cron("0 * * * *");
    c.suspended = true;
    c.last_scheduled = Some(at(11, 0, 0));
    // Next run 11:00 + 1h = 12:00 = now: not late yet.
    let t = assemble(
        &Ns::of(standard_ns())
            .cron(c.clone())
            .pair("r1", at(11, 0, 0), 10)
            .get(),
    );
    assert!(view(&t).suspended);
    assert!(!health(&t, Duration::hours(1)).has(FlagKind::ScheduleOverdue));
    // 11:45 is exactly 15 min late at 12:00: still not overdue.
    let mut c = cron("45 * * * *");
    c.suspended = true;
    c.last_scheduled = Some(at(10, 45, 0));
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert_eq!(t.backup.schedule.next_run_at, Some(at(11, 45, 0)));
    assert!(!health(&t, Duration::hours(1)).has(FlagKind::ScheduleOverdue));
}

#[test]
fn a_stuck_scheduler_that_is_not_suspended_says_so_differently() {
    let mut c = cron("0 * * * *");
    c.last_scheduled = Some(at(10, 0, 0));
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert!(!view(&t).suspended);
    let h = health(&t, Duration::hours(1));
    let words = explanation(&h, FlagKind::ScheduleOverdue);
    assert!(
        words.starts_with("The scheduler should have started a backup 1h ago"),
        "{words}"
    );
}

#[test]
fn an_unparseable_schedule_is_unknown_and_names_the_cron_job() {
    let objects = Ns::of(standard_ns()).cron(cron("every night")).get();
    let t = assemble(&objects);
    assert_eq!(t.backup.schedule.cron, "every night");
    assert_eq!(t.backup.schedule.timezone, "UTC");
    assert_eq!(t.backup.schedule.next_run_at, None);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Schedule,
            "CronJob backup has a schedule that does not parse: cron expression \"every night\" \
             is not valid: it has 2 fields, but a schedule has 5: minute, hour, day of month, \
             month and day of week"
        )]
    );
    let h = health(&t, Duration::hours(24));
    assert!(
        explanations(&h, FlagKind::CannotTell)
            .iter()
            .any(|e| e.starts_with("schedule: unknown — CronJob backup has a schedule")),
        "{:?}",
        h.flags
    );
}

#[test]
fn an_unknown_time_zone_is_an_unknown_schedule_too() {
    let mut c = cron("0 2 * * *");
    c.time_zone = Some("Mars/Olympus_Mons".to_string());
    let t = assemble(&Ns::of(standard_ns()).cron(c).get());
    assert_eq!(t.backup.schedule.timezone, "Mars/Olympus_Mons");
    assert_eq!(t.backup.schedule.next_run_at, None);
    let reasons = unknowns_of(&t, Fact::Schedule);
    assert_eq!(reasons.len(), 1);
    assert!(
        reasons[0].starts_with(
            "CronJob backup has a schedule that does not parse: time zone \"Mars/Olympus_Mons\""
        ),
        "{}",
        reasons[0]
    );
}

#[test]
fn without_a_cron_job_the_schedule_is_unknown_and_names_the_component_label() {
    let t = assemble(&Ns::of(standard_ns()).pair("r1", ago(3600), 10).get());
    assert_eq!(
        t.backup.schedule,
        BackupSchedule {
            cron: Default::default(),
            timezone: Default::default(),
            next_run_at: None,
        }
    );
    assert!(!view(&t).suspended);
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Schedule,
            "no backup CronJob (label snapdeck.io/component=backup) in namespace moodle-a"
        )]
    );
}

#[test]
fn two_cron_jobs_are_an_unknown_naming_both_and_the_first_is_shown() {
    let mut second = cron("30 3 * * *");
    second.name = "backup-old".to_string();
    second.suspended = true;
    let objects = Ns::of(standard_ns())
        .cron(cron("0 2 * * *"))
        .cron(second)
        .get();
    let t = assemble(&objects);
    assert_eq!(t.backup.schedule.cron, "0 2 * * *");
    assert!(!view(&t).suspended, "the one shown is not suspended");
    assert_eq!(
        unknowns(&t),
        &[unknown(
            Fact::Schedule,
            "2 backup CronJobs (backup, backup-old); the schedule shown is backup's"
        )]
    );
}
