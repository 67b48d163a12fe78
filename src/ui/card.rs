//! The Backups card: the portal's four facts for one tenant, its promise, and every flag in
//! words. Drawn over the fleet, which stays where it was.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::format::{age, countdown, date, timestamp};
use super::layout::centered;
use crate::app::{App, TimeDisplay};
use crate::domain::humanize::duration;
use crate::domain::policy::{Rto, TierPolicy};
use crate::domain::tenant::{AttemptStatus, Tenant, TenantKind};
use crate::domain::{Health, TenantId};
use crate::theme::Theme;

const LABEL_WIDTH: usize = 26;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    id: &TenantId,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    let Some(i) = app.fleet.position(id) else {
        let popup = centered(area, 110, 3);
        frame.render_widget(Clear, popup);
        let gone = Paragraph::new(format!(
            "Tenant {id} is no longer in the fleet. Esc goes back."
        ))
        .block(card_block(" Backups ".to_string(), theme));
        frame.render_widget(gone, popup);
        return;
    };
    let tenant = app.fleet.tenant(i);
    let health = app.fleet.health(i);
    let title = format!(" Backups · {} ", tenant.slug);
    let width = area.width.min(110);
    let inner_width = usize::from(width.saturating_sub(2));
    let lines = card_lines(app, tenant, health, theme, now, inner_width);
    let popup = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let paragraph = Paragraph::new(lines)
        .block(card_block(title, theme))
        .wrap(Wrap { trim: false });
    frame.render_widget(paragraph, popup);
}

fn card_block(title: String, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.title))
        .title_bottom(Span::styled(
            " Esc back · ↑↓ other tenants · t UTC/local ",
            theme.dim,
        ))
        .style(theme.base)
}

fn card_lines(
    app: &App,
    t: &Tenant,
    h: &Health,
    theme: &Theme,
    now: DateTime<Utc>,
    width: usize,
) -> Vec<Line<'static>> {
    let zone = app.time;
    let mut lines = identity(app, t, h, theme, zone);
    lines.push(Line::raw(""));
    lines.push(section("The portal's Backups card", theme));
    lines.push(fact(
        "Last successful snapshot",
        last_success(t, now, zone),
        theme,
    ));
    lines.push(fact(
        "Next scheduled snapshot",
        next_run(t, now, zone),
        theme,
    ));
    lines.push(fact("Retention window", retention(t, zone), theme));
    if let Some(callout) = failed_callout(t, now) {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            format!(" ▲ {callout:<w$}", w = width.saturating_sub(3)),
            theme.callout,
        )));
    }
    lines.push(Line::raw(""));
    lines.push(section("The promise", theme));
    lines.extend(promise(t, now, zone, theme));
    lines.push(Line::raw(""));
    lines.push(section("Health", theme));
    lines.extend(flags(h, theme, width));
    lines
}

fn identity(
    app: &App,
    t: &Tenant,
    h: &Health,
    theme: &Theme,
    zone: TimeDisplay,
) -> Vec<Line<'static>> {
    let parent = match (&t.kind, &t.hub_id) {
        (TenantKind::Spoke, Some(hub)) => {
            let hub_slug = app
                .fleet
                .position(hub)
                .map_or(hub.0.clone(), |i| app.fleet.tenant(i).slug.clone());
            format!("spoke of {hub_slug}")
        }
        (kind, _) => kind.label().into_owned(),
    };
    vec![
        Line::from(vec![
            Span::styled(
                format!("{} {} ", h.level.glyph(), h.level.word()),
                theme.level(h.level),
            ),
            Span::styled(format!(" {} ", t.display_name), theme.title),
            Span::styled(format!(" {parent}"), theme.dim),
        ]),
        Line::from(Span::styled(
            format!(
                "{} · {} · {} · {} · created {} · {}",
                t.tier,
                t.region,
                t.hostname,
                t.state,
                date(t.created_at, zone),
                t.id
            ),
            theme.dim,
        )),
    ]
}

fn section(title: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(title.to_string(), theme.accent))
}

fn fact(label: &str, value: Vec<Span<'static>>, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("  {label:<LABEL_WIDTH$}"), theme.dim)];
    spans.extend(value);
    Line::from(spans)
}

fn last_success(t: &Tenant, now: DateTime<Utc>, zone: TimeDisplay) -> Vec<Span<'static>> {
    match &t.backup.last_success {
        Some(s) => vec![
            Span::raw(timestamp(s.taken_at, zone)),
            Span::raw(format!(
                "  ({})  pair skew {}",
                age(now, s.taken_at),
                duration(chrono::Duration::seconds(s.skew_seconds))
            )),
        ],
        None => vec![Span::raw("never — no successful backup exists")],
    }
}

