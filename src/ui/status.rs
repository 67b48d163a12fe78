//! The status bar (source, connection, data age, time zone, read-only) and the flash line.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::{clock, zone_name};
use crate::app::keys;
use crate::app::{App, FlashKind};
use crate::domain::Level;
use crate::domain::humanize::{coarse, count, duration};
use crate::source::Connection;
use crate::theme::Theme;

pub fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, now: DateTime<Utc>) {
    // "live" must not hide the tenants it has not heard of: count them, with the longest
    // silence, in the stale style.
    let summary = app.fleet.summary();
    // Connected but not keeping up (every row silent, or its news hours old) is not live.
    let behind = app.connection == Connection::Live
        && (summary.tenants > 0 && summary.stale == summary.tenants
            || app
                .clock_skew()
                .is_some_and(|skew| skew < chrono::Duration::zero())
                && app.source.kind == "demo");
    let (connection_label, connection_style) = match app.connection {
        Connection::Live if behind => ("behind".to_string(), theme.level(Level::Amber)),
        Connection::Live => (app.connection.label(), theme.ok),
        Connection::Connecting => (app.connection.label(), theme.info),
        Connection::Failing { .. } => (app.connection.label(), theme.red),
    };
    let age = match (app.fleet.source_heard_at(), summary.stale_since) {
        (None, _) => Span::raw("no data yet"),
        (Some(_), Some(since)) if summary.stale > 0 => Span::styled(
            // The longest silence, said as such: most of them may have been silent a minute.
            format!(
                "{} silent, longest {}",
                count(summary.stale, "tenant"),
                coarse((now - since).max(chrono::Duration::zero()))
            ),
            theme.level(Level::Unknown),
        ),
        (Some(at), _) => Span::raw(format!(
            "data {} old",
            duration((now - at).max(chrono::Duration::zero()))
        )),
    };
    let clock = format!("{} ", clock(now, app.time));
    // Parts in screen order, each with its rank: when the bar is narrow the least useful go
    // first (higher rank), so nothing is ever drawn over or cut mid-word.
    let mut parts: Vec<(u8, Span)> = vec![
        (
            0,
            Span::styled(format!(" {} ", app.source.kind), theme.accent),
        ),
        (
            4,
            Span::styled(format!("{}  ", app.source.detail), theme.dim),
        ),
        (
            0,
            Span::styled(format!("● {connection_label}  "), connection_style),
        ),
        (0, Span::styled(format!("{}  ", age.content), age.style)),
        (
            3,
            Span::styled(format!("{}  ", zone_name(app.time, now)), theme.accent),
        ),
    ];
    let skew = app.clock_skew().map(|skew| skew_words(app, skew));
    if let Some((long, _)) = &skew {
        parts.push((
            0,
            Span::styled(format!("{long}  "), theme.level(Level::Amber)),
        ));
    }
    let down: Vec<&str> = app
        .fleet
        .regions()
        .all_down()
        .map(|r| r.name.as_str())
        .collect();
    if !down.is_empty() {
        let text = format!("⚠ region down: {} (5)  ", down.join(", "));
        parts.push((0, Span::styled(text, theme.red)));
    }
    if app.read_only {
        parts.push((0, Span::styled(" READ-ONLY ", theme.callout)));
    }
    let room = usize::from(area.width);
    let width = |parts: &[(u8, Span)]| parts.iter().map(|(_, s)| s.width()).sum::<usize>();
    if let Some((long, short)) = &skew
        && width(&parts) > room
    {
        // The short form before anything else gives way: every age on screen is on it.
        for (_, span) in parts.iter_mut() {
            if span.content.starts_with(long.as_str()) {
                span.content = format!("{short}  ").into();
            }
        }
    }
    let mut show_clock = true;
    for rank in [4, 3, 2] {
        if width(&parts) + if show_clock { clock.len() } else { 0 } <= room {
            break;
        }
        if rank == 2 {
            show_clock = false;
        }
        parts.retain(|(r, _)| *r != rank);
    }
    let spans: Vec<Span> = parts.into_iter().map(|(_, s)| s).collect();
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.header), area);
    if show_clock {
        let right = Paragraph::new(Span::styled(clock, theme.header)).alignment(Alignment::Right);
        frame.render_widget(right, area);
    }
}

