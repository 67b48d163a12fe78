//! The fleet screen: summary header, filter/sort toolbar and the tenant table.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Table, TableState};

use super::format::{coarse_age, countdown, short_timestamp};
use crate::app::view::{Row as ViewRow, SortKey};
use crate::app::{App, TimeDisplay};
use crate::domain::health::{NOT_READY_AFTER, OVERDUE_AFTER};
use crate::domain::humanize::coarse;
use crate::domain::tenant::{AttemptStatus, CrossRegionStatus, Tenant, Tier};
use crate::domain::{Health, Level};
use crate::theme::Theme;

pub fn draw_header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let summary = app.fleet.summary();
    // Narrow terminals get counts with glyphs only; every level keeps its glyph.
    let compact = area.width < 120;
    let mut spans = vec![
        Span::styled(" snapdeck ", theme.title),
        Span::styled("▸ fleet  ", theme.header),
    ];
    spans.push(Span::styled(
        format!("{} tenants  ", summary.tenants),
        theme.header,
    ));
    for level in Level::HEADLINE {
        let count = summary.count(level);
        let style = if count == 0 {
            theme.dim
        } else {
            theme.level(level)
        };
        let text = if compact {
            format!("{}{count} ", level.glyph())
        } else {
            format!(
                "{} {count} {}  ",
                level.glyph(),
                level.word().to_lowercase()
            )
        };
        spans.push(Span::styled(text, style));
    }
    let restores = summary.restores_running;
    let restore_style = if restores == 0 { theme.dim } else { theme.info };
    let text = if compact {
        format!(" ⟳{restores} restoring")
    } else {
        format!("⟳ {restores} restore{} running", plural(restores))
    };
    spans.push(Span::styled(text, restore_style));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.header), area);
}

pub fn draw_toolbar(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (key, reversed) = app.view.sort();
    let order = if reversed {
        "reversed"
    } else {
        key.natural_order()
    };
    let mut spans = Vec::new();
    if app.editing_filter || !app.view.filter().is_empty() {
        spans.push(Span::styled(" / ", theme.key_hint));
        spans.push(Span::styled(
            format!("{:<24}", app.filter.value()),
            theme.input,
        ));
        let shown = app.view.matches();
        spans.push(Span::styled(format!("  {shown} match  "), theme.dim));
    } else {
        spans.push(Span::styled(" / ", theme.key_hint));
        spans.push(Span::styled("filter  ", theme.dim));
    }
    if app.view.problems_only() {
        spans.push(Span::styled(" problems only ", theme.callout));
        spans.push(Span::raw("  "));
    }
    spans.push(Span::styled("sort ", theme.dim));
    spans.push(Span::styled(
        format!("{} ({order})", key.name()),
        theme.accent,
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if app.editing_filter {
        let cursor = app.filter.visual_cursor().min(23) as u16;
        frame.set_cursor_position((area.x + 3 + cursor, area.y));
    }
}

/// Columns are the sort keys: every column sorts, and the header marks the sorted one.
fn constraint(col: SortKey, wide: bool) -> Constraint {
    match col {
        SortKey::Level => Constraint::Length(8),
        SortKey::Tenant => Constraint::Min(if wide { 26 } else { 18 }),
        SortKey::Tier => Constraint::Length(9),
        SortKey::Region => Constraint::Length(14),
        SortKey::LastSuccess => Constraint::Length(if wide { 23 } else { 13 }),
        SortKey::NextRun => Constraint::Length(12),
        SortKey::Retention => Constraint::Length(23),
        SortKey::CrossRegion => Constraint::Length(13),
        SortKey::Flags => Constraint::Fill(1),
    }
}

/// The narrowest table that still shows a column: the essentials always, the rest as width
/// allows, least urgent first to go.
fn min_width(col: SortKey) -> u16 {
    match col {
        SortKey::Tier => 100,
        // FLAGS keeps at least 21 columns: the flags are why the row matters.
        SortKey::Retention | SortKey::CrossRegion => 145,
        SortKey::Region => 160,
        _ => 0,
    }
}

/// Which columns fit, in table order, and whether cells have room for their long form.
fn columns(width: u16) -> (Vec<SortKey>, bool) {
    let shown = SortKey::ALL
        .into_iter()
        .filter(|c| width >= min_width(*c))
        .collect();
    (shown, width >= 100)
}

pub fn draw_table(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, now: DateTime<Utc>) {
    let (cols, wide) = columns(area.width);
    let title = table_title(app);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    let rows = app.view.rows();
    let offset = app.view.offset();
    let visible = app.view.visible_rows();
    let ctx = CellContext {
        app,
        theme,
        now,
        wide,
        zone: app.time,
    };
    let body: Vec<Row> = visible
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let last_child =
                row.is_child && rows.get(offset + i + 1).is_none_or(|next| !next.is_child);
            table_row(&cols, row, last_child, &ctx)
        })
        .collect();
    let header =
        Row::new(cols.iter().map(|c| header_cell(*c, app.view.sort()))).style(theme.table_header);
    let table = Table::new(body, cols.iter().map(|c| constraint(*c, wide)))
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state =
        TableState::default().with_selected(app.view.selected_row().map(|r| r - offset.min(r)));
    frame.render_stateful_widget(table, area, &mut state);
    if rows.is_empty() {
        draw_empty(frame, area, app, theme);
    }
}

