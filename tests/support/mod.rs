//! Shared fixtures: the demo fleet at a fixed clock and seed, loaded into an app.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use snapdeck::app::{App, Msg, Settings, TimeDisplay};
use snapdeck::source::demo::{fleet_at, requests_at};
use snapdeck::source::{Connection, SourceEvent, SourceInfo};
use snapdeck::theme::Theme;
use snapdeck::ui;

pub const SEED: u64 = 42;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

/// An app that has received the demo fleet of `tenants` at the fixed clock.
pub fn app(tenants: usize) -> App {
    let calendar = snapdeck::config::BusinessHours::default()
        .calendar()
        .unwrap();
    let mut app = App::new(Settings {
        operator: "oncall".into(),
        session: "test".into(),
        refresh_interval: Duration::seconds(30),
        calendar,
        read_only: false,
        time: TimeDisplay::Utc,
        source: SourceInfo {
            kind: "demo",
            detail: format!("seed {SEED} · {tenants} tenants"),
        },
    });
    let (fleet, restores) = fleet_at(SEED, tenants, now());
    app.update(
        Msg::Source(SourceEvent::Connection(Connection::Live)),
        now(),
    );
    app.update(
        Msg::Source(SourceEvent::Fleet {
            generated_at: now(),
            tenants: fleet,
        }),
        now(),
    );
    app.update(
        Msg::Source(SourceEvent::Restores {
            generated_at: now(),
            restores,
        }),
        now(),
    );
    app.update(
        Msg::Source(SourceEvent::Requests {
            generated_at: now(),
            requests: requests_at(SEED, tenants, now()),
        }),
        now(),
    );
    app
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<snapdeck::app::Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), now())
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Draws the app into a test terminal of the given size.
pub fn render(app: &mut App, theme: &Theme, width: u16, height: u16) -> Terminal<TestBackend> {
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    app.update(Msg::Viewport(ui::layout::table_rows(area)), now());
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut drawn = ui::Drawn::default();
    terminal
        .draw(|frame| drawn = ui::draw(frame, app, theme, now()))
        .unwrap();
    // As the runner does: the app learns how far the card can scroll.
    if let Some(limit) = drawn.card_scroll_limit {
        app.update(Msg::CardScrollLimit(limit), now());
    }
    terminal
}

/// The screen as text, one line per row.
pub fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

pub fn selected_slug(app: &App) -> String {
    let id = app.view.selected().expect("a selection");
    let i = app.fleet.position(id).expect("selected tenant exists");
    app.fleet.tenant(i).slug.clone()
}
