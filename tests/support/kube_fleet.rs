//! A fleet as the kube source reads it from two clusters, made from cluster facts through the
//! source's own index at the fixed clock: odd objects included, for render tests and
//! screenshots.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Duration;
use snapdeck::app::{App, Effect, Msg};
use snapdeck::config::KubeKeys;
use snapdeck::domain::tenant::Tenant;
use snapdeck::source::kube::assemble::Context;
use snapdeck::source::kube::errors::Kind;
use snapdeck::source::kube::index::{Change, ClusterIndex};
use snapdeck::source::kube::objects::{
    CopyFacts, CronFacts, DumpFacts, Facts, HalfState, NamespaceFacts, SnapFacts,
};
use snapdeck::source::kube::{Mode, READ_ONLY};
use snapdeck::source::{Connection, Op, Page, Reply, SourceCommand, SourceEvent, SourceInfo};

use super::now;

/// One tenant's namespace: its labels, and how its runs went.
struct Spec {
    slug: &'static str,
    kind: &'static str,
    hub: Option<&'static str>,
    tier: &'static str,
    cron: &'static str,
    suspended: bool,
    /// Minutes ago of each run, newest first.
    runs: Vec<i64>,
    newest: HalfState,
}

fn spec(
    slug: &'static str,
    kind: &'static str,
    hub: Option<&'static str>,
    tier: &'static str,
) -> Spec {
    Spec {
        slug,
        kind,
        hub,
        tier,
        cron: "0 2 * * *",
        suspended: false,
        runs: daily(0),
        newest: HalfState::Succeeded,
    }
}

/// A month of daily runs at 02:10 (the fixed clock is 03:10), the newest `skip` days ago.
fn daily(skip: i64) -> Vec<i64> {
    (skip..skip + 30).map(|d| 60 + 1440 * d).collect()
}

/// 90 days of hourly runs, the newest ten minutes ago.
fn hourly() -> Vec<i64> {
    (0..24 * 90).map(|h| 10 + 60 * h).collect()
}

fn facts(spec: &Spec) -> Vec<(Kind, Facts)> {
    let ns = format!("moodle-{}", spec.slug);
    let mut labels = BTreeMap::new();
    labels.insert("snapdeck.io/tenant".to_string(), spec.slug.to_string());
    labels.insert("snapdeck.io/kind".to_string(), spec.kind.to_string());
    labels.insert("snapdeck.io/tier".to_string(), spec.tier.to_string());
    labels.insert("snapdeck.io/region".to_string(), "eu-west-1".to_string());
    if let Some(hub) = spec.hub {
        labels.insert("snapdeck.io/hub".to_string(), hub.to_string());
    }
    let mut annotations = BTreeMap::new();
    annotations.insert(
        "snapdeck.io/hostname".to_string(),
        format!("{}.moodle.example", spec.slug),
    );
    annotations.insert(
        "snapdeck.io/secondary-region".to_string(),
        "eu-central-1".to_string(),
    );
    let mut all = vec![(
        Kind::Namespaces,
        Facts::Namespace(NamespaceFacts {
            name: ns.clone(),
            labels,
            annotations,
            created: Some(now() - Duration::days(400)),
            terminating: false,
        }),
    )];
    let cron = CronFacts {
        name: "backup".into(),
        schedule: spec.cron.into(),
        time_zone: None,
        suspended: spec.suspended,
        last_scheduled: None,
        created: Some(now() - Duration::days(400)),
        tenant: None,
    };
    all.push((
        Kind::CronJobs,
        Facts::Cron {
            namespace: ns.clone(),
            facts: cron,
        },
    ));
    for (i, hours) in spec.runs.iter().enumerate() {
        let at = now() - Duration::minutes(*hours);
        let state = if i == 0 {
            spec.newest.clone()
        } else {
            HalfState::Succeeded
        };
        let copy = CopyFacts {
            copied_at: Some(at + Duration::minutes(5)),
            error: None,
        };
        let dump = DumpFacts {
            name: format!("dump-{i}"),
            run: Some(format!("r{i}")),
            started: Some(at),
            finished: Some(at + Duration::minutes(4)),
            state,
            bytes: Some(3 << 30),
            copy: copy.clone(),
        };
        all.push((
            Kind::Jobs,
            Facts::Dump {
                namespace: ns.clone(),
                facts: dump,
            },
        ));
        let snap = SnapFacts {
            name: format!("moodledata-{i}"),
            run: Some(format!("r{i}")),
            created: Some(at + Duration::seconds(25)),
            has_status: true,
            state: HalfState::Succeeded,
            restore_bytes: Some(40 << 30),
            copy,
        };
        all.push((
            Kind::Snapshots,
            Facts::Snap {
                namespace: ns.clone(),
                facts: snap,
            },
        ));
    }
    all
}

