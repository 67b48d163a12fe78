//! Speed targets of the acting screens: a frame of the tenant screen with an hourly
//! Dedicated tenant's whole history held (2 160 points), a frame of the restore monitor
//! with its checks and event log, and a frame of the Regions screen over 100 000 tenants
//! with a region down, each under 2 ms; and the exposure the Regions screen shows, worked
//! out over 100 000 tenants off the UI task.
//!
//!     cargo bench --bench screens

#[path = "../tests/support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use snapdeck::app::{App, Msg, Screen};
use snapdeck::domain::restore::RestorePhase;
use snapdeck::source::SourceEvent;
use snapdeck::theme::Theme;
use snapdeck::ui;
use support::{key, now, render, type_text};

/// The tenant screen of an hourly Dedicated tenant with every page of its history fetched,
/// scrolled to the middle.
fn tenant_screen() -> App {
    let mut app = support::app(60);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ashford-research");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('G'));
    let Screen::Tenant(screen) = app.screen() else {
        panic!("the tenant screen");
    };
    let held = app.history_of(&screen.id).map_or(0, |h| h.points.len());
    assert!(held >= 2_100, "the whole history is held: {held}");
    render(&mut app, &Theme::builtin("default").unwrap(), 160, 45);
    for _ in 0..(held / 2 / 10) {
        key(&mut app, KeyCode::PageUp);
    }
    app
}

/// The monitor of a launched restore awaiting confirmation, its checks and log on screen.
fn monitor_screen() -> App {
    let sim = support::sim_with_launched_restores();
    let mut app = support::app_with(sim.tenants().to_vec(), sim.restores().to_vec());
    let id = sim
        .restores()
        .iter()
        .find(|r| r.phase == RestorePhase::AwaitingConfirmation)
        .map(|r| r.id.clone())
        .expect("a restore awaiting confirmation");
    support::open_monitor(&mut app, &sim, &id);
    app
}

/// The Regions screen over 100 000 tenants, eu-west-1 down, its exposure worked out.
fn regions_screen() -> App {
    let mut app = support::app(100_000);
    let down = snapdeck::domain::region::RegionStatus::Down;
    let told = SourceEvent::Regions(support::regions_with(down));
    app.update(Msg::Source(told), now());
    let wanted = key(&mut app, KeyCode::Char('5'));
    support::expose(&mut app, wanted);
    assert!(!app.exposure.regions.is_empty());
    app
}

fn exposure(c: &mut Criterion) {
    let app = support::app(100_000);
    let regions = support::regions_with(snapdeck::domain::region::RegionStatus::Down);
    let mut group = c.benchmark_group("exposure");
    group.sample_size(20);
    group.bench_function("every region, 100000 tenants", |b| {
        b.iter(|| {
            snapdeck::domain::region::exposure::exposure(app.fleet.tenants(), &regions, now())
        })
    });
    group.finish();
}

fn frames(c: &mut Criterion) {
    let theme = Theme::builtin("default").unwrap();
    let mut group = c.benchmark_group("draw 160x45");
    for (name, app) in [
        ("tenant screen, 2160 points held", tenant_screen()),
        ("restore monitor with checks and log", monitor_screen()),
        (
            "regions screen, 100000 tenants, a region down",
            regions_screen(),
        ),
    ] {
        let mut terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| {
                        ui::draw(frame, &app, &theme, now());
                    })
                    .unwrap();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frames, exposure);
criterion_main!(benches);
