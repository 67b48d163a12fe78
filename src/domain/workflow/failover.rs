//! A failover batch as a workflow (DESIGN.md, "Region outage mode"): up to N restores at once
//! in the plan's order, followed with one walk of the batch's restores per interval, checked
//! at awaiting confirmation, confirmed and swapped when a person (or `--confirm-passed`,
//! `--swap-dns`) says so. The rules, once, for `snapdeck failover` and the dashboard:
//! - a launch that may not have arrived is sent again with the same key, later and later,
//!   and holds back every new launch meanwhile: a 429 storm slows the batch, never drops a
//!   tenant;
//! - a failed restore is launched again only when asked (a new key);
//! - a stop launches nothing new and leaves every running restore running: they are wanted;
//! - a restore of the batch found in its list is adopted, whoever launched it: a resumed
//!   batch never launches a tenant twice.

mod member;
mod totals;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, Utc};

use super::{Event, Write};
use crate::domain::failover::projection::clock;
use crate::domain::restore::{Restore, RestorePhase};
use crate::domain::tenant::{RestoreId, TenantId};
pub use member::{Member, Stage};
pub use totals::Totals;

/// How often, in ticks, the batch's restores are listed (one walk of `GET /restores?batch=`).
pub const LIST_EVERY_TICKS: u64 = 5;
/// The longest wait, in ticks, before a launch that may not have arrived goes again.
const RESEND_CAP_TICKS: u64 = 60;

#[derive(Debug, Clone, PartialEq)]
pub struct BatchSpec {
    /// `fo_…`: every restore of the batch carries it.
    pub batch: String,
    pub region: String,
    pub parallel: usize,
    /// Restores are back by this to keep their RTO (the outage's start + 4 h).
    pub deadline: DateTime<Utc>,
    /// snapdeck's own checks run at awaiting confirmation.
    pub verify: bool,
    /// Confirm, without a person, every restore whose checks all passed.
    pub confirm_passed: bool,
    /// Swap DNS, without a person, for every confirmed restore.
    pub swap_dns: bool,
}

/// What a batch wants done next.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchWant {
    /// Journal and send this write for this member (again: the same write, the same key).
    Send { tenant: TenantId, write: Write },
    /// List the batch's restores (`GET /restores?batch=`, every page).
    List,
    /// Run snapdeck's own checks on this member's restore.
    Check {
        tenant: TenantId,
        restore: RestoreId,
    },
}

