//! Restores through the channel: named for their day, once per key, each refusal, confirm
//! and cancel in their phases, their events, and drills recorded once.

use super::*;

#[tokio::test]
async fn a_new_spoke_restore_is_named_for_its_day_and_holds_the_tenant() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let (outcome, changed) = demo
        .ask(create(&tenant, newest(RestoreMode::NewSpoke), "k1"))
        .await;
    let made = restore(outcome);
    assert_eq!(made.target_slug, "northfield-medicine-restore-20261126");
    assert_eq!(made.phase, RestorePhase::Queued);
    assert_eq!(made.ticket.as_deref(), Some("SUP-4821"));
    assert_eq!(
        made.restore_point_id,
        tenant
            .backup
            .last_success
            .as_ref()
            .map(|s| s.restore_point_id.clone()),
        "no point named: the most recent successful one"
    );
    let held = changed
        .iter()
        .find(|t| t.id == tenant.id)
        .expect("the tenant changed");
    assert_eq!(held.active_restore_id.as_ref(), Some(&made.id));
    // One restore at a time: a second, under another key, is refused.
    let (second, _) = demo
        .ask(create(&tenant, newest(RestoreMode::NewSpoke), "k2"))
        .await;
    let refused = error(second);
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (Some(409), "restore_in_progress")
    );
    assert!(
        refused.message.contains(made.id.0.as_str()),
        "{}",
        refused.message
    );
}

#[tokio::test]
async fn the_same_key_does_the_work_once_and_another_body_under_it_is_refused() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let op = create(&tenant, newest(RestoreMode::NewSpoke), "double-enter");
    let first = restore(demo.ask(op.clone()).await.0);
    // A double Enter, or a re-send after a crash: the same restore, not a second one.
    let again = restore(demo.ask(op).await.0);
    assert_eq!(again.id, first.id);
    let mut other_body = newest(RestoreMode::NewSpoke);
    other_body.ticket = Some("SUP-9999".into());
    let reused = error(
        demo.ask(create(&tenant, other_body, "double-enter"))
            .await
            .0,
    );
    assert_eq!(
        (reused.status, reused.code.as_str()),
        (Some(422), "idempotency_key_reused")
    );
}

#[tokio::test]
async fn a_taken_slug_an_unusable_point_and_a_bad_overwrite_target_are_refused() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let mut taken = newest(RestoreMode::NewSpoke);
    taken.target_slug = Some("northfield-arts".into());
    let refused = error(demo.ask(create(&tenant, taken, "a")).await.0);
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (Some(409), "slug_taken")
    );
    // riverside-nursing's most recent attempt failed (CSI driver timeout).
    let failing = demo.tenant("riverside-nursing");
    let failed_point = failing
        .backup
        .last_attempt
        .as_ref()
        .unwrap()
        .restore_point_id
        .clone();
    let mut named = newest(RestoreMode::NewSpoke);
    named.restore_point_id = Some(failed_point);
    let refused = error(demo.ask(create(&failing, named, "b")).await.0);
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (Some(422), "restore_point_unusable")
    );
    assert!(refused.message.contains("failed"), "{}", refused.message);
    let mut unknown = newest(RestoreMode::NewSpoke);
    unknown.restore_point_id = Some(RestorePointId::from("rp_nosuch"));
    let refused = error(demo.ask(create(&tenant, unknown, "c")).await.0);
    assert_eq!(refused.code, "restore_point_unusable");
    let never = demo.tenant("riverside-education");
    let refused = error(
        demo.ask(create(&never, newest(RestoreMode::NewSpoke), "d"))
            .await
            .0,
    );
    assert_eq!(refused.code, "restore_point_unusable", "never backed up");
    let mut elsewhere = newest(RestoreMode::Overwrite);
    elsewhere.target_slug = Some("somewhere-else".into());
    let refused = error(demo.ask(create(&tenant, elsewhere, "e")).await.0);
    assert_eq!(refused.status, Some(422));
}

