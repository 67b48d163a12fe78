//! The simulator: plays the generated fleet forward in virtual time.
//!
//! Due work sits in a min-heap keyed on its instant (the next cron run of every tenant, the
//! end of every attempt in flight, every cross-region copy on its way), so advancing costs
//! O(due · log n), not O(n): a tick of a 100 000-tenant fleet touches only the tenants whose
//! run came up.

mod dns;
mod drills;
mod regions;
mod requests;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::behaviour::{Behaviour, Fault, attempt_plan, copy_latency};
use super::events::{Event, EventKind, push};
use super::generate::generate;
use super::patterns::Patterns;
use super::restores::RestorePlan;
use crate::domain::dns::DnsSwap;
use crate::domain::restore::Restore;
use crate::domain::tenant::{
    AttemptStatus, BackupSummary, CrossRegion, CrossRegionStatus, LastAttempt, LastSuccess, Tenant,
    TenantState, Tier,
};
use dns::DnsPlan;
use requests::Requests;

/// How long the stale group's cluster agent has been silent at start, unless told otherwise.
pub const DEFAULT_STALE_FOR: Duration = Duration::minutes(20);
/// The largest fleet generated; larger requests are capped (ids stay unique far beyond).
pub const MAX_TENANTS: usize = 1_000_000;
/// The stale group is never silent for longer than this at start.
const MAX_STALE_FOR: Duration = Duration::days(30);
/// A clock jump longer than this (a laptop asleep under a fast demo) is not played event by
/// event, which could take minutes for a big fleet: the fleet is generated afresh at the
/// new instant, exactly as a fleet started then would be.
const MAX_CATCH_UP: Duration = Duration::hours(6);

pub struct Sim {
    pub(super) seed: u64,
    /// How many tenants were generated; those after them are spokes restores created.
    generated: usize,
    stale_for: Duration,
    now: DateTime<Utc>,
    /// Shared with the app: a tenant is copied only when the simulation changes it while the
    /// app still holds the version sent before (`Arc::make_mut`), so 100 000 tenants are
    /// held once, not once here and once on screen.
    tenants: Vec<Arc<Tenant>>,
    behaviours: Vec<Behaviour>,
    patterns: Patterns,
    queue: BinaryHeap<Reverse<Event>>,
    pub(super) restore_plans: Vec<RestorePlan>,
    pub(super) restores: Vec<Restore>,
    pub(super) restores_changed: bool,
    /// DNS swaps asked for, each on its timeline (see `dns`), and as last reported.
    pub(super) dns_plans: Vec<DnsPlan>,
    pub(super) dns_swaps: Vec<DnsSwap>,
    pub(super) dns_changed: bool,
    /// Support tickets waiting for on-call (see `requests`).
    pub(super) requests: Requests,
    /// Drills whose result was recorded (see `drills`), and generated ones they replaced.
    pub(super) drill_records: Vec<crate::domain::drill::DrillRecord>,
    /// Tenants an operator's write changed, to report with the write's answer.
    touched: Vec<usize>,
    /// Spokes being torn down (a discarded, failed or cancelled restore's), and when each
    /// leaves the fleet; those gone are no longer listed (their index stays, for the plans
    /// that name it).
    tearing_down: Vec<(usize, DateTime<Utc>)>,
    gone: std::collections::HashSet<crate::domain::ids::TenantId>,
    /// A spoke left the fleet since the last look: the whole fleet is sent again, as a
    /// changed-tenants report cannot remove one.
    fleet_shrunk: bool,
    /// Regions down or degraded on the operator's word (`--region-down`).
    outages: regions::Outages,
}

/// How long a torn-down spoke stays listed as `deleting` before it leaves the fleet.
pub const TEARDOWN: Duration = Duration::minutes(10);

impl Sim {
    /// The fleet of `seed` with `tenants` tenants as it stands at `now`.
    pub fn new(seed: u64, tenants: usize, now: DateTime<Utc>) -> Self {
        Self::with_stale_for(seed, tenants, now, DEFAULT_STALE_FOR)
    }

