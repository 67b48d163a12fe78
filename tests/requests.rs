//! The requests screen, driven by keys through `App::update`: its order, acknowledging a
//! ticket (journaled first, sent once), read-only, the wizard opened from a ticket — and an
//! acknowledgement through the demo control plane's real channel.

mod support;

use crossterm::event::KeyCode;
use snapdeck::app::keys::{REQUESTS_KEYS, hints};
use snapdeck::app::screens::requests::ack_counts;
use snapdeck::app::screens::wizard::{PointAsk, PointPick};
use snapdeck::app::{App, Effect, Msg, Screen};
use snapdeck::domain::request::{AckState, RestoreRequest};
use snapdeck::domain::restore::RestoreMode;
use snapdeck::journal::{Action as Journaled, Intent, read_journal};
use snapdeck::source::{CommandError, Op, Reply, SourceCommand, SourceEvent};
use support::wired::Wired;
use support::{app, key, now};

/// The requests screen of the demo fleet, with the selection on `ticket`'s row.
fn on_ticket(app: &mut App, pick: impl Fn(&RestoreRequest) -> bool) -> RestoreRequest {
    key(app, KeyCode::Char('3'));
    assert!(matches!(app.screen(), Screen::Requests(_)), "3 opens it");
    let row = app.requests.iter().position(pick).expect("such a ticket");
    for _ in 0..row {
        key(app, KeyCode::Down);
    }
    app.requests[row].clone()
}

fn state(app: &App, r: &RestoreRequest) -> AckState {
    r.ack_state(now(), &app.calendar)
}

/// The one write a key produced.
fn the_write(effects: Vec<Effect>) -> (Box<Intent>, SourceCommand) {
    match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::Write { intent, command }]) => (intent, command),
        Ok(other) => panic!("expected one write, got {other:?}"),
        Err(other) => panic!("expected one write, got {other:?}"),
    }
}

#[test]
fn unacknowledged_tickets_come_first_by_deadline_the_overdue_on_top() {
    let app = app(60);
    let states: Vec<AckState> = app.requests.iter().map(|r| state(&app, r)).collect();
    assert!(matches!(states[0], AckState::Overdue { .. }), "{states:?}");
    let first_acknowledged = states
        .iter()
        .position(|s| matches!(s, AckState::Acknowledged { .. }))
        .expect("an acknowledged ticket");
    assert!(
        states[first_acknowledged..]
            .iter()
            .all(|s| matches!(s, AckState::Acknowledged { .. })),
        "{states:?}"
    );
    let deadlines: Vec<_> = app.requests[..first_acknowledged]
        .iter()
        .map(|r| r.ack_deadline(&app.calendar).at)
        .collect();
    assert!(deadlines.is_sorted(), "{deadlines:?}");
    assert_eq!(
        ack_counts(&app.requests, &app.calendar, now()),
        (first_acknowledged, 1)
    );
}

#[test]
fn a_journals_then_sends_once_and_the_answer_marks_the_ticket_acknowledged() {
    let mut app = app(60);
    let overdue = on_ticket(&mut app, |r| r.acknowledged_at.is_none());
    let (intent, command) = the_write(key(&mut app, KeyCode::Char('a')));
    assert_eq!(intent.op, Journaled::AcknowledgeRequest);
    assert_eq!(intent.target, overdue.ticket);
    assert_eq!(intent.ticket.as_deref(), Some(overdue.ticket.as_str()));
    assert_eq!(Some(&intent.idempotency_key), command.op.key());
    assert!(
        matches!(&command.op, Op::AcknowledgeRequest { ticket, .. } if *ticket == overdue.ticket)
    );
    // The double press: nothing more leaves.
    assert!(key(&mut app, KeyCode::Char('a')).is_empty());
    assert!(app.flash().unwrap().text.contains("already sent"));
    // A refusal is recorded; the retry re-sends the same intent with the same key.
    let refused = CommandError::new(503, "unavailable", "the control plane is busy");
    let effects = app.update(
        Msg::Source(SourceEvent::Answer {
            id: command.id,
            outcome: Err(refused),
        }),
        now(),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Record(_)]),
        "{effects:?}"
    );
    let (_, retry) = the_write(key(&mut app, KeyCode::Char('a')));
    assert_eq!(retry.op.key(), command.op.key(), "one intent, one key");
    let mut acked = overdue.clone();
    acked.acknowledged_at = Some(now());
    let effects = app.update(
        Msg::Source(SourceEvent::Answer {
            id: retry.id,
            outcome: Ok(Reply::Request(Box::new(acked))),
        }),
        now(),
    );
    assert!(
        matches!(effects.as_slice(), [Effect::Record(outcome)] if outcome.resource_id.as_deref() == Some(overdue.ticket.as_str())),
        "{effects:?}"
    );
    let now_shown = app
        .requests
        .iter()
        .find(|r| r.ticket == overdue.ticket)
        .unwrap();
    assert_eq!(now_shown.acknowledged_at, Some(now()));
    assert_eq!(ack_counts(&app.requests, &app.calendar, now()).1, 0);
    assert!(app.flash().unwrap().text.contains("acknowledged"));
    // The selection followed the ticket to its new row: `a` again sends nothing.
    assert!(key(&mut app, KeyCode::Char('a')).is_empty());
    assert!(
        app.flash().unwrap().text.contains("already acknowledged"),
        "{}",
        app.flash().unwrap().text
    );
}