fn next_run(t: &Tenant, now: DateTime<Utc>, zone: TimeDisplay) -> Vec<Span<'static>> {
    let s = &t.backup.schedule;
    let when = s.next_run_at.map_or("not scheduled".to_string(), |at| {
        format!("{}  ({})", timestamp(at, zone), countdown(now, at))
    });
    vec![
        Span::raw(when),
        Span::raw(format!("  · cron `{}` in {}", s.cron, s.timezone)),
    ]
}

fn retention(t: &Tenant, zone: TimeDisplay) -> Vec<Span<'static>> {
    let b = &t.backup;
    let oldest = b
        .oldest_restore_point_at
        .map_or("none yet".to_string(), |at| {
            format!("oldest {}", date(at, zone))
        });
    vec![Span::raw(format!(
        "{} days ({} tier) · {} restore points · {oldest}",
        b.retention_days, t.tier, b.restore_point_count
    ))]
}

/// The portal's amber callout: shown when the most recent snapshot failed.
fn failed_callout(t: &Tenant, now: DateTime<Utc>) -> Option<String> {
    let attempt = t.backup.last_attempt.as_ref()?;
    let how = match attempt.status {
        AttemptStatus::Failed => "failed",
        AttemptStatus::Partial => "partly failed",
        _ => return None,
    };
    let error = attempt.error.as_deref().unwrap_or("no error recorded");
    Some(format!(
        "The most recent snapshot {how} {}: {error}",
        age(now, attempt.taken_at)
    ))
}

fn promise(t: &Tenant, now: DateTime<Utc>, zone: TimeDisplay, theme: &Theme) -> Vec<Line<'static>> {
    let Some(policy) = TierPolicy::of(&t.tier) else {
        return vec![fact(
            "Tier",
            vec![Span::raw(format!(
                "{} — no policy known for this tier",
                t.tier
            ))],
            theme,
        )];
    };
    let rto = match policy.rto {
        Rto::WallClock(d) => format!("{} h wall clock, 24/7", d.num_hours()),
        Rto::BusinessHours(d) => format!("{} business hours, best effort", d.num_hours()),
    };
    let mut lines = vec![fact(
        "RPO / RTO",
        vec![Span::raw(format!("{} h / {rto}", policy.rpo.num_hours()))],
        theme,
    )];
    let copies = match (&t.backup.cross_region, policy.cross_region) {
        (_, false) => "none on this tier (single in-region copy)".to_string(),
        (None, true) => "none recorded".to_string(),
        (Some(c), true) => {
            let when = c.last_copied_at.map_or("never".to_string(), |at| {
                format!("{} ({})", timestamp(at, zone), age(now, at))
            });
            format!(
                "{} → {}: {} · last copied {when}",
                t.region,
                t.secondary_region.as_deref().unwrap_or("?"),
                c.status
            )
        }
    };
    lines.push(fact("Cross-region copy", vec![Span::raw(copies)], theme));
    if let Some(attempt) = &t.backup.last_attempt {
        let error = attempt
            .error
            .as_deref()
            .map_or(String::new(), |e| format!(" — {e}"));
        let text = format!(
            "{} {} ({}){error}",
            attempt.status,
            timestamp(attempt.taken_at, zone),
            age(now, attempt.taken_at)
        );
        lines.push(fact("Last attempt", vec![Span::raw(text)], theme));
    }
    if let Some(restore) = &t.active_restore_id {
        lines.push(fact(
            "Active restore",
            vec![Span::styled(restore.clone(), theme.info)],
            theme,
        ));
    }
    lines
}

fn flags(h: &Health, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    if h.flags.is_empty() {
        return vec![Line::from(Span::styled(
            "  ✓ No flags: backups meet the promise.",
            theme.ok,
        ))];
    }
    let mut lines = Vec::new();
    for f in &h.flags {
        let style: Style = theme.level(f.level());
        lines.push(Line::from(Span::styled(
            format!("  {} {}", f.level().glyph(), f.kind.title()),
            style,
        )));
        let indent = "      ";
        for text in wrap(
            &f.explanation,
            width.saturating_sub(indent.len() + 1).max(20),
        ) {
            lines.push(Line::raw(format!("{indent}{text}")));
        }
    }
    lines
}

/// Greedy word wrap, so explanations stay indented under their flag.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrap_keeps_words_whole_and_lines_short() {
        let lines = super::wrap("the quick brown fox jumps over the lazy dog", 10);
        assert_eq!(
            lines,
            ["the quick", "brown fox", "jumps over", "the lazy", "dog"]
        );
        assert!(super::wrap("", 10).is_empty());
        assert_eq!(
            super::wrap("unbreakablewordlongerthanwidth", 5),
            ["unbreakablewordlongerthanwidth"]
        );
    }
}
