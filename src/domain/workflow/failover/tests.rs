use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::domain::restore::{
    CheckStatus, CreateRestore, RestoreMode, RestorePurpose, VerificationCheck,
};
use crate::domain::test_support::{own_check, restore as a_restore, utc};
use crate::domain::verify::Verdict;

fn at() -> DateTime<Utc> {
    utc(2026, 12, 6, 4, 0)
}

fn spec(parallel: usize) -> BatchSpec {
    BatchSpec {
        batch: "fo_test".into(),
        region: "eu-west-1".into(),
        parallel,
        deadline: utc(2026, 12, 6, 7, 12),
        verify: true,
        confirm_passed: false,
        swap_dns: false,
    }
}

fn id(n: usize) -> TenantId {
    TenantId(format!("ten_{n}").into())
}

fn members(n: usize) -> Vec<Member> {
    (0..n)
        .map(|i| {
            let request = CreateRestore {
                restore_point_id: None,
                mode: RestoreMode::NewSpoke,
                target_slug: None,
                ticket: None,
                reason: Some("failover of eu-west-1".into()),
                purpose: RestorePurpose::Failover,
                target_region: Some("eu-central-1".into()),
                batch: Some("fo_test".into()),
            };
            Member::new(id(i), format!("t{i}"), request, Duration::minutes(30))
        })
        .collect()
}

/// Member `n`'s restore `rst_n` in `phase`, with the control plane's checks passed.
fn restore(n: usize, phase: RestorePhase) -> Restore {
    let mut r = a_restore(phase);
    r.id = format!("rst_{n}").as_str().into();
    r.tenant_id = id(n);
    r.batch = Some("fo_test".into());
    r.purpose = RestorePurpose::Failover;
    r.requested_at = at();
    r.verification = Some(vec![VerificationCheck {
        name: "site_responds".into(),
        status: CheckStatus::Passed,
        detail: String::new(),
    }]);
    r
}

fn launched(wants: &[BatchWant]) -> Vec<TenantId> {
    wants
        .iter()
        .filter_map(|w| match w {
            BatchWant::Send {
                tenant,
                write: Write::Launch { .. },
            } => Some(tenant.clone()),
            _ => None,
        })
        .collect()
}

fn answer(flow: &mut BatchFlow, n: usize, r: Option<Restore>) -> Vec<BatchWant> {
    flow.step(BatchEvent::Member {
        tenant: id(n),
        event: Box::new(Event::Answered {
            restore: r,
            at: at(),
        }),
    })
}

fn listed(flow: &mut BatchFlow, restores: Vec<Restore>, minutes: i64) -> Vec<BatchWant> {
    flow.step(BatchEvent::Listed {
        restores,
        at: at() + Duration::minutes(minutes),
    })
}

/// A batch of `n` at `parallel`, listed empty once: the first launches are out.
fn started(n: usize, parallel: usize) -> (BatchFlow, Vec<BatchWant>) {
    let (mut flow, wants) = BatchFlow::new(spec(parallel), members(n));
    assert_eq!(
        wants,
        [BatchWant::List],
        "a batch lists itself before it launches"
    );
    let wants = listed(&mut flow, Vec::new(), 0);
    (flow, wants)
}

#[test]
fn it_launches_n_at_once_in_the_plans_order_and_the_next_when_one_is_done() {
    let (mut flow, wants) = started(5, 2);
    assert_eq!(launched(&wants), [id(0), id(1)]);
    assert!(
        launched(&answer(
            &mut flow,
            0,
            Some(restore(0, RestorePhase::Queued))
        ))
        .is_empty()
    );
    assert!(
        launched(&answer(
            &mut flow,
            1,
            Some(restore(1, RestorePhase::Queued))
        ))
        .is_empty()
    );
    assert_eq!(flow.totals().queued, 5);
    // t0 reaches awaiting confirmation: its slot frees, t2 goes; t0's checks are wanted.
    let wants = listed(
        &mut flow,
        vec![restore(0, RestorePhase::AwaitingConfirmation)],
        5,
    );
    assert_eq!(launched(&wants), [id(2)]);
    assert!(wants.contains(&BatchWant::Check {
        tenant: id(0),
        restore: "rst_0".into()
    }));
    assert_eq!(flow.member(&id(0)).unwrap().stage, Stage::Checking);
}

fn awaiting_checked(flow: &mut BatchFlow, n: usize, verdict: Option<Verdict>) {
    listed(
        flow,
        vec![restore(n, RestorePhase::AwaitingConfirmation)],
        10,
    );
    flow.step(BatchEvent::Member {
        tenant: id(n),
        event: Box::new(Event::Checked(verdict.map(|v| vec![own_check(v)]))),
    });
}

