//! The demo source: a simulated fleet, in process, with no set-up.
//!
//! A fleet is generated from a seed and a tenant count (same seed, count and start instant →
//! the same fleet), with a scripted tenant for every flag of the health table, then played
//! forward on the shared clock (usually a `ScaledClock` at `--demo-speed`): schedules fire,
//! attempts run and succeed or fail, points are pruned, copies land, restores move through
//! their phases.
//!
//! Scripted tenants, the same at every seed and at every size from 24 tenants up (smaller
//! fleets get those that fit); the rest of the fleet gets random trouble in proportion:
//!
//! | slug | shows |
//! |---|---|
//! | `northfield-arts` | RPO breached (Dedicated, attempts failing for 4 h) + last snapshot failed |
//! | `northfield-science` | restore running (new spoke, half-way at start) |
//! | `northfield-law` | cross-region lagging (copies failing) |
//! | `harbor-hub` and its spokes | data stale (cluster agent silent for 20 min) |
//! | `riverside-nursing` | last snapshot failed (CSI driver timeout) |
//! | `riverside-music` | retention exceeded (pruning stopped, oldest point 40 days) |
//! | `riverside-education` | never backed up (created 5 days ago, every dump fails) |
//! | `riverside-online` | provisioning (state only) |
//! | `ashford-engineering` | schedule misses RPO (Dedicated on a daily cron) |
//! | `ashford-online` | cross-region lagging (newest copy 30 h old) |
//! | `ashford-languages` | pair incoherent (skew 540 s) |
//! | `kingsbridge-health` | schedule overdue (scheduler stuck 2 h ago) |
//! | `kingsbridge-design` | last snapshot failed (`partial`: pg_dump connection reset) |
//! | `kingsbridge-cpd` | history short (a year old, oldest point 12 days) |
//! | `kingsbridge-summer` | suspended (state only) |
//! | `westbrook-s1` | schedule overdue (snapshot running 45 min, never ready) |
//! | `westbrook-s2` | restore running (overwrite, queued at start) |
//!
//! Modules: `layout` (hubs, spokes, where the scripted tenants sit), `events` (what is due
//! when), `generate` (the fleet at
//! its starting instant: names and schedules), `history` (each tenant's backup summary at
//! that instant), `behaviour` (faults, and each attempt's outcome), `sim` (the
//! simulator), `restores`, `dns` (DNS swaps), `points` (restore-point pages), `patterns` (cron
//! schedules, parsed once each), `names`, `rng`.
//!
//! Restores the operator launches: about 1 in 8 fails halfway (disk full, in the database or
//! the volume step), a few verify with a check warned or failed, and a new-spoke one adds its
//! spoke to the fleet (marked `restore_of`). Each restore's event log is written out from its
//! plan (`restores::restore_events`).
//! simulator), `restores`, `requests` (support tickets waiting for on-call, one arriving
//! every few simulated hours), `patterns` (cron schedules, parsed once each), `names`, `rng`.

mod behaviour;
/// The writes with the contract's semantics; the reference server (`serve`) carries them out too.
pub mod control;
mod drills;
mod events;
mod generate;
mod history;
mod layout;
mod names;
mod patterns;
mod points;
mod restores;
mod rng;
mod sim;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

pub use restores::{Verdict as CheckOutcome, failure_of, verdict_of};
pub use sim::{DEFAULT_STALE_FOR, MAX_TENANTS, Sim};

use crate::clock::Clock;
use crate::domain::region::{Outage, Regions};
use crate::domain::request::RestoreRequest;
use crate::domain::restore::Restore;
use crate::domain::tenant::Tenant;
use crate::source::{Connection, Op, Source, SourceCommand, SourceEvent, SourceInfo, SourceTask};

/// The demo fleet's size when none is asked for.
pub const DEFAULT_TENANTS: usize = 60;
/// How often, in real time, the simulator catches up with the clock and reports.
const TICK: std::time::Duration = std::time::Duration::from_millis(250);
/// Ticks are never closer than this, however fast the demo runs.
const MIN_TICK: std::time::Duration = std::time::Duration::from_millis(20);

/// The fleet of `seed` with `tenants` tenants as it stands at `now`, without running
/// anything: for `snapdeck status`, tests, benchmarks and screenshots.
pub fn fleet_at(seed: u64, tenants: usize, now: DateTime<Utc>) -> (Vec<Arc<Tenant>>, Vec<Restore>) {
    Sim::new(seed, tenants, now).into_parts()
}

/// The open restore requests of that fleet at `now`, for tests and screenshots.
pub fn requests_at(seed: u64, tenants: usize, now: DateTime<Utc>) -> Vec<RestoreRequest> {
    Sim::new(seed, tenants, now).open_requests()
}

pub struct DemoSource {
    seed: u64,
    tenants: usize,
    outages: Vec<Outage>,
    clock: Arc<dyn Clock>,
    refresh_interval: std::time::Duration,
}

