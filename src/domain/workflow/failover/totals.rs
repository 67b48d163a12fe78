//! A batch's members counted by stage, as its totals line shows them.

use super::{BatchFlow, Stage};
use crate::domain::restore::RestorePhase;

/// The batch's members counted by stage, as its totals line shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub queued: usize,
    pub restoring: usize,
    pub awaiting: usize,
    pub confirmed: usize,
    pub swapped: usize,
    pub failed: usize,
    pub dropped: usize,
}

impl Totals {
    /// "3 queued · 4 restoring · 2 awaiting · 1 confirmed · 0 swapped · 0 failed".
    pub fn words(&self) -> String {
        let mut words = format!(
            "{} queued · {} restoring · {} awaiting · {} confirmed · {} swapped · {} failed",
            self.queued, self.restoring, self.awaiting, self.confirmed, self.swapped, self.failed
        );
        if self.dropped > 0 {
            words.push_str(&format!(" · {} dropped", self.dropped));
        }
        words
    }
}

impl BatchFlow {
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for m in &self.members {
            let queued = m.phase() == Some(&RestorePhase::Queued);
            match m.stage {
                Stage::Waiting | Stage::Launching => t.queued += 1,
                Stage::Running if queued => t.queued += 1,
                Stage::Running => t.restoring += 1,
                Stage::Checking | Stage::Awaiting => t.awaiting += 1,
                Stage::Confirming | Stage::Confirmed | Stage::Swapping => t.confirmed += 1,
                Stage::Swapped => t.swapped += 1,
                Stage::Failed => t.failed += 1,
                Stage::Dropped => t.dropped += 1,
            }
        }
        t
    }
}
