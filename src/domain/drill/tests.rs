use chrono::{Duration, TimeZone};

use super::*;
use crate::domain::ids::RestoreId;
use crate::domain::restore::{RestoreMode, RestorePurpose};

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

fn tenant(slug: &str, tier: &str) -> Tenant {
    serde_json::from_value(serde_json::json!({
        "id": format!("ten_{slug}"), "slug": slug, "kind": "spoke", "hub_id": "ten_hub",
        "tier": tier, "region": "eu-west-1", "state": "active",
        "created_at": "2025-01-01T00:00:00Z",
        "backup": {
            "schedule": { "cron": "0 2 * * *", "timezone": "UTC", "next_run_at": null },
            "retention_days": 30,
            "last_success": { "restore_point_id": "rp_1", "taken_at": "2026-11-26T02:00:00Z",
                              "skew_seconds": 3 },
            "last_attempt": null, "oldest_restore_point_at": null
        }
    }))
    .unwrap()
}

fn drilled(mut t: Tenant, result: DrillResult, finished_at: DateTime<Utc>) -> Tenant {
    t.backup.last_drill = Some(LastDrill {
        target_region: None,
        restore_id: RestoreId("rst_d".into()),
        restore_point_id: None,
        point_taken_at: None,
        finished_at,
        result,
        summary: Default::default(),
        restore_duration_seconds: Some(3600),
    });
    t
}

#[test]
fn drill_slugs_are_the_day_and_a_suffix_and_nothing_else_is_one() {
    assert_eq!(drill_slug("oak", at(26, 3)), "oak-drill-20261126");
    assert_eq!(
        free_drill_slug("oak", at(26, 3), |s| s == "oak-drill-20261126"),
        "oak-drill-20261126-2"
    );
    assert!(is_drill_of("oak-drill-20261126", "oak"));
    assert!(is_drill_of("oak-drill-20261126-12", "oak"));
    for not in [
        "oak",
        "oak-restore-20261126",
        "oak-drill-2026112",
        "oak-drill-20261126-",
        "oak-drill-20261126x",
        "oak-drill-2026112a",
        "oakwood-drill-20261126",
        "elm-drill-20261126",
    ] {
        assert!(!is_drill_of(not, "oak"), "{not}");
    }
}

#[test]
fn the_pick_is_never_drilled_then_longest_since_a_pass_dedicated_first() {
    let tenants = vec![
        drilled(
            tenant("a-passed-recently", "dedicated"),
            DrillResult::Passed,
            at(25, 3),
        ),
        drilled(
            tenant("b-passed-long-ago", "standard"),
            DrillResult::Passed,
            at(2, 3),
        ),
        tenant("c-never", "standard"),
        tenant("d-never", "dedicated"),
        drilled(
            tenant("e-failed", "standard"),
            DrillResult::Failed,
            at(24, 3),
        ),
    ];
    let picked: Vec<&str> = pick(&tenants, 10).iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(
        picked,
        [
            "d-never",
            "c-never",
            "e-failed",
            "b-passed-long-ago",
            "a-passed-recently"
        ]
    );
    assert_eq!(pick(&tenants, 2).len(), 2);
    assert!(pick(&tenants, 0).is_empty());
}

#[test]
fn a_tenant_busy_restoring_a_restore_target_or_one_never_backed_up_is_not_picked_and_says_why() {
    let mut busy = tenant("busy", "standard");
    busy.active_restore_id = Some(RestoreId("rst_9".into()));
    let mut target = tenant("oak-restore-20261126", "standard");
    target.restore_of = Some(TenantId("ten_oak".into()));
    let mut empty = tenant("empty", "standard");
    empty.backup.last_success = None;
    let mut going = tenant("going", "standard");
    going.state = TenantState::Deleting;
    for (t, words) in [
        (&busy, "already has restore rst_9 in progress"),
        (&target, "is itself a restore's target"),
        (&empty, "no successful backup"),
        (&going, "is deleting, not active"),
    ] {
        assert!(cannot_drill(t).unwrap().contains(words), "{}", t.slug);
    }
    let tenants = [busy, target, empty, going, tenant("fine", "standard")];
    let picked: Vec<&str> = pick(&tenants, 5).iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(picked, ["fine"]);
}

fn restore(phase: RestorePhase, checks: &[(&str, CheckStatus)]) -> Restore {
    Restore {
        target_region: None,
        batch: None,
        id: RestoreId("rst_1".into()),
        tenant_id: TenantId("ten_oak".into()),
        source_slug: "oak".into(),
        target_slug: "oak-drill-20261126".into(),
        target_hostname: "oak-drill-20261126.example.net".into(),
        mode: RestoreMode::NewSpoke,
        restore_point_id: None,
        ticket: None,
        requested_by: "drill".into(),
        requested_at: at(26, 3),
        phase,
        steps: Vec::new(),
        rto_deadline_at: None,
        verification: Some(
            checks
                .iter()
                .map(|(name, status)| VerificationCheck {
                    name: name.to_string(),
                    status: status.clone(),
                    detail: format!("{name} detail"),
                })
                .collect(),
        ),
        error: None,
        confirmed_by: None,
        confirmed_at: None,
        purpose: RestorePurpose::Drill,
    }
}

use crate::domain::test_support::own_check as own;

