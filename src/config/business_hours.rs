//! The `[business_hours]` section: time zone, clock times, weekdays and holidays, written as
//! strings or as bare TOML times and dates. The business calendar judges whether they make a
//! working week; this file only says where in the file a complaint belongs.

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use toml::Spanned;

use super::check::{Check, Checked, or_default};
use super::raw::RawBusinessHours;
use super::{BusinessHours, ConfigError};
use crate::domain::calendar::CalendarError;

impl Check<'_> {
    pub(super) fn business_hours(&self, raw: RawBusinessHours) -> Checked<BusinessHours> {
        let hours = self.hours(&raw)?;
        // The calendar owns the rules of a business day; config only says where in the file.
        hours.calendar().map_err(|e| self.calendar_error(e, &raw))?;
        Ok(hours)
    }

    /// Each value on its own; whether they make a working week is the calendar's call.
    fn hours(&self, raw: &RawBusinessHours) -> Checked<BusinessHours> {
        let defaults = BusinessHours::default();
        Ok(BusinessHours {
            // Only the first complaint is shown; the clock times come first, as they always have.
            start: or_default(raw.start.as_ref(), defaults.start, |v| {
                self.clock(v, "business_hours.start")
            })?,
            end: or_default(raw.end.as_ref(), defaults.end, |v| {
                self.clock(v, "business_hours.end")
            })?,
            timezone: or_default(raw.timezone.as_ref(), defaults.timezone, |v| {
                self.timezone(v)
            })?,
            weekdays: or_default(raw.weekdays.as_ref(), defaults.weekdays, |v| {
                self.weekdays(v)
            })?,
            holidays: or_default(raw.holidays.as_deref(), defaults.holidays, |v| {
                self.holidays(v)
            })?,
        })
    }

    fn timezone(&self, value: &Spanned<String>) -> Checked<Tz> {
        let key = "business_hours.timezone";
        value.get_ref().trim().parse::<Tz>().map_err(|_| {
            let problem = format!(
                "`{key}`: {:?} is not an IANA time zone (e.g. \"Europe/London\", \"UTC\")",
                value.get_ref()
            );
            self.fail(&value.span(), key, problem)
        })
    }

    fn clock(&self, value: &Spanned<toml::Value>, key: &str) -> Checked<NaiveTime> {
        let parsed = match value.get_ref() {
            toml::Value::String(text) => NaiveTime::parse_from_str(text.trim(), "%H:%M").ok(),
            toml::Value::Datetime(datetime) => toml_clock(datetime),
            _ => None,
        };
        parsed.ok_or_else(|| {
            let problem = format!("`{key}` must be HH:MM, got {}", value.get_ref());
            self.fail(&value.span(), key, problem)
        })
    }

    /// Points at the key the calendar's complaint is about, preferring what the user wrote.
    fn calendar_error(&self, error: CalendarError, raw: &RawBusinessHours) -> ConfigError {
        match error {
            CalendarError::EmptyDay { start, end } => {
                let (key, span) = match (&raw.end, &raw.start) {
                    (Some(end), _) => ("business_hours.end", end.span()),
                    (None, Some(start)) => ("business_hours.start", start.span()),
                    (None, None) => ("business_hours", 0..0),
                };
                let problem = format!(
                    "`business_hours.start` ({}) must be before `business_hours.end` ({})",
                    start.format("%H:%M"),
                    end.format("%H:%M")
                );
                self.fail(&span, key, problem)
            }
            CalendarError::NoBusinessDays => {
                let key = "business_hours.weekdays";
                let span = raw.weekdays.as_ref().map_or(0..0, |w| w.span());
                self.fail(&span, key, format!("`{key}` must list at least one day"))
            }
        }
    }

    fn weekdays(&self, value: &Spanned<Vec<Spanned<String>>>) -> Checked<Vec<Weekday>> {
        let key = "business_hours.weekdays";
        let mut days = Vec::new();
        for day in value.get_ref() {
            let parsed = self.weekday(day, key)?;
            if !days.contains(&parsed) {
                days.push(parsed);
            }
        }
        Ok(days)
    }

    fn weekday(&self, day: &Spanned<String>, key: &str) -> Checked<Weekday> {
        day.get_ref().trim().parse::<Weekday>().map_err(|_| {
            let problem = format!(
                "`{key}`: {:?} is not a weekday (use mon, tue, wed, thu, fri, sat, sun)",
                day.get_ref()
            );
            self.fail(&day.span(), key, problem)
        })
    }

    fn holidays(&self, values: &[Spanned<toml::Value>]) -> Checked<Vec<NaiveDate>> {
        let mut dates = values
            .iter()
            .map(|value| self.holiday(value))
            .collect::<Checked<Vec<_>>>()?;
        dates.sort_unstable();
        dates.dedup();
        Ok(dates)
    }

    fn holiday(&self, value: &Spanned<toml::Value>) -> Checked<NaiveDate> {
        let key = "business_hours.holidays";
        let parsed = match value.get_ref() {
            toml::Value::String(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok(),
            toml::Value::Datetime(datetime) => toml_date(datetime),
            _ => None,
        };
        parsed.ok_or_else(|| {
            let problem = format!(
                "`{key}`: {} is not a date (use \"YYYY-MM-DD\")",
                value.get_ref()
            );
            self.fail(&value.span(), key, problem)
        })
    }
}

