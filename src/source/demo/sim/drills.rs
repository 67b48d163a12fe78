//! `drill-result` and `GET /drills` on the demo control plane: drills recorded since the
//! fleet started are kept in full; the generated history is each tenant's `last_drill`.

use super::Sim;
use crate::domain::drill::{DrillFindings, DrillRecord, LastDrill};
use crate::domain::ids::{RestoreId, TenantId};
use crate::domain::restore::RestorePurpose;
use crate::source::CommandError;
use crate::source::demo::drills::generated_checks;

impl Sim {
    /// `POST /restores/{id}/drill-result`: once, for a drill.
    pub fn record_drill(
        &mut self,
        id: &RestoreId,
        findings: &DrillFindings,
    ) -> Result<DrillRecord, CommandError> {
        let Some(k) = self.restores.iter().position(|r| r.id == *id) else {
            return Err(CommandError::new(
                404,
                "restore_not_found",
                format!("there is no restore {id}"),
            ));
        };
        let restore = self.restores[k].clone();
        if restore.purpose != RestorePurpose::Drill {
            return Err(CommandError::new(
                409,
                "not_a_drill",
                format!("restore {id} was asked for, not a drill: it has no drill result"),
            ));
        }
        if self.drill_records.iter().any(|d| d.drill.restore_id == *id) {
            return Err(CommandError::new(
                409,
                "drill_result_recorded",
                format!("restore {id} already has its drill result"),
            ));
        }
        let index = self.restore_plans[k].tenant();
        let point_taken_at = restore
            .restore_point_id
            .as_ref()
            .and_then(|p| self.restore_point(index, p))
            .map(|p| p.taken_at);
        // The generated drill becomes history in full before the new one replaces it.
        if let Some(earlier) = self.generated_drill(index) {
            self.drill_records.push(earlier);
        }
        // In-region drills carry no region, as a server without regions would send them.
        let home = self.tenants().get(index).map(|t| t.region.clone());
        let record = DrillRecord {
            tenant_id: restore.tenant_id.clone(),
            drill: LastDrill {
                target_region: restore
                    .target_region
                    .as_deref()
                    .filter(|r| home.as_deref() != Some(*r))
                    .map(Into::into),
                restore_id: id.clone(),
                restore_point_id: restore.restore_point_id.clone(),
                point_taken_at,
                finished_at: self.now(),
                result: findings.result.clone(),
                summary: findings.summary.as_str().into(),
                restore_duration_seconds: findings.restore_duration_seconds,
            },
            checks: findings.checks.clone(),
        };
        self.drill_records.push(record.clone());
        if let Some(tenant) = self.tenant_mut(index) {
            tenant.backup.last_drill = Some(record.drill.clone());
        }
        Ok(record)
    }

    /// `GET /drills?tenant_id=`: the tenant's drills, newest first.
    pub fn drills(&self, tenant: &TenantId) -> Result<Vec<DrillRecord>, CommandError> {
        let index = self
            .tenants()
            .iter()
            .position(|t| t.id == *tenant)
            .ok_or_else(|| {
                CommandError::new(404, "tenant_not_found", format!("no tenant {tenant}"))
            })?;
        let mut drills: Vec<DrillRecord> = self
            .drill_records
            .iter()
            .filter(|d| d.tenant_id == *tenant)
            .cloned()
            .chain(self.generated_drill(index))
            .collect();
        drills.sort_by_key(|d| std::cmp::Reverse(d.drill.finished_at));
        Ok(drills)
    }

    /// The tenant's generated last drill as a full record, while no recorded one replaced it.
    fn generated_drill(&self, index: usize) -> Option<DrillRecord> {
        let tenant = self.tenants().get(index)?;
        let last = tenant.backup.last_drill.clone()?;
        let recorded = self
            .drill_records
            .iter()
            .any(|d| d.drill.restore_id == last.restore_id);
        (!recorded).then(|| DrillRecord {
            tenant_id: tenant.id.clone(),
            checks: generated_checks(&last),
            drill: last,
        })
    }
}
