//! The acting side of `snapdeck status` (DESIGN, the health table's last paragraph): what a
//! person must do now, judged from the restores and the open tickets. A ticket past its
//! acknowledgement deadline and a restore still running past its RTO are red; a restore
//! awaiting a person's confirmation with under a quarter of its RTO budget left (or none) is
//! amber. Region outages are not judged here yet.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::domain::Level;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::humanize::{coarse, duration, instant_utc};
use crate::domain::ids::{RestoreId, TenantId};
use crate::domain::request::RestoreRequest;
use crate::domain::restore::{ActiveRestores, Restore, RestorePhase, RestorePurpose};
use crate::domain::rto::{Counting, RtoClock, restore_rto};
use crate::domain::tenant::Tier;

/// The restores and open tickets as the source sent them.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    pub restores: Vec<Restore>,
    pub requests: Vec<RestoreRequest>,
}

/// The acting side judged.
#[derive(Debug, Clone, Default)]
pub struct Acting {
    /// Restores with the platform at work, and those waiting for a person, counted apart.
    pub active: ActiveRestores,
    /// Worst first, then the earliest deadline first.
    pub pages: Vec<Page>,
    /// Why the restores or tickets could not be read: nothing of this side is judged, and
    /// the check is UNKNOWN.
    pub unread: Option<String>,
    /// False for a source that keeps no restores nor tickets (the clusters).
    pub known: bool,
}

impl Acting {
    /// A source that keeps no restores nor tickets: nothing to judge, nothing missed.
    pub fn not_kept() -> Acting {
        Acting::default()
    }

    /// The restores and tickets could not be read.
    pub fn unread(why: String) -> Acting {
        Acting {
            unread: Some(why),
            known: true,
            ..Acting::default()
        }
    }

    /// The worst level among the pages, `Unknown` when the lists were not read.
    pub fn level(&self) -> Level {
        if self.unread.is_some() {
            return Level::Unknown;
        }
        self.pages
            .iter()
            .map(|p| p.level)
            .max()
            .unwrap_or(Level::Ok)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// A ticket not acknowledged by its deadline.
    AckOverdue,
    /// A restore still under way past its RTO deadline.
    RtoPassed,
    /// A restore awaiting a person's confirmation near or past its RTO deadline.
    AwaitingPerson,
}

impl PageKind {
    pub fn id(self) -> &'static str {
        match self {
            PageKind::AckOverdue => "ack_overdue",
            PageKind::RtoPassed => "rto_passed",
            PageKind::AwaitingPerson => "awaiting_person",
        }
    }
}

/// One thing a person must act on, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    #[serde(rename = "id")]
    pub kind: PageKind,
    pub level: Level,
    /// The tenant's slug, when the fleet knows it.
    pub tenant: Option<String>,
    pub ticket: Option<String>,
    pub restore_id: Option<RestoreId>,
    pub deadline: DateTime<Utc>,
    pub explanation: String,
}

impl Page {
    /// The ticket or the restore it is about, for a one-line summary.
    pub fn subject(&self) -> &str {
        let ticket = self.ticket.as_deref();
        let restore = self.restore_id.as_ref().map(|id| id.0.as_str());
        match self.kind {
            PageKind::AckOverdue => ticket.or(restore),
            PageKind::RtoPassed | PageKind::AwaitingPerson => restore.or(ticket),
        }
        .unwrap_or_default()
    }
}

/// A tenant's slug and tier, looked up by id in the fleet.
pub type Lookup<'a> = &'a dyn Fn(&TenantId) -> Option<(String, Tier)>;

/// Judges `lists` at `now` against `calendar` (acknowledgements and Standard's RTO are in
/// business time).
pub fn judge(
    lists: &Lists,
    tenant: Lookup<'_>,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Acting {
    let mut pages: Vec<Page> = lists
        .requests
        .iter()
        .filter_map(|r| ack_page(r, tenant, calendar, now))
        .chain(
            lists
                .restores
                .iter()
                .filter_map(|r| rto_page(r, &lists.requests, tenant, calendar, now)),
        )
        .collect();
    pages.sort_by_key(|p| (std::cmp::Reverse(p.level), p.deadline));
    Acting {
        active: ActiveRestores::of(&lists.restores),
        pages,
        unread: None,
        known: true,
    }
}

