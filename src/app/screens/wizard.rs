//! The restore wizard: the point (the most recent successful backup), the mode (a new spoke,
//! or over the original), the ticket and reason, and a review of what will happen, on one
//! page. `Enter` launches a new spoke; an overwrite needs the tenant's slug typed first. The
//! intent is journaled before it is sent, and a second `Enter` while it is on its way sends
//! nothing.

use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::super::keys::Action;
use super::super::{App, Effect, FlashKind};
use super::Screen;
use crate::domain::TenantId;
use crate::domain::ids::IdempotencyKey;
use crate::domain::restore::{CreateRestore, RestoreMode, free_target_slug};
use crate::journal::Action as Journaled;
use crate::source::{CommandId, Op};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Ticket,
    Reason,
    /// The typed slug an overwrite needs.
    Confirm,
}

#[derive(Debug, Clone)]
pub struct WizardScreen {
    pub tenant: TenantId,
    /// The new spoke's name as the control plane will give it, found once when the wizard
    /// opens (it looks through every slug of the fleet: not a job for every frame).
    pub target: String,
    pub mode: RestoreMode,
    pub ticket: Input,
    pub reason: Input,
    pub confirm: Input,
    pub field: Field,
    /// The launch on its way, until its answer comes.
    pub sending: Option<CommandId>,
    /// Why the last try did not launch, in words.
    pub problem: Option<String>,
    /// What was launched: the wizard stays until Enter or Esc, so a double Enter lands here
    /// and not on the screen below.
    pub launched: Option<String>,
    /// The restore launched, which Enter opens in the monitor.
    pub launched_id: Option<crate::domain::ids::RestoreId>,
    /// The support ticket this restore answers, when opened from the requests screen: its
    /// point in time, and its `requested_at`, which starts the RTO clock.
    pub request: Option<crate::domain::request::RestoreRequest>,
}

impl PartialEq for WizardScreen {
    fn eq(&self, other: &Self) -> bool {
        self.tenant == other.tenant && self.sending == other.sending
    }
}

impl Eq for WizardScreen {}

impl WizardScreen {
    pub fn new(tenant: TenantId, target: String) -> Self {
        Self {
            tenant,
            target,
            mode: RestoreMode::NewSpoke,
            ticket: Input::default(),
            reason: Input::default(),
            confirm: Input::default(),
            field: Field::Ticket,
            sending: None,
            problem: None,
            launched: None,
            launched_id: None,
            request: None,
        }
    }

    fn input(&mut self) -> &mut Input {
        match self.field {
            Field::Ticket => &mut self.ticket,
            Field::Reason => &mut self.reason,
            Field::Confirm => &mut self.confirm,
        }
    }

    /// The fields in turn; the typed confirmation only for an overwrite.
    fn next_field(&mut self) {
        self.field = match (self.field, &self.mode) {
            (Field::Ticket, _) => Field::Reason,
            (Field::Reason, RestoreMode::Overwrite) => Field::Confirm,
            _ => Field::Ticket,
        };
    }
}

/// "SUP-4821": letters, a dash, digits.
pub fn ticket_problem(ticket: &str) -> Option<String> {
    let valid = ticket.split_once('-').is_some_and(|(prefix, number)| {
        !prefix.is_empty()
            && prefix.chars().all(|c| c.is_ascii_alphabetic())
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
    });
    (!valid).then(|| {
        if ticket.is_empty() {
            "a restore answers a ticket: type its reference, e.g. SUP-4821".to_string()
        } else {
            format!("\"{ticket}\" is not a ticket reference: letters, a dash, digits (SUP-4821)")
        }
    })
}

impl App {
    /// `R`: the wizard for a tenant, unless the operator may only look.
    pub(in crate::app) fn open_wizard(&mut self, tenant: Option<TenantId>) {
        if self.read_only {
            self.set_flash(FlashKind::Info, "read-only: restores are not offered");
            return;
        }
        let Some(i) = tenant.as_ref().and_then(|id| self.fleet.position(id)) else {
            self.dirty = false;
            return;
        };
        let slug = &self.fleet.tenant(i).slug;
        let tenants = self.fleet.tenants();
        let target = free_target_slug(slug, self.now, |taken| {
            tenants.iter().any(|t| t.slug == taken)
        });
        let id = self.fleet.tenant(i).id.clone();
        self.open_screen(Screen::Wizard(Box::new(WizardScreen::new(id, target))));
    }

