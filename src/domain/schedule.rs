//! Backup schedules: a CronJob's `spec.schedule` read on the wall clock of its `spec.timeZone`.
//!
//! Daylight saving follows croner's rules. A pattern with a single minute and a single hour
//! ("30 1 * * *") is a fixed time of day: when the clock skips that time (spring forward) it
//! runs once, at the first instant after the jump (02:00 BST), so no day loses its backup;
//! when the clock repeats it (fall back) it runs once, on the first pass. Any other pattern,
//! hourly or even "30 1,13 * * *", follows the real clock: no run in the skipped hour, a run
//! on both passes of the repeated one.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::errors::CronError;
use croner::parser::{CronParser, Seconds, Year};

/// How far `previous_at_or_before` and `interval` look from their reference instant.
const HORIZON: Duration = Duration::days(400);
/// A week and a day: any window this long holds every gap of a weekly pattern.
const INTERVAL_WINDOW: Duration = Duration::days(8);
/// A once-a-minute schedule has 11 520 runs in the window; this leaves room for the runs
/// either side of it without letting a pathological case run on.
const MAX_INTERVAL_RUNS: usize = 12_000;
/// croner searches years 1 to 5000; instants outside are answered with `None` before chrono
/// could overflow converting them to local time.
const YEARS: std::ops::RangeInclusive<i32> = 2..=4999;

/// The five fields of a CronJob schedule, with the values each allows.
const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
];

#[derive(Debug, Clone)]
pub struct CronSchedule {
    cron: Cron,
    timezone: Tz,
    /// As written, for display: croner keeps an upper-cased, expanded copy.
    expression: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    BadCron { cron: String, reason: String },
    BadTimezone { timezone: String },
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::BadCron { cron, reason } => {
                write!(f, "cron expression \"{cron}\" is not valid: {reason}")
            }
            ScheduleError::BadTimezone { timezone } => write!(
                f,
                "time zone \"{timezone}\" is not a known IANA time zone name \
                 (for example \"Europe/London\" or \"UTC\")"
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}

impl CronSchedule {
    /// Reads a CronJob schedule: five fields, or a shortcut such as `@hourly` or `@daily`.
    /// Seconds and year fields are refused, as Kubernetes refuses them. A pattern that never
    /// matches a real date ("0 0 30 2 *") is refused too: it would never back anything up.
    pub fn parse(cron: &str, timezone: &str) -> Result<Self, ScheduleError> {
        let tz: Tz = timezone.parse().map_err(|_| ScheduleError::BadTimezone {
            timezone: timezone.to_string(),
        })?;
        let bad = |reason: String| ScheduleError::BadCron {
            cron: cron.to_string(),
            reason,
        };
        let parsed = parser()
            .parse(cron)
            .map_err(|error| bad(explain(cron, &error)))?;
        let epoch = DateTime::UNIX_EPOCH.with_timezone(&tz);
        if parsed.find_next_occurrence(&epoch, false).is_err() {
            return Err(bad("it never matches a real date".to_string()));
        }
        Ok(CronSchedule {
            cron: parsed,
            timezone: tz,
            expression: cron.to_string(),
        })
    }

    pub fn cron(&self) -> &str {
        &self.expression
    }

    /// Whether the runs of one week, shifted by a week, are the runs of the next whenever
    /// the zone's offset does not change: any day of the month and any month (weekdays,
    /// hours and minutes repeat weekly; days of the month do not).
    pub fn repeats_weekly(&self) -> bool {
        let fields: Vec<&str> = self.expression.split_whitespace().collect();
        match fields.as_slice() {
            [shortcut] => matches!(
                shortcut.to_ascii_lowercase().as_str(),
                "@hourly" | "@daily" | "@midnight" | "@weekly"
            ),
            [_, _, dom, month, _] => *dom == "*" && *month == "*",
            _ => false,
        }
    }

