//! The report's RTO against the promise (DESIGN.md, "RTO clock"): met, or late by how much,
//! on the same clock the monitor shows (`rto::restore_rto`: it stops when the restore ends).
//! A drill is measured as `snapdeck drill` measures it: its restore's duration against its
//! tier's RTO.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::Facts;
use super::parts::tier_word;
use super::words::when;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::drill::limit_of;
use crate::domain::humanize::duration;
use crate::domain::policy::{DeadlineSource, TierPolicy};
use crate::domain::restore::{RestorePhase, RestorePurpose};
use crate::domain::rto::{Counting, RtoClock, RtoState, restore_end, restore_rto, wait_started};
use crate::domain::tenant::Tier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RtoVerdict {
    /// The data was back by the deadline.
    Met,
    /// The data was back after the deadline.
    Late,
    Running,
    /// Past the deadline and still running.
    Overdue,
    /// Failed, cancelled or discarded: the customer got nothing from it.
    NotDelivered,
    /// It ended, but when is not known.
    EndUnknown,
    /// No promise to measure against (a tier snapdeck does not know, or no tenant).
    NoPromise,
    /// A drill that restored within its tier's RTO.
    DrillWithin,
    /// A drill whose restore took longer than its tier's RTO.
    DrillOver,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RtoPart {
    pub verdict: RtoVerdict,
    /// "Dedicated: 4h, wall clock".
    pub promise: Option<String>,
    /// When the customer's wait started: the ticket's time, or the restore's.
    pub wait_started_at: DateTime<Utc>,
    pub deadline: Option<DateTime<Utc>>,
    /// "control_plane" or "snapdeck".
    pub deadline_from: Option<&'static str>,
    /// When the restore ended (its last step), if it has.
    pub ended_at: Option<DateTime<Utc>>,
    pub late_by_seconds: Option<i64>,
    pub words: String,
}

pub fn rto(facts: &Facts, calendar: &BusinessCalendar) -> RtoPart {
    let r = &facts.restore;
    let wait = wait_started(r, facts.request.as_ref());
    let ended_at = restore_end(r).and_then(|end| end.at);
    let blank = RtoPart {
        verdict: RtoVerdict::NoPromise,
        promise: None,
        wait_started_at: wait,
        deadline: None,
        deadline_from: None,
        ended_at,
        late_by_seconds: None,
        words: String::new(),
    };
    let Some(tier) = facts.tenant.as_ref().map(|t| t.tier.clone()) else {
        return RtoPart {
            words: "Not measured: the tenant is no longer listed, so its tier — and the \
                    promise — is not known here."
                .to_string(),
            ..blank
        };
    };
    let Some(policy) = TierPolicy::of(&tier) else {
        return RtoPart {
            words: format!(
                "Not measured: {} has no promise snapdeck knows.",
                tier_word(&tier)
            ),
            ..blank
        };
    };
    let promise = format!("{}, {}", tier_word(&tier), rto_words(&tier, policy));
    if r.purpose == RestorePurpose::Drill {
        return drill(facts, &tier, promise, blank);
    }
    let request = facts.request.as_ref();
    let Some(clock) = restore_rto(r, &tier, request, calendar, facts.now) else {
        return RtoPart {
            words: format!(
                "Not measured: {} has no promise snapdeck knows.",
                tier_word(&tier)
            ),
            ..blank
        };
    };
    let (verdict, said) = judged(&clock, facts);
    let from = match (&r.ticket, facts.request.is_some()) {
        _ if wait != r.requested_at => format!("from the ticket's time ({})", when(wait)),
        // Only open tickets are listed: a closed one's time cannot be read here.
        (Some(ticket), false) => format!(
            "from the restore's request ({ticket} is not among the open tickets, so its time \
             was not read)"
        ),
        _ => "from the restore's request".to_string(),
    };
    let source = match clock.deadline.source {
        DeadlineSource::Server => "set by the control plane",
        DeadlineSource::Computed => "computed by snapdeck",
    };
    // The control plane's deadline is the one the customer is held to; a reckoning of ours
    // that differs is said beside it, as the monitor does.
    let ours = clock
        .deadline
        .disagreeing_computed
        .map(|at| format!(", by which snapdeck reckons {}", when(at)))
        .unwrap_or_default();
    RtoPart {
        verdict,
        promise: Some(promise.clone()),
        deadline: Some(clock.deadline.at),
        deadline_from: Some(match clock.deadline.source {
            DeadlineSource::Server => "control_plane",
            DeadlineSource::Computed => "snapdeck",
        }),
        late_by_seconds: clock
            .late_by()
            .map(|d| d.num_seconds())
            .or(match clock.state {
                RtoState::Overdue { by } => Some(by.num_seconds()),
                _ => None,
            }),
        words: format!(
            "{said}. Deadline {}, {source}; the promise: {promise}, {from}{ours}.",
            when(clock.deadline.at)
        ),
        ..blank
    }
}

/// "4h, wall clock" or "8 business hours".
fn rto_words(tier: &Tier, policy: TierPolicy) -> String {
    match tier {
        Tier::Dedicated => format!("{} wall clock", policy.rto.words()),
        _ => policy.rto.words(),
    }
}

/// Where the clock stands, and the sentence's first half.
fn judged(clock: &RtoClock, facts: &Facts) -> (RtoVerdict, String) {
    match &clock.state {
        RtoState::Running { left } => (
            RtoVerdict::Running,
            match clock.counting {
                Counting::WallClock => format!("Running: {} left", duration(*left)),
                Counting::BusinessHours => {
                    format!("Running: {} of business time left", duration(*left))
                }
            },
        ),
        RtoState::Overdue { by } => (
            RtoVerdict::Overdue,
            format!("Late by {} and still running", duration(*by)),
        ),
        RtoState::Ended { end, in_time } => match (in_time, end.at, clock.late_by()) {
            (Some(true), Some(at), _) => (
                RtoVerdict::Met,
                format!(
                    "Met: the data was back at {}, {} before the deadline",
                    when(at),
                    duration(clock.deadline.at - at)
                ),
            ),
            (Some(false), Some(at), Some(by)) => (
                RtoVerdict::Late,
                format!(
                    "Missed: the data was back at {}, late by {}",
                    when(at),
                    duration(by)
                ),
            ),
            (_, at, _) if !end.delivered() => (
                RtoVerdict::NotDelivered,
                format!(
                    "Not delivered: the restore {}{}, so the customer got nothing from it",
                    ended_words(&facts.restore.phase),
                    at.map(|at| format!(" at {}", when(at))).unwrap_or_default()
                ),
            ),
            _ => (
                RtoVerdict::EndUnknown,
                "Not known: the restore ended but says not when".to_string(),
            ),
        },
    }
}

fn ended_words(phase: &RestorePhase) -> &'static str {
    match phase {
        RestorePhase::Failed => "failed",
        RestorePhase::Cancelled => "was cancelled",
        RestorePhase::Discarded => "was discarded",
        _ => "ended",
    }
}

