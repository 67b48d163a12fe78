//! Demo restore requests: support tickets ("SUP-4821") on real tenants of the fleet, waiting
//! for on-call, deterministic for a seed and a start instant.
//!
//! At start there are always (when the fleet has tenants to put them on): one past its
//! acknowledgement deadline, one due within the hour, one acknowledged with no restore yet,
//! one fresh, and one answered by the running new-spoke restore (its RTO clock runs from the
//! ticket). New tickets arrive every few simulated hours, so `--demo-speed` speeds them up
//! through the clock like everything else.
//!
//! Deadlines use `BusinessCalendar::default()` (Mon–Fri 09:00–17:00 Europe/London): the demo
//! plays the control plane, which does not know the operator's configured business hours.
//! A configured calendar that differs shows up in the app as the server's deadline with the
//! computed one beside it, exactly as with a real control plane.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, Utc};

use super::Sim;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::ids::RestoreId;
use crate::domain::request::{RestoreRequest, ack_deadline};
use crate::domain::restore::{Restore, RestoreMode, RestorePhase};
use crate::domain::tenant::{Tenant, TenantState};
use crate::source::CommandError;
use crate::source::demo::rng::Rng;

/// New tickets arrive this far apart, in simulated time (about one every three and a half
/// hours).
const ARRIVAL_GAP: (i64, i64) = (2 * 3_600, 5 * 3_600);
/// After a long clock jump only the tickets of the last day arrive, not a backlog of weeks.
const CATCH_UP: Duration = Duration::days(1);
/// The support desk closes tickets this old (the customer sorted it out another way), so a
/// demo left running fast for days keeps a list of a few dozen, not thousands.
const CLOSED_AFTER: Duration = Duration::days(4);
/// Stream keys, so the tickets never change the fleet's own random numbers.
const KEY_START: u64 = 0x5E0_0001;
const KEY_ARRIVAL: u64 = 0x5E0_0002;

/// What a customer writes, with the point they ask for (hours back from the ticket, none for
/// "the most recent backup") and whether they would rather have the original overwritten.
struct Ask {
    note: &'static str,
    hours_back: Option<(i64, i64)>,
    prefers_overwrite: bool,
}

const ASKS: [Ask; 6] = [
    Ask {
        note: "teacher deleted course {n} by mistake this morning",
        hours_back: Some((3, 8)),
        prefers_overwrite: false,
    },
    Ask {
        note: "forum posts of course {n} vanished after a plugin update",
        hours_back: Some((12, 30)),
        prefers_overwrite: false,
    },
    Ask {
        note: "site shows errors everywhere since last night's upgrade; overwrite is fine",
        hours_back: Some((10, 20)),
        prefers_overwrite: true,
    },
    Ask {
        note: "assignment submissions missing for course {n}",
        hours_back: None,
        prefers_overwrite: false,
    },
    Ask {
        note: "gradebook of course {n} reset by a CSV import two days ago",
        hours_back: Some((46, 54)),
        prefers_overwrite: false,
    },
    Ask {
        note: "question bank wiped by a bulk delete; please overwrite, nobody can work",
        hours_back: Some((2, 5)),
        prefers_overwrite: true,
    },
];

/// Every ticket the demo control plane knows, and what it last reported as open.
#[derive(Debug, Clone)]
pub struct Requests {
    seed: u64,
    all: Vec<RestoreRequest>,
    next_number: u64,
    next_arrival: DateTime<Utc>,
    arrivals: u64,
    /// Restore tickets already in use, so a new ticket never takes one's number.
    taken: Vec<String>,
    reported: Vec<RestoreRequest>,
}

impl Requests {
    /// The tickets waiting at `now` for this fleet and its restores.
    pub fn generate(
        seed: u64,
        now: DateTime<Utc>,
        tenants: &[Arc<Tenant>],
        restores: &[Restore],
    ) -> Requests {
        let mut rng = Rng::keyed(seed, &[KEY_START]);
        let mut book = Requests {
            seed,
            all: Vec::new(),
            next_number: 4_800 + rng.below(80),
            next_arrival: now + gap(&mut rng),
            arrivals: 0,
            taken: restores.iter().filter_map(|r| r.ticket.clone()).collect(),
            reported: Vec::new(),
        };
        book.starting_tickets(&mut rng, now, tenants);
        if let Some(linked) = answered_by_running_restore(now, restores) {
            book.all.push(linked);
        }
        book.reported = book.open(restores);
        book
    }

