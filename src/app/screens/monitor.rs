//! The restore monitor: one restore's phases, steps, RTO clock, verification checks and live
//! event log (`event_log`), and the operator's three moves on it — confirm (from
//! `awaiting_confirmation`), cancel (before it) and discard (a new spoke awaiting confirmation
//! or failed). Cancel asks for the tenant's slug typed; confirm takes notes, and the slug
//! typed only when a check warned or failed (confirming over it is the operator's call, and
//! typing the slug says they made it); discard takes a reason and the spoke's slug typed.
//! Each is journaled before it is sent, once.

use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::super::keys::Action;
use super::super::{App, Effect, FlashKind};
use super::Screen;
use super::event_log::{EventLog, LOG_PAGE};
use crate::domain::ids::RestoreId;
use crate::domain::restore::{Restore, RestoreMode};
use crate::journal::{Action as Journaled, Intent};
use crate::source::{CommandId, Op};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Confirm,
    Cancel,
    Discard,
}

impl Move {
    /// Confirm takes notes and discard a reason (Tab moves between them and the slug);
    /// cancel only the slug.
    pub fn takes_notes(self) -> bool {
        self != Move::Cancel
    }

    pub fn word(self) -> &'static str {
        match self {
            Move::Confirm => "confirm",
            Move::Cancel => "cancel",
            Move::Discard => "discard",
        }
    }

    /// What its text box holds: what was verified, or why the restore is rejected.
    pub fn notes_word(self) -> &'static str {
        match self {
            Move::Discard => "reason",
            _ => "notes",
        }
    }
}

/// The prompt's text fields: confirm has notes and (when needed) the slug; cancel the slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Notes,
    Slug,
}

/// The typed confirmation of a move, open over the monitor (and over the DNS swap screen,
/// with its own moves).
#[derive(Debug, Clone)]
pub struct Prompt<M = Move> {
    pub what: M,
    pub typed: Input,
    /// The operator's notes on a confirm: what they verified. Sent and journaled.
    pub notes: Input,
    /// The field keys type into.
    pub field: Field,
    pub sending: Option<CommandId>,
    pub problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MonitorScreen {
    pub id: RestoreId,
    pub prompt: Option<Prompt>,
    pub log: EventLog,
}

impl PartialEq for MonitorScreen {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for MonitorScreen {}

impl MonitorScreen {
    pub fn new(id: RestoreId) -> Self {
        Self {
            id,
            prompt: None,
            log: EventLog::default(),
        }
    }
}

/// Why `what` cannot be done to `restore` now, in words; `None` when it can.
pub fn cannot_move(restore: &Restore, what: Move) -> Option<String> {
    if what == Move::Confirm && restore.purpose == crate::domain::restore::RestorePurpose::Drill {
        return Some(format!(
            "restore {} is a drill: it is never confirmed (nobody is pointed at it); it is \
             checked, recorded and discarded",
            restore.id
        ));
    }
    let phase = &restore.phase;
    let allowed = match what {
        Move::Confirm => phase.can_confirm(),
        Move::Cancel => phase.can_cancel(),
        Move::Discard => restore.can_discard(),
    };
    if allowed {
        return None;
    }
    let is = phase.label().replace('_', " ");
    Some(match what {
        Move::Confirm => format!(
            "restore {} is {is}: it can be confirmed only once it awaits confirmation",
            restore.id
        ),
        Move::Cancel => format!(
            "restore {} is {is}: it can be cancelled only before it awaits confirmation",
            restore.id
        ),
        Move::Discard if restore.mode == RestoreMode::Overwrite => format!(
            "restore {} overwrote {} itself: the control plane discards only a new spoke, \
             never an overwrite",
            restore.id, restore.source_slug
        ),
        Move::Discard => format!(
            "restore {} is {is}: only a new spoke awaiting confirmation or failed can be \
             discarded",
            restore.id
        ),
    })
}

/// Whether every verification check passed (a confirm over a failed or warned check is the
/// operator's call, and the typed slug says they made it).
pub fn checks_all_passed(restore: &Restore) -> bool {
    restore.checks_all_passed()
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
        let confirm_needs_slug = match self.screens.last() {
            Some(Screen::Monitor(m)) => self
                .restore(&m.id)
                .is_some_and(|r| !self.all_checks_passed(r)),
            _ => false,
        };
        let Some(Screen::Monitor(monitor)) = self.screens.last_mut() else {
            return;
        };
        let Some(prompt) = monitor.prompt.as_mut() else {
            match action {
                Some(Action::ConfirmRestore) => self.open_prompt(Move::Confirm),
                Some(Action::CancelRestore) => self.open_prompt(Move::Cancel),
                Some(Action::DiscardRestore) => self.open_prompt(Move::Discard),
                Some(other) => self.on_monitor_action(other),
                None => self.dirty = false,
            }
            return;
        };
        match action {
            Some(Action::Back) => monitor.prompt = None,
            Some(Action::Launch) => self.send_move(),
            // Tab goes to the slug only when a confirm needs it typed.
            Some(Action::NextField) => {
                let needs_slug = prompt.what == Move::Discard || confirm_needs_slug;
                prompt.field = match prompt.field {
                    Field::Notes if needs_slug => Field::Slug,
                    _ if prompt.what.takes_notes() => Field::Notes,
                    other => other,
                };
            }
            _ => {
                let field = match prompt.field {
                    Field::Notes => &mut prompt.notes,
                    Field::Slug => &mut prompt.typed,
                };
                field.handle_event(&crossterm::event::Event::Key(key));
                prompt.problem = None;
            }
        }
    }

