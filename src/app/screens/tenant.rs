//! The tenant screen: the Backups card of one tenant, over the fleet. `↑` `↓` step to the
//! next tenant of the fleet's order without going back.

use super::super::App;
use super::super::keys::Action;
use super::Screen;
use crate::domain::TenantId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantScreen {
    pub id: TenantId,
    /// Lines the card is scrolled by, at most `scroll_limit`.
    pub scroll: usize,
    /// How far the card, as last drawn, can scroll: PgDn stops there, so PgUp answers at
    /// once after reaching the end.
    pub scroll_limit: usize,
}

/// Lines a PgUp / PgDn moves the card.
const PAGE: usize = 5;

impl TenantScreen {
    pub fn new(id: TenantId) -> Self {
        Self {
            id,
            scroll: 0,
            scroll_limit: 0,
        }
    }
}

impl App {
    pub(in crate::app) fn on_tenant_action(&mut self, action: Action) {
        match action {
            Action::Back => self.close_screen(),
            Action::Up | Action::Down => {
                let step = if action == Action::Up { -1 } else { 1 };
                self.view.move_by(step, &self.fleet);
                if let Some(id) = self.view.selected().cloned() {
                    self.replace_screen(Screen::Tenant(TenantScreen::new(id)));
                }
            }
            Action::PageDown | Action::PageUp => {
                if let Some(Screen::Tenant(card)) = self.screens.last_mut() {
                    card.scroll = if action == Action::PageDown {
                        (card.scroll + PAGE).min(card.scroll_limit)
                    } else {
                        card.scroll.saturating_sub(PAGE)
                    };
                }
            }
            Action::NewRestore => {
                let id = match self.screen() {
                    Screen::Tenant(card) => Some(card.id.clone()),
                    _ => None,
                };
                self.open_wizard(id);
            }
            other => self.on_common_action(other),
        }
    }
}