impl DemoSource {
    pub fn new(
        seed: u64,
        tenants: usize,
        clock: Arc<dyn Clock>,
        refresh_interval: std::time::Duration,
    ) -> Self {
        Self {
            seed,
            tenants: tenants.min(MAX_TENANTS),
            outages: Vec::new(),
            clock,
            refresh_interval,
        }
    }

    /// Regions go down or degraded as `outages` say (`--region-down`).
    pub fn with_outages(mut self, outages: Vec<Outage>) -> Self {
        self.outages = outages;
        self
    }

    /// The stale group has been silent for longer than two refresh intervals, whatever the
    /// interval, so it reads stale with any configuration.
    fn stale_for(&self) -> Duration {
        let refresh = Duration::from_std(self.refresh_interval).unwrap_or(Duration::minutes(10));
        DEFAULT_STALE_FOR.max(refresh.checked_mul(3).unwrap_or(refresh))
    }

    async fn serve(
        self,
        events: UnboundedSender<SourceEvent>,
        mut commands: UnboundedReceiver<SourceCommand>,
    ) {
        let (seed, count, start, stale_for) =
            (self.seed, self.tenants, self.clock.now(), self.stale_for());
        let outages = self.outages.clone();
        let generated = off_the_runtime(move || {
            let started = std::time::Instant::now();
            let sim = Sim::with_stale_for(seed, count, start, stale_for).with_outages(&outages);
            let fleet = sim.tenants().to_vec();
            let ms = started.elapsed().as_millis();
            tracing::info!(tenants = fleet.len(), ms, "demo fleet generated");
            (sim, fleet)
        });
        let Some((mut sim, fleet)) = generated.await else {
            let error = "the demo fleet could not be generated".to_string();
            let _ = events.send(SourceEvent::Connection(Connection::Failing {
                error,
                scope: None,
                retry_in: None,
            }));
            return;
        };
        // Live once there is something to be live about: a million tenants take seconds to
        // generate, and "live" over "no data yet" would claim a fleet that is not there.
        if send_fleet(&events, fleet, &mut sim).is_err()
            || events
                .send(SourceEvent::Connection(Connection::Live))
                .is_err()
        {
            return;
        }
        let period = tick_period(self.refresh_interval, self.clock.speed());
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut commands_open = true;
        let mut done = control::Idempotency::default();
        loop {
            let sent = tokio::select! {
                _ = ticker.tick() => tick(&mut sim, self.clock.now(), &events),
                command = commands.recv(), if commands_open => match command {
                    Some(command) => {
                        // A write lands at the current instant: play the simulation up to it.
                        let caught_up = tick(&mut sim, self.clock.now(), &events);
                        caught_up.and_then(|()| answer(&mut sim, &mut done, command, &events))
                    }
                    // The app dropped its command sender: keep reporting all the same.
                    None => {
                        commands_open = false;
                        Ok(())
                    }
                },
            };
            if sent.is_err() {
                return;
            }
        }
    }
}

/// Carries out one command and answers it: a refresh sends the whole fleet first; a write
/// sends the tenants, restores and DNS swaps it changed first, so the answer never runs
/// ahead of them.
fn answer(
    sim: &mut Sim,
    done: &mut control::Idempotency,
    command: SourceCommand,
    events: &UnboundedSender<SourceEvent>,
) -> Result<(), Closed> {
    let SourceCommand { id, op } = command;
    let outcome = control::apply(sim, done, &op);
    if op == Op::Refresh {
        sim.take_fleet_shrunk();
        send_fleet(events, sim.fleet(), sim)?;
    } else {
        let touched = sim.take_touched();
        if !touched.is_empty() {
            report(sim, &touched, events)?;
        } else if sim.take_dns_changed() {
            // A swap changes no tenant, but its list goes before its answer all the same.
            send_dns_swaps(events, sim)?;
        }
        // An acknowledgement changes no tenant, but the ticket list goes before its answer.
        send_requests_if_changed(events, sim)?;
    }
    send(events, SourceEvent::Answer { id, outcome })
}

/// Runs CPU-heavy work (generating or copying 100 000 tenants takes a noticeable fraction
/// of a second) on tokio's blocking pool, off the async workers. `None` if it panicked.
async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    tokio::task::spawn_blocking(work).await.ok()
}

impl Source for DemoSource {
    fn info(&self) -> SourceInfo {
        SourceInfo {
            kind: "demo",
            detail: detail(self.seed, self.clock.speed()),
            cannot_act: None,
        }
    }

    fn run(
        self: Box<Self>,
        events: UnboundedSender<SourceEvent>,
        commands: UnboundedReceiver<SourceCommand>,
    ) -> SourceTask {
        Box::pin((*self).serve(events, commands))
    }
}

