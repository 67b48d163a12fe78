//! The restores screen: every active and recent restore of the fleet, active ones first.

use super::super::App;
use super::super::keys::Action;
use super::Screen;
use super::monitor::MonitorScreen;
use crate::domain::restore::Restore;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoresScreen {
    /// Row selected, in the app's restore order.
    pub selected: usize,
}

/// Active restores first (newest first), then the ones that ended (newest first).
pub fn order(restores: &mut [Restore]) {
    restores.sort_by(|a, b| {
        b.phase
            .is_active()
            .cmp(&a.phase.is_active())
            .then(b.requested_at.cmp(&a.requested_at))
            .then(a.id.cmp(&b.id))
    });
}

impl App {
    pub(in crate::app) fn on_restores_action(&mut self, action: Action) {
        let last = self.restores.len().saturating_sub(1);
        let Some(Screen::Restores(list)) = self.screens.last_mut() else {
            return;
        };
        match action {
            Action::Up => list.selected = list.selected.saturating_sub(1),
            Action::Down => list.selected = (list.selected + 1).min(last),
            Action::First => list.selected = 0,
            Action::Last => list.selected = last,
            Action::Back => self.close_screen(),
            Action::Open => match self.restores.get(list.selected).map(|r| r.id.clone()) {
                Some(id) => self.open_screen(Screen::Monitor(Box::new(MonitorScreen::new(id)))),
                None => self.dirty = false,
            },
            Action::SwapDns => match self.restores.get(list.selected).map(|r| r.id.clone()) {
                Some(id) => self.open_dns(id),
                None => self.dirty = false,
            },
            other => self.on_common_action(other),
        }
    }
}
