//! Business hours at their edges: weekends, holidays, clock changes, other zones, and bad hours refused.

use super::*;
use chrono_tz::America::New_York;
use chrono_tz::Europe::London;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn london(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    local(London, y, m, d, h, min)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn time(h: u32, min: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, min, 0).unwrap()
}

fn with_holidays(holidays: &[NaiveDate]) -> BusinessCalendar {
    BusinessCalendar::new(
        London,
        time(9, 0),
        time(17, 0),
        &DEFAULT_WEEKDAYS,
        holidays.iter().copied(),
    )
    .unwrap()
}

fn every_day(tz: Tz, start: NaiveTime, end: NaiveTime) -> BusinessCalendar {
    let all = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    BusinessCalendar::new(tz, start, end, &all, []).unwrap()
}

const HOUR: Duration = Duration::hours(1);

#[test]
fn default_is_weekdays_nine_to_five_in_london() {
    let calendar = BusinessCalendar::default();
    assert_eq!(calendar.timezone(), London);
    assert_eq!(calendar, with_holidays(&[]));
    assert!(calendar.is_business_day(date(2026, 1, 9)));
    assert!(!calendar.is_business_day(date(2026, 1, 10)));
    assert!(!calendar.is_business_day(date(2026, 1, 11)));
}

#[test]
fn friday_half_past_four_plus_an_hour_is_monday_half_past_nine() {
    let calendar = BusinessCalendar::default();
    let from = london(2026, 1, 9, 16, 30);
    assert_eq!(
        calendar.add_business_time(from, HOUR),
        london(2026, 1, 12, 9, 30)
    );
}

#[test]
fn starting_on_saturday_counts_from_monday_opening() {
    let calendar = BusinessCalendar::default();
    let from = london(2026, 1, 10, 12, 0);
    assert_eq!(
        calendar.add_business_time(from, HOUR),
        london(2026, 1, 12, 10, 0)
    );
    let sunday_night = london(2026, 1, 11, 23, 59);
    assert_eq!(
        calendar.add_business_time(sunday_night, HOUR),
        london(2026, 1, 12, 10, 0)
    );
}

#[test]
fn christmas_friday_holiday_is_skipped() {
    let calendar = with_holidays(&[date(2026, 12, 25)]);
    let thursday = london(2026, 12, 24, 16, 30);
    assert_eq!(
        calendar.add_business_time(thursday, HOUR),
        london(2026, 12, 28, 9, 30)
    );
    let on_the_holiday = london(2026, 12, 25, 10, 0);
    assert!(!calendar.is_business_time(on_the_holiday));
    assert_eq!(
        calendar.add_business_time(on_the_holiday, HOUR),
        london(2026, 12, 28, 10, 0)
    );
}

#[test]
fn consecutive_holidays_are_all_skipped() {
    let calendar = with_holidays(&[date(2026, 12, 25), date(2026, 12, 28)]);
    assert_eq!(
        calendar.add_business_time(london(2026, 12, 24, 16, 30), HOUR),
        london(2026, 12, 29, 9, 30)
    );
}

#[test]
fn starting_before_opening_counts_from_opening() {
    let calendar = BusinessCalendar::default();
    assert_eq!(
        calendar.add_business_time(london(2026, 1, 13, 7, 0), HOUR),
        london(2026, 1, 13, 10, 0)
    );
}

#[test]
fn starting_after_closing_counts_from_next_opening() {
    let calendar = BusinessCalendar::default();
    assert_eq!(
        calendar.add_business_time(london(2026, 1, 13, 18, 0), HOUR),
        london(2026, 1, 14, 10, 0)
    );
    assert_eq!(
        calendar.add_business_time(london(2026, 1, 13, 17, 0), HOUR),
        london(2026, 1, 14, 10, 0)
    );
}

#[test]
fn zero_or_negative_amount_is_the_start_itself() {
    let calendar = BusinessCalendar::default();
    let inside = london(2026, 1, 13, 11, 0);
    let saturday = london(2026, 1, 10, 11, 0);
    assert_eq!(calendar.add_business_time(inside, Duration::zero()), inside);
    assert_eq!(
        calendar.add_business_time(saturday, Duration::zero()),
        saturday
    );
    assert_eq!(calendar.add_business_time(inside, -HOUR), inside);
}

#[test]
fn eight_business_hours_from_thursday_one_pm_is_friday_one_pm() {
    let calendar = BusinessCalendar::default();
    assert_eq!(
        calendar.add_business_time(london(2026, 1, 8, 13, 0), Duration::hours(8)),
        london(2026, 1, 9, 13, 0)
    );
    assert_eq!(
        calendar.add_business_time(london(2026, 1, 9, 13, 0), Duration::hours(8)),
        london(2026, 1, 12, 13, 0)
    );
}

