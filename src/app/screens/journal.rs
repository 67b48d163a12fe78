//! The journal screen: every action taken from this machine, newest first, with its outcome,
//! or "sent? unknown" for one that never got its answer (snapdeck stopped while it was on its
//! way). `s` re-sends such an intent with its own idempotency key, so the control plane does
//! it at most once whatever happened before.

use super::super::keys::Action;
use super::super::{App, Effect, FlashKind};
use super::Screen;
use crate::domain::restore::CreateRestore;
use crate::journal::{Action as Journaled, Entry, Intent, JournalRead};
use crate::source::Op;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalScreen {
    /// Row selected, newest first.
    pub selected: usize,
}

/// The journal as last read for the screen.
#[derive(Debug, Clone, Default)]
pub struct JournalView {
    pub read: Option<Result<JournalRead, String>>,
}

impl JournalView {
    /// Entries newest first.
    pub fn entries(&self) -> Vec<&Entry> {
        match &self.read {
            Some(Ok(read)) => read.entries.iter().rev().collect(),
            _ => Vec::new(),
        }
    }
}

impl App {
    /// `:journal` or `4`: the journal screen, read afresh.
    pub(in crate::app) fn open_journal(&mut self) {
        self.switch_to(
            |s| matches!(s, Screen::Journal(_)),
            || Screen::Journal(JournalScreen::default()),
        );
        self.effects.push(Effect::ReadJournal);
    }

    /// The runner read the journal.
    pub(in crate::app) fn on_journal_read(&mut self, read: Result<JournalRead, String>) {
        let same = match (&self.journal.read, &read) {
            (Some(Ok(a)), Ok(b)) => a.entries == b.entries && a.problems == b.problems,
            (Some(Err(a)), Err(b)) => a == b,
            _ => false,
        };
        self.journal.read = Some(read);
        if same {
            self.dirty = false;
        }
    }

    pub(in crate::app) fn on_journal_action(&mut self, action: Action) {
        let len = self.journal.entries().len();
        let Some(Screen::Journal(screen)) = self.screens.last_mut() else {
            return;
        };
        let last = len.saturating_sub(1);
        match action {
            Action::Back => self.close_screen(),
            Action::Up => screen.selected = screen.selected.saturating_sub(1),
            Action::Down => screen.selected = (screen.selected + 1).min(last),
            Action::PageUp => screen.selected = screen.selected.saturating_sub(10),
            Action::PageDown => screen.selected = (screen.selected + 10).min(last),
            Action::First => screen.selected = 0,
            Action::Last => screen.selected = last,
            Action::Resend => self.resend_selected(),
            other => self.on_common_action(other),
        }
    }

    /// `s`: re-sends the selected intent that never got its answer, with its own key.
    fn resend_selected(&mut self) {
        if self.read_only {
            self.refuse_read_only("nothing is re-sent");
            return;
        }
        let Some(Screen::Journal(screen)) = self.screens.last() else {
            return;
        };
        let entries = self.journal.entries();
        let Some(entry) = entries.get(screen.selected) else {
            self.dirty = false;
            return;
        };
        if let Some(outcome) = &entry.outcome {
            let text = format!(
                "this action was answered ({}): nothing to re-send",
                outcome.summary()
            );
            self.set_flash(FlashKind::Info, text);
            return;
        }
        let intent = entry.intent.clone();
        let key = intent.idempotency_key.clone();
        if self.outbox.pending().any(|op| op.key() == Some(&key)) {
            self.set_flash(FlashKind::Info, "already re-sent: waiting for the answer");
            return;
        }
        match self.op_of(&intent) {
            Ok(op) => {
                let mut again = intent;
                again.at = self.now;
                again.operator = self.operator.clone();
                self.write(again, op);
                self.set_flash(FlashKind::Info, format!("re-sent with its key {key}"));
            }
            Err(why) => self.set_flash(FlashKind::Error, format!("cannot re-send: {why}")),
        }
    }

    /// The write a journaled intent was, rebuilt with its own key.
    fn op_of(&self, intent: &Intent) -> Result<Op, String> {
        let key = intent.idempotency_key.clone();
        let target = intent.target.clone();
        let op = match &intent.op {
            Journaled::CreateRestore => {
                let i = (0..self.fleet.len())
                    .find(|&i| self.fleet.tenant(i).slug == target)
                    .ok_or_else(|| format!("{target} is not in the fleet any more"))?;
                let value = serde_json::Value::Object(intent.details.clone());
                let request: CreateRestore = serde_json::from_value(value)
                    .map_err(|e| format!("the journal line does not say what was asked ({e})"))?;
                Op::CreateRestore {
                    tenant: self.fleet.tenant(i).id.clone(),
                    request,
                    key,
                }
            }
            Journaled::ConfirmRestore => Op::ConfirmRestore {
                restore: target.as_str().into(),
                notes: detail(intent, "notes"),
                key,
            },
            Journaled::CancelRestore => Op::CancelRestore {
                restore: target.as_str().into(),
                key,
            },
            Journaled::DiscardRestore => Op::DiscardRestore {
                restore: target.as_str().into(),
                reason: detail(intent, "reason"),
                key,
            },
            Journaled::RecordDrill => {
                let value = serde_json::Value::Object(intent.details.clone());
                let findings = serde_json::from_value(value)
                    .map_err(|e| format!("the journal line does not say what was found ({e})"))?;
                Op::RecordDrill {
                    restore: target.as_str().into(),
                    findings,
                    key,
                }
            }
            Journaled::CreateDnsSwap => {
                let restore = self
                    .restores
                    .iter()
                    .find(|r| r.id.0 == target)
                    .ok_or_else(|| format!("restore {target} is not reported any more"))?;
                Op::CreateDnsSwap {
                    tenant: restore.tenant_id.clone(),
                    restore: restore.id.clone(),
                    key,
                }
            }
            Journaled::RollbackDnsSwap => Op::RollbackDnsSwap {
                swap: target.as_str().into(),
                key,
            },
            Journaled::AcknowledgeRequest => Op::AcknowledgeRequest {
                ticket: target,
                key,
            },
            Journaled::Unknown(name) => {
                return Err(format!("{name} is an action this snapdeck does not know"));
            }
        };
        Ok(op)
    }
}

fn detail(intent: &Intent, name: &str) -> String {
    intent
        .details
        .get(name)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}
