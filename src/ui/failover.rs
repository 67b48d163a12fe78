//! The Failover screen: the plan (who is restored elsewhere, from what, when each is back
//! against the RTO, at N at once) and, once launched, the batch (a row per tenant, the
//! totals, the projected finish). Only the rows in view are built: a batch has thousands.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, TableState};

use super::format::{ellipsized, panel};
use crate::app::App;
use crate::app::screens::failover::{FailoverRun, FailoverScreen};
use crate::domain::failover::projection::clock;
use crate::domain::failover::{LeftOut, Planned};
use crate::domain::humanize::{coarse, count};
use crate::domain::workflow::failover::{BatchFlow, Member, Stage};
use crate::theme::Theme;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &FailoverScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    frame.render_widget(Clear, area);
    let Some(run) = app.failover() else {
        return;
    };
    let head = head_lines(
        run,
        screen,
        theme,
        now,
        area.width.saturating_sub(2) as usize,
    );
    let [top, table] = Layout::vertical([
        Constraint::Length(head.len() as u16 + 2),
        Constraint::Fill(1),
    ])
    .areas(area);
    let width = area.width.saturating_sub(4) as usize;
    let title = Line::from(vec![Span::styled(
        ellipsized(&title_words(run, now), width),
        theme.title,
    )]);
    frame.render_widget(Paragraph::new(head).block(panel(title, theme)), top);
    match &run.batch {
        Some(batch) => draw_batch(frame, table, run, batch, screen.selected, theme, now),
        None => draw_plan(frame, table, run, screen.selected, theme),
    }
}

/// " Failover · eu-west-1 down since 03:12 (1h 8m) · the 4h RTO ends 07:12 UTC ".
fn title_words(run: &FailoverRun, now: DateTime<Utc>) -> String {
    let plan = &run.plan;
    let since = match plan.since {
        Some(at) => format!(
            "down since {} UTC ({})",
            at.format("%H:%M"),
            coarse(now - at)
        ),
        None => "not down: the RTO counts from the launch".to_string(),
    };
    let batch = run
        .batch
        .as_ref()
        .map_or(String::new(), |b| format!(" · {}", b.spec.batch));
    format!(
        " Failover · {} {since} · RTO ends {} UTC{batch} ",
        plan.region,
        clock(run.projection.deadline, run.projection.from)
    )
}

fn head_lines<'a>(
    run: &FailoverRun,
    screen: &FailoverScreen,
    theme: &Theme,
    now: DateTime<Utc>,
    width: usize,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    match &run.batch {
        None => {
            let style = if run.projection.past > 0 {
                theme.amber
            } else {
                theme.ok
            };
            lines.push(Line::from(Span::styled(
                ellipsized(&run.projection.words(), width),
                style,
            )));
            lines.push(Line::from(Span::styled(
                ellipsized(&left_out_words(&run.plan.left_out), width),
                theme.dim,
            )));
        }
        Some(batch) => {
            let t = batch.totals();
            let style = if t.failed > 0 { theme.red } else { theme.base };
            lines.push(Line::from(Span::styled(
                ellipsized(&t.words(), width),
                style,
            )));
            let projection = batch.projected(now);
            let projected = batch.projected_words(projection);
            let style = if projection.is_some_and(|(_, past)| past > 0) {
                theme.amber
            } else {
                theme.dim
            };
            let failing = batch
                .list_failing
                .as_ref()
                .map_or(String::new(), |w| format!(" · listing failed: {w}"));
            lines.push(Line::from(Span::styled(
                ellipsized(&format!("{projected}{failing}"), width),
                style,
            )));
        }
    }
    if let Some(prompt) = &screen.prompt {
        let expected = prompt.what.expects(&run.plan.region);
        lines.push(Line::from(vec![
            Span::styled(
                format!("Type {expected} to {}: ", prompt.what.words()),
                theme.callout,
            ),
            Span::styled(prompt.typed.value().to_string(), theme.input),
            Span::styled("▏ Enter sends · Esc backs out", theme.dim),
        ]));
    }
    lines
}

