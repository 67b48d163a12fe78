use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::tenant::Tier;

fn sim() -> Sim {
    Sim::new(
        42,
        60,
        Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap(),
    )
}

fn all_points(sim: &mut Sim, id: &TenantId) -> (Vec<RestorePoint>, usize) {
    let mut points = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = sim.restore_points(id, cursor.as_deref()).unwrap();
        pages += 1;
        assert!(page.items.len() <= PAGE_SIZE);
        points.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return (points, pages),
        }
    }
}

fn tenant(sim: &Sim, slug: &str) -> Tenant {
    sim.tenants()
        .iter()
        .find(|t| t.slug == slug)
        .map(|t| (**t).clone())
        .unwrap()
}

#[test]
fn an_hourly_dedicated_history_is_all_of_retention_newest_first_in_pages() {
    let mut sim = sim();
    let t = tenant(&sim, "ashford-research");
    assert_eq!(t.tier, Tier::Dedicated);
    let (points, pages) = all_points(&mut sim, &t.id);
    assert!(points.len() > 2_100, "{}", points.len());
    assert_eq!(pages, points.len().div_ceil(PAGE_SIZE));
    assert!(points.windows(2).all(|w| w[0].taken_at > w[1].taken_at));
    let success = t.backup.last_success.as_ref().unwrap();
    assert!(points.iter().any(|p| p.id == success.restore_point_id));
    let oldest = t.backup.oldest_restore_point_at.unwrap();
    let last = points.last().unwrap();
    // A point or two the summary counts as lost may be the oldest.
    let off = (last.taken_at - oldest).num_minutes().abs();
    assert!(off <= 3 * 60 + 1, "{} vs {oldest}", last.taken_at);
    // Every point that succeeded is copied to the secondary region, or on its way.
    let succeeded = points.iter().filter(|p| p.status == PointStatus::Succeeded);
    assert!(succeeded.clone().all(|p| p.copies.len() == 1));
    assert!(succeeded.count() > 2_000);
    let ids: std::collections::HashSet<_> = points.iter().map(|p| p.id.clone()).collect();
    assert_eq!(ids.len(), points.len());
}

#[test]
fn the_newest_point_agrees_with_the_summary_the_fleet_shows() {
    let mut sim = sim();
    for slug in [
        "riverside-nursing",
        "kingsbridge-design",
        "ashford-languages",
        "northfield-arts",
    ] {
        let t = tenant(&sim, slug);
        let page = sim.restore_points(&t.id, None).unwrap();
        let success = t.backup.last_success.as_ref().unwrap();
        let listed = page.items.iter().find(|p| p.id == success.restore_point_id);
        let listed = listed.unwrap_or_else(|| panic!("{slug}: newest success not listed"));
        assert_eq!(listed.skew_seconds, success.skew_seconds, "{slug}");
        assert!(listed.is_usable(sim.now()), "{slug}");
        if let Some(attempt) = &t.backup.last_attempt
            && attempt.status != AttemptStatus::Succeeded
        {
            let newest = &page.items[0];
            assert_eq!(newest.taken_at, attempt.taken_at, "{slug}");
            assert_ne!(newest.status, PointStatus::Succeeded, "{slug}");
        }
    }
}

#[test]
fn failed_and_partial_points_say_which_half_failed_and_why() {
    let mut sim = sim();
    let t = tenant(&sim, "kingsbridge-design");
    let page = sim.restore_points(&t.id, None).unwrap();
    let partial = page
        .items
        .iter()
        .find(|p| p.status == PointStatus::Partial)
        .expect("the scripted partial dump");
    assert_eq!(partial.database.status, PointStatus::Failed);
    assert!(
        partial
            .database
            .error
            .as_deref()
            .unwrap()
            .contains("pg_dump")
    );
    assert_eq!(partial.volume.status, PointStatus::Succeeded);
    assert!(!partial.is_usable(sim.now()));
    let t = tenant(&sim, "riverside-nursing");
    let page = sim.restore_points(&t.id, None).unwrap();
    let failed = &page.items[0];
    assert_eq!(failed.status, PointStatus::Failed);
    assert!(
        failed
            .volume
            .error
            .as_deref()
            .unwrap()
            .contains("CSI driver timeout")
    );
    assert!(!failed.volume.ready_to_use);
}

#[test]
fn pruning_stopped_leaves_expired_points_and_short_history_is_short() {
    let mut sim = sim();
    let t = tenant(&sim, "riverside-music");
    let (points, _) = all_points(&mut sim, &t.id);
    let expired = points
        .iter()
        .filter(|p| p.expires_at.unwrap() <= sim.now())
        .count();
    assert!(expired >= 9, "{expired} expired");
    let t = tenant(&sim, "kingsbridge-cpd");
    let (points, _) = all_points(&mut sim, &t.id);
    let span = points.first().unwrap().taken_at - points.last().unwrap().taken_at;
    assert!(span.num_days() <= 12, "{span}");
}

#[test]
fn a_tenant_never_backed_up_lists_its_failed_attempt_only() {
    let mut sim = sim();
    let t = tenant(&sim, "riverside-education");
    let page = sim.restore_points(&t.id, None).unwrap();
    assert!(page.items.len() <= 1);
    assert!(page.items.iter().all(|p| !p.is_usable(sim.now())));
}

#[test]
fn cursors_are_checked_and_tenants_must_exist() {
    let mut sim = sim();
    let t = tenant(&sim, "ashford-research");
    let error = sim.restore_points(&t.id, Some("bogus")).unwrap_err();
    assert_eq!(
        (error.status, error.code.as_str()),
        (Some(400), "invalid_cursor")
    );
    let past_end = sim.restore_points(&t.id, Some("c_999999")).unwrap();
    assert!(past_end.items.is_empty() && past_end.next_cursor.is_none());
    let error = sim
        .restore_points(&TenantId::from("ten_nope"), None)
        .unwrap_err();
    assert_eq!(
        (error.status, error.code.as_str()),
        (Some(404), "tenant_not_found")
    );
}

#[test]
fn a_new_point_appears_on_top_as_the_simulation_runs() {
    let mut sim = sim();
    let t = tenant(&sim, "ashford-research");
    let before = sim.restore_points(&t.id, None).unwrap().items[0].clone();
    sim.advance(sim.now() + Duration::hours(2));
    let after = sim.restore_points(&t.id, None).unwrap().items[0].clone();
    assert!(after.taken_at > before.taken_at);
}

#[test]
fn the_history_holds_as_many_points_as_the_summary_counts() {
    let mut sim = sim();
    let slugs: Vec<String> = sim.tenants().iter().map(|t| t.slug.to_string()).collect();
    for slug in slugs {
        let t = tenant(&sim, &slug);
        let (points, _) = all_points(&mut sim, &t.id);
        let held = points
            .iter()
            .filter(|p| p.status == PointStatus::Succeeded)
            .count() as u64;
        assert!(
            held <= t.backup.restore_point_count.max(1),
            "{slug}: {held} listed"
        );
        if let Some(success) = &t.backup.last_success {
            assert!(
                points.iter().any(|p| p.id == success.restore_point_id),
                "{slug}"
            );
        }
    }
}
