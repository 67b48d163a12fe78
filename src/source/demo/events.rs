//! What the simulator has due: the next cron run of every tenant, the end of every attempt
//! in flight, every cross-region copy on its way. The generator queues the first of them and
//! the simulator plays them; both depend on this module, and it on neither.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Utc};

/// Something due at an instant. Ordered by instant first; at one instant an attempt's end
/// comes before the next run, which is skipped while an attempt is in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub tenant: u32,
    pub kind: EventKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// The attempt in flight ends.
    Finish,
    /// The newest success reaches the secondary region.
    Copied,
    /// The attempt's job starts, seconds after its run: the pair's `taken_at`.
    Start,
    /// The cron schedule fires.
    Run,
}

pub fn push(
    queue: &mut BinaryHeap<Reverse<Event>>,
    at: DateTime<Utc>,
    index: usize,
    kind: EventKind,
) {
    queue.push(Reverse(Event {
        at,
        tenant: index as u32,
        kind,
    }));
}
