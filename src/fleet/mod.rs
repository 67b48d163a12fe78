//! The fleet as the app knows it: tenants, their health at the last evaluation, and what
//! filtering needs, kept in step so that no frame recomputes any of it.

mod haystacks;
mod judging;
mod membership;
pub mod order;
pub mod view;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::domain::health::{self, HealthContext};
use crate::domain::region::Regions;
use crate::domain::run_times::ScheduleCache;
use crate::domain::{FlagKind, Health, Level, Tenant, TenantId};
use haystacks::Haystacks;
pub use judging::fold_case;
use judging::{Judged, joined, judge, judge_everyone, same_flags, with_haystack};
use membership::Membership;
pub use membership::Widest;

/// Counts for the header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub tenants: usize,
    pub ok: usize,
    pub info: usize,
    pub amber: usize,
    pub red: usize,
    pub unknown: usize,
    pub restores_running: usize,
    /// Tenants carrying `data_stale` (red ones among them stay counted as red).
    pub stale: usize,
    /// The longest-silent of those: when its source last reported it.
    pub stale_since: Option<DateTime<Utc>>,
}

impl Summary {
    pub fn count(&self, level: Level) -> usize {
        match level {
            Level::Ok => self.ok,
            Level::Info => self.info,
            Level::Amber => self.amber,
            Level::Red => self.red,
            Level::Unknown => self.unknown,
        }
    }

    fn slot(&mut self, level: Level) -> &mut usize {
        match level {
            Level::Ok => &mut self.ok,
            Level::Info => &mut self.info,
            Level::Amber => &mut self.amber,
            Level::Red => &mut self.red,
            Level::Unknown => &mut self.unknown,
        }
    }

    fn add(&mut self, level: Level) {
        *self.slot(level) += 1;
    }

    /// One tenant moved from one level to another.
    fn shift(&mut self, from: Level, to: Level) {
        let count = self.slot(from);
        *count = count.saturating_sub(1);
        self.add(to);
    }
}

#[derive(Debug)]
pub struct Fleet {
    /// Shared with the source that sent them: a tenant is held once.
    tenants: Vec<Arc<Tenant>>,
    health: Vec<Health>,
    /// Lower-cased slug, name, region, tier and flag names, for the live filter.
    haystacks: Haystacks,
    members: Membership,
    schedules: ScheduleCache,
    refresh_interval: Duration,
    /// `[drills] max_age_days`, when drills are set up.
    drill_max_age: Option<Duration>,
    /// What the source reports of regions: a tenant whose region is down is flagged.
    regions: Regions,
    source_heard_at: Option<DateTime<Utc>>,
    /// The last hearing from the source whose silence every tenant was judged stale for.
    judged_silent: Option<DateTime<Utc>>,
    evaluated_at: Option<DateTime<Utc>>,
    summary: Summary,
    /// Set when a stale tenant changed: `summary.stale_since` is looked for again.
    stale_since_outdated: bool,
    /// Tenants whose data or health changed since the view last caught up, so it re-places
    /// only those; `None` when it must re-sort everything (a new fleet, a new tenant, or more
    /// changes than re-placing one by one would beat).
    touched: Option<Vec<usize>>,
    /// When each tenant's health must be judged again (`Health::recheck_at`), soonest first:
    /// a second's tick looks at the few that are due, not at every tenant. An entry whose
    /// tenant has since been given another instant is skipped when it comes up.
    due: BinaryHeap<Reverse<(DateTime<Utc>, usize)>>,
}

/// Changes the view re-places at most, as a share of the fleet: past it a full sort is
/// cheaper than merging them in (`Order::replace_many`).
const TOUCHED_UP_TO_ONE_IN: usize = 4;

impl Fleet {
    pub fn new(refresh_interval: Duration) -> Self {
        Self {
            tenants: Vec::new(),
            health: Vec::new(),
            haystacks: Haystacks::default(),
            members: Membership::default(),
            schedules: ScheduleCache::default(),
            refresh_interval,
            drill_max_age: None,
            regions: Regions::Unread,
            source_heard_at: None,
            judged_silent: None,
            evaluated_at: None,
            summary: Summary::default(),
            stale_since_outdated: false,
            touched: None,
            due: BinaryHeap::new(),
        }
    }

    /// What changed since the last call (see `touched`): the view's to re-place.
    pub fn take_touched(&mut self) -> Option<Vec<usize>> {
        self.touched.replace(Vec::new())
    }