    /// The zone's offset from UTC at `at`, in seconds.
    pub fn offset_at(&self, at: DateTime<Utc>) -> i32 {
        use chrono::Offset;
        at.with_timezone(&self.timezone)
            .offset()
            .fix()
            .local_minus_utc()
    }

    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// First run strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !YEARS.contains(&after.year()) {
            return None;
        }
        let local = after.with_timezone(&self.timezone);
        let run = self.cron.find_next_occurrence(&local, false).ok()?;
        Some(run.with_timezone(&Utc))
    }

    /// Most recent run at or before `at` (for "when should it last have fired"), looking back
    /// no more than about 400 days.
    ///
    /// croner 4 searches backwards itself, DST rules included, so no forward re-scan is needed.
    pub fn previous_at_or_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !YEARS.contains(&at.year()) {
            return None;
        }
        let local = at.with_timezone(&self.timezone);
        let run = self.cron.find_previous_occurrence(&local, true).ok()?;
        let run = run.with_timezone(&Utc);
        (at - run <= HORIZON).then_some(run)
    }

    /// The schedule's interval: the longest gap between consecutive runs over the 8 days
    /// after `reference`, so a weekday-only daily job reports its 72 h weekend gap.
    ///
    /// The gaps counted run from the last run at or before `reference` to the first run after
    /// the window: without the run before, a window starting on Saturday would hold Monday to
    /// Friday only and miss the weekend. Rare schedules (monthly, yearly) are followed up to
    /// about 400 days either side. `None` if fewer than two runs fall in that span.
    ///
    /// Gaps are real elapsed time, so a daily job in a zone with DST reports 25 h in the
    /// window that holds the autumn clock change.
    pub fn interval(&self, reference: DateTime<Utc>) -> Option<Duration> {
        let limit = reference.checked_add_signed(HORIZON)?;
        let window_end = reference.checked_add_signed(INTERVAL_WINDOW)?;
        let mut run = self
            .previous_at_or_before(reference)
            .or_else(|| self.next_after(reference))
            .filter(|first| *first <= limit)?;
        let mut longest: Option<Duration> = None;
        for _ in 0..MAX_INTERVAL_RUNS {
            let Some(next) = self.next_after(run).filter(|next| *next <= limit) else {
                break;
            };
            let gap = next - run;
            longest = Some(longest.map_or(gap, |longest| longest.max(gap)));
            if next > window_end {
                break;
            }
            run = next;
        }
        longest
    }
}

/// Five fields exactly: croner would otherwise also take seconds and years.
fn parser() -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
}

/// Plain words for a pattern croner refused. croner's own messages ("Number out of
/// bounds.") do not say which field is wrong, so the fields are checked one by one.
fn explain(cron: &str, error: &CronError) -> String {
    let fields: Vec<&str> = cron.split_whitespace().collect();
    match fields.as_slice() {
        [] => "it is empty".to_string(),
        [first, ..] if first.starts_with('@') => format!(
            "\"{first}\" is not a known shortcut \
             (@yearly, @annually, @monthly, @weekly, @daily or @hourly)"
        ),
        [_, _, _, _, _] => (0..FIELDS.len())
            .find_map(|index| field_problem(&fields, index))
            .unwrap_or_else(|| croner_reason(error)),
        _ => format!(
            "it has {} fields, but a schedule has 5: \
             minute, hour, day of month, month and day of week",
            fields.len()
        ),
    }
}

/// What is wrong with one field, if croner refuses it on its own.
fn field_problem(fields: &[&str], index: usize) -> Option<String> {
    let (name, min, max) = FIELDS[index];
    let text = fields[index];
    if let Some(number) = numbers(text).find(|number| !(min..=max).contains(number)) {
        return Some(format!("{name} {number} out of range ({min} to {max})"));
    }
    let mut probe = ["*"; 5];
    probe[index] = text;
    let error = parser().parse(&probe.join(" ")).err()?;
    Some(format!("{name} \"{text}\": {}", croner_reason(&error)))
}

/// The values a field names, leaving out steps (after `/`) and the nth of `#`, which have
/// ranges of their own.
fn numbers(field: &str) -> impl Iterator<Item = u32> + '_ {
    field
        .split(',')
        .filter_map(|item| item.split('/').next())
        .flat_map(|range| range.split('-'))
        .filter_map(|bound| {
            let digits = bound
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(bound.len());
            bound[..digits].parse().ok()
        })
}

fn croner_reason(error: &CronError) -> String {
    let message = match error {
        CronError::IllegalCharacters(_) => return "it has a character cron does not allow".into(),
        CronError::ComponentError(message) | CronError::InvalidPattern(message) => message.clone(),
        other => other.to_string(),
    };
    let message = message.trim_end_matches('.');
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests;