fn cluster(name: &str, specs: &[Spec]) -> (ClusterIndex, Vec<Arc<Tenant>>) {
    let keys = KubeKeys::default();
    let mode = Mode::Platform;
    let cx = Context {
        cluster: name,
        keys: &keys,
        tenant_key: "snapdeck.io/tenant",
        mode: &mode,
        now: now(),
    };
    // As the watchers list a cluster: every kind listed, then done.
    let mut index = ClusterIndex::new(&Kind::ALL);
    for kind in Kind::ALL {
        index.apply(kind, Change::Init);
    }
    for spec in specs {
        for (kind, facts) in facts(spec) {
            index.apply(kind, Change::InitApply(facts));
        }
    }
    for kind in Kind::ALL {
        index.apply(kind, Change::InitDone);
    }
    let tenants = index.flush(&cx);
    (index, tenants)
}

/// Two clusters' indexes and tenants: healthy ones, a failed dump, a suspended CronJob, a tier
/// snapdeck does not know and a spoke whose hub is not in its cluster.
fn clusters() -> Vec<(ClusterIndex, Vec<Arc<Tenant>>)> {
    let mut failed = spec("kb-law", "spoke", Some("kb-hub"), "dedicated");
    failed.cron = "0 * * * *";
    failed.runs = hourly();
    failed.newest =
        HalfState::Failed("BackoffLimitExceeded: pg_dump: could not connect to server".into());
    let mut suspended = spec("kb-arts", "spoke", Some("kb-hub"), "standard");
    suspended.suspended = true;
    suspended.runs = daily(2);
    let mut hourly = spec("kb-hub", "hub", None, "dedicated");
    hourly.cron = "0 * * * *";
    hourly.runs = self::hourly();
    let east = [
        hourly,
        failed,
        suspended,
        spec("kb-music", "spoke", Some("kb-hub"), "standard"),
        spec("gold-test", "hub", None, "gold"),
    ];
    let west = [
        spec("riverside-hub", "hub", None, "standard"),
        spec(
            "riverside-nursing",
            "spoke",
            Some("riverside-hub"),
            "standard",
        ),
        spec(
            "riverside-online",
            "spoke",
            Some("riverside-hub"),
            "standard",
        ),
        spec("harbor-s1", "spoke", Some("harbor-hub"), "standard"),
    ];
    vec![cluster(EAST, &east), cluster(WEST, &west)]
}

const EAST: &str = "prod-eu-east";
const WEST: &str = "prod-eu-west";

/// Every tenant of both clusters.
pub fn tenants() -> Vec<Arc<Tenant>> {
    clusters().into_iter().flat_map(|(_, t)| t).collect()
}

/// An app showing the two clusters as the kube source does: read-only, saying why.
pub fn app() -> App {
    let mut app = App::new(super::settings(SourceInfo {
        kind: "kube",
        detail: "2 clusters: prod-eu-east, prod-eu-west".into(),
        cannot_act: Some(READ_ONLY),
    }));
    app.update(
        Msg::Source(SourceEvent::Connection(Connection::Live)),
        now(),
    );
    app.update(
        Msg::Source(SourceEvent::Fleet {
            generated_at: now(),
            tenants: tenants(),
        }),
        now(),
    );
    app
}

/// A key; the restore points it asks for are answered from the clusters' indexes, as the
/// kube source answers them.
pub fn press(app: &mut App, code: crossterm::event::KeyCode) {
    let key = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
    let effects = app.update(Msg::Key(key), now());
    for effect in effects {
        let Effect::Source(SourceCommand {
            id,
            op: Op::RestorePoints { tenant, .. },
        }) = effect
        else {
            continue;
        };
        let (cluster, ns) = tenant.0.split_once('/').unwrap();
        let keys = KubeKeys::default();
        let mode = Mode::Platform;
        let cx = Context {
            cluster,
            keys: &keys,
            tenant_key: "snapdeck.io/tenant",
            mode: &mode,
            now: now(),
        };
        let at = usize::from(cluster == WEST);
        let items = clusters().swap_remove(at).0.points(ns, &cx);
        let page = Page {
            items,
            next_cursor: None,
        };
        let outcome = Ok(Reply::RestorePoints(page));
        app.update(Msg::Source(SourceEvent::Answer { id, outcome }), now());
    }
}

/// Filters the fleet down to `slug` and opens its card.
pub fn open_card(app: &mut App, slug: &str) {
    press(app, crossterm::event::KeyCode::Char('/'));
    for c in slug.chars() {
        press(app, crossterm::event::KeyCode::Char(c));
    }
    press(app, crossterm::event::KeyCode::Enter);
    press(app, crossterm::event::KeyCode::Enter);
}