    fn touch(&mut self, i: usize) {
        if let Some(touched) = &mut self.touched {
            if touched.len() < (self.tenants.len() / TOUCHED_UP_TO_ONE_IN).max(4096) {
                touched.push(i);
            } else {
                self.touched = None;
            }
        }
    }

    pub fn tenants(&self) -> &[Arc<Tenant>] {
        &self.tenants
    }

    pub fn tenant(&self, i: usize) -> &Tenant {
        &self.tenants[i]
    }

    pub fn health(&self, i: usize) -> &Health {
        &self.health[i]
    }

    pub fn haystack(&self, i: usize) -> &str {
        self.haystacks.get(i)
    }

    pub fn slug_rank(&self, i: usize) -> u32 {
        self.members.slug_rank[i]
    }

    /// Hubs (and spokes whose hub is unknown) each followed by their spokes.
    pub fn tree(&self) -> &[Vec<usize>] {
        &self.members.tree
    }

    pub fn position(&self, id: &TenantId) -> Option<usize> {
        self.members.index.get(id).copied()
    }

    pub fn len(&self) -> usize {
        self.tenants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tenants.is_empty()
    }

    pub fn summary(&self) -> Summary {
        self.summary
    }

    pub fn source_heard_at(&self) -> Option<DateTime<Utc>> {
        self.source_heard_at
    }

    /// The instant health was last evaluated at (what `status --json` calls `generated_at`).
    pub fn evaluated_at(&self) -> Option<DateTime<Utc>> {
        self.evaluated_at
    }

    pub fn context(&self, now: DateTime<Utc>) -> HealthContext {
        HealthContext {
            now,
            refresh_interval: self.refresh_interval,
            source_heard_at: self.source_heard_at,
            drill_max_age: self.drill_max_age,
        }
    }

    /// When this tenant's data was last confirmed by its source.
    pub fn observed_at(&self, i: usize, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        health::observed_at(&self.tenants[i], &self.context(now))
    }

    /// Replaces the whole fleet.
    pub fn replace(
        &mut self,
        tenants: Vec<Arc<Tenant>>,
        heard_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        self.tenants = tenants;
        self.source_heard_at = Some(heard_at);
        self.evaluated_at = Some(now);
        self.touched = None;
        let ctx = self.context(now);
        // Membership and health depend on different things: worked out side by side.
        let (members, judged) = std::thread::scope(|scope| {
            let members = scope.spawn(|| Membership::of(&self.tenants));
            let judged = judge_everyone(&self.tenants, &self.schedules, &ctx, &self.regions);
            (joined(members), judged)
        });
        self.members = members;
        self.take_judged(judged);
        self.recount();
    }

    pub fn refresh_interval(&self) -> Duration {
        self.refresh_interval
    }

    /// The schedules' intervals and runs, worked out once: a fleet loaded to replace this
    /// one starts from them instead of listing every schedule's runs again.
    pub fn schedules(&self) -> &ScheduleCache {
        &self.schedules
    }

    /// Drills set up: a tenant without a passed drill within `max_age` is flagged.
    pub fn with_drill_max_age(mut self, max_age: Option<Duration>) -> Self {
        self.drill_max_age = max_age;
        self
    }

    /// The regions known before the fleet comes (a fleet loaded to replace another).
    pub fn with_regions(mut self, regions: Regions) -> Self {
        self.regions = regions;
        self
    }

    pub fn regions(&self) -> &Regions {
        &self.regions
    }

    /// The source's regions, as of now. The tenants of a region whose status changed (and
    /// those whose copies are held there) are judged again; answers whether any verdict did.
    pub fn set_regions(&mut self, regions: Regions, now: DateTime<Utc>) -> bool {
        let status = |r: &Regions, name: &str| r.get(name).map(|r| r.status.clone());
        let before = std::mem::replace(&mut self.regions, regions);
        if self.health.len() != self.tenants.len() {
            return false;
        }
        let ctx = self.context(now);
        let mut changed = false;
        for i in 0..self.tenants.len() {
            let t = &self.tenants[i];
            let moved = |name: &str| status(&before, name) != status(&self.regions, name);
            let affected = moved(&t.region) || t.secondary_region.as_deref().is_some_and(moved);
            if affected {
                changed |= self.evaluate_one(i, &ctx);
            }
        }
        self.refresh_stale_since();
        changed
    }

    pub fn drill_max_age(&self) -> Option<Duration> {
        self.drill_max_age
    }

