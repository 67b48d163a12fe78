//! A region failed over from the dashboard, through `App::update` and a running demo control
//! plane with eu-west-1 down: `5`, `F` on the region, the plan and its projection, `+` and
//! `x`, the launch with the region's name typed, the batch walked and checked, `C` and `S`
//! for all of them at once. Render snapshots of the plan and the batch at 160×45 and 80×24.

mod support;

use std::sync::Arc;

use chrono::Duration;
use crossterm::event::KeyCode;
use snapdeck::app::{Effect, Msg, Screen};
use snapdeck::clock::ManualClock;
use snapdeck::domain::region::{Outage, RegionStatus};
use snapdeck::domain::workflow::failover::Stage;
use snapdeck::journal::{Action, read_journal};
use snapdeck::source::demo::DemoSource;
use snapdeck::source::{Op, SourceEvent};
use snapdeck::theme::Theme;
use support::wired::Wired;
use support::{expose, key, now, render, screen_text, type_text};

async fn wired_with_west_down() -> Wired {
    let clock = Arc::new(ManualClock::new(now()));
    let outage = Outage::parse("eu-west-1", RegionStatus::Down).unwrap();
    let source = DemoSource::new(42, 100, clock.clone(), std::time::Duration::from_secs(30))
        .with_outages(vec![outage]);
    Wired::start_on(Box::new(source), clock).await
}

/// Carries out every effect as the runner does — writes journaled first, reads sent — and
/// hands the app every event until each command sent has its answer.
async fn pump(w: &mut Wired, effects: Vec<Effect>) {
    let mut effects = effects;
    let mut waiting = 0;
    loop {
        for effect in std::mem::take(&mut effects) {
            match effect {
                Effect::Write { intent, command } => {
                    w.journal.append_intent(&intent).unwrap();
                    w.commands.send(command).unwrap();
                    waiting += 1;
                }
                Effect::Record(outcome) => w.journal.append_outcome(&outcome).unwrap(),
                Effect::Source(command) => {
                    w.commands.send(command).unwrap();
                    waiting += 1;
                }
                _ => {}
            }
        }
        if waiting == 0 {
            return;
        }
        let event = w.next().await;
        waiting -= usize::from(matches!(event, SourceEvent::Answer { .. }));
        effects = w.app.update(Msg::Source(event), now());
    }
}

/// `n` seconds go by on this machine and ten minutes each on the control plane's clock.
async fn seconds(w: &mut Wired, n: usize) {
    for _ in 0..n {
        w.clock.advance(Duration::minutes(10));
        let effects = w.app.update(Msg::Tick, now());
        pump(w, effects).await;
    }
}

fn batch_stages(w: &Wired) -> Vec<Stage> {
    let run = w.app.failover().unwrap();
    run.batch
        .as_ref()
        .unwrap()
        .members
        .iter()
        .map(|m| m.stage.clone())
        .collect()
}

