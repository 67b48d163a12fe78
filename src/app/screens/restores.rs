//! The restores screen: every active and recent restore of the fleet, active ones first.

use super::super::App;
use super::super::keys::Action;
use super::Screen;
use super::monitor::MonitorScreen;
use crate::domain::ids::RestoreId;
use crate::domain::restore::{ActiveRestores, Restore, RestorePhase, RestorePurpose};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoresScreen {
    /// Row selected, among the restores listed.
    pub selected: usize,
    /// Which restores are listed: drills are thrown away by design, and on an incident
    /// night only customers' restores matter.
    pub drills: DrillsShown,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DrillsShown {
    #[default]
    All,
    Hidden,
    Only,
}

impl DrillsShown {
    fn next(self) -> DrillsShown {
        match self {
            DrillsShown::All => DrillsShown::Hidden,
            DrillsShown::Hidden => DrillsShown::Only,
            DrillsShown::Only => DrillsShown::All,
        }
    }

    fn shows(self, r: &Restore) -> bool {
        let drill = r.purpose == RestorePurpose::Drill;
        match self {
            DrillsShown::All => true,
            DrillsShown::Hidden => !drill,
            DrillsShown::Only => drill,
        }
    }

    /// The list's title says what it leaves out.
    pub fn words(self) -> &'static str {
        match self {
            DrillsShown::All => "",
            DrillsShown::Hidden => "drills hidden",
            DrillsShown::Only => "drills only",
        }
    }
}

impl RestoresScreen {
    /// The restores listed, in the app's order.
    pub fn listed<'a>(&self, restores: &'a [Restore]) -> Vec<&'a Restore> {
        restores.iter().filter(|r| self.drills.shows(r)).collect()
    }
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
    /// Active restores by whom they wait for, from the restores list; a source that lists
    /// none (the kube source) has only the fleet's count of tenants with an active restore,
    /// phase unknown, counted as restoring.
    pub fn active_restores(&self) -> ActiveRestores {
        if self.restores.is_empty() {
            return ActiveRestores {
                restoring: self.fleet.summary().restores_running,
                awaiting: 0,
            };
        }
        ActiveRestores::of(&self.restores)
    }

    /// `restore` as just read or answered, in the list's place and order, ahead of the next
    /// poll.
    pub(in crate::app) fn hold_restore(&mut self, restore: Restore) {
        match self.restores.iter_mut().find(|r| r.id == restore.id) {
            Some(known) => *known = restore,
            None => self.restores.push(restore),
        }
        order(&mut self.restores);
    }

    /// The phase of restore `id` as the restores list last said it.
    pub fn restore_phase(&self, id: &RestoreId) -> Option<&RestorePhase> {
        self.restore(id).map(|r| &r.phase)
    }

    pub(in crate::app) fn on_restores_action(&mut self, action: Action) {
        let Some(Screen::Restores(list)) = self.screens.last_mut() else {
            return;
        };
        let listed: Vec<RestoreId> = list
            .listed(&self.restores)
            .iter()
            .map(|r| r.id.clone())
            .collect();
        let last = listed.len().saturating_sub(1);
        match action {
            Action::DrillsShown => {
                list.drills = list.drills.next();
                list.selected = 0;
            }
            Action::Up => list.selected = list.selected.saturating_sub(1),
            Action::Down => list.selected = (list.selected + 1).min(last),
            Action::First => list.selected = 0,
            Action::Last => list.selected = last,
            Action::Back => self.close_screen(),
            Action::Open => match listed.get(list.selected).cloned() {
                Some(id) => self.open_screen(Screen::Monitor(Box::new(MonitorScreen::new(id)))),
                None => self.dirty = false,
            },
            Action::SwapDns => match listed.get(list.selected).cloned() {
                Some(id) => self.open_dns(id),
                None => self.dirty = false,
            },
            other => self.on_common_action(other),
        }
    }
}
