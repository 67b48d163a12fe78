//! Restore drills: untested past their max age, the last one failed, over the tier's RTO.

use super::*;

/// The flag of `kind` the health holds (the test fails when it has none).
fn the_flag(h: &Health, kind: FlagKind) -> &Flag {
    h.flags
        .iter()
        .find(|f| f.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} among {:?}", h.flags))
}

fn drilled(result: crate::domain::drill::DrillResult, ago: Duration, took: Duration) -> Tenant {
    let mut t = dedicated();
    t.backup.last_drill = Some(crate::domain::drill::LastDrill {
        target_region: None,
        restore_id: "rst_d1".into(),
        restore_point_id: Some("rp_77a".into()),
        point_taken_at: Some(now() - ago - took - Duration::hours(1)),
        finished_at: now() - ago,
        result,
        summary: "moodledata: 37 of the 200 newest files missing".into(),
        restore_duration_seconds: Some(took.num_seconds()),
    });
    t
}

fn with_drills(max_age: Duration) -> HealthContext {
    HealthContext {
        drill_max_age: Some(max_age),
        ..ctx()
    }
}

#[test]
fn restore_untested_only_with_drills_set_up_and_just_after_max_age() {
    use crate::domain::drill::DrillResult;
    let month = Duration::days(30);
    let never = dedicated();
    assert!(!evaluate(&never, facts(HOUR), &ctx()).has(FlagKind::RestoreUntested));
    let h = evaluate(&never, facts(HOUR), &with_drills(month));
    let flag = the_flag(&h, FlagKind::RestoreUntested);
    assert!(
        flag.explanation
            .contains("No restore drill has ever been run"),
        "{flag:?}"
    );
    assert_eq!(flag.level(), Level::Amber);
    // A pass exactly max_age ago is still in time; a moment older is not.
    let at_limit = drilled(DrillResult::Passed, month, Duration::hours(1));
    let h = evaluate(&at_limit, facts(HOUR), &with_drills(month));
    assert!(!h.has(FlagKind::RestoreUntested), "{:?}", h.flags);
    assert!(
        h.recheck_at
            .is_some_and(|at| at <= now() + Duration::milliseconds(1))
    );
    let older = drilled(
        DrillResult::Passed,
        month + Duration::seconds(1),
        Duration::hours(1),
    );
    let h = evaluate(&older, facts(HOUR), &with_drills(month));
    let flag = the_flag(&h, FlagKind::RestoreUntested);
    assert!(
        flag.explanation.contains("drills are due every 30d"),
        "{flag:?}"
    );
    // A last drill that failed is flagged as such, not as untested.
    let failed = drilled(DrillResult::Failed, Duration::days(40), Duration::hours(1));
    let h = evaluate(&failed, facts(HOUR), &with_drills(month));
    assert!(!h.has(FlagKind::RestoreUntested));
    assert!(h.has(FlagKind::LastDrillFailed));
    // A tenant read from a cluster cannot know its drills, and a restore's target is no
    // customer's site: never untested.
    let mut target = dedicated();
    target.restore_of = Some(TenantId("ten_2".into()));
    assert!(!evaluate(&target, facts(HOUR), &with_drills(month)).has(FlagKind::RestoreUntested));
    let mut cluster = dedicated();
    cluster.cluster = Some(Box::default());
    assert!(!evaluate(&cluster, facts(HOUR), &with_drills(month)).has(FlagKind::RestoreUntested));
}

#[test]
fn last_drill_failed_says_when_which_point_and_why_until_a_drill_passes() {
    use crate::domain::drill::DrillResult;
    let failed = drilled(DrillResult::Failed, Duration::days(12), Duration::hours(1));
    let h = evaluate(&failed, facts(HOUR), &ctx());
    let flag = the_flag(&h, FlagKind::LastDrillFailed);
    assert_eq!(
        flag.explanation,
        "The restore drill on 2026-11-14 03:10 UTC (point rp_77a, taken 2026-11-14 01:10 UTC) \
         failed: moodledata: 37 of the 200 newest files missing."
    );
    for result in [DrillResult::Passed, DrillResult::Warning] {
        let t = drilled(result, Duration::days(12), Duration::hours(1));
        assert!(!evaluate(&t, facts(HOUR), &ctx()).has(FlagKind::LastDrillFailed));
    }
}

#[test]
fn drill_over_rto_just_past_the_tiers_rto() {
    use crate::domain::drill::DrillResult;
    let rto = Duration::hours(4);
    let at = drilled(DrillResult::Passed, Duration::days(2), rto);
    assert!(!evaluate(&at, facts(HOUR), &ctx()).has(FlagKind::DrillOverRto));
    let over = drilled(
        DrillResult::Passed,
        Duration::days(2),
        rto + Duration::seconds(1),
    );
    assert!(evaluate(&over, facts(HOUR), &ctx()).has(FlagKind::DrillOverRto));
    let over = drilled(
        DrillResult::Passed,
        Duration::days(2),
        rto + Duration::minutes(7),
    );
    let h = evaluate(&over, facts(HOUR), &ctx());
    let flag = the_flag(&h, FlagKind::DrillOverRto);
    assert!(
        flag.explanation.contains("took 4h 7m to restore"),
        "{flag:?}"
    );
    assert!(flag.explanation.contains("Dedicated RTO of 4h"), "{flag:?}");
    // Standard's 8 business hours are compared as hours of restoring.
    let mut standard = drilled(DrillResult::Passed, Duration::days(2), Duration::hours(9));
    standard.tier = Tier::Standard;
    let h = evaluate(&standard, facts(DAY), &ctx());
    let flag = the_flag(&h, FlagKind::DrillOverRto);
    assert!(
        flag.explanation.contains("RTO of 8 business hours"),
        "{flag:?}"
    );
}
