//! From one namespace's objects to a tenant, rule by rule, at a fixed clock
//! (2026-11-28T12:00:00Z) and in cluster `prod-eu`. The fixtures are here; the rules, in the
//! numbered sections below, each in its module.

mod cross_region;
mod identity;
mod odd_objects;
mod pairing;
mod point_status;
mod schedule;
mod self_host;

use std::cell::RefCell;
use std::sync::LazyLock;

use chrono::TimeZone;

use super::*;
use crate::domain::health::{FlagKind, Health, HealthContext, Level, evaluate, not_applicable};
use crate::domain::restore_point::{DatabaseDump, RegionCopy, VolumeSnapshot};
use crate::domain::run_times::ScheduleFacts;
use crate::source::kube::objects::{CopyFacts, HalfState};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const TENANT_KEY: &str = "snapdeck.io/tenant";
static KEYS: LazyLock<KubeKeys> = LazyLock::new(KubeKeys::default);
static PLATFORM: LazyLock<Mode> = LazyLock::new(|| Mode::Platform);
static SELF_HOST: LazyLock<Mode> = LazyLock::new(|| Mode::SelfHost {
    rpo: Duration::hours(24),
    retention_days: 7,
});

/// The fixed clock: 2026-11-28T12:00:00Z.
fn now() -> DateTime<Utc> {
    at(12, 0, 0)
}

/// An instant on 2026-11-28, UTC.
fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, h, m, s).unwrap()
}

/// `secs` seconds before `now()`.
fn ago(secs: i64) -> DateTime<Utc> {
    now() - Duration::seconds(secs)
}

fn days_ago(days: i64) -> DateTime<Utc> {
    now() - Duration::days(days)
}

fn cx(mode: &'static Mode) -> Context<'static> {
    Context {
        cluster: "prod-eu",
        keys: &KEYS,
        tenant_key: TENANT_KEY,
        mode,
        now: now(),
    }
}

fn platform() -> Context<'static> {
    cx(&PLATFORM)
}

fn self_host() -> Context<'static> {
    cx(&SELF_HOST)
}

fn no_hub(_: &str) -> Option<TenantId> {
    None
}

