//! `?`: every key of the current screen, and what the levels and flags mean. Two columns
//! (keys | legend) so it fits an 80×24 terminal.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::layout::centered;
use crate::app::keys::{self, Binding};
use crate::app::{App, Modal, Screen};
use crate::domain::{FlagKind, Level};
use crate::theme::Theme;

const KEYS_WIDTH: u16 = 46;
const LEGEND_WIDTH: u16 = 31;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let screen = app.screen();
    let title = format!(" Help · {} ", screen.name());
    // The filter belongs to the fleet: its keys are listed there.
    let filter = (*screen == Screen::Fleet).then_some(Modal::Filter.keys());
    let keys = key_lines(theme, screen.keys(), filter, app.read_only);
    let legend = legend_lines(theme);
    let height = keys.len().max(legend.len()) as u16 + 2;
    // As wide as the longest key line needs, where the terminal has the room: a wide screen
    // never cuts what a key does.
    let needed = keys.iter().map(Line::width).max().unwrap_or(0) as u16;
    let keys_width = needed
        .min(area.width.saturating_sub(LEGEND_WIDTH + 3))
        .max(KEYS_WIDTH);
    let popup = centered(area, keys_width + LEGEND_WIDTH + 3, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.title))
        .title_bottom(Span::styled(" any key closes this help ", theme.dim))
        .style(theme.base);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let [left, right] = Layout::horizontal([Constraint::Length(keys_width), Constraint::Fill(1)])
        .spacing(1)
        .areas(inner);
    frame.render_widget(Paragraph::new(keys), left);
    frame.render_widget(Paragraph::new(legend), right);
}

/// The screen's keys, then the common ones; read-only leaves out those that act.
fn key_lines(
    theme: &Theme,
    bindings: &'static [Binding],
    filter: Option<&[Binding]>,
    read_only: bool,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled("Keys", theme.title))];
    let screen_then_common =
        keys::shown(bindings, read_only).chain(keys::shown(keys::COMMON_KEYS, read_only));
    let shown: Vec<&Binding> = screen_then_common.collect();
    lines.extend(shown.iter().map(|b| binding(theme, b)));
    if let Some(filter) = filter {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("While filtering", theme.title)));
        // What reads the same as a key above is not said twice (80×24 has no line to spare).
        let new = filter
            .iter()
            .filter(|f| !shown.iter().any(|b| b.what == f.what));
        lines.extend(new.map(|b| binding(theme, b)));
    }
    lines
}

fn binding(theme: &Theme, b: &Binding) -> Line<'static> {
    // A label longer than its column keeps a space before what it does ("PgUp PgDn scroll").
    Line::from(vec![
        Span::styled(format!(" {:<12} ", b.label), theme.key_hint),
        Span::raw(b.what),
    ])
}

fn legend_lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled("Levels (worst wins)", theme.title))];
    let mut levels = vec![Span::raw(" ")];
    for level in Level::HEADLINE {
        levels.push(Span::styled(
            format!("{}{} ", level.glyph(), level.word()),
            theme.level(level),
        ));
    }
    lines.push(Line::from(levels));
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Flags", theme.title)));
    lines.extend(FlagKind::ALL.iter().map(|k| {
        Line::from(vec![
            Span::styled(format!(" {:<10}", k.short()), theme.level(k.level())),
            Span::raw(k.title()),
        ])
    }));
    lines
}