#[test]
fn confirm_passed_confirms_only_those_whose_every_check_passed() {
    let (mut flow, _) = started(3, 3);
    for n in 0..3 {
        answer(&mut flow, n, Some(restore(n, RestorePhase::Queued)));
    }
    awaiting_checked(&mut flow, 0, Some(Verdict::Passed));
    awaiting_checked(&mut flow, 1, Some(Verdict::Failed));
    awaiting_checked(&mut flow, 2, None);
    assert_eq!(flow.totals().awaiting, 3);
    let wants = flow.step(BatchEvent::ConfirmPassed);
    let confirmed: Vec<&TenantId> = wants
        .iter()
        .filter_map(|w| match w {
            BatchWant::Send {
                tenant,
                write: Write::Confirm { .. },
            } => Some(tenant),
            _ => None,
        })
        .collect();
    assert_eq!(
        confirmed,
        [&id(0)],
        "a failed or unchecked one is confirmed alone"
    );
    // The failed one, when a person typed its slug.
    let wants = flow.step(BatchEvent::ConfirmOne(id(1)));
    assert_eq!(wants.len(), 1);
    answer(&mut flow, 0, Some(restore(0, RestorePhase::Completed)));
    assert_eq!(flow.member(&id(0)).unwrap().stage, Stage::Confirmed);
    let wants = flow.step(BatchEvent::SwapConfirmed);
    assert!(matches!(
        &wants[..],
        [BatchWant::Send {
            write: Write::Swap { .. },
            ..
        }]
    ));
    answer(&mut flow, 0, None);
    assert_eq!(flow.member(&id(0)).unwrap().stage, Stage::Swapped);
    assert_eq!(flow.totals().swapped, 1);
}

#[test]
fn with_confirm_passed_and_swap_dns_it_goes_to_swapped_alone_and_is_done() {
    let (mut flow, _) = BatchFlow::new(
        BatchSpec {
            confirm_passed: true,
            swap_dns: true,
            ..spec(1)
        },
        members(1),
    );
    listed(&mut flow, Vec::new(), 0);
    answer(&mut flow, 0, Some(restore(0, RestorePhase::Queued)));
    listed(
        &mut flow,
        vec![restore(0, RestorePhase::AwaitingConfirmation)],
        10,
    );
    let wants = flow.step(BatchEvent::Member {
        tenant: id(0),
        event: Box::new(Event::Checked(Some(vec![own_check(Verdict::Passed)]))),
    });
    assert!(matches!(
        &wants[..],
        [BatchWant::Send {
            write: Write::Confirm { .. },
            ..
        }]
    ));
    let wants = answer(&mut flow, 0, Some(restore(0, RestorePhase::Completed)));
    assert!(matches!(
        &wants[..],
        [BatchWant::Send {
            write: Write::Swap { .. },
            ..
        }]
    ));
    assert!(!flow.is_done());
    answer(&mut flow, 0, None);
    assert!(flow.is_done());
}

#[test]
fn an_undeliverable_launch_goes_again_with_backoff_and_holds_back_the_rest() {
    let (mut flow, wants) = started(3, 1);
    let first = wants[0].clone();
    let wants = flow.step(BatchEvent::Member {
        tenant: id(0),
        event: Box::new(Event::Undeliverable("429 rate_limited: slow down".into())),
    });
    assert!(wants.is_empty());
    // After its first failure it waits 2 ticks; nothing else launches meanwhile.
    assert!(flow.step(BatchEvent::Tick).is_empty());
    let again = flow.step(BatchEvent::Tick);
    assert_eq!(
        again,
        std::slice::from_ref(&first),
        "the same write: the runner keys it the same"
    );
    // Refused 429 again and again: never dropped, waits longer each time.
    for _ in 0..10 {
        flow.step(BatchEvent::Member {
            tenant: id(0),
            event: Box::new(Event::Undeliverable("429".into())),
        });
        let mut ticks = 0;
        while !flow.step(BatchEvent::Tick).contains(&first) {
            ticks += 1;
            assert!(ticks <= RESEND_CAP_TICKS, "resent within the cap");
        }
    }
    assert_eq!(flow.member(&id(0)).unwrap().stage, Stage::Launching);
    assert_eq!(flow.totals().queued, 3);
    let wants = answer(
        &mut flow,
        0,
        Some(restore(0, RestorePhase::AwaitingConfirmation)),
    );
    assert_eq!(launched(&wants), [id(1)]);
}

