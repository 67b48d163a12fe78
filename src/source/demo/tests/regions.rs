//! An outage in the simulation: regions turn down when asked, their backups fail, restores
//! into them are refused, and a tenant is restored in its secondary region from its copy.

use super::*;
use crate::domain::region::{Outage, RegionStatus};
use crate::domain::restore::{CreateRestore, RestoreMode};
use crate::domain::tenant::{AttemptStatus, Tier};

fn outage(text: &str) -> Outage {
    Outage::parse(text, RegionStatus::Down).unwrap()
}

fn cross(region: &str) -> CreateRestore {
    CreateRestore {
        restore_point_id: None,
        mode: RestoreMode::NewSpoke,
        target_slug: None,
        ticket: None,
        reason: Some("eu-west-1 is down".into()),
        purpose: Default::default(),
        target_region: Some(region.into()),
        batch: Some("fo_test".into()),
    }
}

/// A Dedicated tenant of `region` whose copies land.
fn dedicated_of(sim: &Sim, region: &str) -> Arc<Tenant> {
    let found = sim.tenants().iter().find(|t| {
        t.region == region
            && t.tier == Tier::Dedicated
            && t.restore_of.is_none()
            && t.active_restore_id.is_none()
            && t.backup
                .cross_region
                .as_ref()
                .is_some_and(|c| c.status == crate::domain::tenant::CrossRegionStatus::Ok)
    });
    Arc::clone(found.expect("a Dedicated tenant with its copies up to date"))
}

#[test]
fn a_region_goes_down_when_asked_and_the_list_is_sent_again_once() {
    let mut sim = Sim::new(42, 60, now()).with_outages(&[outage("eu-west-1@+10m")]);
    let first = sim
        .take_regions_changed()
        .expect("the first list is always sent");
    assert!(first.iter().all(|r| r.status == RegionStatus::Ok));
    assert!(
        first.iter().any(|r| r.name == "ap-southeast-1"),
        "secondaries too"
    );
    assert!(sim.take_regions_changed().is_none());
    sim.advance(now() + Duration::minutes(11));
    let after = sim
        .take_regions_changed()
        .expect("the outage changed the list");
    let west = after.iter().find(|r| r.name == "eu-west-1").unwrap();
    assert_eq!(west.status, RegionStatus::Down);
    assert_eq!(west.since, Some(now() + Duration::minutes(10)));
    assert!(sim.is_down("eu-west-1") && !sim.is_down("eu-central-1"));
}

#[test]
fn while_down_its_backups_fire_and_fail_in_words() {
    let mut sim = Sim::new(42, 200, now()).with_outages(&[outage("eu-west-1")]);
    sim.advance(now() + Duration::hours(3));
    let ran_since = |t: &&Arc<Tenant>| {
        t.backup
            .last_attempt
            .as_ref()
            .is_some_and(|a| a.taken_at > now() && a.status != AttemptStatus::Running)
    };
    let west: Vec<_> = sim
        .tenants()
        .iter()
        .filter(|t| t.region == "eu-west-1")
        .filter(ran_since)
        .collect();
    assert!(west.len() > 10, "{} ran", west.len());
    let elsewhere = sim.tenants().iter().filter(|t| t.region != "eu-west-1");
    assert!(
        elsewhere.filter(ran_since).any(|t| t
            .backup
            .last_attempt
            .as_ref()
            .unwrap()
            .error
            .is_none())
    );
    for t in west {
        let attempt = t.backup.last_attempt.as_ref().unwrap();
        assert_eq!(
            attempt.error.as_deref(),
            Some("region eu-west-1 is down"),
            "{}",
            t.slug
        );
    }
}

#[test]
fn a_restore_into_a_region_that_is_down_is_refused_and_one_from_the_copy_is_not() {
    let mut sim = Sim::new(42, 200, now()).with_outages(&[outage("eu-west-1")]);
    let tenant = dedicated_of(&sim, "eu-west-1");
    let in_place = CreateRestore {
        target_region: None,
        ..cross("eu-west-1")
    };
    let refused = sim.create_restore(&tenant.id, &in_place).unwrap_err();
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (Some(422), "region_unavailable")
    );
    assert!(
        refused.message.contains("eu-west-1 is down"),
        "{}",
        refused.message
    );

    let wrong = sim
        .create_restore(&tenant.id, &cross("us-east-1"))
        .unwrap_err();
    assert_eq!(wrong.code, "copy_unavailable");
    assert!(
        wrong
            .message
            .contains("copied to eu-central-1, not us-east-1")
    );
    let overwrite = CreateRestore {
        mode: RestoreMode::Overwrite,
        ..cross("eu-central-1")
    };
    assert_eq!(
        sim.create_restore(&tenant.id, &overwrite).unwrap_err().code,
        "copy_unavailable"
    );

    let restore = sim
        .create_restore(&tenant.id, &cross("eu-central-1"))
        .unwrap();
    assert_eq!(restore.target_region.as_deref(), Some("eu-central-1"));
    assert_eq!(restore.batch.as_deref(), Some("fo_test"));
    let point = restore.restore_point_id.clone().unwrap();
    let held = sim.restore_point(
        sim.tenants()
            .iter()
            .position(|t| t.id == tenant.id)
            .unwrap(),
        &point,
    );
    let copies = held.unwrap().copies;
    assert!(copies.iter().any(|c| c.region == "eu-central-1"
        && c.status == crate::domain::restore_point::CopyStatus::Copied));
    let spoke = sim
        .tenants()
        .iter()
        .find(|t| t.slug == restore.target_slug)
        .expect("the new spoke is in the fleet");
    assert_eq!(spoke.region, "eu-central-1");
    assert_eq!(spoke.secondary_region.as_deref(), Some("eu-west-1"));
}
