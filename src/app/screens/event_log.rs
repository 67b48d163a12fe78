//! The restore monitor's live event log: polled from the source (`Op::RestoreEvents` after
//! the last sequence number held) when the monitor opens and on every tick while its restore
//! runs, at most one read in flight per restore. The pane follows the tail; scrolling up stops
//! following (new lines then arrive below without moving what is read), `G`/End resumes it.

use super::super::{App, Effect};
use super::Screen;
use crate::domain::ids::RestoreId;
use crate::domain::restore::RestoreEvent;
use crate::source::{CommandError, CommandId, Op, Reply};

/// Lines PgUp/PgDn move: the app does not know the pane's height, and a fixed page is
/// predictable.
pub const LOG_PAGE: usize = 10;

#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// Every event read so far, oldest first, each sequence number once.
    pub events: Vec<RestoreEvent>,
    /// How many lines up from the tail the pane is scrolled; 0 follows the tail.
    pub back: usize,
    /// The read in flight.
    pub reading: Option<CommandId>,
    /// Whether a read was ever sent (the first goes out as the monitor opens).
    asked: bool,
    /// The read in flight was sent after the restore ended: once answered, the log is whole.
    asked_after_end: bool,
    /// The restore has ended and its last lines are in: nothing more to poll.
    pub complete: bool,
    /// Why the last read failed, in words.
    pub problem: Option<String>,
}

impl EventLog {
    /// The sequence number to read after.
    pub fn last_seq(&self) -> u64 {
        self.events.last().map_or(0, |e| e.seq)
    }

    pub fn following(&self) -> bool {
        self.back == 0
    }

    /// Appends the events not held yet. While scrolled up, the lines read stay where they are.
    pub fn append(&mut self, events: Vec<RestoreEvent>) {
        let last = self.last_seq();
        let before = self.events.len();
        self.events
            .extend(events.into_iter().filter(|e| e.seq > last));
        if !self.following() {
            self.back += self.events.len() - before;
        }
    }

    /// Scrolls by `lines` (negative: up, towards older lines); reaching the tail follows it.
    pub fn scroll(&mut self, lines: isize) {
        let most = self.events.len().saturating_sub(1);
        self.back = self.back.saturating_add_signed(-lines).min(most);
    }

    pub fn follow(&mut self) {
        self.back = 0;
    }

    pub fn oldest(&mut self) {
        self.back = self.events.len().saturating_sub(1);
    }
}

impl App {
    /// Sends the log reads due: for monitors never read yet (`first_only`), or for every
    /// monitor on the stack whose restore still runs (or ended since its last read).
    pub(in crate::app) fn poll_event_logs(&mut self, first_only: bool) {
        let due: Vec<(usize, RestoreId, u64)> = self
            .screens
            .iter()
            .enumerate()
            .filter_map(|(i, screen)| match screen {
                Screen::Monitor(m)
                    if m.log.reading.is_none()
                        && !m.log.complete
                        && (!first_only || !m.log.asked) =>
                {
                    Some((i, m.id.clone(), m.log.last_seq()))
                }
                _ => None,
            })
            .collect();
        for (i, id, after) in due {
            // Unknown to the source as a restore: nothing to read (yet).
            let Some(ended) = self.restore(&id).map(|r| !r.phase.is_active()) else {
                continue;
            };
            let in_flight = self
                .outbox
                .pending()
                .any(|op| matches!(op, Op::RestoreEvents { restore, .. } if *restore == id));
            if in_flight {
                continue;
            }
            let command = self.command(Op::RestoreEvents { restore: id, after });
            if let Some(Screen::Monitor(m)) = self.screens.get_mut(i) {
                m.log.reading = Some(command.id);
                m.log.asked = true;
                m.log.asked_after_end = ended;
            }
            self.effects.push(Effect::Source(command));
        }
    }

    /// A log read's answer: appended to the monitor that asked. A failed read is said on the
    /// log pane (not the flash: it is retried every tick); one the source cannot answer at
    /// all (404, 501) is not retried.
    pub(in crate::app) fn answered_events(
        &mut self,
        id: CommandId,
        outcome: Result<Reply, CommandError>,
    ) {
        let mut changed = false;
        for screen in &mut self.screens {
            let Screen::Monitor(m) = screen else {
                continue;
            };
            if m.log.reading != Some(id) {
                continue;
            }
            m.log.reading = None;
            match &outcome {
                Ok(Reply::RestoreEvents(events)) => {
                    changed |= events.iter().any(|e| e.seq > m.log.last_seq());
                    m.log.append(events.clone());
                    m.log.complete = m.log.asked_after_end;
                    changed |= m.log.problem.take().is_some();
                }
                Ok(_) => {}
                Err(error) => {
                    m.log.problem = Some(error.message.clone());
                    m.log.complete = matches!(error.status, Some(404 | 501));
                    changed = true;
                }
            }
        }
        self.dirty = changed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn events(seqs: std::ops::RangeInclusive<u64>) -> Vec<RestoreEvent> {
        seqs.map(|seq| RestoreEvent {
            seq,
            at: Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap(),
            level: "info".into(),
            message: format!("line {seq}"),
        })
        .collect()
    }

    #[test]
    fn appending_keeps_each_seq_once_and_a_scrolled_pane_still() {
        let mut log = EventLog::default();
        log.append(events(1..=20));
        log.append(events(15..=25));
        assert_eq!(log.events.len(), 25);
        assert_eq!(log.last_seq(), 25);
        assert!(log.following());
        log.scroll(-3);
        assert!(!log.following());
        log.append(events(26..=30));
        assert_eq!(log.back, 8, "the lines read stay put");
        log.scroll(100);
        assert!(log.following(), "scrolling down to the tail follows again");
        log.scroll(-1000);
        assert_eq!(log.back, 29, "no further than the oldest line");
        log.follow();
        assert_eq!(log.back, 0);
    }
}
