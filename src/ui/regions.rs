//! The regions screen: one row per region (status, tenants by tier, the data each would lose
//! if failed over now), and below it the selected region in words: the worst exposed by
//! name, those that cannot fail over and why, the Standard tenants that wait.

use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::format::{counted_title, ellipsized, panel, short_timestamp};
use crate::app::App;
use crate::app::screens::regions::RegionsScreen;
use crate::domain::humanize::{coarse, count};
use crate::domain::region::RegionStatus;
use crate::domain::region::exposure::RegionExposure;
use crate::theme::Theme;

/// What the order is and what the loss means, where the fleet has its filter and sort.
pub fn draw_toolbar(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &RegionsScreen,
    theme: &Theme,
) {
    let order = format!(
        " sorted by {}{}{}",
        screen.sort.label(),
        if screen.reversed { " (reversed)" } else { "" },
        if screen.troubled_only {
            " · trouble only"
        } else {
            ""
        }
    );
    let meaning = if area.width >= 120 {
        " · loss = data lost if failed over now (now − newest point copied to the secondary \
         region); ≥ where only bounded"
    } else {
        " · loss = data lost if failed over now"
    };
    let mut spans = vec![
        Span::styled(order, theme.dim),
        Span::styled(meaning, theme.dim),
    ];
    if let Some(why) = app.fleet.regions().not_offered() {
        spans = vec![Span::styled(format!(" {why}"), theme.amber)];
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &RegionsScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    frame.render_widget(Clear, area);
    let rows = screen.rows(&app.exposure.regions);
    let down = app.fleet.regions().all_down().count();
    let title = counted_title(
        format!(
            " Regions ({} · ",
            count(app.exposure.regions.len(), "region")
        ),
        format!("{down} down"),
        down > 0,
        theme,
    );
    let block = panel(title, theme);
    if app.exposure.at.is_none() {
        let text = "Working out each region's exposure…";
        frame.render_widget(Paragraph::new(text).style(theme.dim).block(block), area);
        return;
    }
    if rows.is_empty() {
        let text = "No region is in trouble (f shows every region).";
        frame.render_widget(Paragraph::new(text).style(theme.dim).block(block), area);
        return;
    }
    let table_height = (rows.len() as u16 + 3).min(area.height / 2).max(4);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(table_height), Constraint::Fill(1)]).areas(area);
    let selected = screen.row(&rows);
    draw_table(frame, top, app, &rows, selected, block, theme, now);
    if let Some(region) = rows.get(selected) {
        draw_detail(frame, bottom, region, theme, now);
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_table(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    rows: &[&RegionExposure],
    selected: usize,
    block: Block,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let narrow = area.width < 110;
    // Below this the tiers and the max give way: the region, its status, its median loss and
    // who cannot fail over are what a small window must still say.
    let tiny = area.width < 74;
    let keep = |i: usize| !tiny || !matches!(i, 2 | 4);
    let header = if narrow {
        vec![
            "REGION",
            "STATUS",
            "DED / STD",
            "LOSS p50",
            "LOSS max",
            "NO COPY",
        ]
    } else {
        vec![
            "REGION",
            "STATUS",
            "SINCE",
            "TENANTS",
            "DEDICATED",
            "STANDARD",
            "LOSS p50",
            "LOSS max",
            "NO COPY",
        ]
    };
    let header = Row::new(
        header
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, h)| Cell::from(h)),
    )
    .style(theme.table_header);
    let body: Vec<Row> = rows
        .iter()
        .map(|r| {
            let (status, style) = status_words(r, theme, now);
            let since = r
                .region
                .as_ref()
                .and_then(|r| r.since)
                .map_or("—".to_string(), |at| short_timestamp(at, app.time));
            let loss = |d: Option<Duration>| match d {
                Some(d) if r.bounded > 0 => format!("≥ {}", coarse(d)),
                Some(d) => coarse(d),
                None => "—".to_string(),
            };
            let no_copy = Cell::from(r.no_copy.len().to_string()).style(if r.no_copy.is_empty() {
                theme.dim
            } else {
                theme.red
            });
            let mut cells = vec![Cell::from(r.name.clone()), Cell::from(status).style(style)];
            if narrow {
                cells.push(Cell::from(format!("{} / {}", r.dedicated, r.standard)));
            } else {
                cells.push(Cell::from(since));
                cells.push(Cell::from(r.tenants().to_string()));
                cells.push(Cell::from(r.dedicated.to_string()));
                cells.push(Cell::from(r.standard.to_string()));
            }
            cells.push(Cell::from(loss(r.p50)));
            cells.push(Cell::from(loss(r.max)));
            cells.push(no_copy);
            let kept = cells.into_iter().enumerate().filter(|(i, _)| keep(*i));
            Row::new(kept.map(|(_, c)| c))
        })
        .collect();
    let widths: Vec<Constraint> = if narrow {
        [14, 16, 11, 10, 10, 7]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, w)| Constraint::Length(w))
            .collect()
    } else {
        [16, 18, 11, 8, 10, 9, 11, 11, 8]
            .map(Constraint::Length)
            .to_vec()
    };
    let table = Table::new(body, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// "⚠ DOWN 42m", "▲ degraded", "✓ ok", "? not reported": never colour alone.
fn status_words(
    r: &RegionExposure,
    theme: &Theme,
    now: DateTime<Utc>,
) -> (String, ratatui::style::Style) {
    let Some(region) = &r.region else {
        return ("? not reported".to_string(), theme.unknown);
    };
    let for_how_long = region
        .since
        .map(|at| format!(" {}", coarse((now - at).max(Duration::zero()))))
        .unwrap_or_default();
    match &region.status {
        RegionStatus::Down => (format!("⚠ DOWN{for_how_long}"), theme.red),
        RegionStatus::Degraded => (format!("▲ degraded{for_how_long}"), theme.amber),
        RegionStatus::Ok => ("✓ ok".to_string(), theme.ok),
        RegionStatus::Unknown(raw) => (format!("? {raw}"), theme.unknown),
    }
}

fn draw_detail(
    frame: &mut Frame,
    area: Rect,
    r: &RegionExposure,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let block = panel(Line::styled(format!(" {} ", r.name), theme.title), theme);
    let width = usize::from(area.width.saturating_sub(4));
    let mut lines: Vec<Line> = Vec::new();
    let (status, style) = status_words(r, theme, now);
    let mut head = vec![Span::styled(status, style)];
    if let Some(message) = r.region.as_ref().and_then(|r| r.message.as_deref()) {
        head.push(Span::raw(format!(" · {message}")));
    }
    lines.push(Line::from(head));
    let exposed = match (r.p50, r.max) {
        (Some(p50), Some(max)) => format!(
            "{} of {} Dedicated could fail over now: data loss p50 {}, max {}{}.",
            r.with_copy,
            r.dedicated,
            coarse(p50),
            coarse(max),
            if r.bounded > 0 {
                format!(
                    " ({} only bounded: the newest copy landed then, the point is older)",
                    r.bounded
                )
            } else {
                String::new()
            }
        ),
        _ => format!(
            "No Dedicated tenant here could fail over ({} Dedicated).",
            r.dedicated
        ),
    };
    lines.push(Line::from(exposed));
    if !r.worst.is_empty() {
        let worst: Vec<String> = r
            .worst
            .iter()
            .map(|e| {
                let bound = if e.exact { "" } else { "≥ " };
                format!("{} {bound}{}", e.slug, coarse(e.loss))
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled("Worst: ", theme.accent),
            Span::raw(ellipsized(&worst.join(" · "), width.saturating_sub(7))),
        ]));
    }
    if r.no_copy.is_empty() {
        lines.push(Line::styled(
            "Every Dedicated tenant has a usable copy.",
            theme.dim,
        ));
    } else {
        lines.push(Line::styled(
            format!(
                "Cannot fail over ({}): no usable copy in the secondary region",
                r.no_copy.len()
            ),
            theme.red,
        ));
    }
    let standard = format!(
        "{}: no copy, they come back with the region.",
        count(r.standard, "Standard tenant")
    );
    // Every row the panel has left goes to the tenants that cannot fail over.
    let room = usize::from(area.height.saturating_sub(2)).saturating_sub(lines.len() + 1);
    let all = r.no_copy.len();
    let shown = if all <= room {
        all
    } else {
        room.saturating_sub(1)
    };
    for no in r.no_copy.iter().take(shown) {
        let text = format!("  ✗ {} — {}", no.slug, no.why);
        lines.push(Line::styled(ellipsized(&text, width), theme.red));
    }
    if all > shown {
        lines.push(Line::styled(
            format!("  … and {} more", all - shown),
            theme.red,
        ));
    }
    lines.push(Line::styled(standard, theme.dim));
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    // As tall as what it says, not the whole screen.
    let rows = text.line_count(area.width.saturating_sub(2)) as u16 + 2;
    let area = Rect {
        height: rows.min(area.height),
        ..area
    };
    frame.render_widget(text.block(block), area);
}
