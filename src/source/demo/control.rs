//! The demo control plane's writes, with the contract's semantics exactly
//! (`api/control-plane-v1.md`): `404 tenant_not_found`, `409 restore_in_progress`,
//! `409 slug_taken`, `422 restore_point_unusable`, `409 invalid_phase`, and idempotency — the
//! same key with the same body answers the original result, the same key with another body
//! is `422 idempotency_key_reused`.

use std::collections::HashMap;
use std::sync::Arc;

use super::names::spoke_hostname;
use super::restores::{Launch, RestorePlan};
use super::sim::Sim;
use crate::domain::ids::{IdempotencyKey, RestoreId, TenantId};
use crate::domain::restore::{CreateRestore, Restore, RestoreMode, RestorePhase, free_target_slug};
use crate::domain::tenant::{AttemptStatus, Tenant, TenantState};
use crate::source::{CommandError, Op, Reply};

/// Who the demo says launched and confirmed what.
const OPERATOR: &str = "oncall@example.net";

/// The first answer to every idempotency key, with the body it was given for.
#[derive(Debug, Default)]
pub struct Idempotency {
    answers: HashMap<IdempotencyKey, (String, Result<Reply, CommandError>)>,
}

impl Idempotency {
    /// Does `op` once per key: a repeat with the same body gets the first answer again,
    /// success or error; a repeat with another body is refused.
    pub fn once(
        &mut self,
        op: &Op,
        work: impl FnOnce() -> Result<Reply, CommandError>,
    ) -> Result<Reply, CommandError> {
        let Some(key) = op.key() else {
            return work();
        };
        // The key is part of the op, so equal text means the same key and the same body.
        let body = format!("{op:?}");
        if let Some((first_body, answer)) = self.answers.get(key) {
            if *first_body == body {
                return answer.clone();
            }
            return Err(CommandError::new(
                422,
                "idempotency_key_reused",
                format!("idempotency key {key} was already used for a different request"),
            ));
        }
        let answer = work();
        self.answers.insert(key.clone(), (body, answer.clone()));
        answer
    }
}

impl Sim {
    /// `POST /tenants/{id}/restores`.
    pub fn create_restore(
        &mut self,
        tenant_id: &TenantId,
        request: &CreateRestore,
    ) -> Result<Restore, CommandError> {
        let index = self.tenant_index(tenant_id)?;
        let tenant = Arc::clone(&self.tenants()[index]);
        if let Some(active) = &tenant.active_restore_id {
            return Err(CommandError::new(
                409,
                "restore_in_progress",
                format!(
                    "{} already has restore {active} in progress; one restore at a time",
                    tenant.slug
                ),
            ));
        }
        let point = usable_point(&tenant, request)?;
        let (target_slug, target_hostname) = self.target(&tenant, request)?;
        let now = self.now();
        let k = self.restore_plans.len();
        let plan = RestorePlan::launched(
            self.seed,
            k,
            &tenant,
            Launch {
                tenant: index,
                requested_at: now,
                mode: request.mode.clone(),
                target_slug,
                target_hostname,
                restore_point_id: Some(point),
                ticket: request.ticket.clone(),
                requested_by: OPERATOR,
            },
        );
        let restore = plan.at(now);
        self.set_active_restore(index, Some(restore.id.clone()), &request.mode);
        self.restore_plans.push(plan);
        self.restores.push(restore.clone());
        self.restores_changed = true;
        self.link_request(request.ticket.as_deref(), &restore.id);
        Ok(restore)
    }

    /// `POST /restores/{id}/confirm`: only from `awaiting_confirmation`.
    pub fn confirm_restore(&mut self, id: &RestoreId) -> Result<Restore, CommandError> {
        self.end_restore(id, RestorePhase::Completed)
    }

    /// `POST /restores/{id}/cancel`: only before `awaiting_confirmation`.
    pub fn cancel_restore(&mut self, id: &RestoreId) -> Result<Restore, CommandError> {
        self.end_restore(id, RestorePhase::Cancelled)
    }

    fn end_restore(&mut self, id: &RestoreId, to: RestorePhase) -> Result<Restore, CommandError> {
        let now = self.now();
        let Some(k) = self.restore_plans.iter().position(|p| p.id() == id) else {
            return Err(CommandError::new(
                404,
                "restore_not_found",
                format!("there is no restore {id}"),
            ));
        };
        let phase = self.restore_plans[k].at(now).phase;
        let allowed = match to {
            RestorePhase::Completed => phase.can_confirm(),
            _ => phase.can_cancel(),
        };
        if !allowed {
            let what = if to == RestorePhase::Completed {
                "confirmed only while awaiting confirmation"
            } else {
                "cancelled only before it awaits confirmation"
            };
            return Err(CommandError::new(
                409,
                "invalid_phase",
                format!("restore {id} is {}; it can be {what}", phase.label()),
            ));
        }
        let plan = &mut self.restore_plans[k];
        plan.end(to, now, OPERATOR);
        let restore = plan.at(now);
        let tenant = plan.tenant();
        self.restores[k] = restore.clone();
        self.restores_changed = true;
        self.set_active_restore(tenant, None, &restore.mode);
        Ok(restore)
    }

