//! Schedules on the wall clock: parsing, runs across clock changes, intervals, and refusals in words.

use super::*;
use chrono::TimeZone;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn schedule(cron: &str, timezone: &str) -> CronSchedule {
    CronSchedule::parse(cron, timezone).unwrap()
}

fn runs(schedule: &CronSchedule, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    std::iter::successors(schedule.next_after(from), |run| schedule.next_after(*run))
        .take_while(|run| *run < to)
        .take(1000)
        .collect()
}

fn bad_cron_reason(cron: &str) -> String {
    match CronSchedule::parse(cron, "UTC").unwrap_err() {
        ScheduleError::BadCron {
            cron: echoed,
            reason,
        } => {
            assert_eq!(echoed, cron);
            reason
        }
        other => panic!("expected BadCron, got {other:?}"),
    }
}

#[test]
fn parse_keeps_the_expression_and_zone() {
    let daily = schedule("30 2 * * *", "Europe/London");
    assert_eq!(daily.cron(), "30 2 * * *");
    assert_eq!(daily.timezone(), Tz::Europe__London);
    assert_eq!(schedule("0 3 * * mon-fri", "UTC").cron(), "0 3 * * mon-fri");
}

#[test]
fn shortcuts_are_accepted() {
    let daily = schedule("@daily", "UTC");
    assert_eq!(
        daily.next_after(utc(2026, 1, 1, 12, 0)),
        Some(utc(2026, 1, 2, 0, 0))
    );
    let hourly = schedule("@hourly", "UTC");
    assert_eq!(
        hourly.next_after(utc(2026, 1, 1, 12, 0)),
        Some(utc(2026, 1, 1, 13, 0))
    );
}

#[test]
fn hourly_next_after_a_run_instant_is_the_following_hour() {
    let hourly = schedule("0 * * * *", "UTC");
    assert_eq!(
        hourly.next_after(utc(2026, 5, 4, 10, 0)),
        Some(utc(2026, 5, 4, 11, 0))
    );
    let just_before = utc(2026, 5, 4, 10, 0) - Duration::seconds(1);
    assert_eq!(hourly.next_after(just_before), Some(utc(2026, 5, 4, 10, 0)));
    let just_after = utc(2026, 5, 4, 10, 0) + Duration::milliseconds(500);
    assert_eq!(hourly.next_after(just_after), Some(utc(2026, 5, 4, 11, 0)));
}

#[test]
fn previous_includes_a_run_at_the_instant_itself() {
    let hourly = schedule("0 * * * *", "UTC");
    assert_eq!(
        hourly.previous_at_or_before(utc(2026, 5, 4, 10, 0)),
        Some(utc(2026, 5, 4, 10, 0))
    );
    assert_eq!(
        hourly.previous_at_or_before(utc(2026, 5, 4, 10, 59)),
        Some(utc(2026, 5, 4, 10, 0))
    );
    let daily = schedule("30 2 * * *", "UTC");
    assert_eq!(
        daily.previous_at_or_before(utc(2026, 5, 4, 2, 29)),
        Some(utc(2026, 5, 3, 2, 30))
    );
}

#[test]
fn previous_gives_up_beyond_about_400_days() {
    let leap_day = schedule("0 0 29 2 *", "UTC");
    assert_eq!(leap_day.previous_at_or_before(utc(2026, 6, 1, 0, 0)), None);
    assert_eq!(
        leap_day.previous_at_or_before(utc(2024, 6, 1, 0, 0)),
        Some(utc(2024, 2, 29, 0, 0))
    );
    assert_eq!(
        leap_day.next_after(utc(2026, 6, 1, 0, 0)),
        Some(utc(2028, 2, 29, 0, 0))
    );
}

#[test]
fn two_am_london_is_two_utc_in_winter_and_one_utc_in_summer() {
    let daily = schedule("0 2 * * *", "Europe/London");
    assert_eq!(
        daily.next_after(utc(2026, 1, 15, 0, 0)),
        Some(utc(2026, 1, 15, 2, 0))
    );
    assert_eq!(
        daily.next_after(utc(2026, 7, 15, 0, 0)),
        Some(utc(2026, 7, 15, 1, 0))
    );
    assert_eq!(
        daily.previous_at_or_before(utc(2026, 7, 15, 12, 0)),
        Some(utc(2026, 7, 15, 1, 0))
    );
}

