//! Every write × every way it can end (answered, refused in words, undeliverable,
//! unjournalable): the screen that sent it is left in a state the operator can act on, the
//! journal says what happened, and the key follows the one policy (kept while the write may
//! have left, new after a definite refusal).

mod support;

use crossterm::event::KeyCode;
use snapdeck::app::{App, Effect, Msg, Screen};
use snapdeck::domain::dns::{DnsPhase, DnsSwap};
use snapdeck::domain::ids::IdempotencyKey;
use snapdeck::domain::restore::{CheckStatus, Restore, RestorePhase};
use snapdeck::journal::{Intent, Outcome, Verdict};
use snapdeck::source::{CommandError, CommandId, Op, Reply, SourceCommand, SourceEvent};
use support::{key, now, type_text};

#[derive(Debug, Clone, Copy)]
enum Ending {
    Answered,
    Refused,
    Undeliverable,
    Unjournalable,
}

const ENDINGS: [Ending; 4] = [
    Ending::Answered,
    Ending::Refused,
    Ending::Undeliverable,
    Ending::Unjournalable,
];

/// A screen with a write one key away, and that key.
struct Scenario {
    name: &'static str,
    setup: fn() -> App,
    send: KeyCode,
}

fn write_of(effects: Vec<Effect>) -> (Box<Intent>, SourceCommand) {
    let mut writes: Vec<_> = effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Write { intent, command } => Some((intent, command)),
            _ => None,
        })
        .collect();
    assert_eq!(writes.len(), 1, "one write");
    writes.remove(0)
}

fn monitor_of(wanted: impl Fn(&Restore) -> bool) -> App {
    let sim = support::sim_with_launched_restores();
    let mut app = support::app_with(sim.tenants().to_vec(), sim.restores().to_vec());
    let restore = sim.restores().iter().find(|r| wanted(r)).unwrap().clone();
    support::open_monitor(&mut app, &sim, &restore.id);
    app
}

fn checks(r: &Restore, passed: bool) -> bool {
    r.phase == RestorePhase::AwaitingConfirmation
        && r.ticket.as_deref() == Some("SUP-4821")
        && r.verification
            .iter()
            .flatten()
            .all(|c| c.status == CheckStatus::Passed)
            == passed
}

fn wizard() -> App {
    let mut app = support::app(60);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('R'));
    type_text(&mut app, "SUP-4821");
    app
}

fn confirm() -> App {
    let mut app = monitor_of(|r| checks(r, true));
    key(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "course 1182 is back");
    app
}

fn cancel() -> App {
    let mut app = support::app(60);
    key(&mut app, KeyCode::Char('2'));
    let row = app
        .restores
        .iter()
        .position(|r| r.phase.can_cancel())
        .unwrap();
    for _ in 0..row {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let slug = monitor_restore(&app).source_slug;
    key(&mut app, KeyCode::Char('X'));
    type_text(&mut app, &slug);
    app
}

fn discard() -> App {
    let mut app = monitor_of(|r| checks(r, false));
    let spoke = monitor_restore(&app).target_slug;
    key(&mut app, KeyCode::Char('D'));
    type_text(&mut app, "wrong point");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, &spoke);
    app
}

fn dns_swap() -> App {
    let mut app = support::app(60);
    let slug = support::confirmed_new_spoke_selected(&mut app);
    key(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.screen(), Screen::Dns(_)));
    type_text(&mut app, &slug);
    app
}

fn acknowledge() -> App {
    let mut app = support::app(60);
    key(&mut app, KeyCode::Char('3'));
    let row = app
        .requests
        .iter()
        .position(|r| r.acknowledged_at.is_none())
        .unwrap();
    for _ in 0..row {
        key(&mut app, KeyCode::Down);
    }
    app
}

fn monitor_restore(app: &App) -> Restore {
    let Screen::Monitor(m) = app.screen() else {
        panic!("the monitor");
    };
    app.restores.iter().find(|r| r.id == m.id).unwrap().clone()
}

/// The control plane's yes to `op`.
fn reply(app: &App, op: &Op) -> Reply {
    let restore = |id: &snapdeck::domain::ids::RestoreId, phase: RestorePhase| {
        let mut r = app.restores.iter().find(|r| r.id == *id).unwrap().clone();
        r.phase = phase;
        Reply::Restore(Box::new(r))
    };
    match op {
        Op::CreateRestore { .. } => {
            let mut r = app.restores[0].clone();
            r.id = "rst_new".into();
            r.phase = RestorePhase::Queued;
            Reply::Restore(Box::new(r))
        }
        Op::ConfirmRestore { restore: id, .. } => restore(id, RestorePhase::Completed),
        Op::CancelRestore { restore: id, .. } => restore(id, RestorePhase::Cancelled),
        Op::DiscardRestore { restore: id, .. } => restore(id, RestorePhase::Discarded),
        Op::CreateDnsSwap {
            tenant, restore, ..
        } => Reply::DnsSwap(Box::new(DnsSwap {
            id: "dns_new".into(),
            tenant_id: tenant.clone(),
            restore_id: restore.clone(),
            hostname: "learn.example.net".into(),
            from_target: "a".into(),
            to_target: "b".into(),
            ttl_seconds: 60,
            phase: DnsPhase::Pending,
            requested_at: now(),
            updated_at: now(),
            error: None,
        })),
        Op::AcknowledgeRequest { ticket, .. } => {
            let mut r = app
                .requests
                .iter()
                .find(|r| r.ticket == *ticket)
                .unwrap()
                .clone();
            r.acknowledged_at = Some(now());
            Reply::Request(Box::new(r))
        }
        other => panic!("not a write under test: {other:?}"),
    }
}

