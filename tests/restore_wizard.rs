//! The restore wizard, driven by keys through `App::update`: what it sends, when it refuses,
//! and that a double Enter or a crash re-send creates one restore — against the demo control
//! plane over its real channel.

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use snapdeck::app::{App, Effect, Msg, Screen};
use snapdeck::domain::restore::{RestoreMode, RestorePhase};
use snapdeck::journal::read_journal;
use snapdeck::source::{CommandError, Op, Reply, SourceCommand, SourceEvent};
use support::wired::Wired;
use support::{app, key, now, selected_slug, type_text};

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        now(),
    )
}

/// Opens the wizard on the fleet's first red spoke.
fn wizard_on_a_spoke(app: &mut App) -> String {
    key(app, KeyCode::Down);
    let slug = selected_slug(app);
    key(app, KeyCode::Char('R'));
    assert!(
        matches!(app.screen(), Screen::Wizard(_)),
        "R opens the wizard"
    );
    slug
}

fn problem(app: &App) -> String {
    match app.screen() {
        Screen::Wizard(w) => w.problem.clone().unwrap_or_default(),
        other => panic!("expected the wizard, got {other:?}"),
    }
}

#[test]
fn the_wizard_refuses_in_words_and_sends_nothing() {
    let mut app = app(60);
    let slug = wizard_on_a_spoke(&mut app);
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "no ticket: nothing sent"
    );
    assert!(problem(&app).contains("SUP-4821"), "{}", problem(&app));
    type_text(&mut app, "ticket 12");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(
        problem(&app).contains("not a ticket reference"),
        "{}",
        problem(&app)
    );
    // An overwrite needs the slug typed.
    for _ in 0.."ticket 12".len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "SUP-4821");
    ctrl(&mut app, 't');
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(
        problem(&app).contains(&format!("type {slug}")),
        "{}",
        problem(&app)
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        *app.screen(),
        Screen::Fleet,
        "Esc cancels: nothing was sent"
    );
}

#[test]
fn read_only_offers_no_restore() {
    let mut app = app(60);
    app.read_only = true;
    key(&mut app, KeyCode::Char('R'));
    assert_eq!(*app.screen(), Screen::Fleet);
    assert!(app.flash().unwrap().text.contains("read-only"));
}

/// The one write an Enter produced.
fn the_write(effects: Vec<Effect>) -> (Box<snapdeck::journal::Intent>, SourceCommand) {
    match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::Write { intent, command }]) => (intent, command),
        Ok(other) => panic!("expected one write, got {other:?}"),
        Err(other) => panic!("expected one write, got {other:?}"),
    }
}

#[test]
fn enter_journals_then_sends_once_and_the_answer_closes_the_wizard() {
    let mut app = app(60);
    let slug = wizard_on_a_spoke(&mut app);
    type_text(&mut app, "SUP-4821");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "course 1182 deleted");
    let (intent, command) = the_write(key(&mut app, KeyCode::Enter));
    assert_eq!(intent.target, slug);
    assert_eq!(intent.ticket.as_deref(), Some("SUP-4821"));
    assert_eq!(intent.operator, "oncall");
    assert_eq!(Some(&intent.idempotency_key), command.op.key());
    let Op::CreateRestore { request, .. } = &command.op else {
        panic!("a create restore");
    };
    assert_eq!(request.mode, RestoreMode::NewSpoke);
    assert_eq!(request.reason.as_deref(), Some("course 1182 deleted"));
    // The double Enter: nothing more.
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    // A refusal is shown on the wizard, recorded, and a new try is possible.
    let refused = CommandError::new(409, "restore_in_progress", "a restore is running");
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
    assert!(problem(&app).contains("a restore is running"));
    let (_, again) = the_write(key(&mut app, KeyCode::Enter));
    assert_ne!(again.op.key(), command.op.key(), "a new try, a new key");
    app.update(
        Msg::Unjournaled {
            id: again.id,
            error: "could not write the journal /x: disk full".into(),
        },
        now(),
    );
    assert!(
        problem(&app).contains("nothing leaves unjournaled"),
        "{}",
        problem(&app)
    );
}