/// The sorted column's title carries the direction: ▼ natural order, ▲ reversed.
fn header_cell(col: SortKey, (sorted, reversed): (SortKey, bool)) -> Cell<'static> {
    let title = col.name().to_uppercase();
    match (col == sorted, reversed) {
        (true, false) => Cell::from(format!("{title} ▼")),
        (true, true) => Cell::from(format!("{title} ▲")),
        (false, _) => Cell::from(title),
    }
}

fn table_title(app: &App) -> String {
    let total = app.fleet.len();
    let shown = app.view.matches();
    let position = app.view.selected_row().map_or(String::new(), |r| {
        format!(" · row {}/{}", r + 1, app.view.rows().len())
    });
    if shown == total {
        format!(" Fleet ({total}){position} ")
    } else {
        format!(" Fleet ({shown} of {total}){position} ")
    }
}

fn draw_empty(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let text = if !app.has_data() {
        "Waiting for the first answer from the source…"
    } else if app.fleet.is_empty() {
        "The source reports no tenants."
    } else {
        "No tenant matches. Esc clears the filter, f shows all levels."
    };
    let inner = Rect {
        x: area.x + 2,
        y: area.y + 3,
        width: area.width.saturating_sub(4),
        height: 1,
    };
    frame.render_widget(Paragraph::new(text).style(theme.dim), inner);
}

struct CellContext<'a> {
    app: &'a App,
    theme: &'a Theme,
    now: DateTime<Utc>,
    wide: bool,
    zone: TimeDisplay,
}

fn table_row<'a>(
    cols: &[SortKey],
    row: &ViewRow,
    last_child: bool,
    ctx: &CellContext<'a>,
) -> Row<'a> {
    let tenant = ctx.app.fleet.tenant(row.tenant);
    let health = ctx.app.fleet.health(row.tenant);
    let cells = cols
        .iter()
        .map(|c| cell(*c, tenant, health, row, last_child, ctx));
    let style = if row.context_only {
        ctx.theme.dim
    } else {
        Style::default()
    };
    Row::new(cells).style(style)
}

fn cell<'a>(
    col: SortKey,
    t: &Tenant,
    h: &Health,
    row: &ViewRow,
    last_child: bool,
    ctx: &CellContext<'a>,
) -> Cell<'a> {
    let theme = ctx.theme;
    match col {
        SortKey::Level => Cell::from(Span::styled(
            format!("{} {}", h.level.glyph(), h.level.word()),
            theme.level(h.level),
        )),
        SortKey::Tenant => tenant_cell(t, row, last_child, theme),
        SortKey::Tier => Cell::from(t.tier.label().into_owned()),
        SortKey::Region => Cell::from(t.region.clone()),
        SortKey::LastSuccess => last_success_cell(t, ctx),
        SortKey::NextRun => next_run_cell(t, ctx),
        SortKey::Retention => retention_cell(t, ctx),
        SortKey::CrossRegion => cross_region_cell(t, ctx),
        SortKey::Flags => flags_cell(h, theme),
    }
}

