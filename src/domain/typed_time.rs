//! The point in time an operator types into the restore wizard, read in the zone the screen
//! shows (local or UTC), refused in words when it is anything else.
//!
//! Accepted: `2026-11-26 03:00` (a wall-clock time in the zone), `2026-11-26T03:00:00Z` (an
//! instant, any offset), `03:00` / `today 03:00` (today in the zone), `yesterday 17:30`, and
//! `-2h` / `-90m` / `-1h30m` / `-1d` (that long before now; units d, h, m, s). Seconds are
//! optional on every wall-clock time. Whether the time is in the future is for the point
//! choice to judge, not the parser.

use std::fmt;

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::calendar::local_date;

/// Why a typed time was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedTimeError {
    /// Not one of the accepted forms.
    Unrecognised { input: String, zone: Tz },
    /// A wall-clock time the clocks pass twice (they go back): either instant could be meant.
    Ambiguous {
        typed: NaiveDateTime,
        zone: Tz,
        earlier: DateTime<Utc>,
        later: DateTime<Utc>,
    },
    /// A wall-clock time the clocks skip (they go forward): no instant has it.
    Skipped { typed: NaiveDateTime, zone: Tz },
    /// A relative time further back than the calendar reaches.
    TooFarBack { input: String },
}

impl fmt::Display for TypedTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypedTimeError::Unrecognised { input, zone } => write!(
                f,
                "cannot read \"{input}\" as a time: type a date and time (2026-11-26 03:00), \
                 an instant (2026-11-26T03:00:00Z), a time today (03:00), yesterday 17:30, \
                 or how long ago (-2h, -90m, -1d); times without a zone are read in {zone}"
            ),
            TypedTimeError::Ambiguous {
                typed,
                zone,
                earlier,
                later,
            } => write!(
                f,
                "{} happens twice in {zone} (the clocks go back): type the one you mean as \
                 {} or {}",
                typed.format("%Y-%m-%d %H:%M:%S"),
                earlier.format("%Y-%m-%dT%H:%M:%SZ"),
                later.format("%Y-%m-%dT%H:%M:%SZ"),
            ),
            TypedTimeError::Skipped { typed, zone } => write!(
                f,
                "{} never happens in {zone} (the clocks go forward): type a time outside \
                 the jump, or an instant such as 2026-11-26T03:00:00Z",
                typed.format("%Y-%m-%d %H:%M:%S"),
            ),
            TypedTimeError::TooFarBack { input } => {
                write!(
                    f,
                    "\"{input}\" goes further back than any restore point could"
                )
            }
        }
    }
}

impl std::error::Error for TypedTimeError {}

/// Reads what the operator typed as an instant, wall-clock forms in `zone` (`Tz::UTC` for UTC),
/// "today" and relative forms as of `now`.
pub fn parse_typed_time(
    input: &str,
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<DateTime<Utc>, TypedTimeError> {
    let text = input.trim();
    let unrecognised = || TypedTimeError::Unrecognised {
        input: text.to_string(),
        zone,
    };
    if let Some(ago) = text.strip_prefix('-') {
        let amount = relative_amount(&ago.to_ascii_lowercase()).ok_or_else(unrecognised)?;
        return amount
            .and_then(|amount| now.checked_sub_signed(amount))
            .ok_or_else(|| TypedTimeError::TooFarBack {
                input: text.to_string(),
            });
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.with_timezone(&Utc));
    }
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let today = local_date(zone, now);
    let (date, time) = match words.as_slice() {
        [time] => (Some(today), *time),
        ["today", time] => (Some(today), *time),
        ["yesterday", time] => (today.pred_opt(), *time),
        [date, time] => (NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(), *time),
        _ => (None, ""),
    };
    let (date, time) = date.zip(wall_time(time)).ok_or_else(unrecognised)?;
    in_zone(date.and_time(time), zone)
}

/// `03:00` or `03:00:00`.
fn wall_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
        .ok()
}

