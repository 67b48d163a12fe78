//! Durations in the compact words the screen and the explanations use ("3d 4h", "5m 12s").

use chrono::{DateTime, Duration, Timelike, Utc};

/// Two most significant units, e.g. "2d 3h", "4h 10m", "7m 5s", "12s"; negative as "-…".
pub fn duration(d: Duration) -> String {
    if d < Duration::zero() {
        return format!("-{}", duration(-d));
    }
    let secs = d.num_seconds();
    let (days, hours, mins, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    match (days, hours, mins) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) if s == 0 => format!("{m}m"),
        (0, 0, m) => format!("{m}m {s}s"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// One unit below an hour ("45s", "12m"), two above ("7h 9m", "1d 2h"): for ages in tables,
/// where seconds ticking on every row would be noise.
pub fn coarse(d: Duration) -> String {
    let secs = d.num_seconds().abs();
    if (60..3_600).contains(&secs) {
        let sign = if d < Duration::zero() { "-" } else { "" };
        format!("{sign}{}m", secs / 60)
    } else {
        duration(d)
    }
}

/// "1 tenant", "60 tenants": a count with its noun, singular for one.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A whole number of days or hours when the duration is one, else `duration`.
pub fn period(d: Duration) -> String {
    if d.num_seconds() % 86_400 == 0 && d.num_days() > 0 {
        format!("{}d", d.num_days())
    } else {
        duration(d)
    }
}

/// A size in binary units with one decimal: "700.0 MiB", "50.0 GiB"; bytes below a KiB.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// An instant in UTC for messages that must read the same in every zone: "2026-10-28 03:00 UTC",
/// with seconds only when there are some (a point taken at 03:00:12 must not read as 03:00,
/// or "before the oldest point" would look wrong beside the time the operator typed).
pub fn instant_utc(at: DateTime<Utc>) -> String {
    if at.second() == 0 {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
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

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.0 KiB");
        assert_eq!(bytes(734_003_200), "700.0 MiB");
        assert_eq!(bytes(53_687_091_200), "50.0 GiB");
        assert_eq!(bytes(u64::MAX), "16384.0 PiB");
    }

    #[test]
    fn keeps_the_two_largest_units() {
        assert_eq!(duration(Duration::seconds(0)), "0s");
        assert_eq!(duration(Duration::seconds(59)), "59s");
        assert_eq!(duration(Duration::seconds(60)), "1m");
        assert_eq!(duration(Duration::seconds(61)), "1m 1s");
        assert_eq!(duration(Duration::seconds(3_600)), "1h");
        assert_eq!(duration(Duration::seconds(3_660)), "1h 1m");
        assert_eq!(duration(Duration::seconds(86_400)), "1d");
        assert_eq!(duration(Duration::seconds(90_000)), "1d 1h");
        assert_eq!(duration(Duration::seconds(-90)), "-1m 30s");
    }

    #[test]
    fn coarse_drops_seconds_between_a_minute_and_an_hour() {
        assert_eq!(coarse(Duration::seconds(45)), "45s");
        assert_eq!(coarse(Duration::seconds(61)), "1m");
        assert_eq!(coarse(Duration::seconds(3_599)), "59m");
        assert_eq!(coarse(Duration::seconds(3_660)), "1h 1m");
        assert_eq!(coarse(Duration::seconds(-125)), "-2m");
    }

    #[test]
    fn periods_read_in_whole_days() {
        assert_eq!(period(Duration::days(30)), "30d");
        assert_eq!(period(Duration::hours(1)), "1h");
        assert_eq!(period(Duration::hours(36)), "1d 12h");
    }

    #[test]
    fn instants_show_seconds_only_when_there_are_some() {
        use chrono::TimeZone;
        let on_the_minute = Utc.with_ymd_and_hms(2026, 10, 28, 3, 0, 0).unwrap();
        assert_eq!(instant_utc(on_the_minute), "2026-10-28 03:00 UTC");
        let later = on_the_minute + Duration::seconds(12);
        assert_eq!(instant_utc(later), "2026-10-28 03:00:12 UTC");
    }
}