/// A bare TOML time (`09:00`), accepted only when it means a plain HH:MM.
fn toml_clock(datetime: &toml::value::Datetime) -> Option<NaiveTime> {
    let time = datetime
        .time
        .filter(|_| datetime.date.is_none() && datetime.offset.is_none())?;
    if time.second != 0 || time.nanosecond != 0 {
        return None;
    }
    NaiveTime::from_hms_opt(time.hour.into(), time.minute.into(), 0)
}

/// A bare TOML date (`2026-12-25`), without a time of day.
fn toml_date(datetime: &toml::value::Datetime) -> Option<NaiveDate> {
    let date = datetime.date.filter(|_| datetime.time.is_none())?;
    NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
}

#[cfg(test)]
mod tests {
    use crate::config::test_support::assert_error;

    #[test]
    fn bad_timezone() {
        let src = "[business_hours]\ntimezone = \"Europe/Londn\"\n";
        let expected = "`business_hours.timezone`: \"Europe/Londn\" is not an IANA time zone";
        assert_error(src, 2, "business_hours.timezone", &[expected]);
    }

    #[test]
    fn bad_clock_times() {
        let src = "[business_hours]\nstart = \"9am\"\n";
        let expected = "`business_hours.start` must be HH:MM, got \"9am\"";
        assert_error(src, 2, "business_hours.start", &[expected]);
        let src = "[business_hours]\nend = 17\n";
        assert_error(src, 2, "business_hours.end", &["must be HH:MM, got 17"]);
        let src = "[business_hours]\nend = 17:00:30\n";
        assert_error(src, 2, "business_hours.end", &["must be HH:MM"]);
    }

    #[test]
    fn start_must_be_before_end() {
        let src = "[business_hours]\nstart = \"17:00\"\nend = \"09:00\"\n";
        let expected = "`business_hours.start` (17:00) must be before `business_hours.end` (09:00)";
        assert_error(src, 3, "business_hours.end", &[expected]);
        let src = "[business_hours]\nstart = \"18:00\"\n";
        assert_error(src, 2, "business_hours.start", &["must be before"]);
        let src = "[business_hours]\nstart = \"09:00\"\nend = \"09:00\"\n";
        assert_error(src, 3, "business_hours.end", &["must be before"]);
    }

    #[test]
    fn weekdays_must_be_days() {
        let src = "[business_hours]\nweekdays = []\n";
        assert_error(
            src,
            2,
            "business_hours.weekdays",
            &["must list at least one day"],
        );
        let src = "[business_hours]\nweekdays = [\n  \"mon\",\n  \"funday\",\n]\n";
        let expected = "`business_hours.weekdays`: \"funday\" is not a weekday";
        assert_error(src, 4, "business_hours.weekdays", &[expected]);
    }

    #[test]
    fn holidays_must_be_dates() {
        let src = "[business_hours]\nholidays = [\"2026-12-25\",\n  \"25/12/2026\"]\n";
        let expected = "`business_hours.holidays`: \"25/12/2026\" is not a date";
        assert_error(src, 3, "business_hours.holidays", &[expected]);
        let src = "[business_hours]\nholidays = [\"2026-02-30\"]\n";
        assert_error(src, 2, "business_hours.holidays", &["is not a date"]);
    }
}
