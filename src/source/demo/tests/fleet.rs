//! The generated fleet: deterministic, shaped like a real one, every flag on show at any size,
//! start instant and seed, histories that fit retention, runs spread out.

use super::*;

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
    use crate::source::demo::generate::generate_in;
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
        let ids = |g: &crate::source::demo::generate::Generated| -> Vec<String> {
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
