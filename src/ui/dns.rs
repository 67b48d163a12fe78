//! The DNS swap screen: before the swap, its plan (hostname, from → to, TTL, what users will
//! see, how rollback works) and the typed confirmation; after, the phase line, the
//! propagation countdown, the error in words, and what the operator can do next.

use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Wrap};

use super::format::{age, timestamp};
use super::monitor::typed_confirmation;
use crate::app::App;
use crate::app::screens::dns::{DnsMove, DnsScreen};
use crate::domain::dns::{DnsPhase, DnsSwap};
use crate::domain::humanize::duration;
use crate::domain::restore::Restore;
use crate::theme::Theme;

/// The TTL the plan assumes: the control plane sets the real one, and says it in its answer.
const USUAL_TTL: &str = "set by the control plane when the swap is made (usually 60 s)";

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &DnsScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) {
    frame.render_widget(Clear, area);
    let restore = app.restores.iter().find(|r| r.id == screen.restore);
    let swap = screen.shown(&app.dns_swaps);
    let (title, mut lines) = match (swap, restore) {
        (Some(swap), _) => (
            format!(" DNS swap {} · {} ", swap.id, swap.hostname),
            progress(app, swap, screen.rolling_back, theme, now),
        ),
        (None, Some(restore)) => (
            format!(
                " DNS swap · {} → {} ",
                restore.source_slug, restore.target_slug
            ),
            plan(app, restore, theme),
        ),
        (None, None) => (
            " DNS swap ".to_string(),
            vec![Line::raw(format!(
                "Restore {} is no longer reported. Esc goes back.",
                screen.restore
            ))],
        ),
    };
    if let Some(problem) = &screen.problem {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            format!("✗ the control plane said no: {problem}"),
            theme.red,
        )));
    }
    lines.push(Line::raw(""));
    lines.push(next_move(screen, swap, restore, theme));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.title))
        .style(theme.base);
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false });
    frame.render_widget(paragraph, area);
}

/// A label and its value, aligned like the card's facts.
fn fact<'a>(label: &str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("  {label:<10}"), theme.dim),
        Span::raw(value),
    ])
}

fn heading<'a>(text: &str, theme: &Theme) -> Line<'a> {
    Line::from(Span::styled(text.to_string(), theme.title))
}

/// Before the swap: what will change, what users will see, and how to undo it.
fn plan<'a>(app: &App, restore: &Restore, theme: &Theme) -> Vec<Line<'a>> {
    let tenant = app
        .fleet
        .position(&restore.tenant_id)
        .map(|i| app.fleet.tenant(i));
    let hostname = tenant.map_or_else(
        || format!("{}'s hostname", restore.source_slug),
        |t| t.hostname.clone(),
    );
    // Where the hostname points now: where the last verified swap left it, else its spoke.
    let current = app
        .dns_swaps
        .iter()
        .filter(|s| s.tenant_id == restore.tenant_id && s.phase == DnsPhase::Verified)
        .max_by_key(|s| s.updated_at)
        .map_or_else(
            || format!("the original spoke, {}", restore.source_slug),
            |s| s.to_target.clone(),
        );
    vec![
        heading("Plan", theme),
        fact("hostname", hostname.clone(), theme),
        fact("from", current, theme),
        fact(
            "to",
            format!(
                "the restored spoke, {} (restore {}, now at {})",
                restore.target_slug, restore.id, restore.target_hostname
            ),
            theme,
        ),
        fact("TTL", USUAL_TTL.to_string(), theme),
        Line::raw(""),
        heading("What users will see", theme),
        Line::raw(format!(
            "  {hostname} starts answering from the restored spoke. Users may reach either \
             site for up to ~TTL while resolvers catch up; anything they change on the old \
             site in that window stays there."
        )),
        Line::raw(""),
        heading("Rollback", theme),
        Line::raw(
            "  Once the record has changed (propagating, verified) or the swap failed, B points \
             the hostname back at the original spoke, the slug typed again; users come back \
             within about one TTL. The restored spoke is kept either way."
                .to_string(),
        ),
    ]
}

/// pending ✓ › applying ✓ › ▸ propagating › verified, or how it ended off that path.
fn phases<'a>(swap: &DnsSwap, theme: &Theme) -> Line<'a> {
    let current = DnsPhase::HAPPY_PATH.iter().position(|p| *p == swap.phase);
    let mut spans = Vec::new();
    for (i, phase) in DnsPhase::HAPPY_PATH.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim));
        }
        let name = phase.label().to_string();
        let (text, style) = match current {
            Some(at) if i < at || (i == at && *phase == DnsPhase::Verified) => {
                (format!("{name} ✓"), theme.ok)
            }
            Some(at) if i == at => (format!("▸ {name}"), theme.accent),
            _ => (name, theme.dim),
        };
        spans.push(Span::styled(text, style));
    }
    match swap.phase {
        DnsPhase::Failed => spans.push(Span::styled("   ✗ failed", theme.red)),
        DnsPhase::RolledBack => spans.push(Span::styled("   ↶ rolled back", theme.amber)),
        _ => {}
    }
    Line::from(spans)
}

