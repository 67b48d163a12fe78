//! The demo control plane's writes through the real channel: each contract error, and
//! idempotency against double presses and re-sends; restores, then DNS swaps.

use std::sync::Arc;
use std::time::Duration as Wait;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::timeout;

use crate::clock::ManualClock;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::dns::{DnsPhase, DnsSwap};
use crate::domain::ids::{DnsSwapId, IdempotencyKey, RestoreId, RestorePointId};
use crate::domain::request::{AckState, RestoreRequest, ack_deadline};
use crate::domain::restore::{CreateRestore, Restore, RestoreMode, RestorePhase};
use crate::domain::tenant::Tenant;
use crate::source::demo::{DemoSource, Sim};
use crate::source::{CommandError, CommandId, Op, Reply, SourceCommand, SourceEvent};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

/// A running demo source and the app's ends of its channels, with the fleet it sent.
struct Demo {
    clock: Arc<ManualClock>,
    events: UnboundedReceiver<SourceEvent>,
    commands: UnboundedSender<SourceCommand>,
    fleet: Vec<Arc<Tenant>>,
    /// The open restore requests as last pushed.
    requests: Vec<RestoreRequest>,
    next_id: u64,
}

impl Demo {
    async fn start() -> Demo {
        let clock = Arc::new(ManualClock::new(now()));
        let source = Box::new(DemoSource::new(
            42,
            60,
            clock.clone(),
            std::time::Duration::from_secs(30),
        ));
        let started = crate::source::start(source);
        let mut demo = Demo {
            clock,
            events: started.events,
            commands: started.commands,
            fleet: Vec::new(),
            requests: Vec::new(),
            next_id: 1,
        };
        loop {
            if let SourceEvent::Fleet { tenants, .. } = demo.next().await {
                demo.fleet = tenants;
                return demo;
            }
        }
    }

    async fn next(&mut self) -> SourceEvent {
        let event = timeout(Wait::from_secs(10), self.events.recv())
            .await
            .expect("the source answers in time")
            .expect("the source is running");
        if let SourceEvent::Requests { requests, .. } = &event {
            self.requests = requests.clone();
        }
        event
    }

    fn tenant(&self, slug: &str) -> Arc<Tenant> {
        let found = self.fleet.iter().find(|t| t.slug == slug);
        Arc::clone(found.unwrap_or_else(|| panic!("no tenant {slug}")))
    }

    /// Sends `op` and returns its answer, with the tenants changed before it.
    async fn ask(&mut self, op: Op) -> (Result<Reply, CommandError>, Vec<Arc<Tenant>>) {
        let id = CommandId(self.next_id);
        self.next_id += 1;
        self.commands.send(SourceCommand { id, op }).unwrap();
        let mut changed = Vec::new();
        loop {
            match self.next().await {
                SourceEvent::Answer {
                    id: answered,
                    outcome,
                } => {
                    assert_eq!(answered, id, "answers come with their command's id");
                    return (outcome, changed);
                }
                SourceEvent::Changed { tenants, .. } => changed.extend(tenants),
                _ => {}
            }
        }
    }
}

fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::from(text)
}

fn newest(mode: RestoreMode) -> CreateRestore {
    CreateRestore {
        restore_point_id: None,
        mode,
        target_slug: None,
        ticket: Some("SUP-4821".into()),
        reason: Some("teacher deleted course 1182".into()),
        purpose: Default::default(),
    }
}

fn create(tenant: &Tenant, request: CreateRestore, key_text: &str) -> Op {
    Op::CreateRestore {
        tenant: tenant.id.clone(),
        request,
        key: key(key_text),
    }
}

fn restore(outcome: Result<Reply, CommandError>) -> Restore {
    match outcome {
        Ok(Reply::Restore(restore)) => *restore,
        other => panic!("expected a restore, got {other:?}"),
    }
}

fn error(outcome: Result<Reply, CommandError>) -> CommandError {
    match outcome {
        Err(error) => error,
        other => panic!("expected an error, got {other:?}"),
    }
}

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

/// A completed new-spoke restore of `slug` (launched, two hours on, confirmed).
async fn completed_new_spoke(demo: &mut Demo, slug: &str) -> Restore {
    let tenant = demo.tenant(slug);
    let made = restore(
        demo.ask(create(
            &tenant,
            newest(RestoreMode::NewSpoke),
            &format!("{slug}-r"),
        ))
        .await
        .0,
    );
    demo.clock.advance(Duration::hours(2));
    let confirm = Op::ConfirmRestore {
        restore: made.id.clone(),
        notes: String::new(),
        key: key(&format!("{slug}-c")),
    };
    let done = restore(demo.ask(confirm).await.0);
    assert_eq!(done.phase, RestorePhase::Completed);
    done
}

