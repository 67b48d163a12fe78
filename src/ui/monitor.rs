//! The restore monitor: the phase line, a failure in words, each step with a gauge, its
//! message and time, the RTO clock, the verification checks, the live event log, and the
//! prompt of confirm (notes, and the slug when a check did not pass), cancel or discard.

use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::format::{age, coarse_age, ellipsized, rto_ended, timestamp};
use crate::app::App;
use crate::app::own_checks::{NOT_SET_UP_LINE, OwnChecks};
use crate::app::screens::monitor::MonitorScreen;
use crate::app::screens::requests::request_for;
use crate::domain::humanize::{coarse, duration};
use crate::domain::restore::{CheckStatus, Restore, RestorePhase, RestoreStep, StepStatus};
use crate::domain::rto::{Counting, RtoState, restore_rto};
use crate::domain::tenant::Tier;
use crate::domain::verify::{CheckKind, Verdict};
use crate::theme::Theme;
use prompt::next_move;
pub use prompt::typed_confirmation;

/// Cells of a step's progress bar.
const GAUGE: usize = 20;
/// Rows the event log keeps however much the status above takes (its title and 3 lines).
const LOG_MIN: usize = 4;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    monitor: &MonitorScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    frame.render_widget(Clear, area);
    let Some(restore) = app.restores.iter().find(|r| r.id == monitor.id) else {
        let gone = format!(
            "Restore {} is no longer reported. Esc goes back.",
            monitor.id
        );
        frame.render_widget(
            Paragraph::new(gone).block(block(String::new(), theme)),
            area,
        );
        return;
    };
    let home = app
        .fleet
        .position(&restore.tenant_id)
        .map(|i| app.fleet.tenant(i).region.as_str());
    let across = restore
        .target_region
        .as_deref()
        .filter(|r| home.is_some_and(|home| home != *r));
    let outer = block(title(restore, across, usize::from(area.width)), theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let width = usize::from(inner.width);
    let moves = next_move(app, restore, monitor.prompt.as_ref(), theme);
    // A small terminal gets the short form: checks that passed in one line, no details, so
    // what did not pass is never the part cut off.
    let room = usize::from(inner.height).saturating_sub(rows_of(&moves, width) + LOG_MIN);
    let mut status = status_lines(app, restore, theme, now, width, false);
    if rows_of(&status, width) > room {
        status = status_lines(app, restore, theme, now, width, true);
    }
    // Still too long (a very small terminal): blank lines and then the ticket and RTO facts
    // go, and the log gives way, as the next move may ask the operator to read a check, and
    // the check must then be on screen.
    let room_without_log = usize::from(inner.height).saturating_sub(rows_of(&moves, width));
    squeeze(&mut status, width, room_without_log);
    let log_min = match rows_of(&status, width) > room {
        true => 0,
        false => LOG_MIN,
    };
    let [top, log_area, bottom] = split(
        inner,
        rows_of(&status, width),
        rows_of(&moves, width),
        log_min,
    );
    frame.render_widget(Paragraph::new(status).wrap(Wrap { trim: false }), top);
    log::draw(frame, log_area, &monitor.log, app.time, theme);
    frame.render_widget(Paragraph::new(moves).wrap(Wrap { trim: false }), bottom);
}

/// Drops blank lines, then the facts line ("ticket … · RTO …"), while `lines` take more rows
/// than `room`: what a check says is worth more than spacing and the ticket's number.
fn squeeze(lines: &mut Vec<Line>, width: usize, room: usize) {
    if rows_of(lines, width) > room {
        lines.retain(|l| !text_of(l).trim().is_empty());
    }
    if rows_of(lines, width) > room {
        lines.retain(|l| !text_of(l).starts_with("ticket "));
    }
}