#[tokio::test]
async fn confirm_and_cancel_only_in_their_phases_and_both_free_the_tenant() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let made = restore(
        demo.ask(create(&tenant, newest(RestoreMode::Overwrite), "o1"))
            .await
            .0,
    );
    let confirm = |id: &RestoreId, k: &str| Op::ConfirmRestore {
        restore: id.clone(),
        notes: "checked course 1182".into(),
        key: key(k),
    };
    let early = error(demo.ask(confirm(&made.id, "c1")).await.0);
    assert_eq!(
        (early.status, early.code.as_str()),
        (Some(409), "invalid_phase")
    );
    assert!(early.message.contains("queued"), "{}", early.message);
    // Two hours on, every demo restore awaits confirmation.
    demo.clock.advance(Duration::hours(2));
    let cancel = Op::CancelRestore {
        restore: made.id.clone(),
        key: key("x1"),
    };
    let late = error(demo.ask(cancel).await.0);
    assert_eq!(late.code, "invalid_phase");
    let (outcome, changed) = demo.ask(confirm(&made.id, "c2")).await;
    let done = restore(outcome);
    assert_eq!(done.phase, RestorePhase::Completed);
    assert_eq!(done.confirmed_by.as_deref(), Some("oncall@example.net"));
    let freed = changed
        .iter()
        .find(|t| t.id == tenant.id)
        .expect("the tenant changed");
    assert_eq!(freed.active_restore_id, None);
    assert_eq!(
        freed.state.label(),
        "active",
        "an overwrite gives the site back"
    );
    // Cancelling another, early: cancelled, and the tenant free again.
    let other = demo.tenant("ashford-cpd");
    let made = restore(
        demo.ask(create(&other, newest(RestoreMode::NewSpoke), "n2"))
            .await
            .0,
    );
    let cancel = Op::CancelRestore {
        restore: made.id.clone(),
        key: key("x2"),
    };
    let (outcome, changed) = demo.ask(cancel).await;
    assert_eq!(restore(outcome).phase, RestorePhase::Cancelled);
    assert!(
        changed
            .iter()
            .any(|t| t.id == other.id && t.active_restore_id.is_none())
    );
    let unknown = error(
        demo.ask(confirm(&RestoreId::from("rst_nosuch"), "c3"))
            .await
            .0,
    );
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (Some(404), "restore_not_found")
    );
}

#[tokio::test]
async fn restore_events_answer_through_the_channel_and_the_new_spoke_is_reported() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let (outcome, changed) = demo
        .ask(create(&tenant, newest(RestoreMode::NewSpoke), "k-events"))
        .await;
    let made = restore(outcome);
    let spoke = changed
        .iter()
        .find(|t| t.slug == made.target_slug)
        .expect("the new spoke comes with the answer, as a changed tenant");
    assert_eq!(spoke.restore_of.as_ref(), Some(&tenant.id));
    assert_eq!(spoke.hub_id, tenant.hub_id);
    demo.clock.advance(Duration::minutes(30));
    let (outcome, _) = demo
        .ask(Op::RestoreEvents {
            restore: made.id.clone(),
            after: 2,
        })
        .await;
    let Ok(Reply::RestoreEvents(events)) = outcome else {
        panic!("events, got {outcome:?}");
    };
    assert_eq!(
        events.first().map(|e| e.seq),
        Some(3),
        "after 2, oldest first"
    );
    assert!(events.windows(2).all(|w| w[0].seq + 1 == w[1].seq));
    let (outcome, _) = demo
        .ask(Op::RestoreEvents {
            restore: RestoreId("rst_none".into()),
            after: 0,
        })
        .await;
    assert_eq!(error(outcome).code, "restore_not_found");
}