/// A namespace with exactly these labels (full keys), created 2026-01-01.
fn namespace(name: &str, labels: &[(&str, &str)]) -> NamespaceFacts {
    NamespaceFacts {
        name: name.to_string(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        annotations: BTreeMap::new(),
        created: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        terminating: false,
    }
}

/// A hub tenant's namespace of `tier` in eu-west-1; a Dedicated one also names eu-central-1
/// as its secondary region.
fn tenant_ns(name: &str, slug: &str, tier: &str) -> NamespaceFacts {
    let mut labels = vec![
        (TENANT_KEY, slug),
        ("snapdeck.io/kind", "hub"),
        ("snapdeck.io/tier", tier),
        ("snapdeck.io/region", "eu-west-1"),
    ];
    if tier == "dedicated" {
        labels.push(("snapdeck.io/secondary-region", "eu-central-1"));
    }
    namespace(name, &labels)
}

fn standard_ns() -> NamespaceFacts {
    tenant_ns("moodle-a", "northfield", "standard")
}

fn dedicated_ns() -> NamespaceFacts {
    tenant_ns("moodle-a", "northfield", "dedicated")
}

fn without_label(mut ns: NamespaceFacts, key: &str) -> NamespaceFacts {
    ns.labels.remove(key);
    ns
}

fn with_label(mut ns: NamespaceFacts, key: &str, value: &str) -> NamespaceFacts {
    ns.labels.insert(key.to_string(), value.to_string());
    ns
}

fn with_annotation(mut ns: NamespaceFacts, key: &str, value: &str) -> NamespaceFacts {
    ns.annotations.insert(key.to_string(), value.to_string());
    ns
}

/// The backup CronJob `backup`, daily at 02:00, created on 2026-01-01, never scheduled yet.
fn cron(schedule: &str) -> CronFacts {
    CronFacts {
        name: "backup".to_string(),
        schedule: schedule.to_string(),
        time_zone: None,
        suspended: false,
        last_scheduled: None,
        created: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        tenant: None,
    }
}

fn dump(name: &str, run: Option<&str>, started: DateTime<Utc>, state: HalfState) -> DumpFacts {
    DumpFacts {
        name: name.to_string(),
        run: run.map(str::to_string),
        started: Some(started),
        finished: None,
        state,
        bytes: None,
        copy: CopyFacts::default(),
    }
}

fn snap(name: &str, run: Option<&str>, created: DateTime<Utc>, state: HalfState) -> SnapFacts {
    SnapFacts {
        name: name.to_string(),
        run: run.map(str::to_string),
        created: Some(created),
        has_status: true,
        state,
        restore_bytes: None,
        copy: CopyFacts::default(),
    }
}

/// A snapshot the controller never wrote a status on.
fn silent_snap(name: &str, created: DateTime<Utc>) -> SnapFacts {
    SnapFacts {
        has_status: false,
        ..snap(name, None, created, HalfState::Running)
    }
}

fn ok_dump(run: &str, started: DateTime<Utc>) -> DumpFacts {
    dump(
        &format!("db-dump-{run}"),
        Some(run),
        started,
        HalfState::Succeeded,
    )
}

fn ok_snap(run: &str, created: DateTime<Utc>) -> SnapFacts {
    snap(
        &format!("moodledata-{run}"),
        Some(run),
        created,
        HalfState::Succeeded,
    )
}

fn copied(at: DateTime<Utc>) -> CopyFacts {
    CopyFacts {
        copied_at: Some(at),
        error: None,
    }
}

fn copy_failed(why: &str) -> CopyFacts {
    CopyFacts {
        copied_at: None,
        error: Some(why.to_string()),
    }
}

fn failed(why: &str) -> HalfState {
    HalfState::Failed(why.to_string())
}

/// A namespace's objects, built up.
#[derive(Default)]
struct Ns(NsObjects);

impl Ns {
    fn of(ns: NamespaceFacts) -> Ns {
        Ns(NsObjects {
            namespace: Some(ns),
            ..NsObjects::default()
        })
    }

    /// Objects without namespace facts (self-host mode does not read namespaces).
    fn bare() -> Ns {
        Ns::default()
    }

    fn cron(mut self, c: CronFacts) -> Ns {
        self.0.crons.insert(c.name.clone(), c);
        self
    }

    fn dump(mut self, d: DumpFacts) -> Ns {
        self.0.dumps.insert(d.name.clone(), d);
        self
    }

    fn snap(mut self, s: SnapFacts) -> Ns {
        self.0.snaps.insert(s.name.clone(), s);
        self
    }

    /// Both halves of run `run`, succeeded, the snapshot `skew` seconds after the dump.
    fn pair(self, run: &str, started: DateTime<Utc>, skew: i64) -> Ns {
        self.dump(ok_dump(run, started))
            .snap(ok_snap(run, started + Duration::seconds(skew)))
    }

    fn get(self) -> NsObjects {
        self.0
    }
}

/// The tenant in namespace `moodle-a`, in platform mode, with no hub to find.
fn assemble(objects: &NsObjects) -> Tenant {
    tenant("moodle-a", objects, &platform(), &no_hub).expect("a tenant")
}

fn assemble_self_host(objects: &NsObjects) -> Tenant {
    tenant("moodle-a", objects, &self_host(), &no_hub).expect("a self-host tenant")
}

fn view(t: &Tenant) -> &ClusterView {
    t.cluster().expect("read from a cluster")
}

fn unknowns(t: &Tenant) -> &[Unknown] {
    &view(t).unknowns
}

fn unknowns_of(t: &Tenant, fact: Fact) -> Vec<String> {
    unknowns(t)
        .iter()
        .filter(|u| u.fact == fact)
        .map(|u| u.reason.clone())
        .collect()
}

fn unknown(fact: Fact, reason: &str) -> Unknown {
    Unknown {
        fact,
        reason: reason.to_string(),
    }
}

fn ids(points: &[RestorePoint]) -> Vec<&str> {
    points.iter().map(|p| p.id.0.as_str()).collect()
}

fn points(objects: &NsObjects) -> Vec<RestorePoint> {
    points_of(objects, &platform())
}

fn point<'a>(points: &'a [RestorePoint], id: &str) -> &'a RestorePoint {
    points
        .iter()
        .find(|p| p.id.0 == id)
        .unwrap_or_else(|| panic!("no point {id} in {:?}", ids(points)))
}

fn health(t: &Tenant, interval: Duration) -> Health {
    let ctx = HealthContext {
        now: now(),
        refresh_interval: Duration::seconds(30),
        source_heard_at: Some(now()),
        drill_max_age: None,
    };
    evaluate(t, ScheduleFacts::interval_only(Some(interval)), &ctx)
}

fn explanations(h: &Health, kind: FlagKind) -> Vec<&str> {
    h.flags
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.explanation.as_str())
        .collect()
}

/// The one flag of `kind`'s explanation.
fn explanation(h: &Health, kind: FlagKind) -> &str {
    match explanations(h, kind).as_slice() {
        [one] => one,
        other => panic!("expected one {kind:?} flag, got {other:?} in {:?}", h.flags),
    }
}

fn copied_pair(run: &str, started: DateTime<Utc>, copy: CopyFacts) -> Ns {
    let mut s = ok_snap(run, started + Duration::seconds(10));
    s.copy = copy;
    Ns::default().dump(ok_dump(run, started)).snap(s)
}

/// Merges `more`'s objects into `base`.
fn and(mut base: Ns, more: Ns) -> Ns {
    base.0.dumps.extend(more.0.dumps);
    base.0.snaps.extend(more.0.snaps);
    base
}
