//! Business hours: the clock behind "acknowledge within 1 business hour" and the Standard RTO.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

/// Day-by-day walks stop after about ten years: far beyond any deadline this app tracks.
const MAX_DAYS: usize = 3660;
/// The longest clock jump a local time is carried across (Samoa skipped a whole day in 2011).
const MAX_GAP_MINUTES: i64 = 48 * 60;

const DEFAULT_OPEN: NaiveTime = NaiveTime::from_hms_opt(9, 0, 0).expect("09:00 is a valid time");
const DEFAULT_CLOSE: NaiveTime = NaiveTime::from_hms_opt(17, 0, 0).expect("17:00 is a valid time");
const DEFAULT_WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// When business hours run: the same opening hours on chosen weekdays, minus holidays,
/// all judged on the wall clock of one time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    timezone: Tz,
    start: NaiveTime,
    end: NaiveTime,
    /// Indexed by `Weekday::num_days_from_monday`.
    weekdays: [bool; 7],
    /// Local dates.
    holidays: BTreeSet<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// Opening hours that end at or before they start.
    EmptyDay { start: NaiveTime, end: NaiveTime },
    /// Not a single weekday is a business day.
    NoBusinessDays,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::EmptyDay { start, end } => write!(
                f,
                "business hours must end after they start, but they run from {} to {}",
                start.format("%H:%M"),
                end.format("%H:%M")
            ),
            CalendarError::NoBusinessDays => {
                write!(f, "at least one weekday must be a business day")
            }
        }
    }
}

impl std::error::Error for CalendarError {}

impl Default for BusinessCalendar {
    fn default() -> Self {
        let mut weekdays = [false; 7];
        for day in DEFAULT_WEEKDAYS {
            weekdays[day.num_days_from_monday() as usize] = true;
        }
        BusinessCalendar {
            timezone: Tz::Europe__London,
            start: DEFAULT_OPEN,
            end: DEFAULT_CLOSE,
            weekdays,
            holidays: BTreeSet::new(),
        }
    }
}

impl BusinessCalendar {
    pub fn new(
        timezone: Tz,
        start: NaiveTime,
        end: NaiveTime,
        weekdays: &[Weekday],
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, CalendarError> {
        if start >= end {
            return Err(CalendarError::EmptyDay { start, end });
        }
        let mut days = [false; 7];
        for day in weekdays {
            days[day.num_days_from_monday() as usize] = true;
        }
        if !days.contains(&true) {
            return Err(CalendarError::NoBusinessDays);
        }
        Ok(BusinessCalendar {
            timezone,
            start,
            end,
            weekdays: days,
            holidays: holidays.into_iter().collect(),
        })
    }

    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// Whether a local date is a business day: one of the weekdays and not a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        self.weekdays[date.weekday().num_days_from_monday() as usize]
            && !self.holidays.contains(&date)
    }

    pub fn is_business_time(&self, at: DateTime<Utc>) -> bool {
        self.window(self.local_date(at))
            .is_some_and(|(open, close)| open <= at && at < close)
    }

    /// The instant `amount` of business time after `from` (from may be outside business hours:
    /// counting starts at the next opening).
    ///
    /// This is the earliest such instant, so a deadline that uses up a day exactly falls at
    /// its closing time, not at the next opening. A zero or negative amount needs no business
    /// time to pass and gives `from` itself. Past about ten years of days the search gives up
    /// and returns that far bound.
    pub fn add_business_time(&self, from: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        if amount <= Duration::zero() {
            return from;
        }
        let mut remaining = amount;
        for (open, close) in self.windows_from(from) {
            let start = open.max(from);
            let available = close - start;
            if available <= Duration::zero() {
                continue;
            }
            if remaining <= available {
                return start + remaining;
            }
            remaining -= available;
        }
        from.checked_add_signed(Duration::days(MAX_DAYS as i64))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Business time elapsed between two instants (zero when to <= from).
    ///
    /// Spans longer than about ten years count only their first ten years.
    pub fn business_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        self.windows_from(from)
            .take_while(|(open, _)| *open < to)
            .map(|(open, close)| (close.min(to) - open.max(from)).max(Duration::zero()))
            .sum()
    }

    /// Business hours as instants, day by day, starting the local day before `from`'s: a
    /// day's hours normally stay within its own date, but a clock jump can push its closing
    /// past midnight.
    fn windows_from(
        &self,
        from: DateTime<Utc>,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let first = self.local_date(from);
        let first = first.pred_opt().unwrap_or(first);
        std::iter::successors(Some(first), NaiveDate::succ_opt)
            .take(MAX_DAYS)
            .filter_map(|date| self.window(date))
    }

    /// The business hours of a local date as instants; `None` on a day off.
    fn window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.is_business_day(date) {
            return None;
        }
        let open = self.instant(date.and_time(self.start))?;
        let close = self.instant(date.and_time(self.end))?;
        Some((open, close.max(open)))
    }

    /// The instant a wall-clock time means. In an hour the clock repeats, the first pass
    /// counts (the office opened then). A time the clock skips never shows, so it counts
    /// from the first instant after the jump.
    fn instant(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        (0..=MAX_GAP_MINUTES).find_map(|minutes| {
            let shifted = local.checked_add_signed(Duration::minutes(minutes))?;
            let resolved = self.timezone.from_local_datetime(&shifted).earliest()?;
            Some(resolved.with_timezone(&Utc))
        })
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        local_date(self.timezone, at)
    }
}

/// The date on `zone`'s wall clock at `at`.
///
/// `DateTime::date_naive` panics when the local date would leave chrono's range, so the
/// offset is applied by hand and the UTC date stands in at those extremes.
pub fn local_date(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    let utc = at.naive_utc();
    let offset = zone.offset_from_utc_datetime(&utc).fix();
    utc.checked_add_offset(offset).unwrap_or(utc).date()
}

#[cfg(test)]
mod tests;
