//! The status bar (source, connection, data age, time zone, read-only) and the flash line.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::{clock, zone_name};
use crate::app::{App, FlashKind};
use crate::domain::humanize::duration;
use crate::source::Connection;
use crate::theme::Theme;

pub fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, now: DateTime<Utc>) {
    let connection_style = match app.connection {
        Connection::Live => theme.ok,
        Connection::Connecting => theme.info,
        Connection::Failing { .. } => theme.red,
    };
    let age = app
        .fleet
        .source_heard_at()
        .map_or("no data yet".to_string(), |at| {
            format!(
                "data {} old",
                duration((now - at).max(chrono::Duration::zero()))
            )
        });
    let mut spans = vec![
        Span::styled(format!(" {} ", app.source.kind), theme.accent),
        Span::styled(app.source.detail.clone(), theme.dim),
        Span::raw("  "),
        Span::styled(format!("● {}", app.connection.label()), connection_style),
        Span::raw("  "),
        Span::raw(age),
        Span::raw("  "),
        Span::styled(zone_name(app.time, now), theme.accent),
    ];
    if app.read_only {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(" READ-ONLY ", theme.callout));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.header), area);
    let right = Paragraph::new(Span::styled(
        format!("{} ", clock(now, app.time)),
        theme.header,
    ))
    .alignment(Alignment::Right);
    frame.render_widget(right, area);
}

/// The flash line: the last result or error, else the most useful keys.
pub fn draw_flash(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let line = match app.flash() {
        Some(flash) => {
            let style = if flash.kind == FlashKind::Error {
                theme.flash_error
            } else {
                theme.flash_info
            };
            Line::from(Span::styled(format!(" {}", flash.text), style))
        }
        None => hints(theme),
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn hints(theme: &Theme) -> Line<'static> {
    let keys = [
        ("Enter", "card"),
        ("/", "filter"),
        ("f", "problems"),
        ("s/S", "sort"),
        ("t", "UTC/local"),
        ("?", "help"),
        ("q", "quit"),
    ];
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in keys {
        spans.push(Span::styled(key, theme.key_hint));
        spans.push(Span::styled(format!(" {what}  "), theme.dim));
    }
    Line::from(spans)
}
