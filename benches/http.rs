//! The http source over loopback against the reference server with 100 000 tenants: the time
//! from starting the source to the whole fleet in hand (100 pages of 1000), and a refresh of
//! an unchanged fleet (one request answered 304). The README's table compares the first with
//! `curl` fetching the same pages.
//!
//!     cargo bench --bench http

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use snapdeck::clock::ManualClock;
use snapdeck::serve::{self, ServeConfig, Tokens};
use snapdeck::source::http::{
    BackoffPolicy, HttpSettings, HttpSource, TokenSources, TransportSettings,
};
use snapdeck::source::{SourceEvent, Started};
use tokio::net::TcpListener;

const TOKEN: &str = "bench-token";
const TENANTS: usize = 100_000;

fn settings(url: String, token: std::path::PathBuf, refresh: Duration) -> HttpSettings {
    HttpSettings {
        transport: TransportSettings {
            url,
            ca_file: None,
            allow_insecure_http: false,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
        },
        tokens: TokenSources {
            env: "SNAPDECK_BENCH_TOKEN_NEVER_SET".into(),
            file: Some(token),
            command: None,
        },
        refresh_interval: refresh,
        backoff: BackoffPolicy {
            base: Duration::from_millis(50),
            cap: Duration::from_secs(1),
        },
        command_retries: 3,
    }
}

/// The source's events until the whole fleet came; answers them.
async fn until_fleet(source: &mut Started) {
    loop {
        match source.events.recv().await {
            Some(SourceEvent::Fleet { tenants, .. }) => {
                assert_eq!(tenants.len(), TENANTS);
                return;
            }
            Some(_) => {}
            None => panic!("the source stopped"),
        }
    }
}

fn loopback(c: &mut Criterion) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, TOKEN).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let url = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        // A clock that does not move: the fleet stays the same between refreshes.
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap(),
        ));
        let config = ServeConfig {
            seed: 42,
            tenants: TENANTS,
            clock,
            tokens: Tokens::new(TOKEN.into(), None).unwrap(),
            outages: Vec::new(),
        };
        tokio::spawn(serve::run(listener, config, std::future::pending()));
        format!("http://{address}")
    });
    let mut group = c.benchmark_group("http source, 100000 tenants over loopback");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("first full load", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let source = HttpSource::new(settings(
                    url.clone(),
                    token.clone(),
                    Duration::from_secs(3600),
                ))
                .unwrap();
                let mut started = snapdeck::source::start(Box::new(source));
                until_fleet(&mut started).await;
                started.task.abort();
            })
        })
    });
    group.finish();
}

criterion_group!(benches, loopback);
criterion_main!(benches);
