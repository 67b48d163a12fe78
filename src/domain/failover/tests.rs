use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::last_drill::{DrillResult, LastDrill};
use crate::domain::region::{Region, RegionStatus, Regions};
use crate::domain::restore_point::{CopyStatus, RegionCopy};
use crate::domain::tenant::{RestoreId, Tenant, TenantId, TenantKind, TenantState, Tier};
use crate::domain::test_support::{dedicated, point, utc};

fn now() -> DateTime<Utc> {
    utc(2026, 12, 6, 4, 12)
}

/// eu-west-1 went down at 03:12, an hour before `now`.
fn down() -> Regions {
    Regions::Reported {
        generated_at: now(),
        items: vec![Region {
            name: "eu-west-1".into(),
            status: RegionStatus::Down,
            since: Some(utc(2026, 12, 6, 3, 12)),
            message: None,
        }],
    }
}

fn tenant(slug: &str) -> Tenant {
    let mut t = dedicated(now());
    t.id = TenantId(format!("ten_{slug}").into());
    t.slug = slug.into();
    t
}

/// A tenant whose last drill restored in `minutes`.
fn drilled(slug: &str, minutes: i64) -> Tenant {
    let mut t = tenant(slug);
    t.backup.last_drill = Some(LastDrill {
        restore_id: RestoreId(format!("rst_{slug}").into()),
        restore_point_id: Some(format!("rp_{slug}_drilled").as_str().into()),
        point_taken_at: None,
        finished_at: now() - Duration::days(3),
        result: DrillResult::Passed,
        summary: Default::default(),
        restore_duration_seconds: Some(minutes * 60),
        target_region: Some("eu-central-1".into()),
    });
    t
}

fn plan_of(tenants: &[Tenant], points: &Points) -> Plan {
    let scope = PlanScope::Region {
        name: "eu-west-1".into(),
        to: None,
    };
    plan(scope, tenants, &down(), points, &HashSet::new(), now())
}

fn slugs(plan: &Plan) -> Vec<&str> {
    plan.entries.iter().map(|e| e.slug.as_str()).collect()
}

#[test]
fn every_tenant_of_the_region_is_planned_or_listed_for_what_it_is() {
    let mut standard = tenant("standard");
    standard.tier = Tier::Standard;
    let mut no_secondary = tenant("nosecondary");
    no_secondary.secondary_region = None;
    let mut busy = tenant("busy");
    busy.active_restore_id = Some(RestoreId("rst_busy".into()));
    let mut drill = tenant("ok-drill-20261201");
    drill.restore_of = Some(TenantId("ten_ok".into()));
    let mut target = tenant("ok-restore-20261201");
    target.restore_of = Some(TenantId("ten_ok".into()));
    let mut new = tenant("new");
    new.state = TenantState::Provisioning;
    let mut elsewhere = tenant("elsewhere");
    elsewhere.region = "us-east-1".into();
    let fleet = [
        tenant("ok"),
        standard,
        no_secondary,
        busy,
        drill,
        target,
        new,
        elsewhere,
    ];
    let plan = plan_of(&fleet, &Points::new());
    assert_eq!(slugs(&plan), ["ok"]);
    let left: Vec<String> = plan
        .left_out
        .iter()
        .map(|l| format!("{}: {}", l.slug(), l.words()))
        .collect();
    assert_eq!(
        left,
        [
            "busy: a restore is active (rst_busy)",
            "new: not active (provisioning)",
            "nosecondary: no usable copy: no secondary region is set",
            "ok-drill-20261201: a drill's spoke",
            "ok-restore-20261201: a restore's target",
            "standard: Standard: no copy, waits for its region",
        ]
    );
    assert_eq!(plan.since, Some(utc(2026, 12, 6, 3, 12)));
}

#[test]
fn a_secondary_other_than_the_one_asked_for_is_said() {
    let scope = PlanScope::Region {
        name: "eu-west-1".into(),
        to: Some("eu-north-1".into()),
    };
    let plan = plan(
        scope,
        &[tenant("a")],
        &down(),
        &Points::new(),
        &HashSet::new(),
        now(),
    );
    assert!(plan.entries.is_empty());
    assert_eq!(
        plan.left_out[0].words(),
        "its secondary region is eu-central-1"
    );
}

#[test]
fn hubs_go_before_their_spokes_then_the_shortest_first() {
    let hub = drilled("hub", 90);
    let mut spoke = drilled("spoke", 10);
    spoke.kind = TenantKind::Spoke;
    spoke.hub_id = Some(hub.id.clone());
    // A spoke whose hub is not in the plan is not held back.
    let mut orphan = drilled("orphan", 20);
    orphan.kind = TenantKind::Spoke;
    orphan.hub_id = Some(TenantId("ten_elsewhere".into()));
    let quick = drilled("quick", 30);
    let plan = plan_of(&[hub, spoke, orphan, quick], &Points::new());
    assert_eq!(slugs(&plan), ["orphan", "quick", "hub", "spoke"]);
}

