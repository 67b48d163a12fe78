//! One cluster's index: how much a change to one object costs once the fleet is held. A
//! VolumeSnapshot turning ready re-assembles its own namespace only, so the cost is the same
//! with 200 namespaces as with 2 000 (30 runs each: 60 000 snapshots and 60 000 Jobs). The
//! first full assembly of the 2 000 is measured beside it for scale. The README's table puts
//! the first view of a real cluster (`benches/kube_fleet/`) beside kubectl's.
//!
//!     cargo bench --bench kube

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use snapdeck::config::KubeKeys;
use snapdeck::source::kube::Mode;
use snapdeck::source::kube::assemble::Context;
use snapdeck::source::kube::errors::Kind;
use snapdeck::source::kube::index::{Change, ClusterIndex};
use snapdeck::source::kube::objects::{
    CopyFacts, CronFacts, DumpFacts, Facts, HalfState, NamespaceFacts, SnapFacts,
};

const RUNS: i64 = 30;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

fn namespace(i: usize) -> Facts {
    let hub = i.is_multiple_of(10);
    let mut labels = BTreeMap::new();
    labels.insert("snapdeck.io/tenant".to_string(), format!("t{i}"));
    labels.insert(
        "snapdeck.io/kind".to_string(),
        if hub { "hub" } else { "spoke" }.to_string(),
    );
    labels.insert("snapdeck.io/hub".to_string(), format!("t{}", i - i % 10));
    labels.insert("snapdeck.io/tier".to_string(), "standard".to_string());
    Facts::Namespace(NamespaceFacts {
        name: format!("moodle-t{i}"),
        labels,
        annotations: BTreeMap::new(),
        created: Some(now() - Duration::days(400)),
        terminating: false,
    })
}

fn snap(i: usize, run: i64, state: HalfState) -> Facts {
    Facts::Snap {
        namespace: format!("moodle-t{i}"),
        facts: SnapFacts {
            name: format!("moodledata-{run}"),
            run: Some(format!("r{run}")),
            created: Some(now() - Duration::days(run) + Duration::seconds(20)),
            has_status: true,
            state,
            restore_bytes: Some(10 << 30),
            copy: CopyFacts::default(),
        },
    }
}

/// The index of a cluster of `namespaces` tenants, listed and assembled once.
fn cluster(namespaces: usize) -> ClusterIndex {
    let mut index = ClusterIndex::new(&Kind::ALL);
    for kind in Kind::ALL {
        index.apply(kind, Change::Init);
    }
    for i in 0..namespaces {
        let ns = format!("moodle-t{i}");
        index.apply(Kind::Namespaces, Change::InitApply(namespace(i)));
        let cron = CronFacts {
            name: "backup".into(),
            schedule: "0 2 * * *".into(),
            time_zone: None,
            suspended: false,
            last_scheduled: Some(now() - Duration::hours(10)),
            created: Some(now() - Duration::days(400)),
            tenant: None,
        };
        index.apply(
            Kind::CronJobs,
            Change::InitApply(Facts::Cron {
                namespace: ns.clone(),
                facts: cron,
            }),
        );
        for run in 0..RUNS {
            let dump = DumpFacts {
                name: format!("dump-{run}"),
                run: Some(format!("r{run}")),
                started: Some(now() - Duration::days(run)),
                finished: Some(now() - Duration::days(run) + Duration::minutes(3)),
                state: HalfState::Succeeded,
                bytes: Some(1 << 30),
                copy: CopyFacts::default(),
            };
            index.apply(
                Kind::Jobs,
                Change::InitApply(Facts::Dump {
                    namespace: ns.clone(),
                    facts: dump,
                }),
            );
            index.apply(
                Kind::Snapshots,
                Change::InitApply(snap(i, run, HalfState::Succeeded)),
            );
        }
    }
    for kind in Kind::ALL {
        index.apply(kind, Change::InitDone);
    }
    index
}

fn context<'a>(keys: &'a KubeKeys, mode: &'a Mode) -> Context<'a> {
    Context {
        cluster: "prod-eu",
        keys,
        tenant_key: "snapdeck.io/tenant",
        mode,
        now: now(),
    }
}

fn benches(c: &mut Criterion) {
    let keys = KubeKeys::default();
    let mode = Mode::Platform;
    let cx = context(&keys, &mode);
    let mut group = c.benchmark_group("kube index");
    group.sample_size(10);
    group.bench_function("first assembly of 2000 namespaces, 60000 snapshots", |b| {
        b.iter_batched(
            || cluster(2_000),
            |mut index| index.flush(&cx).len(),
            BatchSize::LargeInput,
        )
    });
    for namespaces in [200, 2_000] {
        let mut index = cluster(namespaces);
        index.flush(&cx);
        let mut ready = true;
        group.bench_function(
            format!("one snapshot changes, {namespaces} namespaces"),
            |b| {
                b.iter(|| {
                    // Alternates so every iteration is a real change of one tenant.
                    ready = !ready;
                    let state = if ready {
                        HalfState::Succeeded
                    } else {
                        HalfState::Running
                    };
                    index.apply(Kind::Snapshots, Change::Apply(snap(7, 0, state)));
                    let changed = index.flush(&cx);
                    assert_eq!(changed.len(), 1);
                })
            },
        );
    }
    group.finish();
}

criterion_group!(kube, benches);
criterion_main!(kube);
