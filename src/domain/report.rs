//! The ticket report of a restore (`snapdeck report`, `y` on the monitor): what support pastes
//! into the ticket and the postmortem. Facts read from the source and from the journal go in;
//! a `Report` comes out — the same facts, each part with its sentence — printed as markdown
//! (`markdown`) or JSON (serde). Nothing here reads anything: a fact that could not be read
//! arrives as the reason why, and the report says it.

mod markdown;
mod parts;
mod promise;
#[cfg(test)]
mod tests;
mod timeline;
mod words;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::calendar::BusinessCalendar;
use super::dns::DnsSwap;
use super::drill::{DrillFindings, DrillRecord, DrillResult};
use super::request::RestoreRequest;
use super::restore::{Restore, RestorePurpose};
use super::restore_point::RestorePoint;
use super::tenant::Tenant;
use super::verify::Verdict;

pub use markdown::markdown;
pub use parts::{ChecksPart, DataLoss, DnsPart, DrillPart, RestorePart, SwapPart, TenantPart};
pub use promise::{RtoPart, RtoVerdict};
pub use timeline::{Moment, Told};
pub use words::when;

/// What the source told about the restore.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub restore: Restore,
    /// The tenant restored, if the source still lists it.
    pub tenant: Option<Arc<Tenant>>,
    /// The restore's point from the tenant's history, or why it is not known.
    pub point: Result<RestorePoint, String>,
    /// The ticket the restore answers, when the source lists it (open tickets only).
    pub request: Option<RestoreRequest>,
    /// This restore's DNS swaps; `None` when the source lists no swaps at all (the list is
    /// the reference server's addition to the contract).
    pub swaps: Option<Vec<DnsSwap>>,
    /// A drill's record on the control plane, if it has one.
    pub drill_record: Option<DrillRecord>,
    /// snapdeck's own checks as the dashboard holds them, for a restore whose confirmation
    /// has not journaled them yet.
    pub own_checks_held: Option<OwnChecks>,
    /// Where the facts come from: "http https://control.example.net", "demo".
    pub source: String,
    /// Now, on the source's clock: a running RTO clock is read at this instant.
    pub now: DateTime<Utc>,
}

/// What this machine's journal holds about the restore.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Journaled {
    /// Oldest first.
    pub acts: Vec<Act>,
    /// The restore's reason, from its launch (the control plane does not keep it).
    pub reason: Option<String>,
    /// snapdeck's own checks as the confirmation journaled them (`snapdeck_checks`).
    pub own_checks: Option<OwnChecks>,
    /// A drill's findings, as recorded from this machine.
    pub findings: Option<DrillFindings>,
    /// The journal's path, or why it could not be read.
    pub read: Option<Result<String, String>>,
}

/// One write of an operator, as the journal has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Act {
    pub at: DateTime<Utc>,
    pub operator: String,
    pub did: Did,
    pub answer: Answer,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Did {
    Launched {
        drill: bool,
    },
    Confirmed {
        notes: String,
    },
    Cancelled,
    Discarded {
        reason: Option<String>,
    },
    RecordedDrill {
        result: DrillResult,
        summary: String,
    },
    /// A DNS swap asked for; its id once the control plane answered.
    SwappedDns {
        swap: Option<String>,
    },
    RolledBackDns {
        swap: String,
    },
}

/// What came back for an act.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Ok,
    /// The control plane's refusal, in its words ("409 invalid_phase: …").
    Refused(String),
    /// Sent, and no answer journaled: snapdeck stopped before it came.
    Unknown,
}

/// snapdeck's own checks of the restore, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnChecks {
    Ran {
        verdict: Verdict,
        checks: Vec<CheckLine>,
    },
    CouldNotRun(String),
    NotFinished,
}

/// One check, the control plane's or snapdeck's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckLine {
    pub name: String,
    pub verdict: Verdict,
    pub detail: String,
}

/// The report: every part with its facts and its sentence (`words`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub restore_id: String,
    /// A drill: a restore made only to be checked and thrown away.
    pub drill: bool,
    pub tenant: TenantPart,
    pub restore: RestorePart,
    pub data_loss: DataLoss,
    pub rto: RtoPart,
    pub checks: ChecksPart,
    pub drill_result: Option<DrillPart>,
    pub dns: DnsPart,
    /// Who did what when, oldest first: this machine's journal, and what the control plane
    /// says of the rest.
    pub timeline: Vec<Moment>,
    /// What the report could not say, and why.
    pub gaps: Vec<String>,
    pub source: String,
    /// The journal read, when it could be.
    pub journal: Option<String>,
    pub generated_at: DateTime<Utc>,
}

/// The report of `facts` and `journaled`; Standard's RTO is counted on `calendar`.
pub fn build(facts: &Facts, journaled: &Journaled, calendar: &BusinessCalendar) -> Report {
    let restore = &facts.restore;
    let drill = restore.purpose == RestorePurpose::Drill;
    let mut gaps = Vec::new();
    if facts.tenant.is_none() {
        gaps.push(format!(
            "tenant {} ({}) is no longer listed by the source: its name, tier and hostname \
             are not known",
            restore.source_slug, restore.tenant_id
        ));
    }
    if let Err(why) = &facts.point {
        gaps.push(format!("the restore point: {why}"));
    }
    let journal = match &journaled.read {
        Some(Ok(path)) => Some(path.clone()),
        Some(Err(why)) => {
            gaps.push(format!("the journal could not be read: {why}"));
            None
        }
        None => None,
    };
    Report {
        restore_id: restore.id.to_string(),
        drill,
        tenant: parts::tenant(restore, facts.tenant.as_deref()),
        restore: parts::restore(facts, journaled),
        data_loss: parts::data_loss(facts),
        rto: promise::rto(facts, calendar),
        checks: parts::checks(facts, journaled),
        drill_result: drill.then(|| parts::drill_result(facts, journaled)),
        dns: parts::dns(facts),
        timeline: timeline::timeline(facts, journaled),
        gaps,
        source: facts.source.clone(),
        journal,
        generated_at: facts.now,
    }
}
