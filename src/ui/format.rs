//! How instants and durations read on screen, in UTC or local time (`t` toggles).

use chrono::{DateTime, Local, Utc};
use ratatui::text::Line;

use crate::app::TimeDisplay;
use crate::domain::humanize::{coarse, duration};
pub use crate::domain::humanize::{coarse_age, countdown};
pub use crate::domain::next_run::{NextRun, next_run};

/// Formats `at` in the chosen zone; `suffix` adds the zone ("UTC" or the local offset).
fn in_zone(at: DateTime<Utc>, zone: TimeDisplay, pattern: &str, suffix: bool) -> String {
    match (zone, suffix) {
        (TimeDisplay::Utc, true) => format!("{} UTC", at.format(pattern)),
        (TimeDisplay::Utc, false) => at.format(pattern).to_string(),
        (TimeDisplay::Local, true) => at
            .with_timezone(&Local)
            .format(&format!("{pattern} %:z"))
            .to_string(),
        (TimeDisplay::Local, false) => at.with_timezone(&Local).format(pattern).to_string(),
    }
}

/// "2026-11-26 03:00:12 UTC", or local with its offset.
pub fn timestamp(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    in_zone(at, zone, "%Y-%m-%d %H:%M:%S", true)
}

/// "11-26 03:00" for table cells.
pub fn short_timestamp(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    in_zone(at, zone, "%m-%d %H:%M", false)
}

/// "03:10:00" in the chosen zone, for log lines (the zone is in the status bar).
pub fn time_of_day(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    in_zone(at, zone, "%H:%M:%S", false)
}

/// "2026-08-28" in the chosen zone.
pub fn date(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    in_zone(at, zone, "%Y-%m-%d", false)
}

/// "03:10:00 UTC" for the status bar clock.
pub fn clock(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    in_zone(at, zone, "%H:%M:%S", true)
}

/// The zone's name for the status bar.
pub fn zone_name(zone: TimeDisplay, now: DateTime<Utc>) -> String {
    match zone {
        TimeDisplay::Utc => "UTC".to_string(),
        TimeDisplay::Local => format!("local {}", now.with_timezone(&Local).format("%:z")),
    }
}

/// "12m ago"; a future instant (clock skew) reads "in 3s".
pub fn age(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    if at > now {
        format!("in {}", duration(at - now))
    } else {
        format!("{} ago", duration(now - at))
    }
}

/// "Mon 09:23": the day and time of a deadline within the week ahead.
pub fn weekday_time(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    in_zone(at, zone, "%a %H:%M", false)
}

/// A deadline kept in business time (DESIGN, "Deadlines in business time"): the wall-clock
/// instant first, then the wall time until it, then the business time left — "Mon 09:23 (in
/// 1d 1h; 23m business)", or for a table cell "Mon 09:23 in 1d 1h, 23m biz". At 07:30 on a
/// Sunday "23m" alone reads as 23 minutes.
pub fn business_deadline(
    at: DateTime<Utc>,
    business_left: chrono::Duration,
    now: DateTime<Utc>,
    zone: TimeDisplay,
) -> String {
    let (day, until, left) = business_parts(at, business_left, now, zone);
    format!("{day} ({until}; {left} business)")
}

pub fn business_deadline_short(
    at: DateTime<Utc>,
    business_left: chrono::Duration,
    now: DateTime<Utc>,
    zone: TimeDisplay,
) -> String {
    let (day, until, left) = business_parts(at, business_left, now, zone);
    format!("{day} {until}, {left} biz")
}

fn business_parts(
    at: DateTime<Utc>,
    business_left: chrono::Duration,
    now: DateTime<Utc>,
    zone: TimeDisplay,
) -> (String, String, String) {
    (
        weekday_time(at, zone),
        coarse_age(now, at),
        coarse(business_left),
    )
}

