//! The reference server (`serve-demo`) on an ephemeral loopback port, its clock driven by the
//! test: the fixed instant of `support::now()` (Thursday 26 Nov 2026 03:10 UTC), seed 42, 60
//! tenants.

use std::sync::Arc;

use snapdeck::clock::ManualClock;
use snapdeck::serve::{self, ServeConfig, Tokens};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub struct Server {
    pub url: String,
    pub clock: Arc<ManualClock>,
    _stop: oneshot::Sender<()>,
}

impl Server {
    /// The same server reached at `url` (a proxy in front of it that breaks something): its
    /// clock, without owning its life.
    pub fn through(&self, url: String) -> Server {
        Server {
            url,
            clock: self.clock.clone(),
            _stop: oneshot::channel().0,
        }
    }
}

/// Serves until the `Server` is dropped, taking `operator`'s token (and `viewer`'s, read-only).
pub async fn serve(operator: &str, viewer: Option<&str>) -> Server {
    serve_with(operator, viewer, 60, Vec::new()).await
}

/// `serve`, with `tenants` and simulated `outages`.
pub async fn serve_with(
    operator: &str,
    viewer: Option<&str>,
    tenants: usize,
    outages: Vec<snapdeck::domain::region::Outage>,
) -> Server {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let clock = Arc::new(ManualClock::new(super::now()));
    let config = ServeConfig {
        seed: super::SEED,
        tenants,
        clock: clock.clone(),
        tokens: Tokens::new(operator.into(), viewer.map(str::to_string)).unwrap(),
        outages,
    };
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(serve::run(listener, config, async {
        let _ = stopped.await;
    }));
    Server {
        url: format!("http://{address}"),
        clock,
        _stop: stop,
    }
}