/// What happened to a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchEvent {
    /// Something happened to one member's write or checks.
    Member {
        tenant: TenantId,
        event: Box<Event>,
    },
    /// The batch's restores as listed at `at` (the source's clock).
    Listed {
        restores: Vec<Restore>,
        at: DateTime<Utc>,
    },
    /// The list could not be read: read again at the next interval.
    ListFailed(String),
    /// The restores some DNS swap points at, or is on its way to (the source's swaps list):
    /// a resumed batch cannot tell a swapped restore from a confirmed one by the restore.
    Swapped(Vec<RestoreId>),
    Tick,
    /// Launch nothing new; leave running restores running.
    Stop,
    /// A person: confirm every restore awaiting confirmation whose checks all passed.
    ConfirmPassed,
    /// A person, who typed its slug: confirm this one whatever its checks said.
    ConfirmOne(TenantId),
    /// A person: swap DNS for every confirmed restore.
    SwapConfirmed,
    /// A person: launch this failed one again (a new key).
    Retry(TenantId),
    /// A person: leave this waiting one out.
    Drop(TenantId),
    /// A person: this many at once from now.
    Parallel(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchFlow {
    pub spec: BatchSpec,
    /// In the plan's order: launched in this order.
    pub members: Vec<Member>,
    pub stopping: bool,
    /// Why the last list could not be read.
    pub list_failing: Option<String>,
    /// The source's clock when the batch was last listed.
    pub listed_at: Option<DateTime<Utc>>,
    ticks: u64,
}

impl BatchFlow {
    /// A batch of `members`, nothing launched yet: the first wants launch the first N (and
    /// list the batch first, so a resumed batch adopts what already left).
    pub fn new(spec: BatchSpec, members: Vec<Member>) -> (Self, Vec<BatchWant>) {
        let flow = BatchFlow {
            spec,
            members,
            stopping: false,
            list_failing: None,
            listed_at: None,
            ticks: 0,
        };
        (flow, vec![BatchWant::List])
    }

    /// Nothing more happens without a person, or it was stopped and nothing is in flight.
    pub fn is_done(&self) -> bool {
        let in_flight = self.members.iter().any(|m| m.sending.is_some());
        if self.stopping {
            return !in_flight;
        }
        self.members.iter().all(|m| m.stage.is_settled()) && !in_flight
    }

    pub fn member(&self, tenant: &TenantId) -> Option<&Member> {
        self.members.iter().find(|m| &m.tenant == tenant)
    }

    /// Moves the batch on by `event`: what it wants done next.
    pub fn step(&mut self, event: BatchEvent) -> Vec<BatchWant> {
        let mut wants = match event {
            BatchEvent::Member { tenant, event } => self.member_event(&tenant, *event),
            BatchEvent::Listed { restores, at } => self.listed(restores, at),
            BatchEvent::ListFailed(why) => {
                self.list_failing = Some(why);
                Vec::new()
            }
            BatchEvent::Tick => self.tick(),
            BatchEvent::Swapped(restores) => {
                for m in self.members.iter_mut() {
                    let swapped = m.restore.as_ref().is_some_and(|r| restores.contains(&r.id));
                    if swapped && matches!(m.stage, Stage::Confirmed | Stage::Swapping) {
                        m.stage = Stage::Swapped;
                        m.sending = None;
                        m.resend_at = None;
                        m.note = None;
                    }
                }
                Vec::new()
            }
            BatchEvent::Stop => {
                self.stopping = true;
                Vec::new()
            }
            BatchEvent::ConfirmPassed => {
                let verify = self.spec.verify;
                self.confirm_where(Asker::Person, |m| m.checks_passed(verify))
            }
            BatchEvent::ConfirmOne(tenant) => {
                self.confirm_where(Asker::Person, |m| m.tenant == tenant)
            }
            BatchEvent::SwapConfirmed => self.swap_confirmed(Asker::Person),
            BatchEvent::Retry(tenant) => {
                if let Some(m) = self
                    .member_mut(&tenant)
                    .filter(|m| m.stage == Stage::Failed)
                {
                    m.stage = Stage::Waiting;
                    m.note = None;
                    m.retired.extend(m.restore.take().map(|r| r.id));
                    m.checks = None;
                }
                Vec::new()
            }
            BatchEvent::Drop(tenant) => {
                if let Some(m) = self
                    .member_mut(&tenant)
                    .filter(|m| m.stage == Stage::Waiting)
                {
                    m.stage = Stage::Dropped;
                }
                Vec::new()
            }
            BatchEvent::Parallel(n) => {
                self.spec.parallel = n.max(1);
                Vec::new()
            }
        };
        wants.extend(self.automatic());
        wants.extend(self.launch_more());
        wants
    }

    fn member_mut(&mut self, tenant: &TenantId) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| &m.tenant == tenant)
    }

    /// Launches the next waiting members while fewer than N hold a slot, unless a launch
    /// that may not have arrived is still owed.
    fn launch_more(&mut self) -> Vec<BatchWant> {
        // Until the batch was listed once, a resumed batch does not know what already left.
        if self.stopping || self.listed_at.is_none() {
            return Vec::new();
        }
        let owed = self
            .members
            .iter()
            .any(|m| m.stage == Stage::Launching && m.resend_at.is_some());
        if owed {
            return Vec::new();
        }
        let mut free = self.spec.parallel.saturating_sub(
            self.members
                .iter()
                .filter(|m| m.stage.holds_a_slot())
                .count(),
        );
        let mut wants = Vec::new();
        for m in self
            .members
            .iter_mut()
            .filter(|m| m.stage == Stage::Waiting)
        {
            if free == 0 {
                break;
            }
            free -= 1;
            m.stage = Stage::Launching;
            m.launches += 1;
            m.note = None;
            let write = Write::Launch {
                tenant: m.tenant.clone(),
                slug: m.slug.clone(),
                request: Box::new(m.request.clone()),
            };
            wants.push(send(m, write));
        }
        wants
    }

    /// `--confirm-passed` and `--swap-dns`: what a person would have asked for.
    fn automatic(&mut self) -> Vec<BatchWant> {
        let mut wants = Vec::new();
        if self.spec.confirm_passed {
            let verify = self.spec.verify;
            wants.extend(self.confirm_where(Asker::Rule, |m| m.checks_passed(verify)));
        }
        if self.spec.swap_dns {
            wants.extend(self.swap_confirmed(Asker::Rule));
        }
        wants
    }

    fn confirm_where(&mut self, asker: Asker, which: impl Fn(&Member) -> bool) -> Vec<BatchWant> {
        let batch = self.spec.batch.clone();
        let mut wants = Vec::new();
        for m in self.members.iter_mut() {
            if m.stage != Stage::Awaiting || !asker.may(m) || !which(m) {
                continue;
            }
            let Some(restore) = m.restore.as_ref().map(|r| r.id.clone()) else {
                continue;
            };
            m.stage = Stage::Confirming;
            let notes = format!("failover {batch}: {}", m.checks_words());
            wants.push(send(m, Write::Confirm { restore, notes }));
        }
        wants
    }

    fn swap_confirmed(&mut self, asker: Asker) -> Vec<BatchWant> {
        let mut wants = Vec::new();
        for m in self.members.iter_mut() {
            if m.stage != Stage::Confirmed || !asker.may(m) {
                continue;
            }
            let Some(restore) = m.restore.as_ref().map(|r| r.id.clone()) else {
                continue;
            };
            m.stage = Stage::Swapping;
            let write = Write::Swap {
                tenant: m.tenant.clone(),
                slug: m.slug.clone(),
                restore,
            };
            wants.push(send(m, write));
        }
        wants
    }

    fn tick(&mut self) -> Vec<BatchWant> {
        self.ticks += 1;
        let mut wants = Vec::new();
        for m in self.members.iter_mut() {
            if m.resend_at.is_some_and(|at| at <= self.ticks)
                && let Some((write, sends)) = &mut m.sending
            {
                *sends += 1;
                m.resend_at = None;
                wants.push(BatchWant::Send {
                    tenant: m.tenant.clone(),
                    write: write.clone(),
                });
            }
        }
        let followed = self.members.iter().any(|m| {
            matches!(
                m.stage,
                Stage::Running | Stage::Launching | Stage::Confirming
            )
        });
        if followed && self.ticks.is_multiple_of(LIST_EVERY_TICKS) {
            wants.push(BatchWant::List);
        }
        wants
    }

    fn member_event(&mut self, tenant: &TenantId, event: Event) -> Vec<BatchWant> {
        let ticks = self.ticks;
        let verify = self.spec.verify;
        let Some(m) = self.member_mut(tenant) else {
            return Vec::new();
        };
        match event {
            Event::Answered { restore, at } => {
                m.sending = None;
                m.resend_at = None;
                answered(m, restore, at, verify)
            }
            Event::Refused(why) | Event::Unjournaled(why) => {
                m.sending = None;
                m.resend_at = None;
                m.held = true;
                m.note = Some(why);
                m.stage = match m.stage {
                    Stage::Launching => Stage::Failed,
                    Stage::Confirming => Stage::Awaiting,
                    Stage::Swapping => Stage::Confirmed,
                    ref other => other.clone(),
                };
                Vec::new()
            }
            Event::Undeliverable(why) => {
                let sends = m.sending.as_ref().map_or(1, |(_, n)| *n);
                // 2, 4, 8… ticks, at most a minute: the control plane is asking us to wait.
                let wait = 2u64.saturating_pow(sends.min(6)).min(RESEND_CAP_TICKS);
                m.resend_at = Some(ticks + wait);
                m.note = Some(format!("{why}; sending again in {wait} s"));
                Vec::new()
            }
            Event::Checked(checks) => {
                if m.stage == Stage::Checking {
                    m.checks = checks;
                    m.stage = Stage::Awaiting;
                }
                Vec::new()
            }
            Event::Observed { restore, at } => observe(m, restore, at, verify),
            Event::ReadFailed | Event::Tick | Event::Stop => Vec::new(),
        }
    }

    /// The batch's list: each restore goes to its member, by id, or by tenant for a member
    /// whose launch has not been answered (a resumed batch, a launch answered too late).
    fn listed(&mut self, mut restores: Vec<Restore>, at: DateTime<Utc>) -> Vec<BatchWant> {
        // Newest first: a tenant launched again after a failure is its newest restore, and
        // a resumed batch must not take the old failure for it.
        restores.sort_by_key(|r| std::cmp::Reverse(r.requested_at));
        self.list_failing = None;
        self.listed_at = Some(at);
        let verify = self.spec.verify;
        let mut wants = Vec::new();
        for restore in restores {
            let known = |m: &&mut Member| m.restore.as_ref().is_some_and(|r| r.id == restore.id);
            // A resumed batch adopts a failed restore as failed; a retry's launch does not
            // take its own earlier failure for its answer.
            let adoptable = |m: &Member| {
                m.tenant == restore.tenant_id
                    && !m.retired.contains(&restore.id)
                    && (m.stage == Stage::Waiting
                        || (m.stage == Stage::Launching && restore.phase.is_active()))
            };
            let idx = self
                .members
                .iter_mut()
                .position(|m| known(&m))
                .or_else(|| self.members.iter().position(adoptable));
            if let Some(m) = idx.and_then(|i| self.members.get_mut(i)) {
                if m.stage == Stage::Waiting {
                    m.launches = m.launches.max(1);
                }
                if m.stage == Stage::Launching && m.restore.is_none() {
                    // Its launch arrived: whatever answer is owed, the restore exists.
                    m.sending = None;
                    m.resend_at = None;
                    m.stage = Stage::Running;
                }
                if m.stage == Stage::Waiting {
                    m.stage = Stage::Running;
                }
                wants.extend(observe(m, restore, at, verify));
            }
        }
        wants
    }

    /// "all back by 07:40 UTC, 3 past the RTO (07:12 UTC)", of `projected` (`Self::projected`).
    pub fn projected_words(&self, projected: Option<(DateTime<Utc>, usize)>) -> String {
        let deadline = self.spec.deadline;
        match projected {
            None => "nothing left to restore".into(),
            Some((last, 0)) => format!("all back by {} UTC, within the RTO", clock(last, deadline)),
            Some((last, past)) => format!(
                "all back by {} UTC, {past} past the RTO ({} UTC)",
                clock(last, deadline),
                deadline.format("%H:%M")
            ),
        }
    }

    /// When the batch is expected to be all back, from what is known now: the running ones
    /// for what is left of their estimate, then the waiting ones N at a time.
    pub fn projected(&self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, usize)> {
        let mut slots: Vec<DateTime<Utc>> = Vec::new();
        let mut ends: Vec<DateTime<Utc>> = Vec::new();
        for m in &self.members {
            if m.stage.holds_a_slot() {
                let started = m.restore.as_ref().map_or(now, |r| r.requested_at);
                let end = (started + m.estimate).max(now + Duration::minutes(1));
                slots.push(end);
                ends.push(end);
            }
        }
        slots.sort();
        let parallel = self.spec.parallel.max(1);
        for m in self.members.iter().filter(|m| m.stage == Stage::Waiting) {
            let start = if slots.len() < parallel {
                now
            } else {
                slots.remove(0)
            };
            let end = start + m.estimate;
            let at = slots.partition_point(|s| *s <= end);
            slots.insert(at, end);
            ends.push(end);
        }
        let last = ends.iter().max().copied()?;
        let past = ends.iter().filter(|e| **e > self.spec.deadline).count();
        Some((last, past))
    }
}

