//! The journal screen: every action taken from this machine, newest first, each with its
//! outcome — or "sent? unknown" in amber when the answer never came — and lines that could
//! not be read, said below.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Row, Table, Wrap};

use super::format::{coarse_age, ellipsized, ellipsized_front, short_timestamp};
use crate::app::App;
use crate::app::screens::journal::JournalScreen;
use crate::journal::{Entry, Verdict};
use crate::theme::Theme;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &JournalScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    frame.render_widget(Clear, area);
    let entries = app.journal.entries();
    let unknown = entries.iter().filter(|e| e.outcome.is_none()).count();
    let title = match unknown {
        0 => format!(" Journal · {} actions · newest first ", entries.len()),
        n => format!(
            " Journal · {} actions · {n} sent? unknown (s re-sends with its key) ",
            entries.len()
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title))
        .style(theme.base);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let problems = match &app.journal.read {
        None => {
            frame.render_widget(
                Paragraph::new(Span::styled("reading the journal…", theme.dim)),
                inner,
            );
            return;
        }
        Some(Err(why)) => {
            let text = format!("✗ the journal cannot be read: {why}");
            frame.render_widget(
                Paragraph::new(Span::styled(text, theme.red)).wrap(Wrap { trim: false }),
                inner,
            );
            return;
        }
        Some(Ok(read)) => &read.problems,
    };
    let footer = if problems.is_empty() { 0 } else { 2 };
    let detail = if entries.is_empty() { 0 } else { 2 };
    let [table_area, detail_area, footer_area] = Layout::vertical([
        Constraint::Min(2),
        Constraint::Length(detail),
        Constraint::Length(footer),
    ])
    .areas(inner);
    if let Some(entry) = entries.get(screen.selected.min(entries.len().saturating_sub(1))) {
        // The selected action in full: its key and its whole outcome, whatever the width.
        let outcome = entry.outcome.as_ref().map_or(
            "sent? unknown: s re-sends it with its key".to_string(),
            |o| o.summary(),
        );
        let text = format!(
            "{} {} · key {} · {outcome}",
            entry.intent.what().replace('_', " "),
            entry.intent.target,
            entry.intent.idempotency_key
        );
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.dim)).wrap(Wrap { trim: false }),
            detail_area,
        );
    }
    if entries.is_empty() {
        let text = "No actions yet: restores, confirmations, DNS swaps and acknowledgements \
                    are written here before they are sent.";
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.dim)).wrap(Wrap { trim: false }),
            table_area,
        );
    } else {
        draw_table(frame, table_area, app, screen, &entries, theme, now);
    }
    if let Some(first) = problems.first() {
        let more = match problems.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let text = format!("▲ a line could not be read and was skipped: {first}{more}");
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.amber)).wrap(Wrap { trim: false }),
            footer_area,
        );
    }
}

fn draw_table(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &JournalScreen,
    entries: &[&Entry],
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let rows = usize::from(area.height.saturating_sub(1)).max(1);
    let selected = screen.selected.min(entries.len().saturating_sub(1));
    let offset = selected.saturating_sub(rows - 1);
    let wide = area.width >= 120;
    // AT, AGE (wide only), ACTION, TARGET, TICKET, OPERATOR and KEY (wide only), each with
    // its space: the outcome has the rest, cut with "…" when longer.
    let fixed: u16 = if wide {
        11 + 12 + 24 + 30 + 10 + 10 + 16 + 7
    } else {
        11 + 24 + 14 + 9 + 4
    };
    let outcome_width = usize::from(area.width.saturating_sub(fixed)).max(12);
    let table_rows: Vec<Row> = entries
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, entry)| {
            let (outcome, style) = match &entry.outcome {
                None => ("sent? unknown".to_string(), theme.amber),
                Some(o) if o.result == Verdict::Ok => (
                    format!("ok {}", o.resource_id.clone().unwrap_or_default()),
                    theme.ok,
                ),
                Some(o) => (o.summary(), theme.red),
            };
            let intent = &entry.intent;
            let mut cells = vec![Span::raw(short_timestamp(intent.at, app.time))];
            if wide {
                cells.push(Span::raw(coarse_age(now, intent.at)));
            }
            cells.extend([
                Span::raw(intent.what().replace('_', " ")),
                Span::raw(ellipsized(&intent.target, if wide { 30 } else { 14 })),
                Span::raw(intent.ticket.clone().unwrap_or_default()),
            ]);
            if wide {
                cells.push(Span::raw(intent.operator.clone()));
                // Keys of one session share their start; the end tells rows apart.
                let key = ellipsized_front(&intent.idempotency_key.to_string(), 16);
                cells.push(Span::styled(key, theme.dim));
            }
            cells.push(Span::styled(ellipsized(&outcome, outcome_width), style));
            let row = Row::new(cells);
            if i == selected {
                row.style(theme.selected)
            } else {
                row
            }
        })
        .collect();
    let mut headings = vec!["AT"];
    let mut widths = vec![Constraint::Length(11)];
    if wide {
        headings.push("AGE");
        // "23h 59m ago", never cut.
        widths.push(Constraint::Length(11));
    }
    headings.extend(["ACTION", "TARGET", "TICKET"]);
    widths.extend([
        // "discard restore (drill)"
        Constraint::Length(23),
        Constraint::Length(if wide { 30 } else { 14 }),
        Constraint::Length(if wide { 10 } else { 9 }),
    ]);
    if wide {
        headings.extend(["OPERATOR", "KEY"]);
        widths.extend([Constraint::Length(10), Constraint::Length(16)]);
    }
    headings.push("OUTCOME");
    widths.push(Constraint::Min(12));
    let table = Table::new(table_rows, widths)
        .header(Row::new(headings).style(theme.table_header))
        .column_spacing(1);
    frame.render_widget(table, area);
}