/// The instant a wall-clock time in `zone` means, refused when the clocks make it ambiguous or
/// skip it: at 3 a.m. during a restore a guess is worse than a question.
fn in_zone(typed: NaiveDateTime, zone: Tz) -> Result<DateTime<Utc>, TypedTimeError> {
    match zone.from_local_datetime(&typed) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Err(TypedTimeError::Ambiguous {
            typed,
            zone,
            earlier: a.with_timezone(&Utc).min(b.with_timezone(&Utc)),
            later: a.with_timezone(&Utc).max(b.with_timezone(&Utc)),
        }),
        LocalResult::None => Err(TypedTimeError::Skipped { typed, zone }),
    }
}

/// The sum of `<digits><unit>` parts (`2h`, `90m`, `1h30m`): `None` when malformed (so the
/// caller says what it expects), `Some(None)` when well formed but too large for a `Duration`.
pub fn relative_amount(text: &str) -> Option<Option<Duration>> {
    if text.is_empty() {
        return None;
    }
    let mut rest = text;
    let mut total = Some(Duration::zero());
    while !rest.is_empty() {
        let digits_end = rest.find(|c: char| !c.is_ascii_digit())?;
        let (digits, after) = rest.split_at(digits_end);
        let unit = after.chars().next()?;
        let seconds_per = match unit {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        if digits.is_empty() {
            return None;
        }
        let part = digits
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(seconds_per))
            .and_then(Duration::try_seconds);
        total = total.zip(part).and_then(|(t, p)| t.checked_add(&p));
        rest = &after[unit.len_utf8()..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::utc;
    use chrono_tz::Europe::London;
    use chrono_tz::Pacific::Auckland;

    fn now() -> DateTime<Utc> {
        utc(2026, 11, 26, 3, 10)
    }

    fn parse(input: &str, zone: Tz) -> Result<DateTime<Utc>, TypedTimeError> {
        parse_typed_time(input, now(), zone)
    }

    /// Each accepted form, typed as of `now()` (03:10 UTC on 2026-11-26, which is 16:10 that
    /// day in Auckland), with the instant it must mean.
    #[test]
    fn every_accepted_form_means_the_instant_intended() {
        let cases = [
            // A date and time, read in the zone (London is UTC+1 in summer).
            ("2026-11-26 03:00", Tz::UTC, utc(2026, 11, 26, 3, 0)),
            ("2026-07-01 03:00", London, utc(2026, 7, 1, 2, 0)),
            ("  2026-11-26   03:00 ", Auckland, utc(2026, 11, 25, 14, 0)),
            // An instant is what it says, whatever the zone.
            ("2026-11-26T03:00:00Z", Auckland, utc(2026, 11, 26, 3, 0)),
            (
                "2026-11-26T04:00:00+01:00",
                Tz::UTC,
                utc(2026, 11, 26, 3, 0),
            ),
            // A bare time is today on the zone's calendar.
            ("03:00", Tz::UTC, utc(2026, 11, 26, 3, 0)),
            ("Today 02:15", London, utc(2026, 11, 26, 2, 15)),
            ("03:00", Auckland, utc(2026, 11, 25, 14, 0)),
            // Yesterday, likewise.
            ("yesterday 17:30", Tz::UTC, utc(2026, 11, 25, 17, 30)),
            ("YESTERDAY 17:30", Auckland, utc(2026, 11, 25, 4, 30)),
        ];
        for (input, zone, expected) in cases {
            assert_eq!(parse(input, zone), Ok(expected), "{input:?} in {zone}");
        }
        assert_eq!(
            parse("2026-11-26 03:00:30", Tz::UTC),
            Ok(utc(2026, 11, 26, 3, 0) + Duration::seconds(30))
        );
    }

    #[test]
    fn today_turns_at_the_zones_midnight_not_at_utcs() {
        // 11:00 UTC on the 26th is already the 27th in Auckland.
        let later = utc(2026, 11, 26, 11, 0);
        assert_eq!(
            parse_typed_time("03:00", later, Auckland),
            Ok(utc(2026, 11, 26, 14, 0))
        );
        assert_eq!(
            parse_typed_time("03:00", later, Tz::UTC),
            Ok(utc(2026, 11, 26, 3, 0))
        );
    }

    #[test]
    fn relative_times_count_back_from_now() {
        assert_eq!(parse("-2h", Tz::UTC), Ok(utc(2026, 11, 26, 1, 10)));
        assert_eq!(parse("-90m", Auckland), Ok(utc(2026, 11, 26, 1, 40)));
        assert_eq!(parse("-1h30m", Tz::UTC), Ok(utc(2026, 11, 26, 1, 40)));
        assert_eq!(parse("-1d", Tz::UTC), Ok(utc(2026, 11, 25, 3, 10)));
        assert_eq!(parse("-45S", Tz::UTC), Ok(now() - Duration::seconds(45)));
        assert_eq!(parse("-0m", Tz::UTC), Ok(now()));
    }

    #[test]
    fn relative_times_beyond_the_calendar_are_refused_in_words() {
        let error = parse("-9999999999999d", Tz::UTC).unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"-9999999999999d\" goes further back than any restore point could"
        );
        assert!(matches!(
            parse("-99999999999999999999h", Tz::UTC),
            Err(TypedTimeError::TooFarBack { .. })
        ));
        assert!(matches!(
            parse("-100000000d", Tz::UTC),
            Err(TypedTimeError::TooFarBack { .. })
        ));
    }

    #[test]
    fn anything_else_is_refused_saying_what_is_expected() {
        for input in [
            "",
            "tomorrow",
            "03:00pm",
            "2026-11-26",
            "-2x",
            "-",
            "-h",
            "-2",
            "+2h",
            "25:00",
            "2026-13-01 03:00",
            "yesterday",
            "last week 03:00",
            "2h",
        ] {
            let error = parse(input, London).unwrap_err();
            assert!(
                matches!(error, TypedTimeError::Unrecognised { .. }),
                "{input:?} gave {error:?}"
            );
        }
        assert_eq!(
            parse("tomorrow", London).unwrap_err().to_string(),
            "cannot read \"tomorrow\" as a time: type a date and time (2026-11-26 03:00), \
             an instant (2026-11-26T03:00:00Z), a time today (03:00), yesterday 17:30, \
             or how long ago (-2h, -90m, -1d); times without a zone are read in Europe/London"
        );
    }

    #[test]
    fn a_time_the_clocks_pass_twice_is_refused_with_both_instants() {
        let error = parse("2026-10-25 01:30", London).unwrap_err();
        assert_eq!(
            error.to_string(),
            "2026-10-25 01:30:00 happens twice in Europe/London (the clocks go back): \
             type the one you mean as 2026-10-25T00:30:00Z or 2026-10-25T01:30:00Z"
        );
        assert!(parse("2026-10-25 01:30", Tz::UTC).is_ok());
    }

    #[test]
    fn dates_at_the_ends_of_the_calendar_do_not_panic() {
        for input in [
            "262143-12-31 23:59",
            "+262143-12-31 23:59",
            "0000-01-01 00:00",
        ] {
            for zone in [Tz::UTC, Auckland, Tz::America__Los_Angeles] {
                let _ = parse(input, zone);
            }
        }
        let edge = DateTime::<Utc>::MAX_UTC;
        let _ = parse_typed_time("23:59", edge, Auckland);
        let _ = parse_typed_time("yesterday 00:00", DateTime::<Utc>::MIN_UTC, Auckland);
    }

    #[test]
    fn a_time_the_clocks_skip_is_refused() {
        let error = parse("2026-03-29 01:30", London).unwrap_err();
        assert!(matches!(error, TypedTimeError::Skipped { .. }));
        assert!(
            error
                .to_string()
                .starts_with("2026-03-29 01:30:00 never happens in Europe/London")
        );
    }
}