fn text_of(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// " Restore rst_41c · nf-s3 → nf-s3-restore-20261126 (new spoke) ", with " in eu-central-1,
/// from the copy" when it restores in another region (`across`); shorter when the box is
/// narrow: never cut into its own border.
fn title(restore: &Restore, across: Option<&str>, box_width: usize) -> String {
    let room = box_width.saturating_sub(4);
    let mode = restore.mode.label().replace('_', " ");
    let (id, source, target) = (&restore.id, &restore.source_slug, &restore.target_slug);
    let (far, near) = match across {
        Some(region) => (
            format!(" in {region}, from the copy"),
            format!(" in {region}"),
        ),
        None => (String::new(), String::new()),
    };
    let candidates = [
        format!(" Restore {id} · {source} → {target}{far} ({mode}) "),
        format!(" Restore {id} · {source} → {target}{near} ({mode}) "),
        format!(" Restore {id} · {source} → {target}{near} "),
        format!(" {id} → {target}{near} "),
        format!(" {id} → {target} "),
    ];
    match candidates.iter().find(|t| t.chars().count() <= room) {
        Some(fits) => fits.clone(),
        None => format!(
            " {} ",
            ellipsized(&format!("{id} → {target}"), room.saturating_sub(2))
        ),
    }
}

/// The status on top, the event log in the middle, the next move (or the prompt) at the
/// bottom. The prompt always gets its rows; the log at least `LOG_MIN`, more when the status
/// leaves it room; the status what remains.
fn split(area: Rect, status_rows: usize, move_rows: usize, log_min: usize) -> [Rect; 3] {
    let height = usize::from(area.height);
    let bottom = move_rows.min(height);
    let log = height
        .saturating_sub(bottom + status_rows)
        .max(log_min)
        .min(height - bottom);
    let top = height - bottom - log;
    let row = |y: usize, h: usize| Rect::new(area.x, area.y + y as u16, area.width, h as u16);
    [row(0, top), row(top, log), row(top + log, bottom)]
}

/// Rows `lines` take once word-wrapped to `width` (as the paragraph wraps them, closely).
fn rows_of(lines: &[Line], width: usize) -> usize {
    lines.iter().map(|line| wrapped_rows(line, width)).sum()
}

fn wrapped_rows(line: &Line, width: usize) -> usize {
    if width == 0 {
        return 1;
    }
    let text = text_of(line);
    let (mut rows, mut column) = (1, 0);
    for word in text.split_inclusive(' ') {
        let visible = word.trim_end().chars().count();
        if column > 0 && column + visible > width {
            rows += 1;
            column = 0;
        }
        column += word.chars().count();
        while column > width {
            rows += 1;
            column -= width;
        }
    }
    rows
}

/// A line cut to `width` cells, ending in "…" when cut: steps, checks and log lines stay on
/// one row each, so the pane's height says how many fit.
pub(super) fn clipped<'a>(line: Line<'a>, width: usize) -> Line<'a> {
    if line.width() <= width {
        return line;
    }
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        let n = span.content.chars().count();
        if n <= left {
            left -= n;
            spans.push(span);
            continue;
        }
        let cut: String = span.content.chars().take(left).collect();
        spans.push(Span::styled(format!("{cut}…"), span.style));
        break;
    }
    Line::from(spans)
}

