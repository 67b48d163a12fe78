//! How instants and durations read on screen, in UTC or local time (`t` toggles).

use chrono::{DateTime, Local, Utc};

use crate::app::TimeDisplay;
use crate::domain::humanize::{coarse, duration};

/// "2026-11-26 03:00:12 UTC", or local with its offset.
pub fn timestamp(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    match zone {
        TimeDisplay::Utc => at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        TimeDisplay::Local => at
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
    }
}

/// "11-26 03:00" for table cells.
pub fn short_timestamp(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    match zone {
        TimeDisplay::Utc => at.format("%m-%d %H:%M").to_string(),
        TimeDisplay::Local => at.with_timezone(&Local).format("%m-%d %H:%M").to_string(),
    }
}

/// "2026-08-28" in the chosen zone.
pub fn date(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    match zone {
        TimeDisplay::Utc => at.format("%Y-%m-%d").to_string(),
        TimeDisplay::Local => at.with_timezone(&Local).format("%Y-%m-%d").to_string(),
    }
}

/// "03:10:00 UTC" for the status bar clock.
pub fn clock(at: DateTime<Utc>, zone: TimeDisplay) -> String {
    match zone {
        TimeDisplay::Utc => at.format("%H:%M:%S UTC").to_string(),
        TimeDisplay::Local => at.with_timezone(&Local).format("%H:%M:%S %:z").to_string(),
    }
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

/// "12m ago" without seconds, for table cells.
pub fn coarse_age(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    if at > now {
        format!("in {}", coarse(at - now))
    } else {
        format!("{} ago", coarse(now - at))
    }
}

/// "in 47m 12s" before the run, "late 2h 5m" after it.
pub fn countdown(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    if at >= now {
        format!("in {}", duration(at - now))
    } else {
        format!("late {}", duration(now - at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
}
