//! The fleet screen: summary header, filter/sort toolbar and the tenant table.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Table, TableState};

use super::format::{NextRun, coarse_age, ellipsized, next_run, short_timestamp};
use crate::app::columns::{BRANCH, columns, width_of};
use crate::app::{App, Modal, TimeDisplay};
use crate::domain::drill::DrillResult;
use crate::domain::humanize::count;
use crate::domain::restore::{ActiveRestores, RestorePhase};
use crate::domain::tenant::{CrossRegionStatus, Fact, Tenant, Tier};
use crate::domain::{FlagKind, Health, Level};
use crate::fleet::view::{Row as ViewRow, SortKey};
use crate::source::Connection;
use crate::theme::Theme;

pub fn draw_header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, now: DateTime<Utc>) {
    // A region down comes first, before anything that could push it off a narrow line.
    let badge = region_badge(app, now);
    let badge_width = (badge.chars().count() as u16).min(area.width / 2);
    let area = if badge.is_empty() {
        area
    } else {
        let [left, rest] =
            Layout::horizontal([Constraint::Length(badge_width), Constraint::Fill(1)]).areas(area);
        frame.render_widget(Paragraph::new(Span::styled(badge, theme.red)), left);
        rest
    };
    // Counts in words when they fit with what must follow them (the overdue tickets); else
    // with glyphs only, as on narrow terminals. Every level keeps its glyph.
    let wide = header_start(app, theme, false, false);
    let width = usize::from(area.width);
    let must_follow = super::requests::header_spans(app, theme, now, true, 0)
        .iter()
        .map(Span::width)
        .sum::<usize>();
    let fits_wide = wide.iter().map(Span::width).sum::<usize>() + must_follow <= width;
    let compact = area.width < 120 || !fits_wide;
    let mut spans = if compact {
        // A deep stack of screens on a narrow terminal: the crumbs shorten before the
        // overdue count is lost.
        let full = header_start(app, theme, true, false);
        let full_width = full.iter().map(Span::width).sum::<usize>();
        if full_width + must_follow <= width {
            full
        } else {
            let mut short = header_start(app, theme, true, true);
            let short_width = short.iter().map(Span::width).sum::<usize>();
            if short_width + must_follow > width {
                // The tenant count goes last of all: the table's title says it too.
                if short.len() > 3 {
                    short.remove(2);
                }
            }
            short
        }
    } else {
        wide
    };
    // Overdue tickets are red everywhere, the header included: the tickets get their room
    // first (as if the restore counts were in their short form), then the restore counts take
    // their long form if that still fits, their short form if that does, else give way.
    let before: usize = spans.iter().map(Span::width).sum();
    let width = usize::from(area.width);
    let [full, short] = restore_counts(app.active_restores(), compact, theme);
    let short_width: usize = short.iter().map(Span::width).sum();
    let room = width.saturating_sub(before + short_width);
    let tickets = super::requests::header_spans(app, theme, now, compact, room);
    let tickets_width: usize = tickets.iter().map(Span::width).sum();
    let fits = |spans: &[Span]| {
        before + spans.iter().map(Span::width).sum::<usize>() + tickets_width <= width
    };
    if fits(&full) {
        spans.extend(full);
    } else if fits(&short) {
        spans.extend(short);
    }
    spans.extend(tickets);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.header), area);
}

/// "⚠ eu-west-1 DOWN 42m " for each region down; empty when none is.
fn region_badge(app: &App, now: DateTime<Utc>) -> String {
    let down: Vec<String> = app
        .fleet
        .regions()
        .all_down()
        .map(|r| crate::domain::region::badge(r, now))
        .collect();
    if down.is_empty() {
        return String::new();
    }
    format!("⚠ {} ", down.join(" · "))
}

