//! Time is injected: every rule and every screen is testable at a fixed instant, and the demo
//! fleet can run faster than real time.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// How many clock seconds pass per real second (1 for the wall clock).
    fn speed(&self) -> f64 {
        1.0
    }
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that never moves, for tests, snapshots and screenshots.
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock a test moves by hand, to watch a restore progress without waiting.
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(at))
    }

    pub fn advance(&self, by: Duration) {
        if let Ok(mut at) = self.0.lock() {
            *at += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        // A poisoned lock still holds the last instant set.
        match self.0.lock() {
            Ok(at) => *at,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// The demo fleet's clock: starts at `origin` and runs `speed` times faster than real time.
pub struct ScaledClock {
    origin: DateTime<Utc>,
    started: Instant,
    speed: f64,
}

impl ScaledClock {
    pub fn new(origin: DateTime<Utc>, speed: f64) -> Self {
        Self {
            origin,
            started: Instant::now(),
            speed,
        }
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> DateTime<Utc> {
        let real = self.started.elapsed().as_secs_f64() * self.speed;
        // Saturates far beyond any real session instead of overflowing.
        let scaled = Duration::milliseconds((real * 1000.0).min(1e15) as i64);
        self.origin + scaled
    }

    fn speed(&self) -> f64 {
        self.speed
    }
}
