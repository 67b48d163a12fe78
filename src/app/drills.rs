//! The tenant screen's past drills (`GET /drills?tenant_id=`, a contract addition): the
//! first page, fetched when the screen asks and again when the tenant's last drill changes.

use super::App;
use crate::domain::drill::DrillRecord;
use crate::domain::ids::{RestoreId, TenantId};
use crate::source::{CommandId, Op, Page};

#[derive(Debug, Clone, PartialEq)]
pub struct PastDrills {
    pub tenant: TenantId,
    /// Newest first, as the page came.
    pub records: Vec<DrillRecord>,
    /// More drills than the page held.
    pub more: bool,
    /// Why they could not be read, in words.
    pub error: Option<String>,
    fetching: Option<CommandId>,
    /// The tenant's last drill when the page was asked for: a newer one asks again.
    seen: Option<RestoreId>,
    loaded: bool,
}

impl PastDrills {
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }
}

impl App {
    /// The past drills of `tenant` as last read, if they are the ones held.
    pub fn drills_of(&self, tenant: &TenantId) -> Option<&PastDrills> {
        self.drills.as_ref().filter(|d| d.tenant == *tenant)
    }

    /// Asks for `tenant`'s drills unless they are held, on their way, or failed (asked
    /// again only when its last drill changes: a control plane without drills says so once).
    pub(in crate::app) fn want_drills(&mut self, tenant: &TenantId) {
        let last = self
            .fleet
            .position(tenant)
            .and_then(|i| self.fleet.tenant(i).backup.last_drill.as_ref())
            .map(|d| d.restore_id.clone());
        let current = self
            .drills_of(tenant)
            .is_some_and(|d| d.fetching.is_some() || d.seen == last);
        if current {
            return;
        }
        let id = self.send(Op::Drills {
            tenant: tenant.clone(),
            cursor: None,
        });
        let held = self.drills.take().filter(|d| d.tenant == *tenant);
        self.drills = Some(PastDrills {
            tenant: tenant.clone(),
            fetching: Some(id),
            seen: last,
            ..held.unwrap_or(PastDrills {
                tenant: tenant.clone(),
                records: Vec::new(),
                more: false,
                error: None,
                fetching: None,
                seen: None,
                loaded: false,
            })
        });
    }

    pub(in crate::app) fn on_drills(&mut self, op: &Op, page: Page<DrillRecord>) {
        let Op::Drills { tenant, .. } = op else {
            return;
        };
        let Some(drills) = self.drills.as_mut().filter(|d| d.tenant == *tenant) else {
            self.dirty = false;
            return;
        };
        drills.fetching = None;
        drills.loaded = true;
        drills.error = None;
        drills.more = page.next_cursor.is_some();
        drills.records = page.items;
    }

    /// The drills could not be read: said on the tenant screen.
    pub(in crate::app) fn drills_failed(&mut self, id: CommandId, message: &str) -> bool {
        let Some(drills) = self.drills.as_mut().filter(|d| d.fetching == Some(id)) else {
            return false;
        };
        drills.fetching = None;
        drills.loaded = true;
        drills.error = Some(message.to_string());
        true
    }
}
