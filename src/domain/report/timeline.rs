//! Who did what when: every act this machine's journal holds on the restore, with its answer,
//! and what the control plane says of the rest (a launch, a confirmation or a swap made from
//! another machine, the restore's own end, a swap settling). The journal's times are this
//! machine's clock, the control plane's its own: each moment says which it is.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Act, Did, Facts, Journaled};
use crate::domain::dns::DnsPhase;
use crate::domain::restore::{RestorePhase, RestorePurpose};
use crate::domain::rto::restore_end;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moment {
    pub at: DateTime<Utc>,
    pub who: String,
    pub what: String,
    /// What came back, for an act of the journal.
    pub answer: Option<String>,
    pub told_by: Told,
}

/// Where a moment comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Told {
    Journal,
    ControlPlane,
}

pub fn timeline(facts: &Facts, journaled: &Journaled) -> Vec<Moment> {
    let drill = facts.restore.purpose == RestorePurpose::Drill;
    let mut moments: Vec<Moment> = journaled.acts.iter().map(|a| journal(a, drill)).collect();
    moments.extend(told_by_the_control_plane(facts, &journaled.acts));
    // Stable: an act and the control plane's word on it at the same instant keep that order.
    moments.sort_by_key(|m| m.at);
    moments
}

fn journal(act: &Act, drill: bool) -> Moment {
    let what = match &act.did {
        Did::Launched { .. } if drill => "launched the drill's restore".to_string(),
        Did::Launched { .. } => "launched the restore".to_string(),
        Did::Confirmed { notes } => format!("confirmed it: “{notes}”"),
        Did::Cancelled => "cancelled it".to_string(),
        Did::Discarded { reason: Some(why) } => format!("discarded the spoke: “{why}”"),
        Did::Discarded { reason: None } => "discarded the spoke".to_string(),
        Did::RecordedDrill { result, summary } => {
            format!("recorded the drill: {} {result}, {summary}", result.glyph())
        }
        Did::SwappedDns { swap: Some(id) } => format!("swapped DNS to the restored spoke ({id})"),
        Did::SwappedDns { swap: None } => "asked for a DNS swap to the restored spoke".to_string(),
        Did::RolledBackDns { swap } => format!("rolled the DNS swap {swap} back"),
    };
    Moment {
        at: act.at,
        who: act.operator.clone(),
        what,
        answer: Some(act.answer.words()),
        told_by: Told::Journal,
    }
}

/// The control plane's word on what the journal does not hold.
fn told_by_the_control_plane(facts: &Facts, acts: &[Act]) -> Vec<Moment> {
    let r = &facts.restore;
    let journaled = |f: &dyn Fn(&Did) -> bool| acts.iter().any(|a| f(&a.did));
    let mut moments = Vec::new();
    let mut say = |at: DateTime<Utc>, who: &str, what: String| {
        moments.push(Moment {
            at,
            who: who.to_string(),
            what,
            answer: None,
            told_by: Told::ControlPlane,
        });
    };
    if !journaled(&|d| matches!(d, Did::Launched { .. })) {
        say(
            r.requested_at,
            &r.requested_by,
            "asked for the restore (not from this machine)".to_string(),
        );
    }
    if let Some(at) = restore_end(r).and_then(|end| end.at) {
        match &r.phase {
            RestorePhase::AwaitingConfirmation | RestorePhase::Completed => say(
                at,
                "the control plane",
                "the restore's last step finished: the data was back".to_string(),
            ),
            RestorePhase::Failed => say(
                at,
                "the control plane",
                format!(
                    "the restore failed: {}",
                    r.error.as_deref().unwrap_or("no error given")
                ),
            ),
            _ => {}
        }
    }
    if let (Some(at), false) = (
        r.confirmed_at,
        journaled(&|d| matches!(d, Did::Confirmed { .. })),
    ) {
        let who = r.confirmed_by.as_deref().unwrap_or("someone");
        say(at, who, "confirmed it (not from this machine)".to_string());
    }
    for s in facts.swaps.iter().flatten() {
        let id = s.id.to_string();
        let asked_here =
            journaled(&|d| matches!(d, Did::SwappedDns { swap: Some(sw) } if *sw == id));
        if !asked_here {
            say(
                s.requested_at,
                "someone",
                format!("asked for DNS swap {id} (not from this machine)"),
            );
        }
        let rolled_here = journaled(&|d| matches!(d, Did::RolledBackDns { swap } if *swap == id));
        match &s.phase {
            DnsPhase::Verified => say(
                s.updated_at,
                "the control plane",
                format!(
                    "DNS swap {id} verified: {} answers {}",
                    s.hostname, s.to_target
                ),
            ),
            DnsPhase::Failed => say(
                s.updated_at,
                "the control plane",
                format!(
                    "DNS swap {id} failed: {}",
                    s.error.as_deref().unwrap_or("no error given")
                ),
            ),
            DnsPhase::RolledBack if !rolled_here => say(
                s.updated_at,
                "someone",
                format!("rolled DNS swap {id} back (not from this machine)"),
            ),
            _ => {}
        }
    }
    if let Some(record) = &facts.drill_record
        && !journaled(&|d| matches!(d, Did::RecordedDrill { .. }))
    {
        let d = &record.drill;
        say(
            d.finished_at,
            "the control plane",
            format!(
                "the drill's result was recorded: {} {} (not from this machine)",
                d.result.glyph(),
                d.result
            ),
        );
    }
    moments
}
