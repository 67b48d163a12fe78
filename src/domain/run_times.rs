//! The instants a schedule fires over a span, listed once per distinct schedule, so that
//! "how many points should this tenant hold" is two binary searches, not a cron walk per
//! tenant (100 000 tenants share a few hundred schedules).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::schedule::CronSchedule;
use super::tenant::BackupSchedule;

/// Runs of one schedule in `(from, to]`, as Unix seconds, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTimes {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    runs: Vec<i64>,
}

/// A once-a-minute schedule over 90 days is 129 600 runs; past this the list is cut short
/// and only the span it reached is covered.
pub const MAX_RUNS: usize = 200_000;

/// Runs are listed a week at a time: a week whose zone offset matches the week before (and
/// a schedule that repeats weekly) is that week's runs shifted, not another cron walk. Over
/// 91 days an hourly schedule is 168 walks instead of 2 184.
const WEEK: Duration = Duration::weeks(1);

impl RunTimes {
    /// Lists the runs of `schedule` in `(from, to]`. A pathological schedule stops at
    /// `MAX_RUNS`, and then covers only up to its last run.
    pub fn list(schedule: &CronSchedule, from: DateTime<Utc>, to: DateTime<Utc>) -> RunTimes {
        let mut runs = Vec::new();
        let mut at = from;
        // The last whole week listed: where it starts in `runs`, and its first instant.
        let mut last_week: Option<(usize, DateTime<Utc>)> = None;
        while at < to {
            let end = at.checked_add_signed(WEEK).map_or(to, |end| end.min(to));
            let whole = end - at == WEEK;
            let start = runs.len();
            let copy = last_week.filter(|(_, before)| {
                whole && schedule.repeats_weekly() && same_offset(schedule, &[*before, at, end])
            });
            match copy {
                Some((first, _)) => {
                    let shifted: Vec<i64> = runs[first..start]
                        .iter()
                        .map(|&r: &i64| r + WEEK.num_seconds())
                        .collect();
                    runs.extend(shifted);
                }
                None => walk(schedule, at, end, &mut runs),
            }
            if runs.len() >= MAX_RUNS {
                runs.truncate(MAX_RUNS);
                let last = runs.last().and_then(|&r| DateTime::from_timestamp(r, 0));
                return RunTimes {
                    from,
                    to: last.unwrap_or(from),
                    runs,
                };
            }
            last_week = whole.then_some((start, at));
            at = end;
        }
        RunTimes { from, to, runs }
    }

    pub fn covers(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.from <= from && to <= self.to
    }

    /// How many runs fall in `(after, until]`; `None` when that span is not covered.
    pub fn count(&self, after: DateTime<Utc>, until: DateTime<Utc>) -> Option<u64> {
        if !self.covers(after, until) {
            return None;
        }
        if until <= after {
            return Some(0);
        }
        let first = self.runs.partition_point(|&r| r <= after.timestamp());
        let end = self.runs.partition_point(|&r| r <= until.timestamp());
        Some((end - first) as u64)
    }

    /// The first run strictly after `at`, if the list reaches it.
    pub fn next_after(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let i = self.runs.partition_point(|&r| r <= at.timestamp());
        self.runs
            .get(i)
            .and_then(|&secs| DateTime::from_timestamp(secs, 0))
    }
}

/// The runs in `(after, until]`, walked with croner, appended to `runs` (at most `MAX_RUNS`).
fn walk(schedule: &CronSchedule, after: DateTime<Utc>, until: DateTime<Utc>, runs: &mut Vec<i64>) {
    let mut at = after;
    while let Some(next) = schedule.next_after(at).filter(|next| *next <= until) {
        if runs.len() == MAX_RUNS {
            return;
        }
        runs.push(next.timestamp());
        at = next;
    }
}

/// The zone's offset is the same at every instant given (two weeks' bounds: no clock change
/// between them, as no zone changes its clock twice in a fortnight).
fn same_offset(schedule: &CronSchedule, instants: &[DateTime<Utc>]) -> bool {
    let first = instants.first().map(|at| schedule.offset_at(*at));
    instants
        .iter()
        .all(|at| Some(schedule.offset_at(*at)) == first)
}

/// What health needs to know of a tenant's schedule; computed once per distinct schedule by
/// the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScheduleFacts<'a> {
    /// The longest gap between runs; `None` when the cron cannot be read.
    pub interval: Option<Duration>,
    /// The schedule's runs over the span health looks back on; `None` when unknown.
    pub runs: Option<&'a RunTimes>,
}

impl ScheduleFacts<'_> {
    pub fn interval_only(interval: Option<Duration>) -> ScheduleFacts<'static> {
        ScheduleFacts {
            interval,
            runs: None,
        }
    }
}

