//! The DNS swap screen: pointing a tenant's hostname at the spoke a new-spoke restore made,
//! and back. Before the swap exists it shows the plan and asks for the tenant's slug typed;
//! after, the swap as the source pushes it (looked up by id, so it moves live) and the
//! rollback, asked for the same way. The typed confirmation is the monitor's `Prompt`; each
//! move is journaled before it is sent, keyed by the outbox (`app/outbox.rs`).

use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::super::keys::Action;
use super::super::{App, Effect, FlashKind};
use super::Screen;
use super::monitor::Prompt;
use crate::domain::dns::{DnsPhase, DnsSwap};
use crate::domain::ids::{DnsSwapId, IdempotencyKey, RestoreId};
use crate::domain::restore::{Restore, RestoreMode, RestorePhase};
use crate::journal::Action as Journaled;
use crate::source::{CommandId, Op};

/// The two moves, each confirmed by the slug typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsMove {
    Swap,
    Rollback,
}

impl DnsMove {
    pub fn word(self) -> &'static str {
        match self {
            DnsMove::Swap => "swap DNS",
            DnsMove::Rollback => "roll back",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DnsScreen {
    pub restore: RestoreId,
    /// The swap shown, once there is one (created here, or found when the screen opened).
    pub swap: Option<DnsSwapId>,
    pub prompt: Option<Prompt<DnsMove>>,
    /// The write waiting for its answer, kept here (not only on the prompt) so the answer
    /// finds the screen even after Esc closed the prompt.
    pub sending: Option<CommandId>,
    /// The last refusal, in words, until the next move.
    pub problem: Option<String>,
    /// A rollback was sent from here: the swap's phases (applying, propagating) now move the
    /// record back, and must not read as the swap going forward.
    pub rolling_back: bool,
}

impl PartialEq for DnsScreen {
    fn eq(&self, other: &Self) -> bool {
        self.restore == other.restore && self.swap == other.swap
    }
}

impl Eq for DnsScreen {}

impl DnsScreen {
    pub fn new(restore: RestoreId, swap: Option<DnsSwapId>) -> Self {
        Self {
            restore,
            swap,
            prompt: None,
            sending: None,
            problem: None,
            rolling_back: false,
        }
    }

    /// The swap shown, as last pushed.
    pub fn shown<'a>(&self, swaps: &'a [DnsSwap]) -> Option<&'a DnsSwap> {
        let id = self.swap.as_ref()?;
        swaps.iter().find(|s| s.id == *id)
    }
}

fn prompt(what: DnsMove) -> Prompt<DnsMove> {
    Prompt {
        what,
        typed: Input::default(),
        notes: Input::default(),
        field: super::monitor::Field::Slug,
        sending: None,
        problem: None,
    }
}

/// Why a restore cannot have its DNS swapped, in words; none when it can.
pub fn not_swappable(restore: &Restore) -> Option<String> {
    if restore.purpose == crate::domain::restore::RestorePurpose::Drill {
        return Some(format!(
            "restore {} is a drill: DNS never moves to a drill's spoke",
            restore.id
        ));
    }
    if restore.mode != RestoreMode::NewSpoke {
        return Some(format!(
            "restore {} overwrote {} in place: there is no other spoke to swap DNS to",
            restore.id, restore.source_slug
        ));
    }
    (restore.phase != RestorePhase::Completed).then(|| {
        format!(
            "restore {} is {}: DNS can be swapped once it is confirmed (completed)",
            restore.id,
            restore.phase.label().replace('_', " ")
        )
    })
}

impl App {
    /// The newest swap made for `restore`, if any.
    fn swap_of(&self, restore: &RestoreId) -> Option<&DnsSwap> {
        self.dns_swaps
            .iter()
            .filter(|s| s.restore_id == *restore)
            .max_by_key(|s| s.requested_at)
    }

    /// Opens the DNS swap of `restore`: the swap already made for it (not rolled back), or
    /// the plan with the typed confirmation open.
    pub(in crate::app) fn open_dns(&mut self, restore: RestoreId) {
        if self.read_only {
            self.refuse_read_only("DNS cannot be swapped");
            return;
        }
        let existing = self
            .swap_of(&restore)
            .filter(|s| s.phase != DnsPhase::RolledBack)
            .map(|s| s.id.clone());
        if let Some(id) = existing {
            self.open_screen(Screen::Dns(Box::new(DnsScreen::new(restore, Some(id)))));
            return;
        }
        let Some(found) = self.restore(&restore) else {
            self.set_flash(FlashKind::Error, "this restore is no longer reported");
            return;
        };
        if let Some(why) = not_swappable(found) {
            self.set_flash(FlashKind::Info, why);
            return;
        }
        let mut screen = DnsScreen::new(restore, None);
        screen.prompt = Some(prompt(DnsMove::Swap));
        self.open_screen(Screen::Dns(Box::new(screen)));
    }

