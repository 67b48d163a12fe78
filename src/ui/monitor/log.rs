//! The monitor's event log pane: the tail of the log, following it, or where the operator
//! scrolled to (the title says which, and how many newer lines wait below).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::clipped;
use crate::app::TimeDisplay;
use crate::app::screens::event_log::EventLog;
use crate::theme::Theme;
use crate::ui::format::time_of_day;

pub fn draw(frame: &mut Frame, area: Rect, log: &EventLog, zone: TimeDisplay, theme: &Theme) {
    let mut title = if log.following() {
        " Events · following the newest ".to_string()
    } else {
        format!(
            " Events · scrolled up, {} newer below · G follows ",
            log.back
        )
    };
    if let Some(problem) = &log.problem {
        title = format!(" Events · could not be read: {problem} ");
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    if log.events.is_empty() {
        let text = if log.reading.is_some() {
            "reading the log…"
        } else {
            "no events yet"
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.dim)), inner);
        return;
    }
    let end = log.events.len() - log.back.min(log.events.len() - 1);
    let start = end.saturating_sub(usize::from(inner.height));
    let lines: Vec<Line> = log.events[start..end]
        .iter()
        .map(|e| {
            let (glyph, style) = match e.level.as_str() {
                "error" => ("✗", theme.red),
                "warn" | "warning" => ("▲", theme.amber),
                _ => ("·", theme.base),
            };
            let line = Line::from(vec![
                Span::styled(format!("{} ", time_of_day(e.at, zone)), theme.dim),
                Span::styled(format!("{glyph} {}", e.message), style),
            ]);
            clipped(line, width)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
