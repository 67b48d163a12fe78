//! Each part of the report from the facts: its fields, and the sentence the markdown prints.
//! The RTO is `promise.rs`, who did what `timeline.rs`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::words::{mark, when};
use super::{CheckLine, Facts, Journaled, OwnChecks};
use crate::domain::dns::{DnsPhase, DnsSwap};
use crate::domain::humanize::duration;
use crate::domain::restore::{
    CheckStatus, Restore, RestoreMode, RestorePhase, RestorePurpose, VerificationCheck,
};
use crate::domain::tenant::{Tenant, Tier};
use crate::domain::verify::Verdict;

/// A drill's own checks are recorded among its findings with this prefix on their names
/// (`drill::verdicts`), beside the control plane's.
const OWN_PREFIX: &str = "snapdeck: ";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TenantPart {
    pub id: String,
    pub slug: String,
    pub name: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub hostname: Option<String>,
    pub words: String,
}

pub(super) fn tenant(restore: &Restore, tenant: Option<&Tenant>) -> TenantPart {
    let Some(t) = tenant else {
        return TenantPart {
            id: restore.tenant_id.to_string(),
            slug: restore.source_slug.clone(),
            name: None,
            tier: None,
            region: None,
            hostname: None,
            words: format!(
                "`{}` ({}; no longer listed by the source)",
                restore.source_slug, restore.tenant_id
            ),
        };
    };
    let name = non_empty(&t.display_name);
    let hostname = non_empty(&t.hostname);
    let mut words = match &name {
        Some(name) => format!("{name} (`{}`)", t.slug),
        None => format!("`{}`", t.slug),
    };
    words.push_str(&format!(", {} in {}", tier_word(&t.tier), t.region));
    if let Some(host) = &hostname {
        words.push_str(&format!(", {host}"));
    }
    TenantPart {
        id: t.id.to_string(),
        slug: t.slug.to_string(),
        name,
        tier: Some(t.tier.as_str().to_string()),
        region: Some(t.region.to_string()),
        hostname,
        words,
    }
}