#[test]
fn a_refused_launch_fails_and_is_launched_again_only_when_asked() {
    let (mut flow, _) = started(2, 1);
    let wants = flow.step(BatchEvent::Member {
        tenant: id(0),
        event: Box::new(Event::Refused("422 copy_unavailable: no copy".into())),
    });
    assert_eq!(launched(&wants), [id(1)], "its slot goes to the next");
    let m = flow.member(&id(0)).unwrap();
    assert_eq!(
        (m.stage.clone(), m.note.as_deref()),
        (Stage::Failed, Some("422 copy_unavailable: no copy"))
    );
    assert!(launched(&flow.step(BatchEvent::Tick)).is_empty());
    answer(
        &mut flow,
        1,
        Some(restore(1, RestorePhase::AwaitingConfirmation)),
    );
    let wants = flow.step(BatchEvent::Retry(id(0)));
    assert_eq!(launched(&wants), [id(0)]);
    assert_eq!(flow.member(&id(0)).unwrap().launches, 2);
}

#[test]
fn a_retried_restore_is_not_taken_for_its_earlier_failure() {
    let (mut flow, _) = started(1, 1);
    answer(&mut flow, 0, Some(restore(0, RestorePhase::Queued)));
    listed(&mut flow, vec![restore(0, RestorePhase::Failed)], 5);
    assert_eq!(flow.member(&id(0)).unwrap().stage, Stage::Failed);
    flow.step(BatchEvent::Retry(id(0)));
    // The list still holds the failed one; the retry's launch is unanswered.
    listed(&mut flow, vec![restore(0, RestorePhase::Failed)], 6);
    assert_eq!(flow.member(&id(0)).unwrap().stage, Stage::Launching);
    let mut second = restore(0, RestorePhase::RestoringVolume);
    second.id = "rst_0b".into();
    listed(&mut flow, vec![restore(0, RestorePhase::Failed), second], 7);
    let m = flow.member(&id(0)).unwrap();
    assert_eq!(
        (m.stage.clone(), m.restore.as_ref().unwrap().id.0.as_str()),
        (Stage::Running, "rst_0b")
    );
}

#[test]
fn a_resumed_batch_adopts_what_already_left_and_launches_only_the_rest() {
    // The first run launched t0 and t1 and was killed; t1's answer never came back.
    let (mut flow, wants) = BatchFlow::new(spec(2), members(4));
    assert_eq!(wants, [BatchWant::List]);
    let wants = listed(
        &mut flow,
        vec![
            restore(0, RestorePhase::RestoringDatabase),
            restore(1, RestorePhase::Queued),
        ],
        0,
    );
    assert!(
        launched(&wants).is_empty(),
        "two under way fill the two slots"
    );
    assert_eq!(flow.totals().queued, 3);
    // t0 awaits confirmation: its slot goes to t2, the next never launched.
    let wants = listed(
        &mut flow,
        vec![restore(0, RestorePhase::AwaitingConfirmation)],
        5,
    );
    assert_eq!(launched(&wants), [id(2)]);
    assert_eq!(flow.member(&id(1)).unwrap().launches, 1);
    let wants = flow.step(BatchEvent::Drop(id(3)));
    assert!(launched(&wants).is_empty());
    assert_eq!(flow.member(&id(3)).unwrap().stage, Stage::Dropped);
}

#[test]
fn a_stop_launches_nothing_new_and_leaves_running_ones_running() {
    let (mut flow, _) = started(3, 1);
    answer(
        &mut flow,
        0,
        Some(restore(0, RestorePhase::RestoringVolume)),
    );
    let wants = flow.step(BatchEvent::Stop);
    assert!(wants.is_empty(), "no cancel, no discard: {wants:?}");
    assert!(flow.is_done());
    let wants = listed(
        &mut flow,
        vec![restore(0, RestorePhase::AwaitingConfirmation)],
        5,
    );
    assert!(launched(&wants).is_empty());
}

#[test]
fn the_list_is_walked_every_interval_while_restores_run() {
    let (mut flow, _) = started(1, 1);
    answer(
        &mut flow,
        0,
        Some(restore(0, RestorePhase::RestoringVolume)),
    );
    let lists = (0..LIST_EVERY_TICKS * 3)
        .filter(|_| flow.step(BatchEvent::Tick).contains(&BatchWant::List))
        .count();
    assert_eq!(lists, 3);
}

#[test]
fn older_news_is_ignored() {
    let (mut flow, _) = started(1, 1);
    listed(
        &mut flow,
        vec![restore(0, RestorePhase::AwaitingConfirmation)],
        10,
    );
    flow.step(BatchEvent::Member {
        tenant: id(0),
        event: Box::new(Event::Answered {
            restore: Some(restore(0, RestorePhase::Queued)),
            at: at(),
        }),
    });
    assert_eq!(
        flow.member(&id(0)).unwrap().phase(),
        Some(&RestorePhase::AwaitingConfirmation)
    );
}