/// After the swap: where it points, its phase, the countdown, and its error in words.
fn progress<'a>(
    app: &App,
    swap: &DnsSwap,
    rolling_back: bool,
    theme: &Theme,
    now: DateTime<Utc>,
) -> Vec<Line<'a>> {
    let ttl = Duration::seconds(i64::from(swap.ttl_seconds));
    // Each target on its own line: they are long, and must not wrap into each other.
    let (from, to) = match swap.phase {
        DnsPhase::Propagating | DnsPhase::Verified => ("was", "now"),
        DnsPhase::RolledBack => ("now", "was"),
        _ => ("from", "to"),
    };
    let mut lines = vec![
        phases(swap, theme),
        Line::raw(""),
        fact("hostname", swap.hostname.clone(), theme),
        fact(from, swap.from_target.clone(), theme),
        fact(to, swap.to_target.clone(), theme),
        fact("TTL", format!("{} s", swap.ttl_seconds), theme),
        fact(
            "requested",
            format!(
                "{} ({}) · restore {}",
                timestamp(swap.requested_at, app.time),
                age(now, swap.requested_at),
                swap.restore_id
            ),
            theme,
        ),
        fact(
            "updated",
            format!(
                "{} ({})",
                timestamp(swap.updated_at, app.time),
                age(now, swap.updated_at)
            ),
            theme,
        ),
        Line::raw(""),
    ];
    lines.push(match rolling_back && swap.phase.is_under_way() {
        true => Line::from(Span::styled(
            "Rolling back: the record is being pointed back at the original spoke; users return \
             within about one TTL.",
            theme.info,
        )),
        false => countdown(swap, ttl, theme, now),
    });
    if let Some(error) = &swap.error {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(format!("✗ {error}"), theme.red)));
    }
    lines
}

/// What users see right now, with the TTL counting down while resolvers catch up.
fn countdown<'a>(swap: &DnsSwap, ttl: Duration, theme: &Theme, now: DateTime<Utc>) -> Line<'a> {
    let (text, style) = match (&swap.phase, swap.ttl_left(now)) {
        (DnsPhase::Propagating, Some(left)) if left > Duration::zero() => (
            format!(
                "Propagating: {} of the {} TTL left — users may reach either site until \
                 resolvers catch up.",
                duration(left),
                duration(ttl)
            ),
            theme.info,
        ),
        (DnsPhase::Propagating, Some(over)) => (
            format!(
                "Propagating: the TTL passed {} ago — still checking resolvers (gives up after \
                 3×TTL).",
                duration(-over)
            ),
            theme.amber,
        ),
        (DnsPhase::Pending, _) => (
            "Pending: nothing has changed yet; users reach the original spoke.".to_string(),
            theme.dim,
        ),
        (DnsPhase::Applying, _) => (
            "Applying: the record is being changed at the DNS provider.".to_string(),
            theme.info,
        ),
        (DnsPhase::Verified, _) => (
            "Verified: resolvers answer the restored spoke; users are on it.".to_string(),
            theme.ok,
        ),
        (DnsPhase::Failed, _) => (
            "Failed: users may reach either site. Roll back, or ask the DNS team.".to_string(),
            theme.red,
        ),
        (DnsPhase::RolledBack, _) => {
            let settled = swap.updated_at + ttl;
            let text = if now < settled {
                format!(
                    "Rolled back: users return to the original spoke within {}.",
                    duration(settled - now)
                )
            } else {
                "Rolled back: users are on the original spoke again.".to_string()
            };
            (text, theme.amber)
        }
        (other, _) => (format!("Phase {other}."), theme.dim),
    };
    Line::from(Span::styled(text, style))
}

/// What the operator can do next, or the typed confirmation under way.
fn next_move<'a>(
    screen: &DnsScreen,
    swap: Option<&DnsSwap>,
    restore: Option<&Restore>,
    theme: &Theme,
) -> Line<'a> {
    let slug = restore.map_or("the tenant's slug", |r| r.source_slug.as_str());
    if let Some(prompt) = &screen.prompt {
        let word = match prompt.what {
            DnsMove::Swap => "swap DNS to the restored spoke",
            DnsMove::Rollback => "roll back to the original spoke",
        };
        return typed_confirmation(slug, word, prompt, theme);
    }
    let text = match swap.map(|s| &s.phase) {
        Some(phase) if screen.rolling_back && phase.is_under_way() => {
            "Rolling back: S swaps DNS again once it is rolled back."
        }
        None | Some(DnsPhase::RolledBack) => "S swaps DNS (type the slug).",
        Some(phase) if phase.can_roll_back() => "B rolls it back (type the slug).",
        Some(_) => "Under way: it can be rolled back once it propagates.",
    };
    Line::from(Span::styled(text, theme.dim))
}
