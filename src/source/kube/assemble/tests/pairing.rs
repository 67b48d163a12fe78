//! Pairing: dumps and snapshots paired into runs, by run label or by start time within
//! the coherence window, and a half alone running for 300 seconds, then partial.

use super::*;

#[test]
fn halves_with_the_same_run_label_pair_however_far_apart() {
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", at(2, 0, 0)))
        // Created first, so time alone would pair it with nothing.
        .snap(ok_snap("r1", at(2, 10, 0)))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["r1"]);
    assert_eq!(points[0].status, PointStatus::Succeeded);
    assert_eq!(points[0].skew_seconds, 600);
    assert_eq!(points[0].volume.snapshot_name, "moodledata-r1");
    assert_eq!(points[0].database.started_at, Some(at(2, 0, 0)));
    // ...and health then says the pair is incoherent.
    let t = assemble(&objects);
    assert_eq!(t.backup.last_success.as_ref().unwrap().skew_seconds, 600);
    let h = health(&t, Duration::hours(24));
    assert_eq!(
        explanation(&h, FlagKind::PairIncoherent),
        "The latest successful pair's database dump and volume snapshot started 10m apart; \
         over 5m they do not restore as one coherent moment."
    );
}

#[test]
fn unlabelled_halves_pair_by_start_time_and_the_nearest_wins() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(snap("snap-far", None, at(2, 4, 0), HalfState::Succeeded))
        .snap(snap("snap-near", None, at(2, 0, 30), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    // Unlabelled: a point is named after its snapshot, else its dump.
    assert_eq!(ids(&points), ["snap-far", "snap-near"]);
    let near = point(&points, "snap-near");
    assert_eq!(near.status, PointStatus::Succeeded);
    assert_eq!(near.database.started_at, Some(at(2, 0, 0)));
    assert_eq!(near.skew_seconds, 30);
    let far = point(&points, "snap-far");
    assert_eq!(far.database.started_at, None);
    assert_eq!(far.status, PointStatus::Partial);
    assert_eq!(
        far.database.error.as_deref(),
        Some("no database-dump Job for this run")
    );
}

#[test]
fn a_snapshot_before_its_dump_pairs_too_with_a_negative_skew() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(1, 58, 0), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["snap-x"]);
    assert_eq!(points[0].skew_seconds, -120);
    assert_eq!(points[0].taken_at, at(1, 58, 0), "the earlier half's start");
}

#[test]
fn pairing_by_time_reaches_exactly_300_seconds() {
    let within = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(2, 5, 0), HalfState::Succeeded))
        .get();
    let within = points(&within);
    assert_eq!(ids(&within), ["snap-x"]);
    assert_eq!(within[0].skew_seconds, 300);
    assert_eq!(within[0].status, PointStatus::Succeeded);

    let beyond = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(2, 5, 1), HalfState::Succeeded))
        .get();
    let beyond = points(&beyond);
    assert_eq!(ids(&beyond), ["snap-x", "dump-x"]);
    assert!(beyond.iter().all(|p| p.status == PointStatus::Partial));
}

#[test]
fn two_different_run_labels_are_never_paired_even_seconds_apart() {
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", at(2, 0, 0)))
        .snap(ok_snap("r2", at(2, 0, 5)))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["r2", "r1"], "newest first");
    let r1 = point(&points, "r1");
    assert_eq!(r1.status, PointStatus::Partial);
    assert_eq!(r1.volume.snapshot_name, "");
    assert_eq!(
        r1.volume.error.as_deref(),
        Some("no moodledata VolumeSnapshot for this run")
    );
    let r2 = point(&points, "r2");
    assert_eq!(r2.status, PointStatus::Partial);
    assert_eq!(
        r2.database.error.as_deref(),
        Some("no database-dump Job for this run")
    );
}