fn tenant_cell<'a>(t: &Tenant, row: &ViewRow, last_child: bool, theme: &Theme) -> Cell<'a> {
    if row.is_child {
        let branch = if last_child { " └ " } else { " ├ " };
        Cell::from(Line::from(vec![
            Span::styled(branch, theme.border),
            Span::raw(t.slug.clone()),
        ]))
    } else {
        Cell::from(Span::styled(t.slug.clone(), theme.hub_row))
    }
}

fn last_success_cell<'a>(t: &Tenant, ctx: &CellContext<'a>) -> Cell<'a> {
    let Some(last) = &t.backup.last_success else {
        return Cell::from(Span::styled("never", ctx.theme.red));
    };
    let mut spans = vec![Span::raw(format!(
        "{:<12}",
        coarse_age(ctx.now, last.taken_at)
    ))];
    if ctx.wide {
        spans.push(Span::styled(
            short_timestamp(last.taken_at, ctx.zone),
            ctx.theme.dim,
        ));
    }
    Cell::from(Line::from(spans))
}

/// The countdown to the next run; while a backup runs, how long it has been running (so an
/// RPO that lapses mid-backup reads as "the new point is on its way").
fn next_run_cell<'a>(t: &Tenant, ctx: &CellContext<'a>) -> Cell<'a> {
    if let Some(attempt) = t
        .backup
        .last_attempt
        .as_ref()
        .filter(|a| a.status == AttemptStatus::Running)
    {
        let running_for = ctx.now - attempt.taken_at;
        // CSI retries forever: past the limit the snapshot is judged stuck, not slow.
        let (word, style) = if running_for > NOT_READY_AFTER {
            ("stuck", ctx.theme.amber)
        } else {
            ("running", ctx.theme.info)
        };
        return Cell::from(Span::styled(
            format!("{word} {}", coarse(running_for)),
            style,
        ));
    }
    match t.backup.schedule.next_run_at {
        Some(at) if at < ctx.now - OVERDUE_AFTER => {
            Cell::from(Span::styled(countdown(ctx.now, at), ctx.theme.amber))
        }
        Some(at) => Cell::from(countdown(ctx.now, at)),
        None => Cell::from(Span::styled("—", ctx.theme.dim)),
    }
}

fn retention_cell<'a>(t: &Tenant, ctx: &CellContext<'a>) -> Cell<'a> {
    let b = &t.backup;
    let oldest = b.oldest_restore_point_at.map_or("—".to_string(), |at| {
        short_timestamp(at, ctx.zone)[..5].to_string()
    });
    Cell::from(Line::from(vec![
        Span::raw(format!(
            "{:>3}d · {:>4} pts · ",
            b.retention_days, b.restore_point_count
        )),
        Span::styled(oldest, ctx.theme.dim),
    ]))
}

fn cross_region_cell<'a>(t: &Tenant, ctx: &CellContext<'a>) -> Cell<'a> {
    if t.tier != Tier::Dedicated {
        return Cell::from(Span::styled("—", ctx.theme.dim));
    }
    let Some(copy) = &t.backup.cross_region else {
        return Cell::from(Span::styled("missing", ctx.theme.amber));
    };
    // A pending copy is the normal state after each backup: what matters is the newest copy.
    match (&copy.status, copy.last_copied_at) {
        (CrossRegionStatus::Failed, _) => Cell::from(Span::styled("failed", ctx.theme.amber)),
        (_, None) => Cell::from(Span::styled("none yet", ctx.theme.amber)),
        (_, Some(at)) => Cell::from(coarse_age(ctx.now, at)),
    }
}

fn flags_cell<'a>(h: &Health, theme: &Theme) -> Cell<'a> {
    let mut spans = Vec::with_capacity(h.flags.len() * 2);
    for f in &h.flags {
        if !spans.is_empty() {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(f.kind.short(), theme.level(f.level())));
    }
    Cell::from(Line::from(spans))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
