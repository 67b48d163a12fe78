use std::sync::Arc;

use chrono::Duration;

use super::exposure::{WORST, exposure};
use super::*;
use crate::domain::tenant::{CrossRegion, TenantId, TenantState};
use crate::domain::test_support::{dedicated, utc};

fn now() -> DateTime<Utc> {
    utc(2026, 12, 6, 3, 20)
}

fn region(name: &str, status: RegionStatus) -> Region {
    Region {
        name: name.into(),
        status,
        since: Some(utc(2026, 12, 6, 3, 12)),
        message: None,
    }
}

fn reported(items: Vec<Region>) -> Regions {
    Regions::Reported {
        generated_at: now(),
        items,
    }
}

fn tenant(slug: &str, landed_ago: Option<i64>, status: CrossRegionStatus) -> Tenant {
    let mut t = dedicated(now());
    t.id = TenantId(format!("ten_{slug}").into());
    t.slug = slug.into();
    t.backup.cross_region = Some(CrossRegion {
        last_copied_at: landed_ago.map(|m| now() - Duration::minutes(m)),
        status,
    });
    t
}

#[test]
fn an_up_to_date_copy_names_the_newest_point_exactly() {
    // Backed up 10 min ago, its copy landed 5 min ago and is `ok`: that point is the copy.
    let t = tenant("a", Some(5), CrossRegionStatus::Ok);
    let copy = CrossCopy::of(&t, &Regions::Unread);
    assert_eq!(copy.data_loss(now()), Some(Duration::minutes(10)));
    assert!(matches!(copy, CrossCopy::Usable { exact: true, .. }));
    assert!(
        copy.words(now())
            .starts_with("copy in eu-central-1 from 2026-12-06 03:10 UTC, 10m")
    );
}

#[test]
fn a_copy_still_on_its_way_only_bounds_the_loss() {
    let t = tenant("a", Some(90), CrossRegionStatus::Pending);
    let copy = CrossCopy::of(&t, &Regions::Unread);
    assert_eq!(copy.data_loss(now()), Some(Duration::minutes(90)));
    assert!(
        copy.words(now()).contains("at least 1h 30m ago"),
        "{}",
        copy.words(now())
    );
}

#[test]
fn a_tenant_without_a_landed_copy_or_whose_secondary_is_down_cannot_fail_over() {
    let never = tenant("a", None, CrossRegionStatus::Failed);
    assert_eq!(
        CrossCopy::of(&never, &Regions::Unread),
        CrossCopy::Unusable("no copy has ever landed in eu-central-1".into())
    );
    let both_down = reported(vec![region("eu-central-1", RegionStatus::Down)]);
    let t = tenant("b", Some(5), CrossRegionStatus::Ok);
    assert_eq!(
        CrossCopy::of(&t, &both_down),
        CrossCopy::Unusable("its copies are in eu-central-1, which is down too".into())
    );
    let mut standard = tenant("c", Some(5), CrossRegionStatus::Ok);
    standard.tier = crate::domain::tenant::Tier::Standard;
    assert_eq!(CrossCopy::of(&standard, &both_down), CrossCopy::NotCopied);
}

#[test]
fn exposure_counts_by_tier_and_gives_median_max_and_the_worst_five() {
    let mut tenants: Vec<Arc<Tenant>> = (1..=7)
        .map(|k| {
            Arc::new(tenant(
                &format!("t{k}"),
                Some(k * 60),
                CrossRegionStatus::Failed,
            ))
        })
        .collect();
    tenants.push(Arc::new(tenant("nocopy", None, CrossRegionStatus::Failed)));
    let mut std = tenant("std", None, CrossRegionStatus::Failed);
    std.tier = crate::domain::tenant::Tier::Standard;
    tenants.push(Arc::new(std));
    let mut gone = tenant("gone", Some(5000), CrossRegionStatus::Failed);
    gone.state = TenantState::Deleting;
    tenants.push(Arc::new(gone));
    let regions = reported(vec![
        region("eu-west-1", RegionStatus::Down),
        region("us-east-1", RegionStatus::Ok),
    ]);
    let all = exposure(&tenants, &regions, now());
    let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["eu-west-1", "us-east-1"],
        "reported regions listed even when empty"
    );
    let west = &all[0];
    assert!(west.is_down());
    assert_eq!((west.dedicated, west.standard, west.with_copy), (8, 1, 7));
    assert_eq!(west.bounded, 7);
    assert_eq!(west.p50, Some(Duration::hours(4)));
    assert_eq!(west.max, Some(Duration::hours(7)));
    let worst: Vec<&str> = west.worst.iter().map(|e| e.slug.as_str()).collect();
    assert_eq!(worst.len(), WORST);
    assert_eq!(worst, ["t7", "t6", "t5", "t4", "t3"]);
    assert_eq!(west.no_copy.len(), 1);
    assert_eq!(west.no_copy[0].slug, "nocopy");
    assert_eq!(all[1].tenants(), 0);
    assert_eq!(all[1].p50, None);
}

#[test]
fn a_region_named_only_by_tenants_is_not_reported() {
    let tenants = vec![Arc::new(tenant("a", Some(5), CrossRegionStatus::Ok))];
    let all = exposure(
        &tenants,
        &Regions::NotOffered(NOT_OFFERED_HTTP.into()),
        now(),
    );
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].region, None);
    assert!(!all[0].is_down());
    assert_eq!(all[0].p50, Some(Duration::minutes(10)));
}

#[test]
fn regions_say_what_is_down_and_whether_restoring_across_is_offered() {
    let regions = reported(vec![
        region("eu-west-1", RegionStatus::Down),
        region("eu-central-1", RegionStatus::Degraded),
    ]);
    assert!(regions.cross_region_offered());
    assert_eq!(regions.all_down().count(), 1);
    assert!(regions.down("eu-central-1").is_none());
    assert_eq!(
        badge(regions.down("eu-west-1").unwrap(), now()),
        "eu-west-1 DOWN 8m"
    );
    let none = Regions::NotOffered(NOT_OFFERED_HTTP.into());
    assert!(!none.cross_region_offered());
    assert_eq!(none.not_offered(), Some(NOT_OFFERED_HTTP));
    let page: RegionsPage = serde_json::from_str(
        r#"{"generated_at":"2026-12-06T03:20:00Z","items":[{"name":"eu-west-1","status":"down",
            "since":"2026-12-06T03:12:00Z","message":"provider incident"},
            {"name":"x","status":"flooded","since":null,"message":null}]}"#,
    )
    .unwrap();
    assert_eq!(page.items[0].status, RegionStatus::Down);
    assert_eq!(
        page.items[1].status,
        RegionStatus::Unknown("flooded".into())
    );
}

#[test]
fn an_outage_is_a_region_now_or_after_a_while() {
    let down = Outage::parse("eu-west-1", RegionStatus::Down).unwrap();
    assert_eq!(
        (down.region.as_str(), down.after),
        ("eu-west-1", Duration::zero())
    );
    let later = Outage::parse("eu-west-1@+1h30m", RegionStatus::Degraded).unwrap();
    assert_eq!(later.after, Duration::minutes(90));
    assert_eq!(later.status, RegionStatus::Degraded);
    for bad in ["eu-west-1@10m", "eu-west-1@+soon", "", "EU West", "@+5m"] {
        assert!(Outage::parse(bad, RegionStatus::Down).is_err(), "{bad}");
    }
}
