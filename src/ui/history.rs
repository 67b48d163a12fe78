//! A tenant's restore-point history: newest first, only the rows on screen built, failed
//! and partial points marked with their error, and the selected point in words below.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Row, Table, Wrap};

use super::format::{coarse_age, ellipsized, short_timestamp, timestamp};
use crate::app::App;
use crate::app::history::PointHistory;
use crate::app::screens::tenant::{Pane, TenantScreen};
use crate::domain::humanize::{bytes, coarse, duration};
use crate::domain::restore_point::{CopyStatus, PointStatus, RestorePoint};
use crate::domain::tenant::Tenant;
use crate::theme::Theme;

/// "eu-central-1 copied 10h 57m ago".
const COPY_WIDTH: u16 = 27;
/// Lines of the selected point's details under the table.
const DETAIL_LINES: u16 = 3;

/// Draws the history pane; answers how many rows its table shows.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &TenantScreen,
    tenant: &Tenant,
    theme: &Theme,
    now: DateTime<Utc>,
) -> usize {
    let history = app.history_of(&screen.id);
    let focused = screen.focus == Pane::History;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(if focused { theme.accent } else { theme.border })
        .title(Span::styled(title(history, tenant), theme.title))
        .style(theme.base);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(history) = history.filter(|h| h.is_loaded() && !h.points.is_empty()) else {
        let text = match history.and_then(|h| h.error.as_deref()) {
            Some(error) => Line::styled(
                format!("▲ the restore points could not be read: {error} (asking again)"),
                theme.amber,
            ),
            None if history.is_some_and(|h| h.is_loaded()) => Line::styled(
                "No restore points: this tenant has never been backed up.",
                theme.dim,
            ),
            None => Line::styled("loading restore points…", theme.dim),
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
        return usize::from(inner.height.saturating_sub(1 + DETAIL_LINES));
    };
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(2), Constraint::Length(DETAIL_LINES)]).areas(inner);
    let rows = usize::from(table_area.height.saturating_sub(1));
    let len = history.points.len();
    let selected = screen.selected_row(len);
    let offset = screen.offset.min(len.saturating_sub(rows.max(1)));
    let columns = Columns::for_width(inner.width, tenant.secondary_region.is_some());
    let error_width = columns.error_width(inner.width);
    let visible = history.points.iter().enumerate().skip(offset).take(rows);
    let table_rows: Vec<Row> = visible
        .map(|(i, p)| {
            let row = columns.row(p, app, now, theme, error_width);
            if Some(i) == selected && focused {
                row.style(theme.selected)
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(table_rows, columns.widths())
        .header(Row::new(columns.headings()).style(theme.table_header))
        .column_spacing(1);
    frame.render_widget(table, table_area);
    if let Some(point) = selected.and_then(|i| history.points.get(i)) {
        let lines = details(point, tenant, app, now, theme);
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            detail_area,
        );
    }
    rows
}

/// " Restore points · 500 of ~2152 loaded ", then " Restore points · 2160 " once all came.
fn title(history: Option<&PointHistory>, tenant: &Tenant) -> String {
    let summary = tenant.backup.restore_point_count;
    // The card counts the points that can be restored; the history lists failed runs too,
    // and says how many, so the two numbers read together.
    let failed = |h: &PointHistory| {
        let n = h
            .points
            .iter()
            .filter(|p| p.status != crate::domain::restore_point::PointStatus::Succeeded)
            .count();
        match n {
            0 => String::new(),
            n => format!(" ({n} failed)"),
        }
    };
    match history {
        Some(h) if h.complete => format!(
            " Restore points · {}{} · newest first ",
            h.points.len(),
            failed(h)
        ),
        Some(h) if h.is_loaded() => format!(
            " Restore points · {} of ~{summary} loaded{}{} · newest first ",
            h.points.len(),
            failed(h),
            if h.is_fetching() {
                ", fetching more…"
            } else {
                ""
            }
        ),
        _ => " Restore points ".to_string(),
    }
}

/// Which columns fit: the error takes what is left; narrow screens keep the essentials and
/// leave the rest to the details under the table.
struct Columns {
    wide: bool,
    medium: bool,
    /// Only tiers with a secondary region have a copy to show.
    copies: bool,
}

impl Columns {
    fn for_width(width: u16, copies: bool) -> Self {
        Self {
            wide: width >= 150,
            medium: width >= 110,
            copies,
        }
    }

    fn headings(&self) -> Vec<&'static str> {
        let mut h = vec!["TAKEN AT", "STATUS", "DATABASE DUMP"];
        if self.wide {
            h.push("VOLUME SNAPSHOT");
        } else {
            h.push("SNAPSHOT");
        }
        h.push("SKEW");
        if self.medium && self.copies {
            h.push("COPY");
        }
        if self.medium {
            h.push("EXPIRES");
        }
        h.push("ERROR");
        h
    }

    fn widths(&self) -> Vec<Constraint> {
        let mut w = vec![
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(16),
        ];
        w.push(Constraint::Length(if self.wide { 36 } else { 11 }));
        w.push(Constraint::Length(if self.medium { 16 } else { 6 }));
        if self.medium && self.copies {
            w.push(Constraint::Length(COPY_WIDTH));
        }
        if self.medium {
            w.push(Constraint::Length(11));
        }
        w.push(Constraint::Min(10));
        w
    }

    /// What is left for the error, so a long one is cut with "…", never mid-word unseen.
    fn error_width(&self, width: u16) -> usize {
        let fixed: u16 = self
            .widths()
            .iter()
            .map(|c| match c {
                Constraint::Length(n) => n + 1,
                _ => 0,
            })
            .sum();
        usize::from(width.saturating_sub(fixed)).max(10)
    }

    fn row<'a>(
        &self,
        p: &RestorePoint,
        app: &App,
        now: DateTime<Utc>,
        theme: &Theme,
        error_width: usize,
    ) -> Row<'a> {
        let (glyph, style) = status_look(&p.status, theme);
        let mut cells = vec![
            Span::raw(short_timestamp(p.taken_at, app.time)),
            Span::styled(format!("{glyph} {}", p.status.label()), style),
            Span::raw(dump(p)),
            Span::raw(snapshot(p, self.wide)),
            Span::raw(skew(p, self.medium)),
        ];
        if self.medium && self.copies {
            cells.push(Span::raw(copy(p, now)));
        }
        if self.medium {
            cells.push(Span::raw(expires(p, now)));
        }
        cells.push(Span::styled(ellipsized(&error(p), error_width), style));
        Row::new(cells)
    }
}

