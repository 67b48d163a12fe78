//! Restore requests: the tickets at start and over simulated hours, the same for a seed,
//! acknowledged once, and answered by the restore made for them.

use super::*;

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
