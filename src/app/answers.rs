//! A source's answers to the app's commands: each is matched to its command by id, its
//! outcome journaled when it was a write, and shown in the flash and on the screen that
//! asked for it.

use super::screens::dns::DnsAnswer;
use super::{App, Effect, FlashKind, Screen};
use crate::domain::ids::IdempotencyKey;
use crate::domain::restore::Restore;
use crate::journal::Outcome;
use crate::source::{CommandError, CommandId, Op, Reply};

impl App {
    pub(super) fn on_answer(&mut self, id: CommandId, outcome: Result<Reply, CommandError>) {
        let Some(op) = self.pending.remove(&id) else {
            self.dirty = false;
            return;
        };
        // On-demand reads go back to the screen that asked, by their op.
        match op {
            Op::RestoreEvents { .. } => return self.answered_events(id, outcome),
            Op::RestorePoints { .. } => return self.answered_points(id, &op, outcome),
            _ => {}
        }
        if let Some(key) = op.key() {
            self.effects
                .push(Effect::Record(Box::new(journal_outcome(key, &outcome))));
        }
        match outcome {
            Ok(Reply::Refreshed) => {
                let what = match self.last_load_changes {
                    0 => "nothing changed".to_string(),
                    1 => "1 tenant changed".to_string(),
                    n => format!("{n} tenants changed"),
                };
                self.set_flash(FlashKind::Info, format!("refreshed: {what}"));
            }
            Ok(Reply::Restore(restore)) => self.on_restore_answer(id, &op, *restore),
            Ok(Reply::DnsSwap(swap)) => {
                self.answered_dns(id, DnsAnswer::Swap(swap.id.clone()));
                let what = match op {
                    Op::RollbackDnsSwap { .. } => "rolling back",
                    _ => "swapping",
                };
                let text = format!(
                    "DNS swap {} of {}: {what}, {}",
                    swap.id,
                    swap.hostname,
                    swap.phase.label().replace('_', " ")
                );
                self.set_flash(FlashKind::Info, text);
            }
            Ok(Reply::Request(request)) => {
                self.acknowledged(&request);
                let text = format!("{} acknowledged", request.ticket);
                self.set_flash(FlashKind::Info, text);
            }
            // Reads are answered above; a read's reply to a write is nothing to show.
            Ok(Reply::RestorePoints(_) | Reply::RestoreEvents(_)) => self.dirty = false,
            Err(error) => self.on_error_answer(id, &op, error),
        }
    }

    /// A page of restore points, or why it did not come (said on the history it was for;
    /// in the flash alone when that history is no longer held).
    fn answered_points(&mut self, id: CommandId, op: &Op, outcome: Result<Reply, CommandError>) {
        match outcome {
            Ok(Reply::RestorePoints(page)) => self.on_points(id, op, page),
            Ok(_) => self.dirty = false,
            Err(error) => {
                if !self.points_failed(id, &error.message) {
                    self.on_error_answer(id, op, error);
                }
            }
        }
    }

    fn on_restore_answer(&mut self, id: CommandId, op: &Op, restore: Restore) {
        // The write's answer is the restore as it left it: shown now, not at the next poll.
        match self.restores.iter_mut().find(|r| r.id == restore.id) {
            Some(known) => *known = restore.clone(),
            None => self.restores.push(restore.clone()),
        }
        super::screens::restores::order(&mut self.restores);
        let launched = format!(
            "launched restore {} of {}: {}",
            restore.id,
            restore.source_slug,
            restore.phase.label().replace('_', " ")
        );
        self.answered_monitor(id, Ok(()));
        self.answered_wizard(id, Ok(launched));
        if let Some(Screen::Wizard(wizard)) = self.screens.last_mut()
            && wizard.launched.is_some()
            && wizard.launched_id.is_none()
        {
            wizard.launched_id = Some(restore.id.clone());
        }
        let what = match op {
            Op::CreateRestore { .. } => "launched",
            Op::ConfirmRestore { .. } => "confirmed",
            Op::CancelRestore { .. } => "cancelled",
            Op::DiscardRestore { .. } => "discarded",
            _ => "reported",
        };
        let text = format!(
            "restore {} of {} {what}: {} · 2 shows every restore",
            restore.id,
            restore.source_slug,
            restore.phase.label().replace('_', " ")
        );
        self.set_flash(FlashKind::Info, text);
    }

    /// An error answer: in the flash, and on the screen that waits for it.
    fn on_error_answer(&mut self, id: CommandId, op: &Op, error: CommandError) {
        self.answered_monitor(id, Err(error.message.clone()));
        self.answered_wizard(id, Err(error.message.clone()));
        self.answered_dns(id, DnsAnswer::Refused(error.message.clone()));
        let status = error
            .status
            .map_or(String::new(), |s| format!(" (HTTP {s})"));
        let text = format!("{} failed: {}{status}", op.name(), error.message);
        self.set_flash(FlashKind::Error, text);
    }
}

/// What the journal records of a write's answer.
fn journal_outcome(key: &IdempotencyKey, outcome: &Result<Reply, CommandError>) -> Outcome {
    match outcome {
        Ok(reply) => Outcome::ok(key.clone(), resource_id(reply)),
        Err(error) => Outcome::error(
            key.clone(),
            error.status,
            Some(error.code.clone()),
            error.message.clone(),
        ),
    }
}

/// The id of what a write created or changed.
fn resource_id(reply: &Reply) -> Option<String> {
    match reply {
        Reply::Restore(restore) => Some(restore.id.to_string()),
        Reply::DnsSwap(swap) => Some(swap.id.to_string()),
        Reply::Request(request) => Some(request.ticket.clone()),
        Reply::Refreshed | Reply::RestorePoints(_) | Reply::RestoreEvents(_) => None,
    }
}
