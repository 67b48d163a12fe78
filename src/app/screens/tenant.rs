//! The tenant screen: the Backups card of one tenant and its activity (restores, DNS swaps,
//! requests) above its restore-point history, newest first, fetched page by page as the
//! operator scrolls. `Tab` moves the keys between the two; `[` `]` step to the previous or
//! next tenant of the fleet's order without going back.

use super::super::App;
use super::super::keys::Action;
use super::Screen;
use crate::domain::TenantId;
use crate::domain::ids::RestorePointId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Card,
    History,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantScreen {
    pub id: TenantId,
    /// Lines the card is scrolled by, at most `scroll_limit`.
    pub scroll: usize,
    /// How far the card, as last drawn, can scroll: PgDn stops there, so PgUp answers at
    /// once after reaching the end.
    pub scroll_limit: usize,
    /// Which pane the movement keys move.
    pub focus: Pane,
    /// The history row selected; `usize::MAX` is "the oldest", wherever that turns out to be
    /// once every page has come.
    pub selected: usize,
    /// The first history row shown.
    pub offset: usize,
    /// History rows the screen showed when last drawn.
    pub rows: usize,
}

/// Lines a PgUp / PgDn moves the card.
const PAGE: usize = 5;
/// Points fetched beyond the last one shown, so scrolling rarely waits for a page.
const AHEAD: usize = 200;

impl TenantScreen {
    pub fn new(id: TenantId) -> Self {
        Self {
            id,
            scroll: 0,
            scroll_limit: 0,
            focus: Pane::History,
            selected: 0,
            offset: 0,
            rows: 10,
        }
    }

    /// The selected row among `len` points held.
    pub fn selected_row(&self, len: usize) -> Option<usize> {
        (len > 0).then(|| self.selected.min(len - 1))
    }

    /// Keeps the selection on screen, moving the window as little as possible.
    pub fn settle(&mut self, len: usize) {
        let rows = self.rows.max(1);
        let Some(selected) = self.selected_row(len) else {
            self.offset = 0;
            return;
        };
        if selected < self.offset {
            self.offset = selected;
        } else if selected >= self.offset + rows {
            self.offset = selected + 1 - rows;
        }
        self.offset = self.offset.min(len.saturating_sub(rows));
    }

    fn move_card(&mut self, action: Action) {
        self.scroll = match action {
            Action::Up => self.scroll.saturating_sub(1),
            Action::Down => self.scroll + 1,
            Action::PageUp => self.scroll.saturating_sub(PAGE),
            Action::PageDown => self.scroll + PAGE,
            Action::First => 0,
            _ => self.scroll_limit,
        }
        .min(self.scroll_limit);
    }

    fn move_history(&mut self, action: Action, len: usize) {
        let current = self.selected_row(len).unwrap_or(0);
        let page = self.rows.max(1);
        self.selected = match action {
            Action::Up => current.saturating_sub(1),
            Action::Down => current + 1,
            Action::PageUp => current.saturating_sub(page),
            Action::PageDown => current + page,
            Action::First => 0,
            _ => usize::MAX,
        };
        // Not past the points held, except "the oldest", which waits for the pages.
        if self.selected != usize::MAX {
            self.selected = self.selected.min(len.saturating_sub(1));
        }
        self.settle(len);
    }
}

impl App {
    /// Opens `tenant`'s screen over the fleet, or in place of the tenant screen on top, and
    /// asks for the first page of its history.
    pub(in crate::app) fn open_tenant(&mut self, id: TenantId, replace: bool) {
        let screen = Screen::Tenant(TenantScreen::new(id.clone()));
        if replace {
            self.replace_screen(screen);
        } else {
            self.open_screen(screen);
        }
        self.want_points(&id, AHEAD);
        self.want_drills(&id);
    }

    pub(in crate::app) fn on_tenant_action(&mut self, action: Action) {
        let len = self
            .history
            .as_ref()
            .map_or(0, |history| history.points.len());
        match action {
            Action::Back => self.close_screen(),
            Action::PreviousTenant | Action::NextTenant => {
                let step = if action == Action::PreviousTenant {
                    -1
                } else {
                    1
                };
                self.view.move_by(step, &self.fleet);
                if let Some(id) = self.view.selected().cloned() {
                    self.open_tenant(id, true);
                }
            }
            Action::SwitchPane => {
                if let Some(Screen::Tenant(screen)) = self.screens.last_mut() {
                    screen.focus = match screen.focus {
                        Pane::Card => Pane::History,
                        Pane::History => Pane::Card,
                    };
                }
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last => {
                let Some(Screen::Tenant(screen)) = self.screens.last_mut() else {
                    return;
                };
                if screen.focus == Pane::Card {
                    screen.move_card(action);
                    return;
                }
                screen.move_history(action, len);
                let (id, wanted) = (screen.id.clone(), needed(screen));
                self.want_points(&id, wanted);
            }
            Action::NewRestore => self.restore_from_tenant(),
            Action::NewDrill => {
                let id = match self.screens.last() {
                    Some(Screen::Tenant(screen)) => Some(screen.id.clone()),
                    _ => None,
                };
                self.open_drill(id);
            }
            other => self.on_common_action(other),
        }
    }

    /// `R` on the tenant screen: the wizard, with the history's selected point picked when
    /// the history has the keys.
    fn restore_from_tenant(&mut self) {
        let Some(Screen::Tenant(screen)) = self.screens.last() else {
            return;
        };
        let id = screen.id.clone();
        let picked = (screen.focus == Pane::History)
            .then(|| self.selected_point(screen))
            .flatten();
        // An unusable point cannot be picked: the wizard opens on the most recent usable one
        // and says why the selected one was not taken.
        let refused = picked.as_ref().and_then(|point| {
            let why = self.unusable(point)?;
            Some(format!(
                "restore point {point} cannot be restored from (it is {why}): the most recent \
                 usable point is chosen instead"
            ))
        });
        let picked = if refused.is_some() { None } else { picked };
        self.open_wizard_at(Some(id), picked);
        if let Some(text) = refused {
            if let Some(Screen::Wizard(wizard)) = self.screens.last_mut() {
                wizard.problem = Some(text.clone());
            }
            self.set_flash(super::super::FlashKind::Error, text);
        }
    }

    fn selected_point(&self, screen: &TenantScreen) -> Option<RestorePointId> {
        let history = self.history_of(&screen.id)?;
        let row = screen.selected_row(history.points.len())?;
        history.points.get(row).map(|p| p.id.clone())
    }

    /// Why the held history's point `id` cannot be restored from, if it cannot.
    fn unusable(&self, id: &RestorePointId) -> Option<String> {
        let point = self.history.as_ref()?.points.iter().find(|p| p.id == *id)?;
        point.unusable_reason(self.now).map(|why| why.to_string())
    }

    /// The history pane can show `rows` rows now.
    pub(in crate::app) fn on_history_rows(&mut self, rows: usize) {
        self.dirty = false;
        let len = self.history.as_ref().map_or(0, |h| h.points.len());
        let Some(Screen::Tenant(screen)) = self.screens.last_mut() else {
            return;
        };
        if screen.rows != rows {
            screen.rows = rows;
            screen.settle(len);
            self.dirty = true;
        }
    }
}

/// How many points the screen needs loaded: what it shows and some way beyond.
fn needed(screen: &TenantScreen) -> usize {
    if screen.selected == usize::MAX {
        return usize::MAX;
    }
    screen.offset + screen.rows + AHEAD
}
