//! The restores screen: every active and recent restore, with its phase, progress, RTO clock
//! and ticket. Drawn in the fleet table's place.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{
    Block, BorderType, Borders, Cell, Clear, Paragraph, Row, Table, TableState,
};

use super::format::{business_deadline_short, coarse_age, ellipsized, rto_ended};
use crate::app::App;
use crate::app::screens::requests::request_for;
use crate::app::screens::restores::{DrillsShown, RestoresScreen};
use crate::domain::Level;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::humanize::coarse;
use crate::domain::policy::DeadlineSource;
use crate::domain::restore::{Restore, RestorePhase, RestorePurpose, StepStatus};
use crate::domain::rto::{Counting, RtoState, restore_rto};
use crate::domain::tenant::Tier;
use crate::theme::Theme;

/// A column of the table: its title, and its width when the table is wide (0: the rest).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Phase,
    Id,
    Tenant,
    Mode,
    Rto,
    Ticket,
    Requested,
    Progress,
}

impl Column {
    const ALL: [Column; 8] = [
        Column::Phase,
        Column::Id,
        Column::Tenant,
        Column::Mode,
        Column::Rto,
        Column::Ticket,
        Column::Requested,
        Column::Progress,
    ];

    fn title(self) -> &'static str {
        match self {
            Column::Phase => "PHASE",
            Column::Id => "RESTORE",
            Column::Tenant => "TENANT → TARGET",
            Column::Mode => "MODE",
            Column::Rto => "RTO",
            Column::Ticket => "TICKET",
            Column::Requested => "REQUESTED",
            Column::Progress => "PROGRESS",
        }
    }

    /// On a narrow terminal these give way, so the progress keeps its room.
    fn drops_when_narrow(self) -> bool {
        matches!(
            self,
            Column::Id | Column::Mode | Column::Ticket | Column::Requested
        )
    }
}

/// What the list holds and in what order, where the fleet has its filter and sort.
pub fn draw_toolbar(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = if area.width >= 120 {
        " active first, newest first · RTO: ~ computed by snapdeck, biz = business time left · \
         Enter opens its monitor"
    } else if area.width >= 70 {
        " active first, newest first · ~ computed · biz = business time · Enter: monitor"
    } else {
        " active first · Enter: monitor"
    };
    frame.render_widget(Paragraph::new(Span::styled(text, theme.dim)), area);
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &RestoresScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    frame.render_widget(Clear, area);
    let listed = screen.listed(&app.restores);
    let active = listed.iter().filter(|r| r.phase.is_active()).count();
    let left_out = match screen.drills.words() {
        "" => String::new(),
        words => format!(" · {words}"),
    };
    let title = format!(
        " Restores ({active} active, {} recent{left_out}) ",
        listed.len() - active
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(title, theme.title));
    if listed.is_empty() {
        let text = match screen.drills {
            DrillsShown::All => {
                "No restore is running or recent. Restores launched from a tenant show here."
            }
            _ => "None listed: p shows the others.",
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim).block(block), area);
        return;
    }
    let narrow = area.width < 120;
    let shown: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| !narrow || !c.drops_when_narrow())
        .collect();
    // TENANT follows its content: as wide as the longest, within reason.
    let mut ctx = RowContext {
        app,
        calendar: &app.calendar,
        narrow,
        widths: Widths::default(),
        theme,
        now,
    };
    let rto: Vec<(String, Style)> = listed.iter().map(|r| rto_text(r, &ctx)).collect();
    // TENANT and RTO follow their content: as wide as the longest, within reason.
    let longest = |texts: &mut dyn Iterator<Item = usize>| texts.max().unwrap_or(0);
    ctx.widths.rto = longest(&mut rto.iter().map(|(t, _)| t.chars().count())).clamp(3, 30) as u16;
    // TENANT takes what PROGRESS can spare ("checks: 4 of 4 passed" keeps its room).
    let others: u16 = shown
        .iter()
        .filter(|c| **c != Column::Tenant)
        .map(|c| width(*c, &ctx.widths).unwrap_or(0) + 1)
        .sum();
    let spare = match narrow {
        true => usize::MAX,
        false => usize::from(area.width.saturating_sub(others + 3 + PROGRESS_MIN)),
    };
    let tenants = &mut listed
        .iter()
        .map(|r| tenant_text(r, narrow).chars().count());
    ctx.widths.tenant = longest(tenants)
        .min(spare)
        .clamp(15, if narrow { 22 } else { 64 }) as u16;
    let fixed = others + ctx.widths.tenant + 1;
    ctx.widths.progress = area.width.saturating_sub(fixed + 2);
    let header = Row::new(shown.iter().map(|c| Cell::from(c.title()))).style(theme.table_header);
    let rows: Vec<Row> = listed
        .iter()
        .zip(rto)
        .map(|(r, rto)| row(r, rto, &shown, &ctx))
        .collect();
    let widths = shown
        .iter()
        .map(|c| width(*c, &ctx.widths).map_or(Constraint::Fill(1), Constraint::Length));
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected);
    let mut state = TableState::default().with_selected(Some(screen.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// What PROGRESS keeps when TENANT would like more: "checks: 12 of 12 passed".
const PROGRESS_MIN: u16 = 24;

/// A column's width; `None` for PROGRESS, which takes the rest.
fn width(column: Column, widths: &Widths) -> Option<u16> {
    match column {
        Column::Phase => Some(23),
        Column::Id | Column::Mode | Column::Ticket => Some(9),
        // "1h 15m ago"
        Column::Requested => Some(10),
        Column::Tenant => Some(widths.tenant),
        Column::Rto => Some(widths.rto),
        Column::Progress => None,
    }
}

/// The widths that follow the content.
#[derive(Default)]
struct Widths {
    tenant: u16,
    rto: u16,
    progress: u16,
}

struct RowContext<'a> {
    app: &'a App,
    calendar: &'a BusinessCalendar,
    narrow: bool,
    widths: Widths,
    theme: &'a Theme,
    now: DateTime<Utc>,
}

impl RowContext<'_> {
    /// The restored tenant's tier, which decides how its RTO is counted.
    fn tier_of(&self, r: &Restore) -> Tier {
        let fleet = &self.app.fleet;
        fleet
            .position(&r.tenant_id)
            .map_or(Tier::Unknown(String::new()), |i| {
                fleet.tenant(i).tier.clone()
            })
    }
}