fn ack_page(
    request: &RestoreRequest,
    tenant: Lookup<'_>,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Option<Page> {
    if !request.is_overdue(now, calendar) {
        return None;
    }
    let deadline = request.ack_deadline(calendar).at;
    let slug = tenant(&request.tenant_id).map(|(slug, _)| slug);
    let on = slug
        .as_deref()
        .map_or(String::new(), |s| format!(" on {s}"));
    let explanation = format!(
        "ticket {}{on} is not acknowledged: due {} (one business hour), {} ago",
        request.ticket,
        instant_utc(deadline),
        coarse(now - deadline)
    );
    Some(Page {
        kind: PageKind::AckOverdue,
        level: Level::Red,
        tenant: slug,
        ticket: Some(request.ticket.clone()),
        restore_id: request.restore_id.clone(),
        deadline,
        explanation,
    })
}

/// Only a customer's restore pages: a drill is thrown away, and its runner holds it to its
/// own time limit (a drill over RTO is a tenant's flag, not a page).
fn rto_page(
    restore: &Restore,
    requests: &[RestoreRequest],
    tenant: Lookup<'_>,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Option<Page> {
    if restore.purpose != RestorePurpose::Request || !restore.phase.is_active() {
        return None;
    }
    let (slug, tier) = tenant(&restore.tenant_id)?;
    let request = requests.iter().find(|r| answers(r, restore));
    let clock = restore_rto(restore, &tier, request, calendar, now)?;
    let (kind, level, state) = judge_clock(restore, &clock, calendar, now)?;
    let explanation = format!(
        "restore {} of {} ({}) {state}: due {} ({} {})",
        restore.id,
        restore.source_slug,
        restore.phase.label().replace('_', " "),
        instant_utc(clock.deadline.at),
        duration(clock.budget),
        clock.counting.words()
    );
    Some(Page {
        kind,
        level,
        tenant: Some(slug),
        ticket: restore.ticket.clone(),
        restore_id: Some(restore.id.clone()),
        deadline: clock.deadline.at,
        explanation,
    })
}