/// "seed 42 · ×10"; the speed is left out at ×1. Not the fleet's size: that changes (a
/// restore's new spoke, a discarded one) and the header counts it, so the two never disagree.
fn detail(seed: u64, speed: f64) -> String {
    let base = format!("seed {seed}");
    if !speed.is_finite() || (speed - 1.0).abs() < 1e-9 {
        return base;
    }
    let rounded = (speed * 100.0).round() / 100.0;
    format!("{base} · ×{rounded}")
}

/// Real time between ticks. The app judges a source stale after two refresh intervals of
/// clock time without a message; at ×1000 a 250 ms tick is over four minutes of clock time,
/// so fast demos tick faster (within reason).
fn tick_period(refresh_interval: std::time::Duration, speed: f64) -> std::time::Duration {
    if !speed.is_finite() || speed <= 0.0 {
        return TICK;
    }
    let quarter_of_stale = refresh_interval.as_secs_f64() / 2.0 / speed;
    let seconds = quarter_of_stale.clamp(MIN_TICK.as_secs_f64(), TICK.as_secs_f64());
    std::time::Duration::from_secs_f64(seconds)
}

/// Advances the simulation and reports what changed; an empty `Changed` is the heartbeat.
fn tick(
    sim: &mut Sim,
    now: DateTime<Utc>,
    events: &UnboundedSender<SourceEvent>,
) -> Result<(), Closed> {
    let changed = sim.advance(now);
    if sim.take_fleet_shrunk() {
        return send_fleet(events, sim.fleet(), sim);
    }
    report(sim, &changed, events)
}

/// Sends the tenants at `changed` (none is a heartbeat), then the restores if they changed.
fn report(
    sim: &mut Sim,
    changed: &[usize],
    events: &UnboundedSender<SourceEvent>,
) -> Result<(), Closed> {
    let tenants = changed
        .iter()
        .filter_map(|&index| sim.tenants().get(index).cloned())
        .collect();
    let generated_at = sim.now();
    send(
        events,
        SourceEvent::Changed {
            generated_at,
            tenants,
        },
    )?;
    send_regions(events, sim, false)?;
    if sim.take_restores_changed() {
        send_restores(events, sim)?;
    }
    if sim.take_dns_changed() {
        send_dns_swaps(events, sim)?;
    }
    send_requests_if_changed(events, sim)
}

fn send_fleet(
    events: &UnboundedSender<SourceEvent>,
    tenants: Vec<Arc<Tenant>>,
    sim: &mut Sim,
) -> Result<(), Closed> {
    // The regions first: a whole fleet is judged in one go when it comes, with the regions
    // the app knows; regions after it would have every tenant judged a second time.
    send_regions(events, sim, true)?;
    send(
        events,
        SourceEvent::Fleet {
            generated_at: sim.now(),
            tenants,
        },
    )?;
    send_restores(events, sim)?;
    send_dns_swaps(events, sim)?;
    send_requests(events, sim.now(), sim.open_requests())
}

/// The regions, when they changed (or `always`, with a whole fleet).
fn send_regions(
    events: &UnboundedSender<SourceEvent>,
    sim: &mut Sim,
    always: bool,
) -> Result<(), Closed> {
    let changed = sim.take_regions_changed();
    match changed.or_else(|| always.then(|| sim.regions())) {
        Some(items) => send(
            events,
            SourceEvent::Regions(Regions::Reported {
                generated_at: sim.now(),
                items,
            }),
        ),
        None => Ok(()),
    }
}

fn send_dns_swaps(events: &UnboundedSender<SourceEvent>, sim: &Sim) -> Result<(), Closed> {
    send(
        events,
        SourceEvent::DnsSwaps {
            generated_at: sim.now(),
            swaps: sim.dns_swaps().to_vec(),
        },
    )
}

fn send_requests_if_changed(
    events: &UnboundedSender<SourceEvent>,
    sim: &mut Sim,
) -> Result<(), Closed> {
    match sim.take_requests_changed() {
        Some(requests) => send_requests(events, sim.now(), requests),
        None => Ok(()),
    }
}

fn send_requests(
    events: &UnboundedSender<SourceEvent>,
    generated_at: DateTime<Utc>,
    requests: Vec<RestoreRequest>,
) -> Result<(), Closed> {
    send(
        events,
        SourceEvent::Requests {
            generated_at,
            requests,
        },
    )
}

fn send_restores(events: &UnboundedSender<SourceEvent>, sim: &Sim) -> Result<(), Closed> {
    send(
        events,
        SourceEvent::Restores {
            generated_at: sim.now(),
            restores: sim.restores().to_vec(),
        },
    )
}

/// The app has gone: the events channel is closed.
struct Closed;

fn send(events: &UnboundedSender<SourceEvent>, event: SourceEvent) -> Result<(), Closed> {
    events.send(event).map_err(|_| Closed)
}