fn swap_dns(tenant: &Tenant, restore: &RestoreId, key_text: &str) -> Op {
    Op::CreateDnsSwap {
        tenant: tenant.id.clone(),
        restore: restore.clone(),
        key: key(key_text),
    }
}

fn roll_back(swap: &DnsSwap, key_text: &str) -> Op {
    Op::RollbackDnsSwap {
        swap: swap.id.clone(),
        key: key(key_text),
    }
}

fn dns(outcome: Result<Reply, CommandError>) -> DnsSwap {
    match outcome {
        Ok(Reply::DnsSwap(swap)) => *swap,
        other => panic!("expected a DNS swap, got {other:?}"),
    }
}

impl Demo {
    /// The swaps as the source pushes them now (a refresh sends every list).
    async fn swaps(&mut self) -> Vec<DnsSwap> {
        let id = CommandId(self.next_id);
        self.next_id += 1;
        let op = Op::Refresh;
        self.commands.send(SourceCommand { id, op }).unwrap();
        let mut swaps = None;
        loop {
            match self.next().await {
                SourceEvent::DnsSwaps { swaps: pushed, .. } => swaps = Some(pushed),
                SourceEvent::Answer { .. } => return swaps.expect("the swaps came first"),
                _ => {}
            }
        }
    }
}

#[tokio::test]
async fn a_swap_needs_a_completed_new_spoke_restore_of_its_tenant() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let running = restore(
        demo.ask(create(&tenant, newest(RestoreMode::NewSpoke), "r1"))
            .await
            .0,
    );
    let early = error(demo.ask(swap_dns(&tenant, &running.id, "s1")).await.0);
    assert_eq!(
        (early.status, early.code.as_str()),
        (Some(409), "invalid_restore")
    );
    assert!(early.message.contains("completed"), "{}", early.message);
    let unknown = error(
        demo.ask(swap_dns(&tenant, &RestoreId::from("rst_nosuch"), "s2"))
            .await
            .0,
    );
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (Some(404), "restore_not_found")
    );
    let mut nobody = Tenant::clone(&tenant);
    nobody.id = crate::domain::ids::TenantId::from("ten_nosuch");
    let unknown = error(demo.ask(swap_dns(&nobody, &running.id, "s3")).await.0);
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (Some(404), "tenant_not_found")
    );
    let other = demo.tenant("ashford-cpd");
    let theirs = error(demo.ask(swap_dns(&other, &running.id, "s4")).await.0);
    assert_eq!(theirs.code, "invalid_restore");
    assert!(
        theirs.message.contains("another tenant"),
        "{}",
        theirs.message
    );
    // An overwrite, even completed, has no other spoke to swap to.
    let overwritten = demo.tenant("ashford-cpd");
    let made = restore(
        demo.ask(create(&overwritten, newest(RestoreMode::Overwrite), "o1"))
            .await
            .0,
    );
    demo.clock.advance(Duration::hours(2));
    let confirm = Op::ConfirmRestore {
        restore: made.id.clone(),
        notes: String::new(),
        key: key("o1-c"),
    };
    restore(demo.ask(confirm).await.0);
    let refused = error(demo.ask(swap_dns(&overwritten, &made.id, "s5")).await.0);
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (Some(409), "invalid_restore")
    );
    assert!(refused.message.contains("overwrote"), "{}", refused.message);
}

#[tokio::test]
async fn a_swap_points_the_hostname_at_the_restored_spoke_one_at_a_time() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let done = completed_new_spoke(&mut demo, "northfield-medicine").await;
    let swap = dns(demo.ask(swap_dns(&tenant, &done.id, "s1")).await.0);
    assert_eq!(swap.phase, DnsPhase::Pending);
    assert_eq!(swap.hostname, tenant.hostname);
    assert_eq!(
        swap.from_target,
        format!(
            "northfield-medicine.spokes.{}.example-moodle.net",
            tenant.region
        )
    );
    assert_eq!(
        swap.to_target,
        format!(
            "northfield-medicine-restore-20261126.spokes.{}.example-moodle.net",
            tenant.region
        )
    );
    assert!([60, 300].contains(&swap.ttl_seconds));
    assert_eq!(
        demo.swaps().await,
        vec![swap.clone()],
        "pushed as a whole list"
    );
    let busy = error(demo.ask(swap_dns(&tenant, &done.id, "s2")).await.0);
    assert_eq!(
        (busy.status, busy.code.as_str()),
        (Some(409), "swap_in_progress")
    );
    assert!(
        busy.message.contains(swap.id.0.as_str()),
        "{}",
        busy.message
    );
    // Half an hour on it has settled, verified or failed in words.
    demo.clock.advance(Duration::minutes(30));
    let settled = demo.swaps().await.remove(0);
    assert!(settled.phase.is_settled(), "{settled:?}");
    assert!(settled.phase == DnsPhase::Verified || settled.error.is_some());
}

