//! The fleet's backup schedules, parsed once per distinct pattern.
//!
//! 100 000 tenants share a few hundred (cron, time zone) pairs, and tenants of one pattern
//! fire at the same instants: each pattern remembers its last answer, so the generator and
//! the simulator ask croner once per pattern and instant, not once per tenant.

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound, Timelike, Utc};

use crate::domain::schedule::CronSchedule;

/// How often a pattern fires. The demo only generates hourly and daily schedules, so the
/// interval is known without scanning cron runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cadence {
    Hourly,
    Daily,
}

impl Cadence {
    pub fn interval(self) -> Duration {
        match self {
            Cadence::Hourly => Duration::hours(1),
            Cadence::Daily => Duration::hours(24),
        }
    }
}

/// A schedule as the generator chooses it; `hour` is ignored for hourly patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PatternKey {
    pub cadence: Cadence,
    pub minute: u32,
    pub hour: u32,
    pub timezone: &'static str,
}

impl PatternKey {
    /// The pattern that fires at `at` (to the minute) on the UTC clock: the scripted stuck
    /// tenants need a run at an exact instant relative to "now".
    pub fn firing_at(cadence: Cadence, at: DateTime<Utc>) -> Self {
        Self {
            cadence,
            minute: at.minute(),
            hour: at.hour(),
            timezone: "UTC",
        }
    }

    fn cron(&self) -> String {
        match self.cadence {
            Cadence::Hourly => format!("{} * * * *", self.minute),
            Cadence::Daily => format!("{} {} * * *", self.minute, self.hour),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatternId(u32);

impl PatternId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Debug)]
struct Pattern {
    key: PatternKey,
    cron: String,
    /// `None` only if the generator wrote a cron the domain refuses — a bug, answered with
    /// plain interval arithmetic rather than a panic.
    schedule: Option<CronSchedule>,
    last_next: Option<(DateTime<Utc>, DateTime<Utc>)>,
    last_previous: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

#[derive(Debug, Default)]
pub struct Patterns {
    entries: Vec<Pattern>,
    /// Looked up once per tenant generated: foldhash, not SipHash (the keys are ours).
    index: HashMap<PatternKey, PatternId, foldhash::fast::RandomState>,
}

impl Patterns {
    pub fn intern(&mut self, key: PatternKey) -> PatternId {
        if let Some(id) = self.index.get(&key) {
            return *id;
        }
        let id = PatternId(self.entries.len() as u32);
        let cron = key.cron();
        let schedule = CronSchedule::parse(&cron, key.timezone).ok();
        self.entries.push(Pattern {
            key,
            cron,
            schedule,
            last_next: None,
            last_previous: None,
        });
        self.index.insert(key, id);
        id
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Interns every pattern of `other`; answers, for each of its ids, the id here.
    pub fn absorb(&mut self, other: Patterns) -> Vec<PatternId> {
        other
            .entries
            .into_iter()
            .map(|pattern| self.intern(pattern.key))
            .collect()
    }

    fn entry(&self, id: PatternId) -> Option<&Pattern> {
        self.entries.get(id.0 as usize)
    }

    pub fn cron(&self, id: PatternId) -> &str {
        self.entry(id).map_or("0 0 * * *", |p| p.cron.as_str())
    }

    pub fn timezone(&self, id: PatternId) -> &'static str {
        self.entry(id).map_or("UTC", |p| p.key.timezone)
    }

    pub fn interval(&self, id: PatternId) -> Duration {
        self.entry(id)
            .map_or(Cadence::Daily, |p| p.key.cadence)
            .interval()
    }

    /// First run strictly after `after`.
    pub fn next_after(&mut self, id: PatternId, after: DateTime<Utc>) -> DateTime<Utc> {
        let interval = self.interval(id);
        let Some(entry) = self.entries.get_mut(id.0 as usize) else {
            return after + interval;
        };
        if let Some((asked, answer)) = entry.last_next
            && asked == after
        {
            return answer;
        }
        let answer = entry
            .schedule
            .as_ref()
            .and_then(|s| s.next_after(after))
            .unwrap_or_else(|| fallback_next(after, interval));
        entry.last_next = Some((after, answer));
        answer
    }

    /// Most recent run at or before `at`.
    pub fn previous_at_or_before(&mut self, id: PatternId, at: DateTime<Utc>) -> DateTime<Utc> {
        let interval = self.interval(id);
        let Some(entry) = self.entries.get_mut(id.0 as usize) else {
            return at - interval;
        };
        if let Some((asked, answer)) = entry.last_previous
            && asked == at
        {
            return answer;
        }
        let answer = entry
            .schedule
            .as_ref()
            .and_then(|s| s.previous_at_or_before(at))
            .unwrap_or_else(|| fallback_next(at, interval) - interval);
        entry.last_previous = Some((at, answer));
        answer
    }
}

/// The next whole interval after `after`, for a schedule croner could not answer.
fn fallback_next(after: DateTime<Utc>, interval: Duration) -> DateTime<Utc> {
    after
        .duration_trunc(interval)
        .map_or(after + interval, |start| start + interval)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, h, m, 0).unwrap()
    }

    #[test]
    fn patterns_are_interned_and_answer_like_cron() {
        let mut patterns = Patterns::default();
        let key = PatternKey {
            cadence: Cadence::Daily,
            minute: 30,
            hour: 2,
            timezone: "Europe/London",
        };
        let id = patterns.intern(key);
        assert_eq!(patterns.intern(key), id);
        assert_eq!(patterns.len(), 1);
        assert_eq!(patterns.cron(id), "30 2 * * *");
        assert_eq!(
            patterns.next_after(id, utc(3, 0)),
            utc(2, 30) + Duration::days(1)
        );
        assert_eq!(patterns.previous_at_or_before(id, utc(3, 0)), utc(2, 30));
        // Cached answers are the same answers.
        assert_eq!(patterns.previous_at_or_before(id, utc(3, 0)), utc(2, 30));
    }

    #[test]
    fn firing_at_builds_a_pattern_that_fires_then() {
        let mut patterns = Patterns::default();
        let at = utc(13, 17);
        let id = patterns.intern(PatternKey::firing_at(Cadence::Daily, at));
        assert_eq!(patterns.cron(id), "17 13 * * *");
        assert_eq!(patterns.previous_at_or_before(id, at), at);
        let hourly = patterns.intern(PatternKey::firing_at(Cadence::Hourly, at));
        assert_eq!(patterns.cron(hourly), "17 * * * *");
        assert_eq!(patterns.interval(hourly), Duration::hours(1));
    }

    #[test]
    fn an_unknown_id_falls_back_to_arithmetic() {
        let mut patterns = Patterns::default();
        let id = PatternId(9);
        assert_eq!(
            patterns.next_after(id, utc(3, 10)),
            utc(3, 10) + Duration::days(1)
        );
        assert_eq!(fallback_next(utc(3, 10), Duration::hours(1)), utc(4, 0));
    }
}
