//! The restore monitor driven through `App::update`: its event log (read as it opens, polled
//! while the restore runs, one read at a time, following the tail or held where scrolled),
//! and confirming with notes — the slug typed only when a check warned or failed.

mod support;

use chrono::{Duration, TimeZone, Utc};
use crossterm::event::KeyCode;
use snapdeck::app::{App, Effect, Msg, Screen};
use snapdeck::domain::ids::RestoreId;
use snapdeck::domain::restore::{CheckStatus, Restore, RestoreEvent, RestorePhase};
use snapdeck::source::{CommandId, Op, Reply, SourceEvent};
use support::{app, key, now, type_text};

/// The log reads among `effects`: (command, restore, after).
fn reads(effects: &[Effect]) -> Vec<(CommandId, RestoreId, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Source(c) => match &c.op {
                Op::RestoreEvents { restore, after } => Some((c.id, restore.clone(), *after)),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn events(seqs: std::ops::RangeInclusive<u64>) -> Vec<RestoreEvent> {
    seqs.map(|seq| RestoreEvent {
        seq,
        at: Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap() + Duration::seconds(seq as i64),
        level: "info".into(),
        message: format!("line {seq}"),
    })
    .collect()
}

fn answer(app: &mut App, id: CommandId, events: Vec<RestoreEvent>) -> Vec<Effect> {
    app.update(
        Msg::Source(SourceEvent::Answer {
            id,
            outcome: Ok(Reply::RestoreEvents(events)),
        }),
        now(),
    )
}

fn log(app: &App) -> &snapdeck::app::screens::event_log::EventLog {
    match app.screen() {
        Screen::Monitor(m) => &m.log,
        other => panic!("expected the monitor, got {other:?}"),
    }
}

#[test]
fn the_log_is_read_as_the_monitor_opens_then_polled_one_read_at_a_time() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('2'));
    let id = app.restores[0].id.clone();
    assert!(app.restores[0].phase.is_active());
    let opened = reads(&key(&mut app, KeyCode::Enter));
    assert_eq!(opened.len(), 1, "one read as it opens");
    let (first, restore, after) = opened[0].clone();
    assert_eq!((restore, after), (id.clone(), 0));
    // A tick while it is in flight asks for nothing more.
    assert!(reads(&app.update(Msg::Tick, now())).is_empty());
    answer(&mut app, first, events(1..=30));
    assert_eq!(log(&app).events.len(), 30);
    assert!(log(&app).following());
    // The next tick reads after the last sequence number held.
    let polled = reads(&app.update(Msg::Tick, now()));
    assert_eq!(polled.len(), 1);
    assert_eq!(polled[0].2, 30);
    // Repeated lines are kept once.
    answer(&mut app, polled[0].0, events(28..=33));
    assert_eq!(log(&app).events.len(), 33);
    assert_eq!(log(&app).last_seq(), 33);
    // Back on the restores screen nothing polls.
    key(&mut app, KeyCode::Esc);
    assert!(reads(&app.update(Msg::Tick, now())).is_empty());
}

#[test]
fn scrolling_up_stops_following_and_g_resumes_it() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('2'));
    let opened = reads(&key(&mut app, KeyCode::Enter));
    answer(&mut app, opened[0].0, events(1..=40));
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::PageUp);
    assert_eq!(log(&app).back, 11);
    assert!(!log(&app).following());
    // New lines arrive below; what is on screen stays put.
    let polled = reads(&app.update(Msg::Tick, now()));
    answer(&mut app, polled[0].0, events(41..=45));
    assert_eq!(log(&app).back, 16);
    key(&mut app, KeyCode::Char('G'));
    assert!(log(&app).following());
    key(&mut app, KeyCode::PageUp);
    key(&mut app, KeyCode::End);
    assert!(log(&app).following(), "End follows too");
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(log(&app).back, 44, "g: the oldest line");
}

#[test]
fn a_failed_read_is_said_on_the_pane_and_retried_at_the_next_tick() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('2'));
    let opened = reads(&key(&mut app, KeyCode::Enter));
    app.update(
        Msg::Source(SourceEvent::Answer {
            id: opened[0].0,
            outcome: Err(snapdeck::source::CommandError::new(
                503,
                "unavailable",
                "control plane busy",
            )),
        }),
        now(),
    );
    assert_eq!(log(&app).problem.as_deref(), Some("control plane busy"));
    assert!(app.flash().is_none(), "polling errors stay off the flash");
    assert_eq!(reads(&app.update(Msg::Tick, now())).len(), 1);
}

