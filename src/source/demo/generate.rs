//! The fleet at its starting instant: hubs and spokes with their names, tiers, regions,
//! ages, states, faults and schedules; each tenant's backup summary comes from `history`.
//!
//! Every tenant draws from its own keyed random stream (hub number, position in the group),
//! so a tenant keeps its name and character when the fleet grows around it.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use compact_str::{CompactString, format_compact};

use super::behaviour::{Behaviour, Failure, Fault};
use super::events::Event;
use super::history::{HistoryBuilder, Subject};
use super::layout::{self, FixedHub, Group, Script, TierChoice};
use super::names::{
    FACULTIES, Region, StemBook, institution, spoke_hostname, tenant_id, title_case,
};
use super::patterns::{Cadence, PatternKey, Patterns};
use super::restores::{self, ModeChoice, RestorePlan, RestoreRequest};
use super::rng::Rng;
use crate::domain::tenant::{BackupSummary, Tenant, TenantId, TenantKind, TenantState, Tier};

/// A new-spoke restore this far through its timeline at start: mid-way, as asked.
const RESTORE_MIDWAY: f64 = 0.45;
const DAY: Duration = Duration::days(1);

/// Everything the simulator starts from.
pub struct Generated {
    /// Each behind its own `Arc` from the start: shared with the app as they are, never
    /// copied into one (a million tenants are 750 MB).
    pub tenants: Vec<Arc<Tenant>>,
    pub behaviours: Vec<Behaviour>,
    pub patterns: Patterns,
    pub events: Vec<Event>,
    pub restores: Vec<RestorePlan>,
}

pub fn generate(seed: u64, count: usize, now: DateTime<Utc>, stale_for: Duration) -> Generated {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts = cores.min(count / GENERATED_PER_THREAD_AT_LEAST).max(1);
    generate_in(seed, count, now, stale_for, parts)
}

/// Below this many tenants per part, the fleet is generated on one thread.
const GENERATED_PER_THREAD_AT_LEAST: usize = 50_000;

