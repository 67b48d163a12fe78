use chrono::Duration;

use super::*;
use crate::domain::drill::DrillResult;
use crate::domain::ids::RestoreId;
use crate::domain::restore::{RestoreMode, RestorePhase, RestoreStep, StepStatus};
use crate::domain::test_support::{restore as a_restore, utc};
use crate::domain::verify::Verdict;
use crate::domain::workflow::{Event, SENDS, Want, Write};

fn spec(verify: bool) -> DrillSpec {
    DrillSpec {
        tenant: "nf-s3".into(),
        limit: Duration::hours(4),
        verify,
        operator: "night".into(),
    }
}

/// The drill's restore in `phase`, requested at 03:14.
fn drill(phase: RestorePhase) -> Restore {
    let mut r = a_restore(phase);
    r.target_slug = "nf-s3-drill-20261126".into();
    r.purpose = RestorePurpose::Drill;
    r
}

/// `phase`, its steps finished `after` the request.
fn ready(phase: RestorePhase, after: Duration) -> Restore {
    let mut r = drill(phase);
    r.steps = vec![RestoreStep {
        name: "restoring_database".into(),
        status: StepStatus::Succeeded,
        started_at: Some(r.requested_at),
        finished_at: Some(r.requested_at + after),
        progress: None,
        message: None,
    }];
    r
}

fn at(minutes: i64) -> DateTime<Utc> {
    utc(2026, 11, 26, 3, 14) + Duration::minutes(minutes)
}

fn launched(verify: bool) -> DrillFlow {
    let (flow, wants) = DrillFlow::launched(spec(verify), drill(RestorePhase::Queued), at(0));
    assert!(wants.is_empty(), "{wants:?}");
    assert_eq!(flow.stage, Stage::Watching);
    flow
}

fn observed(flow: &mut DrillFlow, restore: Restore, minutes: i64) -> Vec<Want> {
    flow.step(Event::Observed {
        restore,
        at: at(minutes),
    })
}

fn answered(flow: &mut DrillFlow) -> Vec<Want> {
    flow.step(Event::Answered {
        restore: None,
        at: at(0),
    })
}

fn id() -> RestoreId {
    drill(RestorePhase::Queued).id
}

fn sent(wants: &[Want]) -> &Write {
    match wants {
        [Want::Send(write)] => write,
        other => panic!("wanted one write, got {other:?}"),
    }
}

use crate::domain::test_support::own_check as own;

#[test]
fn a_launch_asks_for_its_restore_and_watches_what_comes_back() {
    let request = CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: None,
        mode: RestoreMode::NewSpoke,
        target_slug: Some("nf-s3-drill-20261126".into()),
        ticket: None,
        reason: Some("restore drill".into()),
        purpose: RestorePurpose::Drill,
    };
    let (mut flow, wants) = DrillFlow::launch(spec(false), "ten_9q1".into(), request.clone());
    assert_eq!(
        sent(&wants),
        &Write::Launch {
            tenant: "ten_9q1".into(),
            slug: "nf-s3".into(),
            request: Box::new(request)
        }
    );
    let wants = flow.step(Event::Answered {
        restore: Some(drill(RestorePhase::Queued)),
        at: at(0),
    });
    assert!(wants.is_empty());
    assert_eq!(flow.stage, Stage::Watching);
}

#[test]
fn a_refused_or_unjournaled_launch_could_not_start_and_tears_nothing_down() {
    for event in [
        Event::Refused("409 tenant_busy".into()),
        Event::Unjournaled("disk full".into()),
    ] {
        let (mut flow, _) = DrillFlow::launch(spec(false), "ten_9q1".into(), dummy_request());
        assert!(flow.step(event.clone()).is_empty());
        let Stage::Done(end) = &flow.stage else {
            panic!("{:?}", flow.stage)
        };
        assert!(matches!(end.ending, Ending::CouldNot(_)), "{event:?}");
        assert_eq!(end.torn_down, None);
    }
}

fn dummy_request() -> CreateRestore {
    CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: None,
        mode: RestoreMode::NewSpoke,
        target_slug: None,
        ticket: None,
        reason: None,
        purpose: RestorePurpose::Drill,
    }
}

#[test]
fn an_undeliverable_write_goes_again_at_the_next_tick_then_gives_up() {
    let (mut flow, wants) = DrillFlow::launch(spec(false), "ten_9q1".into(), dummy_request());
    let first = sent(&wants).clone();
    for _ in 1..SENDS {
        assert!(flow.step(Event::Undeliverable("503".into())).is_empty());
        assert_eq!(flow.step(Event::Tick), vec![Want::Send(first.clone())]);
    }
    flow.step(Event::Undeliverable("503".into()));
    assert!(matches!(
        flow.stage,
        Stage::Done(DrillEnd {
            ending: Ending::CouldNot(_),
            ..
        })
    ));
}