/// An app over restores launched three hours ago, on the monitor of one matching `wanted`.
fn monitor_of(wanted: impl Fn(&Restore) -> bool) -> (App, Restore) {
    let sim = support::sim_with_launched_restores();
    let mut app = support::app_with(sim.tenants().to_vec(), sim.restores().to_vec());
    let restore = sim
        .restores()
        .iter()
        .find(|r| wanted(r))
        .expect("one such restore")
        .clone();
    support::open_monitor(&mut app, &sim, &restore.id);
    (app, restore)
}

fn checks_are(r: &Restore, passed: bool) -> bool {
    r.phase == RestorePhase::AwaitingConfirmation
        && r.verification
            .iter()
            .flatten()
            .all(|c| c.status == CheckStatus::Passed)
            == passed
}

/// The one write among `effects`.
fn the_write(effects: Vec<Effect>) -> (Box<snapdeck::journal::Intent>, Op) {
    match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::Write { intent, command }]) => (intent, command.op),
        other => panic!("expected one write, got {other:?}"),
    }
}

#[test]
fn every_check_passed_enter_confirms_with_the_notes_and_journals_them() {
    let (mut app, restore) = monitor_of(|r| checks_are(r, true));
    assert!(!log(&app).events.is_empty(), "the log was read");
    key(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "course 1182 is back");
    let (intent, op) = the_write(key(&mut app, KeyCode::Enter));
    match op {
        Op::ConfirmRestore {
            restore: id, notes, ..
        } => {
            assert_eq!(id, restore.id);
            assert_eq!(notes, "course 1182 is back");
        }
        other => panic!("a confirm, got {other:?}"),
    }
    assert_eq!(intent.target, restore.id.0);
    assert_eq!(
        intent.details.get("notes").and_then(|n| n.as_str()),
        Some("course 1182 is back")
    );
}

#[test]
fn a_warned_or_failed_check_needs_the_slug_typed_too() {
    let (mut app, restore) = monitor_of(|r| checks_are(r, false));
    key(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "checked the gradebook");
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "no slug: nothing sent"
    );
    let Screen::Monitor(m) = app.screen() else {
        panic!("the monitor");
    };
    let prompt = m.prompt.as_ref().unwrap();
    let problem = prompt.problem.as_deref().unwrap_or_default();
    assert!(problem.contains(&restore.source_slug), "{problem}");
    // The refusal moved the keyboard to the slug; Tab goes back to the notes and again.
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, " twice");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, &restore.source_slug);
    let (intent, op) = the_write(key(&mut app, KeyCode::Enter));
    let Op::ConfirmRestore { notes, .. } = op else {
        panic!("a confirm");
    };
    assert_eq!(notes, "checked the gradebook twice");
    assert_eq!(
        intent.details.get("notes").and_then(|n| n.as_str()),
        Some("checked the gradebook twice")
    );
}

#[test]
fn a_failed_restore_says_its_error_and_cannot_be_cancelled() {
    let (mut app, restore) = monitor_of(|r| r.phase == RestorePhase::Failed);
    assert!(restore.error.as_deref().unwrap().contains("No space left"));
    let last = log(&app).events.last().unwrap().clone();
    assert_eq!(last.level, "error");
    // Ended: the log was read after the end, so it is whole and not polled again.
    assert!(reads(&app.update(Msg::Tick, now())).is_empty());
    assert!(key(&mut app, KeyCode::Char('X')).is_empty());
    assert!(app.flash().unwrap().text.contains("only before"));
}

#[test]
fn a_read_that_could_not_be_sent_is_tried_again_at_the_next_tick() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char('2'));
    let opened = reads(&key(&mut app, KeyCode::Enter));
    app.update(Msg::Undelivered(opened[0].0), now());
    assert!(log(&app).problem.is_some());
    assert!(log(&app).reading.is_none());
    assert_eq!(reads(&app.update(Msg::Tick, now())).len(), 1);
}

