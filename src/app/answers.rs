//! A source's answers to the app's commands: each is taken out of the outbox by its id, its
//! outcome journaled when it was a write, and delivered to the one screen that waits for it
//! (`outbox::Waiter`), and to the flash line.

use super::outbox::{Ended, Pending, Waiter};
use super::{App, Effect, FlashKind, Screen};
use crate::domain::ids::IdempotencyKey;
use crate::domain::restore::Restore;
use crate::journal::Outcome;
use crate::source::{CommandError, CommandId, Reply};

impl App {
    pub(super) fn on_answer(&mut self, id: CommandId, outcome: Result<Reply, CommandError>) {
        let Some(pending) = self.outbox.take(id, Ended::of(&outcome)) else {
            self.dirty = false;
            return;
        };
        if let Some(key) = pending.op.key() {
            self.effects
                .push(Effect::Record(Box::new(journal_outcome(key, &outcome))));
        }
        self.drill_answered(&pending.op, &outcome);
        self.batch_answered(&pending, &outcome);
        match outcome {
            Ok(reply) => self.deliver_reply(id, &pending, reply),
            Err(error) => self.deliver_error(id, &pending, error),
        }
    }

    fn deliver_reply(&mut self, id: CommandId, pending: &Pending, reply: Reply) {
        match (pending.waiter, reply) {
            (Waiter::EventLog, reply) => self.answered_events(id, Ok(reply)),
            (Waiter::History, Reply::RestorePoints(page)) => self.on_points(id, &pending.op, page),
            (Waiter::Follow, Reply::Restore(restore)) => self.followed(*restore),
            (Waiter::Batch, Reply::Restores(page)) => self.on_batch_page(page),
            (_, Reply::Refreshed) => {
                let what = match self.last_load_changes {
                    0 => "nothing changed".to_string(),
                    1 => "1 tenant changed".to_string(),
                    n => format!("{n} tenants changed"),
                };
                self.set_flash(FlashKind::Info, format!("refreshed: {what}"));
            }
            (waiter, Reply::Restore(restore)) => {
                self.on_restore_answer(id, pending, waiter, *restore)
            }
            (waiter, Reply::DnsSwap(swap)) => {
                if waiter == Waiter::Dns {
                    self.answered_dns(id, Ok(swap.id.clone()));
                }
                // What was asked, which stays true: the phase the answer had would soon be
                // stale ("applying" under the screen's "Rolled back").
                let what = match pending.op {
                    crate::source::Op::RollbackDnsSwap { .. } => "rollback requested",
                    _ => "requested",
                };
                let text = format!("DNS swap {} of {}: {what}", swap.id, swap.hostname);
                self.set_flash(FlashKind::Info, text);
            }
            (_, Reply::Request(request)) => {
                self.acknowledged(&request);
                let text = format!("{} acknowledged", request.ticket);
                self.set_flash(FlashKind::Info, text);
            }
            (_, Reply::Drill(record)) => {
                let d = &record.drill;
                let text = format!(
                    "drill {} recorded: {}, {}",
                    d.restore_id, d.result, d.summary
                );
                self.set_flash(FlashKind::Info, text);
            }
            (Waiter::Drills, Reply::Drills(page)) => self.on_drills(&pending.op, page),
            // A reply that answers nothing on screen (a read for a screen since closed).
            (
                _,
                Reply::RestorePoints(_)
                | Reply::RestoreEvents(_)
                | Reply::Drills(_)
                | Reply::Restores(_),
            ) => self.dirty = false,
        }
    }

    fn on_restore_answer(
        &mut self,
        id: CommandId,
        pending: &Pending,
        waiter: Waiter,
        restore: Restore,
    ) {
        // The write's answer is the restore as it left it: shown now, not at the next poll.
        self.hold_restore(restore.clone());
        if let crate::source::Op::CreateRestore { .. } = &pending.op {
            self.drill_launched(&restore);
        }
        let phase = restore.phase.label().replace('_', " ");
        match waiter {
            Waiter::Monitor => self.answered_monitor(id, Ok(())),
            Waiter::Wizard => {
                let launched = format!(
                    "launched restore {} of {}: {phase}",
                    restore.id, restore.source_slug
                );
                self.answered_wizard(id, Ok(launched));
                if let Some(wizard) = self.screens.iter_mut().rev().find_map(|s| match s {
                    Screen::Wizard(w) if w.launched.is_some() && w.launched_id.is_none() => Some(w),
                    _ => None,
                }) {
                    wizard.launched_id = Some(restore.id.clone());
                }
            }
            _ => {}
        }
        let what = match pending.op {
            crate::source::Op::CreateRestore { .. } => "launched",
            crate::source::Op::ConfirmRestore { .. } => "confirmed",
            crate::source::Op::CancelRestore { .. } => "cancelled",
            crate::source::Op::DiscardRestore { .. } => "discarded",
            _ => "reported",
        };
        // "discarded: discarded" says one thing twice.
        let phase = match phase == what {
            true => String::new(),
            false => format!(": {phase}"),
        };
        let text = format!(
            "restore {} of {} {what}{phase} · 2 shows every restore",
            restore.id, restore.source_slug
        );
        self.set_flash(FlashKind::Info, text);
    }

    /// A refusal, a failure, or a command that never left: on the screen that waits for it,
    /// in words, and in the flash.
    pub(super) fn deliver_error(&mut self, id: CommandId, pending: &Pending, error: CommandError) {
        let problem = error.message.clone();
        match pending.waiter {
            // The monitor's log says so and tries again at the next tick.
            Waiter::EventLog => return self.answered_events(id, Err(error)),
            // Read again a few seconds later; the fleet's refresh reads it meanwhile.
            Waiter::Follow => {
                self.dirty = false;
                return;
            }
            Waiter::History => {
                if self.points_failed(id, &problem) {
                    return;
                }
            }
            Waiter::Drills => {
                if self.drills_failed(id, &problem) {
                    return;
                }
            }
            Waiter::Monitor => self.answered_monitor(id, Err(problem)),
            Waiter::Wizard => self.answered_wizard(id, Err(problem)),
            Waiter::Dns => self.answered_dns(id, Err(problem)),
            Waiter::Flash | Waiter::Batch => {}
        }
        let text = if error.code == "not_sent" || error.code == crate::source::UNJOURNALED {
            error.message
        } else {
            let status = error
                .status
                .map_or(String::new(), |s| format!(" (HTTP {s})"));
            format!("{} failed: {}{status}", pending.op.name(), error.message)
        };
        self.set_flash(FlashKind::Error, text);
    }
}

/// What the journal records of a write's answer.
fn journal_outcome(key: &IdempotencyKey, outcome: &Result<Reply, CommandError>) -> Outcome {
    match outcome {
        Ok(reply) => Outcome::ok(key.clone(), reply.resource_id()),
        Err(error) => Outcome::error(
            key.clone(),
            error.status,
            Some(error.code.clone()),
            error.message.clone(),
        ),
    }
}
