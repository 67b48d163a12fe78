//! Speed targets: a frame under 2 ms at 100 000 tenants, a filter keystroke under 20 ms,
//! re-judging only what is due each second far below judging everything, and `status
//! --json` streamed: 100 000 tenants under 1.5 s, 10k → 100k growing at most 11×.
//!
//!     cargo bench --bench fleet

use std::time::Duration as StdDuration;

#[path = "../tests/support/mod.rs"]
mod support;

use chrono::Duration;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use snapdeck::app::Msg;
use snapdeck::commands::status;
use snapdeck::fleet::Fleet;
use snapdeck::source::demo::fleet_at;
use snapdeck::theme::Theme;
use snapdeck::ui;
use support::now;

/// The same fixture the render tests use: the demo fleet at a fixed clock, in a 160×45 app.
fn loaded_app(tenants: usize) -> snapdeck::app::App {
    let mut app = support::app(tenants);
    let area = ratatui::layout::Rect::new(0, 0, 160, 45);
    app.update(Msg::Viewport(ui::layout::viewport(area)), now());
    app
}

fn health(c: &mut Criterion) {
    let (tenants, _) = fleet_at(42, 100_000, now());
    let mut fleet = Fleet::new(Duration::seconds(30));
    fleet.replace(tenants, now(), now());
    let mut group = c.benchmark_group("health");
    group.sample_size(20);
    group.bench_function("evaluate 100000 tenants", |b| {
        b.iter(|| fleet.evaluate_all(now()))
    });
    // What the app does every second: re-judge only the tenants whose next change instant
    // has come. Each iteration is one second later; the source keeps answering (a day's
    // refresh interval keeps staleness out of it).
    let (tenants, _) = fleet_at(42, 100_000, now());
    let mut fleet = Fleet::new(Duration::days(1));
    fleet.replace(tenants, now(), now());
    let mut second = 0;
    group.bench_function("re-judge what is due, one second on, 100000 tenants", |b| {
        b.iter(|| {
            second += 1;
            fleet.evaluate_due(now() + Duration::seconds(second))
        })
    });
    group.finish();
}

fn draw(c: &mut Criterion) {
    let theme = Theme::builtin("default").unwrap();
    let mut group = c.benchmark_group("draw fleet 160x45");
    for tenants in [1_000, 10_000, 100_000] {
        let app = loaded_app(tenants);
        let mut terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
        group.bench_with_input(BenchmarkId::from_parameter(tenants), &tenants, |b, _| {
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

fn keystrokes(c: &mut Criterion) {
    let mut app = loaded_app(100_000);
    let mut group = c.benchmark_group("100000 tenants");
    group.sample_size(20);
    let mut flip = false;
    group.bench_function("filter keystroke", |b| {
        b.iter(|| {
            flip = !flip;
            let text = if flip { "eu-we" } else { "eu-w" };
            app.view.set_filter(text, &app.fleet);
        })
    });
    app.view.set_filter("", &app.fleet);
    group.bench_function("re-sort", |b| {
        b.iter(|| app.view.toggle_direction(&app.fleet))
    });
    group.finish();
}

fn status_json(c: &mut Criterion) {
    let mut group = c.benchmark_group("status --json");
    group
        .sample_size(10)
        .measurement_time(StdDuration::from_secs(15));
    for tenants in [10_000, 100_000] {
        group.bench_with_input(BenchmarkId::from_parameter(tenants), &tenants, |b, &n| {
            b.iter(|| {
                let (fleet_tenants, _) = fleet_at(42, n, now());
                let mut fleet = Fleet::new(Duration::seconds(30));
                fleet.replace(fleet_tenants, now(), now());
                let mut out = std::io::BufWriter::new(std::io::sink());
                status::write_json(&mut out, &fleet, &[], false, 30).unwrap();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, health, draw, keystrokes, status_json);
criterion_main!(benches);
