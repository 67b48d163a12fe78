//! The restore wizard: the point (the most recent successful backup), the mode (a new spoke,
//! or over the original), the ticket and reason, and a review of what will happen, on one
//! page. `Enter` launches a new spoke; an overwrite needs the tenant's slug typed first. The
//! intent is journaled before it is sent, and a second `Enter` while it is on its way sends
//! nothing.

mod region;

use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::super::keys::Action;
use super::super::{App, Effect, FlashKind};
use super::Screen;
use crate::domain::TenantId;
use crate::domain::ids::IdempotencyKey;
use crate::domain::ids::RestorePointId;
use crate::domain::point_choice::{ChoiceError, PointChoice, check_point, choose_point};
use crate::domain::restore::{CreateRestore, RestoreMode, RestorePurpose, free_target_slug};
use crate::domain::tenant::LastSuccess;
use crate::domain::typed_time::parse_typed_time;
use crate::domain::verify::request::{FingerprintRequest, vars_of};
use crate::journal::Action as Journaled;
use crate::source::{CommandId, Op};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The point in time typed (empty: the most recent usable point).
    When,
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
    /// The point picked in the tenant's history, until a time is typed instead.
    pub picked: Option<RestorePointId>,
    /// A point in time typed: the newest usable point at or before it is restored.
    pub when: Input,
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
    /// A drill (`D`): into `<slug>-drill-<yyyymmdd>`, checked, recorded and discarded; the
    /// slug typed to start it.
    pub purpose: RestorePurpose,
    /// Restore in this region from the tenant's copy there (its secondary region), instead
    /// of its own: only ever set when the source reports regions.
    pub region: Option<String>,
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
            picked: None,
            when: Input::default(),
            ticket: Input::default(),
            reason: Input::default(),
            confirm: Input::default(),
            field: Field::Ticket,
            sending: None,
            problem: None,
            launched: None,
            launched_id: None,
            request: None,
            purpose: RestorePurpose::Request,
            region: None,
        }
    }

    /// The wizard of a drill into `target`: the point, then the slug typed.
    pub fn drill(tenant: TenantId, target: String) -> Self {
        Self {
            purpose: RestorePurpose::Drill,
            field: Field::Confirm,
            ..Self::new(tenant, target)
        }
    }

    pub fn is_drill(&self) -> bool {
        self.purpose == RestorePurpose::Drill
    }

    fn input(&mut self) -> &mut Input {
        match self.field {
            Field::When => &mut self.when,
            Field::Ticket => &mut self.ticket,
            Field::Reason => &mut self.reason,
            Field::Confirm => &mut self.confirm,
        }
    }

    /// The fields in turn; the typed confirmation only for an overwrite.
    fn next_field(&mut self) {
        if self.is_drill() {
            self.field = match self.field {
                Field::Confirm => Field::When,
                _ => Field::Confirm,
            };
            return;
        }
        self.field = match (self.field, &self.mode) {
            (Field::When, _) => Field::Ticket,
            (Field::Ticket, _) => Field::Reason,
            (Field::Reason, RestoreMode::Overwrite) => Field::Confirm,
            _ => Field::When,
        };
    }
}

/// How the operator chose the point.
#[derive(Debug, Clone, PartialEq)]
pub enum PointAsk {
    MostRecent,
    Picked(RestorePointId),
    Typed(chrono::DateTime<chrono::Utc>),
}

