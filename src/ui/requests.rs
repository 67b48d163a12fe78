//! The requests screen: support tickets waiting for on-call, with their acknowledgement clock
//! counted in business time. Drawn in the fleet table's place.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, TableState};

use super::format::{
    business_deadline_short, coarse_age, counted_title, ellipsized, panel, short_timestamp,
};
use crate::app::App;
use crate::app::screens::requests::{RequestsScreen, ack_counts};
use crate::domain::humanize::coarse;
use crate::domain::policy::DeadlineSource;
use crate::domain::request::{AckState, RestoreRequest};
use crate::theme::Theme;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Ticket,
    Tenant,
    Requested,
    Deadline,
    Point,
    Mode,
    Restore,
    Note,
}

impl Column {
    const ALL: [Column; 8] = [
        Column::Ticket,
        Column::Tenant,
        Column::Requested,
        Column::Deadline,
        Column::Point,
        Column::Mode,
        Column::Restore,
        Column::Note,
    ];

    fn title(self) -> &'static str {
        match self {
            Column::Ticket => "TICKET",
            Column::Tenant => "TENANT",
            Column::Requested => "REQUESTED",
            Column::Deadline => "ACK DEADLINE",
            Column::Point => "POINT",
            Column::Mode => "PREFERS",
            Column::Restore => "RESTORE",
            Column::Note => "NOTE",
        }
    }

    /// On a narrow terminal these give way: the deadline and what is asked matter most.
    fn drops_when_narrow(self) -> bool {
        matches!(self, Column::Requested | Column::Mode | Column::Restore)
    }

    /// Its width; `None` for NOTE, which takes the rest.
    fn width(self, tenant_width: u16) -> Option<u16> {
        match self {
            Column::Ticket => Some(9),
            Column::Tenant => Some(tenant_width),
            Column::Requested => Some(11),
            // "◷ Mon 09:23 in 1d 1h, 23m biz"
            Column::Deadline => Some(30),
            // "most recent" / "11-25 14:00"
            Column::Point => Some(11),
            Column::Mode => Some(9),
            Column::Restore => Some(26),
            Column::Note => None,
        }
    }
}

/// The order and what the clock means, where the fleet has its filter and sort.
pub fn draw_toolbar(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = if area.width >= 140 {
        " unacknowledged first, soonest deadline first · due at the time shown; biz = business \
         time left of the one-business-hour promise · ~ computed by snapdeck"
    } else if area.width >= 80 {
        " unacknowledged first · due at the time shown; biz = business time left"
    } else {
        " unacknowledged first · biz = business time left"
    };
    frame.render_widget(Paragraph::new(Span::styled(text, theme.dim)), area);
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &RequestsScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    frame.render_widget(Clear, area);
    let (waiting, overdue) = ack_counts(&app.requests, &app.calendar, now);
    let title = counted_title(
        format!(
            " Requests ({} open · {waiting} unacknowledged · ",
            app.requests.len()
        ),
        format!("{overdue} overdue"),
        overdue > 0,
        theme,
    );
    let block = panel(title, theme);
    if app.requests.is_empty() {
        let text = "No restore request is open. Support tickets asking for a restore show here.";
        frame.render_widget(Paragraph::new(text).style(theme.dim).block(block), area);
        return;
    }
    let narrow = area.width < 120;
    let shown: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| !narrow || !c.drops_when_narrow())
        .collect();
    let tenant_width = app
        .requests
        .iter()
        .map(|r| slug(app, r).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(12, if narrow { 16 } else { 28 }) as u16;
    let fixed: u16 = shown
        .iter()
        .map(|c| c.width(tenant_width).unwrap_or(0) + 1)
        .sum();
    let note_width = usize::from(area.width.saturating_sub(fixed + 2));
    let header = Row::new(shown.iter().map(|c| Cell::from(c.title()))).style(theme.table_header);
    let rows: Vec<Row> = app
        .requests
        .iter()
        .map(|r| {
            Row::new(shown.iter().map(|c| {
                cell(
                    *c,
                    r,
                    app,
                    theme,
                    now,
                    usize::from(tenant_width),
                    note_width,
                )
            }))
        })
        .collect();
    let widths = shown.iter().map(|c| {
        c.width(tenant_width)
            .map_or(Constraint::Fill(1), Constraint::Length)
    });
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state = TableState::default().with_selected(Some(screen.row(&app.requests)));
    frame.render_stateful_widget(table, area, &mut state);
}

