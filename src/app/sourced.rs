//! What the source says, and the tick: the fleet held and judged, the lists kept, the
//! order caught up.

use chrono::{DateTime, Utc};

use super::*;
use crate::source::SourceEvent;

impl App {
    pub(super) fn on_tick(&mut self, now: DateTime<Utc>) {
        if let Some(flash) = self.flash.as_mut() {
            flash.ticks_left = flash.ticks_left.saturating_sub(1);
            if flash.ticks_left == 0 {
                self.flash = None;
            }
        }
        self.fetch_points();
        if matches!(self.screen(), Screen::Journal(_)) {
            // Other windows may write to it too.
            self.effects.push(Effect::ReadJournal);
        }
        if !self.received_data {
            return;
        }
        self.poll_event_logs(false);
        self.tick_drills();
        self.tick_batch();
        self.fleet.evaluate_due(now);
        self.want_exposure(now);
        if let Screen::Tenant(card) = self.screen() {
            let id = card.id.clone();
            self.fleet.rejudge(&id, now);
            // A drill recorded since the screen opened: the list is read again.
            self.want_drills(&id);
        }
        // Only what changed is re-placed: at a million tenants a second changes a handful.
        // Every tick drains the list, so it stays short and never falls back to a full sort
        // for want of a tick.
        self.catch_up_order();
    }

    /// The view re-places the tenants that changed since it last did.
    pub(super) fn catch_up_order(&mut self) {
        let touched = self.fleet.take_touched();
        self.view.update(&self.fleet, touched);
    }

    pub(super) fn on_source(&mut self, event: SourceEvent, now: DateTime<Utc>) {
        match event {
            SourceEvent::Fleet {
                generated_at,
                tenants,
            } => {
                let loaded = self.loader().load(tenants, generated_at, now);
                self.install(loaded);
            }
            SourceEvent::Changed {
                generated_at,
                tenants,
            } => {
                // An empty change is the source's heartbeat: nothing on screen moves (the data
                // age is redrawn with the clock).
                let heartbeat = tenants.is_empty();
                let moved = self.fleet.upsert(tenants, generated_at, now);
                if heartbeat {
                    self.dirty = false;
                } else if self.fleet.len() <= CATCH_UP_EACH_UPDATE_UP_TO
                    && (moved || self.view.sort().0.follows_backups())
                {
                    self.catch_up_order();
                }
            }
            SourceEvent::Restores { restores, .. } => {
                self.restores_seen_at = Some(now);
                self.restores = restores;
                screens::restores::order(&mut self.restores);
                self.drills_listed();
            }
            SourceEvent::DnsSwaps { swaps, .. } => self.dns_swaps = swaps,
            SourceEvent::Requests { requests, .. } => {
                // A ticket leaves the open list once its restore completes; the restore's RTO
                // still counts from the ticket's time, so the app keeps what it saw.
                let gone: Vec<_> = self
                    .requests
                    .drain(..)
                    .filter(|old| !requests.iter().any(|r| r.ticket == old.ticket))
                    .collect();
                self.closed_requests.extend(gone);
                let excess = self
                    .closed_requests
                    .len()
                    .saturating_sub(CLOSED_REQUESTS_KEPT);
                self.closed_requests.drain(..excess);
                self.requests = requests;
                screens::requests::order(&mut self.requests, &self.calendar);
            }
            SourceEvent::Regions(regions) => {
                if self.fleet.set_regions(regions, now) {
                    self.catch_up_order();
                }
                self.exposure.outdated = true;
            }
            SourceEvent::Answer { id, outcome } => self.on_answer(id, outcome),
            SourceEvent::Unread(unread) => self.unread = unread,
            SourceEvent::Connection(connection) => {
                if let Some(failure) = connection.failure() {
                    self.set_flash(FlashKind::Error, format!("source: {failure}"));
                }
                self.connection = connection;
            }
        }
    }

    /// What loading a whole fleet needs from the app (see `load`).
    pub fn loader(&self) -> load::Loader {
        load::Loader {
            old: self.fleet.tenants().to_vec(),
            refresh_interval: self.fleet.refresh_interval(),
            drill_max_age: self.fleet.drill_max_age(),
            schedules: self.fleet.schedules().clone(),
            regions: self.fleet.regions().clone(),
            view: self.view.settings(),
        }
    }

    /// Swaps in a loaded fleet, keeping what the operator did while it loaded.
    pub(super) fn install(&mut self, loaded: load::Loaded) {
        let load::Loaded {
            fleet,
            mut view,
            changed,
        } = loaded;
        self.fleet = fleet;
        view.carry_over(&self.view, &self.fleet);
        self.view = view;
        self.received_data = true;
        self.loading = None;
        self.exposure.outdated = true;
        self.last_load_changes = changed;
    }

    /// How many tenants are being loaded, while a whole fleet is.
    pub fn loading(&self) -> Option<usize> {
        self.loading
    }
}