/// The point the wizard will restore, as far as the history fetched can tell.
#[derive(Debug, Clone, PartialEq)]
pub enum PointPick<'a> {
    /// The history's first page has not come yet.
    Loading,
    /// The time typed is older than the points held: further pages are on their way.
    Searching,
    Chosen {
        choice: PointChoice<'a>,
        ask: PointAsk,
    },
    /// The history cannot be read: the fleet's newest success, which needs no history.
    Summary(&'a LastSuccess),
    /// Why no point can be restored, in words.
    Refused(String),
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
        self.open_wizard_at(tenant, None);
    }

    /// The wizard for a tenant with a point of its history already picked.
    pub(in crate::app) fn open_wizard_at(
        &mut self,
        tenant: Option<TenantId>,
        picked: Option<RestorePointId>,
    ) {
        if self.read_only {
            self.refuse_read_only("restores are not offered");
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
        let mut wizard = WizardScreen::new(id.clone(), target);
        wizard.picked = picked;
        // Its region down and a copy elsewhere: restoring from the copy is the one move.
        wizard.region = self.copy_region_if_down(i);
        self.open_screen(Screen::Wizard(Box::new(wizard)));
        // The point is judged against the history: its first page, at least.
        self.want_points(&id, 1);
    }

    /// `D` (and `:drill SLUG`): a drill's wizard, unless the tenant cannot be drilled now.
    pub(in crate::app) fn open_drill(&mut self, tenant: Option<TenantId>) {
        if self.read_only {
            self.refuse_read_only("drills are not offered");
            return;
        }
        let Some(i) = tenant.as_ref().and_then(|id| self.fleet.position(id)) else {
            self.dirty = false;
            return;
        };
        let t = self.fleet.tenant(i);
        if let Some(why) = crate::domain::drill::cannot_drill(t) {
            self.set_flash(FlashKind::Error, format!("no drill: {why}"));
            return;
        }
        let tenants = self.fleet.tenants();
        let target = crate::domain::drill::free_drill_slug(&t.slug, self.now, |taken| {
            tenants.iter().any(|t| t.slug == taken)
        });
        let id = t.id.clone();
        let mut wizard = WizardScreen::drill(id.clone(), target);
        wizard.region = self.copy_region_if_down(i);
        self.open_screen(Screen::Wizard(Box::new(wizard)));
        self.want_points(&id, 1);
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
            Some(Action::ToggleMode) if wizard.is_drill() => {
                wizard.problem =
                    Some("a drill always restores into a new spoke, never over the tenant".into());
            }
            Some(Action::ToggleMode) if wizard.region.is_some() => {
                wizard.problem = Some(
                    "a restore from the copy makes a new spoke in that region: it cannot \
                     overwrite (Ctrl-R goes back to the tenant's own region)"
                        .into(),
                );
            }
            Some(Action::ToggleRegion) => self.toggle_region(),
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
                if wizard.field == Field::When {
                    // A time typed replaces the point picked in the history.
                    wizard.picked = None;
                    self.search_further_back();
                }
            }
        }
    }

    /// A time typed older than the points held: fetch the rest of the history.
    pub(in crate::app) fn search_further_back(&mut self) {
        let Some(Screen::Wizard(wizard)) = self.screens.last() else {
            return;
        };
        if matches!(self.point_pick(wizard), PointPick::Searching) {
            let tenant = wizard.tenant.clone();
            self.want_points(&tenant, usize::MAX);
        }
    }

    /// The point the wizard will restore, as far as the history fetched can tell.
    pub fn point_pick<'a>(&'a self, wizard: &WizardScreen) -> PointPick<'a> {
        let ask = match self.point_ask(wizard) {
            Ok(ask) => ask,
            Err(problem) => return PointPick::Refused(problem),
        };
        let from = wizard.region.as_deref();
        let history = self.history_of(&wizard.tenant);
        let Some(history) = history.filter(|h| h.is_loaded()) else {
            return self.without_history(wizard, &ask);
        };
        let points = &history.points;
        let chosen = match &ask {
            PointAsk::MostRecent => choose_point(points, None, self.now, from),
            PointAsk::Typed(at) => choose_point(points, Some(*at), self.now, from),
            PointAsk::Picked(id) => check_point(points, id, self.now, from),
        };
        match chosen {
            Ok(choice) => PointPick::Chosen { choice, ask },
            Err(ChoiceError::NoUsablePoint { .. } | ChoiceError::BeforeOldestUsable { .. })
                if !history.complete =>
            {
                PointPick::Searching
            }
            Err(error) => PointPick::Refused(error.to_string()),
        }
    }

    /// What the operator asked for: a time typed, a point picked, or the most recent.
    fn point_ask(&self, wizard: &WizardScreen) -> Result<PointAsk, String> {
        let typed = wizard.when.value().trim();
        if !typed.is_empty() {
            let zone = match self.time {
                super::super::TimeDisplay::Utc => chrono_tz::Tz::UTC,
                super::super::TimeDisplay::Local => self.local_zone,
            };
            return parse_typed_time(typed, self.now, zone)
                .map(PointAsk::Typed)
                .map_err(|e| e.to_string());
        }
        Ok(wizard
            .picked
            .clone()
            .map_or(PointAsk::MostRecent, PointAsk::Picked))
    }

    /// Before the history comes (or when it cannot be read): the most recent success the
    /// fleet reports can still be restored; anything else waits for the history.
    fn without_history(&self, wizard: &WizardScreen, ask: &PointAsk) -> PointPick<'_> {
        let tenant = &wizard.tenant;
        let error = self.history_of(tenant).and_then(|h| h.error.clone());
        let last = self
            .fleet
            .position(tenant)
            .and_then(|i| self.fleet.tenant(i).backup.last_success.as_ref());
        let from_copy = wizard.region.is_some();
        match (error, ask, last) {
            (None, _, _) => PointPick::Loading,
            // The summary cannot say which point was copied: the history must.
            (Some(error), _, _) if from_copy => PointPick::Refused(format!(
                "the restore-point history could not be read ({error}): the copied points \
                 cannot be told apart until it can"
            )),
            (Some(_), PointAsk::MostRecent, Some(last)) => PointPick::Summary(last),
            (Some(error), _, _) => PointPick::Refused(format!(
                "the restore-point history could not be read ({error}); only the most \
                 recent successful backup can be restored until it can"
            )),
        }
    }

    /// The restore `tenant` already has in progress, with its phase in words, if any.
    pub fn active_restore_of(
        &self,
        tenant: &TenantId,
    ) -> Option<(crate::domain::ids::RestoreId, String)> {
        let i = self.fleet.position(tenant)?;
        let id = self.fleet.tenant(i).active_restore_id.clone()?;
        let phase = self
            .restores
            .iter()
            .find(|r| r.id == id)
            .map_or("in progress".to_string(), |r| {
                r.phase.label().replace('_', " ")
            });
        Some((id, phase))
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
        // One restore at a time: a launch now could only be refused; its monitor is the move.
        if let Some((id, _)) = self.active_restore_of(&wizard.tenant) {
            let monitor = super::monitor::MonitorScreen::new(id);
            self.replace_screen(Screen::Monitor(Box::new(monitor)));
            return;
        }
        match self.checked_request(&wizard) {
            Ok(checked) => self.send_restore(&wizard.tenant, checked),
            Err(problem) => {
                if let Some(Screen::Wizard(open)) = self.screens.last_mut() {
                    open.problem = Some(problem);
                }
            }
        }
    }

    /// The request the form asks for, or what is wrong with it, in words.
    fn checked_request(&self, wizard: &WizardScreen) -> Result<Checked, String> {
        let i = self
            .fleet
            .position(&wizard.tenant)
            .ok_or("this tenant is no longer in the fleet")?;
        let tenant = self.fleet.tenant(i);
        if let Some(why) = self.region_refused(tenant, wizard) {
            return Err(why);
        }
        let (point, instant) = match self.point_pick(wizard) {
            PointPick::Chosen { choice, .. } => (
                choice.point.id.clone(),
                choice
                    .point
                    .database
                    .started_at
                    .unwrap_or(choice.point.taken_at),
            ),
            PointPick::Summary(last) => (last.restore_point_id.clone(), last.taken_at),
            PointPick::Loading | PointPick::Searching => {
                return Err(match &self.connection {
                    crate::source::Connection::Failing { error, .. } => format!(
                        "the source is not answering ({error}): the restore points cannot be \
                         read until it is back"
                    ),
                    _ => "the restore points are still loading: a moment".to_string(),
                });
            }
            PointPick::Refused(problem) => return Err(problem),
        };
        if wizard.is_drill() {
            return drill_request(wizard, &tenant.slug, point);
        }
        let target_region = wizard.region.clone();
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
            target_region,
            batch: None,
            restore_point_id: Some(point),
            mode: wizard.mode.clone(),
            target_slug: (wizard.mode == RestoreMode::Overwrite).then(|| tenant.slug.to_string()),
            ticket: Some(ticket),
            reason: (!reason.is_empty()).then(|| reason.to_string()),
            purpose: RestorePurpose::Request,
        };
        // An overwrite replaces live: what it was is taken now, to compare the restore with.
        let fingerprint =
            (wizard.mode == RestoreMode::Overwrite && self.verify_configured).then(|| {
                FingerprintRequest {
                    live: vars_of(tenant),
                    point: instant,
                }
            });
        Ok(Checked {
            slug: tenant.slug.to_string(),
            request,
            fingerprint,
        })
    }

    fn send_restore(&mut self, tenant: &TenantId, checked: Checked) {
        let Checked {
            slug,
            request,
            fingerprint,
        } = checked;
        let details = crate::journal::details_of(&request);
        let ticket = request.ticket.clone();
        let (op, key) = self.keyed(Op::CreateRestore {
            tenant: tenant.clone(),
            request,
            key: IdempotencyKey(Default::default()),
        });
        let mut intent = self.intent(Journaled::CreateRestore, slug, key);
        intent.ticket = ticket;
        intent.details = details;
        let id = match fingerprint {
            Some(live) => {
                let command = self.command(op);
                let id = command.id;
                self.effects.push(Effect::Fingerprint {
                    live: Box::new(live),
                    intent: Box::new(intent),
                    command,
                });
                id
            }
            None => self.write(intent, op),
        };
        if let Some(Screen::Wizard(wizard)) = self.screens.last_mut() {
            wizard.sending = Some(id);
            wizard.problem = None;
        }
    }
}

/// A drill's request once the slug is typed: a new spoke with the drill's name, no ticket.
fn drill_request(
    wizard: &WizardScreen,
    slug: &str,
    point: RestorePointId,
) -> Result<Checked, String> {
    if wizard.confirm.value().trim() != slug {
        return Err(format!(
            "a drill starts a real restore on the platform: type {slug} to start it"
        ));
    }
    Ok(Checked {
        slug: slug.to_string(),
        request: CreateRestore {
            target_region: wizard.region.clone(),
            batch: None,
            restore_point_id: Some(point),
            mode: RestoreMode::NewSpoke,
            target_slug: Some(wizard.target.clone()),
            ticket: None,
            reason: Some("restore drill, from the dashboard".into()),
            purpose: RestorePurpose::Drill,
        },
        fingerprint: None,
    })
}

/// A launch that passed the form's checks.
struct Checked {
    slug: String,
    request: CreateRestore,
    /// For an overwrite with `[verify]` set: live to fingerprint before it leaves.
    fingerprint: Option<FingerprintRequest>,
}
