//! The `:` go-to line and the journal screen, driven by keys through `App::update`.

mod support;

use crossterm::event::KeyCode;
use snapdeck::app::{App, Effect, Modal, Msg, Screen};
use snapdeck::domain::ids::IdempotencyKey;
use snapdeck::domain::restore::{CreateRestore, RestoreMode};
use snapdeck::journal::{Action as Journaled, Entry, Intent, JournalRead};
use snapdeck::source::Op;
use support::{app, key, now, selected_slug, type_text};

fn command(app: &mut App, line: &str) -> Vec<Effect> {
    key(app, KeyCode::Char(':'));
    assert_eq!(app.modal(), Some(Modal::Goto));
    type_text(app, line);
    key(app, KeyCode::Enter)
}

#[test]
fn tab_completes_and_tenant_opens_the_tenant_screen() {
    let mut app = app(60);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "ten northfield-ar");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.goto_line.value(), "ten northfield-arts");
    let effects = key(&mut app, KeyCode::Enter);
    let Screen::Tenant(screen) = app.screen() else {
        panic!("the tenant screen, got {:?}", app.screen());
    };
    let i = app.fleet.position(&screen.id).unwrap();
    assert_eq!(app.fleet.tenant(i).slug, "northfield-arts");
    assert_eq!(selected_slug(&app), "northfield-arts", "the fleet follows");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Source(c) if matches!(c.op, Op::RestorePoints { .. }))),
        "its history is asked for"
    );
    // Tab on an ambiguous start lists the candidates.
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "re");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.goto_offered.words, ["regions", "requests", "restores"]);
    // Tab again cycles them; Shift-Tab goes back; Enter goes where the line says.
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.goto_line.value(), "regions");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.goto_line.value(), "requests");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.goto_line.value(), "restores");
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.goto_line.value(), "requests");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Requests(_)));
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "re");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.modal(), None);
}

#[test]
fn every_screen_is_a_command_and_mistakes_are_said_in_words() {
    let mut app = app(60);
    command(&mut app, "restores");
    assert!(matches!(app.screen(), Screen::Restores(_)));
    command(&mut app, "req");
    assert!(
        matches!(app.screen(), Screen::Requests(_)),
        "{:?} {:?}",
        app.screen(),
        app.flash().map(|f| f.text.clone())
    );
    let effects = command(&mut app, "journal");
    assert!(matches!(app.screen(), Screen::Journal(_)));
    assert!(effects.contains(&Effect::ReadJournal), "read afresh");
    command(&mut app, "fleet");
    assert_eq!(*app.screen(), Screen::Fleet);
    command(&mut app, "deploy");
    let flash = app.flash().unwrap().text.clone();
    assert!(flash.contains("no command :deploy"), "{flash}");
    command(&mut app, "tenant nosuch");
    assert!(app.flash().unwrap().text.contains("no tenant nosuch"));
    assert_eq!(*app.screen(), Screen::Fleet);
    assert!(command(&mut app, "quit").contains(&Effect::Quit));
}

fn unanswered_restore(app: &App) -> Intent {
    let i = (0..app.fleet.len())
        .find(|&i| app.fleet.tenant(i).slug == "northfield-medicine")
        .unwrap();
    let tenant = app.fleet.tenant(i);
    let request = CreateRestore {
        target_region: None,
        batch: None,
        restore_point_id: tenant
            .backup
            .last_success
            .as_ref()
            .map(|s| s.restore_point_id.clone()),
        mode: RestoreMode::NewSpoke,
        target_slug: None,
        ticket: Some("SUP-4821".into()),
        reason: None,
        purpose: Default::default(),
    };
    let mut intent = Intent::new(
        Journaled::CreateRestore,
        tenant.slug.clone(),
        "demo",
        IdempotencyKey("before-crash-7".into()),
    );
    intent.ticket = request.ticket.clone();
    let serde_json::Value::Object(details) = serde_json::to_value(&request).unwrap() else {
        panic!()
    };
    intent.details = details;
    intent
}

#[test]
fn the_journal_screen_resends_an_unanswered_intent_with_its_own_key_once() {
    let mut app = app(60);
    let intent = unanswered_restore(&app);
    key(&mut app, KeyCode::Char('4'));
    assert!(matches!(app.screen(), Screen::Journal(_)));
    let read = JournalRead {
        entries: vec![Entry {
            intent: intent.clone(),
            outcome: None,
        }],
        ..Default::default()
    };
    app.update(Msg::JournalRead(Ok(read)), now());
    let effects = key(&mut app, KeyCode::Char('s'));
    let resent: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Write { intent, command } => Some((intent, command)),
            _ => None,
        })
        .collect();
    assert_eq!(resent.len(), 1, "{effects:?}");
    let (again, command) = resent[0];
    assert_eq!(again.idempotency_key, intent.idempotency_key, "its own key");
    let Op::CreateRestore {
        request, key: k, ..
    } = &command.op
    else {
        panic!("the restore again");
    };
    assert_eq!(k, &intent.idempotency_key);
    assert_eq!(
        serde_json::to_value(request).unwrap(),
        serde_json::Value::Object(intent.details.clone()),
        "the same body, or the control plane would refuse the key"
    );
    // A second `s` while it is on its way sends nothing.
    let twice = key(&mut app, KeyCode::Char('s'));
    assert!(!twice.iter().any(|e| matches!(e, Effect::Write { .. })));
    assert!(app.flash().unwrap().text.contains("already re-sent"));
}

#[test]
fn read_only_resends_nothing_and_an_answered_intent_is_not_resent() {
    let mut app = app(60);
    let intent = unanswered_restore(&app);
    key(&mut app, KeyCode::Char('4'));
    let outcome =
        snapdeck::journal::Outcome::ok(intent.idempotency_key.clone(), Some("rst_1".into()));
    let read = JournalRead {
        entries: vec![Entry {
            intent,
            outcome: Some(outcome),
        }],
        ..Default::default()
    };
    app.update(Msg::JournalRead(Ok(read)), now());
    assert!(
        !key(&mut app, KeyCode::Char('s'))
            .iter()
            .any(|e| matches!(e, Effect::Write { .. }))
    );
    assert!(app.flash().unwrap().text.contains("nothing to re-send"));
}

#[test]
fn serve_demo_help_lists_only_what_applies_to_it() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_snapdeck"))
        .args(["serve-demo", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0));
    for applies in [
        "--listen",
        "--token-file",
        "--seed",
        "--tenants",
        "--demo-speed",
    ] {
        assert!(help.contains(applies), "{help}");
    }
    for not in [
        "--url",
        "--source",
        "--context",
        "--theme",
        "--read-only",
        "--self-host",
    ] {
        assert!(!help.contains(not), "{not}: {help}");
    }
}
