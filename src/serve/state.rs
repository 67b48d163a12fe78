//! What the server holds: the demo control plane (the simulator and its idempotency record)
//! behind one lock, the clock it plays to, and the tokens.
//!
//! The lock is tokio's, so a request waiting for it does not block a worker thread; no
//! handler holds it across an `.await` (the simulator's work is synchronous), and large
//! answers are serialised after it is released.

use std::sync::Arc;

use tokio::sync::{Mutex, MutexGuard};

use super::auth::Tokens;
use crate::clock::Clock;
use crate::source::demo::Sim;
use crate::source::demo::control::{self, Idempotency};
use crate::source::{CommandError, Op, Reply};

/// The simulator and what the server knows about it.
pub struct Control {
    pub sim: Sim,
    done: Idempotency,
    /// Goes up whenever any tenant changes: the fleet's `ETag`.
    generation: u64,
}

impl Control {
    pub fn new(sim: Sim) -> Control {
        Control {
            sim,
            done: Idempotency::default(),
            generation: 0,
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Plays the simulation up to `now`; a tenant that changed makes a new generation.
    pub fn catch_up(&mut self, now: chrono::DateTime<chrono::Utc>) {
        if !self.sim.advance(now).is_empty() {
            self.generation += 1;
        }
    }

    /// A write, once per idempotency key (the key is part of the op, so the same key with
    /// another path or body is `422 idempotency_key_reused`). The record of answers grows
    /// for the life of the process: a demo server's writes are few.
    pub fn apply(&mut self, op: &Op) -> Result<Reply, CommandError> {
        let outcome = control::apply(&mut self.sim, &mut self.done, op);
        if !self.sim.take_touched().is_empty() {
            self.generation += 1;
        }
        outcome
    }
}

pub struct Shared {
    pub control: Arc<Mutex<Control>>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Tokens,
    /// Tells this run's `ETag`s from another run's: generations restart at 0 with the
    /// process, and a client's old tag must not match a different fleet.
    pub epoch: String,
}

impl Shared {
    /// The control plane, locked and caught up with the clock: every request sees the
    /// fleet as of the moment it arrived.
    pub async fn now(&self) -> MutexGuard<'_, Control> {
        let mut control = self.control.lock().await;
        control.catch_up(self.clock.now());
        control
    }

    /// The fleet's `ETag` at `generation` (a strong validator, quoted as HTTP wants it).
    pub fn etag(&self, generation: u64) -> String {
        format!("\"{}-{generation}\"", self.epoch)
    }
}