fn status_look(status: &PointStatus, theme: &Theme) -> (&'static str, Style) {
    match status {
        PointStatus::Succeeded => ("✓", theme.ok),
        PointStatus::Failed => ("✗", theme.red),
        PointStatus::Partial => ("▲", theme.amber),
        PointStatus::Running => ("⟳", theme.info),
        PointStatus::Unknown(_) => ("?", theme.unknown),
    }
}

/// "41s · 700.0 MiB", or the half's status when it has no size.
fn dump(p: &RestorePoint) -> String {
    let d = &p.database;
    let took = match (d.started_at, d.finished_at) {
        (Some(start), Some(end)) if end >= start => coarse(end - start),
        _ => "—".to_string(),
    };
    match (&d.status, d.size_bytes) {
        (PointStatus::Succeeded, Some(size)) => format!("{took} · {}", bytes(size)),
        (status, _) => format!("{took} · {}", status.label()),
    }
}

/// "moodledata-20261126-0300 ✓ 50.0 GiB"; narrow: "✓ 50.0 GiB".
fn snapshot(p: &RestorePoint, with_name: bool) -> String {
    let v = &p.volume;
    let ready = if v.ready_to_use { "✓" } else { "✗" };
    let size = v
        .restore_size_bytes
        .map_or_else(|| v.status.label().to_string(), bytes);
    if with_name {
        format!("{} {ready} {size}", v.snapshot_name)
    } else {
        format!("{ready} {size}")
    }
}