/// Phases, the failure in words, facts, steps and checks.
fn status_lines<'a>(
    app: &App,
    restore: &Restore,
    theme: &Theme,
    now: DateTime<Utc>,
    width: usize,
    short: bool,
) -> Vec<Line<'a>> {
    let mut lines = vec![phases(restore, theme)];
    if restore.purpose == crate::domain::restore::RestorePurpose::Drill {
        // A drill says what it is first: nobody is to confirm it or point DNS at it.
        let words = app.drill_flow(&restore.id).map_or_else(
            || "a restore drill made elsewhere (snapdeck drill): it is discarded when done".into(),
            |run| run.words(),
        );
        let line = Line::from(vec![
            Span::styled("Drill  ", theme.title),
            Span::styled(words, theme.info),
        ]);
        lines.push(clipped(line, width));
    }
    if let Some(error) = &restore.error {
        // A failure is the first thing read, in words, not a code.
        let failed_in = failed_phase(restore).map_or(String::new(), |p| {
            format!(" in {}", p.label().replace('_', " "))
        });
        lines.push(Line::from(Span::styled(
            format!("✗ FAILED{failed_in}: {error}"),
            theme.red.add_modifier(Modifier::BOLD),
        )));
    }
    lines.push(Line::raw(""));
    lines.push(facts(app, restore, theme, now));
    lines.push(Line::raw(""));
    // Once checks are in and every step succeeded, the steps take one line: the checks are
    // what the operator reads now, and they must fit a small terminal with the prompt open.
    let all_done = restore.verification.is_some()
        && !restore.steps.is_empty()
        && restore
            .steps
            .iter()
            .all(|s| s.status == StepStatus::Succeeded);
    if all_done {
        lines.push(steps_done(restore, theme));
    } else {
        lines.push(Line::from(Span::styled("Steps", theme.title)));
        lines.extend(
            restore
                .steps
                .iter()
                .map(|s| clipped(step(s, theme, now, gauge_for(width)), width)),
        );
    }
    if let Some(checks) = &restore.verification {
        if !all_done {
            lines.push(Line::raw(""));
        }
        let passed = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Passed)
            .count();
        lines.push(if short {
            counted_heading("Verification", passed, checks.len(), theme)
        } else {
            Line::from(Span::styled("Verification", theme.title))
        });
        let shown = checks
            .iter()
            .filter(|c| !(short && c.status == CheckStatus::Passed));
        lines.extend(shown.map(|c| {
            let (glyph, style) = match c.status {
                CheckStatus::Passed => ("✓", theme.ok),
                CheckStatus::Warning => ("▲", theme.amber),
                _ => ("✗", theme.red),
            };
            let line = Line::from(vec![
                Span::styled(format!("  {glyph} {:<36}", c.name), style),
                Span::raw(c.detail.clone()),
            ]);
            // What did not pass is read in full: wrapped, never cut.
            match c.status {
                CheckStatus::Passed => clipped(line, width),
                _ => line,
            }
        }));
    }
    if restore.phase == RestorePhase::AwaitingConfirmation {
        lines.extend(own_checks(app, restore, theme, now, width, short));
    }
    lines
}

/// A heading that counts the checks that passed, for the short form.
fn counted_heading<'a>(title: &'a str, passed: usize, total: usize, theme: &Theme) -> Line<'a> {
    let count = if passed == total {
        format!("✓ all {total} passed")
    } else {
        format!("✓ {passed} of {total} passed")
    };
    Line::from(vec![
        Span::styled(title, theme.title),
        Span::raw("  "),
        Span::styled(count, theme.ok),
    ])
}