#[tokio::test]
async fn a_restore_launched_from_the_wizard_runs_on_the_demo_and_is_journaled() {
    let mut w = Wired::start().await;
    let slug = wizard_on_a_spoke(&mut w.app);
    type_text(&mut w.app, "SUP-4821");
    let effects = key(&mut w.app, KeyCode::Enter);
    let (_, command) = the_write(effects.clone());
    w.run(effects).await;
    let flash = &w.app.flash().unwrap().text;
    assert!(flash.contains("launched: queued"), "{flash}");
    // The wizard stays, saying what was launched: a double Enter opens its monitor, nothing more.
    let Screen::Wizard(done) = w.app.screen() else {
        panic!("the wizard says what it launched");
    };
    assert!(
        done.launched
            .as_deref()
            .is_some_and(|l| l.contains("queued"))
    );
    // Its keys say what Enter does now: no "Enter launch" after the launch.
    let theme = snapdeck::theme::Theme::builtin("default").unwrap();
    let screen = support::screen_text(&support::render(&mut w.app, &theme, 160, 45));
    assert!(screen.contains("Enter monitor · Esc close"), "{screen}");
    assert!(!screen.contains("Enter launch"), "{screen}");
    // Nothing is sent again: the monitor only reads its event log as it opens.
    let opened = key(&mut w.app, KeyCode::Enter);
    assert!(
        opened.iter().all(|e| matches!(
            e,
            Effect::Source(c) if matches!(c.op, Op::RestoreEvents { .. })
        )),
        "{opened:?}"
    );
    assert!(
        matches!(w.app.screen(), Screen::Monitor(_)),
        "Enter opens its monitor"
    );
    // A crash after sending, and the same intent re-sent with its key: still one restore.
    w.commands.send(command).unwrap();
    let answer = loop {
        if let SourceEvent::Answer { outcome, .. } = w.next().await {
            break outcome;
        }
    };
    let restores: Vec<_> = w
        .app
        .restores
        .iter()
        .filter(|r| r.source_slug == slug)
        .collect();
    assert_eq!(restores.len(), 1, "one restore");
    assert_eq!(restores[0].phase, RestorePhase::Queued);
    match answer {
        Ok(Reply::Restore(again)) => assert_eq!(again.id, restores[0].id, "the same restore"),
        other => panic!("the re-send answers the original restore, got {other:?}"),
    }
    let i = w
        .app
        .fleet
        .tenants()
        .iter()
        .position(|t| t.slug == slug)
        .unwrap();
    assert_eq!(
        w.app.fleet.tenant(i).active_restore_id.as_ref(),
        Some(&restores[0].id)
    );
    let journal = read_journal(&w.journal_path).unwrap();
    assert_eq!(journal.entries.len(), 1);
    let entry = &journal.entries[0];
    assert_eq!(entry.intent.target, slug);
    let outcome = entry.outcome.as_ref().expect("the answer is journaled");
    assert_eq!(
        outcome.resource_id.as_deref(),
        Some(restores[0].id.0.as_str())
    );
}

#[tokio::test]
async fn the_monitor_confirms_with_the_slug_typed_once_the_checks_are_in() {
    let mut w = Wired::start().await;
    let slug = wizard_on_a_spoke(&mut w.app);
    type_text(&mut w.app, "SUP-4821");
    let effects = key(&mut w.app, KeyCode::Enter);
    w.run(effects).await;
    // Enter on the launched wizard opens the restore's monitor.
    key(&mut w.app, KeyCode::Enter);
    let Screen::Monitor(monitor) = w.app.screen() else {
        panic!("the monitor, got {:?}", w.app.screen());
    };
    let id = monitor.id.clone();
    // Too early to confirm: it says so and opens nothing.
    assert!(key(&mut w.app, KeyCode::Char('c')).is_empty());
    assert!(
        w.app
            .flash()
            .unwrap()
            .text
            .contains("only once it awaits confirmation")
    );
    // Two hours on, it awaits confirmation (the demo reports restores as time passes).
    w.clock.advance(chrono::Duration::hours(2));
    let heard = loop {
        if let SourceEvent::Restores { .. } = w.next_event().await {
            break true;
        }
    };
    assert!(heard);
    while w
        .app
        .restores
        .iter()
        .any(|r| r.id == id && r.phase != RestorePhase::AwaitingConfirmation)
    {
        let event = w.next_event().await;
        w.app.update(Msg::Source(event), now());
    }
    key(&mut w.app, KeyCode::Char('c'));
    // Notes first; the slug only when a check warned or failed.
    type_text(&mut w.app, "course 1182 is back");
    let awaiting = w.app.restores.iter().find(|r| r.id == id).unwrap();
    if !snapdeck::app::screens::monitor::checks_all_passed(awaiting) {
        assert!(
            key(&mut w.app, KeyCode::Enter).is_empty(),
            "a check did not pass: the slug is not typed yet"
        );
        type_text(&mut w.app, &slug);
    }
    let effects = key(&mut w.app, KeyCode::Enter);
    let (intent, command) = the_write(effects.clone());
    assert_eq!(intent.target, id.0);
    assert!(matches!(
        &command.op,
        Op::ConfirmRestore { notes, .. } if notes == "course 1182 is back"
    ));
    assert!(key(&mut w.app, KeyCode::Enter).is_empty(), "once");
    w.run(effects).await;
    let done = w.app.restores.iter().find(|r| r.id == id).unwrap();
    assert_eq!(done.phase, RestorePhase::Completed);
    // The new spoke came to the app as a changed tenant: there, marked, and active now.
    let tenants = w.app.fleet.tenants();
    let target = tenants
        .iter()
        .find(|t| t.slug == done.target_slug)
        .expect("the restore's new spoke is in the fleet");
    assert_eq!(target.state, snapdeck::domain::tenant::TenantState::Active);
    assert_eq!(target.restore_of.as_ref(), Some(&done.tenant_id));
    let journal = read_journal(&w.journal_path).unwrap();
    assert_eq!(journal.entries.len(), 2, "launch and confirm");
    assert!(journal.unresolved().next().is_none());
}