/// The header's restore counts, long and short: the platform's work ("⟳ 1 restoring") and
/// what waits for a person ("▲ 3 awaiting you", amber), never one "running" for both.
fn restore_counts(active: ActiveRestores, compact: bool, theme: &Theme) -> [Vec<Span<'static>>; 2] {
    let ActiveRestores {
        restoring,
        awaiting,
    } = active;
    let restoring_style = if restoring == 0 {
        theme.dim
    } else {
        theme.info
    };
    let lead = if compact { " " } else { "" };
    let mut full = Vec::new();
    let mut short = Vec::new();
    // "⟳ 0 restoring" beside "▲ 17 awaiting you" is noise: the zero is said only alone.
    if restoring > 0 || awaiting == 0 {
        let text = match compact {
            true => format!(" ⟳{restoring} restoring"),
            false => format!("⟳ {restoring} restoring"),
        };
        full.push(Span::styled(text, restoring_style));
        short.push(Span::styled(format!(" ⟳{restoring}"), restoring_style));
    }
    if awaiting > 0 {
        let sep = if full.is_empty() { lead } else { "  " };
        let text = match compact {
            true => format!("{sep}▲{awaiting} awaiting you"),
            false => format!("{sep}▲ {awaiting} awaiting you"),
        };
        full.push(Span::styled(text, theme.amber));
        short.push(Span::styled(format!(" ▲{awaiting}"), theme.amber));
    }
    [full, short]
}

