//! The simulation as virtual time passes: tenants move on (or stay stuck, or frozen), clocks
//! jump or go backwards, restores walk their phases, restored spokes keep their schedule.

use super::*;

/// Healthy Dedicated tenants (hourly) of a live, non-stale group.
fn hourly_healthy(sim: &Sim) -> Vec<usize> {
    sim.tenants()
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            let b = &sim.behaviours()[*i];
            t.tier == Tier::Dedicated
                && b.fault == behaviour::Fault::Healthy
                && !b.frozen
                && t.backup.last_success.is_some()
        })
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn two_hours_of_virtual_time_move_hourly_tenants_on() {
    let mut sim = Sim::new(42, 600, now());
    let before = sim.tenants().to_vec();
    let hourly = hourly_healthy(&sim);
    assert!(hourly.len() > 20);
    let mut changed = BTreeSet::new();
    for minute in 1..=120 {
        changed.extend(sim.advance(now() + Duration::minutes(minute)));
    }
    let after = sim.tenants();
    let mut newer = 0;
    for &i in &hourly {
        let (b, a) = (&before[i].backup, &after[i].backup);
        let (b_last, a_last) = (
            b.last_success.as_ref().unwrap(),
            a.last_success.as_ref().unwrap(),
        );
        if a_last.taken_at > b_last.taken_at {
            newer += 1;
        }
        assert!(changed.contains(&i));
        assert!(a.schedule.next_run_at > b.schedule.next_run_at);
        // Full histories stay full: as many points pruned as taken.
        let (b_old, a_old) = (
            b.oldest_restore_point_at.unwrap(),
            a.oldest_restore_point_at.unwrap(),
        );
        assert!(a_old >= b_old, "{}", after[i].slug);
        let retention = Duration::days(90);
        assert!(a_last.taken_at - a_old <= retention, "{}", after[i].slug);
        let grown = a.restore_point_count as i64 - b.restore_point_count as i64;
        // Two runs, and the attempt in flight at start.
        assert!(
            (-1..=3).contains(&grown),
            "{} grew by {grown}",
            after[i].slug
        );
        if b_last.taken_at - b_old > retention - Duration::hours(2) {
            assert!(a_old > b_old, "{} was not pruned", after[i].slug);
        }
        let copy = a.cross_region.as_ref().unwrap();
        assert!(copy.last_copied_at.unwrap() > now() - Duration::hours(2));
    }
    assert!(
        newer * 10 >= hourly.len() * 9,
        "{newer} of {}",
        hourly.len()
    );
}

#[test]
fn stuck_tenants_stay_stuck_and_stale_ones_frozen() {
    let mut sim = Sim::new(42, 60, now());
    let before = sim.tenants().to_vec();
    let later = now() + Duration::hours(6);
    let changed = sim.advance(later);
    let after = sim.tenants();
    for slug in ["kingsbridge-health", "westbrook-s1"] {
        assert!(
            health_of(after, slug, later).has(FlagKind::ScheduleOverdue),
            "{slug}"
        );
    }
    let stuck = by_slug(after, "kingsbridge-health");
    assert_eq!(
        stuck.backup.schedule.next_run_at,
        Some(now() - Duration::hours(2))
    );
    let snapshot = by_slug(after, "westbrook-s1");
    assert_eq!(
        snapshot.backup.last_attempt.as_ref().unwrap().status,
        AttemptStatus::Running
    );
    let harbor = by_slug(after, "harbor-hub").id.clone();
    for (i, t) in after.iter().enumerate() {
        if *t.group_id() == harbor {
            assert_eq!(*t, before[i]);
            assert!(!changed.contains(&i));
        }
    }
    assert!(
        by_slug(after, "riverside-music")
            .backup
            .oldest_restore_point_at
            == by_slug(&before, "riverside-music")
                .backup
                .oldest_restore_point_at
    );
    assert!(health_of(after, "ashford-online", later).has(FlagKind::CrossRegionLagging));
    assert!(health_of(after, "northfield-law", later).has(FlagKind::CrossRegionLagging));
}

#[test]
fn one_long_advance_equals_many_short_ones() {
    let mut stepped = Sim::new(5, 300, now());
    let mut jumped = Sim::new(5, 300, now());
    for second in (0..=3 * 3600).step_by(37) {
        stepped.advance(now() + Duration::seconds(second));
    }
    let end = now() + Duration::seconds(3 * 3600 / 37 * 37);
    jumped.advance(end);
    assert_eq!(stepped.tenants(), jumped.tenants());
    assert_eq!(stepped.restores(), jumped.restores());
}

#[test]
fn a_long_clock_jump_starts_the_fleet_afresh() {
    let mut sim = Sim::new(5, 60, now());
    let later = now() + Duration::days(3);
    let changed = sim.advance(later);
    assert_eq!(changed.len(), 60);
    assert_eq!(sim.tenants(), fleet_at(5, 60, later).0.as_slice());
    assert_eq!(
        flags_shown(sim.tenants(), later).len(),
        demo_flags().count()
    );
    for restore in sim.restores() {
        assert_eq!(restore.phase, RestorePhase::AwaitingConfirmation);
    }
}

#[test]
fn absurd_refresh_intervals_do_not_panic() {
    let clock = Arc::new(FixedClock(now()));
    for refresh in [std::time::Duration::ZERO, std::time::Duration::MAX] {
        let source = DemoSource::new(1, 30, clock.clone(), refresh);
        let stale_for = source.stale_for();
        assert!(stale_for >= DEFAULT_STALE_FOR);
        let sim = Sim::with_stale_for(1, 30, now(), stale_for);
        assert_eq!(sim.tenants().len(), 30);
        assert!(tick_period(refresh, 60.0) >= MIN_TICK);
    }
    let huge = std::time::Duration::from_millis(i64::MAX as u64 / 2);
    assert!(DemoSource::new(1, 30, clock, huge).stale_for() > Duration::days(365));
}

