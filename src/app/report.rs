//! The ticket report from the dashboard (`y` on the restore monitor): its facts as the
//! dashboard holds them now. The runner reads the journal, builds the report, saves it and
//! hands it to the clipboard (`crate::clipboard`); the flash says where it went.

use super::own_checks::OwnChecks as Held;
use super::{App, Effect, FlashKind};
use crate::clipboard::ReportWanted;
use crate::domain::drill::DrillRecord;
use crate::domain::ids::RestoreId;
use crate::domain::report::{CheckLine, Facts, OwnChecks};
use crate::domain::restore::Restore;
use crate::domain::verify::overall;

impl App {
    /// The report of restore `id`, asked of the runner.
    pub(in crate::app) fn copy_report(&mut self, id: &RestoreId) {
        let Some(restore) = self.restore(id).cloned() else {
            self.set_flash(FlashKind::Error, "this restore is no longer reported");
            return;
        };
        let facts = self.report_facts(restore);
        let calendar = self.calendar.clone();
        self.effects.push(Effect::CopyReport(Box::new(ReportWanted {
            facts,
            calendar,
        })));
    }

    /// The runner's answer: where the report went, or why it could not be saved.
    pub(in crate::app) fn report_copied(&mut self, result: Result<String, String>) {
        match result {
            Ok(words) => self.set_flash(FlashKind::Info, words),
            Err(why) => self.set_flash(FlashKind::Error, why),
        }
    }

    fn report_facts(&self, restore: Restore) -> Facts {
        let tenant = self
            .fleet
            .position(&restore.tenant_id)
            .and_then(|i| self.fleet.tenants().get(i).cloned());
        // The monitor's own checks read the tenant's history for the point; it is usually
        // held by now.
        let point = self
            .history_of(&restore.tenant_id)
            .and_then(|h| crate::domain::restore_point::point_of(&restore, &h.points).cloned())
            .ok_or_else(|| {
                "not read by the dashboard (open the tenant's history, or run `snapdeck \
                 report` for it)"
                    .to_string()
            });
        let request = self
            .requests
            .iter()
            .chain(&self.closed_requests)
            .find(|q| {
                q.restore_id.as_ref() == Some(&restore.id)
                    || (q.tenant_id == restore.tenant_id
                        && restore.ticket.as_deref() == Some(q.ticket.as_str()))
            })
            .cloned();
        let swaps = self
            .dns_swaps
            .iter()
            .filter(|s| s.restore_id == restore.id)
            .cloned()
            .collect();
        let drill_record = tenant
            .as_ref()
            .and_then(|t| t.backup.last_drill.clone())
            .filter(|d| d.restore_id == restore.id)
            .map(|drill| DrillRecord {
                tenant_id: restore.tenant_id.clone(),
                drill,
                checks: Vec::new(),
            });
        let own_checks_held = self.own_checks(&restore.id).map(held);
        Facts {
            tenant,
            point,
            request,
            swaps: Some(swaps),
            drill_record,
            own_checks_held,
            source: format!("{} {}", self.source.kind, self.source.detail)
                .trim()
                .to_string(),
            now: self.now,
            restore,
        }
    }
}

fn held(own: &Held) -> OwnChecks {
    match own {
        Held::Done(checks) => OwnChecks::Ran {
            verdict: overall(checks),
            checks: checks
                .iter()
                .map(|c| CheckLine {
                    name: c.kind.title().to_string(),
                    verdict: c.verdict,
                    detail: c.summary.clone(),
                })
                .collect(),
        },
        Held::CannotRun(why) => OwnChecks::CouldNotRun(why.clone()),
        Held::Running { .. } | Held::FindingPoint => OwnChecks::NotFinished,
    }
}