/// Whether the screen on top still says it waits for an answer.
fn waiting(app: &App) -> bool {
    match app.screen() {
        Screen::Wizard(w) => w.sending.is_some(),
        Screen::Monitor(m) => m.prompt.as_ref().is_some_and(|p| p.sending.is_some()),
        Screen::Dns(d) => d.sending.is_some(),
        _ => false,
    }
}

/// What the screen on top says went wrong, else the flash.
fn said(app: &App) -> String {
    let on_screen = match app.screen() {
        Screen::Wizard(w) => w.problem.clone(),
        Screen::Monitor(m) => m.prompt.as_ref().and_then(|p| p.problem.clone()),
        Screen::Dns(d) => d.problem.clone(),
        _ => None,
    };
    on_screen
        .or_else(|| app.flash().map(|f| f.text.clone()))
        .unwrap_or_default()
}

fn recorded(effects: &[Effect]) -> Vec<Outcome> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Record(o) => Some((**o).clone()),
            _ => None,
        })
        .collect()
}

fn end(app: &mut App, ending: Ending, id: CommandId, op: &Op) -> Vec<Effect> {
    let msg = match ending {
        Ending::Answered => Msg::Source(SourceEvent::Answer {
            id,
            outcome: Ok(reply(app, op)),
        }),
        Ending::Refused => Msg::Source(SourceEvent::Answer {
            id,
            outcome: Err(CommandError::new(
                409,
                "invalid_phase",
                "the control plane says no",
            )),
        }),
        Ending::Undeliverable => Msg::Undelivered(id),
        Ending::Unjournalable => Msg::Unjournaled {
            id,
            error: "disk full".into(),
        },
    };
    app.update(msg, now())
}

#[test]
fn every_write_ends_on_a_screen_the_operator_can_act_on_with_the_journal_saying_so() {
    let scenarios = [
        Scenario {
            name: "create restore",
            setup: wizard,
            send: KeyCode::Enter,
        },
        Scenario {
            name: "confirm",
            setup: confirm,
            send: KeyCode::Enter,
        },
        Scenario {
            name: "cancel",
            setup: cancel,
            send: KeyCode::Enter,
        },
        Scenario {
            name: "discard",
            setup: discard,
            send: KeyCode::Enter,
        },
        Scenario {
            name: "DNS swap",
            setup: dns_swap,
            send: KeyCode::Enter,
        },
        Scenario {
            name: "acknowledge",
            setup: acknowledge,
            send: KeyCode::Char('a'),
        },
    ];
    for scenario in &scenarios {
        for ending in ENDINGS {
            let case = format!("{} × {ending:?}", scenario.name);
            let mut app = (scenario.setup)();
            let (intent, command) = write_of(key(&mut app, scenario.send));
            assert_eq!(Some(&intent.idempotency_key), command.op.key(), "{case}");
            assert!(
                key(&mut app, scenario.send)
                    .iter()
                    .all(|e| !matches!(e, Effect::Write { .. })),
                "{case}: a second press while it is on its way sends nothing"
            );
            let effects = end(&mut app, ending, command.id, &command.op);
            assert!(!waiting(&app), "{case}: still says it is waiting");
            let outcomes = recorded(&effects);
            let first_key = intent.idempotency_key.clone();
            match ending {
                Ending::Answered => {
                    assert_eq!(outcomes.len(), 1, "{case}");
                    assert_eq!(outcomes[0].result, Verdict::Ok, "{case}");
                    continue;
                }
                Ending::Refused => {
                    assert_eq!(outcomes.len(), 1, "{case}");
                    assert_eq!(outcomes[0].status, Some(409), "{case}");
                    assert!(
                        said(&app).contains("the control plane says no"),
                        "{case}: {}",
                        said(&app)
                    );
                }
                Ending::Undeliverable => {
                    assert_eq!(outcomes.len(), 1, "{case}: the journal says it never left");
                    assert_eq!(outcomes[0].code.as_deref(), Some("not_sent"), "{case}");
                    assert!(
                        said(&app).contains("not sent: the source has stopped"),
                        "{case}: {}",
                        said(&app)
                    );
                }
                Ending::Unjournalable => {
                    assert!(
                        outcomes.is_empty(),
                        "{case}: its intent was never journaled"
                    );
                    assert!(
                        said(&app).contains("nothing leaves unjournaled: disk full"),
                        "{case}: {}",
                        said(&app)
                    );
                }
            }
            // Another try from the same screen: a new key only after a definite refusal.
            let (again, _) = write_of(key(&mut app, scenario.send));
            let same: &IdempotencyKey = &again.idempotency_key;
            match ending {
                Ending::Refused => assert_ne!(*same, first_key, "{case}: a new key"),
                _ => assert_eq!(*same, first_key, "{case}: the same key"),
            }
        }
    }
}