/// The header up to the level counts/// The header up to the level counts: name, crumbs, tenants, each level's count.
fn header_start<'a>(app: &App, theme: &Theme, compact: bool, short_crumbs: bool) -> Vec<Span<'a>> {
    let summary = app.fleet.summary();
    let mut spans = vec![
        Span::styled(" snapdeck ", theme.title),
        // Crumbs: where the operator is in the screen stack.
        Span::styled(crumbs(app, short_crumbs), theme.header),
    ];
    // Nothing read yet (a wrong token, a server down): zeros would look like all clear.
    if app.fleet.source_heard_at().is_none() {
        let why = match app.connection {
            Connection::Failing { .. } => "fleet not read: see the status bar",
            _ => "fleet not read yet",
        };
        spans.push(Span::styled(
            format!("{why}  "),
            theme.level(Level::Unknown),
        ));
        return spans;
    }
    spans.push(Span::styled(
        format!("{}  ", count(summary.tenants, "tenant")),
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
    spans
}

pub fn draw_toolbar(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (key, reversed) = app.view.sort();
    let order = if reversed {
        "reversed"
    } else {
        key.natural_order()
    };
    let mut spans = Vec::new();
    let editing = app.modal() == Some(Modal::Filter);
    if editing || !app.view.filter().is_empty() {
        spans.push(Span::styled(" / ", theme.key_hint));
        spans.push(Span::styled(
            format!("{:<pad$}", app.filter.value(), pad = filter_box(area.width)),
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
    if editing {
        let last = filter_box(area.width).saturating_sub(1);
        let cursor = app.filter.visual_cursor().min(last) as u16;
        frame.set_cursor_position((area.x + 3 + cursor, area.y));
    }
}

fn crumbs(app: &App, short: bool) -> String {
    let names: Vec<&str> = app.screens().iter().map(|s| s.name()).collect();
    match names.as_slice() {
        // Where the operator is, when the whole path does not fit.
        [_, .., last] if short && names.len() > 2 => format!("▸ … ▸ {last}  "),
        _ => format!("▸ {}  ", names.join(" ▸ ")),
    }
}

/// The filter's box: 24 columns, fewer on a narrow terminal so the sort still shows.
fn filter_box(width: u16) -> usize {
    usize::from(width.saturating_sub(44)).clamp(10, 24)
}

pub fn draw_table(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, now: DateTime<Utc>) {
    let (shown, wide) = columns(area.width, app.fleet.widest());
    let cols: Vec<SortKey> = shown.iter().map(|(c, _)| *c).collect();
    let title = table_title(app);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    if let Some(unread) = unread_line(app, area.width) {
        // Rows missing because a cluster was never read must not pass for a small fleet.
        block = block.title_bottom(Span::styled(unread, theme.red));
    }
    let rows = app.view.rows();
    let offset = app.view.offset();
    let visible = app.view.visible_rows();
    let ctx = CellContext {
        app,
        theme,
        now,
        wide,
        zone: app.time,
        tenant_width: width_of(&shown, SortKey::Tenant),
        flags_width: width_of(&shown, SortKey::Flags),
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
    let header = Row::new(
        shown
            .iter()
            .map(|(c, w)| header_cell(*c, app.view.sort(), *w)),
    )
    .style(theme.table_header);
    let table = Table::new(body, shown.iter().map(|(_, w)| Constraint::Length(*w)))
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

/// The sorted column's title carries the direction: ▼ natural order, ▲ reversed; a title
/// as wide as its column gives way to the arrow ("LAST SUCC… ▼"), never the arrow to it.
fn header_cell(col: SortKey, (sorted, reversed): (SortKey, bool), width: u16) -> Cell<'static> {
    let title = col.name().to_uppercase();
    let arrow = match (col == sorted, reversed) {
        (true, false) => "▼",
        (true, true) => "▲",
        (false, _) => return Cell::from(title),
    };
    let room = usize::from(width).saturating_sub(2).max(1);
    Cell::from(format!("{} {arrow}", ellipsized(&title, room)))
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

/// " never read: west (connection refused) ", cut with `…` to the border's room.
fn unread_line(app: &App, width: u16) -> Option<String> {
    if app.unread.is_empty() {
        return None;
    }
    let parts: Vec<String> = app
        .unread
        .iter()
        .map(|u| format!("{} ({})", u.part, u.why))
        .collect();
    let text = format!(" never read: {} ", parts.join(" · "));
    Some(ellipsized(&text, usize::from(width.saturating_sub(4))))
}

fn draw_empty(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let text = if let Some(tenants) = app.loading() {
        format!("Judging and ordering {}…", count(tenants, "tenant"))
    } else if let (false, Some(failure)) = (app.has_data(), app.connection.failure()) {
        format!("Never read: {failure}")
    } else if !app.has_data() {
        "Waiting for the first answer from the source…".to_string()
    } else if app.fleet.is_empty() && !app.unread.is_empty() {
        "No tenants read: every cluster failed before it listed (named below).".to_string()
    } else if app.fleet.is_empty() {
        "The source reports no tenants.".to_string()
    } else {
        "No tenant matches. Esc clears the filter, f shows all levels.".to_string()
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
    tenant_width: u16,
    flags_width: u16,
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
    // Rows judged as of an old observation read as such without colour too (NO_COLOR).
    let style = if row.context_only {
        ctx.theme.dim
    } else if health.level == Level::Unknown {
        Style::default().add_modifier(Modifier::ITALIC)
    } else {
        Style::default()
    };
    Row::new(cells).style(style)
}

fn cell<'a>(
    col: SortKey,
    t: &'a Tenant,
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
        SortKey::Tenant => tenant_cell(t, row, last_child, ctx),
        SortKey::Cluster => Cell::from(t.cluster_name().to_string()),
        SortKey::Tier => Cell::from(t.tier_label().into_owned()),
        SortKey::Region => Cell::from(t.region.as_str()),
        SortKey::LastSuccess => last_success_cell(t, ctx),
        SortKey::NextRun => next_run_cell(t, ctx),
        SortKey::Retention => retention_cell(t, ctx),
        SortKey::CrossRegion => cross_region_cell(t, ctx),
        SortKey::Drill => drill_cell(t, h, ctx),
        SortKey::Flags => flags_cell(t, h, ctx),
    }
}

fn tenant_cell<'a>(t: &Tenant, row: &ViewRow, last_child: bool, ctx: &CellContext<'a>) -> Cell<'a> {
    let theme = ctx.theme;
    if row.is_child {
        let branch = if last_child { " └ " } else { " ├ " };
        let room = ctx.tenant_width.saturating_sub(BRANCH);
        // A spoke a restore created is marked, so it is not taken for a customer's own.
        let (mark, room) = match t.restore_of {
            Some(_) => ("↺ ", room.saturating_sub(2)),
            None => ("", room),
        };
        Cell::from(Line::from(vec![
            Span::styled(branch, theme.border),
            Span::styled(mark, theme.info),
            Span::raw(ellipsized(&t.slug, usize::from(room))),
        ]))
    } else {
        let name = ellipsized(&t.slug, usize::from(ctx.tenant_width));
        Cell::from(Span::styled(name, theme.hub_row))
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

fn next_run_cell<'a>(t: &Tenant, ctx: &CellContext<'a>) -> Cell<'a> {
    let (text, state) = next_run(t, ctx.now);
    let style = match state {
        NextRun::Running => ctx.theme.info,
        NextRun::Stuck | NextRun::Late => ctx.theme.amber,
        NextRun::Scheduled => Style::default(),
        NextRun::Unknown => ctx.theme.dim,
    };
    Cell::from(Span::styled(text, style))
}

fn retention_cell<'a>(t: &Tenant, ctx: &CellContext<'a>) -> Cell<'a> {
    let b = &t.backup;
    if t.cannot_tell(&Fact::Retention) {
        return Cell::from(Span::styled(
            format!("  ?d · {:>4} pts", b.restore_point_count),
            ctx.theme.dim,
        ));
    }
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
        if t.cannot_tell(&Fact::CrossRegion) {
            return Cell::from(Span::styled("unknown", ctx.theme.dim));
        }
        return Cell::from(Span::styled("missing", ctx.theme.amber));
    };
    // A pending copy is the normal state after each backup: what matters is the newest copy.
    match (&copy.status, copy.last_copied_at) {
        (CrossRegionStatus::Failed, _) => Cell::from(Span::styled("failed", ctx.theme.amber)),
        (_, None) => Cell::from(Span::styled("none yet", ctx.theme.amber)),
        (_, Some(at)) => Cell::from(coarse_age(ctx.now, at)),
    }
}

/// Days since the last drill and how it went ("12d ✓", "3d ✗", "5d ✓⇄" for a region drill
/// from the cross-region copy), or "never"; amber when a drill flag says so.
fn drill_cell<'a>(t: &Tenant, h: &Health, ctx: &CellContext<'a>) -> Cell<'a> {
    if !crate::domain::drill::knows_drills(t) {
        return Cell::from(Span::styled("—", ctx.theme.dim));
    }
    let Some(drill) = &t.backup.last_drill else {
        let style = match h.has(FlagKind::RestoreUntested) {
            true => ctx.theme.amber,
            false => ctx.theme.dim,
        };
        return Cell::from(Span::styled("never", style));
    };
    let days = (ctx.now - drill.finished_at).num_days().max(0);
    let flagged = [
        FlagKind::RestoreUntested,
        FlagKind::LastDrillFailed,
        FlagKind::DrillOverRto,
    ]
    .into_iter()
    .any(|k| h.has(k));
    let style = match flagged || drill.result != DrillResult::Passed {
        true => ctx.theme.amber,
        false => Style::default(),
    };
    let across = drill.target_region.as_ref().is_some_and(|r| *r != t.region);
    Cell::from(Span::styled(
        format!(
            "{days}d {}{}",
            drill.result.glyph(),
            if across { "⇄" } else { "" }
        ),
        style,
    ))
}

