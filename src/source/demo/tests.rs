//! The demo fleet: deterministic, shaped like a real fleet, every health flag on show, and
//! a simulation that moves.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::clock::FixedClock;
use crate::domain::health::{self, FlagKind, Health, HealthContext, Level};
use crate::domain::restore::RestorePhase;
use crate::domain::run_times::ScheduleCache;
use crate::domain::schedule::CronSchedule;
use crate::domain::tenant::{
    AttemptStatus, CrossRegionStatus, TenantId, TenantKind, TenantState, Tier,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

/// Health of every tenant at `at`, judged as the app judges it (one schedule cache).
fn health_at(tenants: &[Arc<Tenant>], at: DateTime<Utc>) -> Vec<Health> {
    health_with(tenants, at, None)
}

/// Like `health_at`, with `[drills] max_age` set or not.
fn health_with(
    tenants: &[Arc<Tenant>],
    at: DateTime<Utc>,
    drill_max_age: Option<Duration>,
) -> Vec<Health> {
    let ctx = HealthContext {
        now: at,
        refresh_interval: Duration::seconds(30),
        source_heard_at: Some(at),
        drill_max_age,
    };
    let mut schedules = ScheduleCache::default();
    tenants
        .iter()
        .map(|t| {
            let judged = health::judged_at(t, &ctx);
            let look_back = Duration::days(i64::from(t.backup.retention_days));
            let facts = schedules.facts(&t.backup.schedule, judged, look_back);
            health::evaluate(t, facts, &ctx)
        })
        .collect()
}

/// Every flag some tenant shows at `at`, with drills set up (else nobody is untested).
fn flags_shown(tenants: &[Arc<Tenant>], at: DateTime<Utc>) -> BTreeSet<FlagKind> {
    health_with(tenants, at, Some(Duration::days(30)))
        .iter()
        .flat_map(|h| h.flags.iter().map(|f| f.kind))
        .collect()
}

fn by_slug<'a>(tenants: &'a [Arc<Tenant>], slug: &str) -> &'a Arc<Tenant> {
    tenants
        .iter()
        .find(|t| t.slug == slug)
        .unwrap_or_else(|| panic!("no tenant {slug}"))
}

fn health_of(tenants: &[Arc<Tenant>], slug: &str, at: DateTime<Utc>) -> Health {
    let tenant = by_slug(tenants, slug);
    health_at(std::slice::from_ref(tenant), at).remove(0)
}

#[test]
fn same_inputs_same_fleet_and_seeds_differ() {
    let a = fleet_at(42, 60, now());
    let b = fleet_at(42, 60, now());
    assert_eq!(a, b);
    let c = fleet_at(43, 60, now());
    assert_ne!(a.0, c.0);
}

#[test]
fn a_fleet_generated_in_parts_is_the_fleet_generated_on_one_thread() {
    use super::generate::generate_in;
    let stale_for = Duration::hours(6);
    let whole = generate_in(7, 5_000, now(), stale_for, 1);
    for parts in [2, 3, 8] {
        let split = generate_in(7, 5_000, now(), stale_for, parts);
        assert_eq!(split.tenants, whole.tenants, "{parts} parts");
        assert_eq!(split.behaviours, whole.behaviours, "{parts} parts");
        assert_eq!(split.events, whole.events, "{parts} parts");
        assert_eq!(split.patterns.len(), whole.patterns.len(), "{parts} parts");
        for b in &whole.behaviours {
            assert_eq!(
                split.patterns.cron(b.pattern),
                whole.patterns.cron(b.pattern)
            );
            assert_eq!(
                split.patterns.timezone(b.pattern),
                whole.patterns.timezone(b.pattern)
            );
        }
        let ids = |g: &super::generate::Generated| -> Vec<String> {
            g.restores.iter().map(|r| r.id().to_string()).collect()
        };
        assert_eq!(ids(&split), ids(&whole), "{parts} parts");
    }
    assert!(whole.tenants.len() == 5_000 && !whole.restores.is_empty());
}