#[test]
fn a_clock_going_backwards_changes_nothing() {
    let mut sim = Sim::new(5, 60, now());
    assert!(sim.advance(now() - Duration::hours(1)).is_empty());
    assert!(sim.advance(now()).is_empty());
    assert_eq!(sim.now(), now());
}

#[test]
fn the_restores_move_through_their_phases() {
    let mut sim = Sim::new(42, 60, now());
    assert_eq!(sim.restores().len(), 2);
    let new_spoke = &sim.restores()[0];
    assert_eq!(new_spoke.source_slug, "northfield-science");
    assert!(
        new_spoke
            .target_slug
            .starts_with("northfield-science-restore-2026112")
    );
    assert!(!matches!(
        new_spoke.phase,
        RestorePhase::Queued | RestorePhase::AwaitingConfirmation
    ));
    assert_eq!(
        new_spoke.rto_deadline_at,
        Some(new_spoke.requested_at + Duration::hours(4))
    );
    assert_eq!(sim.restores()[1].phase, RestorePhase::Queued);
    let before = sim.restores().to_vec();
    sim.advance(now() + Duration::minutes(20));
    assert!(sim.take_restores_changed());
    assert!(!sim.take_restores_changed());
    for (before, after) in before.iter().zip(sim.restores()) {
        assert!(
            after
                .steps
                .iter()
                .zip(&before.steps)
                .all(|(a, b)| { a.progress.unwrap_or(0.0) >= b.progress.unwrap_or(0.0) })
        );
        assert_ne!(after, before);
    }
    assert_ne!(sim.restores()[1].phase, RestorePhase::Queued);
    sim.advance(now() + Duration::hours(3));
    for restore in sim.restores() {
        assert_eq!(restore.phase, RestorePhase::AwaitingConfirmation);
        assert!(restore.verification.is_some());
    }
    let tenants = sim.tenants();
    for restore in sim.restores() {
        let tenant = tenants.iter().find(|t| t.id == restore.tenant_id).unwrap();
        assert_eq!(tenant.active_restore_id.as_ref(), Some(&restore.id));
    }
}

#[test]
fn absurd_clocks_do_not_panic() {
    for at in [
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
        DateTime::UNIX_EPOCH,
    ] {
        let mut sim = Sim::new(1, 40, at);
        sim.advance(DateTime::<Utc>::MAX_UTC);
    }
}

#[test]
fn a_confirmed_restored_spoke_runs_its_sources_schedule_even_across_a_restart() {
    let mut sim = Sim::new(42, 60, now());
    let tenants = sim.tenants().to_vec();
    let ok = health_at(&tenants, now());
    let source = tenants
        .iter()
        .zip(&ok)
        .find(|(t, h)| {
            t.tier == Tier::Dedicated
                && t.active_restore_id.is_none()
                && h.level == Level::Ok
                && t.backup.schedule.cron.split_whitespace().nth(1) == Some("*")
        })
        .map(|(t, _)| Arc::clone(t))
        .expect("a healthy hourly dedicated tenant");
    let request = crate::domain::restore::CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: None,
        mode: crate::domain::restore::RestoreMode::NewSpoke,
        target_slug: None,
        ticket: None,
        reason: Some("drill by hand".into()),
        purpose: Default::default(),
    };
    let made = sim.create_restore(&source.id, &request).unwrap();
    let mut at = now();
    while sim
        .restores()
        .iter()
        .any(|r| r.id == made.id && r.phase != RestorePhase::AwaitingConfirmation)
    {
        at += Duration::minutes(20);
        sim.advance(at);
        assert!(
            at < now() + Duration::hours(6),
            "the restore never finished"
        );
    }
    let spoke_of = |sim: &Sim| Arc::clone(by_slug(sim.tenants(), &made.target_slug));
    assert_eq!(spoke_of(&sim).backup.schedule.next_run_at, None);
    sim.confirm_restore(&made.id, "checked the course list")
        .unwrap();
    let spoke = spoke_of(&sim);
    let first = spoke
        .backup
        .schedule
        .next_run_at
        .expect("a next run once confirmed");
    assert!(first > at && first <= at + Duration::hours(1), "{first}");
    assert_eq!(spoke.backup.schedule.cron, source.backup.schedule.cron);

    at += Duration::hours(2);
    sim.advance(at);
    let spoke = spoke_of(&sim);
    assert!(spoke.backup.last_success.is_some(), "{:?}", spoke.backup);
    let judged = health_of(sim.tenants(), &made.target_slug, at);
    assert!(
        !judged
            .flags
            .iter()
            .any(|f| f.kind == FlagKind::NeverBackedUp),
        "{judged:?}"
    );

    // A jump past the catch-up limit regenerates the fleet: the spoke keeps its schedule.
    at += Duration::hours(8);
    sim.advance(at);
    let next = spoke_of(&sim).backup.schedule.next_run_at.unwrap();
    assert!(next > at && next <= at + Duration::hours(1), "{next}");
    at += Duration::hours(2);
    sim.advance(at);
    let newest = spoke_of(&sim)
        .backup
        .last_success
        .as_ref()
        .unwrap()
        .taken_at;
    assert!(newest > at - Duration::hours(2), "{newest}");
}