/// 2026-03-29: London clocks jump from 01:00 GMT to 02:00 BST, so 01:30 never shows.
/// croner runs the job once, at the first instant after the jump (02:00 BST = 01:00 UTC),
/// rather than dropping that day's backup; the next day is back to 01:30 BST.
#[test]
fn skipped_time_runs_once_right_after_the_spring_jump() {
    let daily = schedule("30 1 * * *", "Europe/London");
    let found = runs(&daily, utc(2026, 3, 27, 12, 0), utc(2026, 3, 31, 12, 0));
    let expected = [
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 30, 0, 30),
        utc(2026, 3, 31, 0, 30),
    ];
    assert_eq!(found, expected);
    for run in expected {
        assert_eq!(daily.previous_at_or_before(run), Some(run));
    }
    assert_eq!(
        daily.previous_at_or_before(utc(2026, 3, 29, 0, 59)),
        Some(utc(2026, 3, 28, 1, 30))
    );
}

/// 2026-10-25: London clocks go back from 02:00 BST to 01:00 GMT, so 01:30 shows twice.
/// A daily job runs once, on the first pass (01:30 BST = 00:30 UTC).
#[test]
fn repeated_time_runs_once_on_the_autumn_day() {
    let daily = schedule("30 1 * * *", "Europe/London");
    let found = runs(&daily, utc(2026, 10, 24, 12, 0), utc(2026, 10, 26, 12, 0));
    assert_eq!(found, [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]);
    assert_eq!(
        daily.next_after(utc(2026, 10, 25, 0, 30)),
        Some(utc(2026, 10, 26, 1, 30))
    );
    for second_pass in [
        utc(2026, 10, 25, 1, 0),
        utc(2026, 10, 25, 1, 30),
        utc(2026, 10, 25, 1, 45),
    ] {
        assert_eq!(
            daily.previous_at_or_before(second_pass),
            Some(utc(2026, 10, 25, 0, 30))
        );
        assert_eq!(
            daily.next_after(second_pass),
            Some(utc(2026, 10, 26, 1, 30))
        );
    }
}

/// croner only treats a pattern with one minute and one hour as a fixed time of day;
/// twice a day counts as repeating, so it follows the real clock: no 01:30 in spring,
/// two in autumn.
#[test]
fn twice_daily_jobs_follow_the_real_clock_across_clock_changes() {
    let twice = schedule("30 1,13 * * *", "Europe/London");
    let spring = runs(&twice, utc(2026, 3, 28, 12, 0), utc(2026, 3, 30, 12, 0));
    assert_eq!(
        spring,
        [
            utc(2026, 3, 28, 13, 30),
            utc(2026, 3, 29, 12, 30),
            utc(2026, 3, 30, 0, 30)
        ]
    );
    let autumn = runs(&twice, utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0));
    assert_eq!(
        autumn,
        [
            utc(2026, 10, 24, 12, 30),
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 25, 1, 30)
        ]
    );
}

#[test]
fn hourly_jobs_follow_the_real_hours_across_clock_changes() {
    let hourly = schedule("0 * * * *", "Europe/London");
    let spring_day = runs(
        &hourly,
        utc(2026, 3, 29, 0, 0) - Duration::seconds(1),
        utc(2026, 3, 29, 23, 0),
    );
    assert_eq!(spring_day.len(), 23);
    let autumn_day = runs(
        &hourly,
        utc(2026, 10, 24, 23, 0) - Duration::seconds(1),
        utc(2026, 10, 26, 0, 0),
    );
    assert_eq!(autumn_day.len(), 25);
    assert!(
        autumn_day
            .windows(2)
            .all(|pair| pair[1] - pair[0] == Duration::hours(1))
    );
}

#[test]
fn interval_of_common_schedules() {
    let reference = utc(2026, 5, 6, 12, 0);
    let hour = Duration::hours(1);
    assert_eq!(schedule("0 * * * *", "UTC").interval(reference), Some(hour));
    assert_eq!(
        schedule("30 2 * * *", "UTC").interval(reference),
        Some(hour * 24)
    );
    assert_eq!(
        schedule("0 */6 * * *", "UTC").interval(reference),
        Some(hour * 6)
    );
    assert_eq!(
        schedule("*/15 * * * *", "UTC").interval(reference),
        Some(Duration::minutes(15))
    );
    assert_eq!(
        schedule("30 2 * * *", "Europe/London").interval(reference),
        Some(hour * 24)
    );
}