    fn on_monitor_action(&mut self, action: Action) {
        let log = match self.screens.last_mut() {
            Some(Screen::Monitor(m)) => Some(&mut m.log),
            _ => None,
        };
        if let Some(log) = log {
            let page = LOG_PAGE as isize;
            match action {
                Action::Up => return log.scroll(-1),
                Action::Down => return log.scroll(1),
                Action::PageUp => return log.scroll(-page),
                Action::PageDown => return log.scroll(page),
                Action::First => return log.oldest(),
                Action::Last => return log.follow(),
                _ => {}
            }
        }
        match action {
            Action::Back => self.close_screen(),
            Action::Quit => self.effects.push(Effect::Quit),
            Action::Reverify => self.reverify(),
            Action::CopyReport => {
                if let Some(Screen::Monitor(monitor)) = self.screens.last() {
                    let id = monitor.id.clone();
                    self.copy_report(&id);
                }
            }
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
            self.refuse_read_only("restores cannot be changed");
            return;
        }
        let Some(Screen::Monitor(monitor)) = self.screens.last() else {
            return;
        };
        let Some(restore) = self.restore(&monitor.id) else {
            self.set_flash(FlashKind::Error, "this restore is no longer reported");
            return;
        };
        if let Some(why) = cannot_move(restore, what) {
            self.set_flash(FlashKind::Info, why);
            return;
        }
        if let Some(Screen::Monitor(monitor)) = self.screens.last_mut() {
            monitor.prompt = Some(Prompt {
                what,
                typed: Input::default(),
                notes: Input::default(),
                field: match what {
                    Move::Cancel => Field::Slug,
                    _ => Field::Notes,
                },
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
        let notes = prompt.notes.value().trim().to_string();
        // The journal says what was verified, or why the spoke was rejected: never nothing.
        if what.takes_notes() && notes.is_empty() {
            let problem = match what {
                Move::Discard => "say why it is discarded: the reason is journaled and sent",
                _ => "say what you verified: the notes are journaled and sent",
            };
            if let Some(p) = self.prompt_mut() {
                p.problem = Some(problem.to_string());
                p.field = Field::Notes;
            }
            return;
        }
        // A confirm over checks that all passed needs no slug: the notes say what was checked.
        let (needs_slug, slug) = match what {
            Move::Confirm => (!self.all_checks_passed(&restore), &restore.source_slug),
            Move::Cancel => (true, &restore.source_slug),
            // What is torn down is the spoke: its name is what is typed.
            Move::Discard => (true, &restore.target_slug),
        };
        if needs_slug && prompt.typed.value().trim() != slug {
            let problem = match what {
                Move::Confirm => {
                    format!("a check did not pass: type {slug} (Tab) to confirm all the same")
                }
                Move::Cancel => format!("type {slug} to cancel this restore"),
                Move::Discard => format!("type {slug} (Tab) to tear that spoke down"),
            };
            if let Some(p) = self.prompt_mut() {
                p.problem = Some(problem);
                p.field = Field::Slug;
            }
            return;
        }
        // A drill this dashboard runs is stopped through its workflow: cancelled while queued,
        // discarded after, never recorded as a failed drill of its own making.
        if what != Move::Confirm && self.stop_drill(&restore.id) {
            if let Some(Screen::Monitor(m)) = self.screens.last_mut() {
                m.prompt = None;
            }
            return;
        }
        // The outbox keys it: the same move again, after no definite answer, keeps its key.
        let key = crate::domain::ids::IdempotencyKey(Default::default());
        let (journaled, op) = match what {
            Move::Confirm => (
                Journaled::ConfirmRestore,
                Op::ConfirmRestore {
                    restore: restore.id.clone(),
                    notes: notes.clone(),
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
            Move::Discard => (
                Journaled::DiscardRestore,
                Op::DiscardRestore {
                    restore: restore.id.clone(),
                    reason: notes.clone(),
                    key: key.clone(),
                },
            ),
        };
        let (op, key) = self.keyed(op);
        let mut intent = self.intent(journaled, restore.id.to_string(), key);
        intent.ticket = restore.ticket.clone();
        if what.takes_notes() {
            intent.details.insert(
                what.notes_word().to_string(),
                serde_json::Value::String(notes),
            );
        }
        // The journal says what snapdeck itself found, beside what the operator verified.
        if what == Move::Confirm
            && let Some(own) = self.own_checks_journaled(&restore.id)
        {
            intent.details.insert("snapdeck_checks".to_string(), own);
        }
        if what == Move::Discard {
            let spoke = serde_json::Value::String(restore.target_slug.clone());
            intent.details.insert("target_slug".to_string(), spoke);
        }
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
            source: self.source_label(),
            op,
            target,
            ticket: None,
            idempotency_key: key,
            details: serde_json::Map::new(),
        }
    }

    /// Where writes go, as the journal names it: "http https://…".
    pub(in crate::app) fn source_label(&self) -> String {
        format!("{} {}", self.source.kind, self.source.detail)
    }
}