/// A drill restores for nobody: it is measured by how long its restore took against the
/// tier's RTO (hours of restoring, for Standard too, as `snapdeck drill` judges it).
fn drill(facts: &Facts, tier: &Tier, promise: String, blank: RtoPart) -> RtoPart {
    let r = &facts.restore;
    let limit = limit_of(tier);
    let promise = match tier {
        Tier::Standard => format!("{promise}, counted as hours of restoring"),
        _ => promise,
    };
    let end = blank.ended_at;
    let took = (end.unwrap_or(facts.now) - r.requested_at).max(Duration::zero());
    let over = took > limit;
    let verdict = if over {
        RtoVerdict::DrillOver
    } else {
        RtoVerdict::DrillWithin
    };
    let what = match (&r.phase, end) {
        (RestorePhase::Failed, _) => format!("its restore failed after {}", duration(took)),
        (_, Some(_)) => format!("restored in {}", duration(took)),
        (_, None) => format!("its restore had run {} when last seen", duration(took)),
    };
    let against = if over {
        format!(
            "{} past the RTO: a real restore would have broken the promise",
            duration(took - limit)
        )
    } else {
        "within the RTO".to_string()
    };
    RtoPart {
        verdict,
        promise: Some(promise.clone()),
        late_by_seconds: over.then(|| (took - limit).num_seconds()),
        words: format!("A drill measures the promise: {what}, {against} ({promise})."),
        ..blank
    }
}