#[test]
fn interval_of_a_weekday_job_is_the_weekend_gap_whatever_the_reference() {
    let weekdays = schedule("0 3 * * 1-5", "UTC");
    for day in 2..=8 {
        let reference = utc(2026, 5, day, 12, 0);
        assert_eq!(
            weekdays.interval(reference),
            Some(Duration::hours(72)),
            "{reference}"
        );
    }
}

#[test]
fn interval_of_rare_schedules_looks_further() {
    let reference = utc(2026, 5, 6, 12, 0);
    let weekly = schedule("0 0 * * 0", "UTC");
    assert_eq!(weekly.interval(reference), Some(Duration::days(7)));
    let monthly = schedule("0 0 1 * *", "UTC");
    assert_eq!(monthly.interval(reference), Some(Duration::days(31)));
    let yearly = schedule("@yearly", "UTC");
    assert_eq!(yearly.interval(reference), Some(Duration::days(365)));
    let leap_day = schedule("0 0 29 2 *", "UTC");
    assert_eq!(leap_day.interval(reference), None);
}

#[test]
fn interval_counts_the_autumn_hour_of_a_daily_london_job() {
    let daily = schedule("30 1 * * *", "Europe/London");
    assert_eq!(
        daily.interval(utc(2026, 10, 20, 12, 0)),
        Some(Duration::hours(25))
    );
    assert_eq!(
        daily.interval(utc(2026, 3, 24, 12, 0)),
        Some(Duration::hours(24))
    );
}

#[test]
fn out_of_range_instants_are_none_not_panics() {
    let daily = schedule("30 1 * * *", "Asia/Tokyo");
    for edge in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
        assert_eq!(daily.next_after(edge), None);
        assert_eq!(daily.previous_at_or_before(edge), None);
        assert_eq!(daily.interval(edge), None);
    }
}

#[test]
fn out_of_range_values_name_the_field() {
    assert_eq!(
        bad_cron_reason("0 25 * * *"),
        "hour 25 out of range (0 to 23)"
    );
    assert_eq!(
        bad_cron_reason("60 * * * *"),
        "minute 60 out of range (0 to 59)"
    );
    assert_eq!(
        bad_cron_reason("0 0 0 * *"),
        "day of month 0 out of range (1 to 31)"
    );
    assert_eq!(
        bad_cron_reason("0 0 * 1-13 *"),
        "month 13 out of range (1 to 12)"
    );
    assert_eq!(
        bad_cron_reason("0 0 * * 8"),
        "day of week 8 out of range (0 to 7)"
    );
    let error = CronSchedule::parse("0 25 * * *", "UTC").unwrap_err();
    assert_eq!(
        error.to_string(),
        "cron expression \"0 25 * * *\" is not valid: hour 25 out of range (0 to 23)"
    );
}

#[test]
fn malformed_expressions_are_explained() {
    assert_eq!(bad_cron_reason(""), "it is empty");
    assert_eq!(
        bad_cron_reason("0 0 * * * *"),
        "it has 6 fields, but a schedule has 5: minute, hour, day of month, month and day of week"
    );
    assert!(bad_cron_reason("* * * *").starts_with("it has 4 fields"));
    assert!(bad_cron_reason("@every 5m").starts_with("\"@every\" is not a known shortcut"));
    assert_eq!(
        bad_cron_reason("*/0 * * * *"),
        "minute \"*/0\": step cannot be zero"
    );
    assert_eq!(
        bad_cron_reason("0 x * * *"),
        "hour \"x\": it has a character cron does not allow"
    );
    assert_eq!(
        bad_cron_reason("0 0 30 2 *"),
        "it never matches a real date"
    );
}

#[test]
fn unknown_time_zones_are_refused() {
    for zone in ["Mars/Olympus_Mons", "", "europe/london"] {
        let error = CronSchedule::parse("0 * * * *", zone).unwrap_err();
        assert_eq!(
            error,
            ScheduleError::BadTimezone {
                timezone: zone.to_string()
            }
        );
    }
    let error = CronSchedule::parse("0 * * * *", "Mars/Olympus_Mons").unwrap_err();
    assert_eq!(
        error.to_string(),
        "time zone \"Mars/Olympus_Mons\" is not a known IANA time zone name \
         (for example \"Europe/London\" or \"UTC\")"
    );
    let as_error: &dyn std::error::Error = &error;
    assert!(as_error.source().is_none());
}