#[test]
fn a_labelled_dump_pairs_by_time_with_an_unlabelled_snapshot() {
    let objects = Ns::of(standard_ns())
        .dump(ok_dump("r1", at(2, 0, 0)))
        .snap(snap("snap-x", None, at(2, 1, 0), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["r1"], "named after the run label");
    assert_eq!(points[0].status, PointStatus::Succeeded);
    assert_eq!(points[0].volume.snapshot_name, "snap-x");
    assert_eq!(points[0].skew_seconds, 60);
}

#[test]
fn an_unlabelled_dump_pairs_by_time_with_a_snapshot_whose_run_has_no_dump() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-x", None, at(2, 0, 0), HalfState::Succeeded))
        .snap(ok_snap("r1", at(2, 0, 20)))
        .get();
    let points = points(&objects);
    assert_eq!(ids(&points), ["r1"]);
    assert_eq!(points[0].status, PointStatus::Succeeded);
    assert_eq!(points[0].skew_seconds, 20);
}

#[test]
fn a_dump_without_its_snapshot_is_running_for_300_seconds_then_partial() {
    let fresh = Ns::of(standard_ns()).dump(ok_dump("r1", ago(300))).get();
    let fresh = points(&fresh);
    assert_eq!(fresh[0].status, PointStatus::Running);
    assert_eq!(fresh[0].volume.status, PointStatus::Running);
    assert_eq!(fresh[0].volume.error, None);
    assert!(!fresh[0].volume.ready_to_use);

    let late = Ns::of(standard_ns()).dump(ok_dump("r1", ago(301))).get();
    let late = points(&late);
    assert_eq!(late[0].status, PointStatus::Partial);
    assert_eq!(late[0].volume.status, PointStatus::Failed);
    assert_eq!(
        late[0].volume.error.as_deref(),
        Some("no moodledata VolumeSnapshot for this run")
    );
    let t = assemble(&Ns::of(standard_ns()).dump(ok_dump("r1", ago(301))).get());
    let attempt = t.backup.last_attempt.unwrap();
    assert_eq!(attempt.status, AttemptStatus::Partial);
    assert_eq!(
        attempt.error.as_deref(),
        Some("volume snapshot: no moodledata VolumeSnapshot for this run")
    );
}

#[test]
fn a_snapshot_without_its_dump_is_running_for_300_seconds_then_partial() {
    let fresh = Ns::of(standard_ns()).snap(ok_snap("r1", ago(300))).get();
    assert_eq!(points(&fresh)[0].status, PointStatus::Running);
    let late = Ns::of(standard_ns()).snap(ok_snap("r1", ago(301))).get();
    let late = points(&late);
    assert_eq!(late[0].status, PointStatus::Partial);
    assert_eq!(late[0].database.status, PointStatus::Failed);
    assert_eq!(late[0].database.started_at, None);
    assert_eq!(
        late[0].database.error.as_deref(),
        Some("no database-dump Job for this run")
    );
    assert_eq!(late[0].skew_seconds, 0);
}

#[test]
fn a_snapshot_is_paired_once_and_the_second_dump_goes_alone() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-a", None, at(2, 0, 0), HalfState::Succeeded))
        .dump(dump("dump-b", None, at(2, 0, 10), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(2, 0, 5), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    assert_eq!(points.len(), 2);
    assert_eq!(
        points
            .iter()
            .filter(|p| p.volume.snapshot_name == "snap-x")
            .count(),
        1
    );
    let alone = points
        .iter()
        .find(|p| p.volume.snapshot_name.is_empty())
        .unwrap();
    assert_eq!(alone.status, PointStatus::Partial);
}

/// Nearest first means the pair closest in time is made first, whatever the dumps' names.
#[test]
fn the_nearest_pair_wins_whatever_the_dumps_names() {
    let objects = Ns::of(standard_ns())
        .dump(dump("dump-a", None, at(2, 0, 0), HalfState::Succeeded))
        .dump(dump("dump-b", None, at(2, 4, 0), HalfState::Succeeded))
        .snap(snap("snap-x", None, at(2, 3, 50), HalfState::Succeeded))
        .get();
    let points = points(&objects);
    let paired = point(&points, "snap-x");
    assert_eq!(
        paired.database.started_at,
        Some(at(2, 4, 0)),
        "snap-x is 10 s from dump-b but 230 s from dump-a"
    );
    assert_eq!(paired.skew_seconds, -10);
    assert_eq!(point(&points, "dump-a").status, PointStatus::Partial);
}
