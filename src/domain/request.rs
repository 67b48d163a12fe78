//! Restore requests: support tickets waiting for on-call, with their acknowledgement deadline.
//!
//! The acknowledgement clock (DESIGN.md, "Acknowledgement clock"): a request must be
//! acknowledged within one business hour of `requested_at`. The contract gives the deadline as
//! `ack_deadline_at`; snapdeck keeps using it when present (it is what the customer is held to
//! and what the control plane alerts on) and computes its own only to fill a missing one and to
//! cross-check the server's, so the two can never silently show different reds.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::BusinessCalendar;
use super::ids::{RestoreId, TenantId};
use super::level::Level;
use super::policy::{ACK_BUSINESS_HOURS, Deadline};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreRequest {
    pub ticket: String,
    pub tenant_id: TenantId,
    pub requested_at: DateTime<Utc>,
    /// `None` means "the most recent backup".
    pub point_in_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub prefers_overwrite: bool,
    #[serde(default)]
    pub note: String,
    /// One business hour after `requested_at`, as the control plane reckons it. Optional here
    /// although the contract always sends it: a server that leaves it out must not hide the
    /// whole ticket list, snapdeck fills it in (`RestoreRequest::ack_deadline`).
    #[serde(default)]
    pub ack_deadline_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub restore_id: Option<RestoreId>,
}

/// Waiting with this little business time left reads amber: a quarter of the hour.
pub const ACK_AMBER_UNDER: Duration = Duration::minutes(15);

/// The acknowledgement deadline of a request made at `requested_at`: one business hour later.
/// A request made outside business hours is due one hour after the next opening.
pub fn ack_deadline(requested_at: DateTime<Utc>, calendar: &BusinessCalendar) -> DateTime<Utc> {
    calendar.add_business_time(requested_at, ACK_BUSINESS_HOURS)
}

/// Where a request stands against its acknowledgement deadline at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckState {
    /// On-call confirmed receipt; `in_time` when that was no later than the deadline.
    Acknowledged { at: DateTime<Utc>, in_time: bool },
    /// Not yet acknowledged and not yet due; `left` is business time (a request waiting over
    /// a weekend still has its whole hour).
    Waiting { left: Duration },
    /// Not acknowledged and past the deadline by `by`, wall clock: how long the customer has
    /// been kept waiting beyond the promise. Red everywhere, the header included.
    Overdue { by: Duration },
}

impl AckState {
    /// Overdue is red; waiting is info (someone must act, nothing is broken yet), amber in the
    /// last quarter of the hour (as the RTO clock turns amber under a quarter left);
    /// acknowledged is ok, even when late: the ticket no longer needs anyone.
    pub fn level(&self) -> Level {
        match self {
            AckState::Acknowledged { .. } => Level::Ok,
            AckState::Waiting { left } if *left <= ACK_AMBER_UNDER => Level::Amber,
            AckState::Waiting { .. } => Level::Info,
            AckState::Overdue { .. } => Level::Red,
        }
    }
}

impl RestoreRequest {
    /// The deadline shown: the server's `ack_deadline_at`, else one business hour computed
    /// from `requested_at`; with the computed one attached when the two disagree.
    pub fn ack_deadline(&self, calendar: &BusinessCalendar) -> Deadline {
        Deadline::reconcile(
            self.ack_deadline_at,
            ack_deadline(self.requested_at, calendar),
        )
    }

    /// Where the request stands at `now`. Due *at* the deadline, overdue one instant after it.
    pub fn ack_state(&self, now: DateTime<Utc>, calendar: &BusinessCalendar) -> AckState {
        let deadline = self.ack_deadline(calendar).at;
        match self.acknowledged_at {
            Some(at) => AckState::Acknowledged {
                at,
                in_time: at <= deadline,
            },
            None if now > deadline => AckState::Overdue {
                by: now.signed_duration_since(deadline),
            },
            None => AckState::Waiting {
                left: calendar.business_time_between(now, deadline),
            },
        }
    }