    pub fn with_schedules(mut self, schedules: ScheduleCache) -> Self {
        self.schedules = schedules;
        self
    }

    /// Rebuilds what depends only on which tenants exist: run when membership changes.
    fn reindex(&mut self) {
        self.members = Membership::of(&self.tenants);
        self.touched = None;
    }

    pub fn widest(&self) -> Widest {
        self.members.widest
    }

    /// Upserts changed tenants; answers whether the table's order or filter can have moved:
    /// a tenant was added, or one's flags or filter text changed. (A new last-success time
    /// alone moves nothing in worst-first order: most changes are that.)
    pub fn upsert(
        &mut self,
        changed: Vec<Arc<Tenant>>,
        heard_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        // Rows made stale by the source's own silence come back when it answers again.
        let was_silent = self
            .source_heard_at
            .is_some_and(|heard| now - heard > self.refresh_interval * 2);
        self.source_heard_at = Some(heard_at);
        let mut added = false;
        let mut moved = false;
        let ctx = self.context(now);
        for tenant in changed {
            let restoring = usize::from(tenant.active_restore_id.is_some());
            let i = match self.members.index.get(&tenant.id) {
                Some(&i) => {
                    let old = std::mem::replace(&mut self.tenants[i], tenant);
                    let was = usize::from(old.active_restore_id.is_some());
                    let running = &mut self.summary.restores_running;
                    *running = (*running + restoring).saturating_sub(was);
                    i
                }
                None => {
                    self.members
                        .index
                        .insert(tenant.id.clone(), self.tenants.len());
                    self.tenants.push(tenant);
                    self.health.push(Health::unjudged());
                    self.haystacks.push_empty();
                    self.summary.tenants += 1;
                    self.summary.add(Level::Ok);
                    self.summary.restores_running += restoring;
                    added = true;
                    self.tenants.len() - 1
                }
            };
            let text = self.haystacks.take(i);
            self.touch(i);
            self.evaluate_one(i, &ctx);
            moved |= self.haystacks.get(i) != &*text;
        }
        if added {
            self.reindex();
        }
        if was_silent {
            moved |= self.evaluate_all(now);
        }
        self.refresh_stale_since();
        added || moved
    }

    /// Re-judges every tenant at `now`. Returns whether any tenant's level or flags changed.
    pub fn evaluate_all(&mut self, now: DateTime<Utc>) -> bool {
        let fresh = self.health.len() != self.tenants.len();
        let ctx = self.context(now);
        self.evaluated_at = Some(now);
        if fresh {
            self.judge_everyone(&ctx);
            self.recount();
            return true;
        }
        let mut changed = false;
        for i in 0..self.tenants.len() {
            changed |= self.evaluate_one(i, &ctx);
        }
        self.refresh_stale_since();
        changed
    }

    /// Re-judges only the tenants whose health time alone can have changed by `now` (their
    /// `recheck_at` has come): most seconds that is none of 100 000. Returns whether any
    /// tenant's level or flags changed.
    pub fn evaluate_due(&mut self, now: DateTime<Utc>) -> bool {
        if self.health.len() != self.tenants.len() {
            return self.evaluate_all(now);
        }
        // The source's silence stales every tenant heard with it at once: judged once for
        // each silence, not watched tenant by tenant (a million rechecks a minute).
        let silent = self
            .source_heard_at
            .is_some_and(|heard| now - heard > self.refresh_interval * 2);
        if silent && self.judged_silent != self.source_heard_at {
            self.judged_silent = self.source_heard_at;
            return self.evaluate_all(now);
        }
        let mut due = Vec::new();
        while let Some(Reverse((at, i))) = self.due.peek().copied() {
            if at > now {
                break;
            }
            self.due.pop();
            // Still this tenant's instant (not one it was given since), and not taken twice.
            if self.health.get(i).is_some_and(|h| h.recheck_at == Some(at)) {
                due.push((i, at));
            }
        }
        due.sort_unstable();
        due.dedup();
        let ctx = self.context(now);
        self.evaluated_at = Some(now);
        let mut changed = false;
        for (i, at) in due {
            changed |= self.evaluate_one(i, &ctx);
            // Judged again to the same instant: it stays due, as it would in a full scan.
            if self.health[i].recheck_at == Some(at) {
                self.due.push(Reverse((at, i)));
            }
        }
        self.refresh_stale_since();
        changed
    }