/// Red once a running restore's deadline has passed; amber while it awaits a person with
/// under a quarter of its budget left or none. The deadline is read, not the clock's state:
/// the clock stops at `awaiting_confirmation`, but the customer still waits for the person.
fn judge_clock(
    restore: &Restore,
    clock: &RtoClock,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> Option<(PageKind, Level, String)> {
    let passed = now > clock.deadline.at;
    if restore.phase == RestorePhase::AwaitingConfirmation {
        let left = time_left(clock, calendar, now);
        if passed {
            let words = format!(
                "awaits a person, {} past its RTO",
                coarse(now - clock.deadline.at)
            );
            return Some((PageKind::AwaitingPerson, Level::Amber, words));
        }
        return (left < clock.budget / 4).then(|| {
            let words = format!("awaits a person with {} of its RTO left", coarse(left));
            (PageKind::AwaitingPerson, Level::Amber, words)
        });
    }
    passed.then(|| {
        let words = format!(
            "is still under way {} past its RTO",
            coarse(now - clock.deadline.at)
        );
        (PageKind::RtoPassed, Level::Red, words)
    })
}

/// Time left before the deadline in the clock's own counting (business time for Standard).
fn time_left(clock: &RtoClock, calendar: &BusinessCalendar, now: DateTime<Utc>) -> Duration {
    match clock.counting {
        Counting::WallClock => clock.deadline.at - now,
        Counting::BusinessHours => calendar.business_time_between(now, clock.deadline.at),
    }
}

/// The ticket a restore answers: it names the restore, or the restore names it.
fn answers(request: &RestoreRequest, restore: &Restore) -> bool {
    request.restore_id.as_ref() == Some(&restore.id)
        || restore.ticket.as_deref() == Some(request.ticket.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// Thursday 26 Nov 2026, 03:10 UTC (London is on UTC then): out of business hours.
    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, h, m, 0).unwrap()
    }

    fn restore(phase: RestorePhase, requested_at: DateTime<Utc>) -> Restore {
        let mut r = crate::domain::test_support::restore(phase);
        r.requested_at = requested_at;
        r
    }

    use crate::domain::test_support::request;

    fn judged(tier: Tier, lists: Lists, now: DateTime<Utc>) -> Acting {
        let lookup = move |_: &TenantId| Some(("nf-s3".to_string(), tier.clone()));
        judge(&lists, &lookup, &BusinessCalendar::default(), now)
    }

    fn pages(tier: Tier, restores: Vec<Restore>, now: DateTime<Utc>) -> Vec<(PageKind, Level)> {
        let lists = Lists {
            restores,
            requests: Vec::new(),
        };
        let acting = judged(tier, lists, now);
        acting.pages.iter().map(|p| (p.kind, p.level)).collect()
    }

    #[test]
    fn a_running_restore_is_red_one_instant_past_its_deadline_and_not_at_it() {
        let running = restore(RestorePhase::RestoringVolume, at(3, 10));
        let due = at(7, 10);
        assert_eq!(pages(Tier::Dedicated, vec![running.clone()], due), vec![]);
        let late = due + Duration::seconds(1);
        assert_eq!(
            pages(Tier::Dedicated, vec![running], late),
            vec![(PageKind::RtoPassed, Level::Red)]
        );
    }

    #[test]
    fn awaiting_a_person_is_amber_under_a_quarter_left_and_past_the_deadline() {
        let waiting = restore(RestorePhase::AwaitingConfirmation, at(3, 10));
        assert_eq!(
            pages(Tier::Dedicated, vec![waiting.clone()], at(6, 10)),
            vec![]
        );
        let amber = vec![(PageKind::AwaitingPerson, Level::Amber)];
        assert_eq!(
            pages(Tier::Dedicated, vec![waiting.clone()], at(6, 11)),
            amber
        );
        assert_eq!(pages(Tier::Dedicated, vec![waiting], at(9, 0)), amber);
    }

    #[test]
    fn ended_restores_and_drills_never_page() {
        let mut drill = restore(RestorePhase::RestoringVolume, at(3, 10));
        drill.purpose = RestorePurpose::Drill;
        let ended = [
            RestorePhase::Completed,
            RestorePhase::Failed,
            RestorePhase::Cancelled,
            RestorePhase::Discarded,
        ]
        .map(|phase| restore(phase, at(3, 10)));
        let all = [vec![drill], ended.to_vec()].concat();
        assert_eq!(pages(Tier::Dedicated, all, at(12, 0)), vec![]);
    }

    #[test]
    fn standard_counts_business_hours_from_the_ticket() {
        // Ticket on Wednesday 15:20: 8 business hours are due Thursday 15:20.
        let ticket = request(Utc.with_ymd_and_hms(2026, 11, 25, 15, 20, 0).unwrap());
        let mut running = restore(RestorePhase::Queued, at(15, 0));
        running.ticket = Some(ticket.ticket.clone());
        let lists = Lists {
            restores: vec![running],
            requests: vec![ticket],
        };
        let before = judged(Tier::Standard, lists.clone(), at(15, 20));
        assert!(before.pages.iter().all(|p| p.kind != PageKind::RtoPassed));
        let after = judged(Tier::Standard, lists, at(15, 21));
        let rto = after
            .pages
            .iter()
            .find(|p| p.kind == PageKind::RtoPassed)
            .unwrap();
        assert_eq!(rto.deadline, at(15, 20));
        assert!(
            rto.explanation.contains("8h business hours"),
            "{}",
            rto.explanation
        );
    }

    #[test]
    fn a_ticket_past_its_acknowledgement_deadline_is_red_and_counts_are_apart() {
        // Wednesday 15:20 is due 16:20; acknowledged tickets never page.
        let late = request(Utc.with_ymd_and_hms(2026, 11, 25, 15, 20, 0).unwrap());
        let mut done = late.clone();
        done.ticket = "SUP-1".into();
        done.acknowledged_at = Some(at(0, 0));
        let lists = Lists {
            restores: vec![
                restore(RestorePhase::RestoringDatabase, at(3, 0)),
                restore(RestorePhase::AwaitingConfirmation, at(3, 0)),
            ],
            requests: vec![late, done],
        };
        let acting = judged(Tier::Dedicated, lists, at(3, 10));
        assert_eq!(acting.pages.len(), 1);
        let page = &acting.pages[0];
        assert_eq!((page.kind, page.level), (PageKind::AckOverdue, Level::Red));
        assert!(
            page.explanation
                .contains("SUP-4821 on nf-s3 is not acknowledged")
        );
        assert_eq!((acting.active.restoring, acting.active.awaiting), (1, 1));
        assert_eq!(acting.level(), Level::Red);
    }

    #[test]
    fn unread_lists_are_unknown_and_a_source_without_them_is_ok() {
        assert_eq!(Acting::unread("timeout".into()).level(), Level::Unknown);
        assert_eq!(Acting::not_kept().level(), Level::Ok);
    }
}