/// "Not in the plan: 30 Standard (they wait) · 10 without a usable copy · …".
fn left_out_words(left: &[LeftOut]) -> String {
    if left.is_empty() {
        return "Every tenant of the region is in the plan.".into();
    }
    let n = |f: fn(&LeftOut) -> bool| left.iter().filter(|l| f(l)).count();
    let parts = [
        (
            n(|l| matches!(l, LeftOut::Standard { .. })),
            "Standard (no copy: they wait)",
        ),
        (
            n(|l| matches!(l, LeftOut::NoUsableCopy { .. })),
            "without a usable copy",
        ),
        (
            n(|l| matches!(l, LeftOut::RestoreActive { .. })),
            "with a restore already active",
        ),
        (
            n(|l| matches!(l, LeftOut::RestoreTarget { .. })),
            "restore targets or drills",
        ),
        (
            n(|l| {
                matches!(
                    l,
                    LeftOut::NotActive { .. }
                        | LeftOut::OtherSecondary { .. }
                        | LeftOut::UnknownTier { .. }
                )
            }),
            "other",
        ),
    ];
    let said: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    format!(
        "Not in the plan ({}): {} — `snapdeck failover plan` lists each and why",
        left.len(),
        said.join(" · ")
    )
}

/// The rows in view: `selected` kept on screen, `height` rows from `start`.
fn window(rows: usize, selected: usize, height: usize) -> (usize, usize) {
    let height = height.max(1);
    let start = selected
        .saturating_sub(height - 1)
        .min(rows.saturating_sub(height));
    (start, (start + height).min(rows))
}

fn draw_plan(frame: &mut Frame, area: Rect, run: &FailoverRun, selected: usize, theme: &Theme) {
    let narrow = area.width < 110;
    let header: &[&str] = if narrow {
        &["#", "TENANT", "LOSS", "RESTORE", "BACK BY", "RTO"]
    } else {
        &[
            "#",
            "TENANT",
            "TO",
            "POINT (UTC)",
            "LOSS",
            "RESTORE",
            "ESTIMATED FROM",
            "BACK BY",
            "RTO",
        ]
    };
    let entries = &run.plan.entries;
    let (start, end) = window(
        entries.len(),
        selected,
        area.height.saturating_sub(3) as usize,
    );
    let mut number = run.projection.finishes[..start].iter().flatten().count();
    let from = run.projection.from;
    let rows: Vec<Row> = (start..end)
        .map(|i| {
            let e: &Planned = &entries[i];
            let finish = run.projection.finishes.get(i).copied().flatten();
            let bound = if e.point.exact { "" } else { "≥" };
            let (n, back, rto, style) = match finish {
                Some(at) => {
                    number += 1;
                    let late = at > run.projection.deadline;
                    let rto = if late {
                        format!("late {}", coarse(at - run.projection.deadline))
                    } else {
                        "in time".into()
                    };
                    (
                        number.to_string(),
                        clock(at, from),
                        rto,
                        if late { theme.amber } else { theme.ok },
                    )
                }
                None => ("–".into(), "—".into(), "excluded".into(), theme.dim),
            };
            let mut cells = vec![
                Cell::from(n),
                Cell::from(ellipsized(&e.slug, if narrow { 24 } else { 30 })),
            ];
            if !narrow {
                cells.push(Cell::from(e.to.clone()));
                let point = format!(
                    "{}{}",
                    if e.point.exact { "" } else { "≤" },
                    e.point.taken_at.format("%m-%d %H:%M")
                );
                cells.push(Cell::from(point));
            }
            cells.push(Cell::from(format!("{bound}{}", coarse(e.loss))));
            cells.push(Cell::from(coarse(e.estimate.took)));
            if !narrow {
                cells.push(Cell::from(e.estimate.basis.words()).style(theme.dim));
            }
            cells.push(Cell::from(back));
            cells.push(Cell::from(rto).style(style));
            Row::new(cells)
        })
        .collect();
    let widths: Vec<Constraint> = if narrow {
        [4, 24, 8, 8, 9, 12].map(Constraint::Length).to_vec()
    } else {
        vec![
            Constraint::Length(4),
            Constraint::Length(30),
            Constraint::Length(13),
            Constraint::Length(13),
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(26),
            Constraint::Length(10),
            Constraint::Fill(1),
        ]
    };
    let included = run.plan.included().count();
    let title = format!(
        " Plan: {} at {} at once · {} ",
        count(included, "restore"),
        run.parallel,
        if included < entries.len() {
            format!("{} excluded", entries.len() - included)
        } else {
            "none excluded".into()
        }
    );
    let table = table(rows, widths, header, title, theme);
    let mut state = TableState::default().with_selected(Some(selected.saturating_sub(start)));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The rows in view, under `header`, in a panel titled `title`.
fn table<'a>(
    rows: Vec<Row<'a>>,
    widths: Vec<Constraint>,
    header: &[&'a str],
    title: String,
    theme: &Theme,
) -> Table<'a> {
    Table::new(rows, widths)
        .header(Row::new(header.iter().map(|h| Cell::from(*h))).style(theme.table_header))
        .block(panel(Line::from(Span::styled(title, theme.title)), theme))
        .column_spacing(1)
        .row_highlight_style(theme.selected)
}

