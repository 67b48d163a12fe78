//! The DNS swap screen, driven by keys through `App::update`: from the restore monitor of a
//! confirmed new-spoke restore, the swap is journaled and sent once per typed confirmation,
//! moves live as the demo pushes it, and rolls back the same way — against the demo control
//! plane over its real channel. Refusals show on the screen and in the flash; read-only
//! offers nothing.

mod support;

use chrono::Duration;
use crossterm::event::KeyCode;
use snapdeck::app::keys::{self, MONITOR_KEYS};
use snapdeck::app::{App, Effect, Msg, Screen};
use snapdeck::domain::dns::DnsPhase;
use snapdeck::domain::restore::{RestoreMode, RestorePhase};
use snapdeck::journal::{Action as Journaled, read_journal};
use snapdeck::source::{CommandError, Op, SourceCommand, SourceEvent};
use support::wired::Wired;
use support::{app, key, now, selected_slug, type_text};

/// The one write a key produced.
fn the_write(effects: Vec<Effect>) -> (Box<snapdeck::journal::Intent>, SourceCommand) {
    match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::Write { intent, command }]) => (intent, command),
        Ok(other) => panic!("expected one write, got {other:?}"),
        Err(other) => panic!("expected one write, got {other:?}"),
    }
}

/// Launches a new-spoke restore of the fleet's first red spoke, waits two hours of demo time
/// and confirms it on its monitor; answers the slug, with the monitor open.
async fn confirmed_new_spoke(w: &mut Wired) -> String {
    key(&mut w.app, KeyCode::Down);
    let slug = selected_slug(&w.app);
    key(&mut w.app, KeyCode::Char('R'));
    type_text(&mut w.app, "SUP-4821");
    let effects = key(&mut w.app, KeyCode::Enter);
    w.run(effects).await;
    key(&mut w.app, KeyCode::Enter);
    let Screen::Monitor(monitor) = w.app.screen() else {
        panic!("the monitor, got {:?}", w.app.screen());
    };
    let id = monitor.id.clone();
    let restore_is = |phase: RestorePhase| {
        let id = id.clone();
        move |app: &App| app.restores.iter().any(|r| r.id == id && r.phase == phase)
    };
    // Not yet confirmed: `d` says why and opens nothing.
    key(&mut w.app, KeyCode::Char('d'));
    assert!(matches!(w.app.screen(), Screen::Monitor(_)));
    let flash = w.app.flash().unwrap().text.clone();
    assert!(flash.contains("once it is confirmed"), "{flash}");
    w.clock.advance(Duration::hours(2));
    w.until(restore_is(RestorePhase::AwaitingConfirmation))
        .await;
    key(&mut w.app, KeyCode::Char('c'));
    type_text(&mut w.app, &slug);
    let effects = key(&mut w.app, KeyCode::Enter);
    w.run(effects).await;
    w.until(restore_is(RestorePhase::Completed)).await;
    slug
}

fn dns_phase(app: &App) -> Option<DnsPhase> {
    match app.screen() {
        Screen::Dns(screen) => screen.shown(&app.dns_swaps).map(|s| s.phase.clone()),
        other => panic!("expected the DNS screen, got {other:?}"),
    }
}

