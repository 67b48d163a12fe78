//! Demo restores as the operator launches them: their event logs, the ones that fail halfway,
//! the verification verdicts, and the spoke a new-spoke restore adds to the fleet.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::super::{Verdict, failure_of, verdict_of};
use crate::domain::ids::RestoreId;
use crate::domain::restore::{CreateRestore, Restore, RestoreMode, RestorePhase, StepStatus};
use crate::domain::tenant::{TenantKind, TenantState};
use crate::source::demo::sim::Sim;

const SEED: u64 = 42;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

fn new_spoke() -> CreateRestore {
    CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: None,
        mode: RestoreMode::NewSpoke,
        target_slug: None,
        ticket: Some("SUP-4821".into()),
        reason: None,
        purpose: Default::default(),
    }
}

/// A fleet, and a new-spoke restore launched on the first spoke that can be restored whose
/// failing (or not) is `fails`.
fn launched(fails: bool) -> (Sim, usize, Restore) {
    let mut sim = Sim::new(SEED, 60, now());
    let spokes: Vec<usize> = (0..sim.tenants().len())
        .filter(|&i| {
            let t = &sim.tenants()[i];
            !t.is_hub() && t.active_restore_id.is_none() && t.backup.last_success.is_some()
        })
        .collect();
    for index in spokes {
        let k = sim.restore_plans.len();
        let id = sim.tenants()[index].id.clone();
        // Launching one that does not fit still takes its index: the next one is judged next.
        let restore = sim.create_restore(&id, &new_spoke()).unwrap();
        if failure_of(SEED, k).is_some() == fails {
            return (sim, index, restore);
        }
    }
    panic!("no restore of the wanted kind in this fleet");
}

fn plan_of<'a>(sim: &'a Sim, id: &RestoreId) -> &'a super::super::RestorePlan {
    sim.restore_plans.iter().find(|p| p.id() == id).unwrap()
}

#[test]
fn events_are_numbered_in_order_and_keep_their_numbers_as_time_passes() {
    let (sim, _, restore) = launched(false);
    let plan = plan_of(&sim, &restore.id);
    let early = plan.events(now() + Duration::minutes(20));
    let late = plan.events(now() + Duration::hours(6));
    assert!(early.len() < late.len());
    assert_eq!(early[..], late[..early.len()], "a line keeps its number");
    for (i, e) in late.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
    }
    assert!(late.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    let text: Vec<&str> = late.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(text[1], "queued");
    for needle in [
        "provisioning: provision_spoke started",
        "restored 0.",
        "pg_restore: processing data for table \"public.mdl_user\"",
        "restore_volume succeeded in",
        "check passed: site answers HTTP 200",
        "awaiting confirmation:",
    ] {
        assert!(
            text.iter().any(|m| m.contains(needle)),
            "{needle} missing: {text:#?}"
        );
    }
    assert!(
        text.iter()
            .any(|m| m.starts_with("restored ") && m.contains(" of ") && m.ends_with(" GiB"))
    );
}

#[test]
fn about_one_in_eight_launched_restores_fails_halfway() {
    let failing = (0..800).filter(|&k| failure_of(SEED, k).is_some()).count();
    assert!((70..130).contains(&failing), "{failing} of 800");
    for failure in (0..800).filter_map(|k| failure_of(SEED, k)) {
        assert!(matches!(failure.step, 1 | 2), "database or volume");
        assert!((0.25..=0.75).contains(&failure.fraction));
    }
    let verdicts: Vec<Verdict> = (0..400).map(|k| verdict_of(SEED, k)).collect();
    let count = |v: Verdict| verdicts.iter().filter(|&&x| x == v).count();
    assert!(count(Verdict::Passed) > count(Verdict::Warning));
    assert!(count(Verdict::Warning) > count(Verdict::Failed));
    assert!(count(Verdict::Failed) > 0);
}