/// How a stopped RTO clock ended: "in time", "late by 12m", or "stopped" for a restore that
/// gave the customer nothing ("stopped, late by 12m" when that came after the deadline).
pub fn rto_ended(clock: &crate::domain::rto::RtoClock) -> String {
    use crate::domain::rto::RtoState;
    let late = clock.late_by().map(|by| format!("late by {}", coarse(by)));
    match (&clock.state, late) {
        (
            RtoState::Ended {
                in_time: Some(_), ..
            },
            Some(late),
        ) => late,
        (
            RtoState::Ended {
                in_time: Some(_), ..
            },
            None,
        ) => "in time".to_string(),
        (_, Some(late)) => format!("stopped, {late}"),
        (_, None) => "stopped".to_string(),
    }
}

/// `text` cut to `width` characters, ending in "…" when cut: a cut name must say so.
pub fn ellipsized(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `text`'s end in `width` characters, beginning with "…" when cut: for what differs at the
/// end (an idempotency key's counter after its session).
pub fn ellipsized_front(text: &str, width: usize) -> String {
    let len = text.chars().count();
    if len <= width {
        return text.to_string();
    }
    let keep = width.saturating_sub(1);
    let mut cut = String::from("…");
    cut.extend(text.chars().skip(len - keep));
    cut
}

/// A rounded panel with `title`; a title "(… · N overdue)" says its alarming count in red.
pub fn panel<'a>(title: Line<'a>, theme: &crate::theme::Theme) -> ratatui::widgets::Block<'a> {
    ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_type(ratatui::widgets::BorderType::Rounded)
        .border_style(theme.border)
        .title(title)
}

/// " Requests (3 open · 2 overdue) ": `lead`, then `alarm` in red when `alarming`.
pub fn counted_title<'a>(
    lead: String,
    alarm: String,
    alarming: bool,
    theme: &crate::theme::Theme,
) -> Line<'a> {
    Line::from(vec![
        ratatui::text::Span::styled(lead, theme.title),
        ratatui::text::Span::styled(alarm, if alarming { theme.red } else { theme.title }),
        ratatui::text::Span::styled(") ", theme.title),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_business_deadline_says_the_instant_then_the_wall_time_then_the_business_time() {
        // Sunday 07:30 UTC; acknowledgement due Monday 09:23: 23 business minutes away.
        let now = Utc.with_ymd_and_hms(2026, 12, 6, 7, 30, 0).unwrap();
        let due = Utc.with_ymd_and_hms(2026, 12, 7, 9, 23, 0).unwrap();
        let left = chrono::Duration::minutes(23);
        assert_eq!(
            business_deadline(due, left, now, TimeDisplay::Utc),
            "Mon 09:23 (in 1d 1h; 23m business)"
        );
        assert_eq!(
            business_deadline_short(due, left, now, TimeDisplay::Utc),
            "Mon 09:23 in 1d 1h, 23m biz"
        );
    }

    #[test]
    fn a_front_cut_keeps_the_end_and_says_so() {
        assert_eq!(ellipsized_front("sd18a3b4c5d6e7f1234-12", 10), "…7f1234-12");
        assert_eq!(ellipsized_front("s1-3", 10), "s1-3");
        assert_eq!(ellipsized_front("abcdef", 6), "abcdef");
        assert_eq!(ellipsized_front("abcdefg", 6), "…cdefg");
    }

    #[test]
    fn ages_and_countdowns_read_in_words() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap();
        assert_eq!(age(now, now - chrono::Duration::minutes(12)), "12m ago");
        assert_eq!(
            countdown(now, now + chrono::Duration::seconds(2832)),
            "in 47m 12s"
        );
        assert_eq!(
            countdown(now, now - chrono::Duration::minutes(125)),
            "late 2h 5m"
        );
        assert_eq!(timestamp(now, TimeDisplay::Utc), "2026-11-26 03:10:00 UTC");
        assert_eq!(short_timestamp(now, TimeDisplay::Utc), "11-26 03:10");
    }

    #[test]
    fn local_times_carry_their_offset() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap();
        for text in [
            timestamp(now, TimeDisplay::Local),
            clock(now, TimeDisplay::Local),
        ] {
            let offset = &text[text.len() - 6..];
            assert!(
                offset.starts_with(['+', '-']) && offset.as_bytes()[3] == b':',
                "{text}"
            );
        }
        assert_eq!(
            short_timestamp(now, TimeDisplay::Local).len(),
            "11-26 03:10".len()
        );
    }
}