/// "29s ✓ coherent" / "9m ✗ incoherent"; narrow: the skew only, marked when incoherent.
fn skew(p: &RestorePoint, words: bool) -> String {
    let skew = chrono::Duration::try_seconds(p.skew_seconds.saturating_abs())
        .map_or_else(|| format!("{}s", p.skew_seconds), coarse);
    match (p.is_coherent(), words) {
        (true, true) => format!("{skew} ✓ coherent"),
        (false, true) => format!("{skew} ✗ incoherent"),
        (true, false) => skew,
        (false, false) => format!("{skew}✗"),
    }
}

/// "eu-central-1 copied 31m ago", "… pending", "… failed"; "—" without a copy.
fn copy(p: &RestorePoint, now: DateTime<Utc>) -> String {
    let Some(c) = p.copies.first() else {
        return "—".to_string();
    };
    match (&c.status, c.copied_at) {
        (CopyStatus::Copied, Some(at)) => format!("{} {}", c.region, coarse_age(now, at)),
        (CopyStatus::Pending, _) => format!("{} pending", c.region),
        (status, _) => format!("{} {}", c.region, status.label()),
    }
}

/// "in 89d", "expired 3d ago".
fn expires(p: &RestorePoint, now: DateTime<Utc>) -> String {
    match p.expires_at {
        Some(at) if at <= now => format!("expired {}", coarse(now - at)),
        Some(at) => format!("in {}", coarse(at - now)),
        None => "—".to_string(),
    }
}

/// The first error of the pair: the database's, else the volume's.
fn error(p: &RestorePoint) -> String {
    p.database
        .error
        .clone()
        .or_else(|| p.volume.error.clone())
        .unwrap_or_default()
}

/// The selected point in words: every fact, whatever the width.
fn details<'a>(
    p: &RestorePoint,
    tenant: &Tenant,
    app: &App,
    now: DateTime<Utc>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    // While its region is down, a point is only as good as its copy elsewhere.
    let down = app.fleet.regions().down(&tenant.region).is_some();
    let copy = tenant
        .secondary_region
        .as_deref()
        .filter(|r| app.fleet.regions().down(r).is_none() && p.copied_to(r).is_some());
    let usable = match (p.unusable_reason(now), down, copy) {
        (Some(why), _, _) => Span::styled(format!("✗ cannot be restored from: {why}"), theme.red),
        (None, true, Some(region)) => Span::styled(
            format!(
                "✓ usable in {region}, from its copy ({} is down)",
                tenant.region
            ),
            theme.ok,
        ),
        (None, true, None) => Span::styled(
            format!("✗ held only in {}, which is down", tenant.region),
            theme.red,
        ),
        (None, false, _) if p.is_coherent() => Span::styled("✓ usable", theme.ok),
        (None, false, _) => Span::styled("▲ usable, but the pair is not coherent", theme.amber),
    };
    let first = Line::from(vec![
        Span::styled(format!("{} ", p.id), theme.accent),
        Span::raw(format!("taken {} ", timestamp(p.taken_at, app.time))),
        usable,
    ]);
    let copies: Vec<String> = p
        .copies
        .iter()
        .map(|c| {
            let when = c
                .copied_at
                .map_or(String::new(), |at| format!(" {}", coarse_age(now, at)));
            format!("{} {}{when}", c.region, c.status.label())
        })
        .collect();
    let second = format!(
        "database {} · snapshot {} ({}, {}) · skew {} · copies {} · expires {}",
        dump(p),
        p.volume.snapshot_name,
        if p.volume.ready_to_use {
            "ready"
        } else {
            "not ready"
        },
        p.volume
            .restore_size_bytes
            .map_or("no size".to_string(), bytes),
        duration(
            chrono::Duration::try_seconds(p.skew_seconds.saturating_abs()).unwrap_or_default()
        ),
        if copies.is_empty() {
            "none".to_string()
        } else {
            copies.join(", ")
        },
        expires(p, now),
    );
    let mut lines = vec![first, Line::styled(second, theme.dim)];
    let error = error(p);
    if !error.is_empty() {
        let (_, style) = status_look(&p.status, theme);
        lines.push(Line::styled(ellipsized(&error, 400), style));
    }
    lines
}
