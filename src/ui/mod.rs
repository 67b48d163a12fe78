//! Drawing only: reads app state, writes to the frame. No I/O, no state changes.

pub mod dns;
pub mod failover;
pub mod fleet;
pub mod format;
pub mod help;
mod history;
mod journal;
pub mod layout;
pub mod monitor;
pub mod regions;
mod requests;
pub mod restores;
pub mod status;
pub mod tenant;
pub mod wizard;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::app::{App, Modal, Screen};
use crate::theme::Theme;

/// What only drawing can measure, for the runner to tell the app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    /// How far the open card can scroll, as wrapped at this size.
    pub card_scroll_limit: Option<usize>,
    /// How many rows the tenant screen's history shows.
    pub history_rows: Option<usize>,
}

/// Draws the whole screen for the app's state at `now`.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme, now: DateTime<Utc>) -> Drawn {
    // Ages and countdowns are on the source's clock, as the health beside them; the journal
    // is this machine's record, on its wall clock.
    let wall = now;
    let now = app.source_now(now);
    let area = frame.area();
    let mut drawn = Drawn::default();
    frame.render_widget(Block::default().style(theme.base), area);
    if layout::too_small(area) {
        draw_too_small(frame, area, theme);
        return drawn;
    }
    let areas = layout::fleet(area);
    fleet::draw_header(frame, areas.header, app, theme, now);
    fleet::draw_toolbar(frame, areas.toolbar, app, theme);
    fleet::draw_table(frame, areas.table, app, theme, now);
    status::draw_status(frame, areas.status, app, theme, now);
    if app.modal() == Some(Modal::Goto) {
        status::draw_goto_line(frame, areas.flash, app, theme);
    } else {
        status::draw_flash(frame, areas.flash, app, theme);
    }
    let below_header = Rect {
        height: areas.status.y - areas.toolbar.y,
        ..areas.toolbar
    };
    // Bottom to top: the fleet is drawn above; each screen over it, then the modals.
    for screen in app.screens() {
        match screen {
            Screen::Fleet => {}
            Screen::Tenant(card) => {
                let measured = tenant::draw(frame, below_header, app, card, theme, now);
                drawn.card_scroll_limit = Some(measured.card_scroll_limit);
                drawn.history_rows = Some(measured.history_rows);
            }
            // A list screen is its toolbar and its table, over whatever is below it.
            Screen::Restores(list) => {
                frame.render_widget(Clear, areas.toolbar);
                restores::draw_toolbar(frame, areas.toolbar, theme);
                restores::draw(frame, areas.table, app, list, theme, now);
            }
            Screen::Journal(list) => journal::draw(frame, below_header, app, list, theme, wall),
            Screen::Requests(list) => {
                frame.render_widget(Clear, areas.toolbar);
                requests::draw_toolbar(frame, areas.toolbar, theme);
                requests::draw(frame, areas.table, app, list, theme, now);
            }
            Screen::Regions(list) => {
                frame.render_widget(Clear, areas.toolbar);
                regions::draw_toolbar(frame, areas.toolbar, app, list, theme);
                regions::draw(frame, areas.table, app, list, theme, now);
            }
            Screen::Wizard(form) => wizard::draw(frame, below_header, app, form, theme, now),
            Screen::Monitor(restore) => {
                monitor::draw(frame, below_header, app, restore, theme, now);
            }
            Screen::Dns(swap) => dns::draw(frame, below_header, app, swap, theme, now),
            Screen::Failover(screen) => {
                failover::draw(frame, below_header, app, screen, theme, now)
            }
        }
    }
    if app.modal() == Some(Modal::Help) {
        help::draw(frame, area, app, theme);
    }
    drawn
}

fn draw_too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = format!(
        "terminal too small (need {}×{}, have {}×{}) — enlarge the window, or press q to quit",
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT,
        area.width,
        area.height
    );
    let y = area.height / 2;
    let line = Rect {
        x: area.x,
        y: area.y + y.saturating_sub(1),
        width: area.width,
        height: area.height - y.saturating_sub(1),
    };
    let message = Paragraph::new(text)
        .style(theme.amber)
        .alignment(ratatui::layout::Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(message, line);
}