    /// Every tenant's next judgement, afresh: after the whole fleet was judged, or when
    /// skipped entries outnumber the tenants.
    fn schedule_everyone(&mut self) {
        let due: Vec<_> = self
            .health
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.recheck_at.map(|at| Reverse((at, i))))
            .collect();
        self.due = BinaryHeap::from(due);
    }

    /// Re-judges one tenant now even if nothing is due: its explanations say "3h ago", and
    /// the open card must not show yesterday's words.
    pub fn rejudge(&mut self, id: &TenantId, now: DateTime<Utc>) -> bool {
        let Some(i) = self.position(id) else {
            return false;
        };
        let changed = self.evaluate_one(i, &self.context(now));
        self.refresh_stale_since();
        changed
    }

    /// Judges one tenant; its filter text is rebuilt only when its flags changed (most do
    /// not, from one evaluation to the next). Returns whether they changed.
    fn evaluate_one(&mut self, i: usize, ctx: &HealthContext) -> bool {
        let tenant = &self.tenants[i];
        let h = judge(tenant, &mut self.schedules, ctx, &self.regions);
        // An empty filter text means new data (or none yet): it is always rebuilt then.
        let changed = self.haystacks.get(i).is_empty() || !same_flags(&self.health[i], &h);
        if changed {
            with_haystack(tenant, &h, |text| self.haystacks.set(i, text));
            self.touch(i);
        }
        if let Some(at) = h
            .recheck_at
            .filter(|at| Some(*at) != self.health[i].recheck_at)
        {
            self.due.push(Reverse((at, i)));
        }
        // The header's counts follow each change, so no evaluation counts all 100 000.
        let old = std::mem::replace(&mut self.health[i], h);
        let new = &self.health[i];
        self.summary.shift(old.level, new.level);
        let (was, is) = (old.has(FlagKind::DataStale), new.has(FlagKind::DataStale));
        self.summary.stale =
            (self.summary.stale + usize::from(is)).saturating_sub(usize::from(was));
        self.stale_since_outdated |= was || is;
        if self.due.len() > 2 * self.tenants.len() + 1024 {
            self.schedule_everyone();
        }
        changed
    }

    fn judge_everyone(&mut self, ctx: &HealthContext) {
        self.touched = None;
        let judged = judge_everyone(&self.tenants, &self.schedules, ctx, &self.regions);
        self.take_judged(judged);
    }

    fn take_judged(&mut self, judged: Judged) {
        self.health = Vec::with_capacity(self.tenants.len());
        let mut texts = Vec::with_capacity(judged.len());
        for (verdicts, written, schedules) in judged {
            self.schedules.merge(schedules);
            self.health.extend(verdicts);
            texts.push(written);
        }
        self.haystacks = Haystacks::from_parts(texts);
        self.schedule_everyone();
    }

    /// The longest silence among stale tenants, found again only when the stale set or one
    /// of its members changed.
    fn refresh_stale_since(&mut self) {
        if !std::mem::take(&mut self.stale_since_outdated) {
            return;
        }
        let ctx = self.context(self.evaluated_at.unwrap_or(DateTime::<Utc>::MIN_UTC));
        self.summary.stale_since = self
            .tenants
            .iter()
            .zip(&self.health)
            .filter(|(_, h)| h.has(FlagKind::DataStale))
            .filter_map(|(t, _)| health::observed_at(t, &ctx))
            .min();
    }

    /// Counts everything again: after the whole fleet was replaced.
    fn recount(&mut self) {
        let mut summary = Summary {
            tenants: self.tenants.len(),
            ..Summary::default()
        };
        for (t, h) in self.tenants.iter().zip(&self.health) {
            summary.add(h.level);
            summary.restores_running += usize::from(t.active_restore_id.is_some());
            summary.stale += usize::from(h.has(FlagKind::DataStale));
        }
        self.summary = summary;
        self.stale_since_outdated = true;
        self.refresh_stale_since();
    }
}

/// How many tenants were added, removed or changed from `old` to `new` (when they were last
/// observed aside).
pub fn changes(old: &[Arc<Tenant>], new: &[Arc<Tenant>]) -> usize {
    let before: HashMap<&TenantId, &Arc<Tenant>> = old.iter().map(|t| (&t.id, t)).collect();
    let mut kept = 0;
    let mut changed = 0;
    for t in new {
        match before.get(&t.id) {
            Some(was) => {
                kept += 1;
                changed += usize::from(!Arc::ptr_eq(was, t) && !was.same_report(t));
            }
            None => changed += 1,
        }
    }
    changed + (before.len() - kept)
}