/// How far past the instant asked about a list of runs reaches, so that time moving on
/// re-lists a schedule's runs once a day, not every second.
const LIST_AHEAD: Duration = Duration::days(1);
/// The shortest look-back listed: the longest retention of the tiers, and a day.
const MIN_LOOK_BACK: Duration = Duration::days(91);

/// Looked up for every tenant on every evaluation: SipHash was a tenth of judging a fleet.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Interval and runs per distinct schedule, computed on first use and kept.
#[derive(Debug, Default, Clone)]
pub struct ScheduleCache {
    /// Longest gap per cron expression. Measured in UTC on purpose: the cadence of the
    /// pattern is what the RPO is judged against, and a DST change must not stretch a daily
    /// schedule to 25 h for a week a year.
    intervals: FastMap<String, Option<Duration>>,
    /// Runs per cron, then time zone: the real instants, DST included.
    runs: FastMap<String, FastMap<String, Option<RunTimes>>>,
}

impl ScheduleCache {
    /// Takes what `other` worked out and this cache does not know yet.
    pub fn merge(&mut self, other: ScheduleCache) {
        for (cron, interval) in other.intervals {
            self.intervals.entry(cron).or_insert(interval);
        }
        for (cron, zones) in other.runs {
            let known = self.runs.entry(cron).or_default();
            for (zone, runs) in zones {
                match known.get_mut(&zone) {
                    Some(slot @ None) => *slot = runs,
                    Some(Some(_)) => {}
                    None => {
                        known.insert(zone, runs);
                    }
                }
            }
        }
    }

    /// What health needs of `schedule` to judge a tenant at `at` that should hold points
    /// `look_back` far back.
    pub fn facts(
        &mut self,
        schedule: &BackupSchedule,
        at: DateTime<Utc>,
        look_back: Duration,
    ) -> ScheduleFacts<'_> {
        let interval = self.interval(&schedule.cron, at);
        let from = at.checked_sub_signed(look_back).unwrap_or(at);
        let Some(entry) = self.runs_of(schedule) else {
            return ScheduleFacts::interval_only(interval);
        };
        if entry.as_ref().is_none_or(|runs| !runs.covers(from, at)) {
            *entry = relist(schedule, entry.as_ref(), from, at);
        }
        ScheduleFacts {
            interval,
            runs: entry.as_ref(),
        }
    }

    /// Looked up by `&str` first: a `String` key per tenant per evaluation would be 100 000
    /// allocations for nothing.
    fn runs_of(&mut self, schedule: &BackupSchedule) -> Option<&mut Option<RunTimes>> {
        let (cron, zone) = (schedule.cron.as_str(), schedule.timezone.as_str());
        if !self.runs.contains_key(cron) {
            self.runs.insert(cron.to_string(), FastMap::default());
        }
        let by_zone = self.runs.get_mut(cron)?;
        if !by_zone.contains_key(zone) {
            by_zone.insert(zone.to_string(), None);
        }
        by_zone.get_mut(zone)
    }

    fn interval(&mut self, cron: &str, reference: DateTime<Utc>) -> Option<Duration> {
        if let Some(known) = self.intervals.get(cron) {
            return *known;
        }
        let interval = CronSchedule::parse(cron, "UTC")
            .ok()
            .and_then(|s| s.interval(reference));
        self.intervals.insert(cron.to_string(), interval);
        interval
    }
}