/// Who asks for a confirm or a swap: a person (again, after a refusal), or the batch's own
/// `--confirm-passed` / `--swap-dns`, which never insists on a write refused once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asker {
    Person,
    Rule,
}

impl Asker {
    fn may(self, m: &Member) -> bool {
        m.sending.is_none() && (self == Asker::Person || !m.held)
    }
}

fn send(m: &mut Member, write: Write) -> BatchWant {
    m.held = false;
    m.sending = Some((write.clone(), 1));
    m.resend_at = None;
    BatchWant::Send {
        tenant: m.tenant.clone(),
        write,
    }
}

/// A write about `m` was done: the restore as it left it (a swap answers without one).
fn answered(
    m: &mut Member,
    restore: Option<Restore>,
    at: DateTime<Utc>,
    verify: bool,
) -> Vec<BatchWant> {
    match m.stage {
        Stage::Swapping => {
            m.stage = Stage::Swapped;
            Vec::new()
        }
        Stage::Confirming => {
            m.stage = Stage::Confirmed;
            if let Some(r) = restore {
                m.restore = Some(r);
                m.seen_at = Some(at);
            }
            Vec::new()
        }
        Stage::Launching => {
            m.stage = Stage::Running;
            match restore {
                Some(r) => observe(m, r, at, verify),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// `m`'s restore as seen at `at`: older news than what it has is ignored.
fn observe(m: &mut Member, restore: Restore, at: DateTime<Utc>, verify: bool) -> Vec<BatchWant> {
    if m.seen_at.is_some_and(|seen| seen > at) {
        return Vec::new();
    }
    m.seen_at = Some(at);
    let phase = restore.phase.clone();
    let id = restore.id.clone();
    let error = restore.error.clone();
    m.restore = Some(restore);
    match phase {
        RestorePhase::AwaitingConfirmation if m.stage == Stage::Running => {
            if verify {
                m.stage = Stage::Checking;
                vec![BatchWant::Check {
                    tenant: m.tenant.clone(),
                    restore: id,
                }]
            } else {
                m.stage = Stage::Awaiting;
                Vec::new()
            }
        }
        RestorePhase::Completed
            if matches!(
                m.stage,
                Stage::Running | Stage::Checking | Stage::Awaiting | Stage::Confirming
            ) =>
        {
            m.stage = Stage::Confirmed;
            m.sending = None;
            Vec::new()
        }
        RestorePhase::Failed | RestorePhase::Cancelled | RestorePhase::Discarded
            if !matches!(m.stage, Stage::Failed | Stage::Swapped | Stage::Dropped) =>
        {
            m.stage = Stage::Failed;
            m.sending = None;
            m.note = Some(error.unwrap_or_else(|| format!("its restore was {}", phase.as_str())));
            Vec::new()
        }
        _ => Vec::new(),
    }
}