#[test]
fn the_fleet_has_hubs_spokes_and_both_tiers() {
    let (tenants, _) = fleet_at(42, 60, now());
    assert_eq!(tenants.len(), 60);
    let hubs: HashSet<&TenantId> = tenants
        .iter()
        .filter(|t| t.is_hub())
        .map(|t| &t.id)
        .collect();
    assert!(hubs.len() >= 6);
    let ids: HashSet<&TenantId> = tenants.iter().map(|t| &t.id).collect();
    assert_eq!(ids.len(), tenants.len());
    let slugs: HashSet<&str> = tenants.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs.len(), tenants.len());
    for spoke in tenants.iter().filter(|t| t.kind == TenantKind::Spoke) {
        let hub = spoke.hub_id.as_ref().expect("a spoke names its hub");
        assert!(hubs.contains(hub), "{} names a missing hub", spoke.slug);
    }
    let tiers: HashSet<&Tier> = tenants.iter().map(|t| &t.tier).collect();
    assert!(tiers.contains(&Tier::Standard) && tiers.contains(&Tier::Dedicated));
    for t in &tenants {
        let dedicated = t.tier == Tier::Dedicated;
        assert_eq!(t.secondary_region.is_some(), dedicated, "{}", t.slug);
        assert!(t.id.0.starts_with("ten_") && t.id.0.len() == 9);
        assert!(t.created_at < now());
        assert!(!t.hostname.is_empty() && !t.display_name.is_empty());
    }
}

#[test]
fn every_flag_shows_at_60_tenants() {
    let (tenants, _) = fleet_at(42, 60, now());
    let shown = flags_shown(&tenants, now());
    let missing: Vec<_> = demo_flags().filter(|k| !shown.contains(k)).collect();
    assert!(missing.is_empty(), "missing {missing:?}");
}

#[test]
fn every_flag_shows_at_100_000_tenants() {
    let (tenants, restores) = fleet_at(7, 100_000, now());
    assert_eq!(tenants.len(), 100_000);
    let ids: HashSet<&TenantId> = tenants.iter().map(|t| &t.id).collect();
    assert_eq!(ids.len(), tenants.len());
    let hubs = tenants.iter().filter(|t| t.is_hub()).count();
    assert!((8_000..=12_500).contains(&hubs), "{hubs} hubs");
    let shown = flags_shown(&tenants, now());
    assert_eq!(shown.len(), demo_flags().count(), "{shown:?}");
    assert_eq!(restores.len(), 2);
}

#[test]
fn every_flag_shows_whatever_the_start_instant_and_seed() {
    for (seed, hour, minute) in [(1, 0, 0), (2, 2, 59), (3, 7, 30), (4, 15, 1), (5, 23, 58)] {
        let at = Utc.with_ymd_and_hms(2026, 3, 29, hour, minute, 0).unwrap();
        let (tenants, _) = fleet_at(seed, 30, at);
        let shown = flags_shown(&tenants, at);
        assert_eq!(
            shown.len(),
            demo_flags().count(),
            "seed {seed} at {at}: {shown:?}"
        );
    }
}

#[test]
fn the_scripted_tenants_show_their_flags() {
    let (tenants, _) = fleet_at(42, 60, now());
    let expect = [
        ("northfield-arts", FlagKind::RpoBreached),
        ("northfield-arts", FlagKind::LastSnapshotFailed),
        ("northfield-science", FlagKind::RestoreRunning),
        ("northfield-law", FlagKind::CrossRegionLagging),
        ("harbor-hub", FlagKind::DataStale),
        ("harbor-s1", FlagKind::DataStale),
        ("riverside-nursing", FlagKind::LastSnapshotFailed),
        ("riverside-music", FlagKind::RetentionExceeded),
        ("riverside-education", FlagKind::NeverBackedUp),
        ("ashford-engineering", FlagKind::ScheduleMissesRpo),
        ("ashford-online", FlagKind::CrossRegionLagging),
        ("ashford-languages", FlagKind::PairIncoherent),
        ("kingsbridge-health", FlagKind::ScheduleOverdue),
        ("kingsbridge-design", FlagKind::LastSnapshotFailed),
        ("kingsbridge-cpd", FlagKind::HistoryShort),
        ("westbrook-s1", FlagKind::ScheduleOverdue),
        ("westbrook-s2", FlagKind::RestoreRunning),
    ];
    for (slug, kind) in expect {
        let health = health_of(&tenants, slug, now());
        assert!(health.has(kind), "{slug} should show {kind:?}: {health:?}");
    }
    let csi = by_slug(&tenants, "riverside-nursing");
    let error = csi
        .backup
        .last_attempt
        .as_ref()
        .and_then(|a| a.error.clone());
    assert!(error.unwrap().ends_with(": CSI driver timeout"));
    let partial = by_slug(&tenants, "kingsbridge-design");
    let attempt = partial.backup.last_attempt.as_ref().unwrap();
    assert_eq!(attempt.status, AttemptStatus::Partial);
    assert_eq!(
        attempt.error.as_deref(),
        Some("pg_dump: connection reset by peer")
    );
    // The manual re-run keeps the RPO for a while: only the amber callout shows.
    for slug in ["riverside-nursing", "kingsbridge-design"] {
        let health = health_of(&tenants, slug, now());
        assert_eq!(health.level, Level::Amber, "{slug}: {health:?}");
    }
    let skewed = by_slug(&tenants, "ashford-languages");
    assert_eq!(
        skewed.backup.last_success.as_ref().unwrap().skew_seconds,
        540
    );
    let stuck = by_slug(&tenants, "kingsbridge-health");
    assert_eq!(
        stuck.backup.schedule.next_run_at,
        Some(now() - Duration::hours(2))
    );
    let lagging = by_slug(&tenants, "ashford-online");
    let copy = lagging.backup.cross_region.as_ref().unwrap();
    assert_eq!(copy.last_copied_at, Some(now() - Duration::hours(30)));
    assert_eq!(
        by_slug(&tenants, "northfield-law")
            .backup
            .cross_region
            .as_ref()
            .unwrap()
            .status,
        CrossRegionStatus::Failed
    );
    assert_eq!(
        by_slug(&tenants, "riverside-online").state,
        TenantState::Provisioning
    );
    assert_eq!(
        by_slug(&tenants, "kingsbridge-summer").state,
        TenantState::Suspended
    );
}