#[test]
fn a_deadline_that_uses_up_the_day_falls_at_closing() {
    let calendar = BusinessCalendar::default();
    assert_eq!(
        calendar.add_business_time(london(2026, 1, 9, 16, 0), HOUR),
        london(2026, 1, 9, 17, 0)
    );
    assert_eq!(
        calendar.add_business_time(london(2026, 1, 5, 9, 0), Duration::hours(40)),
        london(2026, 1, 9, 17, 0)
    );
}

#[test]
fn sub_minute_amounts_are_kept() {
    let calendar = BusinessCalendar::default();
    let from = london(2026, 1, 9, 16, 59);
    assert_eq!(
        calendar.add_business_time(from, Duration::seconds(90)),
        london(2026, 1, 12, 9, 0) + Duration::seconds(30)
    );
}

#[test]
fn between_across_a_weekend() {
    let calendar = BusinessCalendar::default();
    let friday = london(2026, 1, 9, 16, 0);
    let monday = london(2026, 1, 12, 10, 0);
    assert_eq!(
        calendar.business_time_between(friday, monday),
        Duration::hours(2)
    );
    let next_friday_close = london(2026, 1, 16, 17, 0);
    assert_eq!(
        calendar.business_time_between(friday, next_friday_close),
        Duration::hours(41)
    );
}

#[test]
fn between_across_a_holiday() {
    let calendar = with_holidays(&[date(2026, 12, 25)]);
    let thursday = london(2026, 12, 24, 16, 0);
    let monday = london(2026, 12, 28, 10, 0);
    assert_eq!(
        calendar.business_time_between(thursday, monday),
        Duration::hours(2)
    );
}

#[test]
fn between_within_one_day_and_outside_hours() {
    let calendar = BusinessCalendar::default();
    let morning = london(2026, 1, 13, 10, 15);
    let afternoon = london(2026, 1, 13, 14, 45);
    assert_eq!(
        calendar.business_time_between(morning, afternoon),
        Duration::minutes(270)
    );
    let evening = london(2026, 1, 13, 18, 0);
    let dawn = london(2026, 1, 14, 6, 0);
    assert_eq!(
        calendar.business_time_between(evening, dawn),
        Duration::zero()
    );
}

#[test]
fn between_reversed_or_identical_is_zero() {
    let calendar = BusinessCalendar::default();
    let a = london(2026, 1, 13, 10, 0);
    let b = london(2026, 1, 14, 15, 0);
    assert_eq!(calendar.business_time_between(b, a), Duration::zero());
    assert_eq!(calendar.business_time_between(a, a), Duration::zero());
}

#[test]
fn between_undoes_add() {
    let calendar = with_holidays(&[date(2026, 12, 25)]);
    let starts = [
        london(2026, 12, 24, 16, 30),
        london(2026, 12, 26, 3, 0),
        london(2026, 3, 27, 16, 0),
    ];
    for from in starts {
        for hours in [1, 3, 8, 20] {
            let amount = Duration::hours(hours);
            let to = calendar.add_business_time(from, amount);
            assert_eq!(calendar.business_time_between(from, to), amount);
        }
    }
}

#[test]
fn summer_time_in_london_opens_at_eight_utc() {
    let calendar = BusinessCalendar::default();
    assert!(!calendar.is_business_time(utc(2026, 7, 1, 7, 59)));
    assert!(calendar.is_business_time(utc(2026, 7, 1, 8, 0)));
    assert!(calendar.is_business_time(utc(2026, 7, 1, 15, 59)));
    assert!(!calendar.is_business_time(utc(2026, 7, 1, 16, 0)));
    assert_eq!(
        calendar.add_business_time(utc(2026, 7, 1, 7, 0), HOUR),
        utc(2026, 7, 1, 9, 0)
    );
}

#[test]
fn winter_time_in_london_opens_at_nine_utc() {
    let calendar = BusinessCalendar::default();
    assert!(!calendar.is_business_time(utc(2026, 1, 13, 8, 59)));
    assert!(calendar.is_business_time(utc(2026, 1, 13, 9, 0)));
    assert!(!calendar.is_business_time(utc(2026, 1, 13, 17, 0)));
}

#[test]
fn a_weekend_with_a_clock_change_loses_no_business_time() {
    let calendar = BusinessCalendar::default();
    let friday = utc(2026, 3, 27, 16, 30);
    assert_eq!(
        calendar.add_business_time(friday, HOUR),
        utc(2026, 3, 30, 8, 30)
    );
    assert_eq!(
        calendar.business_time_between(utc(2026, 10, 23, 15, 0), utc(2026, 10, 26, 10, 0)),
        Duration::hours(2)
    );
}