#[tokio::test]
async fn a_rollback_only_once_the_record_changed_and_it_ends_rolled_back() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let done = completed_new_spoke(&mut demo, "northfield-medicine").await;
    let swap = dns(demo.ask(swap_dns(&tenant, &done.id, "s1")).await.0);
    let early = error(demo.ask(roll_back(&swap, "b1")).await.0);
    assert_eq!(
        (early.status, early.code.as_str()),
        (Some(409), "invalid_phase")
    );
    assert!(early.message.contains("pending"), "{}", early.message);
    demo.clock.advance(Duration::minutes(30));
    let back = dns(demo.ask(roll_back(&swap, "b2")).await.0);
    assert_eq!(back.phase, DnsPhase::Applying, "pointing back");
    let again = error(demo.ask(roll_back(&swap, "b3")).await.0);
    assert_eq!(again.code, "invalid_phase", "a rollback under way");
    demo.clock.advance(Duration::minutes(1));
    let ended = demo.swaps().await.remove(0);
    assert_eq!(ended.phase, DnsPhase::RolledBack);
    let twice = error(demo.ask(roll_back(&swap, "b4")).await.0);
    assert!(twice.message.contains("rolled back"), "{}", twice.message);
    // Rolled back, the tenant can swap again.
    let second = dns(demo.ask(swap_dns(&tenant, &done.id, "s2")).await.0);
    assert_ne!(second.id, swap.id);
    assert_eq!(second.from_target, swap.from_target);
    let mut gone = swap.clone();
    gone.id = DnsSwapId::from("dns_nosuch");
    let unknown = error(demo.ask(roll_back(&gone, "b5")).await.0);
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (Some(404), "dns_swap_not_found")
    );
}

#[tokio::test]
async fn swaps_and_rollbacks_happen_once_per_key() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let done = completed_new_spoke(&mut demo, "northfield-medicine").await;
    let op = swap_dns(&tenant, &done.id, "double-enter");
    let first = dns(demo.ask(op.clone()).await.0);
    demo.clock.advance(Duration::seconds(5));
    let again = dns(demo.ask(op).await.0);
    assert_eq!(again, first, "the first answer, again");
    assert_eq!(demo.swaps().await.len(), 1, "one swap");
    let other = demo.tenant("ashford-cpd");
    let reused = error(demo.ask(swap_dns(&other, &done.id, "double-enter")).await.0);
    assert_eq!(
        (reused.status, reused.code.as_str()),
        (Some(422), "idempotency_key_reused")
    );
    demo.clock.advance(Duration::minutes(30));
    let back = dns(demo.ask(roll_back(&first, "rb")).await.0);
    let back_again = dns(demo.ask(roll_back(&first, "rb")).await.0);
    assert_eq!(back, back_again, "a re-sent rollback is the same rollback");
}

#[tokio::test]
async fn swaps_move_through_their_phases_as_the_clock_runs() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let done = completed_new_spoke(&mut demo, "northfield-medicine").await;
    let made = dns(demo.ask(swap_dns(&tenant, &done.id, "s1")).await.0);
    let mut seen = vec![made.phase];
    for _ in 0..(15 * 60 / 5) {
        demo.clock.advance(Duration::seconds(5));
        let phase = demo.swaps().await.remove(0).phase;
        if seen.last() != Some(&phase) {
            seen.push(phase);
        }
    }
    assert_eq!(seen[..2], [DnsPhase::Pending, DnsPhase::Applying]);
    assert!(seen.last().is_some_and(DnsPhase::is_settled), "{seen:?}");
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

fn open_request<'a>(requests: &'a [RestoreRequest], ticket: &str) -> &'a RestoreRequest {
    let found = requests.iter().find(|r| r.ticket == ticket);
    found.unwrap_or_else(|| panic!("no open request {ticket} in {requests:?}"))
}

/// The tickets waiting at start, as the acknowledgement clock sees them.
fn states(sim: &Sim) -> Vec<(RestoreRequest, AckState)> {
    let calendar = BusinessCalendar::default();
    sim.open_requests()
        .into_iter()
        .map(|r| {
            let state = r.ack_state(sim.now(), &calendar);
            (r, state)
        })
        .collect()
}