/// "snapdeck's checks": what snapdeck itself found in the restored spoke, beside the control
/// plane's own.
fn own_checks<'a>(
    app: &App,
    restore: &Restore,
    theme: &Theme,
    now: DateTime<Utc>,
    width: usize,
    short: bool,
) -> Vec<Line<'a>> {
    // Not set up: one line, so a small terminal never shows the heading without its words.
    if !app.own_checks_configured() {
        let line = Line::from(vec![
            Span::styled("snapdeck's checks ", theme.title),
            Span::styled(NOT_SET_UP_LINE, theme.dim),
        ]);
        return vec![clipped(line, width)];
    }
    let mut lines = vec![Line::from(Span::styled("snapdeck's checks", theme.title))];
    let said = |text: String, style| clipped(Line::from(Span::styled(text, style)), width);
    match app.own_checks(&restore.id) {
        None | Some(OwnChecks::FindingPoint) => lines.push(said(
            "  ⋯ finding the restore point's time in the tenant's history".into(),
            theme.dim,
        )),
        Some(OwnChecks::Running { since, finished }) => lines.push(said(
            format!(
                "  ⋯ {finished} of {} checks · reading the restored database, moodledata \
                 and site ({})",
                CheckKind::ALL.len(),
                duration(now - *since)
            ),
            theme.dim,
        )),
        Some(OwnChecks::CannotRun(why)) => {
            lines.push(said(format!("  ✗ could not run: {why}"), theme.red));
        }
        Some(OwnChecks::Done(checks)) => {
            // The short form: what passed is counted on the heading, so the one that did not
            // pass is never the line cut off.
            if short {
                let passed = checks
                    .iter()
                    .filter(|c| c.verdict == Verdict::Passed)
                    .count();
                lines[0] = counted_heading("snapdeck's checks", passed, checks.len(), theme);
            }
            let shown = checks
                .iter()
                .filter(|c| !(short && c.verdict == Verdict::Passed));
            for c in shown {
                let (glyph, style) = match c.verdict {
                    Verdict::Passed => ("✓", theme.ok),
                    Verdict::Warning => ("▲", theme.amber),
                    Verdict::CouldNotCheck => ("?", theme.amber),
                    Verdict::Failed => ("✗", theme.red),
                };
                let line = Line::from(vec![
                    Span::styled(format!("  {glyph} {:<19}", c.kind.title()), style),
                    Span::raw(c.summary.clone()),
                ]);
                // What did not pass is read in full: wrapped, never cut.
                lines.push(match c.verdict {
                    Verdict::Passed => clipped(line, width),
                    _ => line,
                });
                if !short {
                    for detail in details::shown(c) {
                        lines.push(said(format!("      {detail}"), theme.dim));
                    }
                }
            }
            if !short {
                lines.push(said("  v runs them again".into(), theme.dim));
            }
        }
    }
    lines
}

/// The phase a failed or cancelled restore stopped in: the one of its failed step, else of
/// its first skipped one.
fn failed_phase(restore: &Restore) -> Option<RestorePhase> {
    let at = restore
        .steps
        .iter()
        .position(|s| s.status == StepStatus::Failed)
        .or_else(|| {
            restore
                .steps
                .iter()
                .position(|s| s.status == StepStatus::Skipped)
        })?;
    // Steps run one per work phase, from `provisioning` on.
    RestorePhase::HAPPY_PATH.get(at + 1).cloned()
}

fn block(title: String, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.title))
        .style(theme.base)
}

/// queued ✓ › provisioning ✓ › … with the current phase marked.
fn phases<'a>(restore: &Restore, theme: &Theme) -> Line<'a> {
    let current = RestorePhase::HAPPY_PATH
        .iter()
        .position(|p| *p == restore.phase);
    // Where an ended restore stopped: the phases before it are marked done, that one ✗.
    let stopped = match current {
        None => failed_phase(restore)
            .and_then(|phase| RestorePhase::HAPPY_PATH.iter().position(|p| *p == phase)),
        Some(_) => None,
    };
    let current = current.or(stopped);
    let mut spans = Vec::new();
    for (i, phase) in RestorePhase::HAPPY_PATH.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim));
        }
        let name = phase.label().replace('_', " ");
        let (text, style) = match current {
            Some(at) if i < at => (format!("{name} ✓"), theme.ok),
            Some(at) if i == at && stopped.is_some() => (format!("✗ {name}"), theme.red),
            Some(at) if i == at => (format!("▸ {name}"), theme.accent),
            _ => (name, theme.dim),
        };
        spans.push(Span::styled(text, style));
    }
    if RestorePhase::HAPPY_PATH.iter().all(|p| *p != restore.phase) {
        // A drill ends discarded when all went well: that is its way out, not a failure.
        let drill_done = restore.phase == RestorePhase::Discarded
            && restore.purpose == crate::domain::restore::RestorePurpose::Drill;
        let (glyph, style) = match drill_done {
            true => ("■", theme.dim),
            false => ("✗", theme.red),
        };
        let ended = format!("   {glyph} {}", restore.phase.label().replace('_', " "));
        spans.push(Span::styled(ended, style));
    }
    Line::from(spans)
}