fn theme() -> Theme {
    Theme::builtin("default").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_is_failed_over_from_the_dashboard() {
    let mut w = wired_with_west_down().await;
    let effects = key(&mut w.app, KeyCode::Char('5'));
    expose(&mut w.app, effects);
    key(&mut w.app, KeyCode::Char('F'));
    let Screen::Failover(_) = w.app.screen() else {
        panic!("F opens the region's failover plan");
    };
    let run = w.app.failover().unwrap();
    assert_eq!(run.plan.region, "eu-west-1");
    let planned = run.plan.entries.len();
    assert!(planned >= 5, "{planned}");
    for (name, (width, height)) in [("plan_160x45", (160, 45)), ("plan_80x24", (80, 24))] {
        let terminal = render(&mut w.app, &theme(), width, height);
        insta::assert_snapshot!(name, screen_text(&terminal));
    }
    // `+` recomputes the projection at once; `x` leaves the first tenant out and takes it
    // back.
    let before = w.app.failover().unwrap().projection.clone();
    key(&mut w.app, KeyCode::Char('+'));
    let after = &w.app.failover().unwrap().projection;
    assert_eq!((before.parallel, after.parallel), (4, 5));
    assert!(after.last <= before.last);
    key(&mut w.app, KeyCode::Char('-'));
    key(&mut w.app, KeyCode::Char('x'));
    assert_eq!(
        w.app.failover().unwrap().plan.included().count(),
        planned - 1
    );
    key(&mut w.app, KeyCode::Char('x'));
    assert_eq!(w.app.failover().unwrap().plan.included().count(), planned);
    // The launch wants the region's name typed: a wrong one sends nothing.
    key(&mut w.app, KeyCode::Char('L'));
    type_text(&mut w.app, "eu-west-2");
    let effects = key(&mut w.app, KeyCode::Enter);
    assert!(
        effects
            .iter()
            .all(|e| !matches!(e, Effect::Write { .. } | Effect::Source(_)))
    );
    key(&mut w.app, KeyCode::Esc);
    key(&mut w.app, KeyCode::Char('L'));
    type_text(&mut w.app, "eu-west-1");
    let effects = key(&mut w.app, KeyCode::Enter);
    // It lists the batch before it launches anything (a resumed batch adopts what left).
    let ops: Vec<&Op> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Source(c) => Some(&c.op),
            Effect::Write { command, .. } => Some(&command.op),
            _ => None,
        })
        .collect();
    assert!(matches!(ops[..], [Op::BatchRestores { .. }]), "{ops:?}");
    pump(&mut w, effects).await;
    let running = batch_stages(&w).iter().filter(|s| s.holds_a_slot()).count();
    assert_eq!(running, 4, "four at once");
    // The control plane's clock runs; the batch walks its list every few ticks.
    for _ in 0..60 {
        seconds(&mut w, 1).await;
        if batch_stages(&w)
            .iter()
            .filter(|s| **s == Stage::Awaiting)
            .count()
            >= 3
        {
            break;
        }
    }
    let awaiting = batch_stages(&w)
        .iter()
        .filter(|s| **s == Stage::Awaiting)
        .count();
    assert!(awaiting >= 3, "{:?}", batch_stages(&w));
    for (name, (width, height)) in [("batch_160x45", (160, 45)), ("batch_80x24", (80, 24))] {
        let terminal = render(&mut w.app, &theme(), width, height);
        insta::assert_snapshot!(name, screen_text(&terminal));
    }
    // `C` confirms every one whose checks all passed, `S` moves their DNS: each typed once.
    key(&mut w.app, KeyCode::Char('C'));
    type_text(&mut w.app, "eu-west-1");
    let effects = key(&mut w.app, KeyCode::Enter);
    let confirms = effects
        .iter()
        .filter(|e| matches!(e, Effect::Write { command, .. } if matches!(command.op, Op::ConfirmRestore { .. })))
        .count();
    assert!(confirms >= 1);
    pump(&mut w, effects).await;
    key(&mut w.app, KeyCode::Char('S'));
    type_text(&mut w.app, "eu-west-1");
    let effects = key(&mut w.app, KeyCode::Enter);
    pump(&mut w, effects).await;
    let swapped = batch_stages(&w)
        .iter()
        .filter(|s| **s == Stage::Swapped)
        .count();
    assert_eq!(swapped, confirms);
    // Every write journaled before it left, with the batch in it.
    let read = read_journal(&w.journal_path).unwrap();
    let launches: Vec<_> = read
        .entries
        .iter()
        .filter(|e| e.intent.op == Action::CreateRestore)
        .collect();
    assert!(launches.len() >= 4);
    let batch = w
        .app
        .failover()
        .unwrap()
        .batch
        .as_ref()
        .unwrap()
        .spec
        .batch
        .clone();
    assert!(
        launches
            .iter()
            .all(|e| e.intent.details["batch"] == batch.as_str())
    );
    assert!(
        read.entries
            .iter()
            .any(|e| e.intent.op == Action::CreateDnsSwap)
    );
}