/// "Dedicated", "Standard", or the unknown tier as the contract says it.
pub(super) fn tier_word(tier: &Tier) -> String {
    match tier {
        Tier::Standard => "Standard".to_string(),
        Tier::Dedicated => "Dedicated".to_string(),
        other => format!("tier {other}"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestorePart {
    pub mode: String,
    pub target_slug: String,
    pub target_hostname: Option<String>,
    pub phase: String,
    pub point_id: Option<String>,
    pub point_taken_at: Option<DateTime<Utc>>,
    pub ticket: Option<String>,
    pub reason: Option<String>,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// Where it restored to, and how it stands.
    pub words: String,
    pub point_words: String,
}

pub(super) fn restore(facts: &Facts, journaled: &Journaled) -> RestorePart {
    let r = &facts.restore;
    let point = facts.point.as_ref().ok();
    let point_id = r
        .restore_point_id
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| point.map(|p| p.id.to_string()));
    let target_hostname = non_empty(&r.target_hostname);
    let place = match r.mode {
        RestoreMode::Overwrite => format!("over the tenant itself (`{}`), in place", r.target_slug),
        _ => match &target_hostname {
            Some(host) => format!("into a new spoke, `{}` ({host})", r.target_slug),
            None => format!("into a new spoke, `{}`", r.target_slug),
        },
    };
    let point_words = match (point, &point_id) {
        (Some(p), _) => format!("{}, taken {}", p.id, when(p.taken_at)),
        (None, Some(id)) => format!("{id} (its time could not be read)"),
        (None, None) => "the most recent backup at the time (not read)".to_string(),
    };
    RestorePart {
        mode: r.mode.as_str().to_string(),
        target_slug: r.target_slug.clone(),
        target_hostname,
        phase: r.phase.as_str().to_string(),
        point_id,
        point_taken_at: point.map(|p| p.taken_at),
        ticket: r.ticket.clone(),
        reason: journaled.reason.clone(),
        requested_by: r.requested_by.clone(),
        requested_at: r.requested_at,
        confirmed_by: r.confirmed_by.clone(),
        confirmed_at: r.confirmed_at,
        error: r.error.clone(),
        words: format!("{place}; {}", phase_words(r)),
        point_words,
    }
}

/// How the restore stands, in words.
fn phase_words(r: &Restore) -> String {
    match &r.phase {
        RestorePhase::Completed => match (&r.confirmed_by, r.confirmed_at) {
            (Some(by), Some(at)) => format!("completed, confirmed by {by} at {}", when(at)),
            _ => "completed".to_string(),
        },
        RestorePhase::AwaitingConfirmation => "awaiting confirmation".to_string(),
        RestorePhase::Failed => {
            format!("failed: {}", r.error.as_deref().unwrap_or("no error given"))
        }
        RestorePhase::Cancelled => "cancelled".to_string(),
        RestorePhase::Discarded => "discarded: its spoke torn down".to_string(),
        other => format!("still running ({})", other.label().replace('_', " ")),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataLoss {
    /// Changes after this instant are not in the restore: the point's database dump start.
    pub since: Option<DateTime<Utc>>,
    /// From that instant to the restore's request.
    pub before_request_seconds: Option<i64>,
    pub words: String,
}

pub(super) fn data_loss(facts: &Facts) -> DataLoss {
    let r = &facts.restore;
    let point = match &facts.point {
        Ok(point) => point,
        Err(why) => {
            return DataLoss {
                since: None,
                before_request_seconds: None,
                words: format!("Not known: the point's time could not be read ({why})."),
            };
        }
    };
    // The dump is the database as it was when it started; the volume snapshot is within the
    // coherence skew of it.
    let since = point.database.started_at.unwrap_or(point.taken_at);
    let before = r.requested_at - since;
    let relative = if before >= chrono::Duration::zero() {
        format!("{} before the restore was asked for", duration(before))
    } else {
        // A control plane's clock ahead of the one that stamped the request.
        format!("{} after the restore was asked for", duration(-before))
    };
    let mut words = format!(
        "Changes made after {} are not in it ({relative}, at {}).",
        when(since),
        when(r.requested_at)
    );
    if let Some(asked) = facts.request.as_ref().and_then(|q| q.point_in_time)
        && asked > since
    {
        words.push_str(&format!(
            " The ticket asked for the site as at {}: the {} between the point and that are \
             not in it either.",
            when(asked),
            duration(asked - since)
        ));
    }
    words.push(' ');
    words.push_str(&match (&r.purpose, &r.mode) {
        (RestorePurpose::Drill, _) => {
            "A drill: nobody was pointed at it, so no customer lost anything.".to_string()
        }
        (_, RestoreMode::Overwrite) => "The overwrite put the tenant back as it was then: \
                                        what was written on the live site after that was \
                                        replaced."
            .to_string(),
        _ => users_since(facts.swaps.as_deref().unwrap_or_default()),
    });
    DataLoss {
        since: Some(since),
        before_request_seconds: Some(before.num_seconds()),
        words,
    }
}

/// A new spoke: which site users are on, by its DNS swaps, and so what they lost.
fn users_since(swaps: &[DnsSwap]) -> String {
    let last = swaps.iter().max_by_key(|s| s.requested_at);
    match last.map(|s| (&s.phase, s)) {
        Some((DnsPhase::Verified | DnsPhase::Propagating, s)) => format!(
            "DNS was swapped to the restored spoke at {} ({}): what was written on the \
             original spoke between the point and then is not on the site users now reach \
             (the original spoke still holds it).",
            when(s.updated_at),
            s.id
        ),
        Some((DnsPhase::RolledBack, s)) => format!(
            "DNS was swapped to the restored spoke and rolled back ({}, {}): users are on the \
             original spoke, which kept what came after the point.",
            s.id,
            when(s.updated_at)
        ),
        _ => "Users are still on the original spoke, which kept what came after the point; \
              they reach the restored one once DNS is swapped to it."
            .to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecksPart {
    /// `None`: the control plane reported none.
    pub control_plane: Option<Vec<CheckLine>>,
    pub control_plane_words: String,
    pub snapdeck: Vec<CheckLine>,
    pub snapdeck_verdict: Option<Verdict>,
    pub snapdeck_words: String,
}

pub(super) fn checks(facts: &Facts, journaled: &Journaled) -> ChecksPart {
    let r = &facts.restore;
    let theirs: Option<Vec<CheckLine>> = r.verification.as_ref().map(|checks| {
        checks
            .iter()
            .filter(|c| !c.name.starts_with(OWN_PREFIX))
            .map(line_of)
            .collect()
    });
    let control_plane_words = match &theirs {
        Some(lines) if !lines.is_empty() => tally(lines),
        Some(_) => "none reported".to_string(),
        None if r.phase.is_active() && !r.phase.can_confirm() => {
            "none yet: the restore has not reached its verification".to_string()
        }
        None => "none reported".to_string(),
    };
    let (snapdeck, snapdeck_verdict, snapdeck_words) = own(facts, journaled);
    ChecksPart {
        control_plane: theirs,
        control_plane_words,
        snapdeck,
        snapdeck_verdict,
        snapdeck_words,
    }
}

/// snapdeck's own checks: as journaled with the confirmation or the drill's result, else as
/// the dashboard holds them, else why there are none.
fn own(facts: &Facts, journaled: &Journaled) -> (Vec<CheckLine>, Option<Verdict>, String) {
    let drill_own: Option<Vec<CheckLine>> = journaled.findings.as_ref().map(|f| {
        f.checks
            .iter()
            .filter_map(|c| {
                let name = c.name.strip_prefix(OWN_PREFIX)?;
                let mut line = line_of(c);
                line.name = name.to_string();
                Some(line)
            })
            .collect()
    });
    if let Some(lines) = drill_own.filter(|l| !l.is_empty()) {
        let worst = lines.iter().map(|l| l.verdict).max();
        let words = format!("{}, recorded with the drill's result", tally(&lines));
        return (lines, worst, words);
    }
    let (recorded, whence) = match (&journaled.own_checks, &facts.own_checks_held) {
        (Some(own), _) => (own, "journaled with the confirmation"),
        (None, Some(own)) => (
            own,
            "as this dashboard checked them; not journaled until the restore is confirmed",
        ),
        (None, None) => {
            let why = if facts.restore.purpose == RestorePurpose::Drill {
                "none recorded: the drill ran without [verify] in its config"
            } else {
                "none recorded: they run with [verify] in the config and are journaled with a \
                 confirmation sent from this machine"
            };
            return (Vec::new(), None, why.to_string());
        }
    };
    match recorded {
        OwnChecks::Ran { verdict, checks } => {
            let words = format!("{} {}, {}", mark(*verdict), verdict.word(), whence);
            (checks.clone(), Some(*verdict), words)
        }
        OwnChecks::CouldNotRun(why) => (
            Vec::new(),
            Some(Verdict::CouldNotCheck),
            format!("could not run ({why}); {whence}"),
        ),
        OwnChecks::NotFinished => (
            Vec::new(),
            None,
            format!("had not finished when the restore was confirmed; {whence}"),
        ),
    }
}

/// "3 of 4 passed", counting every verdict that is not a pass apart.
fn tally(lines: &[CheckLine]) -> String {
    let passed = lines
        .iter()
        .filter(|l| l.verdict == Verdict::Passed)
        .count();
    format!("{passed} of {} passed", lines.len())
}

fn line_of(check: &VerificationCheck) -> CheckLine {
    let (verdict, detail) = match &check.status {
        CheckStatus::Passed => (Verdict::Passed, check.detail.clone()),
        CheckStatus::Warning => (Verdict::Warning, check.detail.clone()),
        CheckStatus::Failed => (Verdict::Failed, check.detail.clone()),
        // A status this build does not know is not taken for a pass.
        CheckStatus::Unknown(raw) => (
            Verdict::CouldNotCheck,
            format!("status {raw:?}: {}", check.detail),
        ),
    };
    CheckLine {
        name: check.name.clone(),
        verdict,
        detail,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrillPart {
    pub result: Option<String>,
    pub summary: Option<String>,
    /// When it was recorded, on the control plane's word.
    pub recorded_at: Option<DateTime<Utc>>,
    pub restore_duration_seconds: Option<i64>,
    pub words: String,
}

pub(super) fn drill_result(facts: &Facts, journaled: &Journaled) -> DrillPart {
    if let Some(record) = &facts.drill_record {
        let d = &record.drill;
        return DrillPart {
            result: Some(d.result.as_str().to_string()),
            summary: Some(d.summary.to_string()),
            recorded_at: Some(d.finished_at),
            restore_duration_seconds: d.restore_duration_seconds,
            words: format!(
                "{} {}: {} (recorded on the control plane at {})",
                d.result.glyph(),
                d.result,
                d.summary,
                when(d.finished_at)
            ),
        };
    }
    match &journaled.findings {
        Some(f) => DrillPart {
            result: Some(f.result.as_str().to_string()),
            summary: Some(f.summary.clone()),
            recorded_at: None,
            restore_duration_seconds: f.restore_duration_seconds,
            words: format!(
                "{} {}: {} (sent from this machine, per the journal; the control plane lists \
                 no record of it)",
                f.result.glyph(),
                f.result,
                f.summary
            ),
        },
        None => DrillPart {
            result: None,
            summary: None,
            recorded_at: None,
            restore_duration_seconds: None,
            words: "no result recorded: the drill did not get that far (stopped, or its \
                    restore never became ready)"
                .to_string(),
        },
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DnsPart {
    /// `None`: the source lists no DNS swaps at all.
    pub swaps: Option<Vec<SwapPart>>,
    pub words: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwapPart {
    pub id: String,
    pub hostname: String,
    pub from_target: String,
    pub to_target: String,
    pub ttl_seconds: u32,
    pub phase: String,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub error: Option<String>,
    /// How it stands and what resolvers may still answer.
    pub words: String,
}

pub(super) fn dns(facts: &Facts) -> DnsPart {
    let r = &facts.restore;
    let Some(swaps) = &facts.swaps else {
        return DnsPart {
            swaps: None,
            words: "not known: the source does not list DNS swaps (the journal below has any \
                    sent from this machine)"
                .to_string(),
        };
    };
    let words = match (swaps.is_empty(), &r.purpose, &r.mode) {
        (false, ..) => format!(
            "{} for this restore",
            crate::domain::humanize::count(swaps.len(), "swap")
        ),
        (true, RestorePurpose::Drill, _) => "none: a drill never swaps DNS".to_string(),
        (true, _, RestoreMode::Overwrite) => {
            "none: an overwrite keeps the tenant's own hostname and spoke".to_string()
        }
        (true, ..) => format!(
            "none: the hostname still points at the original spoke, not at `{}`",
            r.target_slug
        ),
    };
    DnsPart {
        swaps: Some(swaps.iter().map(|s| swap(s, facts.now)).collect()),
        words,
    }
}

fn swap(s: &DnsSwap, now: DateTime<Utc>) -> SwapPart {
    let ttl = chrono::Duration::seconds(i64::from(s.ttl_seconds));
    let asked = format!(
        "{}: {} → {} (was {}), TTL {}; asked for at {}",
        s.id,
        s.hostname,
        s.to_target,
        s.from_target,
        duration(ttl),
        when(s.requested_at)
    );
    let stands = match &s.phase {
        DnsPhase::Verified => format!(
            "propagated and verified at {}, {} after it was asked for",
            when(s.updated_at),
            duration(s.updated_at - s.requested_at)
        ),
        DnsPhase::Propagating => match s.ttl_left(now) {
            Some(left) if left > chrono::Duration::zero() => format!(
                "propagating since {}: resolvers that cached the old answer may serve it for \
                 {} more",
                when(s.updated_at),
                duration(left)
            ),
            _ => format!(
                "propagating since {}: one TTL has passed, not yet verified",
                when(s.updated_at)
            ),
        },
        DnsPhase::Failed => format!(
            "failed at {}: {}",
            when(s.updated_at),
            s.error.as_deref().unwrap_or("no error given")
        ),
        DnsPhase::RolledBack => format!(
            "rolled back at {}: {} points at {} again",
            when(s.updated_at),
            s.hostname,
            s.from_target
        ),
        other => format!("{} since {}", other.label(), when(s.updated_at)),
    };
    SwapPart {
        id: s.id.to_string(),
        hostname: s.hostname.clone(),
        from_target: s.from_target.clone(),
        to_target: s.to_target.clone(),
        ttl_seconds: s.ttl_seconds,
        phase: s.phase.as_str().to_string(),
        requested_at: s.requested_at,
        updated_at: s.updated_at,
        error: s.error.clone(),
        words: format!("{asked}; {stands}"),
    }
}

fn non_empty(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// A check's line as the report lists it: "✓ passed — database: row counts match".
pub(super) fn check_words(line: &CheckLine) -> String {
    format!(
        "{} {} — {}: {}",
        mark(line.verdict),
        line.verdict.word(),
        line.name,
        line.detail
    )
}
