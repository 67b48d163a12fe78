//! `D` in the dashboard: a drill's wizard with the slug typed, then the monitor follows the
//! drill on the demo control plane to its end — checked, recorded, discarded — every write
//! journaled.

mod support;

use chrono::Duration;
use crossterm::event::KeyCode;
use snapdeck::app::{Effect, Msg, Screen};
use snapdeck::domain::drill::cannot_drill;
use snapdeck::domain::restore::RestorePurpose;
use snapdeck::domain::workflow::{Ending, Stage};
use snapdeck::journal::{Action, read_journal};
use snapdeck::source::{CommandId, Op, SourceCommand, SourceEvent};
use support::wired::Wired;
use support::{key, now, type_text};

/// Picks the first tenant that can be drilled, types its slug in `D`'s wizard, launches and
/// opens the monitor: the drill's restore id and the tenant's slug.
async fn launch_drill(w: &mut Wired) -> (snapdeck::domain::ids::RestoreId, String) {
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
    (monitor.id.clone(), slug.to_string())
}

fn stage(w: &Wired, id: &snapdeck::domain::ids::RestoreId) -> Option<Stage> {
    w.app.drill_flow(id).map(|f| f.stage.clone())
}

/// Asks the demo for the whole fleet again and hands the app everything it says until the
/// refresh is answered.
async fn refresh(w: &mut Wired, n: u64) {
    let refresh = SourceCommand {
        id: CommandId(1_000_000 + n),
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
}

#[tokio::test]
async fn d_starts_a_drill_with_the_slug_typed_and_the_monitor_runs_it_to_its_end() {
    let mut w = Wired::start().await;
    let (id, slug) = launch_drill(&mut w).await;
    assert_eq!(stage(&w, &id), Some(Stage::Watching));
    // A drill is never confirmed, nor DNS pointed at it.
    use snapdeck::app::keys::Action as Key;
    assert!(!w.app.offers(Key::ConfirmRestore));
    assert!(!w.app.offers(Key::SwapDns));
    // The platform restores it; each tick the monitor looks; the drill moves on by itself.
    for round in 0..200 {
        if matches!(stage(&w, &id), Some(Stage::Done(_))) {
            break;
        }
        assert!(round < 199, "the drill never ended: {:?}", stage(&w, &id));
        w.clock.advance(Duration::minutes(2));
        refresh(&mut w, round).await;
        let effects = w.app.update(Msg::Tick, now());
        w.run(effects).await;
    }
    let Some(Stage::Done(end)) = stage(&w, &id) else {
        unreachable!()
    };
    let Ending::Ran {
        result, recorded, ..
    } = end.ending
    else {
        panic!("{:?}", end.ending)
    };
    assert_eq!(
        (recorded, end.torn_down),
        (Ok(()), Some(Ok(()))),
        "recorded and discarded"
    );
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
    // Every write journaled, with its answer; the drill's marked as such.
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
    assert!(journal.entries.iter().all(|e| e.intent.is_drill()));
    // The monitor says what the drill did.
    let theme = snapdeck::theme::Theme::builtin("default").unwrap();
    let screen = support::screen_text(&support::render(&mut w.app, &theme, 160, 45));
    assert!(screen.contains("Drill  "), "{screen}");
    assert!(screen.contains("recorded, spoke discarded"), "{screen}");
    // Its restore ended: the RTO clock says how it went, never a budget ticking.
    assert!(!screen.contains(" left, "), "{screen}");
}

#[tokio::test]
async fn a_control_plane_clock_ahead_of_this_machine_never_fails_a_drill_at_launch() {
    let mut w = Wired::start().await;
    // The control plane's clock runs 5 h ahead of this machine's (the app is handed `now()`):
    // a drill's duration is on the control plane's clock, converted once.
    w.clock.advance(Duration::hours(5));
    refresh(&mut w, 0).await;
    let (id, _) = launch_drill(&mut w).await;
    for round in 1..4 {
        let effects = w.app.update(Msg::Tick, now());
        assert!(
            effects.iter().all(|e| !matches!(e, Effect::Write { .. })),
            "tick {round} wrote: {effects:?}"
        );
        w.run(effects).await;
    }
    assert_eq!(stage(&w, &id), Some(Stage::Watching));
    // It runs to its end in demo time, judged at what was seen, and is recorded in time.
    for round in 1..200 {
        if matches!(stage(&w, &id), Some(Stage::Done(_))) {
            break;
        }
        w.clock.advance(Duration::minutes(2));
        refresh(&mut w, round).await;
        let effects = w.app.update(Msg::Tick, now());
        w.run(effects).await;
    }
    let journal = read_journal(&w.journal_path).unwrap();
    let recorded = journal
        .entries
        .iter()
        .find(|e| e.intent.op == Action::RecordDrill)
        .expect("the drill was recorded");
    let seconds = recorded.intent.details["restore_duration_seconds"]
        .as_i64()
        .unwrap();
    assert!(
        (60..4 * 3600).contains(&seconds),
        "took {seconds}s on the control plane's clock: {:?}",
        recorded.intent.details
    );
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

#[tokio::test]
async fn x_on_a_running_drill_stops_its_workflow_discarded_and_never_recorded() {
    let mut w = Wired::start().await;
    let (id, slug) = launch_drill(&mut w).await;
    // Past queued: a drill under way is discarded, not cancelled.
    for round in 0..3 {
        w.clock.advance(Duration::minutes(3));
        refresh(&mut w, round).await;
    }
    key(&mut w.app, KeyCode::Char('X'));
    type_text(&mut w.app, &slug);
    let effects = key(&mut w.app, KeyCode::Enter);
    let sent: Vec<&Op> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Write { command, .. } => Some(&command.op),
            _ => None,
        })
        .collect();
    assert!(
        matches!(sent.as_slice(), [Op::DiscardRestore { reason, .. }] if reason == "the drill run was stopped"),
        "{sent:?}"
    );
    w.run(effects).await;
    let Some(Stage::Done(end)) = stage(&w, &id) else {
        panic!("{:?}", stage(&w, &id))
    };
    assert_eq!(end.ending, Ending::Interrupted);
    assert_eq!(end.torn_down, Some(Ok(())));
    let journal = read_journal(&w.journal_path).unwrap();
    let ops: Vec<Action> = journal
        .entries
        .iter()
        .map(|e| e.intent.op.clone())
        .collect();
    assert_eq!(ops, [Action::CreateRestore, Action::DiscardRestore]);
    assert!(journal.entries.iter().all(|e| e.intent.is_drill()));
}