#[test]
fn the_projection_follows_what_is_left() {
    let (mut flow, _) = started(3, 1);
    // Each 30 min: t0 from 04:00, then t1, then t2: the last back at 05:30.
    answer(
        &mut flow,
        0,
        Some(restore(0, RestorePhase::RestoringVolume)),
    );
    assert_eq!(flow.projected(at()), Some((utc(2026, 12, 6, 5, 30), 0)));
    // An hour later t0 is still restoring: it is judged to end a minute from now at least.
    let later = at() + Duration::hours(1);
    assert_eq!(flow.projected(later), Some((utc(2026, 12, 6, 6, 1), 0)));
}

#[test]
fn a_failed_restore_is_said_in_its_own_words() {
    let (mut flow, _) = started(1, 1);
    let mut r = restore(0, RestorePhase::Failed);
    r.error = Some("volume snapshot restore timed out".into());
    answer(&mut flow, 0, Some(r));
    let m = flow.member(&id(0)).unwrap();
    assert_eq!(m.stage, Stage::Failed);
    assert_eq!(m.note.as_deref(), Some("volume snapshot restore timed out"));
    assert!(flow.is_done());
    assert_eq!(flow.totals().failed, 1);
}

#[test]
fn a_refused_swap_or_confirm_is_not_sent_again_without_a_person() {
    let (mut flow, _) = BatchFlow::new(
        BatchSpec {
            confirm_passed: true,
            swap_dns: true,
            verify: false,
            ..spec(1)
        },
        members(1),
    );
    listed(&mut flow, vec![restore(0, RestorePhase::Completed)], 0);
    // Adopted confirmed (a resumed batch): the rule asks for the swap once.
    assert_eq!(flow.member(&id(0)).unwrap().stage, Stage::Swapping);
    let wants = flow.step(BatchEvent::Member {
        tenant: id(0),
        event: Box::new(Event::Refused("409 swap_in_progress".into())),
    });
    assert!(wants.is_empty(), "{wants:?}");
    for _ in 0..20 {
        assert!(
            !flow
                .step(BatchEvent::Tick)
                .iter()
                .any(|w| matches!(w, BatchWant::Send { .. }))
        );
    }
    assert!(flow.is_done());
    // A person asks again: it goes.
    let wants = flow.step(BatchEvent::SwapConfirmed);
    assert!(matches!(
        &wants[..],
        [BatchWant::Send {
            write: Write::Swap { .. },
            ..
        }]
    ));
}

#[test]
fn a_resumed_batch_takes_a_tenants_newest_restore_not_its_old_failure() {
    let (mut flow, _) = BatchFlow::new(spec(1), members(1));
    let mut old = restore(0, RestorePhase::Failed);
    old.requested_at = at() - Duration::hours(1);
    let mut again = restore(0, RestorePhase::RestoringVolume);
    again.id = "rst_0b".into();
    listed(&mut flow, vec![old, again], 0);
    let m = flow.member(&id(0)).unwrap();
    assert_eq!(
        (m.stage.clone(), m.restore.as_ref().unwrap().id.0.as_str()),
        (Stage::Running, "rst_0b")
    );
}

#[test]
fn a_restore_a_swap_points_at_is_swapped_whatever_its_own_phase_says() {
    let (mut flow, _) = BatchFlow::new(
        BatchSpec {
            swap_dns: true,
            verify: false,
            ..spec(1)
        },
        members(1),
    );
    // Resumed: the restore is completed, the swap the first run made still propagating; the
    // rule's swap is refused (409 swap_in_progress) and held.
    listed(&mut flow, vec![restore(0, RestorePhase::Completed)], 0);
    flow.step(BatchEvent::Member {
        tenant: id(0),
        event: Box::new(Event::Refused("409 swap_in_progress".into())),
    });
    assert_eq!(flow.member(&id(0)).unwrap().stage, Stage::Confirmed);
    flow.step(BatchEvent::Swapped(vec!["rst_0".into()]));
    let m = flow.member(&id(0)).unwrap();
    assert_eq!((m.stage.clone(), m.note.clone()), (Stage::Swapped, None));
    assert!(flow.is_done());
    // Another restore's swap says nothing of this one.
    let (mut other, _) = BatchFlow::new(spec(1), members(1));
    listed(&mut other, vec![restore(0, RestorePhase::Completed)], 0);
    other.step(BatchEvent::Swapped(vec!["rst_elsewhere".into()]));
    assert_eq!(other.member(&id(0)).unwrap().stage, Stage::Confirmed);
}
