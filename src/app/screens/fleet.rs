//! The fleet screen: the table of every tenant, its filter, sort and problems-only.

use super::super::keys::Action;
use super::super::{App, FlashKind};
use super::Modal;

impl App {
    pub(in crate::app) fn on_fleet_action(&mut self, action: Action) {
        match action {
            Action::Up => self.view.move_by(-1, &self.fleet),
            Action::Down => self.view.move_by(1, &self.fleet),
            Action::First => self.view.select_row(0, &self.fleet),
            Action::Last => self.view.select_row(usize::MAX, &self.fleet),
            Action::PageUp => self.view.page(-1, &self.fleet),
            Action::PageDown => self.view.page(1, &self.fleet),
            Action::Open => {
                if let Some(id) = self.view.selected().cloned() {
                    self.open_tenant(id, false);
                }
            }
            Action::Back if !self.view.filter().is_empty() => {
                self.clear_filter();
                self.set_flash(FlashKind::Info, "filter cleared");
            }
            Action::Filter => self.open_modal(Modal::Filter),
            Action::NewRestore => self.open_wizard(self.view.selected().cloned()),
            Action::NewDrill => self.open_drill(self.view.selected().cloned()),
            Action::ProblemsOnly => {
                self.view.toggle_problems_only(&self.fleet);
                let state = if self.view.problems_only() {
                    "on: OK tenants hidden"
                } else {
                    "off"
                };
                self.set_flash(FlashKind::Info, format!("problems only {state}"));
            }
            Action::NextSort => {
                let shown = self
                    .table_width
                    .map(|width| super::super::columns::shown(width, self.fleet.widest()));
                self.view.cycle_sort(&self.fleet, shown.as_deref());
                self.flash_sort();
            }
            Action::ReverseSort => {
                self.view.toggle_direction(&self.fleet);
                self.flash_sort();
            }
            other => self.on_common_action(other),
        }
    }

    fn flash_sort(&mut self) {
        let (key, reversed) = self.view.sort();
        let order = if reversed {
            "reversed"
        } else {
            key.natural_order()
        };
        self.set_flash(
            FlashKind::Info,
            format!("sorted by {} ({order})", key.name()),
        );
    }
}