#[test]
fn read_only_neither_acknowledges_nor_offers_to() {
    let mut app = app(60);
    app.read_only = true;
    on_ticket(&mut app, |r| r.acknowledged_at.is_none());
    assert!(key(&mut app, KeyCode::Char('a')).is_empty());
    assert!(app.flash().unwrap().text.contains("read-only"));
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(app.screen(), Screen::Requests(_)));
    let offered: Vec<&str> = hints(&[REQUESTS_KEYS], true, |_| true)
        .iter()
        .map(|(_, what)| *what)
        .collect();
    assert!(
        !offered.contains(&"acknowledge") && !offered.contains(&"restore"),
        "{offered:?}"
    );
    assert!(hints(&[REQUESTS_KEYS], false, |_| true).contains(&("a", "acknowledge")));
}

#[test]
fn enter_opens_the_wizard_filled_in_from_the_ticket() {
    let mut app = app(60);
    let wanted = on_ticket(&mut app, |r| r.prefers_overwrite && r.restore_id.is_none());
    key(&mut app, KeyCode::Enter);
    let Screen::Wizard(wizard) = app.screen() else {
        panic!("the wizard, got {:?}", app.screen());
    };
    assert_eq!(wizard.tenant, wanted.tenant_id);
    assert_eq!(wizard.ticket.value(), wanted.ticket);
    assert_eq!(wizard.reason.value(), wanted.note);
    assert_eq!(wizard.mode, RestoreMode::Overwrite, "it prefers overwrite");
    assert_eq!(wizard.request.as_ref(), Some(&wanted));
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen(), Screen::Requests(_)), "Esc: back");
    // A ticket that does not ask for overwrite gets a new spoke, and launches with its ticket.
    let mut app = support::app(60);
    let plain = on_ticket(&mut app, |r| !r.prefers_overwrite && r.restore_id.is_none());
    key(&mut app, KeyCode::Enter);
    let Screen::Wizard(wizard) = app.screen() else {
        panic!("the wizard");
    };
    assert_eq!(wizard.mode, RestoreMode::NewSpoke);
    // The ticket's point in time picks the newest usable point at or before it.
    let at = plain.point_in_time.expect("this ticket names a time");
    let chosen = match app.point_pick(wizard) {
        PointPick::Chosen {
            choice,
            ask: PointAsk::Typed(typed),
        } => {
            assert_eq!(typed, at);
            assert!(choice.point.taken_at <= at && choice.point.is_usable(now()));
            choice.point.id.clone()
        }
        other => panic!("the ticket's time picks a point, got {other:?}"),
    };
    let (intent, command) = the_write(key(&mut app, KeyCode::Enter));
    assert_eq!(intent.ticket.as_deref(), Some(plain.ticket.as_str()));
    let Op::CreateRestore { request, .. } = &command.op else {
        panic!("a create restore");
    };
    assert_eq!(request.reason.as_deref(), Some(plain.note.as_str()));
    assert_eq!(request.restore_point_id.as_ref(), Some(&chosen));
    // A ticket a running restore answers opens that restore's monitor.
    let mut app = support::app(60);
    let answered = on_ticket(&mut app, |r| r.restore_id.is_some());
    key(&mut app, KeyCode::Enter);
    let Screen::Monitor(monitor) = app.screen() else {
        panic!("the monitor, got {:?}", app.screen());
    };
    assert_eq!(Some(&monitor.id), answered.restore_id.as_ref());
}