    fn tenant_index(&self, id: &TenantId) -> Result<usize, CommandError> {
        self.tenants()
            .iter()
            .position(|t| t.id == *id)
            .ok_or_else(|| CommandError::new(404, "tenant_not_found", format!("no tenant {id}")))
    }

    /// The target slug and hostname: named by the control plane for a new spoke (`-2`, `-3`…
    /// when taken); the tenant itself for an overwrite.
    fn target(
        &self,
        tenant: &Tenant,
        request: &CreateRestore,
    ) -> Result<(String, String), CommandError> {
        let taken = |slug: &str| self.tenants().iter().any(|t| t.slug == slug);
        match (&request.mode, &request.target_slug) {
            (RestoreMode::Overwrite, Some(slug)) if *slug != tenant.slug => Err(CommandError::new(
                422,
                "invalid_target",
                format!(
                    "an overwrite restores over {} itself; target_slug must be {}",
                    tenant.slug, tenant.slug
                ),
            )),
            (RestoreMode::Overwrite, _) => Ok((tenant.slug.clone(), tenant.hostname.clone())),
            (_, Some(slug)) if taken(slug) => Err(CommandError::new(
                409,
                "slug_taken",
                format!("a tenant named {slug} already exists"),
            )),
            (_, Some(slug)) => Ok((slug.clone(), spoke_hostname(slug))),
            (_, None) => {
                let slug = free_target_slug(&tenant.slug, self.now(), taken);
                let host = spoke_hostname(&slug);
                Ok((slug, host))
            }
        }
    }

    fn set_active_restore(&mut self, index: usize, id: Option<RestoreId>, mode: &RestoreMode) {
        let restoring_in_place = *mode == RestoreMode::Overwrite;
        if let Some(tenant) = self.tenant_mut(index) {
            tenant.state = match (&id, restoring_in_place) {
                (Some(_), true) => TenantState::Restoring,
                (None, true) => TenantState::Active,
                _ => tenant.state.clone(),
            };
            tenant.active_restore_id = id;
        }
    }
}

/// The point the request names, if it can be restored from: the most recent successful
/// one when none is named. The demo knows a tenant's newest success and newest attempt.
fn usable_point(
    tenant: &Tenant,
    request: &CreateRestore,
) -> Result<crate::domain::ids::RestorePointId, CommandError> {
    let unusable = |why: String| CommandError::new(422, "restore_point_unusable", why);
    let last = tenant.backup.last_success.as_ref();
    match (&request.restore_point_id, last) {
        (None, Some(last)) => Ok(last.restore_point_id.clone()),
        (None, None) => Err(unusable(format!(
            "{} has no successful backup to restore from",
            tenant.slug
        ))),
        (Some(id), Some(last)) if *id == last.restore_point_id => Ok(id.clone()),
        (Some(id), _) => {
            let attempt = tenant
                .backup
                .last_attempt
                .as_ref()
                .filter(|a| a.restore_point_id == *id);
            let why = match attempt.map(|a| &a.status) {
                Some(AttemptStatus::Failed) => format!("restore point {id} failed"),
                Some(AttemptStatus::Partial) => {
                    format!("restore point {id} is partial: one half of the pair failed")
                }
                Some(AttemptStatus::Running) => format!("restore point {id} is still being taken"),
                _ => format!(
                    "restore point {id} is not a usable point of {}",
                    tenant.slug
                ),
            };
            Err(unusable(why))
        }
    }
}

/// Carries out a write on the simulator, once per idempotency key.
pub fn apply(sim: &mut Sim, done: &mut Idempotency, op: &Op) -> Result<Reply, CommandError> {
    done.once(op, || match op {
        Op::Refresh => Ok(Reply::Refreshed),
        Op::CreateRestore {
            tenant, request, ..
        } => sim
            .create_restore(tenant, request)
            .map(|r| Reply::Restore(Box::new(r))),
        Op::ConfirmRestore { restore, .. } => sim
            .confirm_restore(restore)
            .map(|r| Reply::Restore(Box::new(r))),
        Op::CancelRestore { restore, .. } => sim
            .cancel_restore(restore)
            .map(|r| Reply::Restore(Box::new(r))),
        Op::AcknowledgeRequest { ticket, .. } => sim
            .acknowledge_request(ticket)
            .map(|r| Reply::Request(Box::new(r))),
        other => Err(CommandError::new(
            501,
            "not_implemented",
            format!("the demo cannot do {} yet", other.name()),
        )),
    })
}

#[cfg(test)]
#[path = "control_tests.rs"]
mod tests;