#[test]
fn only_the_stale_group_carries_observed_at() {
    let (tenants, _) = fleet_at(42, 60, now());
    let harbor = by_slug(&tenants, "harbor-hub").id.clone();
    for t in &tenants {
        let in_group = *t.group_id() == harbor;
        let expected = in_group.then(|| now() - DEFAULT_STALE_FOR);
        assert_eq!(t.observed_at, expected, "{}", t.slug);
    }
}

#[test]
fn most_of_a_large_fleet_is_ok() {
    let (tenants, _) = fleet_at(42, 1000, now());
    let ok = health_at(&tenants, now())
        .iter()
        .filter(|h| h.level == Level::Ok)
        .count();
    // About 8% are amber for their last drill alone (failed, or slower than the RTO).
    assert!((740..=880).contains(&ok), "{ok} of 1000 ok");
}

#[test]
fn histories_are_consistent_with_retention() {
    let (tenants, _) = fleet_at(42, 2000, now());
    let health = health_at(&tenants, now());
    for (t, health) in tenants.iter().zip(&health) {
        let b = &t.backup;
        let schedule = CronSchedule::parse(&b.schedule.cron, &b.schedule.timezone).unwrap();
        let interval = schedule.interval(now()).unwrap();
        assert!(["UTC", "Europe/London"].contains(&b.schedule.timezone.as_str()));
        match (&b.last_success, b.oldest_restore_point_at) {
            (Some(last), Some(oldest)) => {
                assert!(oldest <= last.taken_at, "{}", t.slug);
                assert!(oldest >= t.created_at, "{}", t.slug);
                let points = (last.taken_at - oldest).num_seconds() / interval.num_seconds() + 1;
                let count = b.restore_point_count as i64;
                assert!(
                    (1..=points).contains(&count),
                    "{}: {count} of {points}",
                    t.slug
                );
                let retention = Duration::days(i64::from(b.retention_days));
                let full = t.created_at < oldest - interval && last.taken_at - oldest < retention;
                if full && !health.has(FlagKind::HistoryShort) {
                    // Pruned: the window holds a retention's worth of points.
                    assert!(
                        last.taken_at - oldest >= retention - interval * 2,
                        "{}",
                        t.slug
                    );
                }
            }
            (None, None) => assert_eq!(b.restore_point_count, 0),
            _ => panic!("{}: last success and oldest point disagree", t.slug),
        }
        if let Some(attempt) = &b.last_attempt {
            assert!(attempt.taken_at <= now(), "{}", t.slug);
        }
        if let (Some(attempt), Some(last)) = (&b.last_attempt, &b.last_success) {
            assert!(attempt.taken_at >= last.taken_at - interval, "{}", t.slug);
        }
        assert!(b.schedule.next_run_at.is_some());
    }
}