#[test]
fn the_ticket_starts_the_wizards_rto_clock() {
    let mut app = app(60);
    let wanted = on_ticket(&mut app, |r| r.restore_id.is_none());
    key(&mut app, KeyCode::Enter);
    let text = support::screen_text(&support::render(
        &mut app,
        &snapdeck::theme::Theme::builtin("default").unwrap(),
        160,
        45,
    ));
    // Without the ticket the deadline would be counted from now.
    let i = app.fleet.position(&wanted.tenant_id).unwrap();
    let tier = app.fleet.tenant(i).tier.clone();
    let from_ticket = snapdeck::domain::rto::rto_clock(
        &tier,
        wanted.requested_at,
        None,
        None,
        &app.calendar,
        now(),
    )
    .unwrap();
    let shown = snapdeck::ui::format::timestamp(from_ticket.deadline.at, app.time);
    // The review wraps: the zone may go to the next line.
    let shown = shown.trim_end_matches(" UTC");
    assert!(
        text.contains(&format!("RTO deadline {shown}")),
        "{shown} missing:\n{text}"
    );
}

#[tokio::test]
async fn acknowledging_the_overdue_ticket_on_the_demo_shows_in_the_pushed_list() {
    let mut w = Wired::start().await;
    let calendar = w.app.calendar.clone();
    let overdue = on_ticket(&mut w.app, |r| r.is_overdue(now(), &calendar));
    let effects = key(&mut w.app, KeyCode::Char('a'));
    assert_eq!(effects.len(), 1);
    // The double press sends nothing more.
    assert!(key(&mut w.app, KeyCode::Char('a')).is_empty());
    let pushed = w.run(effects).await;
    let list = pushed
        .last()
        .expect("the list was pushed before the answer");
    let acked = list.iter().find(|r| r.ticket == overdue.ticket).unwrap();
    assert_eq!(acked.acknowledged_at, Some(now()));
    assert!(
        !w.app
            .requests
            .iter()
            .any(|r| r.is_overdue(now(), &w.app.calendar))
    );
    let journal = read_journal(&w.journal_path).unwrap();
    assert_eq!(journal.entries.len(), 1);
    let entry = &journal.entries[0];
    assert_eq!(entry.intent.op, Journaled::AcknowledgeRequest);
    assert_eq!(entry.intent.target, overdue.ticket);
    let outcome = entry.outcome.as_ref().expect("the answer is journaled");
    assert_eq!(
        outcome.resource_id.as_deref(),
        Some(overdue.ticket.as_str())
    );
}

#[test]
fn help_on_the_requests_screen_lists_its_keys_and_hides_acting_ones_when_read_only() {
    let theme = snapdeck::theme::Theme::builtin("default").unwrap();
    for read_only in [false, true] {
        let mut app = app(60);
        app.read_only = read_only;
        key(&mut app, KeyCode::Char('3'));
        key(&mut app, KeyCode::Char('?'));
        let text = support::screen_text(&support::render(&mut app, &theme, 80, 24));
        for b in REQUESTS_KEYS.iter().chain(snapdeck::app::keys::COMMON_KEYS) {
            let acting = b.keys.iter().any(|(_, action)| action.acts());
            assert_eq!(
                text.contains(b.what),
                !(read_only && acting),
                "{} (read-only {read_only}):\n{text}",
                b.what
            );
        }
    }
}

#[test]
fn a_closed_ticket_still_dates_the_wait_of_the_restore_that_answered_it() {
    use snapdeck::app::screens::requests::request_for;
    let mut app = app(60);
    let restore = app
        .restores
        .iter()
        .find(|r| request_for(&app, r).is_some())
        .cloned()
        .expect("a restore answering a ticket");
    let ticket = request_for(&app, &restore).unwrap().ticket.clone();
    let open: Vec<RestoreRequest> = app
        .requests
        .iter()
        .filter(|r| r.ticket != ticket)
        .cloned()
        .collect();
    app.update(
        Msg::Source(SourceEvent::Requests {
            generated_at: now(),
            requests: open,
        }),
        now(),
    );
    assert!(app.requests.iter().all(|r| r.ticket != ticket), "closed");
    let kept = request_for(&app, &restore).map(|r| r.ticket.clone());
    assert_eq!(kept, Some(ticket), "its RTO still runs from the ticket");
}