#[test]
fn new_york_hours_are_judged_on_new_york_clocks() {
    let calendar =
        BusinessCalendar::new(New_York, time(9, 0), time(17, 0), &DEFAULT_WEEKDAYS, []).unwrap();
    assert_eq!(calendar.timezone(), New_York);
    let friday = local(New_York, 2026, 1, 9, 16, 30);
    assert_eq!(friday, utc(2026, 1, 9, 21, 30));
    assert_eq!(
        calendar.add_business_time(friday, HOUR),
        utc(2026, 1, 12, 14, 30)
    );
    assert!(calendar.is_business_time(utc(2026, 7, 1, 13, 0)));
    assert!(!calendar.is_business_time(utc(2026, 7, 1, 12, 59)));
    assert!(!calendar.is_business_time(utc(2026, 7, 1, 21, 0)));
}

#[test]
fn custom_weekdays_are_honoured() {
    let sunday_to_thursday = [
        Weekday::Sun,
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
    ];
    let calendar = BusinessCalendar::new(
        Tz::Asia__Dubai,
        time(8, 0),
        time(16, 0),
        &sunday_to_thursday,
        [],
    )
    .unwrap();
    let thursday = local(Tz::Asia__Dubai, 2026, 1, 8, 15, 30);
    assert_eq!(
        calendar.add_business_time(thursday, HOUR),
        local(Tz::Asia__Dubai, 2026, 1, 11, 8, 30)
    );
}

#[test]
fn opening_inside_the_skipped_hour_opens_when_the_clock_jumps() {
    let calendar = every_day(London, time(1, 30), time(3, 0));
    let spring = date(2026, 3, 29);
    assert!(calendar.is_business_time(utc(2026, 3, 29, 1, 0)));
    assert!(!calendar.is_business_time(utc(2026, 3, 29, 0, 59)));
    assert_eq!(
        calendar.business_time_between(utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 23, 0)),
        HOUR
    );
    assert!(calendar.is_business_day(spring));
}

#[test]
fn opening_inside_the_repeated_hour_opens_on_its_first_pass() {
    let calendar = every_day(London, time(1, 30), time(3, 0));
    assert!(calendar.is_business_time(utc(2026, 10, 25, 0, 30)));
    assert!(!calendar.is_business_time(utc(2026, 10, 25, 0, 29)));
    assert_eq!(
        calendar.business_time_between(utc(2026, 10, 24, 23, 0), utc(2026, 10, 25, 23, 0)),
        Duration::minutes(150)
    );
}

#[test]
fn a_day_the_clock_skips_entirely_has_no_business_time() {
    let apia = Tz::Pacific__Apia;
    let calendar = every_day(apia, time(9, 0), time(17, 0));
    let before = local(apia, 2011, 12, 29, 12, 0);
    let after = local(apia, 2011, 12, 31, 12, 0);
    assert_eq!(
        calendar.business_time_between(before, after),
        Duration::hours(8)
    );
}

#[test]
fn huge_amounts_give_up_at_the_far_bound() {
    let calendar = BusinessCalendar::default();
    let from = london(2026, 1, 13, 10, 0);
    let far = calendar.add_business_time(from, Duration::days(100_000));
    assert_eq!(far, from + Duration::days(MAX_DAYS as i64));
    let late = calendar.add_business_time(DateTime::<Utc>::MAX_UTC, HOUR);
    assert_eq!(late, DateTime::<Utc>::MAX_UTC);
    for tz in [Tz::Asia__Dubai, New_York] {
        let far_away = every_day(tz, time(9, 0), time(17, 0));
        for edge in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            far_away.is_business_time(edge);
            far_away.add_business_time(edge, HOUR);
            far_away.business_time_between(edge, from);
        }
    }
    let fifty_years = calendar.business_time_between(from, from + Duration::days(365 * 50));
    assert!(fifty_years > Duration::zero());
}

#[test]
fn hours_that_end_before_they_start_are_rejected() {
    let error =
        BusinessCalendar::new(London, time(17, 0), time(9, 0), &DEFAULT_WEEKDAYS, []).unwrap_err();
    assert_eq!(
        error,
        CalendarError::EmptyDay {
            start: time(17, 0),
            end: time(9, 0)
        }
    );
    assert_eq!(
        error.to_string(),
        "business hours must end after they start, but they run from 17:00 to 09:00"
    );
    let same = BusinessCalendar::new(London, time(9, 0), time(9, 0), &DEFAULT_WEEKDAYS, []);
    assert!(matches!(same, Err(CalendarError::EmptyDay { .. })));
}

#[test]
fn no_weekdays_is_rejected() {
    let error = BusinessCalendar::new(London, time(9, 0), time(17, 0), &[], []).unwrap_err();
    assert_eq!(error, CalendarError::NoBusinessDays);
    assert_eq!(
        error.to_string(),
        "at least one weekday must be a business day"
    );
    let as_error: &dyn std::error::Error = &error;
    assert!(as_error.source().is_none());
}