    pub(in crate::app) fn on_dns_key(
        &mut self,
        key: crossterm::event::KeyEvent,
        action: Option<Action>,
    ) {
        let Some(Screen::Dns(screen)) = self.screens.last_mut() else {
            return;
        };
        let Some(open) = screen.prompt.as_mut() else {
            match action {
                Some(Action::SwapDns) => self.open_dns_prompt(DnsMove::Swap),
                Some(Action::RollbackDns) => self.open_dns_prompt(DnsMove::Rollback),
                Some(Action::Back) => self.close_screen(),
                Some(Action::Quit) => self.effects.push(Effect::Quit),
                Some(other) => self.on_common_action(other),
                None => self.dirty = false,
            }
            return;
        };
        match action {
            Some(Action::Back) => screen.prompt = None,
            Some(Action::Launch) => self.send_dns(),
            _ => {
                open.typed.handle_event(&crossterm::event::Event::Key(key));
                open.problem = None;
            }
        }
    }

    /// Opens the typed confirmation of `what`, if the swap's phase allows it at all.
    fn open_dns_prompt(&mut self, what: DnsMove) {
        if self.read_only {
            self.refuse_read_only("DNS cannot be swapped");
            return;
        }
        let Some(Screen::Dns(screen)) = self.screens.last() else {
            return;
        };
        let shown = screen.shown(&self.dns_swaps);
        let refusal = match (what, shown) {
            (DnsMove::Swap, Some(s)) if s.phase != DnsPhase::RolledBack => Some(format!(
                "DNS swap {} is {}: B rolls it back",
                s.id,
                s.phase.label().replace('_', " ")
            )),
            (DnsMove::Swap, _) => None,
            (DnsMove::Rollback, None) => Some("there is no swap to roll back yet".to_string()),
            (DnsMove::Rollback, Some(s)) if !s.phase.can_roll_back() => Some(format!(
                "DNS swap {} is {}: it can be rolled back while propagating, once verified or \
                 after failing",
                s.id,
                s.phase.label().replace('_', " ")
            )),
            (DnsMove::Rollback, Some(_)) => None,
        };
        if let Some(text) = refusal {
            self.set_flash(FlashKind::Info, text);
            return;
        }
        if let Some(Screen::Dns(screen)) = self.screens.last_mut() {
            screen.prompt = Some(prompt(what));
        }
    }

    /// Sends the move once the slug is typed right; journaled first, once.
    fn send_dns(&mut self) {
        let Some(Screen::Dns(screen)) = self.screens.last() else {
            return;
        };
        let Some(open) = &screen.prompt else {
            return;
        };
        if screen.sending.is_some() {
            self.set_flash(FlashKind::Info, "already sent: waiting for the answer");
            return;
        }
        let what = open.what;
        let typed = open.typed.value().trim().to_string();
        let Some(restore) = self.restore(&screen.restore).cloned() else {
            self.set_flash(FlashKind::Error, "this restore is no longer reported");
            return;
        };
        let swap = screen.shown(&self.dns_swaps).map(|s| s.id.clone());
        if typed != restore.source_slug {
            let problem = format!("type {} to {}", restore.source_slug, what.word());
            if let Some(p) = self.dns_prompt_mut() {
                p.problem = Some(problem);
            }
            return;
        }
        // The outbox keys it: the same move again, after no definite answer, keeps its key.
        let key = IdempotencyKey(Default::default());
        let (journaled, target, op) = match (what, swap) {
            (DnsMove::Swap, _) => (
                Journaled::CreateDnsSwap,
                restore.id.to_string(),
                Op::CreateDnsSwap {
                    tenant: restore.tenant_id.clone(),
                    restore: restore.id.clone(),
                    key: key.clone(),
                },
            ),
            (DnsMove::Rollback, Some(swap)) => (
                Journaled::RollbackDnsSwap,
                swap.to_string(),
                Op::RollbackDnsSwap {
                    swap,
                    key: key.clone(),
                },
            ),
            (DnsMove::Rollback, None) => return,
        };
        let (op, key) = self.keyed(op);
        let mut intent = self.intent(journaled, target, key);
        intent.ticket = restore.ticket.clone();
        intent.details.insert(
            "tenant".to_string(),
            serde_json::Value::String(restore.source_slug.clone()),
        );
        let id = self.write(intent, op);
        if let Some(Screen::Dns(screen)) = self.screens.last_mut() {
            screen.sending = Some(id);
            screen.problem = None;
            screen.rolling_back = what == DnsMove::Rollback;
            if let Some(p) = screen.prompt.as_mut() {
                p.sending = Some(id);
            }
        }
    }

    fn dns_prompt_mut(&mut self) -> Option<&mut Prompt<DnsMove>> {
        match self.screens.last_mut() {
            Some(Screen::Dns(d)) => d.prompt.as_mut(),
            _ => None,
        }
    }

    /// The screen waiting for `id` (wherever it sits in the stack) shows the swap, or the
    /// problem with the prompt open for another try.
    pub(in crate::app) fn answered_dns(
        &mut self,
        id: CommandId,
        answer: Result<DnsSwapId, String>,
    ) {
        let waiting = self.screens.iter_mut().rev().find_map(|s| match s {
            Screen::Dns(d) if d.sending == Some(id) => Some(d),
            _ => None,
        });
        let Some(screen) = waiting else {
            return;
        };
        screen.sending = None;
        let problem = match answer {
            Ok(swap) => {
                screen.swap = Some(swap);
                screen.prompt = None;
                screen.problem = None;
                return;
            }
            Err(problem) => problem,
        };
        if let Some(p) = screen.prompt.as_mut() {
            p.sending = None;
            p.problem = Some(problem.clone());
        }
        screen.problem = Some(problem);
    }
}