const HOUR: Duration = Duration::hours(1);
const RTO: Duration = Duration::hours(4);

#[test]
fn a_drill_passes_only_when_every_check_passed_in_time() {
    let ok = restore(
        RestorePhase::AwaitingConfirmation,
        &[("database", CheckStatus::Passed)],
    );
    let v = verdicts(&ok, Some(&[own(Verdict::Passed)]), HOUR, RTO);
    assert_eq!(v.result, DrillResult::Passed);
    assert_eq!(v.summary, "2 checks passed");
    assert_eq!(v.checks[1].name, "snapdeck: moodledata");
    // Without [verify], the control plane's checks alone.
    let v = verdicts(&ok, None, HOUR, RTO);
    assert_eq!(
        (v.result, v.summary.as_str()),
        (DrillResult::Passed, "1 check passed")
    );
    // Exactly at the limit is in time; a second more is not.
    assert_eq!(verdicts(&ok, None, RTO, RTO).result, DrillResult::Passed);
    let late = verdicts(&ok, None, RTO + Duration::seconds(1), RTO);
    assert_eq!(late.result, DrillResult::Failed);
    assert!(
        late.summary.contains("longer than its 4h limit"),
        "{}",
        late.summary
    );
}

#[test]
fn a_failed_check_fails_the_drill_a_warning_or_could_not_check_warns_and_says_which() {
    let warned = restore(
        RestorePhase::AwaitingConfirmation,
        &[
            ("database", CheckStatus::Passed),
            ("site", CheckStatus::Warning),
        ],
    );
    let v = verdicts(&warned, Some(&[own(Verdict::Passed)]), HOUR, RTO);
    assert_eq!(
        (v.result, v.summary.as_str()),
        (DrillResult::Warning, "site: site detail")
    );
    let ok = restore(RestorePhase::AwaitingConfirmation, &[]);
    let v = verdicts(&ok, Some(&[own(Verdict::CouldNotCheck)]), HOUR, RTO);
    assert_eq!(v.result, DrillResult::Warning);
    let v = verdicts(&warned, Some(&[own(Verdict::Failed)]), HOUR, RTO);
    assert_eq!(v.result, DrillResult::Failed);
    assert_eq!(
        v.summary,
        "snapdeck: moodledata: 37 of the 200 newest files missing"
    );
}

#[test]
fn a_restore_that_failed_or_ended_otherwise_fails_the_drill_in_words() {
    let mut failed = restore(RestorePhase::Failed, &[]);
    failed.error = Some("pg_restore: out of disk".into());
    let v = verdicts(&failed, None, HOUR, RTO);
    assert_eq!(v.result, DrillResult::Failed);
    assert_eq!(v.summary, "the restore failed: pg_restore: out of disk");
    let v = verdicts(&restore(RestorePhase::Cancelled, &[]), None, HOUR, RTO);
    assert_eq!(
        v.summary,
        "the restore ended cancelled, not awaiting confirmation"
    );
}

#[test]
fn last_drill_reads_as_the_contract_writes_it() {
    let d: LastDrill = serde_json::from_str(
        r#"{ "restore_id": "rst_7d1", "restore_point_id": "rp_77a",
             "point_taken_at": "2026-11-26T03:00:12Z", "finished_at": "2026-11-26T05:02:00Z",
             "result": "passed", "summary": "5 checks passed",
             "restore_duration_seconds": 6120 }"#,
    )
    .unwrap();
    assert_eq!(d.restore_duration(), Some(Duration::seconds(6120)));
    let record: DrillRecord = serde_json::from_str(
        r#"{ "tenant_id": "ten_1", "restore_id": "rst_7d1", "finished_at": "2026-11-26T05:02:00Z",
             "result": "failed", "checks": [ { "name": "moodledata", "status": "failed",
             "detail": "37 missing" } ] }"#,
    )
    .unwrap();
    assert_eq!(record.drill.result, DrillResult::Failed);
    assert_eq!(record.checks[0].status, CheckStatus::Failed);
    let t = tenant("oak", "standard");
    assert!(t.backup.last_drill.is_none(), "absent is never drilled");
}

#[test]
fn a_drill_took_until_its_last_step_ended_or_until_now_while_under_way() {
    use crate::domain::restore::{RestoreStep, StepStatus};
    let mut r = restore(RestorePhase::AwaitingConfirmation, &[]);
    let step = |end: DateTime<Utc>| RestoreStep {
        name: "verify".into(),
        status: StepStatus::Succeeded,
        started_at: None,
        finished_at: Some(end),
        progress: None,
        message: None,
    };
    r.steps = vec![step(at(26, 4)), step(at(26, 5))];
    assert_eq!(took(&r, at(27, 0)), Duration::hours(2));
    r.phase = RestorePhase::RestoringVolume;
    assert_eq!(took(&r, at(26, 6)), Duration::hours(3));
    // A clock behind the request is no negative duration.
    assert_eq!(took(&r, at(26, 1)), Duration::zero());
    assert_eq!(limit_of(&Tier::Dedicated), Duration::hours(4));
    assert_eq!(limit_of(&Tier::Standard), Duration::hours(8));
    assert_eq!(limit_of(&Tier::Unknown("gold".into())), Duration::hours(8));
}
