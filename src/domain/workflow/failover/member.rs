//! One tenant of a failover batch: where its restore is, what it is waiting for.

use chrono::{DateTime, Duration, Utc};

use crate::domain::restore::{CheckStatus, CreateRestore, Restore, RestorePhase};
use crate::domain::tenant::{RestoreId, TenantId};
use crate::domain::verify::{Check, Verdict, overall};
use crate::domain::workflow::Write;

/// Where a member is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Not launched yet: it waits for a free slot.
    Waiting,
    /// Its restore is asked for.
    Launching,
    /// Its restore is under way on the platform (queued or restoring).
    Running,
    /// Awaiting confirmation: snapdeck's own checks run.
    Checking,
    /// Awaiting a person (or `--confirm-passed`).
    Awaiting,
    Confirming,
    Confirmed,
    /// Its DNS swap is asked for.
    Swapping,
    Swapped,
    /// Its restore failed, was cancelled or discarded, or its launch was refused.
    Failed,
    /// Left out by the operator before it launched.
    Dropped,
}

impl Stage {
    pub fn word(&self) -> &'static str {
        match self {
            Stage::Waiting => "waiting",
            Stage::Launching => "launching",
            Stage::Running => "restoring",
            Stage::Checking => "checking",
            Stage::Awaiting => "awaiting you",
            Stage::Confirming => "confirming",
            Stage::Confirmed => "confirmed",
            Stage::Swapping => "swapping DNS",
            Stage::Swapped => "swapped",
            Stage::Failed => "failed",
            Stage::Dropped => "dropped",
        }
    }

    /// Its restore holds one of the N slots: it is asked for or under way.
    pub fn holds_a_slot(&self) -> bool {
        matches!(self, Stage::Launching | Stage::Running)
    }

    /// Nothing more happens to it without a person.
    pub fn is_settled(&self) -> bool {
        matches!(
            self,
            Stage::Awaiting | Stage::Confirmed | Stage::Swapped | Stage::Failed | Stage::Dropped
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub tenant: TenantId,
    pub slug: String,
    pub request: CreateRestore,
    /// The plan's estimate of its restore.
    pub estimate: Duration,
    pub stage: Stage,
    pub restore: Option<Restore>,
    /// When its restore was last seen so (the source's clock).
    pub seen_at: Option<DateTime<Utc>>,
    /// snapdeck's own checks (`None`: not run, or no `[verify]`).
    pub checks: Option<Vec<Check>>,
    /// The last thing that went wrong with it, in words.
    pub note: Option<String>,
    /// How many times it was launched (a retry launches it again, with a new key).
    pub launches: u32,
    /// Its last write was refused: nothing is sent for it again without a person.
    pub held: bool,
    /// Its earlier restores, failed and launched again: never taken for its current one.
    pub retired: Vec<RestoreId>,
    /// The write in flight and how many times it went.
    pub(super) sending: Option<(Write, u32)>,
    /// Its write may not have arrived: sent again at `resend_at` (a tick count).
    pub(super) resend_at: Option<u64>,
}

impl Member {
    pub fn new(tenant: TenantId, slug: String, request: CreateRestore, estimate: Duration) -> Self {
        Member {
            tenant,
            slug,
            request,
            estimate,
            stage: Stage::Waiting,
            restore: None,
            seen_at: None,
            checks: None,
            note: None,
            launches: 0,
            retired: Vec::new(),
            held: false,
            sending: None,
            resend_at: None,
        }
    }

    /// Every check passed, the control plane's and, when `verify` (`[verify]` is set),
    /// snapdeck's own: it may be confirmed with the others. Own checks that did not run or
    /// could not check are not a pass: that one is confirmed alone.
    pub fn checks_passed(&self, verify: bool) -> bool {
        let platform = self
            .restore
            .as_ref()
            .is_some_and(Restore::checks_all_passed);
        let own = self
            .checks
            .as_ref()
            .is_some_and(|c| !c.is_empty() && overall(c) == Verdict::Passed);
        platform && (own || !verify)
    }

    /// "4 of 4 passed" over both kinds of check, or "not checked".
    pub fn checks_words(&self) -> String {
        let platform = self
            .restore
            .as_ref()
            .and_then(|r| r.verification.as_ref())
            .map(|v| {
                let passed = v.iter().filter(|c| c.status == CheckStatus::Passed).count();
                (passed, v.len())
            })
            .unwrap_or((0, 0));
        let own = self
            .checks
            .as_ref()
            .map(|c| {
                let passed = c.iter().filter(|c| c.verdict == Verdict::Passed).count();
                (passed, c.len())
            })
            .unwrap_or((0, 0));
        let (passed, total) = (platform.0 + own.0, platform.1 + own.1);
        if total == 0 {
            return match self.stage {
                Stage::Checking => "checking…".into(),
                _ => "—".into(),
            };
        }
        format!("{passed} of {total} passed")
    }

    /// Its state in a word, "queued" for a restore launched but not started.
    pub fn state_word(&self) -> &'static str {
        match (&self.stage, self.phase()) {
            (Stage::Running, Some(RestorePhase::Queued)) => "queued",
            (stage, _) => stage.word(),
        }
    }

    /// How far its restore is: "42% restoring volume", "restored", "—".
    pub fn progress_words(&self) -> String {
        let Some(phase) = self.phase() else {
            return "—".into();
        };
        match phase {
            RestorePhase::AwaitingConfirmation | RestorePhase::Completed => "restored".into(),
            RestorePhase::Queued => "queued".into(),
            p if p.is_active() => match self.progress() {
                Some(done) => format!("{:.0}% {}", done * 100.0, p.label().replace('_', " ")),
                None => p.label().replace('_', " "),
            },
            p => p.label().replace('_', " "),
        }
    }

    /// Its restore's phase, when it has one.
    pub fn phase(&self) -> Option<&RestorePhase> {
        self.restore.as_ref().map(|r| &r.phase)
    }

    /// Its restore's progress (0–1) over its steps, when it reports them.
    pub fn progress(&self) -> Option<f64> {
        let r = self.restore.as_ref()?;
        if r.steps.is_empty() {
            return None;
        }
        let done: f64 = r
            .steps
            .iter()
            .map(|s| match s.status.as_str() {
                "succeeded" | "skipped" => 1.0,
                _ => s.progress.unwrap_or(0.0).clamp(0.0, 1.0),
            })
            .sum();
        Some(done / r.steps.len() as f64)
    }
}