#[tokio::test]
async fn a_swap_verifies_then_rolls_back_each_journaled_and_sent_once() {
    let mut w = Wired::start().await;
    let slug = confirmed_new_spoke(&mut w).await;
    // `d` opens the plan with the typed confirmation.
    key(&mut w.app, KeyCode::Char('d'));
    assert!(matches!(w.app.screen(), Screen::Dns(d) if d.prompt.is_some()));
    assert!(
        key(&mut w.app, KeyCode::Enter).is_empty(),
        "no slug typed: nothing sent"
    );
    type_text(&mut w.app, &slug);
    let effects = key(&mut w.app, KeyCode::Enter);
    let (intent, command) = the_write(effects.clone());
    assert_eq!(intent.op, Journaled::CreateDnsSwap);
    assert_eq!(Some(&intent.idempotency_key), command.op.key());
    assert!(matches!(command.op, Op::CreateDnsSwap { .. }));
    assert!(key(&mut w.app, KeyCode::Enter).is_empty(), "double Enter");
    w.run(effects).await;
    assert_eq!(
        w.app.dns_swaps.len(),
        1,
        "exactly one swap: {:?}",
        w.app.flash().map(|f| &f.text)
    );
    assert!(
        w.app
            .flash()
            .is_some_and(|f| f.text.contains("DNS swap dns_"))
    );
    // The screen follows the pushed swap as the demo's clock runs.
    assert_eq!(dns_phase(&w.app), Some(DnsPhase::Pending));
    w.clock.advance(Duration::minutes(15));
    w.until(|app| dns_phase(app).is_some_and(|p| p.is_settled()))
        .await;
    assert_eq!(dns_phase(&w.app), Some(DnsPhase::Verified));
    // Roll it back: the slug again, once.
    key(&mut w.app, KeyCode::Char('B'));
    type_text(&mut w.app, &slug);
    let effects = key(&mut w.app, KeyCode::Enter);
    let (intent, command) = the_write(effects.clone());
    assert_eq!(intent.op, Journaled::RollbackDnsSwap);
    assert!(intent.target.starts_with("dns_"), "{}", intent.target);
    assert!(matches!(command.op, Op::RollbackDnsSwap { .. }));
    assert!(key(&mut w.app, KeyCode::Enter).is_empty(), "double Enter");
    w.run(effects).await;
    w.clock.advance(Duration::minutes(1));
    w.until(|app| dns_phase(app) == Some(DnsPhase::RolledBack))
        .await;
    assert_eq!(w.app.dns_swaps.len(), 1, "rolled back, not a second swap");
    let journal = read_journal(&w.journal_path).unwrap();
    let ops: Vec<Journaled> = journal
        .entries
        .iter()
        .map(|e| e.intent.op.clone())
        .collect();
    assert_eq!(
        ops,
        [
            Journaled::CreateRestore,
            Journaled::ConfirmRestore,
            Journaled::CreateDnsSwap,
            Journaled::RollbackDnsSwap
        ]
    );
    assert!(
        journal.entries.iter().all(|e| e.outcome.is_some()),
        "every intent has its outcome"
    );
    let swap_id = w.app.dns_swaps[0].id.0.clone();
    let swap_outcome = journal.entries[2].outcome.as_ref().unwrap();
    assert_eq!(swap_outcome.resource_id.as_deref(), Some(swap_id.as_str()));
}

/// An app with one of the demo's restores made a completed new-spoke restore, and the DNS
/// screen of it open with the slug typed.
fn swap_typed() -> (App, String) {
    let mut app = app(60);
    let mut restores = app.restores.clone();
    restores[0].phase = RestorePhase::Completed;
    restores[0].mode = RestoreMode::NewSpoke;
    let slug = restores[0].source_slug.clone();
    let id = restores[0].id.clone();
    app.update(
        Msg::Source(SourceEvent::Restores {
            generated_at: now(),
            restores,
        }),
        now(),
    );
    key(&mut app, KeyCode::Char('2'));
    let row = app.restores.iter().position(|r| r.id == id).unwrap();
    for _ in 0..row {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.screen(), Screen::Dns(_)), "{:?}", app.screen());
    type_text(&mut app, &slug);
    (app, slug)
}

#[test]
fn a_refusal_shows_on_the_screen_and_a_move_that_never_left_keeps_its_key() {
    let (mut app, _) = swap_typed();
    let (_, first) = the_write(key(&mut app, KeyCode::Enter));
    // It never left: the next Enter re-sends the same intent, with the same key.
    app.update(Msg::Undelivered(first.id), now());
    let (_, resent) = the_write(key(&mut app, KeyCode::Enter));
    assert_eq!(resent.op.key(), first.op.key(), "the same intent");
    let refused = CommandError::new(409, "swap_in_progress", "a swap is already propagating");
    let effects = app.update(
        Msg::Source(SourceEvent::Answer {
            id: resent.id,
            outcome: Err(refused),
        }),
        now(),
    );
    assert!(matches!(effects.as_slice(), [Effect::Record(_)]));
    let Screen::Dns(screen) = app.screen() else {
        panic!("the DNS screen stays");
    };
    assert!(
        screen
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("already propagating"))
    );
    let flash = &app.flash().unwrap().text;
    assert!(
        flash.contains("DNS swap failed") && flash.contains("409"),
        "{flash}"
    );
    // Answered no: another try is a new intent, with a new key.
    let (_, again) = the_write(key(&mut app, KeyCode::Enter));
    assert_ne!(again.op.key(), first.op.key());
}

#[test]
fn read_only_offers_no_dns_swap() {
    let (mut app, _) = swap_typed();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen(), Screen::Restores(_)));
    app.read_only = true;
    assert!(key(&mut app, KeyCode::Char('d')).is_empty());
    assert!(matches!(app.screen(), Screen::Restores(_)), "nothing opens");
    assert!(app.flash().unwrap().text.contains("read-only"));
    let hints = keys::hints(&[MONITOR_KEYS], true, |_| true);
    assert!(
        !hints.iter().any(|(k, _)| *k == "d"),
        "read-only hides d: {hints:?}"
    );
}