#[test]
fn a_tenant_with_a_restore_in_progress_says_so_and_enter_opens_its_monitor() {
    let mut app = app(60);
    let busy = (0..app.fleet.len())
        .find(|&i| app.fleet.tenant(i).active_restore_id.is_some())
        .expect("a tenant being restored in the demo");
    let slug = app.fleet.tenant(busy).slug.clone();
    let active = app.fleet.tenant(busy).active_restore_id.clone().unwrap();
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, &slug);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('R'));
    let theme = snapdeck::theme::Theme::builtin("default").unwrap();
    let screen = support::screen_text(&support::render(&mut app, &theme, 160, 45));
    assert!(
        screen.contains(&format!("already has restore {active} in progress")),
        "{screen}"
    );
    assert!(!screen.contains("Enter launch"), "{screen}");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        effects.iter().all(|e| !matches!(e, Effect::Write { .. })),
        "nothing launched"
    );
    assert!(matches!(app.screen(), Screen::Monitor(m) if m.id == active));
}

#[test]
fn with_the_source_down_the_wizard_says_so_instead_of_a_moment() {
    let mut app = app(60);
    app.update(
        Msg::Source(SourceEvent::Connection(
            snapdeck::source::Connection::Failing {
                error: "connection refused by 127.0.0.1:8750".into(),
                scope: None,
                retry_in: None,
            },
        )),
        now(),
    );
    key(&mut app, KeyCode::Down);
    // The history's read goes out and, the source being down, no answer comes.
    let press =
        |app: &mut App, code| app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), now());
    press(&mut app, KeyCode::Char('R'));
    type_text(&mut app, "SUP-4821");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "-3h");
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.iter().all(|e| !matches!(e, Effect::Write { .. })));
    let said = problem(&app);
    assert!(
        said.contains("the source is not answering (connection refused"),
        "{said}"
    );
}

#[test]
fn an_overwrite_with_verify_set_fingerprints_live_before_it_is_journaled_and_sent() {
    let (fleet, restores) = snapdeck::source::demo::fleet_at(support::SEED, 60, now());
    let mut settings = support::settings(snapdeck::source::SourceInfo {
        kind: "demo",
        detail: "seed 42".into(),
        cannot_act: None,
    });
    settings.verify = true;
    let mut app = support::app_from(settings, fleet, restores);
    let slug = wizard_on_a_spoke(&mut app);
    type_text(&mut app, "SUP-4821");
    ctrl(&mut app, 't');
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, &slug);
    let effects = key(&mut app, KeyCode::Enter);
    let [
        Effect::Fingerprint {
            live,
            intent,
            command,
        },
    ] = <[Effect; 1]>::try_from(effects).expect("one effect")
    else {
        panic!("an overwrite with [verify] is fingerprinted first");
    };
    assert_eq!(live.live.slug, slug, "live is the tenant being overwritten");
    assert!(matches!(command.op, Op::CreateRestore { .. }));
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "a double Enter while fingerprinting sends nothing"
    );
    // Fingerprinted: journaled and sent as any write, the fingerprint in its details.
    let mut intent = intent;
    intent
        .details
        .insert("fingerprint_not_taken".into(), "refused".into());
    let (journaled, sent) = the_write(app.update(Msg::Fingerprinted { intent, command }, now()));
    assert_eq!(journaled.details["fingerprint_not_taken"], "refused");
    assert_eq!(journaled.details["mode"], "overwrite");
    assert!(matches!(sent.op, Op::CreateRestore { .. }));
}
