//! The fleet as the app knows it: tenants, their health at the last evaluation, and what
//! filtering needs, kept in step so that no frame recomputes any of it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::domain::health::{self, HealthContext};
use crate::domain::schedule::CronSchedule;
use crate::domain::{Health, Level, Tenant, TenantId};

/// Longest gap between runs, per cron expression. Measured in UTC on purpose: the cadence of
/// the pattern is what the RPO is judged against, and a DST change must not stretch a daily
/// schedule to 25 h for a week a year.
#[derive(Debug, Default)]
pub struct IntervalCache {
    by_cron: HashMap<String, Option<Duration>>,
}

impl IntervalCache {
    pub fn interval(&mut self, cron: &str, reference: DateTime<Utc>) -> Option<Duration> {
        if let Some(known) = self.by_cron.get(cron) {
            return *known;
        }
        let interval = CronSchedule::parse(cron, "UTC")
            .ok()
            .and_then(|s| s.interval(reference));
        self.by_cron.insert(cron.to_string(), interval);
        interval
    }
}

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

    fn add(&mut self, level: Level) {
        match level {
            Level::Ok => self.ok += 1,
            Level::Info => self.info += 1,
            Level::Amber => self.amber += 1,
            Level::Red => self.red += 1,
            Level::Unknown => self.unknown += 1,
        }
    }
}

#[derive(Debug)]
pub struct Fleet {
    tenants: Vec<Tenant>,
    health: Vec<Health>,
    /// Lower-cased slug, name, region, tier and flag names, for the live filter.
    haystacks: Vec<String>,
    index: HashMap<TenantId, usize>,
    /// Position of each tenant in slug order: sorting ties are broken by comparing integers,
    /// not strings.
    slug_rank: Vec<u32>,
    /// Hubs (and orphans) each followed by their spokes, in fleet order.
    tree: Vec<Vec<usize>>,
    intervals: IntervalCache,
    refresh_interval: Duration,
    source_heard_at: Option<DateTime<Utc>>,
    evaluated_at: Option<DateTime<Utc>>,
    summary: Summary,
}

impl Fleet {
    pub fn new(refresh_interval: Duration) -> Self {
        Self {
            tenants: Vec::new(),
            health: Vec::new(),
            haystacks: Vec::new(),
            index: HashMap::new(),
            slug_rank: Vec::new(),
            tree: Vec::new(),
            intervals: IntervalCache::default(),
            refresh_interval,
            source_heard_at: None,
            evaluated_at: None,
            summary: Summary::default(),
        }
    }

    pub fn tenants(&self) -> &[Tenant] {
        &self.tenants
    }

    pub fn tenant(&self, i: usize) -> &Tenant {
        &self.tenants[i]
    }

    pub fn health(&self, i: usize) -> &Health {
        &self.health[i]
    }

    pub fn haystack(&self, i: usize) -> &str {
        &self.haystacks[i]
    }

    pub fn slug_rank(&self, i: usize) -> u32 {
        self.slug_rank[i]
    }

    /// Hubs (and spokes whose hub is unknown) each followed by their spokes.
    pub fn tree(&self) -> &[Vec<usize>] {
        &self.tree
    }

