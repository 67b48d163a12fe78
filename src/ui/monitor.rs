//! The restore monitor: the phase line, each step with a gauge, its message and time, the RTO
//! clock, the verification checks, and the typed confirmation of confirm or cancel.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::format::{age, timestamp};
use crate::app::App;
use crate::app::screens::monitor::{MonitorScreen, Prompt, checks_all_passed};
use crate::app::screens::requests::request_for;
use crate::domain::humanize::{coarse, duration};
use crate::domain::restore::{CheckStatus, Restore, RestorePhase, RestoreStep, StepStatus};
use crate::domain::rto::{RtoState, restore_rto};
use crate::domain::tenant::Tier;
use crate::theme::Theme;

/// Cells of a step's progress bar.
const GAUGE: usize = 20;

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
    let title = format!(
        " Restore {} · {} → {} ({}) ",
        restore.id,
        restore.source_slug,
        restore.target_slug,
        restore.mode.label().replace('_', " ")
    );
    let mut lines = vec![phases(restore, theme), Line::raw("")];
    lines.push(facts(app, restore, theme, now));
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled("Steps", theme.title)));
    lines.extend(restore.steps.iter().map(|s| step(s, theme, now)));
    if let Some(checks) = &restore.verification {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Verification", theme.title)));
        lines.extend(checks.iter().map(|c| {
            let (glyph, style) = match c.status {
                CheckStatus::Passed => ("✓", theme.ok),
                CheckStatus::Warning => ("▲", theme.amber),
                _ => ("✗", theme.red),
            };
            Line::from(vec![
                Span::styled(format!("  {glyph} {:<36}", c.name), style),
                Span::raw(c.detail.clone()),
            ])
        }));
    }
    if let Some(error) = &restore.error {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(format!("✗ {error}"), theme.red)));
    }
    lines.push(Line::raw(""));
    lines.push(next_move(restore, monitor.prompt.as_ref(), theme));
    let paragraph = Paragraph::new(lines)
        .block(block(title, theme))
        .wrap(Wrap { trim: false });
    frame.render_widget(paragraph, area);
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
    let mut spans = Vec::new();
    for (i, phase) in RestorePhase::HAPPY_PATH.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim));
        }
        let name = phase.label().replace('_', " ");
        let (text, style) = match current {
            Some(at) if i < at => (format!("{name} ✓"), theme.ok),
            Some(at) if i == at => (format!("▸ {name}"), theme.accent),
            _ => (name, theme.dim),
        };
        spans.push(Span::styled(text, style));
    }
    if current.is_none() {
        let ended = format!("   ✗ {}", restore.phase.label().replace('_', " "));
        spans.push(Span::styled(ended, theme.red));
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
        request_for(&app.requests, restore),
        &app.calendar,
        now,
    ) {
        Some(clock) => {
            let state = match &clock.state {
                RtoState::Running { left } => format!("{} left", coarse(*left)),
                RtoState::Overdue { by } => format!("passed {} ago", coarse(*by)),
                RtoState::Ended { in_time, .. } => match in_time {
                    Some(true) => "met".to_string(),
                    Some(false) => "missed".to_string(),
                    None => "stopped".to_string(),
                },
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

fn step<'a>(s: &RestoreStep, theme: &Theme, now: DateTime<Utc>) -> Line<'a> {
    let fraction = s.progress.unwrap_or(match s.status {
        StepStatus::Succeeded => 1.0,
        _ => 0.0,
    });
    let filled = ((fraction.clamp(0.0, 1.0) * GAUGE as f64).round() as usize).min(GAUGE);
    let bar = format!("{}{}", "█".repeat(filled), "░".repeat(GAUGE - filled));
    let style = match s.status {
        StepStatus::Succeeded => theme.ok,
        StepStatus::Running => theme.info,
        StepStatus::Failed => theme.red,
        _ => theme.dim,
    };
    let elapsed = match (s.started_at, s.finished_at) {
        (Some(start), Some(end)) => duration(end - start),
        (Some(start), None) => format!("{} so far", coarse(now - start)),
        _ => String::new(),
    };
    Line::from(vec![
        Span::styled(
            format!("  {:<18}", s.name.replace('_', " ")),
            Style::default(),
        ),
        Span::styled(format!("{bar} {:>4.0}%  ", fraction * 100.0), style),
        Span::styled(format!("{:<10} ", s.status.label()), style),
        Span::raw(s.message.clone().unwrap_or_default()),
        Span::styled(format!("  {elapsed}"), theme.dim),
    ])
}

/// What the operator can do next, or the typed confirmation under way.
fn next_move<'a>(restore: &Restore, prompt: Option<&Prompt>, theme: &Theme) -> Line<'a> {
    let Some(prompt) = prompt else {
        let text = if restore.phase.can_confirm() {
            if checks_all_passed(restore) {
                "Every check passed: c confirms the restore (type the slug)."
            } else {
                "▲ A check did not pass: read it before confirming. c confirms (type the slug)."
            }
        } else if restore.phase.can_cancel() {
            "It is running: X cancels it (type the slug)."
        } else {
            "It has ended."
        };
        return Line::from(Span::styled(text, theme.dim));
    };
    let mut spans = vec![
        Span::styled(
            format!("Type {} to {}: ", restore.source_slug, prompt.what.word()),
            theme.amber,
        ),
        Span::styled(format!("{}▌", prompt.typed.value()), theme.input),
    ];
    if prompt.sending.is_some() {
        spans.push(Span::styled("   journaled and sent: waiting…", theme.info));
    } else if let Some(problem) = &prompt.problem {
        spans.push(Span::styled(format!("   ▲ {problem}"), theme.amber));
    }
    Line::from(spans)
}