#[test]
fn runs_are_spread_over_many_minutes() {
    let sim = Sim::new(42, 20_000, now());
    assert!(sim.schedule_patterns() > 300, "{}", sim.schedule_patterns());
    let mut per_minute: HashMap<DateTime<Utc>, usize> = HashMap::new();
    for t in sim.tenants() {
        if let Some(next) = t.backup.schedule.next_run_at {
            *per_minute.entry(next).or_default() += 1;
        }
    }
    let busiest = per_minute.values().max().copied().unwrap_or(0);
    assert!(busiest < 600, "{busiest} tenants fire in one minute");
}

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
fn tiny_fleets_get_what_fits() {
    for n in [0, 1, 2, 5, 6, 11, 23] {
        let (tenants, restores) = fleet_at(42, n, now());
        assert_eq!(tenants.len(), n);
        let ids: HashSet<&TenantId> = tenants.iter().map(|t| &t.id).collect();
        assert_eq!(ids.len(), n);
        assert!(restores.len() <= 2);
        let mut sim = Sim::new(42, n, now());
        sim.advance(now() + Duration::hours(2));
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
fn the_detail_names_seed_and_speed_but_not_the_size_the_header_counts() {
    assert_eq!(detail(42, 1.0), "seed 42");
    assert_eq!(detail(42, 10.0), "seed 42 · ×10");
    assert_eq!(detail(7, 2.5), "seed 7 · ×2.5");
    let source = DemoSource::new(
        42,
        60,
        Arc::new(FixedClock(now())),
        std::time::Duration::from_secs(30),
    );
    assert_eq!(source.info().kind, "demo");
    assert_eq!(source.info().detail, "seed 42");
}

#[test]
fn fast_demos_tick_faster() {
    let refresh = std::time::Duration::from_secs(30);
    assert_eq!(tick_period(refresh, 1.0), TICK);
    assert_eq!(tick_period(refresh, 60.0), TICK);
    assert!(tick_period(refresh, 1000.0) < std::time::Duration::from_millis(60));
    assert_eq!(tick_period(refresh, 1e12), MIN_TICK);
    assert_eq!(tick_period(refresh, f64::NAN), TICK);
}

#[tokio::test]
async fn the_source_sends_fleet_restores_heartbeats_and_answers_refresh() {
    use tokio::time::{Duration as Wait, timeout};

    let clock = Arc::new(FixedClock(now()));
    let source = Box::new(DemoSource::new(
        42,
        60,
        clock,
        std::time::Duration::from_secs(30),
    ));
    let crate::source::Started {
        mut events,
        commands,
        task,
    } = crate::source::start(source);
    let mut next = async || {
        timeout(Wait::from_secs(10), events.recv())
            .await
            .unwrap()
            .unwrap()
    };
    match next().await {
        SourceEvent::Fleet {
            tenants,
            generated_at,
        } => {
            assert_eq!(tenants.len(), 60);
            assert_eq!(generated_at, now());
        }
        other => panic!("expected the fleet, got {other:?}"),
    }
    assert!(matches!(next().await, SourceEvent::Restores { restores, .. } if restores.len() == 2));
    assert!(matches!(next().await, SourceEvent::DnsSwaps { swaps, .. } if swaps.is_empty()));
    assert!(matches!(next().await, SourceEvent::Requests { requests, .. } if !requests.is_empty()));
    // Live only once the fleet is in: never "live" over "no data yet".
    assert!(matches!(
        next().await,
        SourceEvent::Connection(Connection::Live)
    ));
    assert!(matches!(next().await, SourceEvent::Changed { tenants, .. } if tenants.is_empty()));
    let id = crate::source::CommandId(7);
    let op = crate::source::Op::Refresh;
    commands.send(SourceCommand { id, op }).unwrap();
    loop {
        if let SourceEvent::Fleet { tenants, .. } = next().await {
            assert_eq!(tenants.len(), 60);
            break;
        }
    }
    // The answer follows the fleet, with the command's id.
    loop {
        match next().await {
            SourceEvent::Answer {
                id: answered,
                outcome,
            } => {
                assert_eq!(answered, id);
                assert_eq!(outcome, Ok(crate::source::Reply::Refreshed));
                break;
            }
            SourceEvent::Fleet { .. } => panic!("a second fleet before the answer"),
            _ => {}
        }
    }
    drop(events);
    timeout(Wait::from_secs(5), task).await.unwrap().unwrap();
}

/// Every flag the demo fleet shows: all but "cannot tell", which only a cluster's odd
/// objects raise (the kube source's tests cover it).
fn demo_flags() -> impl Iterator<Item = FlagKind> {
    FlagKind::ALL
        .into_iter()
        .filter(|k| *k != FlagKind::CannotTell)
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