/// `generate`, its hub groups split into up to `parts` runs of about equal size, generated
/// side by side. Every tenant draws from its own keyed stream and the parts are joined in
/// order, so the fleet is the same however it was split (a test holds it to that).
pub fn generate_in(
    seed: u64,
    count: usize,
    now: DateTime<Utc>,
    stale_for: Duration,
    parts: usize,
) -> Generated {
    let groups = layout::groups(seed, count);
    let runs = split(&groups, count.div_ceil(parts.max(1)));
    let mut generated = std::thread::scope(|scope| {
        let running: Vec<_> = runs
            .into_iter()
            .map(|groups| scope.spawn(move || Part::generate(seed, now, stale_for, groups)))
            .collect();
        running
            .into_iter()
            .map(|part| part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .reduce(Part::join)
            .unwrap_or_else(|| Part::empty(seed, now, stale_for))
    });
    let restores = restores::plan(seed, now, &generated.tenants, &generated.generator.requests);
    for plan in &restores {
        if let Some(tenant) = generated.tenants.get_mut(plan.tenant()) {
            Arc::make_mut(tenant).active_restore_id = Some(plan.id().clone());
        }
    }
    Generated {
        tenants: generated.tenants,
        behaviours: generated.behaviours,
        patterns: generated.generator.patterns,
        events: generated.generator.events,
        restores,
    }
}

/// Consecutive runs of groups holding about `size` tenants each.
fn split(groups: &[Group], size: usize) -> Vec<&[Group]> {
    let mut runs = Vec::new();
    let (mut start, mut held) = (0, 0);
    for (i, group) in groups.iter().enumerate() {
        held += group.len();
        if held >= size {
            runs.push(&groups[start..=i]);
            (start, held) = (i + 1, 0);
        }
    }
    if start < groups.len() {
        runs.push(&groups[start..]);
    }
    runs
}

/// The tenants of a run of groups, with what generating them queued.
struct Part {
    tenants: Vec<Arc<Tenant>>,
    behaviours: Vec<Behaviour>,
    generator: Generator,
}

impl Part {
    fn empty(seed: u64, now: DateTime<Utc>, stale_for: Duration) -> Part {
        Part {
            tenants: Vec::new(),
            behaviours: Vec::new(),
            generator: Generator {
                seed,
                now,
                stale_for,
                stems: StemBook::new(seed),
                patterns: Patterns::default(),
                events: Vec::new(),
                requests: Vec::new(),
            },
        }
    }

    fn generate(seed: u64, now: DateTime<Utc>, stale_for: Duration, groups: &[Group]) -> Part {
        let count: usize = groups.iter().map(Group::len).sum();
        let mut part = Part::empty(seed, now, stale_for);
        part.tenants.reserve(count);
        part.behaviours.reserve(count);
        part.generator.events.reserve(count + count / 8);
        for group in groups {
            let hub = part.generator.hub(group);
            for ordinal in 0..group.len() {
                let (tenant, behaviour) = part.generator.tenant(group, &hub, ordinal);
                part.tenants.push(Arc::new(tenant));
                part.behaviours.push(behaviour);
            }
        }
        part
    }

    /// `self` followed by `next`: `next`'s schedule patterns are interned here, in the order
    /// it first met them, which gives the ids one thread would have given.
    fn join(mut self, next: Part) -> Part {
        let ids = self.generator.patterns.absorb(next.generator.patterns);
        self.tenants.extend(next.tenants);
        self.behaviours
            .extend(next.behaviours.into_iter().map(|mut behaviour| {
                behaviour.pattern = ids[behaviour.pattern.index()];
                behaviour
            }));
        self.generator.events.extend(next.generator.events);
        self.generator.requests.extend(next.generator.requests);
        self
    }
}

struct Generator {
    seed: u64,
    now: DateTime<Utc>,
    stale_for: Duration,
    stems: StemBook,
    patterns: Patterns,
    events: Vec<Event>,
    requests: Vec<RestoreRequest>,
}

/// What a hub passes on to its spokes.
struct Hub {
    id: TenantId,
    stem: String,
    display_name: String,
    tier: Tier,
    region: Region,
    created_at: DateTime<Utc>,
    /// Spoke names in order; spokes beyond the list are numbered ("s7").
    spoke_names: Vec<&'static str>,
    fixed: bool,
}

impl Hub {
    fn spoke_name(&self, ordinal: usize) -> CompactString {
        self.spoke_names
            .get(ordinal.wrapping_sub(1))
            .map_or_else(|| format_compact!("s{ordinal}"), |name| (*name).into())
    }
}

impl Generator {
    fn hub(&mut self, group: &Group) -> Hub {
        let mut rng = Rng::keyed(self.seed, &[0x4B0B, group.index as u64]);
        let id = TenantId(tenant_id(self.seed, group.first));
        match group.fixed {
            Some(fixed) => self.fixed_hub(fixed, id, &mut rng),
            None => self.random_hub(group, id, &mut rng),
        }
    }

    fn fixed_hub(&self, fixed: &FixedHub, id: TenantId, rng: &mut Rng) -> Hub {
        Hub {
            id,
            stem: fixed.stem.to_string(),
            display_name: fixed.display_name.to_string(),
            tier: match fixed.tier {
                TierChoice::Standard => Tier::Standard,
                TierChoice::Dedicated => Tier::Dedicated,
            },
            region: Region::named(fixed.region),
            // Old enough for every scripted history (40 days of points, a year-old spoke).
            created_at: self.now - Duration::days(rng.range(500, 1000)),
            spoke_names: fixed.spokes.to_vec(),
            fixed: true,
        }
    }

    fn random_hub(&self, group: &Group, id: TenantId, rng: &mut Rng) -> Hub {
        let stem = self.stems.stem(group.random_index);
        let display_name = [title_case(&stem).as_str(), " ", institution(rng)].concat();
        let tier = if rng.chance(0.3) {
            Tier::Dedicated
        } else {
            Tier::Standard
        };
        let region = Region::pick(rng);
        let created_at = self.now - Duration::seconds(rng.range(30 * 86_400, 3 * 365 * 86_400));
        // Half the customers name spokes after faculties, half just number them.
        let spoke_names = if rng.chance(0.5) {
            let mut names = FACULTIES.to_vec();
            rng.shuffle(&mut names);
            names
        } else {
            Vec::new()
        };
        Hub {
            id,
            stem,
            display_name,
            tier,
            region,
            created_at,
            spoke_names,
            fixed: false,
        }
    }

    fn tenant(&mut self, group: &Group, hub: &Hub, ordinal: usize) -> (Tenant, Behaviour) {
        let index = group.first + ordinal;
        let script = group.script(ordinal);
        let mut rng = Rng::keyed(self.seed, &[0x7E4A, group.index as u64, ordinal as u64]);
        let tier = tier_of(hub, ordinal, &mut rng);
        let fault = script.map_or_else(
            || random_fault(&mut rng, &tier, ordinal > 0),
            scripted_fault,
        );
        let pattern = self
            .patterns
            .intern(self.pattern_key(script, fault, &tier, hub, &mut rng));
        let as_of = if group.frozen {
            self.now - self.stale_for
        } else {
            self.now
        };
        let last_run = self.patterns.previous_at_or_before(pattern, as_of);
        let (created_at, state) =
            self.created_and_state(hub, ordinal, script, fault, (last_run, as_of), &mut rng);
        let mut behaviour = Behaviour {
            pattern,
            fault,
            frozen: group.frozen,
            failing_since: None,
            in_flight: None,
        };
        let subject = Subject {
            index,
            tier,
            created_at,
            as_of,
            script,
        };
        let mut history = HistoryBuilder {
            seed: self.seed,
            patterns: &mut self.patterns,
            events: &mut self.events,
        };
        behaviour.failing_since = history.failing_since(&subject, &behaviour, &mut rng);
        let mut backup = history.backup(&subject, &mut behaviour, &mut rng);
        backup.last_drill = super::drills::generated_last_drill(
            self.seed,
            index,
            (&subject.tier, hub.region.secondary),
            subject.created_at,
            &backup,
            as_of,
        );
        self.request_restore(index, script);
        let tenant = self.identity(hub, ordinal, subject, state, backup, group.frozen);
        (tenant, behaviour)
    }

    fn identity(
        &self,
        hub: &Hub,
        ordinal: usize,
        subject: Subject,
        state: TenantState,
        backup: BackupSummary,
        frozen: bool,
    ) -> Tenant {
        let is_hub = ordinal == 0;
        let (slug, display_name, hostname) = if is_hub {
            (
                [hub.stem.as_str(), "-hub"].into_iter().collect(),
                hub.display_name.clone(),
                format!("learn.{}.{}", hub.stem, hub.region.tld),
            )
        } else {
            let name = hub.spoke_name(ordinal);
            let slug: CompactString = [hub.stem.as_str(), "-", &name].into_iter().collect();
            let label = match name.strip_prefix('s') {
                Some(number) if number.parse::<u32>().is_ok() => {
                    ["Site ", number].into_iter().collect()
                }
                _ => title_case(&name),
            };
            let hostname = spoke_hostname(&slug);
            // Concatenated at their size: `format!` grows its string as it goes, and a
            // million tenants' reallocations queue on one allocator lock at start-up.
            let display_name = [hub.display_name.as_str(), " — ", &label].concat();
            (slug, display_name, hostname)
        };
        let dedicated = subject.tier == Tier::Dedicated;
        Tenant {
            id: if is_hub {
                hub.id.clone()
            } else {
                TenantId(tenant_id(self.seed, subject.index))
            },
            slug,
            kind: if is_hub {
                TenantKind::Hub
            } else {
                TenantKind::Spoke
            },
            hub_id: (!is_hub).then(|| hub.id.clone()),
            display_name,
            tier: subject.tier,
            region: hub.region.name.into(),
            secondary_region: dedicated.then(|| hub.region.secondary.into()),
            hostname,
            state,
            created_at: subject.created_at,
            backup,
            active_restore_id: None,
            restore_of: None,
            cluster: None,
            observed_at: frozen.then_some(subject.as_of),
        }
    }

    fn pattern_key(
        &self,
        script: Option<Script>,
        fault: Fault,
        tier: &Tier,
        hub: &Hub,
        rng: &mut Rng,
    ) -> PatternKey {
        let cadence = if *tier == Tier::Dedicated && fault != Fault::DailyOnDedicated {
            Cadence::Hourly
        } else {
            Cadence::Daily
        };
        // Minutes and early-morning hours spread the fleet's runs: 100 000 tenants must not
        // all fire in the same minute.
        let minute = rng.below(60) as u32;
        let hour = rng.below(5) as u32;
        match script {
            Some(Script::StuckScheduler) => {
                PatternKey::firing_at(cadence, self.now - Duration::hours(2))
            }
            Some(Script::StuckSnapshot) => {
                PatternKey::firing_at(cadence, self.now - Duration::minutes(45))
            }
            // Failed a few hours before start, whatever the start: the manual re-run before
            // it then still holds the RPO, so the row starts amber, not red.
            Some(Script::CsiFailure) => {
                PatternKey::firing_at(cadence, self.now - Duration::hours(3))
            }
            Some(Script::PartialDump) => {
                PatternKey::firing_at(cadence, self.now - Duration::hours(5))
            }
            _ => PatternKey {
                cadence,
                minute,
                hour,
                timezone: hub.region.timezone(),
            },
        }
    }

    /// When the tenant was created, and its lifecycle state.
    fn created_and_state(
        &self,
        hub: &Hub,
        ordinal: usize,
        script: Option<Script>,
        fault: Fault,
        (last_run, as_of): (DateTime<Utc>, DateTime<Utc>),
        rng: &mut Rng,
    ) -> (DateTime<Utc>, TenantState) {
        let roll = rng.unit();
        let spoke = ordinal > 0;
        let provisioning = script == Some(Script::Provisioning)
            || (script.is_none() && spoke && fault == Fault::Healthy && roll < 0.003);
        if provisioning {
            // Created after the last run, so not backed up yet and not expected to be.
            let created = as_of - Duration::minutes(rng.range(5, 50));
            let created = if created <= last_run {
                last_run + (as_of - last_run) / 2
            } else {
                created
            };
            return (created, TenantState::Provisioning);
        }
        let suspended = script == Some(Script::Suspended)
            || (script.is_none() && spoke && (0.003..0.008).contains(&roll));
        let state = if suspended {
            TenantState::Suspended
        } else if script == Some(Script::RestoreOverwrite) {
            TenantState::Restoring
        } else {
            TenantState::Active
        };
        (self.created_at(hub, spoke, script, fault, rng), state)
    }

    fn created_at(
        &self,
        hub: &Hub,
        spoke: bool,
        script: Option<Script>,
        fault: Fault,
        rng: &mut Rng,
    ) -> DateTime<Utc> {
        let hours = |lo: i64, hi: i64, rng: &mut Rng| Duration::hours(rng.range(lo, hi));
        match script {
            Some(Script::NeverBackedUp) => return self.now - hours(110, 130, rng),
            Some(Script::HistoryShort) => return self.now - hours(365 * 24, 366 * 24, rng),
            // Other scripted tenants are old enough for the history their script needs.
            Some(_) if spoke => return self.now - hours(120 * 24, 400 * 24, rng),
            _ => {}
        }
        if !spoke {
            return hub.created_at;
        }
        if fault == Fault::Failing(Failure::PasswordRejected) {
            // The random "never backed up": a young spoke whose dumps never worked.
            return self.now - hours(48, 9 * 24, rng);
        }
        // Spokes come after their hub, and at least ten days before now.
        let earliest = hub.created_at + DAY;
        let latest = self.now - Duration::days(10);
        if latest <= earliest {
            return earliest.min(self.now);
        }
        let span = (latest - earliest).num_seconds();
        earliest + Duration::seconds(rng.range(0, span))
    }

    fn request_restore(&mut self, index: usize, script: Option<Script>) {
        let (mode, progress_at_start) = match script {
            Some(Script::RestoreNewSpoke) => (ModeChoice::NewSpoke, RESTORE_MIDWAY),
            Some(Script::RestoreOverwrite) => (ModeChoice::Overwrite, 0.0),
            _ => return,
        };
        self.requests.push(RestoreRequest {
            tenant: index,
            mode,
            progress_at_start,
        });
    }
}

/// Spokes mostly share their hub's tier; the scripted groups always do.
fn tier_of(hub: &Hub, ordinal: usize, rng: &mut Rng) -> Tier {
    let flip = rng.chance(0.1);
    if ordinal == 0 || hub.fixed || !flip {
        return hub.tier.clone();
    }
    match hub.tier {
        Tier::Dedicated => Tier::Standard,
        _ => Tier::Dedicated,
    }
}

fn scripted_fault(script: Script) -> Fault {
    match script {
        Script::RpoBreach => Fault::Failing(Failure::ConnectionRefused),
        Script::CsiFailure => Fault::Failing(Failure::CsiTimeout),
        Script::PartialDump => Fault::Failing(Failure::ConnectionReset),
        Script::NeverBackedUp => Fault::Failing(Failure::PasswordRejected),
        Script::CopyFailed => Fault::CopyFailed,
        Script::CopyStalled => Fault::CopyStalled,
        Script::RetentionExceeded => Fault::PruningStopped,
        Script::HistoryShort => Fault::LostHistory,
        Script::DailyOnDedicated => Fault::DailyOnDedicated,
        Script::Incoherent => Fault::Incoherent,
        Script::StuckScheduler => Fault::StuckScheduler,
        Script::StuckSnapshot => Fault::StuckSnapshot,
        Script::RestoreNewSpoke
        | Script::RestoreOverwrite
        | Script::Provisioning
        | Script::Suspended => Fault::Healthy,
    }
}

/// The random part of the fleet's trouble, in tenths of a percent; the rest is healthy.
/// Tuned so that about 85 % of a large fleet is OK at any moment (flaky tenants show only
/// while their last attempt failed). "Never backed up" (a rejected password from the first
/// dump on) is kept to young spokes: a hub's spokes are created after it.
fn random_fault(rng: &mut Rng, tier: &Tier, spoke: bool) -> Fault {
    let dedicated = *tier == Tier::Dedicated;
    let failure = match rng.pick(&Failure::ALL) {
        Failure::PasswordRejected => Failure::ConnectionRefused,
        other => other,
    };
    let table: [(u64, Fault); 11] = [
        (60, Fault::Flaky),
        (8, Fault::Failing(failure)),
        (
            if spoke { 3 } else { 0 },
            Fault::Failing(Failure::PasswordRejected),
        ),
        (10, Fault::Incoherent),
        (10, Fault::PruningStopped),
        (15, Fault::LostHistory),
        (4, Fault::StuckScheduler),
        (4, Fault::StuckSnapshot),
        (if dedicated { 15 } else { 0 }, Fault::CopyFailed),
        (if dedicated { 10 } else { 0 }, Fault::CopyStalled),
        (if dedicated { 15 } else { 0 }, Fault::DailyOnDedicated),
    ];
    let mut ticket = rng.below(1000);
    for (weight, fault) in table {
        if ticket < weight {
            return fault;
        }
        ticket -= weight;
    }
    Fault::Healthy
}