    /// Unacknowledged past its deadline: the one test every screen and the header use.
    pub fn is_overdue(&self, now: DateTime<Utc>, calendar: &BusinessCalendar) -> bool {
        matches!(self.ack_state(now, calendar), AckState::Overdue { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_turns_amber_in_the_last_quarter_of_the_hour() {
        let waiting = |minutes| AckState::Waiting {
            left: Duration::minutes(minutes),
        };
        assert_eq!(waiting(16).level(), Level::Info);
        assert_eq!(waiting(15).level(), Level::Amber);
        assert_eq!(waiting(0).level(), Level::Amber);
        let overdue = AckState::Overdue {
            by: Duration::seconds(1),
        };
        assert_eq!(overdue.level(), Level::Red);
    }
    use crate::domain::policy::DeadlineSource;
    use crate::domain::test_support::london;
    use chrono::TimeZone;

    fn request(requested_at: DateTime<Utc>, server: Option<DateTime<Utc>>) -> RestoreRequest {
        RestoreRequest {
            ack_deadline_at: server,
            ..crate::domain::test_support::request(requested_at)
        }
    }

    const SECOND: Duration = Duration::seconds(1);

    #[test]
    fn deadline_is_one_business_hour_later() {
        let calendar = BusinessCalendar::default();
        // Tuesday 10:15 → 11:15 the same day.
        let at = london(2026, 1, 13, 10, 15);
        assert_eq!(ack_deadline(at, &calendar), london(2026, 1, 13, 11, 15));
    }

    #[test]
    fn a_request_outside_business_hours_is_due_an_hour_after_opening() {
        let calendar = BusinessCalendar::default();
        // The contract's example: 02:58 UTC on a Thursday in November → 10:00 London.
        let night = london(2026, 11, 26, 2, 58);
        assert_eq!(ack_deadline(night, &calendar), london(2026, 11, 26, 10, 0));
        // Saturday → Monday 10:00; Friday 16:30 → Monday 09:30.
        let saturday = london(2026, 1, 10, 12, 0);
        assert_eq!(
            ack_deadline(saturday, &calendar),
            london(2026, 1, 12, 10, 0)
        );
        let friday = london(2026, 1, 9, 16, 30);
        assert_eq!(ack_deadline(friday, &calendar), london(2026, 1, 12, 9, 30));
    }

    #[test]
    fn waiting_until_the_deadline_itself_then_overdue_one_second_later() {
        let calendar = BusinessCalendar::default();
        let r = request(london(2026, 1, 13, 10, 0), None);
        let due = london(2026, 1, 13, 11, 0);
        assert_eq!(
            r.ack_state(london(2026, 1, 13, 10, 0), &calendar),
            AckState::Waiting {
                left: Duration::hours(1)
            }
        );
        assert_eq!(
            r.ack_state(due, &calendar),
            AckState::Waiting {
                left: Duration::zero()
            }
        );
        assert!(!r.is_overdue(due, &calendar));
        assert_eq!(
            r.ack_state(due + SECOND, &calendar),
            AckState::Overdue { by: SECOND }
        );
        assert!(r.is_overdue(due + SECOND, &calendar));
        assert_eq!(r.ack_state(due + SECOND, &calendar).level(), Level::Red);
        // At the deadline itself it is still waiting, in its last quarter: amber.
        assert_eq!(r.ack_state(due, &calendar).level(), Level::Amber);
    }

    #[test]
    fn waiting_over_the_weekend_counts_business_time_left() {
        let calendar = BusinessCalendar::default();
        let r = request(london(2026, 1, 9, 16, 30), None);
        // Saturday: half the hour was used on Friday, half is left for Monday.
        assert_eq!(
            r.ack_state(london(2026, 1, 10, 12, 0), &calendar),
            AckState::Waiting {
                left: Duration::minutes(30)
            }
        );
        assert!(!r.is_overdue(london(2026, 1, 12, 9, 30), &calendar));
        assert!(r.is_overdue(london(2026, 1, 12, 9, 30) + SECOND, &calendar));
    }

    #[test]
    fn the_servers_deadline_is_kept_and_cross_checked() {
        let calendar = BusinessCalendar::default();
        let at = london(2026, 1, 13, 10, 0);
        // The server knows a holiday we do not: its deadline stands, ours is kept aside.
        let server = london(2026, 1, 14, 10, 0);
        let r = request(at, Some(server));
        let deadline = r.ack_deadline(&calendar);
        assert_eq!(deadline.at, server);
        assert_eq!(deadline.source, DeadlineSource::Server);
        assert_eq!(
            deadline.disagreeing_computed,
            Some(london(2026, 1, 13, 11, 0))
        );
        assert!(!r.is_overdue(london(2026, 1, 13, 12, 0), &calendar));
        assert!(r.is_overdue(server + SECOND, &calendar));
        let filled = request(at, None).ack_deadline(&calendar);
        assert_eq!(filled.source, DeadlineSource::Computed);
        assert_eq!(filled.at, london(2026, 1, 13, 11, 0));
    }

    #[test]
    fn acknowledged_requests_are_never_overdue_and_say_if_they_were_late() {
        let calendar = BusinessCalendar::default();
        let due = london(2026, 1, 13, 11, 0);
        let mut r = request(london(2026, 1, 13, 10, 0), None);
        r.acknowledged_at = Some(due);
        let late_now = due + Duration::days(3);
        assert_eq!(
            r.ack_state(late_now, &calendar),
            AckState::Acknowledged {
                at: due,
                in_time: true
            }
        );
        assert!(!r.is_overdue(late_now, &calendar));
        r.acknowledged_at = Some(due + SECOND);
        assert_eq!(
            r.ack_state(late_now, &calendar),
            AckState::Acknowledged {
                at: due + SECOND,
                in_time: false
            }
        );
        assert_eq!(r.ack_state(late_now, &calendar).level(), Level::Ok);
    }

    #[test]
    fn a_missing_deadline_on_the_wire_is_accepted() {
        let json = r#"{"ticket":"SUP-1","tenant_id":"ten_1","requested_at":"2026-11-26T02:58:00Z",
            "point_in_time":null,"acknowledged_at":null,"restore_id":null}"#;
        let r: RestoreRequest = serde_json::from_str(json).unwrap();
        assert_eq!(r.ack_deadline_at, None);
        let with: RestoreRequest = serde_json::from_str(&json.replace(
            r#""restore_id":null"#,
            r#""restore_id":null,"ack_deadline_at":"2026-11-26T09:58:00Z""#,
        ))
        .unwrap();
        assert_eq!(
            with.ack_deadline_at,
            Some(Utc.with_ymd_and_hms(2026, 11, 26, 9, 58, 0).unwrap())
        );
    }
}