#[test]
fn it_reads_its_active_restore_every_few_ticks_one_read_at_a_time() {
    let mut flow = launched(false);
    let mut reads = 0;
    for _ in 0..(READ_EVERY_TICKS * 3) {
        reads += flow.step(Event::Tick).len();
    }
    assert_eq!(reads, 1, "one read in flight");
    flow.step(Event::ReadFailed);
    let mut more = 0;
    for _ in 0..READ_EVERY_TICKS {
        more += flow.step(Event::Tick).len();
    }
    assert_eq!(more, 1, "read again after a failed read");
}

#[test]
fn ready_without_verify_records_at_once_and_then_discards_the_spoke() {
    let mut flow = launched(false);
    let r = ready(RestorePhase::AwaitingConfirmation, Duration::minutes(70));
    let wants = observed(&mut flow, r, 75);
    let Write::Record { findings, .. } = sent(&wants) else {
        panic!("{wants:?}")
    };
    assert_eq!(findings.result, DrillResult::Passed);
    assert_eq!(findings.restore_duration_seconds, Some(70 * 60));
    assert!(findings.verified_by.contains("night"));
    assert_eq!(flow.took, Some(Duration::minutes(70)));
    let wants = answered(&mut flow);
    assert!(matches!(
        sent(&wants),
        Write::Discard { drill: true, reason, .. } if reason.starts_with("restore drill passed")
    ));
    assert!(answered(&mut flow).is_empty());
    assert_eq!(
        flow.words(),
        "✓ passed: 0 checks passed · recorded, spoke discarded"
    );
}

#[test]
fn with_verify_its_own_checks_run_first_and_count() {
    let mut flow = launched(true);
    let r = ready(RestorePhase::AwaitingConfirmation, Duration::minutes(30));
    assert_eq!(observed(&mut flow, r, 31), vec![Want::Check(id())]);
    assert_eq!(flow.stage, Stage::Checking);
    let wants = flow.step(Event::Checked(Some(vec![own(Verdict::Failed)])));
    let Write::Record { findings, .. } = sent(&wants) else {
        panic!()
    };
    assert_eq!(findings.result, DrillResult::Failed);
    assert!(
        findings.summary.contains("37 of the 200"),
        "{}",
        findings.summary
    );
}

#[test]
fn the_limit_is_judged_at_the_instant_observed_never_on_older_data() {
    let mut flow = launched(false);
    // Seen restoring 3 h 59 m in: not late, whatever the time is now.
    assert!(observed(&mut flow, drill(RestorePhase::RestoringDatabase), 239).is_empty());
    // Older news changes nothing.
    assert!(observed(&mut flow, drill(RestorePhase::Queued), 100).is_empty());
    assert_eq!(
        flow.restore.as_ref().unwrap().phase,
        RestorePhase::RestoringDatabase
    );
    // Exactly at the limit: not over it.
    assert!(observed(&mut flow, drill(RestorePhase::RestoringDatabase), 240).is_empty());
    // Seen still restoring past its limit: failed, recorded, torn down.
    let wants = observed(&mut flow, drill(RestorePhase::RestoringDatabase), 241);
    let Write::Record { findings, .. } = sent(&wants) else {
        panic!()
    };
    assert_eq!(findings.result, DrillResult::Failed);
    assert!(
        findings.summary.contains("past its 4h limit"),
        "{}",
        findings.summary
    );
}

#[test]
fn a_restore_that_failed_fails_the_drill_and_its_spoke_is_discarded() {
    let mut flow = launched(false);
    let mut r = ready(RestorePhase::Failed, Duration::minutes(20));
    r.error = Some("volume snapshot missing".into());
    let wants = observed(&mut flow, r, 21);
    assert!(
        matches!(sent(&wants), Write::Record { findings, .. } if findings.result == DrillResult::Failed)
    );
    assert!(matches!(sent(&answered(&mut flow)), Write::Discard { .. }));
}

#[test]
fn a_refused_record_still_tears_down_and_says_it_was_not_recorded() {
    let mut flow = launched(false);
    observed(
        &mut flow,
        ready(RestorePhase::AwaitingConfirmation, Duration::minutes(5)),
        6,
    );
    let wants = flow.step(Event::Refused("422 invalid".into()));
    assert!(matches!(sent(&wants), Write::Discard { .. }));
    answered(&mut flow);
    let Stage::Done(end) = &flow.stage else {
        panic!()
    };
    assert!(matches!(&end.ending, Ending::Ran { recorded: Err(why), .. } if why == "422 invalid"));
    assert_eq!(end.torn_down, Some(Ok(())));
    assert!(flow.words().contains("NOT recorded: 422 invalid"));
}