fn stage_style(m: &Member, theme: &Theme) -> ratatui::style::Style {
    match m.stage {
        Stage::Failed => theme.red,
        Stage::Awaiting if !m.checks_passed(false) => theme.amber,
        Stage::Awaiting | Stage::Checking => theme.callout,
        Stage::Swapped => theme.ok,
        Stage::Dropped | Stage::Waiting => theme.dim,
        _ => theme.base,
    }
}

fn draw_batch(
    frame: &mut Frame,
    area: Rect,
    run: &FailoverRun,
    batch: &BatchFlow,
    selected: usize,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let narrow = area.width < 110;
    let header: &[&str] = if narrow {
        &["TENANT", "STATE", "PROGRESS", "CHECKS", "RTO LEFT"]
    } else {
        &[
            "TENANT", "STATE", "PROGRESS", "CHECKS", "RTO LEFT", "LOSS", "NOTE",
        ]
    };
    let losses: Vec<&Planned> = run.plan.included().collect();
    // The columns after the slug, with their spacing, and the borders.
    let slug_width = if narrow {
        (area.width as usize).saturating_sub(2 + 55 + 5).max(8)
    } else {
        28
    };
    let members = &batch.members;
    let (start, end) = window(
        members.len(),
        selected,
        area.height.saturating_sub(3) as usize,
    );
    let rows: Vec<Row> = (start..end)
        .map(|i| {
            let m = &members[i];
            let progress = m.progress_words();
            let rto = match m.stage {
                Stage::Confirmed | Stage::Swapping | Stage::Swapped => "delivered".to_string(),
                Stage::Dropped => "—".to_string(),
                _ if now > batch.spec.deadline => {
                    format!("late {}", coarse(now - batch.spec.deadline))
                }
                _ => coarse(batch.spec.deadline - now),
            };
            let mut cells = vec![
                Cell::from(ellipsized(&m.slug, slug_width)),
                Cell::from(m.state_word()).style(stage_style(m, theme)),
                Cell::from(progress),
                Cell::from(m.checks_words()),
                Cell::from(rto),
            ];
            if !narrow {
                let loss = losses
                    .get(i)
                    .filter(|e| e.tenant == m.tenant)
                    .map_or("—".into(), |e| {
                        format!("{}{}", if e.point.exact { "" } else { "≥" }, coarse(e.loss))
                    });
                cells.push(Cell::from(loss));
                let note = m
                    .note
                    .clone()
                    .or_else(|| m.restore.as_ref().map(|r| format!("→ {}", r.target_slug)))
                    .unwrap_or_default();
                cells.push(Cell::from(note).style(theme.dim));
            }
            Row::new(cells)
        })
        .collect();
    let widths: Vec<Constraint> = if narrow {
        vec![
            Constraint::Fill(1),
            Constraint::Length(12),
            Constraint::Length(18),
            Constraint::Length(13),
            Constraint::Length(12),
        ]
    } else {
        vec![
            Constraint::Length(28),
            Constraint::Length(13),
            Constraint::Length(26),
            Constraint::Length(14),
            Constraint::Length(12),
            Constraint::Length(9),
            Constraint::Fill(1),
        ]
    };
    let title = format!(
        " {} · {} at once ",
        count(members.len(), "tenant"),
        batch.spec.parallel
    );
    let table = table(rows, widths, header, title, theme);
    let mut state = TableState::default().with_selected(Some(selected.saturating_sub(start)));
    frame.render_stateful_widget(table, area, &mut state);
}
