//! Restore drills (DESIGN.md, "Restore drills"): a `new_spoke` restore into
//! `<slug>-drill-<yyyymmdd>`, watched to `awaiting_confirmation`, verified, its result
//! recorded, then discarded. This module holds what is pure about them: the slug, which
//! tenants are drilled first, and how a drill's checks make its result.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::ids::TenantId;
use super::restore::{CheckStatus, Restore, RestorePhase, VerificationCheck, free_slug};
use super::tenant::{Tenant, TenantState, Tier};
use super::verify::{Check, Verdict};

pub use super::last_drill::{DrillResult, LastDrill};

/// Which point a drill restores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointChoice {
    /// The newest point that can be restored.
    Latest,
    /// Any restorable point within the retention window, so that old points are tested too.
    Random,
}

/// One past drill, as `GET /drills` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillRecord {
    pub tenant_id: TenantId,
    #[serde(flatten)]
    pub drill: LastDrill,
    #[serde(default)]
    pub checks: Vec<VerificationCheck>,
}

/// `POST /restores/{id}/drill-result`: what the drill found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillFindings {
    pub result: DrillResult,
    pub summary: String,
    #[serde(default)]
    pub checks: Vec<VerificationCheck>,
    #[serde(default)]
    pub restore_duration_seconds: Option<i64>,
    #[serde(default)]
    pub verified_by: String,
}

/// `<slug>-drill-<yyyymmdd>`, the UTC day the drill is launched.
pub fn drill_slug(original_slug: &str, at: DateTime<Utc>) -> String {
    format!("{original_slug}-drill-{}", at.format("%Y%m%d"))
}

/// `drill_slug`, or the first `-2`, `-3` … after it that is not `taken`.
pub fn free_drill_slug(
    original_slug: &str,
    at: DateTime<Utc>,
    taken: impl Fn(&str) -> bool,
) -> String {
    free_slug(drill_slug(original_slug, at), taken)
}

/// Whether `slug` is a drill's target of `original_slug`: `<original>-drill-<8 digits>`,
/// perhaps with `-N`. A drill never touches anything else.
pub fn is_drill_of(slug: &str, original_slug: &str) -> bool {
    let Some(rest) = slug
        .strip_prefix(original_slug)
        .and_then(|r| r.strip_prefix("-drill-"))
    else {
        return false;
    };
    let (date, suffix) = rest.split_at(rest.len().min(8));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    date.len() == 8
        && digits(date)
        && (suffix.is_empty() || suffix.strip_prefix('-').is_some_and(digits))
}

/// Whether drills mean anything for the tenant: a cluster read directly knows nothing of
/// them (only the control plane records drills), and a restore's target is not a customer's
/// site to prove.
pub fn knows_drills(tenant: &Tenant) -> bool {
    tenant.cluster().is_none() && tenant.restore_of.is_none()
}

/// Why `tenant` cannot be drilled now, in words; `None` when it can.
pub fn cannot_drill(tenant: &Tenant) -> Option<String> {
    if let Some(id) = &tenant.active_restore_id {
        return Some(format!(
            "{} already has restore {id} in progress; a drill would have to wait for it",
            tenant.slug
        ));
    }
    if tenant.restore_of.is_some() {
        return Some(format!(
            "{} is itself a restore's target, not a customer's site",
            tenant.slug
        ));
    }
    if tenant.state != TenantState::Active {
        return Some(format!("{} is {}, not active", tenant.slug, tenant.state));
    }
    if tenant.backup.last_success.is_none() {
        return Some(format!(
            "{} has no successful backup to restore",
            tenant.slug
        ));
    }
    None
}

/// The `n` tenants to drill next, among those that can be: never drilled first, then the
/// longest since a passed drill (a last drill that did not pass counts as none passed),
/// Dedicated before Standard, then by slug so that the pick is the same on every run.
pub fn pick<'a>(tenants: impl IntoIterator<Item = &'a Tenant>, n: usize) -> Vec<&'a Tenant> {
    let mut eligible: Vec<&Tenant> = tenants
        .into_iter()
        .filter(|t| cannot_drill(t).is_none())
        .collect();
    let key = |t: &Tenant| {
        let last = t.backup.last_drill.as_ref();
        let drilled = last.is_some();
        let passed_at = last
            .filter(|d| d.result == DrillResult::Passed)
            .map(|d| d.finished_at);
        let failed_at = last.map(|d| d.finished_at);
        (drilled, passed_at, failed_at, t.tier != Tier::Dedicated)
    };
    eligible.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.slug.cmp(&b.slug)));
    eligible.truncate(n);
    eligible
}

