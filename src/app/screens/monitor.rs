//! The restore monitor: one restore's phases, steps, RTO clock and verification checks, and
//! the operator's two moves on it — confirm (from `awaiting_confirmation`) and cancel (before
//! it). Both ask for the tenant's slug typed; confirm takes notes too. Each is journaled before
//! it is sent, once.

use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::super::keys::Action;
use super::super::{App, Effect, FlashKind};
use super::Screen;
use crate::domain::ids::RestoreId;
use crate::domain::restore::{CheckStatus, Restore};
use crate::journal::{Action as Journaled, Intent};
use crate::source::{CommandId, Op};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Confirm,
    Cancel,
}

impl Move {
    pub fn word(self) -> &'static str {
        match self {
            Move::Confirm => "confirm",
            Move::Cancel => "cancel",
        }
    }
}

/// The typed confirmation of a move, open over the monitor (and over the DNS swap screen,
/// with its own moves).
#[derive(Debug, Clone)]
pub struct Prompt<M = Move> {
    pub what: M,
    pub typed: Input,
    pub sending: Option<CommandId>,
    pub problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MonitorScreen {
    pub id: RestoreId,
    pub prompt: Option<Prompt>,
}

impl PartialEq for MonitorScreen {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for MonitorScreen {}

impl MonitorScreen {
    pub fn new(id: RestoreId) -> Self {
        Self { id, prompt: None }
    }
}

/// Whether every verification check passed (a confirm over a failed or warned check is the
/// operator's call, and the typed slug says they made it).
pub fn checks_all_passed(restore: &Restore) -> bool {
    restore
        .verification
        .as_deref()
        .is_some_and(|checks| checks.iter().all(|c| c.status == CheckStatus::Passed))
}

impl App {
    pub(in crate::app) fn restore(&self, id: &RestoreId) -> Option<&Restore> {
        self.restores.iter().find(|r| r.id == *id)
    }

    pub(in crate::app) fn on_monitor_key(
        &mut self,
        key: crossterm::event::KeyEvent,
        action: Option<Action>,
    ) {
        let Some(Screen::Monitor(monitor)) = self.screens.last_mut() else {
            return;
        };
        let Some(prompt) = monitor.prompt.as_mut() else {
            match action {
                Some(Action::ConfirmRestore) => self.open_prompt(Move::Confirm),
                Some(Action::CancelRestore) => self.open_prompt(Move::Cancel),
                Some(other) => self.on_monitor_action(other),
                None => self.dirty = false,
            }
            return;
        };
        match action {
            Some(Action::Back) => monitor.prompt = None,
            Some(Action::Launch) => self.send_move(),
            _ => {
                prompt
                    .typed
                    .handle_event(&crossterm::event::Event::Key(key));
                prompt.problem = None;
            }
        }
    }

    fn on_monitor_action(&mut self, action: Action) {
        match action {
            Action::Back => self.close_screen(),
            Action::Quit => self.effects.push(Effect::Quit),
            Action::SwapDns => {
                if let Some(Screen::Monitor(monitor)) = self.screens.last() {
                    self.open_dns(monitor.id.clone());
                }
            }
            other => self.on_common_action(other),
        }
    }

    /// Opens the typed confirmation, if the restore's phase allows the move at all.
    fn open_prompt(&mut self, what: Move) {
        if self.read_only {
            self.set_flash(FlashKind::Info, "read-only: restores cannot be changed");
            return;
        }
        let Some(Screen::Monitor(monitor)) = self.screens.last() else {
            return;
        };
        let Some(restore) = self.restore(&monitor.id) else {
            self.set_flash(FlashKind::Error, "this restore is no longer reported");
            return;
        };
        let allowed = match what {
            Move::Confirm => restore.phase.can_confirm(),
            Move::Cancel => restore.phase.can_cancel(),
        };
        if !allowed {
            let when = match what {
                Move::Confirm => "only once it awaits confirmation",
                Move::Cancel => "only before it awaits confirmation",
            };
            let text = format!(
                "restore {} is {}: it can be {}ed {when}",
                restore.id,
                restore.phase.label().replace('_', " "),
                what.word()
            );
            self.set_flash(FlashKind::Info, text);
            return;
        }
        if let Some(Screen::Monitor(monitor)) = self.screens.last_mut() {
            monitor.prompt = Some(Prompt {
                what,
                typed: Input::default(),
                sending: None,
                problem: None,
            });
        }
    }

    /// Sends the move once the slug is typed right; journaled first.
    fn send_move(&mut self) {
        let Some(Screen::Monitor(monitor)) = self.screens.last() else {
            return;
        };
        let Some(prompt) = &monitor.prompt else {
            return;
        };
        if prompt.sending.is_some() {
            self.set_flash(FlashKind::Info, "already sent: waiting for the answer");
            return;
        }
        let Some(restore) = self.restore(&monitor.id).cloned() else {
            return;
        };
        let what = prompt.what;
        if prompt.typed.value().trim() != restore.source_slug {
            let problem = format!(
                "type {} to {} this restore",
                restore.source_slug,
                what.word()
            );
            if let Some(p) = self.prompt_mut() {
                p.problem = Some(problem);
            }
            return;
        }
        let key = self.mint_key();
        let (journaled, op) = match what {
            Move::Confirm => (
                Journaled::ConfirmRestore,
                Op::ConfirmRestore {
                    restore: restore.id.clone(),
                    notes: String::new(),
                    key: key.clone(),
                },
            ),
            Move::Cancel => (
                Journaled::CancelRestore,
                Op::CancelRestore {
                    restore: restore.id.clone(),
                    key: key.clone(),
                },
            ),
        };
        let mut intent = self.intent(journaled, restore.id.to_string(), key);
        intent.ticket = restore.ticket.clone();
        let id = self.write(intent, op);
        if let Some(p) = self.prompt_mut() {
            p.sending = Some(id);
        }
    }

    /// The typed confirmation open on the monitor on top, if any.
    fn prompt_mut(&mut self) -> Option<&mut Prompt> {
        match self.screens.last_mut() {
            Some(Screen::Monitor(m)) => m.prompt.as_mut(),
            _ => None,
        }
    }

    /// The prompt waiting for `id` closes on success, or shows the problem.
    pub(in crate::app) fn answered_monitor(&mut self, id: CommandId, result: Result<(), String>) {
        let Some(Screen::Monitor(monitor)) = self.screens.last_mut() else {
            return;
        };
        let waiting = monitor
            .prompt
            .as_ref()
            .is_some_and(|p| p.sending == Some(id));
        if !waiting {
            return;
        }
        match result {
            Ok(()) => monitor.prompt = None,
            Err(problem) => {
                if let Some(p) = monitor.prompt.as_mut() {
                    p.sending = None;
                    p.problem = Some(problem);
                }
            }
        }
    }

    /// An intent of the operator at this instant, on this source.
    pub(in crate::app) fn intent(
        &self,
        op: Journaled,
        target: String,
        key: crate::domain::ids::IdempotencyKey,
    ) -> Intent {
        Intent {
            at: self.now,
            operator: self.operator.clone(),
            source: format!("{} {}", self.source.kind, self.source.detail),
            op,
            target,
            ticket: None,
            idempotency_key: key,
            details: serde_json::Map::new(),
        }
    }
}
