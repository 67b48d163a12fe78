//! A key pressed: the filter line, the screen's own keys, then the keys every screen shares.

use crossterm::event::KeyEvent;
use tui_input::backend::crossterm::EventHandler;

use super::keys::{Action, COMMON_KEYS};
use super::*;

impl App {
    /// Keys go to the top modal first, else to the top screen, through their key tables.
    pub(super) fn on_key(&mut self, key: KeyEvent) {
        match self.modal() {
            Some(Modal::Help) => {
                // Any key closes help; `q` and Ctrl-C still quit.
                self.modals.pop();
                if keys::action_in(&[COMMON_KEYS], &key) == Some(Action::Quit) {
                    self.effects.push(Effect::Quit);
                }
            }
            Some(Modal::Filter) => self.on_filter_key(key),
            Some(Modal::Goto) => self.on_goto_key(key),
            None => {
                // A screen typing text has only its own keys: `q` and `?` are text there.
                let screen = self.screen();
                let action = if screen.takes_text() {
                    keys::action_in(&[screen.keys()], &key)
                } else {
                    keys::action_in(&[screen.keys(), COMMON_KEYS], &key)
                };
                self.on_screen_key(key, action);
            }
        }
    }

    /// The one place a key reaches its screen: screens with text fields take the key itself
    /// too, the others only its action.
    pub(super) fn on_screen_key(&mut self, key: KeyEvent, action: Option<Action>) {
        match (self.screen(), action) {
            (Screen::Wizard(_), _) => self.on_wizard_key(key, action),
            (Screen::Monitor(_), _) => self.on_monitor_key(key, action),
            (Screen::Dns(_), _) => self.on_dns_key(key, action),
            (Screen::Failover(_), _) => self.on_failover_key(key, action),
            (_, None) => self.dirty = false,
            (Screen::Fleet, Some(action)) => self.on_fleet_action(action),
            (Screen::Tenant(_), Some(action)) => self.on_tenant_action(action),
            (Screen::Restores(_), Some(action)) => self.on_restores_action(action),
            (Screen::Journal(_), Some(action)) => self.on_journal_action(action),
            (Screen::Requests(_), Some(action)) => self.on_requests_action(action),
            (Screen::Regions(_), Some(action)) => self.on_regions_action(action),
        }
    }

    pub(super) fn on_filter_key(&mut self, key: KeyEvent) {
        match keys::action_in(&[Modal::Filter.keys()], &key) {
            Some(Action::KeepFilter) => {
                self.modals.pop();
            }
            Some(Action::Back) => {
                self.modals.pop();
                self.clear_filter();
            }
            Some(Action::Up) => self.view.move_by(-1, &self.fleet),
            Some(Action::Down) => self.view.move_by(1, &self.fleet),
            Some(Action::Quit) => self.effects.push(Effect::Quit),
            _ => {
                self.filter.handle_event(&crossterm::event::Event::Key(key));
                self.view.set_filter(self.filter.value(), &self.fleet);
            }
        }
    }

    pub(super) fn clear_filter(&mut self) {
        self.filter.reset();
        self.view.set_filter("", &self.fleet);
    }

    /// Keys that work the same on every screen.
    pub(super) fn on_common_action(&mut self, action: Action) {
        match action {
            Action::ToggleTime => {
                self.time = match self.time {
                    TimeDisplay::Utc => TimeDisplay::Local,
                    TimeDisplay::Local => TimeDisplay::Utc,
                };
            }
            // A second `r` while one is on its way asks for nothing more.
            Action::Refresh if self.waiting_for(&Op::Refresh) => {
                self.set_flash(FlashKind::Info, "refreshing… (already asked)");
            }
            Action::Refresh => {
                self.set_flash(FlashKind::Info, "refreshing…");
                self.send(Op::Refresh);
            }
            Action::Help => self.open_modal(Modal::Help),
            Action::ShowFleet => self.screens.truncate(1),
            Action::ShowRestores => self.switch_to(
                |s| matches!(s, Screen::Restores(_)),
                || Screen::Restores(Default::default()),
            ),
            Action::ShowJournal => self.open_journal(),
            Action::GotoLine => {
                self.goto_line.reset();
                self.goto_offered = goto::Offered::default();
                self.open_modal(Modal::Goto);
            }
            Action::ShowRequests => self.switch_to(
                |s| matches!(s, Screen::Requests(_)),
                || Screen::Requests(Default::default()),
            ),
            Action::ShowRegions => {
                self.switch_to(
                    |s| matches!(s, Screen::Regions(_)),
                    || Screen::Regions(Default::default()),
                );
                self.want_exposure(self.now);
            }
            Action::Quit => self.effects.push(Effect::Quit),
            _ => self.dirty = false,
        }
    }
}