    pub fn position(&self, id: &TenantId) -> Option<usize> {
        self.index.get(id).copied()
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
        }
    }

    /// When this tenant's data was last confirmed by its source.
    pub fn observed_at(&self, i: usize, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        health::observed_at(&self.tenants[i], &self.context(now))
    }

    /// Replaces the whole fleet.
    pub fn replace(&mut self, tenants: Vec<Tenant>, heard_at: DateTime<Utc>, now: DateTime<Utc>) {
        self.tenants = tenants;
        self.health.clear();
        self.haystacks.clear();
        self.reindex();
        self.source_heard_at = Some(heard_at);
        self.evaluate_all(now);
    }

    /// Rebuilds what depends only on which tenants exist: run when membership changes.
    fn reindex(&mut self) {
        self.index = self
            .tenants
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let mut by_slug: Vec<usize> = (0..self.tenants.len()).collect();
        by_slug.sort_unstable_by(|&a, &b| self.tenants[a].slug.cmp(&self.tenants[b].slug));
        self.slug_rank = vec![0; self.tenants.len()];
        for (rank, &i) in by_slug.iter().enumerate() {
            self.slug_rank[i] = rank as u32;
        }
        self.tree = self.build_tree();
    }

    fn build_tree(&self) -> Vec<Vec<usize>> {
        let mut heads = Vec::new();
        let mut spokes: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, t) in self.tenants.iter().enumerate() {
            let hub = t
                .hub_id
                .as_ref()
                .and_then(|h| self.index.get(h))
                .filter(|_| !t.is_hub());
            match hub {
                Some(&hub) if hub != i => spokes.entry(hub).or_default().push(i),
                _ => heads.push(i),
            }
        }
        heads
            .into_iter()
            .map(|head| {
                let mut group = vec![head];
                group.extend(spokes.remove(&head).unwrap_or_default());
                group
            })
            .collect()
    }

    /// Upserts changed tenants; returns whether anything was added (which changes grouping).
    pub fn upsert(
        &mut self,
        changed: Vec<Tenant>,
        heard_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        self.source_heard_at = Some(heard_at);
        let mut added = false;
        let ctx = self.context(now);
        for tenant in changed {
            let i = match self.index.get(&tenant.id) {
                Some(&i) => {
                    self.tenants[i] = tenant;
                    i
                }
                None => {
                    self.index.insert(tenant.id.clone(), self.tenants.len());
                    self.tenants.push(tenant);
                    self.health.push(Health {
                        level: Level::Ok,
                        flags: Vec::new(),
                    });
                    self.haystacks.push(String::new());
                    added = true;
                    self.tenants.len() - 1
                }
            };
            self.evaluate_one(i, &ctx);
        }
        if added {
            self.reindex();
        }
        self.recount();
        added
    }

    /// Re-judges every tenant at `now`: time alone moves tenants between levels. A tenant's
    /// filter text is rebuilt only when its flags changed (most do not, from one second to
    /// the next). Returns whether any tenant's level or flags changed.
    pub fn evaluate_all(&mut self, now: DateTime<Utc>) -> bool {
        let ctx = self.context(now);
        let fresh = self.haystacks.len() != self.tenants.len();
        if fresh {
            self.haystacks = vec![String::new(); self.tenants.len()];
            self.health = vec![
                Health {
                    level: Level::Ok,
                    flags: Vec::new()
                };
                self.tenants.len()
            ];
        }
        let mut changed = fresh;
        for i in 0..self.tenants.len() {
            let interval = self
                .intervals
                .interval(&self.tenants[i].backup.schedule.cron, now);
            let h = health::evaluate(&self.tenants[i], interval, &ctx);
            if fresh || !same_flags(&self.health[i], &h) {
                self.haystacks[i] = haystack(&self.tenants[i], &h);
                changed = true;
            }
            self.health[i] = h;
        }
        self.evaluated_at = Some(now);
        self.recount();
        changed
    }

    fn evaluate_one(&mut self, i: usize, ctx: &HealthContext) {
        let interval = self
            .intervals
            .interval(&self.tenants[i].backup.schedule.cron, ctx.now);
        let h = health::evaluate(&self.tenants[i], interval, ctx);
        self.haystacks[i] = haystack(&self.tenants[i], &h);
        self.health[i] = h;
    }

    fn recount(&mut self) {
        let mut summary = Summary {
            tenants: self.tenants.len(),
            ..Summary::default()
        };
        for (t, h) in self.tenants.iter().zip(&self.health) {
            summary.add(h.level);
            summary.restores_running += usize::from(t.active_restore_id.is_some());
        }
        self.summary = summary;
    }
}

fn same_flags(a: &Health, b: &Health) -> bool {
    a.level == b.level
        && a.flags.len() == b.flags.len()
        && a.flags.iter().zip(&b.flags).all(|(x, y)| x.kind == y.kind)
}

fn haystack(t: &Tenant, h: &Health) -> String {
    let mut s = format!(
        "{} {} {} {} {}",
        t.slug,
        t.display_name,
        t.region,
        t.tier,
        h.level.as_str()
    );
    for f in &h.flags {
        s.push(' ');
        s.push_str(f.kind.id());
        s.push(' ');
        s.push_str(f.kind.title());
        s.push(' ');
        s.push_str(f.kind.short());
    }
    s.to_lowercase()
}