#[test]
fn the_point_is_the_newest_copied_to_the_secondary_when_the_points_are_read() {
    let t = tenant("a");
    let mut newest = point("rp_new", now() - Duration::minutes(10));
    newest.copies = vec![RegionCopy {
        region: "eu-central-1".into(),
        status: CopyStatus::Pending,
        copied_at: None,
    }];
    let mut copied = point("rp_copied", now() - Duration::minutes(70));
    copied.copies = vec![RegionCopy {
        region: "eu-central-1".into(),
        status: CopyStatus::Copied,
        copied_at: Some(now() - Duration::minutes(60)),
    }];
    let points = Points::from([(t.id.clone(), vec![newest, copied])]);
    let plan = plan_of(&[t], &points);
    let e = &plan.entries[0];
    assert_eq!(e.point.id, Some("rp_copied".into()));
    assert!(e.point.exact);
    assert_eq!(e.loss, Duration::minutes(70));
    assert_eq!(e.to, "eu-central-1");
}

#[test]
fn read_points_none_of_them_copied_leave_it_out_in_words() {
    let t = tenant("a");
    let points = Points::from([(t.id.clone(), vec![point("rp_1", now())])]);
    let plan = plan_of(&[t], &points);
    assert_eq!(
        plan.left_out[0].words(),
        "no usable copy: no point of its 1 is copied to eu-central-1"
    );
}

#[test]
fn unread_points_take_the_summary_newest_copy_bounded_or_exact() {
    // The summary: backed up 10 min ago, copy landed 1 h ago, status ok: the copy is at least
    // an hour old, not exact.
    let plan = plan_of(&[tenant("a")], &Points::new());
    let e = &plan.entries[0];
    assert_eq!(e.point.id, None);
    assert!(!e.point.exact);
    assert_eq!(e.loss, Duration::hours(1));
}

/// A point of `bytes`, copied to eu-central-1; a drilled one is a week older.
fn sized(id: &str, bytes: u64) -> crate::domain::restore_point::RestorePoint {
    let age = if id.ends_with("_drilled") {
        Duration::days(7)
    } else {
        Duration::hours(2)
    };
    let mut p = point(id, now() - age);
    p.database.size_bytes = Some(bytes / 4);
    p.volume.restore_size_bytes = Some(bytes - bytes / 4);
    p.copies = vec![RegionCopy {
        region: "eu-central-1".into(),
        status: CopyStatus::Copied,
        copied_at: Some(now() - Duration::hours(1)),
    }];
    p
}

const GB: u64 = 1 << 30;

#[test]
fn each_estimate_says_where_it_comes_from() {
    // a: its drill restored 10 GB in 20 min; its point now is 20 GB → 40 min at its rate.
    let a = drilled("a", 20);
    // b: drilled in 50 min, its drilled point not among those read → its drill's time.
    let b = drilled("b", 50);
    // c: never drilled, 30 GB → at the fleet's median rate. The fleet's rates are a's
    // 10 GB/20 min only (b's size is unknown), so 60 min.
    let c = tenant("c");
    let points = Points::from([
        (
            a.id.clone(),
            vec![sized("rp_a", 20 * GB), sized("rp_a_drilled", 10 * GB)],
        ),
        (b.id.clone(), vec![sized("rp_b", 20 * GB)]),
        (c.id.clone(), vec![sized("rp_c", 30 * GB)]),
    ]);
    let plan = plan_of(&[a, b, c.clone()], &points);
    let by = |slug: &str| {
        plan.entries
            .iter()
            .find(|e| e.slug == slug)
            .unwrap()
            .estimate
    };
    assert_eq!(
        by("a"),
        Estimate {
            took: Duration::minutes(40),
            basis: Basis::OwnRate
        }
    );
    assert_eq!(
        by("b"),
        Estimate {
            took: Duration::minutes(50),
            basis: Basis::OwnDrill
        }
    );
    assert_eq!(
        by("c"),
        Estimate {
            took: Duration::minutes(60),
            basis: Basis::FleetRate
        }
    );
    // Without a size, c takes the median drill time (of 20 and 50: the upper middle).
    let plan = plan_of(
        &[drilled("a", 20), drilled("b", 50), c.clone()],
        &Points::new(),
    );
    let c_est = plan
        .entries
        .iter()
        .find(|e| e.slug == "c")
        .unwrap()
        .estimate;
    assert_eq!(
        c_est,
        Estimate {
            took: Duration::minutes(50),
            basis: Basis::FleetMedian
        }
    );
    // Nobody drilled: an assumption, said as one.
    let plan = plan_of(&[c], &Points::new());
    assert_eq!(plan.entries[0].estimate.basis, Basis::Assumed);
    assert_eq!(plan.entries[0].estimate.took, estimate::ASSUMED);
}

