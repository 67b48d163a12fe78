//! Restore drills: the pick over 100 000 tenants (which to drill tonight), and a drill's own
//! overhead beyond the restore it waits for — one drill through the in-process demo whose
//! clock jumps ahead, so the restore itself takes no wall time and what is measured is
//! snapdeck's: reading the points, launching, watching, recording, discarding, journaling.
//!
//!     cargo bench --bench drill

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use snapdeck::clock::ManualClock;
use snapdeck::commands::drill::{self, Options, PointChoice, Which};
use snapdeck::domain::drill::pick;
use snapdeck::ops::progress::Plain;
use snapdeck::source::demo::{DemoSource, fleet_at};

fn the_pick(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap();
    let (tenants, _) = fleet_at(42, 100_000, now);
    let mut group = c.benchmark_group("drill");
    group.sample_size(20);
    group.bench_function("pick 10 of 100000 tenants", |b| {
        b.iter(|| pick(tenants.iter().map(|t| t.as_ref()), 10))
    });
    group.finish();
}

fn one_drill(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("drill");
    group.sample_size(10);
    group.measurement_time(StdDuration::from_secs(20));
    group.bench_function("one drill's own overhead (restore instant)", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let start = Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap();
                let clock = Arc::new(ManualClock::new(start));
                // The platform's part takes no time here: the clock runs a day a millisecond.
                let ticking = {
                    let clock = clock.clone();
                    tokio::spawn(async move {
                        loop {
                            tokio::time::sleep(StdDuration::from_millis(1)).await;
                            clock.advance(Duration::hours(1));
                        }
                    })
                };
                let source = DemoSource::new(42, 60, clock, StdDuration::from_millis(5));
                let options = Options {
                    which: Which::Pick {
                        count: 1,
                        tier: None,
                    },
                    point: PointChoice::Latest,
                    parallel: 1,
                    time_limit: Some(Duration::days(3650)),
                    cross_region: false,
                    verify: None,
                    journal: Some(dir.path().join("journal.jsonl")),
                    operator: "bench".into(),
                    source_label: "demo".into(),
                    session: "bench".into(),
                    seed: 1,
                };
                let (_stop, stopped) = tokio::sync::watch::channel(false);
                let progress = Arc::new(Plain::new(Box::new(std::io::sink())));
                let summary = drill::run(Box::new(source), options, progress, stopped)
                    .await
                    .unwrap();
                ticking.abort();
                assert_eq!(summary.drills.len(), 1);
            })
        })
    });
    group.finish();
}

criterion_group!(benches, the_pick, one_drill);
criterion_main!(benches);