/// "northfield-s3 → northfield-s3-restore-20261126"; the source alone when narrow or in place;
/// "drill: …" for a drill, which is never a customer's restore.
fn tenant_text(r: &Restore, narrow: bool) -> String {
    let drill = match r.purpose {
        RestorePurpose::Drill => "drill: ",
        _ => "",
    };
    if narrow || r.target_slug == r.source_slug {
        format!("{drill}{}", r.source_slug)
    } else {
        format!("{drill}{} → {}", r.source_slug, r.target_slug)
    }
}

fn row<'a>(
    r: &Restore,
    (rto, rto_style): (String, Style),
    shown: &[Column],
    ctx: &RowContext<'_>,
) -> Row<'a> {
    let progress_width = usize::from(ctx.widths.progress);
    let cells = shown.iter().map(|c| match c {
        Column::Phase => phase_cell(r, ctx.theme),
        Column::Id => Cell::from(r.id.to_string()),
        Column::Tenant => Cell::from(ellipsized(
            &tenant_text(r, ctx.narrow),
            usize::from(ctx.widths.tenant),
        )),
        Column::Mode => Cell::from(r.mode.label().into_owned()),
        Column::Rto => Cell::from(Span::styled(rto.clone(), rto_style)),
        Column::Ticket => Cell::from(r.ticket.clone().unwrap_or_else(|| "—".to_string())),
        Column::Requested => Cell::from(coarse_age(ctx.now, r.requested_at)),
        // A failure reads in words, in red, where the progress was.
        Column::Progress if r.phase == RestorePhase::Failed => Cell::from(Span::styled(
            ellipsized(&format!("✗ {}", progress(r, ctx.app)), progress_width),
            ctx.theme.red,
        )),
        Column::Progress => Cell::from(ellipsized(&progress(r, ctx.app), progress_width)),
    });
    Row::new(cells)
}

fn phase_cell<'a>(r: &Restore, theme: &Theme) -> Cell<'a> {
    let (glyph, style) = match &r.phase {
        RestorePhase::Completed => ("✓", theme.ok),
        RestorePhase::Failed => ("✗", theme.red),
        RestorePhase::Cancelled => ("–", theme.dim),
        RestorePhase::Discarded => ("⌫", theme.dim),
        RestorePhase::AwaitingConfirmation => ("▲", theme.amber),
        RestorePhase::Unknown(_) => ("?", theme.dim),
        _ => ("⟳", theme.info),
    };
    let text = format!("{glyph} {}", r.phase.label().replace('_', " "));
    Cell::from(Span::styled(text, style))
}

/// The running step, how far, and its message: "restore_volume 42% · 21.0 of 50.0 GiB".
fn progress(r: &Restore, app: &App) -> String {
    if r.phase == RestorePhase::AwaitingConfirmation {
        return app.checks_tally(r).words();
    }
    let running = r.steps.iter().find(|s| s.status == StepStatus::Running);
    match running {
        Some(step) => {
            let percent = step
                .progress
                .map_or(String::new(), |p| format!(" {:.0}%", p * 100.0));
            let message = step
                .message
                .as_deref()
                .map_or(String::new(), |m| format!(" · {m}"));
            format!("{}{percent}{message}", step.name.replace('_', " "))
        }
        None => r.error.clone().unwrap_or_default(),
    }
}

/// The RTO clock (DESIGN.md): time left, in business time for Standard ("biz"); amber under
/// a quarter of the budget, red once passed; stopped when the restore ends. A deadline
/// snapdeck computed (the control plane gave none) is marked "~".
fn rto_text(r: &Restore, ctx: &RowContext<'_>) -> (String, Style) {
    let Some(clock) = restore_rto(
        r,
        &ctx.tier_of(r),
        request_for(ctx.app, r),
        ctx.calendar,
        ctx.now,
    ) else {
        return ("—".to_string(), ctx.theme.dim);
    };
    let computed = if clock.deadline.source == DeadlineSource::Computed {
        "~"
    } else {
        ""
    };
    let text = match &clock.state {
        RtoState::Running { left } if clock.counting == Counting::BusinessHours => format!(
            "{computed}{}",
            business_deadline_short(clock.deadline.at, *left, ctx.now, ctx.app.time)
        ),
        RtoState::Running { left } => format!("{computed}{} left", coarse(*left)),
        RtoState::Overdue { by } => format!("passed {}", coarse(*by)),
        RtoState::Ended { .. } => rto_ended(&clock),
    };
    let style = match clock.level() {
        Level::Ok | Level::Info => Style::default(),
        level => ctx.theme.level(level),
    };
    (text, style)
}