/// The flash line: the last result or error, else the most useful keys.
pub fn draw_flash(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let line = match app.flash() {
        Some(flash) => {
            let style = if flash.kind == FlashKind::Error {
                theme.flash_error
            } else {
                theme.flash_info
            };
            // Cut with `…` when longer than the line: a cut message must say so.
            let text =
                super::format::ellipsized(&flash.text, usize::from(area.width).saturating_sub(1));
            Line::from(Span::styled(format!(" {text}"), style))
        }
        None => hints(app, theme, usize::from(area.width)),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The `:` go-to line, k9s style, with what Tab offered after it: a window of the
/// candidates around the one the line holds, that one marked.
pub fn draw_goto_line(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![
        Span::styled(" :", theme.accent),
        Span::styled(format!("{}▌", app.goto_line.value()), theme.input),
    ];
    let offered = &app.goto_offered;
    if offered.words.is_empty() {
        spans.push(Span::styled(
            "  fleet · restores · requests · journal · tenant SLUG   Tab completes · Enter goes · Esc closes",
            theme.dim,
        ));
    } else {
        let (from, to) = window(offered.words.len(), offered.at, CANDIDATES_SHOWN);
        if from > 0 {
            spans.push(Span::styled(format!("  …{from}"), theme.dim));
        }
        for (i, word) in offered.words.iter().enumerate().take(to).skip(from) {
            let style = if offered.at == Some(i) {
                theme.selected
            } else {
                theme.dim
            };
            spans.push(Span::raw("  "));
            spans.push(Span::styled(word.as_str(), style));
        }
        let after = offered.words.len() - to + offered.more;
        if after > 0 {
            spans.push(Span::styled(format!("  +{after} more"), theme.dim));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Candidates the go-to line shows at once.
const CANDIDATES_SHOWN: usize = 8;

/// The `[from, to)` window of `shown` of `len` candidates that holds the one at `at`.
fn window(len: usize, at: Option<usize>, shown: usize) -> (usize, usize) {
    let from = at.map_or(0, |at| (at + 1).saturating_sub(shown));
    (from, (from + shown).min(len))
}

/// The keys of what has the keyboard (the top modal, else the top screen and the common
/// keys), as many whole hints as fit in `width`.
fn hints(app: &App, theme: &Theme, width: usize) -> Line<'static> {
    let entries = match app.modal() {
        Some(modal) => keys::hints(&[modal.keys()], app.read_only, |_| true),
        None if app.screen().takes_text() => {
            keys::hints(&[app.screen_keys()], app.read_only, |a| app.offers(a))
        }
        None => keys::hints(
            &[app.screen().keys(), keys::COMMON_KEYS],
            app.read_only,
            |a| app.offers(a),
        ),
    };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, what) in entries {
        let entry = format!(" {what}  ");
        used += key.chars().count() + entry.chars().count();
        if used > width + 2 {
            break;
        }
        spans.push(Span::styled(key, theme.key_hint));
        spans.push(Span::styled(entry, theme.dim));
    }
    Line::from(spans)
}

/// "the control plane's clock is 23m ahead of this machine's", and a short form.
fn skew_words(app: &App, skew: chrono::Duration) -> (String, String) {
    let how_far = coarse(skew.abs());
    let way = if skew > chrono::Duration::zero() {
        "ahead of"
    } else {
        "behind"
    };
    match app.source.kind {
        // The demo's clock is this machine's, scaled: behind means the simulation lags.
        "demo" => (
            format!("the demo is behind by {how_far} of demo time"),
            format!("behind {how_far}"),
        ),
        "http" => (
            format!("the control plane's clock is {how_far} {way} this machine's"),
            format!("clock {how_far} {}", way.trim_end_matches(" of")),
        ),
        _ => (
            format!("the source's clock is {how_far} {way} this machine's"),
            format!("clock {how_far} {}", way.trim_end_matches(" of")),
        ),
    }
}