#[test]
fn at_start_tickets_wait_overdue_due_soon_and_acknowledged_on_real_tenants() {
    let sim = Sim::new(42, 60, now());
    let waiting = states(&sim);
    let overdue = waiting
        .iter()
        .filter(|(_, s)| matches!(s, AckState::Overdue { .. }))
        .count();
    assert!(overdue >= 1, "{waiting:?}");
    assert!(
        waiting
            .iter()
            .any(|(_, s)| matches!(s, AckState::Waiting { left } if *left <= Duration::hours(1))),
        "one due within the (business) hour: {waiting:?}"
    );
    assert!(
        waiting
            .iter()
            .any(|(r, s)| matches!(s, AckState::Acknowledged { .. }) && r.restore_id.is_none()),
        "one acknowledged, no restore yet: {waiting:?}"
    );
    assert!(waiting.iter().any(|(r, _)| r.point_in_time.is_some()));
    assert!(waiting.iter().any(|(r, _)| r.prefers_overwrite));
    let calendar = BusinessCalendar::default();
    for (r, _) in &waiting {
        assert!(r.ticket.starts_with("SUP-"), "{}", r.ticket);
        assert!(
            sim.tenants().iter().any(|t| t.id == r.tenant_id),
            "{} is on a real tenant",
            r.ticket
        );
        assert_eq!(
            r.ack_deadline_at,
            Some(ack_deadline(r.requested_at, &calendar))
        );
        assert!(!r.note.is_empty());
        assert!(r.point_in_time.is_none_or(|p| p < r.requested_at));
    }
    let overdue_note = waiting
        .iter()
        .find(|(_, s)| matches!(s, AckState::Overdue { .. }))
        .map(|(r, _)| r.note.clone());
    assert_eq!(
        overdue_note.as_deref(),
        Some("teacher deleted course 1182 yesterday afternoon")
    );
    // One answers the running new-spoke restore, so its RTO runs from the ticket.
    assert!(
        waiting
            .iter()
            .any(|(r, _)| r.restore_id.is_some() && r.acknowledged_at.is_some())
    );
}

#[test]
fn the_tickets_of_a_seed_are_the_same_every_time_and_differ_between_seeds() {
    let a = Sim::new(42, 60, now()).open_requests();
    assert_eq!(a, Sim::new(42, 60, now()).open_requests());
    assert_ne!(a, Sim::new(7, 60, now()).open_requests());
    assert!(
        Sim::new(42, 0, now()).open_requests().is_empty(),
        "no fleet, no tickets"
    );
}

#[test]
fn new_tickets_arrive_every_few_simulated_hours() {
    let mut sim = Sim::new(42, 60, now());
    let before = sim.requests.all().len();
    assert_eq!(sim.take_requests_changed(), None, "nothing new yet");
    sim.advance(now() + Duration::hours(5));
    let mut seen = sim.take_requests_changed().expect("a ticket arrived");
    sim.advance(now() + Duration::hours(12));
    seen = sim.take_requests_changed().unwrap_or(seen);
    assert!(seen.len() >= before + 2, "{} after {before}", seen.len());
    let newest = seen.last().unwrap();
    assert!(newest.requested_at > now() && newest.requested_at <= sim.now());
    assert_eq!(newest.acknowledged_at, None);
    // A long jump brings a day's worth, not a backlog; old tickets are closed.
    sim.advance(now() + Duration::days(30));
    let all = sim.requests.all();
    assert!(!all.is_empty() && all.len() < 20, "{}", all.len());
    assert!(
        all.iter()
            .all(|r| sim.now() - r.requested_at <= Duration::days(4))
    );
}

#[tokio::test]
async fn acknowledging_records_receipt_once_and_pushes_the_list_first() {
    let mut demo = Demo::start().await;
    let sim = Sim::new(42, 60, now());
    let (overdue, _) = states(&sim)
        .into_iter()
        .find(|(_, s)| matches!(s, AckState::Overdue { .. }))
        .unwrap();
    let ack = |k: &str| Op::AcknowledgeRequest {
        ticket: overdue.ticket.clone(),
        key: key(k),
    };
    let (outcome, _) = demo.ask(ack("a1")).await;
    let Ok(Reply::Request(acked)) = outcome else {
        panic!("the request, got {outcome:?}");
    };
    assert_eq!(acked.acknowledged_at, Some(now()));
    assert_eq!(
        open_request(&demo.requests, &overdue.ticket).acknowledged_at,
        Some(now()),
        "the pushed list came before the answer"
    );
    // Again under a new key, later: fine, and the first time stays.
    demo.clock.advance(Duration::minutes(5));
    let (outcome, _) = demo.ask(ack("a2")).await;
    let Ok(Reply::Request(again)) = outcome else {
        panic!("the request, got {outcome:?}");
    };
    assert_eq!(again.acknowledged_at, Some(now()));
    let unknown = error(
        demo.ask(Op::AcknowledgeRequest {
            ticket: "SUP-1".into(),
            key: key("a3"),
        })
        .await
        .0,
    );
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (Some(404), "request_not_found")
    );
}

