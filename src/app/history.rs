//! One tenant's restore-point history, fetched page by page as screens need it: the tenant
//! screen as the operator scrolls, the wizard as a typed time reaches further back. One
//! history is held at a time (the tenant in front); a newer attempt fetches page one again.

use super::{App, FlashKind};
use crate::domain::ids::{RestorePointId, TenantId};
use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::AttemptStatus;
use crate::source::{CommandId, Op, Page};

/// Ticks to wait before asking again after a page failed.
const RETRY_TICKS: u8 = 5;

#[derive(Debug, Clone)]
pub struct PointHistory {
    pub tenant: TenantId,
    /// Newest first, as the pages came.
    pub points: Vec<RestorePoint>,
    next_cursor: Option<String>,
    /// Every page has come.
    pub complete: bool,
    /// The page on its way.
    fetching: Option<CommandId>,
    /// Why the last page did not come, in words; asked again after a few ticks.
    pub error: Option<String>,
    retry_in: u8,
    /// The tenant's newest attempt when page one came: a newer one fetches page one again.
    seen: Option<(RestorePointId, AttemptStatus)>,
    /// How many points the screens want loaded.
    wanted: usize,
    /// Page one has come.
    loaded: bool,
}

impl PointHistory {
    fn new(tenant: TenantId) -> Self {
        Self {
            tenant,
            points: Vec::new(),
            next_cursor: None,
            complete: false,
            fetching: None,
            error: None,
            retry_in: 0,
            seen: None,
            wanted: 0,
            loaded: false,
        }
    }

    /// Whether a page is on its way.
    pub fn is_fetching(&self) -> bool {
        self.fetching.is_some()
    }

    /// Whether page one has come (before that the screens say "loading").
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Page one again (a refetch) merges on top: points already held keep their place
    /// below it, so the operator's selection deep in the history stays put.
    fn first_page(&mut self, page: Page<RestorePoint>) {
        let mut points = page.items;
        let oldest_new = points.last().map(|p| p.taken_at);
        if !self.points.is_empty() {
            let held = std::mem::take(&mut self.points);
            points.extend(
                held.into_iter()
                    .filter(|p| oldest_new.is_none_or(|at| p.taken_at < at)),
            );
            // Page two onwards shifted by the new points: the cursor held still reaches the
            // rest, and what comes twice is dropped as it comes.
        } else {
            self.complete = page.next_cursor.is_none();
            self.next_cursor = page.next_cursor;
        }
        self.points = points;
    }

    fn next_page(&mut self, page: Page<RestorePoint>) {
        let newest_held_oldest = self.points.last().map(|p| p.taken_at);
        self.points.extend(
            page.items
                .into_iter()
                .filter(|p| newest_held_oldest.is_none_or(|at| p.taken_at < at)),
        );
        self.complete = page.next_cursor.is_none();
        self.next_cursor = page.next_cursor;
    }
}

impl App {
    /// The history of `tenant` as fetched so far, if it is the one held.
    pub fn history_of(&self, tenant: &TenantId) -> Option<&PointHistory> {
        self.history.as_ref().filter(|h| h.tenant == *tenant)
    }

    /// Asks for `tenant`'s history down to `rows` points (`usize::MAX`: all of it).
    pub(in crate::app) fn want_points(&mut self, tenant: &TenantId, rows: usize) {
        if self.history_of(tenant).is_none() {
            self.history = Some(PointHistory::new(tenant.clone()));
        }
        if let Some(history) = self.history.as_mut() {
            history.wanted = history.wanted.max(rows);
        }
        self.fetch_points();
    }

    /// Sends the next page the held history needs, if any and none is on its way.
    pub(in crate::app) fn fetch_points(&mut self) {
        let newest = self.newest_attempt();
        let Some(history) = self.history.as_mut() else {
            return;
        };
        if history.fetching.is_some() {
            return;
        }
        if history.error.is_some() {
            if history.retry_in > 0 {
                history.retry_in -= 1;
                return;
            }
            history.error = None;
        }
        let outdated = history.loaded && history.seen != newest;
        let cursor = if !history.loaded || outdated {
            history.seen = newest;
            None
        } else if history.points.len() < history.wanted && !history.complete {
            match history.next_cursor.clone() {
                Some(cursor) => Some(cursor),
                None => return,
            }
        } else {
            return;
        };
        let tenant = history.tenant.clone();
        let id = self.send(Op::RestorePoints { tenant, cursor });
        if let Some(history) = self.history.as_mut() {
            history.fetching = Some(id);
        }
    }

    /// The held tenant's newest attempt, as the fleet last reported it.
    fn newest_attempt(&self) -> Option<(RestorePointId, AttemptStatus)> {
        let history = self.history.as_ref()?;
        let i = self.fleet.position(&history.tenant)?;
        let attempt = self.fleet.tenant(i).backup.last_attempt.as_ref()?;
        Some((attempt.restore_point_id.clone(), attempt.status.clone()))
    }

    /// A page came: on top for page one, below for the others; then the next, if wanted.
    pub(in crate::app) fn on_points(&mut self, id: CommandId, op: &Op, page: Page<RestorePoint>) {
        let Op::RestorePoints { cursor, .. } = op else {
            return;
        };
        let Some(history) = self.history.as_mut().filter(|h| h.fetching == Some(id)) else {
            self.dirty = false;
            return;
        };
        history.fetching = None;
        match cursor {
            None => {
                history.loaded = true;
                history.first_page(page);
            }
            Some(_) => history.next_page(page),
        }
        let len = history.points.len();
        if let Some(super::Screen::Tenant(screen)) = self.screens.last_mut() {
            screen.settle(len);
        }
        // A wizard waiting on a time older than the pages held asks for the rest.
        self.search_further_back();
        self.fetch_points();
    }

    /// A page did not come: said on the history itself and in the flash; asked again later.
    pub(in crate::app) fn points_failed(&mut self, id: CommandId, message: &str) -> bool {
        let Some(history) = self.history.as_mut().filter(|h| h.fetching == Some(id)) else {
            return false;
        };
        history.fetching = None;
        history.error = Some(message.to_string());
        history.retry_in = RETRY_TICKS;
        let text = format!("restore points could not be read: {message}");
        self.set_flash(FlashKind::Error, text);
        true
    }
}