    /// Like `new`, with the stale group silent for `stale_for` at start (the source makes it
    /// longer than two refresh intervals, so it reads stale whatever the interval).
    pub fn with_stale_for(
        seed: u64,
        tenants: usize,
        now: DateTime<Utc>,
        stale_for: Duration,
    ) -> Self {
        let now = sane(now);
        let stale_for = stale_for.clamp(Duration::zero(), MAX_STALE_FOR);
        let generated = generate(seed, tenants.min(MAX_TENANTS), now, stale_for);
        let restores: Vec<Restore> = generated.restores.iter().map(|p| p.at(now)).collect();
        let queue: Vec<Reverse<Event>> = generated.events.into_iter().map(Reverse).collect();
        let count = generated.tenants.len();
        let tenants = generated.tenants;
        let requests = Requests::generate(seed, now, &tenants, &restores);
        Self {
            seed,
            generated: count,
            stale_for,
            now,
            tenants,
            behaviours: generated.behaviours,
            patterns: generated.patterns,
            queue: BinaryHeap::from(queue),
            restore_plans: generated.restores,
            restores,
            restores_changed: false,
            dns_plans: Vec::new(),
            dns_swaps: Vec::new(),
            dns_changed: false,
            requests,
            drill_records: Vec::new(),
            touched: Vec::new(),
            tearing_down: Vec::new(),
            gone: std::collections::HashSet::new(),
            fleet_shrunk: false,
            outages: regions::Outages::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn tenants(&self) -> &[Arc<Tenant>] {
        &self.tenants
    }

    pub fn restores(&self) -> &[Restore] {
        &self.restores
    }

    /// How many distinct (cron, time zone) schedules the fleet uses.
    pub fn schedule_patterns(&self) -> usize {
        self.patterns.len()
    }

    pub(super) fn behaviours(&self) -> &[Behaviour] {
        &self.behaviours
    }

    pub(super) fn patterns_mut(&mut self) -> &mut Patterns {
        &mut self.patterns
    }

    pub fn into_parts(self) -> (Vec<Arc<Tenant>>, Vec<Restore>) {
        (self.tenants, self.restores)
    }

    /// The tenant at `index`, to change (copied first if the app still holds it).
    pub(super) fn tenant_mut(&mut self, index: usize) -> Option<&mut Tenant> {
        let tenant = self.tenants.get_mut(index).map(Arc::make_mut)?;
        self.touched.push(index);
        Some(tenant)
    }

    /// Adds a tenant (a restore's new spoke) at the end of the fleet; answers its index. It
    /// is reported with the next changes, like a changed tenant.
    pub(super) fn push_tenant(&mut self, tenant: Tenant) -> usize {
        self.tenants.push(Arc::new(tenant));
        let index = self.tenants.len() - 1;
        self.touched.push(index);
        index
    }

    /// The tenants changed by writes since this was last asked.
    pub fn take_touched(&mut self) -> Vec<usize> {
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        touched
    }

    /// Whether the restores changed since this was last asked.
    pub fn take_restores_changed(&mut self) -> bool {
        std::mem::take(&mut self.restores_changed)
    }

    /// Plays everything due up to `now`; answers the indices of the tenants that changed,
    /// ascending. A clock that went backwards changes nothing.
    pub fn advance(&mut self, now: DateTime<Utc>) -> Vec<usize> {
        let now = sane(now);
        if now <= self.now {
            return Vec::new();
        }
        if now - self.now > MAX_CATCH_UP {
            return self.restart(now);
        }
        let mut changed = Vec::new();
        while let Some(Reverse(event)) = self.queue.peek().copied() {
            if event.at > now {
                break;
            }
            self.queue.pop();
            if self.handle(event) {
                changed.push(event.tenant as usize);
            }
        }
        self.now = now;
        self.advance_restores();
        self.advance_dns();
        changed.extend(self.take_touched());
        changed.extend(self.tear_down(now));
        self.requests.arrive(now, &self.tenants);
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    /// Spokes whose teardown is over leave the fleet: answered as changed (a server's
    /// listing moves on), and the next look at the fleet sends it whole.
    fn tear_down(&mut self, now: DateTime<Utc>) -> Vec<usize> {
        let (done, waiting): (Vec<_>, Vec<_>) =
            self.tearing_down.drain(..).partition(|(_, at)| *at <= now);
        self.tearing_down = waiting;
        for (index, _) in &done {
            if let Some(t) = self.tenants.get(*index) {
                self.gone.insert(t.id.clone());
                self.fleet_shrunk = true;
            }
        }
        done.into_iter().map(|(index, _)| index).collect()
    }

    /// A spoke now `deleting`: it leaves the fleet `TEARDOWN` later.
    pub(super) fn tearing_down(&mut self, index: usize) {
        if !self.tearing_down.iter().any(|(i, _)| *i == index) {
            self.tearing_down.push((index, self.now + TEARDOWN));
        }
    }

    /// Whether the tenant is still in the fleet (not a torn-down spoke).
    pub fn is_listed(&self, tenant: &Tenant) -> bool {
        !self.gone.contains(&tenant.id)
    }

    /// The fleet as listed: every tenant but the torn-down spokes.
    pub fn fleet(&self) -> Vec<Arc<Tenant>> {
        match self.gone.is_empty() {
            true => self.tenants.clone(),
            false => self
                .tenants
                .iter()
                .filter(|t| self.is_listed(t))
                .cloned()
                .collect(),
        }
    }

    /// Whether a spoke left the fleet since the last call.
    pub fn take_fleet_shrunk(&mut self) -> bool {
        std::mem::take(&mut self.fleet_shrunk)
    }

    /// Regenerates the tenants at `now`; the restores keep their timelines. Every tenant
    /// counts as changed.
    fn restart(&mut self, now: DateTime<Utc>) -> Vec<usize> {
        let generated = generate(self.seed, self.generated, now, self.stale_for);
        let queue: Vec<Reverse<Event>> = generated.events.into_iter().map(Reverse).collect();
        // The spokes restores created are not generated: they keep their places after.
        let targets = self
            .tenants
            .split_off(self.generated.min(self.tenants.len()));
        self.tenants = generated.tenants;
        self.tenants.extend(targets);
        let spokes = self
            .behaviours
            .split_off(self.generated.min(self.behaviours.len()));
        self.behaviours = generated.behaviours;
        self.patterns = generated.patterns;
        self.queue = BinaryHeap::from(queue);
        self.now = now;
        // A restored spoke's schedule goes on from the new instant; an attempt it had in
        // flight is not replayed (its events went with the old queue).
        for (k, mut behaviour) in spokes.into_iter().enumerate() {
            behaviour.in_flight = None;
            let index = self.generated + k;
            let live = !behaviour.frozen;
            self.behaviours.push(behaviour);
            if live {
                self.queue_first_run(index);
            }
        }
        self.advance_restores();
        self.advance_dns();
        self.requests.arrive(now, &self.tenants);
        (0..self.tenants.len()).collect()
    }

    /// A spoke a restore created has the schedule of the tenant it restores, and runs it
    /// once it is confirmed (`start_schedule`); until then it is idle.
    pub(super) fn add_spoke_behaviour(&mut self, spoke: usize, source: usize) {
        let Some(pattern) = self.behaviours.get(source).map(|b| b.pattern) else {
            return;
        };
        if self.behaviours.len() != spoke {
            return;
        }
        self.behaviours.push(Behaviour {
            pattern,
            fault: Fault::Healthy,
            frozen: true,
            failing_since: None,
            in_flight: None,
        });
    }

    /// The confirmed spoke's CronJob starts: its first run is the schedule's next instant.
    pub(super) fn start_schedule(&mut self, spoke: usize) {
        let Some(behaviour) = self.behaviours.get_mut(spoke).filter(|b| b.frozen) else {
            return;
        };
        behaviour.frozen = false;
        self.queue_first_run(spoke);
    }

    fn queue_first_run(&mut self, index: usize) {
        let Some(pattern) = self.behaviours.get(index).map(|b| b.pattern) else {
            return;
        };
        let next = self.patterns.next_after(pattern, self.now);
        if let Some(tenant) = self.tenant_mut(index) {
            tenant.backup.schedule.next_run_at = Some(next);
        }
        push(&mut self.queue, next, index, EventKind::Run);
    }

    fn handle(&mut self, event: Event) -> bool {
        let index = event.tenant as usize;
        match event.kind {
            EventKind::Run => self.run(index, event.at),
            EventKind::Start => self.start(index),
            EventKind::Finish => self.finish(index),
            EventKind::Copied => self.copied(index, event.at),
        }
    }

    /// The schedule fires: the next run is queued and an attempt's job is started, unless
    /// one is still in flight (CronJobs forbid concurrent runs, so a stuck snapshot blocks
    /// them).
    fn run(&mut self, index: usize, at: DateTime<Utc>) -> bool {
        let (Some(tenant), Some(behaviour)) = (
            self.tenants.get_mut(index).map(Arc::make_mut),
            self.behaviours.get_mut(index),
        ) else {
            return false;
        };
        if behaviour.frozen || behaviour.fault == Fault::StuckScheduler {
            return false;
        }
        let next = self.patterns.next_after(behaviour.pattern, at);
        tenant.backup.schedule.next_run_at = Some(next);
        push(&mut self.queue, next, index, EventKind::Run);
        if behaviour.in_flight.is_some() {
            return true;
        }
        let plan = attempt_plan(self.seed, index, behaviour, at);
        behaviour.in_flight = Some(at);
        push(&mut self.queue, plan.taken_at, index, EventKind::Start);
        true
    }

    /// The job of the attempt in flight starts: it shows as running until it finishes (or
    /// for ever, for a stuck snapshot).
    fn start(&mut self, index: usize) -> bool {
        let (Some(tenant), Some(behaviour)) = (
            self.tenants.get_mut(index).map(Arc::make_mut),
            self.behaviours.get(index),
        ) else {
            return false;
        };
        let Some(run) = behaviour.in_flight else {
            return false;
        };
        let plan = attempt_plan(self.seed, index, behaviour, run);
        tenant.backup.last_attempt = Some(plan.running());
        if behaviour.fault != Fault::StuckSnapshot {
            push(&mut self.queue, plan.finished_at, index, EventKind::Finish);
        }
        true
    }

    /// The attempt in flight ends as its plan says (failed, while its region is down).
    fn finish(&mut self, index: usize) -> bool {
        let down = self
            .tenants
            .get(index)
            .map(|t| t.region.clone())
            .filter(|region| self.is_down(region));
        let (Some(tenant), Some(behaviour)) = (
            self.tenants.get_mut(index).map(Arc::make_mut),
            self.behaviours.get_mut(index),
        ) else {
            return false;
        };
        let Some(run) = behaviour.in_flight.take() else {
            return false;
        };
        let plan = attempt_plan(self.seed, index, behaviour, run);
        if let Some(region) = down {
            // Its cluster is unreachable: the run fires and fails, and nothing is copied.
            tenant.backup.last_attempt = Some(LastAttempt {
                status: AttemptStatus::Failed,
                error: Some(format!("region {region} is down")),
                ..plan.finished()
            });
            return true;
        }
        tenant.backup.last_attempt = Some(plan.finished());
        let Some(success) = plan.success() else {
            return true;
        };
        let interval = self.patterns.interval(behaviour.pattern);
        record_success(&mut tenant.backup, behaviour.fault, interval, success);
        if tenant.state == TenantState::Provisioning {
            tenant.state = TenantState::Active;
        }
        if tenant.tier == Tier::Dedicated && start_copy(&mut tenant.backup, behaviour.fault) {
            let landed = plan.taken_at + copy_latency(self.seed, index, plan.taken_at);
            push(&mut self.queue, landed, index, EventKind::Copied);
        }
        true
    }

    fn copied(&mut self, index: usize, at: DateTime<Utc>) -> bool {
        let Some(tenant) = self.tenants.get_mut(index).map(Arc::make_mut) else {
            return false;
        };
        tenant.backup.cross_region = Some(CrossRegion {
            last_copied_at: Some(at),
            status: CrossRegionStatus::Ok,
        });
        true
    }

    fn advance_restores(&mut self) {
        let mut moved = Vec::new();
        for (k, (plan, shown)) in self
            .restore_plans
            .iter()
            .zip(self.restores.iter_mut())
            .enumerate()
        {
            let current = plan.at(self.now);
            if current != *shown {
                if current.phase != shown.phase {
                    moved.push((k, current.clone()));
                }
                *shown = current;
                self.restores_changed = true;
            }
        }
        // A phase change can free the tenant's slot (a failure) or move its new spoke on.
        for (k, restore) in moved {
            self.settle_restore(k, &restore);
        }
    }
}

/// A new point joins the history; the pruner then drops what fell out of retention (one
/// interval's worth per success in the steady state), unless pruning has stopped.
fn record_success(
    backup: &mut BackupSummary,
    fault: Fault,
    interval: Duration,
    success: LastSuccess,
) {
    backup.restore_point_count = backup.restore_point_count.saturating_add(1);
    let newest = success.taken_at;
    let mut oldest = backup.oldest_restore_point_at.unwrap_or(newest);
    backup.last_success = Some(success);
    if fault != Fault::PruningStopped {
        let retention = Duration::days(i64::from(backup.retention_days));
        // Half an interval of slack: run offsets jitter by seconds, and a window that holds
        // `retention / interval` points must not lose one to that jitter.
        let limit = retention - interval / 2;
        while newest - oldest > limit && backup.restore_point_count > 1 {
            oldest += interval;
            backup.restore_point_count -= 1;
        }
        if backup.restore_point_count <= 1 {
            oldest = newest;
        }
    }
    backup.oldest_restore_point_at = Some(oldest);
}

/// Marks the newest success's cross-region copy as on its way; answers whether it will land.
fn start_copy(backup: &mut BackupSummary, fault: Fault) -> bool {
    let last_copied_at = backup.cross_region.as_ref().and_then(|c| c.last_copied_at);
    let (status, lands) = match fault {
        Fault::CopyFailed => (CrossRegionStatus::Failed, false),
        Fault::CopyStalled => (CrossRegionStatus::Pending, false),
        _ => (CrossRegionStatus::Pending, true),
    };
    backup.cross_region = Some(CrossRegion {
        last_copied_at,
        status,
    });
    lands
}

/// Keeps instants where every date computation of the generator stays in range (years
/// 2000–9000), so an absurd clock cannot make chrono overflow.
fn sane(now: DateTime<Utc>) -> DateTime<Utc> {
    let lower = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single();
    let upper = Utc.with_ymd_and_hms(9000, 1, 1, 0, 0, 0).single();
    match (lower, upper) {
        (Some(lower), Some(upper)) => now.clamp(lower, upper),
        _ => now,
    }
}