#[test]
fn a_failed_check_can_be_discarded_with_a_reason_and_the_spokes_slug_typed() {
    let (mut app, restore) = monitor_of(|r| {
        // One the operator launched, whose spoke the simulator added to the fleet.
        checks_are(r, false) && r.ticket.as_deref() == Some("SUP-4821")
    });
    let screen = support::screen_text(&support::render(&mut app, &theme(), 160, 45));
    assert!(screen.contains("D discards the spoke"), "{screen}");
    key(&mut app, KeyCode::Char('D'));
    // No reason: nothing leaves, and it says what is missing.
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(
        prompt_problem(&app).contains("say why"),
        "{}",
        prompt_problem(&app)
    );
    type_text(&mut app, "wrong point; the customer asked for 14:00");
    // The source's slug is not the spoke's: refused, naming the spoke.
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, &restore.source_slug);
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(prompt_problem(&app).contains(&restore.target_slug));
    for _ in 0..restore.source_slug.len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, &restore.target_slug);
    let (intent, op) = the_write(key(&mut app, KeyCode::Enter));
    let Op::DiscardRestore {
        restore: id,
        reason,
        ..
    } = &op
    else {
        panic!("a discard, got {op:?}");
    };
    assert_eq!(*id, restore.id);
    assert_eq!(reason, "wrong point; the customer asked for 14:00");
    assert_eq!(intent.op, snapdeck::journal::Action::DiscardRestore);
    assert_eq!(
        intent.details.get("reason").and_then(|n| n.as_str()),
        Some(reason.as_str())
    );
    // The demo carries it out: discarded, its spoke torn down.
    let mut sim = support::sim_with_launched_restores();
    let discarded = sim.discard_restore(id, reason).unwrap();
    assert_eq!(discarded.phase, RestorePhase::Discarded);
    sim.advance(now());
    let spoke = sim
        .tenants()
        .iter()
        .find(|t| t.slug == restore.target_slug)
        .unwrap();
    assert_eq!(spoke.state, snapdeck::domain::tenant::TenantState::Deleting);
    // Twice is refused in words; so is an overwrite.
    let again = sim.discard_restore(id, reason).unwrap_err();
    assert_eq!(
        (again.status, again.code.as_str()),
        (Some(409), "invalid_phase")
    );
}

#[test]
fn a_confirm_needs_notes_and_a_running_restore_cannot_be_discarded() {
    let (mut monitor, _) = monitor_of(|r| checks_are(r, true));
    key(&mut monitor, KeyCode::Char('c'));
    assert!(
        key(&mut monitor, KeyCode::Enter).is_empty(),
        "empty notes: nothing sent"
    );
    assert!(prompt_problem(&monitor).contains("say what you verified"));
    let mut running = app(60);
    key(&mut running, KeyCode::Char('2'));
    key(&mut running, KeyCode::Enter);
    assert!(key(&mut running, KeyCode::Char('D')).is_empty());
    let flash = running.flash().unwrap().text.clone();
    assert!(flash.contains("discard"), "{flash}");
}

fn prompt_problem(app: &App) -> String {
    let Screen::Monitor(m) = app.screen() else {
        panic!("the monitor");
    };
    m.prompt
        .as_ref()
        .and_then(|p| p.problem.clone())
        .unwrap_or_default()
}

fn theme() -> snapdeck::theme::Theme {
    snapdeck::theme::Theme::builtin("default").unwrap()
}

#[test]
fn a_demo_restore_restores_the_points_own_sizes() {
    use snapdeck::domain::restore::{CreateRestore, RestoreMode};
    let mut sim = snapdeck::source::demo::Sim::new(support::SEED, 60, now() - Duration::hours(3));
    let tenant = sim
        .tenants()
        .iter()
        .find(|t| t.active_restore_id.is_none() && t.backup.last_success.is_some())
        .unwrap()
        .clone();
    let point_id = tenant
        .backup
        .last_success
        .as_ref()
        .unwrap()
        .restore_point_id
        .clone();
    let page = sim.restore_points(&tenant.id, None).unwrap();
    let point = page
        .items
        .iter()
        .find(|p| p.id == point_id)
        .unwrap()
        .clone();
    let gib = |b: Option<u64>| b.unwrap() as f64 / (1u64 << 30) as f64;
    let request = CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: None,
        mode: RestoreMode::NewSpoke,
        target_slug: None,
        ticket: None,
        reason: None,
        purpose: Default::default(),
    };
    let made = sim.create_restore(&tenant.id, &request).unwrap();
    sim.advance(now());
    let restore = sim.restores().iter().find(|r| r.id == made.id).unwrap();
    let said: Vec<String> = restore
        .steps
        .iter()
        .filter_map(|s| s.message.clone())
        .chain(
            restore
                .verification
                .iter()
                .flatten()
                .map(|c| c.detail.clone()),
        )
        .collect();
    let said = said.join("\n");
    let dump = format!("{:.1} GiB", gib(point.database.size_bytes));
    let snapshot = format!("{:.1} GiB", gib(point.volume.restore_size_bytes));
    assert!(said.contains(&dump), "{dump} not in:\n{said}");
    assert!(said.contains(&snapshot), "{snapshot} not in:\n{said}");
}