#[test]
fn a_drill_is_a_new_spoke_recorded_once_and_its_discarded_spoke_leaves_the_fleet() {
    use crate::domain::drill::{DrillFindings, DrillResult};
    use crate::domain::restore::RestorePurpose;
    use crate::domain::tenant::TenantState;
    let mut sim = Sim::new(42, 60, now());
    let mut done = super::super::Idempotency::default();
    let tenant = sim
        .tenants()
        .iter()
        .find(|t| crate::domain::drill::cannot_drill(t).is_none())
        .unwrap()
        .clone();
    let drill = |target: Option<&str>, mode: RestoreMode| CreateRestore {
        target_region: None,
        batch: None,
        target_slug: target.map(str::to_string),
        ticket: None,
        purpose: RestorePurpose::Drill,
        ..newest(mode)
    };
    // Never over the tenant, never into a slug that is not a drill's.
    let over = super::super::apply(
        &mut sim,
        &mut done,
        &create(&tenant, drill(None, RestoreMode::Overwrite), "d1"),
    );
    assert_eq!(error(over).code, "invalid_drill");
    let elsewhere = drill(Some("somewhere-else"), RestoreMode::NewSpoke);
    let refused = super::super::apply(&mut sim, &mut done, &create(&tenant, elsewhere, "d2"));
    assert_eq!(error(refused).code, "invalid_drill");
    // Named by the control plane when no target is given.
    let made = super::super::apply(
        &mut sim,
        &mut done,
        &create(&tenant, drill(None, RestoreMode::NewSpoke), "d3"),
    );
    let made = restore(made);
    assert_eq!(made.purpose, RestorePurpose::Drill);
    assert_eq!(made.target_slug, format!("{}-drill-20261126", tenant.slug));
    // A drill can be discarded once it is under way, before it awaits confirmation.
    sim.advance(now() + Duration::minutes(10));
    let findings = DrillFindings {
        result: DrillResult::Passed,
        summary: "4 checks passed".into(),
        checks: Vec::new(),
        restore_duration_seconds: Some(3600),
        verified_by: "test".into(),
    };
    let record = |restore: &RestoreId, k: &str| Op::RecordDrill {
        restore: restore.clone(),
        findings: findings.clone(),
        key: key(k),
    };
    assert!(super::super::apply(&mut sim, &mut done, &record(&made.id, "r1")).is_ok());
    let again = super::super::apply(&mut sim, &mut done, &record(&made.id, "r2"));
    assert_eq!(error(again).code, "drill_result_recorded");
    let last = sim.tenants().iter().find(|t| t.id == tenant.id).unwrap();
    assert_eq!(last.backup.last_drill.as_ref().unwrap().restore_id, made.id);
    let discard = Op::DiscardRestore {
        restore: made.id.clone(),
        reason: "drill done".into(),
        key: key("x1"),
    };
    let discarded = restore(super::super::apply(&mut sim, &mut done, &discard));
    assert_eq!(discarded.phase, RestorePhase::Discarded);
    let spoke = |sim: &Sim| sim.fleet().into_iter().find(|t| t.slug == made.target_slug);
    assert_eq!(spoke(&sim).unwrap().state, TenantState::Deleting);
    let gone_at = now() + Duration::minutes(10) + super::super::super::sim::TEARDOWN;
    sim.advance(gone_at - Duration::seconds(1));
    assert!(
        spoke(&sim).is_some(),
        "still listed until its teardown ends"
    );
    sim.advance(gone_at);
    assert!(
        spoke(&sim).is_none(),
        "gone from the fleet after its teardown"
    );
    assert!(sim.take_fleet_shrunk());
    // A restore that was asked for has no drill result.
    let other = sim
        .tenants()
        .iter()
        .find(|t| t.id != tenant.id && crate::domain::drill::cannot_drill(t).is_none())
        .unwrap()
        .clone();
    let ask = create(&other, newest(RestoreMode::NewSpoke), "a1");
    let asked = restore(super::super::apply(&mut sim, &mut done, &ask));
    let not_a_drill = super::super::apply(&mut sim, &mut done, &record(&asked.id, "r3"));
    assert_eq!(error(not_a_drill).code, "not_a_drill");
}