/// Lists the runs over what was listed before and the span now needed, with room either side
/// so that neither time moving on nor a stale tenant's older instant lists them again soon.
fn relist(
    schedule: &BackupSchedule,
    before: Option<&RunTimes>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Option<RunTimes> {
    let parsed = CronSchedule::parse(&schedule.cron, &schedule.timezone).ok()?;
    let earliest = to.checked_sub_signed(MIN_LOOK_BACK).unwrap_or(to).min(from);
    let from = before.map_or(earliest, |b| b.from.min(earliest));
    let to = to.checked_add_signed(LIST_AHEAD).unwrap_or(to);
    let to = before.map_or(to, |b| b.to.max(to));
    Some(RunTimes::list(&parsed, from, to))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    fn hourly() -> CronSchedule {
        CronSchedule::parse("0 * * * *", "UTC").unwrap()
    }

    /// The plain walk, one croner call per run: what the weekly copy must equal.
    fn walked(schedule: &CronSchedule, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<i64> {
        let mut runs = Vec::new();
        walk(schedule, from, to, &mut runs);
        runs
    }

    #[test]
    fn copied_weeks_are_the_runs_croner_walks_across_both_clock_changes() {
        let from = Utc.with_ymd_and_hms(2026, 1, 3, 7, 13, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2026, 12, 30, 5, 0, 0).unwrap();
        for (cron, zone) in [
            ("0 * * * *", "Europe/London"),
            ("44 * * * *", "UTC"),
            ("30 2 * * *", "Europe/London"),
            ("30 1 * * *", "Europe/London"),
            ("*/15 * * * 1-5", "America/New_York"),
            ("0 3 * * 0", "Australia/Sydney"),
            ("@daily", "Europe/Berlin"),
            ("0 3 1 * *", "Europe/London"),
            ("0 0 * 6 *", "UTC"),
        ] {
            let schedule = CronSchedule::parse(cron, zone).unwrap();
            let listed = RunTimes::list(&schedule, from, to);
            assert_eq!(listed.runs, walked(&schedule, from, to), "{cron} in {zone}");
            assert!(listed.covers(from, to), "{cron} in {zone}");
        }
    }

    #[test]
    fn a_list_cut_at_max_runs_covers_up_to_its_last_run() {
        let every_minute = CronSchedule::parse("* * * * *", "UTC").unwrap();
        let from = at(1, 0, 0);
        let runs = RunTimes::list(&every_minute, from, from + Duration::days(200));
        assert_eq!(runs.runs.len(), MAX_RUNS);
        let last = from + Duration::minutes(MAX_RUNS as i64);
        assert!(runs.covers(from, last));
        assert!(!runs.covers(from, last + Duration::minutes(1)));
    }

    #[test]
    fn counts_runs_in_a_half_open_span() {
        let runs = RunTimes::list(&hourly(), at(1, 0, 0), at(3, 0, 0));
        assert_eq!(runs.count(at(1, 0, 0), at(1, 3, 0)), Some(3), "01,02,03");
        assert_eq!(runs.count(at(1, 0, 30), at(1, 2, 59)), Some(2), "01,02");
        assert_eq!(runs.count(at(1, 5, 0), at(1, 5, 0)), Some(0));
        assert_eq!(runs.count(at(1, 0, 0), at(3, 0, 0)), Some(48));
    }

    #[test]
    fn spans_outside_the_list_are_not_answered() {
        let runs = RunTimes::list(&hourly(), at(2, 0, 0), at(3, 0, 0));
        assert_eq!(runs.count(at(1, 0, 0), at(2, 5, 0)), None);
        assert_eq!(runs.count(at(2, 1, 0), at(3, 0, 1)), None);
        assert!(runs.covers(at(2, 0, 0), at(3, 0, 0)));
    }

    #[test]
    fn next_run_after_an_instant() {
        let runs = RunTimes::list(&hourly(), at(1, 0, 0), at(1, 6, 0));
        assert_eq!(runs.next_after(at(1, 2, 0)), Some(at(1, 3, 0)));
        assert_eq!(runs.next_after(at(1, 2, 30)), Some(at(1, 3, 0)));
        assert_eq!(runs.next_after(at(1, 6, 0)), None, "beyond the list");
    }

    #[test]
    fn weekday_schedules_count_only_weekdays() {
        let weekdays = CronSchedule::parse("0 2 * * 1-5", "Europe/London").unwrap();
        // 2026-11-02 is a Monday: two full weeks hold ten runs.
        let runs = RunTimes::list(&weekdays, at(1, 0, 0), at(15, 0, 0));
        assert_eq!(runs.count(at(1, 0, 0), at(15, 0, 0)), Some(10));
    }

    #[test]
    fn the_cache_lists_once_and_extends_when_time_moves_on() {
        let schedule = BackupSchedule {
            cron: "0 * * * *".into(),
            timezone: "UTC".into(),
            next_run_at: None,
        };
        let mut cache = ScheduleCache::default();
        let now = at(20, 12, 0);
        let facts = cache.facts(&schedule, now, Duration::days(10));
        assert_eq!(facts.interval, Some(Duration::hours(1)));
        assert_eq!(
            facts.runs.unwrap().count(now - Duration::days(10), now),
            Some(240)
        );
        let later = now + Duration::days(3);
        let facts = cache.facts(&schedule, later, Duration::days(90));
        let runs = facts.runs.unwrap();
        assert_eq!(runs.count(later - Duration::days(90), later), Some(2160));
        assert!(
            runs.covers(now - Duration::days(91), later),
            "kept what it had"
        );
        let bad = BackupSchedule {
            timezone: "Mars/Olympus".into(),
            ..schedule
        };
        let facts = cache.facts(&bad, now, Duration::days(10));
        assert!(facts.runs.is_none());
        assert_eq!(
            facts.interval,
            Some(Duration::hours(1)),
            "interval is read in UTC"
        );
    }

    #[test]
    fn a_runaway_schedule_is_cut_short_and_says_so() {
        let every_minute = CronSchedule::parse("* * * * *", "UTC").unwrap();
        let from = at(1, 0, 0);
        let runs = RunTimes::list(&every_minute, from, from + Duration::days(200));
        assert_eq!(runs.runs.len(), MAX_RUNS);
        assert!(!runs.covers(from, from + Duration::days(200)));
        assert_eq!(
            runs.count(from, from + Duration::minutes(10)),
            Some(10),
            "the start is still covered"
        );
    }
}