/// Five tenants drilled at 60, 60, 90, 120 and 150 minutes; the region down since an hour
/// before the launch, so the 4 h RTO ends 3 h after it.
fn five() -> Plan {
    let fleet = [
        drilled("e", 150),
        drilled("c", 90),
        drilled("a", 60),
        drilled("d", 120),
        drilled("b", 60),
    ];
    plan_of(&fleet, &Points::new())
}

#[test]
fn the_projection_matches_a_hand_computation() {
    let plan = five();
    assert_eq!(slugs(&plan), ["a", "b", "c", "d", "e"]);
    // At 2 at once: a, b 0–60; c 60–150; d 60–180 (exactly at the deadline: within);
    // e 150–300.
    let p = project(&plan, 2, now());
    let at = |m: i64| Some(now() + Duration::minutes(m));
    assert_eq!(p.finishes, [at(60), at(60), at(150), at(180), at(300)]);
    assert_eq!(p.from, utc(2026, 12, 6, 3, 12));
    assert_eq!(p.deadline, utc(2026, 12, 6, 7, 12));
    assert_eq!((p.within, p.past), (4, 1));
    assert_eq!(p.last, at(300));
    // At 3: e starts at 60 and ends at 210; at 4, it also waits for a slot (60 → 210);
    // only at 5 does it start at once and end at 150.
    assert_eq!(p.all_within_at, Some(5));
    assert_eq!(
        p.words(),
        "at 2 at once: 5 back by 09:12 UTC, 1 past the 4h RTO; at 5: all within"
    );
    let p = project(&plan, 5, now());
    assert_eq!((p.within, p.past), (5, 0));
    assert_eq!(
        p.words(),
        "at 5 at once: 5 back by 06:42 UTC, all within the 4h RTO"
    );
}

#[test]
fn an_excluded_tenant_is_not_scheduled_and_frees_its_slot() {
    let mut plan = five();
    plan.toggle(&TenantId("ten_c".into()));
    let p = project(&plan, 2, now());
    let at = |m: i64| Some(now() + Duration::minutes(m));
    // a, b 0–60; d 60–180; e 60–210.
    assert_eq!(p.finishes, [at(60), at(60), None, at(180), at(210)]);
    assert_eq!(plan.included().count(), 4);
    plan.toggle(&TenantId("ten_c".into()));
    assert_eq!(plan.included().count(), 5);
}

#[test]
fn a_restore_longer_than_the_time_left_cannot_make_it_at_any_width() {
    let plan = plan_of(&[drilled("slow", 200)], &Points::new());
    let p = project(&plan, 4, now());
    assert_eq!((p.within, p.past, p.all_within_at), (0, 1, None));
    assert!(
        p.words().ends_with("even all at once some cannot make it"),
        "{}",
        p.words()
    );
}

#[test]
fn a_region_that_is_up_counts_its_rto_from_the_launch() {
    let scope = PlanScope::Region {
        name: "eu-west-1".into(),
        to: None,
    };
    let up = Regions::Unread;
    let plan = plan(
        scope,
        &[drilled("a", 30)],
        &up,
        &Points::new(),
        &HashSet::new(),
        now(),
    );
    assert_eq!(plan.since, None);
    let p = project(&plan, 1, now());
    assert_eq!(p.from, now());
    assert_eq!(p.deadline, now() + Duration::hours(4));
}

#[test]
fn nothing_to_restore_says_so() {
    let plan = plan_of(&[], &Points::new());
    let p = project(&plan, 4, now());
    assert_eq!(p.words(), "nothing to restore");
    assert_eq!(p.all_within_at, Some(1));
}

#[test]
fn a_fail_back_plans_the_batch_spokes_into_their_original_region() {
    // The failover's spoke lives in eu-central-1 and its secondary is eu-west-1, now back.
    let mut spoke = tenant("a-restore-20261206");
    spoke.restore_of = Some(TenantId("ten_a".into()));
    spoke.region = "eu-central-1".into();
    spoke.secondary_region = Some("eu-west-1".into());
    let scope = PlanScope::FailBack {
        batch: "fo_1".into(),
        spokes: vec![spoke.id.clone()],
    };
    // The spoke was never drilled; the tenant it was restored from was, in 25 minutes.
    let fleet = [spoke, tenant("b"), drilled("a", 25)];
    let plan = plan(
        scope,
        &fleet,
        &Regions::Unread,
        &Points::new(),
        &HashSet::new(),
        now(),
    );
    assert_eq!(slugs(&plan), ["a-restore-20261206"]);
    let estimate = plan.entries[0].estimate;
    assert_eq!(
        (estimate.took, estimate.basis),
        (Duration::minutes(25), Basis::OwnDrill)
    );
    assert_eq!(plan.entries[0].to, "eu-west-1");
    assert_eq!(plan.region, "eu-central-1");
}
