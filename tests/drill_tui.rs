//! `D` in the dashboard: a drill's wizard with the slug typed, then the monitor follows the
//! drill on the demo control plane to its end — checked, recorded, discarded — every write
//! journaled.

mod support;

use chrono::Duration;
use crossterm::event::KeyCode;
use snapdeck::app::drill_runs::DrillRun;
use snapdeck::app::{Effect, Msg, Screen};
use snapdeck::domain::drill::cannot_drill;
use snapdeck::domain::restore::RestorePurpose;
use snapdeck::journal::{Action, read_journal};
use snapdeck::source::{CommandId, Op, SourceCommand, SourceEvent};
use support::wired::Wired;
use support::{key, now, type_text};

#[tokio::test]
async fn d_starts_a_drill_with_the_slug_typed_and_the_monitor_runs_it_to_its_end() {
    let mut w = Wired::start().await;
    // The first tenant in the fleet's order that can be drilled.
    let slug = loop {
        let id = w.app.view.selected().cloned().unwrap();
        let i = w.app.fleet.position(&id).unwrap();
        let t = w.app.fleet.tenant(i);
        if cannot_drill(t).is_none() {
            break t.slug.clone();
        }
        key(&mut w.app, KeyCode::Down);
    };
    key(&mut w.app, KeyCode::Char('D'));
    let Screen::Wizard(wizard) = w.app.screen() else {
        panic!("D opens the drill's wizard");
    };
    assert!(wizard.is_drill());
    let target = wizard.target.clone();
    assert!(target.starts_with(&format!("{slug}-drill-")), "{target}");
    // Without the slug typed nothing is sent, and it says why.
    assert!(key(&mut w.app, KeyCode::Enter).is_empty());
    let Screen::Wizard(wizard) = w.app.screen() else {
        panic!("still the wizard");
    };
    let problem = wizard.problem.clone().unwrap_or_default();
    assert!(
        problem.contains("real restore on the platform"),
        "{problem}"
    );
    type_text(&mut w.app, &slug);
    let effects = key(&mut w.app, KeyCode::Enter);
    let launched = effects.iter().find_map(|e| match e {
        Effect::Write { command, .. } => match &command.op {
            Op::CreateRestore { request, .. } => Some(request.clone()),
            _ => None,
        },
        _ => None,
    });
    let request = launched.expect("Enter journals and sends the drill");
    assert_eq!(request.purpose, RestorePurpose::Drill);
    assert_eq!(request.target_slug.as_deref(), Some(target.as_str()));
    assert_eq!(request.ticket, None);
    w.run(effects).await;
    key(&mut w.app, KeyCode::Enter);
    let Screen::Monitor(monitor) = w.app.screen() else {
        panic!("Enter opens the drill's monitor");
    };
    let id = monitor.id.clone();
    assert_eq!(w.app.drill_run(&id), Some(&DrillRun::Watching));
    // A drill is never confirmed, nor DNS pointed at it.
    use snapdeck::app::keys::Action as Key;
    assert!(!w.app.offers(Key::ConfirmRestore));
    assert!(!w.app.offers(Key::SwapDns));
    // The platform restores it; each tick the monitor looks; the drill moves on by itself.
    for round in 0..200 {
        if matches!(w.app.drill_run(&id), Some(DrillRun::Done { .. })) {
            break;
        }
        assert!(
            round < 199,
            "the drill never ended: {:?}",
            w.app.drill_run(&id)
        );
        w.clock.advance(Duration::minutes(2));
        let refresh = SourceCommand {
            id: CommandId(1_000_000 + round),
            op: Op::Refresh,
        };
        w.commands.send(refresh).unwrap();
        loop {
            let event = w.next().await;
            let answered = matches!(event, SourceEvent::Answer { .. });
            let effects = w.app.update(Msg::Source(event), now());
            w.run(effects).await;
            if answered {
                break;
            }
        }
        let effects = w.app.update(Msg::Tick, now());
        w.run(effects).await;
    }
    let Some(DrillRun::Done {
        result, problem, ..
    }) = w.app.drill_run(&id).cloned()
    else {
        unreachable!()
    };
    assert_eq!(problem, None, "recorded and discarded");
    // The tenant carries the drill; its spoke is torn down.
    let i = w
        .app
        .fleet
        .tenants()
        .iter()
        .position(|t| t.slug == slug)
        .unwrap();
    let last = w.app.fleet.tenant(i).backup.last_drill.clone().unwrap();
    assert_eq!(last.restore_id, id);
    assert_eq!(last.result, result);
    // Every write journaled, with its answer.
    let journal = read_journal(&w.journal_path).unwrap();
    let ops: Vec<Action> = journal
        .entries
        .iter()
        .map(|e| e.intent.op.clone())
        .collect();
    assert_eq!(
        ops,
        [
            Action::CreateRestore,
            Action::RecordDrill,
            Action::DiscardRestore
        ]
    );
    assert!(journal.entries.iter().all(|e| e.outcome.is_some()));
    // The monitor says what the drill did.
    let theme = snapdeck::theme::Theme::builtin("default").unwrap();
    let screen = support::screen_text(&support::render(&mut w.app, &theme, 160, 45));
    assert!(screen.contains("Drill  "), "{screen}");
    assert!(screen.contains("recorded, spoke discarded"), "{screen}");
}

#[test]
fn d_refuses_in_words_a_tenant_that_cannot_be_drilled_and_read_only() {
    let mut app = support::app(60);
    // A tenant never backed up has nothing to restore.
    let never = (0..app.fleet.len())
        .find(|&i| app.fleet.tenant(i).backup.last_success.is_none())
        .unwrap();
    let slug = app.fleet.tenant(never).slug.clone();
    let mut effects = Vec::new();
    type_goto(&mut app, &format!("drill {slug}"), &mut effects);
    assert!(effects.iter().all(|e| !matches!(e, Effect::Write { .. })));
    let flash = app.flash().map(|f| f.text.clone()).unwrap_or_default();
    assert!(flash.contains("no successful backup"), "{flash}");
    assert_eq!(*app.screen(), Screen::Fleet);
    app.read_only = true;
    key(&mut app, KeyCode::Char('D'));
    assert_eq!(*app.screen(), Screen::Fleet, "read-only offers no drill");
}

fn type_goto(app: &mut snapdeck::app::App, line: &str, effects: &mut Vec<Effect>) {
    key(app, KeyCode::Char(':'));
    type_text(app, line);
    effects.extend(key(app, KeyCode::Enter));
}
