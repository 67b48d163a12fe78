//! Point status from the two halves, the backup summary made of the points, and
//! `points_of`, the same points for the tenant screen's history.

use super::*;

#[test]
fn both_halves_succeeded_make_a_succeeded_point_with_every_fact() {
    let mut d = ok_dump("r1", at(11, 0, 0));
    d.finished = Some(at(11, 2, 0));
    d.bytes = Some(1234);
    let mut s = ok_snap("r1", at(11, 0, 42));
    s.restore_bytes = Some(5678);
    let objects = Ns::of(standard_ns()).dump(d).snap(s).get();
    assert_eq!(
        points(&objects),
        vec![RestorePoint {
            id: "r1".into(),
            taken_at: at(11, 0, 0),
            status: PointStatus::Succeeded,
            database: DatabaseDump {
                status: PointStatus::Succeeded,
                started_at: Some(at(11, 0, 0)),
                finished_at: Some(at(11, 2, 0)),
                size_bytes: Some(1234),
                error: None,
            },
            volume: VolumeSnapshot {
                status: PointStatus::Succeeded,
                snapshot_name: "moodledata-r1".to_string(),
                created_at: Some(at(11, 0, 42)),
                ready_to_use: true,
                restore_size_bytes: Some(5678),
                error: None,
            },
            skew_seconds: 42,
            copies: Vec::new(),
            expires_at: None,
        }]
    );
    let t = assemble(&objects);
    assert_eq!(
        t.backup.last_success,
        Some(LastSuccess {
            restore_point_id: "r1".into(),
            taken_at: at(11, 0, 0),
            skew_seconds: 42,
        })
    );
    assert_eq!(
        t.backup.last_attempt,
        Some(LastAttempt {
            restore_point_id: "r1".into(),
            taken_at: at(11, 0, 0),
            status: AttemptStatus::Succeeded,
            error: None,
        })
    );
}

#[test]
fn a_failed_dump_makes_a_partial_point_and_the_job_message_reaches_the_attempt() {
    let objects = Ns::of(standard_ns())
        .dump(dump(
            "db-dump-r1",
            Some("r1"),
            at(11, 0, 0),
            failed("BackoffLimitExceeded: pg_dump: connection refused"),
        ))
        .snap(ok_snap("r1", at(11, 0, 10)))
        .get();
    let p = &points(&objects)[0];
    assert_eq!(p.status, PointStatus::Partial);
    assert_eq!(p.database.status, PointStatus::Failed);
    assert_eq!(
        p.database.error.as_deref(),
        Some("BackoffLimitExceeded: pg_dump: connection refused")
    );
    assert_eq!(p.volume.status, PointStatus::Succeeded);
    assert_eq!(p.volume.error, None);
    let t = assemble(&objects);
    assert_eq!(
        t.backup.last_attempt,
        Some(LastAttempt {
            restore_point_id: "r1".into(),
            taken_at: at(11, 0, 0),
            status: AttemptStatus::Partial,
            error: Some(
                "database dump: BackoffLimitExceeded: pg_dump: connection refused".to_string()
            ),
        })
    );
    assert_eq!(t.backup.last_success, None);
    assert_eq!(t.backup.restore_point_count, 0);
}

#[test]
fn a_failed_snapshot_makes_a_partial_point_and_its_error_reaches_the_attempt() {
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", at(11, 0, 0)))
        .snap(snap(
            "moodledata-r1",
            Some("r1"),
            at(11, 0, 10),
            failed("quota exceeded"),
        ))
        .get();
    let p = &points(&objects)[0];
    assert_eq!(p.status, PointStatus::Partial);
    assert_eq!(p.volume.status, PointStatus::Failed);
    assert!(!p.volume.ready_to_use);
    assert_eq!(p.volume.error.as_deref(), Some("quota exceeded"));
    let attempt = assemble(&objects).backup.last_attempt.unwrap();
    assert_eq!(attempt.status, AttemptStatus::Partial);
    assert_eq!(
        attempt.error.as_deref(),
        Some("volume snapshot: quota exceeded")
    );
}

#[test]
fn both_halves_failed_make_a_failed_point_with_both_messages() {
    let objects = Ns::of(standard_ns())
        .dump(dump(
            "db-dump-r1",
            Some("r1"),
            at(11, 0, 0),
            failed("DeadlineExceeded"),
        ))
        .snap(snap(
            "moodledata-r1",
            Some("r1"),
            at(11, 0, 10),
            failed("quota exceeded"),
        ))
        .get();
    assert_eq!(points(&objects)[0].status, PointStatus::Failed);
    let t = assemble(&objects);
    let attempt = t.backup.last_attempt.as_ref().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Failed);
    assert_eq!(
        attempt.error.as_deref(),
        Some("database dump: DeadlineExceeded; volume snapshot: quota exceeded")
    );
    let h = health(&t, Duration::hours(24));
    assert!(
        explanation(&h, FlagKind::LastSnapshotFailed)
            .contains("failed: database dump: DeadlineExceeded; volume snapshot: quota exceeded."),
        "{:?}",
        h.flags
    );
}

