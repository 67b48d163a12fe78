//! `snapdeck serve-demo`: the reference server of the control-plane API
//! (`docs/control-plane-api.md`), serving the demo control plane over HTTP — what the http
//! source is tested against, and what a developer of the real control plane can compare
//! with.
//!
//! Modules: `state` (the simulator behind its lock, the fleet's generation), `routes` (the
//! paths and layers), `reads` and `writes` (thin handlers: HTTP to the simulator and back),
//! `paging` (limit and cursors), `auth` (bearer tokens, operator and viewer), `error` (the
//! contract's error body), `log` (a line per request), `start` (the command: tokens, banner,
//! signals).

mod auth;
mod error;
mod log;
mod paging;
mod reads;
mod routes;
mod start;
mod state;
mod writes;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::Mutex;

pub use auth::Tokens;
pub use start::{ServeOptions, command};

use crate::clock::Clock;
use crate::source::demo::{MAX_TENANTS, Sim};
use state::{Control, Shared};

/// Real time between the background ticker's catch-ups at ×1. Requests catch up on their
/// own; the ticker keeps each catch-up small (and the schedules firing) between them.
const TICK: std::time::Duration = std::time::Duration::from_millis(250);
const MIN_TICK: std::time::Duration = std::time::Duration::from_millis(20);

/// What to serve, and to whom.
pub struct ServeConfig {
    pub seed: u64,
    pub tenants: usize,
    /// The simulation plays to this clock (a `ScaledClock` at `--demo-speed`; a test's
    /// `ManualClock`).
    pub clock: Arc<dyn Clock>,
    pub tokens: Tokens,
    /// Regions that go down or degraded during the run (`--region-down`).
    pub outages: Vec<crate::domain::region::Outage>,
}

/// A generated fleet, ready to serve.
pub struct Server {
    shared: Arc<Shared>,
}

impl Server {
    /// Generates the fleet at the clock's now, on the blocking pool: 100 000 tenants take a
    /// noticeable moment, which must not stall the runtime.
    pub async fn start(config: ServeConfig) -> Result<Server, String> {
        let ServeConfig {
            seed,
            tenants,
            clock,
            tokens,
            outages,
        } = config;
        let at = clock.now();
        let count = tenants.min(MAX_TENANTS);
        let sim =
            tokio::task::spawn_blocking(move || Sim::new(seed, count, at).with_outages(&outages))
                .await
                .map_err(|e| format!("the demo fleet could not be generated: {e}"))?;
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let shared = Shared {
            control: Arc::new(Mutex::new(Control::new(sim))),
            clock,
            tokens,
            epoch: format!("{epoch:x}"),
        };
        Ok(Server {
            shared: Arc::new(shared),
        })
    }

    pub fn router(&self) -> axum::Router {
        routes::router(self.shared.clone())
    }

    /// Serves on `listener` until `shutdown` completes, then lets the requests in flight
    /// finish (graceful shutdown) and returns.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), String> {
        let ticker = tokio::spawn(tick(self.shared.clone()));
        let served = axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await;
        ticker.abort();
        served.map_err(|e| format!("the server stopped: {e}"))
    }
}

/// Generates the fleet of `config` and serves it on `listener` until `shutdown` completes:
/// what tests call with an ephemeral port.
pub async fn run(
    listener: TcpListener,
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    Server::start(config).await?.serve(listener, shutdown).await
}

/// Plays the simulation forward in the background, on the blocking pool (a big fleet's
/// catch-up, or its regeneration after a long jump, is CPU work).
async fn tick(shared: Arc<Shared>) {
    let mut ticker = tokio::time::interval(tick_period(shared.clock.speed()));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let mut control = shared.control.clone().lock_owned().await;
        let now = shared.clock.now();
        let caught_up = tokio::task::spawn_blocking(move || control.catch_up(now)).await;
        if caught_up.is_err() {
            // The simulator panicked: requests still answer from the fleet as it was.
            return;
        }
    }
}

/// Fast demos tick faster (down to 20 ms), so each catch-up plays a small stretch of
/// simulated time and no request waits behind a long one.
fn tick_period(speed: f64) -> std::time::Duration {
    if !speed.is_finite() || speed <= 1.0 {
        return TICK;
    }
    let seconds =
        (TICK.as_secs_f64() / speed.sqrt()).clamp(MIN_TICK.as_secs_f64(), TICK.as_secs_f64());
    std::time::Duration::from_secs_f64(seconds)
}