#[tokio::test]
async fn a_restore_for_a_ticket_answers_it_and_closes_it_once_confirmed() {
    let mut demo = Demo::start().await;
    let sim = Sim::new(42, 60, now());
    let waiting = sim
        .open_requests()
        .into_iter()
        .find(|r| r.restore_id.is_none())
        .unwrap();
    let tenant = Arc::clone(
        demo.fleet
            .iter()
            .find(|t| t.id == waiting.tenant_id)
            .unwrap(),
    );
    let mut request = newest(RestoreMode::NewSpoke);
    request.ticket = Some(waiting.ticket.clone());
    let made = restore(demo.ask(create(&tenant, request, "r1")).await.0);
    assert_eq!(
        open_request(&demo.requests, &waiting.ticket).restore_id,
        Some(made.id.clone())
    );
    demo.clock.advance(Duration::hours(2));
    let confirm = Op::ConfirmRestore {
        restore: made.id.clone(),
        notes: String::new(),
        key: key("c1"),
    };
    restore(demo.ask(confirm).await.0);
    assert!(
        !demo.requests.iter().any(|r| r.ticket == waiting.ticket),
        "answered by a completed restore: no longer open"
    );
}

#[test]
fn a_drill_is_a_new_spoke_recorded_once_and_its_discarded_spoke_leaves_the_fleet() {
    use crate::domain::drill::{DrillFindings, DrillResult};
    use crate::domain::restore::RestorePurpose;
    use crate::domain::tenant::TenantState;
    let mut sim = Sim::new(42, 60, now());
    let mut done = super::Idempotency::default();
    let tenant = sim
        .tenants()
        .iter()
        .find(|t| crate::domain::drill::cannot_drill(t).is_none())
        .unwrap()
        .clone();
    let drill = |target: Option<&str>, mode: RestoreMode| CreateRestore {
        target_slug: target.map(str::to_string),
        ticket: None,
        purpose: RestorePurpose::Drill,
        ..newest(mode)
    };
    // Never over the tenant, never into a slug that is not a drill's.
    let over = super::apply(
        &mut sim,
        &mut done,
        &create(&tenant, drill(None, RestoreMode::Overwrite), "d1"),
    );
    assert_eq!(error(over).code, "invalid_drill");
    let elsewhere = drill(Some("somewhere-else"), RestoreMode::NewSpoke);
    let refused = super::apply(&mut sim, &mut done, &create(&tenant, elsewhere, "d2"));
    assert_eq!(error(refused).code, "invalid_drill");
    // Named by the control plane when no target is given.
    let made = super::apply(
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
    assert!(super::apply(&mut sim, &mut done, &record(&made.id, "r1")).is_ok());
    let again = super::apply(&mut sim, &mut done, &record(&made.id, "r2"));
    assert_eq!(error(again).code, "drill_result_recorded");
    let last = sim.tenants().iter().find(|t| t.id == tenant.id).unwrap();
    assert_eq!(last.backup.last_drill.as_ref().unwrap().restore_id, made.id);
    let discard = Op::DiscardRestore {
        restore: made.id.clone(),
        reason: "drill done".into(),
        key: key("x1"),
    };
    let discarded = restore(super::apply(&mut sim, &mut done, &discard));
    assert_eq!(discarded.phase, RestorePhase::Discarded);
    let spoke = |sim: &Sim| sim.fleet().into_iter().find(|t| t.slug == made.target_slug);
    assert_eq!(spoke(&sim).unwrap().state, TenantState::Deleting);
    let gone_at = now() + Duration::minutes(10) + super::super::sim::TEARDOWN;
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
    let asked = restore(super::apply(&mut sim, &mut done, &ask));
    let not_a_drill = super::apply(&mut sim, &mut done, &record(&asked.id, "r3"));
    assert_eq!(error(not_a_drill).code, "not_a_drill");
}