#[test]
fn a_stop_while_queued_cancels_restoring_or_awaiting_discards_unrecorded() {
    for (phase, cancel) in [
        (RestorePhase::Queued, true),
        (RestorePhase::RestoringVolume, false),
        (RestorePhase::AwaitingConfirmation, false),
    ] {
        let mut flow = launched(true);
        if phase != RestorePhase::Queued {
            observed(&mut flow, ready(phase.clone(), Duration::minutes(5)), 6);
        }
        let wants = flow.step(Event::Stop);
        match (sent(&wants), cancel) {
            (Write::Cancel { drill: true, .. }, true) => {}
            (
                Write::Discard {
                    reason,
                    drill: true,
                    ..
                },
                false,
            ) => {
                assert_eq!(reason, "the drill run was stopped")
            }
            (other, _) => panic!("{phase}: {other:?}"),
        }
        answered(&mut flow);
        let Stage::Done(end) = &flow.stage else {
            panic!()
        };
        assert_eq!(end.ending, Ending::Interrupted, "{phase}");
        assert_eq!(end.torn_down, Some(Ok(())));
    }
}

#[test]
fn a_stop_after_the_result_is_known_records_it_first() {
    let mut flow = launched(false);
    observed(
        &mut flow,
        ready(RestorePhase::AwaitingConfirmation, Duration::minutes(5)),
        6,
    );
    assert!(flow.step(Event::Stop).is_empty());
    assert!(matches!(sent(&answered(&mut flow)), Write::Discard { .. }));
}

#[test]
fn a_stop_during_the_launch_waits_for_its_answer_then_tears_down() {
    let (mut flow, _) = DrillFlow::launch(spec(false), "ten_9q1".into(), dummy_request());
    assert!(flow.step(Event::Stop).is_empty());
    let wants = flow.step(Event::Answered {
        restore: Some(drill(RestorePhase::Queued)),
        at: at(0),
    });
    assert!(matches!(sent(&wants), Write::Cancel { .. }));
}

#[test]
fn only_a_drill_is_ever_torn_down() {
    for (purpose, slug) in [
        (RestorePurpose::Request, "nf-s3-drill-20261126"),
        (RestorePurpose::Drill, "nf-s3-restore-20261126"),
    ] {
        let mut r = drill(RestorePhase::AwaitingConfirmation);
        r.purpose = purpose;
        r.target_slug = slug.into();
        let (flow, wants) = DrillFlow::left_behind(spec(false), r);
        assert!(wants.is_empty());
        let Stage::Done(end) = &flow.stage else {
            panic!()
        };
        assert!(matches!(&end.torn_down, Some(Err(why)) if why.contains("not a drill")));
    }
}

#[test]
fn a_spoke_already_gone_is_done_and_one_completed_cannot_be_discarded() {
    for (phase, ok) in [
        (RestorePhase::Discarded, true),
        (RestorePhase::Cancelled, true),
        (RestorePhase::Completed, false),
    ] {
        let (flow, wants) = DrillFlow::left_behind(spec(false), drill(phase.clone()));
        assert!(wants.is_empty());
        let Stage::Done(end) = &flow.stage else {
            panic!()
        };
        assert_eq!(end.torn_down.as_ref().unwrap().is_ok(), ok, "{phase}");
        assert_eq!(end.ending, Ending::LeftBehind);
    }
}

#[test]
fn a_drill_never_wants_a_confirm_or_a_dns_swap() {
    // Every write it can want, over a whole run with checks, a stop and retries.
    let mut flow = launched(true);
    let mut writes = Vec::new();
    let mut collect = |wants: Vec<Want>| {
        for w in wants {
            if let Want::Send(write) = w {
                writes.push(write);
            }
        }
    };
    collect(observed(
        &mut flow,
        ready(RestorePhase::AwaitingConfirmation, Duration::minutes(5)),
        6,
    ));
    collect(flow.step(Event::Checked(None)));
    collect(flow.step(Event::Undeliverable("503".into())));
    collect(flow.step(Event::Tick));
    collect(answered(&mut flow));
    collect(answered(&mut flow));
    assert!(flow.is_done());
    assert!(
        writes
            .iter()
            .all(|w| matches!(w, Write::Record { .. } | Write::Discard { .. })),
        "{writes:?}"
    );
}