    /// The scripted tickets: overdue, due soon, acknowledged, fresh — each on its own tenant.
    fn starting_tickets(&mut self, rng: &mut Rng, now: DateTime<Utc>, tenants: &[Arc<Tenant>]) {
        let calendar = BusinessCalendar::default();
        let candidates = restorable(tenants);
        let mut picked: Vec<usize> = Vec::new();
        // (business time already used before now, acknowledged after, the ask), oldest
        // first so the ticket numbers rise with time.
        let scripts: [(Duration, Option<Duration>, usize); 4] = [
            // Three business hours ago, acknowledged twenty minutes in; no restore yet.
            (Duration::hours(3), Some(Duration::minutes(20)), 3),
            // A business hour and forty minutes ago: forty minutes overdue in business time
            // (longer on the wall clock when the office has closed since).
            (Duration::minutes(100), None, 0),
            // Thirty-five business minutes ago: due in about twenty-five.
            (Duration::minutes(35), None, 2),
            // Just arrived.
            (Duration::zero(), None, 4),
        ];
        for (used, acknowledged_after, ask) in scripts {
            let Some(tenant) = pick(rng, &candidates, &mut picked) else {
                return;
            };
            let requested_at = if used.is_zero() {
                now - Duration::minutes(rng.range(10, 25))
            } else {
                business_time_before(now, used, &calendar)
            };
            let mut request = self.ticket(rng, &tenants[tenant], requested_at, &ASKS[ask]);
            request.acknowledged_at =
                acknowledged_after.map(|after| (requested_at + after).min(now));
            // The overdue ticket asks for yesterday afternoon, as its note says.
            if ask == 0 {
                request.note = "teacher deleted course 1182 yesterday afternoon".to_string();
                request.point_in_time = yesterday_at_noon(requested_at);
            }
            self.all.push(request);
        }
    }

    /// A new ticket for `tenant`, numbered after the last one.
    fn ticket(
        &mut self,
        rng: &mut Rng,
        tenant: &Tenant,
        requested_at: DateTime<Utc>,
        ask: &Ask,
    ) -> RestoreRequest {
        let ticket = loop {
            let ticket = format!("SUP-{}", self.next_number);
            self.next_number += 1 + rng.below(40);
            if !self.taken.contains(&ticket) {
                break ticket;
            }
        };
        let course = 1_000 + rng.below(900);
        let point_in_time = ask.hours_back.map(|(lo, hi)| {
            let back = Duration::hours(rng.range(lo, hi));
            round_to_hour(requested_at - back)
        });
        RestoreRequest {
            ticket,
            tenant_id: tenant.id.clone(),
            requested_at,
            point_in_time,
            prefers_overwrite: ask.prefers_overwrite,
            note: ask.note.replace("{n}", &course.to_string()),
            ack_deadline_at: Some(ack_deadline(requested_at, &BusinessCalendar::default())),
            acknowledged_at: None,
            restore_id: None,
        }
    }

    /// Tickets that arrived by `now`, each on a tenant that can be restored then.
    pub fn arrive(&mut self, now: DateTime<Utc>, tenants: &[Arc<Tenant>]) {
        self.all.retain(|r| now - r.requested_at <= CLOSED_AFTER);
        if self.next_arrival < now - CATCH_UP {
            let mut rng = Rng::keyed(self.seed, &[KEY_ARRIVAL, self.arrivals, 1]);
            self.next_arrival = now - CATCH_UP + gap(&mut rng);
        }
        while self.next_arrival <= now {
            let at = self.next_arrival;
            let mut rng = Rng::keyed(self.seed, &[KEY_ARRIVAL, self.arrivals]);
            self.arrivals += 1;
            self.next_arrival = at + gap(&mut rng);
            let candidates = restorable(tenants);
            let Some(&tenant) = candidates.get(rng.below(candidates.len() as u64) as usize) else {
                continue;
            };
            let ask = &ASKS[rng.below(ASKS.len() as u64) as usize];
            let request = self.ticket(&mut rng, &tenants[tenant], at, ask);
            self.all.push(request);
        }
    }

    /// The open tickets: those not yet answered by a restore that completed.
    pub fn open(&self, restores: &[Restore]) -> Vec<RestoreRequest> {
        let completed = |id: &RestoreId| {
            restores
                .iter()
                .any(|r| r.id == *id && r.phase == RestorePhase::Completed)
        };
        self.all
            .iter()
            .filter(|r| !r.restore_id.as_ref().is_some_and(completed))
            .cloned()
            .collect()
    }

    pub fn all(&self) -> &[RestoreRequest] {
        &self.all
    }
}

impl Sim {
    /// `GET /restore-requests?open=true`.
    pub fn open_requests(&self) -> Vec<RestoreRequest> {
        self.requests.open(&self.restores)
    }

    /// `GET /restore-requests` without `open=true`: every ticket, answered or not.
    pub fn all_requests(&self) -> &[RestoreRequest] {
        self.requests.all()
    }