/// Flags worst first, as many whole words as fit; the rest counted as "+N", never a cut
/// word.
fn flags_cell<'a>(t: &Tenant, h: &Health, ctx: &CellContext<'a>) -> Cell<'a> {
    let kinds = distinct_kinds(h);
    let (shown, hidden) = fitting_flags(&kinds, usize::from(ctx.flags_width));
    let mut spans = Vec::with_capacity(shown * 2 + 1);
    for kind in &kinds[..shown] {
        if !spans.is_empty() {
            spans.push(Span::raw(" "));
        }
        spans.push(flag_span(*kind, t, ctx));
    }
    if hidden > 0 {
        let sep = if spans.is_empty() { "" } else { " " };
        spans.push(Span::styled(format!("{sep}+{hidden}"), ctx.theme.dim));
    }
    Cell::from(Line::from(spans))
}

/// A flag's short word; a restore that awaits confirmation waits for a person, not for the
/// platform, and says so ("CONFIRM", as long as "RESTORE" so the column's fit holds).
fn flag_span<'a>(kind: FlagKind, t: &Tenant, ctx: &CellContext<'a>) -> Span<'a> {
    let awaiting = kind == FlagKind::RestoreRunning
        && t.active_restore_id
            .as_ref()
            .and_then(|id| ctx.app.restore_phase(id))
            == Some(&RestorePhase::AwaitingConfirmation);
    match awaiting {
        true => Span::styled("CONFIRM", ctx.theme.amber),
        false => Span::styled(kind.short(), ctx.theme.level(kind.level())),
    }
}

/// Each kind of flag once (a tenant may have several "cannot tell"), worst first.
fn distinct_kinds(h: &Health) -> Vec<FlagKind> {
    let mut kinds: Vec<FlagKind> = h.flags.iter().map(|f| f.kind).collect();
    kinds.dedup();
    kinds
}

/// How many of the flags fit in `width` with room left for "+N" of the others.
fn fitting_flags(kinds: &[FlagKind], width: usize) -> (usize, usize) {
    let total = kinds.len();
    let mut used = 0;
    for (k, f) in kinds.iter().enumerate() {
        let sep = usize::from(k > 0);
        let rest = total - k - 1;
        let more = if rest > 0 {
            format!(" +{rest}").len()
        } else {
            0
        };
        if used + sep + f.short().len() + more > width {
            return (k, total - k);
        }
        used += sep + f.short().len();
    }
    (total, 0)
}