#[test]
fn a_failing_restore_fails_halfway_in_words_and_frees_its_tenant() {
    let (mut sim, index, restore) = launched(true);
    let fails = plan_of(&sim, &restore.id).fails_at().unwrap();
    let before = plan_of(&sim, &restore.id).at(fails - Duration::seconds(1));
    assert!(before.phase.is_active());
    sim.advance(fails + Duration::seconds(1));
    let failed = sim.restores().iter().find(|r| r.id == restore.id).unwrap();
    assert_eq!(failed.phase, RestorePhase::Failed);
    let error = failed.error.as_deref().unwrap();
    assert!(error.contains("No space left on device"), "{error}");
    let step = failed
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Failed)
        .unwrap();
    assert!(matches!(
        step.name.as_str(),
        "restore_database" | "restore_volume"
    ));
    assert_eq!(step.message.as_deref(), Some(error));
    assert!(
        failed
            .steps
            .iter()
            .any(|s| s.name == "verify" && s.status == StepStatus::Skipped)
    );
    assert_eq!(sim.tenants()[index].active_restore_id, None);
    let events = plan_of(&sim, &restore.id).events(fails + Duration::hours(3));
    let last = events.last().unwrap();
    assert_eq!(last.level, "error");
    assert!(last.message.starts_with("restore failed in restoring "));
    assert!(events.iter().all(|e| e.at <= fails), "nothing after it");
    // Its new spoke is torn down, not left as if restoring.
    let target = sim
        .tenants()
        .iter()
        .find(|t| t.slug == restore.target_slug)
        .unwrap();
    assert_eq!(target.state, TenantState::Deleting);
    // And it cannot be cancelled any more.
    let refused = sim.cancel_restore(&restore.id).unwrap_err();
    assert_eq!(refused.code, "invalid_phase");
}

#[test]
fn a_new_spoke_appears_under_the_sources_hub_and_follows_its_restore() {
    let (mut sim, index, restore) = launched(false);
    let source = sim.tenants()[index].clone();
    let target = sim.tenants().last().unwrap().clone();
    assert_eq!(target.slug, restore.target_slug);
    assert_eq!(target.kind, TenantKind::Spoke);
    assert_eq!(target.hub_id.as_ref(), source.hub_id.as_ref());
    assert_eq!(target.restore_of.as_ref(), Some(&source.id));
    assert_eq!(target.state, TenantState::Restoring);
    assert_eq!(target.hostname, restore.target_hostname);
    let touched = sim.take_touched();
    assert!(touched.contains(&(sim.tenants().len() - 1)), "reported");
    // Verified and confirmed: the spoke is active.
    sim.advance(now() + Duration::hours(3));
    let awaiting = sim.restores().iter().find(|r| r.id == restore.id).unwrap();
    assert_eq!(awaiting.phase, RestorePhase::AwaitingConfirmation);
    sim.confirm_restore(&restore.id, "course 1182 is back")
        .unwrap();
    let target = sim.tenants().last().unwrap();
    assert_eq!(target.state, TenantState::Active);
    let events = sim.restore_events(&restore.id, 0).unwrap();
    assert_eq!(
        events.last().unwrap().message,
        "confirmed by oncall@example.net: \u{201c}course 1182 is back\u{201d}"
    );
}

#[test]
fn a_hubs_new_spoke_hangs_under_the_hub_itself() {
    let mut sim = Sim::new(SEED, 60, now());
    let hub = sim
        .tenants()
        .iter()
        .find(|t| t.is_hub() && t.active_restore_id.is_none() && t.backup.last_success.is_some())
        .unwrap()
        .clone();
    sim.create_restore(&hub.id, &new_spoke()).unwrap();
    let target = sim.tenants().last().unwrap();
    assert_eq!(target.hub_id.as_ref(), Some(&hub.id));
    assert_eq!(target.restore_of.as_ref(), Some(&hub.id));
}

#[test]
fn restore_events_after_n_are_the_newer_ones_and_unknown_restores_are_404() {
    let (mut sim, _, restore) = launched(false);
    sim.advance(now() + Duration::minutes(40));
    let all = sim.restore_events(&restore.id, 0).unwrap();
    assert!(all.len() > 6);
    let after = sim.restore_events(&restore.id, 5).unwrap();
    assert_eq!(after[..], all[5..]);
    assert!(sim.restore_events(&restore.id, 10_000).unwrap().is_empty());
    let missing = sim
        .restore_events(&RestoreId("rst_nope".into()), 0)
        .unwrap_err();
    assert_eq!(
        (missing.code.as_str(), missing.status),
        ("restore_not_found", Some(404))
    );
}

#[test]
fn a_cancelled_restore_leaves_its_new_spoke_deleting_and_says_who_cancelled() {
    let (mut sim, index, restore) = launched(false);
    sim.advance(now() + Duration::minutes(10));
    sim.cancel_restore(&restore.id).unwrap();
    let target = sim.tenants().last().unwrap();
    assert_eq!(target.slug, restore.target_slug);
    assert_eq!(target.state, TenantState::Deleting);
    assert_eq!(sim.tenants()[index].active_restore_id, None);
    let events = sim.restore_events(&restore.id, 0).unwrap();
    assert!(
        events
            .last()
            .unwrap()
            .message
            .starts_with("cancelled by oncall@example.net")
    );
    // Later instants add nothing after the cancel.
    sim.advance(now() + Duration::hours(5));
    assert_eq!(sim.restore_events(&restore.id, 0).unwrap(), events);
}
