//! `?`: every key of the current screen, and what the levels and flags mean.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::layout::centered;
use crate::app::keys::{self, Binding};
use crate::app::{App, Screen};
use crate::domain::{FlagKind, Level};
use crate::theme::Theme;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (title, bindings): (&str, &[Binding]) = match (&app.screen, app.editing_filter) {
        (_, true) => (" Help · filter ", keys::FILTER_KEYS),
        (Screen::Fleet, _) => (" Help · fleet ", keys::FLEET_KEYS),
        (Screen::Card(_), _) => (" Help · backups card ", keys::CARD_KEYS),
    };
    let mut lines = vec![Line::from(Span::styled("Keys", theme.title))];
    lines.extend(bindings.iter().map(|b| {
        Line::from(vec![
            Span::styled(format!("  {:<14}", b.keys), theme.key_hint),
            Span::raw(b.what),
        ])
    }));
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Levels (worst wins)", theme.title)));
    lines.push(Line::from(levels(theme)));
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Flags", theme.title)));
    lines.extend(FlagKind::ALL.iter().map(|k| {
        Line::from(vec![
            Span::styled(format!("  {:<10}", k.short()), theme.level(k.level())),
            Span::raw(k.title()),
        ])
    }));
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "Any key closes this help.",
        theme.dim,
    )));
    let height = lines.len() as u16 + 2;
    let popup = centered(area, 64, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.title))
        .style(theme.base);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}

fn levels(theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw("  ")];
    for level in [
        Level::Red,
        Level::Amber,
        Level::Info,
        Level::Ok,
        Level::Unknown,
    ] {
        spans.push(Span::styled(
            format!("{} {}", level.glyph(), level.word()),
            theme.level(level),
        ));
        spans.push(Span::raw("  "));
    }
    spans
}