fn cell<'a>(
    column: Column,
    r: &RestoreRequest,
    app: &App,
    theme: &Theme,
    now: DateTime<Utc>,
    tenant_width: usize,
    note_width: usize,
) -> Cell<'a> {
    match column {
        Column::Ticket => Cell::from(ellipsized(&r.ticket, 9)),
        Column::Tenant => Cell::from(ellipsized(&slug(app, r), tenant_width)),
        Column::Requested => Cell::from(coarse_age(now, r.requested_at)),
        Column::Deadline => deadline_cell(r, app, theme, now),
        Column::Point => match r.point_in_time {
            Some(at) => Cell::from(short_timestamp(at, app.time)),
            None => Cell::from(Span::styled("most recent", theme.dim)),
        },
        Column::Mode if r.prefers_overwrite => Cell::from("overwrite"),
        Column::Mode => Cell::from(Span::styled("new spoke", theme.dim)),
        Column::Restore => Cell::from(ellipsized(&restore_text(r, app), 26)),
        Column::Note => Cell::from(ellipsized(&r.note, note_width)),
    }
}

/// The tenant's slug, or its id when the fleet does not hold it (yet).
fn slug(app: &App, r: &RestoreRequest) -> String {
    app.fleet.position(&r.tenant_id).map_or_else(
        || r.tenant_id.to_string(),
        |i| app.fleet.tenant(i).slug.to_string(),
    )
}

/// "rst_41c restoring volume", or "—" before any restore answers the ticket.
fn restore_text(r: &RestoreRequest, app: &App) -> String {
    let Some(id) = &r.restore_id else {
        return "—".to_string();
    };
    match app.restores.iter().find(|x| x.id == *id) {
        Some(restore) => format!("{id} {}", restore.phase.label().replace('_', " ")),
        None => id.to_string(),
    }
}

/// The acknowledgement clock in words, with a glyph, never colour alone: "◷ due in 42m
/// (business)", "✗ overdue 1h 10m" in red, "✓ acknowledged". A deadline snapdeck computed
/// (the control plane sent none) is marked "~".
fn deadline_cell<'a>(r: &RestoreRequest, app: &App, theme: &Theme, now: DateTime<Utc>) -> Cell<'a> {
    let computed = if r.ack_deadline(&app.calendar).source == DeadlineSource::Computed {
        "~"
    } else {
        ""
    };
    let state = r.ack_state(now, &app.calendar);
    let text = match state {
        AckState::Overdue { by } => format!("✗ overdue {computed}{}", coarse(by)),
        AckState::Waiting { left } => format!(
            "◷ {computed}{}",
            business_deadline_short(r.ack_deadline(&app.calendar).at, left, now, app.time)
        ),
        AckState::Acknowledged { in_time: true, .. } => "✓ acknowledged".to_string(),
        AckState::Acknowledged { in_time: false, .. } => "✓ acknowledged late".to_string(),
    };
    Cell::from(Span::styled(text, theme.level(state.level())))
}

/// The header's ticket counts, after the running restores: "◷ 3 unacknowledged  ✗ 1 overdue",
/// "◷3 ✗1 overdue" when compact, the overdue alone when even that does not fit in `room`. The
/// overdue count is red with its glyph and word (never colour alone); a zero count is left out.
pub fn header_spans(
    app: &App,
    theme: &Theme,
    now: DateTime<Utc>,
    compact: bool,
    room: usize,
) -> Vec<Span<'static>> {
    let (waiting, overdue) = ack_counts(&app.requests, &app.calendar, now);
    // Zero says nothing: the header keeps its room for what needs someone.
    let (waiting_style, overdue_style) = (theme.info, theme.red);
    let part = |n: usize, text: String, style| (n > 0).then(|| Span::styled(text, style));
    let overdue_only: Vec<Span> = part(overdue, format!(" ✗{overdue} overdue"), overdue_style)
        .into_iter()
        .collect();
    let candidates = [
        [
            part(
                waiting,
                format!("  ◷ {waiting} unacknowledged"),
                waiting_style,
            ),
            part(overdue, format!("  ✗ {overdue} overdue"), overdue_style),
        ],
        [
            part(waiting, format!("  ◷{waiting}"), waiting_style),
            part(overdue, format!(" ✗{overdue} overdue"), overdue_style),
        ],
    ]
    .map(|c| c.into_iter().flatten().collect::<Vec<_>>());
    let candidates = candidates.into_iter().chain([overdue_only.clone()]);
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let fits = candidates
        .into_iter()
        .skip(usize::from(compact))
        .find(|c| width(c) <= room);
    match fits {
        Some(spans) => spans,
        None if overdue > 0 => overdue_only,
        None => Vec::new(),
    }
}