/// Ticket, who and when, and the RTO clock.
fn facts<'a>(app: &App, restore: &Restore, theme: &Theme, now: DateTime<Utc>) -> Line<'a> {
    let tier = app
        .fleet
        .position(&restore.tenant_id)
        .map_or(Tier::Unknown(String::new()), |i| {
            app.fleet.tenant(i).tier.clone()
        });
    let rto = match restore_rto(
        restore,
        &tier,
        request_for(app, restore),
        &app.calendar,
        now,
    ) {
        Some(clock) => {
            let state = match &clock.state {
                RtoState::Running { left } if clock.counting == Counting::BusinessHours => {
                    format!(
                        "{}; {} business left",
                        coarse_age(now, clock.deadline.at),
                        coarse(*left)
                    )
                }
                RtoState::Running { left } => format!("{} left", coarse(*left)),
                RtoState::Overdue { by } => format!("passed {} ago", coarse(*by)),
                RtoState::Ended { .. } => rto_ended(&clock),
            };
            let style = theme.level(clock.level());
            Span::styled(
                format!(
                    "RTO {} ({}, {} {}, {})",
                    timestamp(clock.deadline.at, app.time),
                    state,
                    duration(clock.budget),
                    clock.counting.words(),
                    clock.deadline.source.words()
                ),
                style,
            )
        }
        None => Span::styled("no RTO for this tier", theme.dim),
    };
    Line::from(vec![
        Span::raw(format!(
            "ticket {} · by {} · requested {} ({}) · ",
            restore.ticket.as_deref().unwrap_or("—"),
            restore.requested_by,
            timestamp(restore.requested_at, app.time),
            age(now, restore.requested_at)
        )),
        rto,
    ])
}

/// "Steps  ✓ all 4 succeeded in 1h 8m".
fn steps_done<'a>(restore: &Restore, theme: &Theme) -> Line<'a> {
    let start = restore.steps.iter().filter_map(|s| s.started_at).min();
    let end = restore.steps.iter().filter_map(|s| s.finished_at).max();
    let took = match (start, end) {
        (Some(start), Some(end)) => format!(" in {}", duration(end - start)),
        _ => String::new(),
    };
    Line::from(vec![
        Span::styled("Steps  ", theme.title),
        Span::styled(
            format!("✓ all {} succeeded{took}", restore.steps.len()),
            theme.ok,
        ),
    ])
}

/// A shorter bar on a narrow screen leaves the step's message its room.
fn gauge_for(width: usize) -> usize {
    if width < 100 { GAUGE / 2 } else { GAUGE }
}

fn step<'a>(s: &RestoreStep, theme: &Theme, now: DateTime<Utc>, gauge: usize) -> Line<'a> {
    let fraction = s.progress.unwrap_or(match s.status {
        StepStatus::Succeeded => 1.0,
        _ => 0.0,
    });
    let filled = ((fraction.clamp(0.0, 1.0) * gauge as f64).round() as usize).min(gauge);
    let bar = format!("{}{}", "█".repeat(filled), "░".repeat(gauge - filled));
    let style = match s.status {
        StepStatus::Succeeded => theme.ok,
        StepStatus::Running => theme.info,
        StepStatus::Failed => theme.red,
        _ => theme.dim,
    };
    let elapsed = match (s.started_at, s.finished_at) {
        (Some(start), Some(end)) => duration(end - start),
        // A start after this clock's now (the source ran ahead of it) is "just started", never "-1m".
        (Some(start), None) => format!("{} so far", coarse((now - start).max(Duration::zero()))),
        _ => String::new(),
    };
    Line::from(vec![
        Span::styled(
            format!("  {:<18}", s.name.replace('_', " ")),
            Style::default(),
        ),
        Span::styled(format!("{bar} {:>4.0}%  ", fraction * 100.0), style),
        Span::styled(format!("{:<10} ", s.status.label()), style),
        // The time before the message: on a narrow screen the message is what gets cut.
        Span::styled(format!("{elapsed:<10} "), theme.dim),
        Span::raw(s.message.clone().unwrap_or_default()),
    ])
}

mod details;
mod log;
mod prompt;