    pub(in crate::app) fn on_wizard_key(
        &mut self,
        key: crossterm::event::KeyEvent,
        action: Option<Action>,
    ) {
        let Some(Screen::Wizard(wizard)) = self.screens.last_mut() else {
            return;
        };
        if wizard.launched.is_some() {
            let launched = wizard.launched_id.clone();
            match (action, launched) {
                (Some(Action::Launch), Some(id)) => {
                    let monitor = super::monitor::MonitorScreen::new(id);
                    self.replace_screen(Screen::Monitor(Box::new(monitor)));
                }
                (Some(Action::Launch | Action::Back), _) => self.close_screen(),
                (Some(Action::Quit), _) => self.effects.push(Effect::Quit),
                _ => self.dirty = false,
            }
            return;
        }
        match action {
            Some(Action::Back) => self.close_screen(),
            Some(Action::NextField) => wizard.next_field(),
            Some(Action::ToggleMode) => {
                wizard.mode = match wizard.mode {
                    RestoreMode::Overwrite => RestoreMode::NewSpoke,
                    _ => RestoreMode::Overwrite,
                };
                if wizard.field == Field::Confirm {
                    wizard.field = Field::Ticket;
                }
                wizard.problem = None;
            }
            Some(Action::Launch) => self.launch(),
            Some(Action::Quit) => self.effects.push(Effect::Quit),
            _ => {
                wizard
                    .input()
                    .handle_event(&crossterm::event::Event::Key(key));
                wizard.problem = None;
            }
        }
    }

    /// Checks the form and, when it holds, journals the intent and sends it.
    fn launch(&mut self) {
        let Some(Screen::Wizard(wizard)) = self.screens.last() else {
            return;
        };
        if wizard.sending.is_some() {
            self.set_flash(FlashKind::Info, "already sent: waiting for the answer");
            return;
        }
        let wizard = wizard.as_ref().clone();
        match self.checked_request(&wizard) {
            Ok((slug, request)) => self.send_restore(&wizard.tenant, slug, request),
            Err(problem) => {
                if let Some(Screen::Wizard(open)) = self.screens.last_mut() {
                    open.problem = Some(problem);
                }
            }
        }
    }

    /// The request the form asks for, or what is wrong with it, in words.
    fn checked_request(&self, wizard: &WizardScreen) -> Result<(String, CreateRestore), String> {
        let i = self
            .fleet
            .position(&wizard.tenant)
            .ok_or("this tenant is no longer in the fleet")?;
        let tenant = self.fleet.tenant(i);
        let last = tenant.backup.last_success.as_ref().ok_or_else(|| {
            format!(
                "{} has no successful backup: there is nothing to restore",
                tenant.slug
            )
        })?;
        let ticket = wizard.ticket.value().trim().to_string();
        if let Some(problem) = ticket_problem(&ticket) {
            return Err(problem);
        }
        if wizard.mode == RestoreMode::Overwrite && wizard.confirm.value().trim() != tenant.slug {
            return Err(format!(
                "an overwrite replaces {slug} in place: type {slug} to confirm",
                slug = tenant.slug
            ));
        }
        let reason = wizard.reason.value().trim();
        let request = CreateRestore {
            restore_point_id: Some(last.restore_point_id.clone()),
            mode: wizard.mode.clone(),
            target_slug: (wizard.mode == RestoreMode::Overwrite).then(|| tenant.slug.clone()),
            ticket: Some(ticket),
            reason: (!reason.is_empty()).then(|| reason.to_string()),
        };
        Ok((tenant.slug.clone(), request))
    }

    fn send_restore(&mut self, tenant: &TenantId, slug: String, request: CreateRestore) {
        let key = self.mint_key();
        let mut intent = self.intent(Journaled::CreateRestore, slug, key.clone());
        intent.ticket = request.ticket.clone();
        intent.details = details(&request);
        let op = Op::CreateRestore {
            tenant: tenant.clone(),
            request,
            key,
        };
        let id = self.write(intent, op);
        if let Some(Screen::Wizard(wizard)) = self.screens.last_mut() {
            wizard.sending = Some(id);
            wizard.problem = None;
        }
    }

    pub(in crate::app) fn mint_key(&mut self) -> IdempotencyKey {
        self.minted += 1;
        IdempotencyKey(format!("{}-{}", self.session, self.minted))
    }
}

/// What the journal keeps of a restore request besides its target and ticket.
fn details(request: &CreateRestore) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(request) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}