/// What a drill found, ready for `drill-result`.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdicts {
    pub result: DrillResult,
    pub summary: String,
    pub checks: Vec<VerificationCheck>,
}

impl Verdicts {
    /// The `drill-result` body: the verdicts, the restore's duration, who checked it.
    pub fn findings(&self, took: Duration, operator: &str) -> DrillFindings {
        DrillFindings {
            result: self.result.clone(),
            summary: self.summary.clone(),
            checks: self.checks.clone(),
            restore_duration_seconds: Some(took.num_seconds()),
            verified_by: format!("snapdeck {} ({operator})", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// How long a drill may take before it has failed the promise: its tier's RTO (8 hours for
/// a tier snapdeck does not know).
pub fn limit_of(tier: &Tier) -> Duration {
    super::policy::TierPolicy::of(tier).map_or(Duration::hours(8), |p| p.rto.limit())
}

/// How long the restore took to be ready: to the end of its last step once it awaits
/// confirmation or failed, else until `now` (the source's clock).
pub fn took(restore: &Restore, now: DateTime<Utc>) -> Duration {
    let finished = restore.steps.iter().filter_map(|s| s.finished_at).max();
    let end = match (&restore.phase, finished) {
        (RestorePhase::AwaitingConfirmation | RestorePhase::Failed, Some(at)) => at,
        _ => now,
    };
    (end - restore.requested_at).max(Duration::zero())
}

/// How the drill went: the restore as it ended, snapdeck's own checks (none when `[verify]`
/// is not set), and whether the restore took longer than `limit` (its tier's RTO, or the
/// operator's limit). A restore that failed or ran out of time failed the drill; any check
/// failed fails it; any warning, or a check that could not run, warns.
pub fn verdicts(
    restore: &Restore,
    own: Option<&[Check]>,
    took: Duration,
    limit: Duration,
) -> Verdicts {
    let mut checks: Vec<VerificationCheck> = restore.verification.clone().unwrap_or_default();
    checks.extend(own.unwrap_or_default().iter().map(own_check));
    let failure = match restore.phase {
        RestorePhase::AwaitingConfirmation => None,
        RestorePhase::Failed => Some(format!(
            "the restore failed: {}",
            restore.error.as_deref().unwrap_or("no error given")
        )),
        ref phase if phase.is_active() => Some(format!(
            "the restore was still {} after {}, past its {} limit",
            phase.label().replace('_', " "),
            super::humanize::duration(took),
            super::humanize::duration(limit)
        )),
        ref phase => Some(format!(
            "the restore ended {phase}, not awaiting confirmation"
        )),
    };
    let late = (took > limit).then(|| {
        format!(
            "the restore took {}, longer than its {} limit",
            super::humanize::duration(took),
            super::humanize::duration(limit)
        )
    });
    let worst = |status: CheckStatus| checks.iter().find(|c| c.status == status);
    let (result, summary) = if let Some(why) = failure.or(late) {
        (DrillResult::Failed, why)
    } else if let Some(c) = worst(CheckStatus::Failed) {
        (DrillResult::Failed, format!("{}: {}", c.name, c.detail))
    } else if let Some(c) = worst(CheckStatus::Warning) {
        (DrillResult::Warning, format!("{}: {}", c.name, c.detail))
    } else {
        let n = checks.len();
        let s = if n == 1 { "" } else { "s" };
        (DrillResult::Passed, format!("{n} check{s} passed"))
    };
    Verdicts {
        result,
        summary,
        checks,
    }
}

/// One of snapdeck's own checks as the control plane keeps checks; "could not check" is a
/// warning, as nothing was proved either way (its summary says why).
fn own_check(check: &Check) -> VerificationCheck {
    let status = match check.verdict {
        Verdict::Passed => CheckStatus::Passed,
        Verdict::Failed => CheckStatus::Failed,
        Verdict::Warning | Verdict::CouldNotCheck => CheckStatus::Warning,
    };
    VerificationCheck {
        name: format!("snapdeck: {}", check.kind.title()),
        status,
        detail: check.summary.clone(),
    }
}

#[cfg(test)]
mod tests;
