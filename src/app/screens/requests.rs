//! The requests screen: support tickets waiting for on-call, the most urgent acknowledgement
//! deadline first. `a` acknowledges the selected ticket (journaled first, sent once);
//! `Enter` opens the restore wizard for its tenant, filled in from the ticket.

use chrono::{DateTime, Duration, Utc};
use tui_input::Input;

use super::super::keys::Action;
use super::super::{App, FlashKind};
use super::Screen;
use super::monitor::MonitorScreen;
use super::wizard::Field;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::ids::IdempotencyKey;
use crate::domain::request::RestoreRequest;
use crate::domain::restore::{Restore, RestoreMode};
use crate::journal::Action as Journaled;
use crate::source::Op;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestsScreen {
    /// The ticket selected, by name: the list is re-pushed and re-ordered as tickets arrive,
    /// and `a` must land on the ticket the operator sees, not on whatever took its row.
    pub selected: Option<String>,
}

impl RequestsScreen {
    /// The selected row: the selected ticket's, else the first.
    pub fn row(&self, requests: &[RestoreRequest]) -> usize {
        self.selected
            .as_ref()
            .and_then(|t| requests.iter().position(|r| r.ticket == *t))
            .unwrap_or(0)
    }
}

/// Unacknowledged first, each group by acknowledgement deadline (the overdue ones, whose
/// deadlines are earliest, on top); the ticket breaks ties so the order never flickers.
pub fn order(requests: &mut [RestoreRequest], calendar: &BusinessCalendar) {
    requests.sort_by_cached_key(|r| {
        (
            r.acknowledged_at.is_some(),
            r.ack_deadline(calendar).at,
            r.ticket.clone(),
        )
    });
}

/// (unacknowledged, overdue) for the header: the overdue are unacknowledged too.
pub fn ack_counts(
    requests: &[RestoreRequest],
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
) -> (usize, usize) {
    let waiting = requests
        .iter()
        .filter(|r| r.acknowledged_at.is_none())
        .count();
    let overdue = requests
        .iter()
        .filter(|r| r.is_overdue(now, calendar))
        .count();
    (waiting, overdue)
}

/// The ticket a restore answers, if it is among `requests`: by the restore it names, or by
/// the ticket the restore names. Its `requested_at` starts the RTO clock.
pub fn request_for<'a>(app: &'a App, restore: &Restore) -> Option<&'a RestoreRequest> {
    let answers = |r: &&RestoreRequest| {
        r.restore_id.as_ref() == Some(&restore.id)
            || restore.ticket.as_deref() == Some(r.ticket.as_str())
    };
    // Open tickets first; a closed one still dates the wait of the restore that answered it.
    app.requests
        .iter()
        .find(answers)
        .or_else(|| app.closed_requests.iter().rev().find(answers))
}

impl App {
    pub(in crate::app) fn on_requests_action(&mut self, action: Action) {
        let Some(Screen::Requests(list)) = self.screens.last_mut() else {
            return;
        };
        let row = list.row(&self.requests);
        // Pin the row on screen to its ticket: a list pushed meanwhile must not slide another
        // ticket under the operator's key.
        if list.selected.is_none() {
            list.selected = self.requests.get(row).map(|r| r.ticket.clone());
        }
        let last = self.requests.len().saturating_sub(1);
        let to = match action {
            Action::Up => row.saturating_sub(1),
            Action::Down => (row + 1).min(last),
            Action::First => 0,
            Action::Last => last,
            Action::Back => return self.close_screen(),
            Action::Acknowledge => return self.acknowledge(),
            Action::NewRestore => return self.restore_for_ticket(),
            other => return self.on_common_action(other),
        };
        list.selected = self.requests.get(to).map(|r| r.ticket.clone());
    }

    /// The request on the selected row, if any.
    fn selected_request(&self) -> Option<RestoreRequest> {
        let Some(Screen::Requests(list)) = self.screens.last() else {
            return None;
        };
        self.requests.get(list.row(&self.requests)).cloned()
    }

    /// `a`: journals and sends the acknowledgement of the selected ticket, once.
    fn acknowledge(&mut self) {
        if self.read_only {
            self.refuse_read_only("tickets cannot be acknowledged");
            return;
        }
        let Some(request) = self.selected_request() else {
            self.dirty = false;
            return;
        };
        let ticket = request.ticket;
        if let Some(at) = request.acknowledged_at {
            // An age, not a time: the flash cannot know whether the operator reads UTC or local.
            let ago = crate::domain::humanize::coarse((self.now - at).max(Duration::zero()));
            let text = format!("{ticket} was already acknowledged, {ago} ago");
            self.set_flash(FlashKind::Info, text);
            return;
        }
        let on_its_way = self
            .outbox
            .pending()
            .any(|op| matches!(op, Op::AcknowledgeRequest { ticket: t, .. } if *t == ticket));
        if on_its_way {
            self.set_flash(FlashKind::Info, "already sent: waiting for the answer");
            return;
        }
        let (op, key) = self.keyed(Op::AcknowledgeRequest {
            ticket: ticket.clone(),
            key: IdempotencyKey(Default::default()),
        });
        let mut intent = self.intent(Journaled::AcknowledgeRequest, ticket.clone(), key);
        intent.ticket = Some(ticket);
        self.write(intent, op);
    }

    /// `Enter`: the restore wizard for the ticket's tenant, with the ticket, its note as the
    /// reason, overwrite when it prefers that, and the request itself (its point in time, and
    /// its `requested_at` for the RTO clock). A ticket whose restore is running opens that
    /// restore's monitor instead: a second launch could only be refused.
    fn restore_for_ticket(&mut self) {
        let Some(request) = self.selected_request() else {
            self.dirty = false;
            return;
        };
        let running = request
            .restore_id
            .as_ref()
            .and_then(|id| self.restore(id))
            .filter(|r| r.phase.is_active())
            .map(|r| r.id.clone());
        if let Some(id) = running {
            self.open_screen(Screen::Monitor(Box::new(MonitorScreen::new(id))));
            return;
        }
        if !self.read_only && self.fleet.position(&request.tenant_id).is_none() {
            let text = format!(
                "{}: tenant {} is not in the fleet",
                request.ticket, request.tenant_id
            );
            self.set_flash(FlashKind::Error, text);
            return;
        }
        self.open_wizard(Some(request.tenant_id.clone()));
        let Some(Screen::Wizard(wizard)) = self.screens.last_mut() else {
            return;
        };
        wizard.ticket = Input::new(request.ticket.clone());
        wizard.reason = Input::new(request.note.clone());
        // The ticket's point in time, as an instant: the wizard picks the newest usable point
        // at or before it (and says how much later data the restore will not have).
        if let Some(at) = request.point_in_time {
            wizard.when = Input::new(at.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        if request.prefers_overwrite {
            wizard.mode = RestoreMode::Overwrite;
            // Ticket and reason are filled in: what is left is the slug typed to confirm.
            wizard.field = Field::Confirm;
        }
        wizard.request = Some(request);
    }

    /// An acknowledgement's answer: the ticket shows acknowledged at once, before the source
    /// pushes its list again.
    pub(in crate::app) fn acknowledged(&mut self, request: &RestoreRequest) {
        if let Some(mine) = self
            .requests
            .iter_mut()
            .find(|r| r.ticket == request.ticket)
        {
            mine.acknowledged_at = request.acknowledged_at;
        }
        order(&mut self.requests, &self.calendar);
    }
}