    /// The open tickets, when they changed since this was last asked (a ticket arrived, was
    /// acknowledged, got its restore, or its restore completed).
    pub fn take_requests_changed(&mut self) -> Option<Vec<RestoreRequest>> {
        let open = self.open_requests();
        (open != self.requests.reported).then(|| {
            self.requests.reported = open.clone();
            open
        })
    }

    /// `POST /restore-requests/{ticket}/acknowledge`: records receipt once; acknowledging
    /// again keeps the first time.
    pub fn acknowledge_request(&mut self, ticket: &str) -> Result<RestoreRequest, CommandError> {
        let now = self.now();
        let request = self
            .requests
            .all
            .iter_mut()
            .find(|r| r.ticket == ticket)
            .ok_or_else(|| {
                CommandError::new(
                    404,
                    "request_not_found",
                    format!("no restore request {ticket}"),
                )
            })?;
        request.acknowledged_at.get_or_insert(now);
        Ok(request.clone())
    }

    /// A restore launched for `ticket` answers that ticket, while it is open.
    pub(in crate::source::demo) fn link_request(
        &mut self,
        ticket: Option<&str>,
        restore: &RestoreId,
    ) {
        let Some(ticket) = ticket else {
            return;
        };
        let open: Vec<String> = self.open_requests().into_iter().map(|r| r.ticket).collect();
        if let Some(request) = self
            .requests
            .all
            .iter_mut()
            .find(|r| r.ticket == ticket && open.contains(&r.ticket))
        {
            request.restore_id = Some(restore.clone());
        }
    }
}

/// The ticket the running new-spoke restore answers: opened before it, acknowledged, linked.
fn answered_by_running_restore(now: DateTime<Utc>, restores: &[Restore]) -> Option<RestoreRequest> {
    let restore = restores
        .iter()
        .find(|r| r.phase.is_active() && r.mode == RestoreMode::NewSpoke)?;
    let ticket = restore.ticket.clone()?;
    let requested_at = restore.requested_at - Duration::minutes(45);
    Some(RestoreRequest {
        ticket,
        tenant_id: restore.tenant_id.clone(),
        requested_at,
        point_in_time: None,
        prefers_overwrite: false,
        note: "students cannot see last week's lecture recordings".to_string(),
        ack_deadline_at: Some(ack_deadline(requested_at, &BusinessCalendar::default())),
        acknowledged_at: Some((restore.requested_at - Duration::minutes(5)).min(now)),
        restore_id: Some(restore.id.clone()),
    })
}

/// Indices of the tenants a customer could ask to restore: active, backed up at least once,
/// with no restore running.
fn restorable(tenants: &[Arc<Tenant>]) -> Vec<usize> {
    tenants
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.state == TenantState::Active
                && t.backup.last_success.is_some()
                && t.active_restore_id.is_none()
        })
        .map(|(i, _)| i)
        .collect()
}

/// A candidate not picked before (or none when they run out).
fn pick(rng: &mut Rng, candidates: &[usize], picked: &mut Vec<usize>) -> Option<usize> {
    let left: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|c| !picked.contains(c))
        .collect();
    let choice = *left.get(rng.below(left.len() as u64) as usize)?;
    picked.push(choice);
    Some(choice)
}

fn gap(rng: &mut Rng) -> Duration {
    Duration::seconds(rng.range(ARRIVAL_GAP.0, ARRIVAL_GAP.1))
}

fn round_to_hour(at: DateTime<Utc>) -> DateTime<Utc> {
    at - Duration::seconds(at.timestamp().rem_euclid(3_600))
}

/// Noon UTC of the day before `at`: "yesterday afternoon" in words, as a point to ask for.
fn yesterday_at_noon(at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let day = (at - Duration::days(1)).date_naive();
    Some(day.and_time(NaiveTime::from_hms_opt(14, 0, 0)?).and_utc())
}

/// The instant `amount` of business time before `to`. The calendar only counts forwards, so
/// this walks back in five-minute steps (at most four weeks), which is close enough for a
/// demo's "due in about 25 minutes".
fn business_time_before(
    to: DateTime<Utc>,
    amount: Duration,
    calendar: &BusinessCalendar,
) -> DateTime<Utc> {
    let step = Duration::minutes(5);
    let mut at = to;
    let mut used = Duration::zero();
    for _ in 0..(28 * 24 * 12) {
        if used >= amount {
            break;
        }
        used += calendar.business_time_between(at - step, at);
        at -= step;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_back_business_time_skips_the_night() {
        let calendar = BusinessCalendar::default();
        // Thursday 03:10 UTC (London is on UTC in November): 35 business minutes back is
        // Wednesday 16:25.
        let utc = |d, h, m| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, d, h, m, 0).unwrap();
        let now = utc(26, 3, 10);
        let back = business_time_before(now, Duration::minutes(35), &calendar);
        assert_eq!(back, utc(25, 16, 25));
    }
}