#[test]
fn a_running_half_makes_the_point_running() {
    let objects = Ns::of(standard_ns())
        .dump(dump("db-dump-r1", Some("r1"), ago(120), HalfState::Running))
        .snap(ok_snap("r1", ago(110)))
        .get();
    let p = &points(&objects)[0];
    assert_eq!(p.status, PointStatus::Running);
    assert_eq!(p.database.status, PointStatus::Running);
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", ago(120)))
        .snap(snap(
            "moodledata-r1",
            Some("r1"),
            ago(110),
            HalfState::Running,
        ))
        .get();
    let p = &points(&objects)[0];
    assert_eq!(p.status, PointStatus::Running);
    assert_eq!(p.volume.status, PointStatus::Running);
    assert!(!p.volume.ready_to_use);
    let attempt = assemble(&objects).backup.last_attempt.unwrap();
    assert_eq!(attempt.status, AttemptStatus::Running);
    assert_eq!(attempt.error, None);
}

#[test]
fn the_summary_counts_succeeded_points_and_names_the_newest_attempt() {
    let objects = Ns::of(standard_ns())
        .pair("r1", days_ago(3), 10)
        .pair("r2", days_ago(2), 20)
        .dump(dump(
            "db-dump-r3",
            Some("r3"),
            days_ago(1),
            failed("pg_dump: out of memory"),
        ))
        .snap(ok_snap("r3", days_ago(1) + Duration::seconds(5)))
        .pair("r4", ago(3600), 30)
        .dump(dump("db-dump-r5", Some("r5"), ago(60), HalfState::Running))
        .get();
    let t = assemble(&objects);
    let b = &t.backup;
    assert_eq!(
        b.last_success,
        Some(LastSuccess {
            restore_point_id: "r4".into(),
            taken_at: ago(3600),
            skew_seconds: 30,
        })
    );
    assert_eq!(
        b.last_attempt,
        Some(LastAttempt {
            restore_point_id: "r5".into(),
            taken_at: ago(60),
            status: AttemptStatus::Running,
            error: None,
        })
    );
    assert_eq!(b.oldest_restore_point_at, Some(days_ago(3)));
    assert_eq!(b.restore_point_count, 3, "r1, r2 and r4; not r3 nor r5");
    assert_eq!(b.retention_days, 30);
    assert_eq!(b.cross_region, None);
}

#[test]
fn the_oldest_restore_point_is_the_oldest_succeeded_one() {
    let objects = Ns::of(standard_ns())
        .dump(dump(
            "db-dump-r0",
            Some("r0"),
            days_ago(5),
            failed("DeadlineExceeded"),
        ))
        .snap(ok_snap("r0", days_ago(5)))
        .pair("r1", days_ago(4), 10)
        .get();
    assert_eq!(
        assemble(&objects).backup.oldest_restore_point_at,
        Some(days_ago(4))
    );
}

#[test]
fn retention_follows_the_tier() {
    assert_eq!(
        assemble(&Ns::of(standard_ns()).get()).backup.retention_days,
        30
    );
    assert_eq!(
        assemble(&Ns::of(dedicated_ns()).get())
            .backup
            .retention_days,
        90
    );
}

#[test]
fn a_tenant_without_points_has_an_empty_summary() {
    let t = assemble(&Ns::of(standard_ns()).cron(cron("0 2 * * *")).get());
    let b = &t.backup;
    assert_eq!(b.last_success, None);
    assert_eq!(b.last_attempt, None);
    assert_eq!(b.oldest_restore_point_at, None);
    assert_eq!(b.restore_point_count, 0);
    assert_eq!(unknowns(&t), &[] as &[Unknown]);
}

#[test]
fn points_of_gives_the_tenants_points_newest_first() {
    let objects = Ns::of(standard_ns())
        .cron(cron("0 2 * * *"))
        .pair("r2", days_ago(2), 10)
        .pair("r1", days_ago(3), 10)
        .pair("r4", ago(3600), 10)
        .dump(dump(
            "db-dump-r3",
            Some("r3"),
            days_ago(1),
            failed("DeadlineExceeded"),
        ))
        .snap(ok_snap("r3", days_ago(1)))
        .get();
    let listed = points(&objects);
    assert_eq!(ids(&listed), ["r4", "r3", "r2", "r1"]);
    assert!(listed.windows(2).all(|w| w[0].taken_at >= w[1].taken_at));
    let t = assemble(&objects);
    assert_eq!(
        t.backup.last_attempt.as_ref().unwrap().restore_point_id,
        listed[0].id
    );
    assert_eq!(t.backup.oldest_restore_point_at, Some(listed[3].taken_at));
}

#[test]
fn points_taken_at_the_same_instant_are_ordered_by_id() {
    let objects = Ns::of(standard_ns())
        .pair("r-b", days_ago(1), 10)
        .pair("r-a", days_ago(1), 10)
        .get();
    assert_eq!(ids(&points(&objects)), ["r-a", "r-b"]);
}

#[test]
fn points_of_carries_the_same_copies_as_the_tenant_sees() {
    let objects = and(
        Ns::of(dedicated_ns()),
        copied_pair("r1", ago(3600), copied(ago(1800))),
    )
    .get();
    let listed = points(&objects);
    assert_eq!(listed[0].copies[0].status, CopyStatus::Copied);
    assert_eq!(
        assemble(&objects)
            .backup
            .cross_region
            .unwrap()
            .last_copied_at,
        listed[0].copies[0].copied_at
    );
}
